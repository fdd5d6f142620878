"""The application context every service takes first: settings, database, catalogue, user and clock.

``open_app(settings)`` loads the catalogue, opens (and upgrades) the database, creates the one local
user on first run and the built-in programs; the CLI and the web app each build one and pass it
down. The clock is injectable: ``Settings.clock_speed`` makes workout time run faster in tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from backcoach.config import Settings
from backcoach.domain.catalogue_loader import Catalogue, CatalogueError, load_catalogue
from backcoach.domain.programs import DAILY_SHORT_SLUG, builtin_programs
from backcoach.services.errors import BackcoachError, InvalidInput, StorageUnavailable
from backcoach.store.database import Database, DatabaseUnavailable, open_database
from backcoach.store.repository import Repository, ensure_local_user

__all__ = [
    "ACTIVE_PROGRAM_KEY",
    "AppContext",
    "Clock",
    "SystemClock",
    "open_app",
]

ACTIVE_PROGRAM_KEY = "active_program"


class Clock(Protocol):
    """Where time comes from. ``now`` is the wall clock (stored times); ``monotonic`` and ``sleep``
    are workout time (holds, rests), which a test clock may run faster than real time."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class SystemClock:
    """The real clock; with ``speed`` above 1 workout seconds pass that many times faster."""

    speed: float = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic() * self.speed

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


@dataclass
class AppContext:
    """What a service needs: settings, the open database, the catalogue, whose data, and a clock."""

    settings: Settings
    database: Database
    catalogue: Catalogue
    user_id: int
    clock: Clock = field(default_factory=SystemClock)

    @contextmanager
    def repository(self) -> Iterator[Repository]:
        """A repository on a fresh session: committed at the end, rolled back on an error."""
        try:
            with self.database.session() as session:
                yield Repository(session, self.user_id)
        except DatabaseUnavailable as exc:
            raise StorageUnavailable(str(exc)) from None
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint failed"
            raise InvalidInput(f"the database refused a value: {detail}") from None

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_app(settings: Settings, *, clock: Clock | None = None) -> AppContext:
    """Load the catalogue and open the database; on first run create the local user and programs.

    Raises StorageUnavailable when the database cannot be opened, BackcoachError for a broken
    catalogue file (naming the file and the field).
    """
    try:
        catalogue = load_catalogue()
    except CatalogueError as exc:
        raise BackcoachError(f"the exercise catalogue is broken: {exc}") from None
    try:
        database = open_database(settings.resolved_database_url)
    except DatabaseUnavailable as exc:
        raise StorageUnavailable(str(exc)) from None
    try:
        with database.session() as session:
            user_id, _created = ensure_local_user(session)
            repo = Repository(session, user_id)
            present = set(repo.program_slugs())
            for program in builtin_programs(catalogue):
                if program.slug not in present:
                    repo.save_program(program)
                else:
                    # The built-in programs' words come from the code; their doses are the person's.
                    repo.set_program_description(program.slug, program.description)
            if repo.get_setting(ACTIVE_PROGRAM_KEY) is None:
                repo.set_setting(ACTIVE_PROGRAM_KEY, DAILY_SHORT_SLUG)
    except DatabaseUnavailable as exc:
        database.close()
        raise StorageUnavailable(str(exc)) from None
    return AppContext(
        settings=settings,
        database=database,
        catalogue=catalogue,
        user_id=user_id,
        clock=clock or SystemClock(settings.clock_speed),
    )
