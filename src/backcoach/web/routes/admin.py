"""The administrator's pages (clinic mode): staff accounts, adding a physiotherapist (with a link to
set their password), reset links, and the audit log with its filters. Admins manage accounts; they
do not see patients' records unless they are also that patient's physiotherapist.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from backcoach.services import accounts, audit
from backcoach.services.errors import InvalidInput
from backcoach.web.deps import AdminCtx
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

AUDIT_PAGE_SIZE = 100


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _home(request: Request, ctx: Any, status_code: int = 200, **extra: Any) -> Response:
    context = {"title": "Accounts", "staff": accounts.staff_with_patient_counts(ctx), **extra}
    return _page(request, "admin/home.html", context, status_code=status_code)


@router.get("/admin")
def admin_home(request: Request, ctx: AdminCtx) -> Response:
    return _home(request, ctx)


@router.post("/admin/physios")
def add_physio(
    request: Request,
    ctx: AdminCtx,
    name: Annotated[str, Form(max_length=100)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    try:
        physio, token = accounts.add_physio(ctx, email, name)
    except InvalidInput as exc:
        return _home(request, ctx, 422, error=str(exc), values={"name": name, "email": email})
    context = {
        "title": f"Link for {physio.name}",
        "user": physio,
        "link": f"{request.base_url}reset/{token}",
        "hours": ctx.settings.invitation_days * 24,
        "first_time": True,
    }
    return _page(request, "clinic/reset_link.html", context)


@router.post("/admin/users/{user_id}/reset")
def reset_link(request: Request, ctx: AdminCtx, user_id: int) -> Response:
    token = accounts.issue_reset(ctx, user_id)
    user = accounts.get_user(ctx, user_id)
    context = {
        "title": f"Reset link for {user.name}",
        "user": user,
        "link": f"{request.base_url}reset/{token}",
        "hours": ctx.settings.reset_link_hours,
    }
    return _page(request, "clinic/reset_link.html", context)


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min).astimezone() if day else None


@router.get("/admin/audit")
def audit_page(
    request: Request,
    ctx: AdminCtx,
    action: Annotated[str, Query(max_length=50)] = "",
    person: Annotated[int | None, Query(ge=1, le=2**31)] = None,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Response:
    chosen = action if action in audit.ACTIONS else None
    found = audit.list_events(
        ctx,
        action=chosen,
        subject_id=person,
        since=_day_start(since),
        until=_day_start(until + timedelta(days=1)) if until else None,
        before_id=before,
        limit=AUDIT_PAGE_SIZE + 1,
    )
    events = found[:AUDIT_PAGE_SIZE]
    context = {
        "title": "Audit log",
        "events": events,
        "actions": audit.ACTIONS,
        "filters": {"action": chosen or "", "person": person, "since": since, "until": until},
        "older": events[-1].id if len(found) > AUDIT_PAGE_SIZE else None,
    }
    return _page(request, "admin/audit.html", context)
