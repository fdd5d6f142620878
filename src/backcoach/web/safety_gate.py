"""The safety gate in front of the workout pages: where to send a person who may not start yet.

Before the first workout (and again after a sharp rise in pain or pain down a leg) the red-flag
screen must be answered; while a red flag is open the advice stays in front. A page that starts or
shows a workout asks ``gate_redirect(ctx, next_url)`` and, when it gets a URL, sends the person
there. The screen carries ``next`` through its form, so after an all-clear the person lands where
they were going. ``safe_next`` keeps that a path on this site (never another site).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from backcoach.services import safety
from backcoach.services.context import AppContext

__all__ = ["ADVICE_URL", "SCREEN_URL", "gate_redirect", "safe_next", "screen_url"]

SCREEN_URL = "/safety/screen"
ADVICE_URL = "/safety/advice"

# A local path: one leading slash, then path characters and an optional query (no "//", no "\").
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9_\-./]*(\?[A-Za-z0-9_\-.=&%]*)?$")


def safe_next(value: str | None) -> str | None:
    """``value`` when it is a path on this site (``/workout/3``), else None."""
    if not value or len(value) > 200 or not _LOCAL_PATH.match(value):
        return None
    return value


def screen_url(next_url: str | None = None) -> str:
    """The red-flag screen, coming back to ``next_url`` after an all-clear."""
    target = safe_next(next_url)
    return f"{SCREEN_URL}?next={quote(target, safe='/')}" if target else SCREEN_URL


def gate_redirect(ctx: AppContext, next_url: str) -> str | None:
    """Where to send the person instead of ``next_url``: the advice while a red flag is open, the screen
    when it must be answered (first run or asked again), else None (go ahead)."""
    status = safety.safety_status(ctx)
    if status.open_stop is not None:
        return ADVICE_URL
    if status.needs_screen:
        return screen_url(next_url)
    return None
