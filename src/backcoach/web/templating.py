"""The Jinja2 environment every page is rendered with, and the values each page gets.

One ``templates`` object for the whole app, so web routers (pages, safety, live) render the
same way: ``templates.TemplateResponse(request, "page.html", {...})``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from backcoach.domain.exercises import describe_dose

__all__ = ["NAV_ITEMS", "STATIC_DIR", "TEMPLATES_DIR", "templates"]

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

# (path, label): the main navigation, in order.
NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("/", "Today"),
    ("/workout", "Workout"),
    ("/exercises", "Exercises"),
    ("/history", "History"),
    ("/videos", "Videos"),
    ("/about", "About back pain"),
    ("/safety", "Safety"),
    ("/settings", "Settings"),
)


def _nav_context(request: Request) -> dict[str, Any]:
    path = request.url.path
    items = NAV_ITEMS
    current = "/" if path == "/" else next((p for p, _ in items if p != "/" and path.startswith(p)), "")
    return {"nav_items": items, "nav_current": current}


def _minutes(seconds: float) -> str:
    """``75`` -> ``1 min 15 s``: durations the way a person reads them."""
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, rest = divmod(total, 60)
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"


def _side_label(side: str | None) -> str:
    return {"left": "Left side", "right": "Right side", "both": "Both sides"}.get(side or "", "")


def _local_date(value: datetime | date) -> str:
    """A stored time (UTC) or a date as a person reads it: ``3 December 2026``."""
    day = value.astimezone().date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%B %Y}"


def _number(value: float) -> str:
    """``10.0`` -> ``10``, ``2.5`` -> ``2.5``."""
    return f"{value:g}"


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_nav_context])
templates.env.filters["minutes"] = _minutes
templates.env.filters["side_label"] = _side_label
templates.env.filters["number"] = _number
templates.env.filters["local_date"] = _local_date
templates.env.filters["dose"] = describe_dose
templates.env.globals["Markup"] = Markup
