"""The Jinja2 environment every page is rendered with, and the values each page gets.

One ``templates`` object for the whole app, so web routers render the same way:
``templates.TemplateResponse(request, "page.html", {...})``. Every page gets, from the context
processors below: the navigation for the signed-in person's role, who they are and their CSRF token
(``csrf_field()`` in every form), and for a patient the safety status for the banner.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from backcoach.domain.exercises import describe_dose
from backcoach.services import outcomes, progression, safety
from backcoach.services.errors import BackcoachError

__all__ = ["NAV_ITEMS", "STATIC_DIR", "TEMPLATES_DIR", "templates"]

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

# (path, label): the main navigation for a patient (and the one person of personal mode), in order.
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
STAFF_NAV_ITEMS: tuple[tuple[str, str], ...] = (("/clinic", "Patients"), ("/exercises", "Exercises"))
ADMIN_NAV_ITEMS: tuple[tuple[str, str], ...] = (("/admin", "Accounts"), ("/admin/audit", "Audit log"))


def _actor(request: Request) -> Any:
    """The signed-in person's ``Actor`` (``backcoach.web.auth.Person`` put it on the scope), or None."""
    return getattr(request.scope.get("user"), "actor", None)


def _nav_context(request: Request) -> dict[str, Any]:
    path = request.url.path
    actor = _actor(request)
    if actor is None:
        items: tuple[tuple[str, str], ...] = ()
    elif actor.role == "admin":
        items = ADMIN_NAV_ITEMS + STAFF_NAV_ITEMS
    elif actor.role == "physio":
        items = STAFF_NAV_ITEMS
    elif getattr(getattr(request.app.state, "settings", None), "mode", "personal") == "clinic":
        items = (*NAV_ITEMS[:4], ("/messages", "Messages"), *NAV_ITEMS[4:])
    else:
        items = NAV_ITEMS
    current = "/" if path == "/" else next((p for p, _ in items if p != "/" and path.startswith(p)), "")
    if path.startswith("/admin/audit"):
        current = "/admin/audit"
    return {"nav_items": items, "nav_current": current}


def _person_context(request: Request) -> dict[str, Any]:
    """Who is signed in (clinic mode), and the CSRF token for forms and the page's scripts."""
    user = request.scope.get("user")
    token = getattr(user, "csrf_token", "") or ""
    clinic = getattr(getattr(request.app.state, "settings", None), "mode", "personal") == "clinic"
    field = (
        Markup(f'<input type="hidden" name="csrf_token" value="{escape(token)}">') if token else Markup("")
    )
    return {
        "person": _actor(request) if clinic else None,
        "clinic_mode": clinic,
        "csrf_token": token,
        "csrf_field": lambda: field,
    }


def _safety_context(request: Request) -> dict[str, Any]:
    """For a patient's pages: the safety status, so the layout can show a banner; on Today also the
    questionnaires due and the dose suggestions waiting. Never fails a page."""
    actor = _actor(request)
    base = getattr(request.app.state, "ctx", None)
    if actor is None or actor.role != "patient" or base is None:
        return {}
    if request.url.path.startswith(("/static", "/vendor", "/api")):
        return {}
    ctx = base.acting(actor)
    try:
        extra: dict[str, Any] = {"safety_status": safety.safety_status(ctx)}
        if request.url.path == "/":
            today = datetime.now().astimezone().date()
            extra["safety_questionnaires_due"] = outcomes.questionnaire_schedule(ctx, today).due
            extra["safety_pending"] = len(progression.pending_proposals(ctx))
        return extra
    except BackcoachError:  # a page must render even if the safety tables are unreachable
        return {}


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


templates = Jinja2Templates(
    directory=TEMPLATES_DIR, context_processors=[_nav_context, _person_context, _safety_context]
)
templates.env.filters["minutes"] = _minutes
templates.env.filters["side_label"] = _side_label
templates.env.filters["number"] = _number
templates.env.filters["local_date"] = _local_date
templates.env.filters["dose"] = describe_dose
templates.env.globals["Markup"] = Markup
