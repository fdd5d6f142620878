"""How many live camera connections a person has open, counted in the database so the limit holds
across every server process; a connection refreshes its row while it lasts, so one left behind by a
killed process stops counting after ``STALE_AFTER``."""

from __future__ import annotations

import secrets
from datetime import timedelta

from backcoach.services.context import AppContext
from backcoach.services.errors import TooManyAttempts
from backcoach.store.rows_accounts import AccountRepository

__all__ = ["REFRESH_EVERY", "STALE_AFTER", "close_live", "open_live", "refresh_live"]

REFRESH_EVERY = timedelta(seconds=20)
STALE_AFTER = timedelta(seconds=60)


def open_live(ctx: AppContext) -> str:
    """Register a new live connection of the acting person; its id. TooManyAttempts (with the
    message to show) when they already have ``live_connections_per_user`` open."""
    person = ctx.person_id
    now = ctx.clock.now()
    with ctx.session() as session:
        repo = AccountRepository(session)
        if repo.live_count(person, now - STALE_AFTER) >= ctx.settings.live_connections_per_user:
            raise TooManyAttempts(
                "The camera coach is already open on another screen of yours. "
                "Close it there, then try again.",
                retry_after_s=int(STALE_AFTER.total_seconds()),
            )
        connection_id = secrets.token_hex(16)
        repo.open_live(connection_id=connection_id, user_id=person, now=now)
    return connection_id


def refresh_live(ctx: AppContext, connection_id: str) -> None:
    with ctx.session() as session:
        AccountRepository(session).touch_live(connection_id, ctx.clock.now())


def close_live(ctx: AppContext, connection_id: str) -> None:
    with ctx.session() as session:
        AccountRepository(session).close_live(connection_id)
