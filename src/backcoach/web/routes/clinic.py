"""The physiotherapist's pages (clinic mode): their patients, adding one with an invitation (an
8-letter code and a link, and a sheet to print and hand over), a new invitation or a reset link.

The patient list is the physiotherapist's home. Every route here needs a physiotherapist (or an
admin) and only ever shows that person's own patients: another's patient is "not found".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from backcoach.services import accounts
from backcoach.services.errors import InvalidInput
from backcoach.web.deps import StaffCtx
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _join_link(request: Request, code: str) -> str:
    return f"{request.base_url}join?code={code}"


@router.get("/clinic")
def clinic_home(request: Request, ctx: StaffCtx) -> Response:
    return _page(
        request, "clinic/home.html", {"title": "Your patients", "patients": accounts.patients_of(ctx)}
    )


@router.post("/clinic/patients")
def add_patient(
    request: Request,
    ctx: StaffCtx,
    name: Annotated[str, Form(max_length=100)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    try:
        invitation = accounts.add_patient(ctx, name, email or None)
    except InvalidInput as exc:
        context = {
            "title": "Your patients",
            "patients": accounts.patients_of(ctx),
            "error": str(exc),
            "values": {"name": name, "email": email},
        }
        return _page(request, "clinic/home.html", context, status_code=422)
    return RedirectResponse(f"/clinic/patients/{invitation.patient.id}/invitation", status_code=303)


@router.get("/clinic/patients/{patient_id}/invitation")
def invitation_page(request: Request, ctx: StaffCtx, patient_id: int) -> Response:
    patient = accounts.patient_of_staff(ctx, patient_id)
    invitation = accounts.open_invitation(ctx, patient_id) if not patient.active else None
    context = {
        "title": f"Invitation for {patient.name}",
        "patient": patient,
        "invitation": invitation,
        "link": _join_link(request, invitation.code or "") if invitation else None,
        "clinician": ctx.actor.name if ctx.actor else "",
    }
    return _page(request, "clinic/invitation.html", context)


@router.post("/clinic/patients/{patient_id}/invitation")
def new_invitation(ctx: StaffCtx, patient_id: int) -> Response:
    accounts.reinvite(ctx, patient_id)
    return RedirectResponse(f"/clinic/patients/{patient_id}/invitation", status_code=303)


@router.post("/clinic/patients/{patient_id}/reset")
def reset_link(request: Request, ctx: StaffCtx, patient_id: int) -> Response:
    patient = accounts.patient_of_staff(ctx, patient_id)
    token = accounts.issue_reset(ctx, patient.id)
    context = {
        "title": f"Reset link for {patient.name}",
        "user": patient,
        "link": f"{request.base_url}reset/{token}",
        "hours": ctx.settings.reset_link_hours,
    }
    return _page(request, "clinic/reset_link.html", context)
