"""The physiotherapist's pages (clinic mode): their patients sorted by who needs attention, adding a
patient with an invitation, one patient's record (program, calendar, pain, outcomes, safety, dose
history, what the camera saw, messages), prescribing with the program editor, answering dose
suggestions, clearing a safety stop, scheduling questionnaires, templates.

Every route here needs a physiotherapist (or an admin) and only ever shows that person's own
patients: another's patient is "not found". Opening a patient's record is in the audit log.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from backcoach.domain.attention import FLAG_ORDER, is_flare
from backcoach.domain.programs import describe_length
from backcoach.domain.questionnaires import load_instruments
from backcoach.services import (
    accounts,
    audit,
    history,
    outcomes,
    prescriptions,
    programs,
    progression,
    safety,
    workspace,
)
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.web.deps import StaffCtx
from backcoach.web.program_editor import editor_rows, read_items
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_NOTICES = {
    "prescribed": "Saved: the patient sees the new version and what changed.",
    "answered": "Saved: the dose change and your reason are in the dose history.",
    "cleared": "Recorded: their workouts are open again.",
    "scheduled": "Saved: the questionnaire shows on their Today page when it is due.",
    "sent": "Sent.",
    "template": "Template saved.",
}


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    notice = _NOTICES.get(request.query_params.get("notice", ""))
    return templates.TemplateResponse(request, name, {"notice": notice, **context}, status_code=status_code)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _join_link(request: Request, code: str) -> str:
    return f"{request.base_url}join?code={code}"


def _patient_ctx(ctx: AppContext, patient_id: int) -> AppContext:
    """The physiotherapist acting on this patient's record (NotFound when not theirs)."""
    patient = accounts.patient_of_staff(ctx, patient_id)
    return ctx.acting(ctx.actor, subject_id=patient.id, address=ctx.address)


# --- the patient list ----------------------------------------------------------------------------


PAGE_SIZE = 50  # patients per page of the list, those needing attention first


def _list_context(ctx: AppContext, query: str, page: int) -> dict[str, Any]:
    summaries = workspace.patient_summaries(ctx, query)
    pages = max(1, -(-len(summaries) // PAGE_SIZE))
    page = min(page, pages)
    first = (page - 1) * PAGE_SIZE
    return {
        "title": "Your patients",
        "summaries": summaries[first : first + PAGE_SIZE],
        "total": len(summaries),
        "needing_attention": sum(1 for s in summaries if s.flags),
        "first": first + 1,
        "page": page,
        "pages": pages,
        "query": query,
        "flag_order": FLAG_ORDER,
    }


@router.get("/clinic")
def clinic_home(
    request: Request,
    ctx: StaffCtx,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    return _page(request, "clinic/home.html", _list_context(ctx, q, page))


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
        context = _list_context(ctx, "", 1) | {"error": str(exc), "values": {"name": name, "email": email}}
        return _page(request, "clinic/home.html", context, status_code=422)
    return _redirect(f"/clinic/patients/{invitation.patient.id}/invitation")


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
    return _redirect(f"/clinic/patients/{patient_id}/invitation")


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


# --- one patient ---------------------------------------------------------------------------------


def _calendar(days: list[date], today: date, weeks: int = 6) -> list[list[tuple[date, int]]]:
    counts: dict[date, int] = {}
    for day in days:
        counts[day] = counts.get(day, 0) + 1
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    grid = []
    for week in range(weeks):
        days_of_week = [start + timedelta(days=7 * week + n) for n in range(7)]
        grid.append([(day, counts.get(day, 0)) for day in days_of_week])
    return grid


@router.get("/clinic/patients/{patient_id}")
def patient_page(request: Request, ctx: StaffCtx, patient_id: int) -> Response:
    pctx = _patient_ctx(ctx, patient_id)
    patient = accounts.get_user(ctx, patient_id)
    today = ctx.clock.now().astimezone().date()
    program = programs.active_program(pctx)
    since = today - timedelta(days=90)
    pain = history.pain_series(pctx, since=since)
    triples = [(p.taken_at, p.score, p.moment) for p in pain]
    worked = history.list_workouts(pctx, since=since)
    counting = [w for w in worked if history.workout_counts(w)]
    summary = next(iter(workspace.patient_summaries(ctx, patient_id=patient_id)), None)
    with ctx.session() as session:
        audit.note(session, pctx, "record_opened")
    instruments = load_instruments()
    chart = {
        "pain": [
            {"t": p.taken_at.isoformat(), "score": p.score, "moment": p.moment, "flare": is_flare(triples, n)}
            for n, p in enumerate(pain)
        ],
        "from": since.isoformat(),
        "to": (today + timedelta(days=3)).isoformat(),  # room for today's markers
        "outcomes": [
            {
                "name": s.name,
                "lower_is_better": s.lower_is_better,
                "range": [instruments[s.instrument].min_score, instruments[s.instrument].max_score]
                if s.instrument in instruments
                else None,
                "points": [
                    {"t": pt.taken_at.isoformat(), "value": pt.value, "meaningful": pt.change.meaningful}
                    for pt in s.points
                ],
            }
            for s in outcomes.outcome_series(pctx).values()
            if s.points
        ],
    }
    names = {e.id: e.name for e in ctx.catalogue.exercises}
    context = {
        "title": patient.name,
        "patient": patient,
        "summary": summary,
        "program": program,
        "length": describe_length(program, ctx.catalogue),
        "versions": prescriptions.program_versions(pctx)[::-1],
        "status": safety.safety_status(pctx),
        "screens": safety.list_screens(pctx)[::-1],
        "screen_words": safety.screen_questions(),
        "pending": progression.pending_proposals(pctx),
        "eased": [
            p for p in progression.list_proposals(pctx) if p.status == "applied" and not p.decided_by_name
        ],
        "answered": [
            p for p in progression.list_proposals(pctx) if p.status not in ("pending", "superseded")
        ][::-1][:20],
        "dose_history": programs.dose_history(pctx, program.slug)[::-1],
        "calendar": _calendar([w.started_at.astimezone().date() for w in counting], today),
        "today": today,
        "camera": workspace.camera_summary(pctx),
        "messages": workspace.thread(pctx),
        "unread": workspace.unread_count(pctx),
        "schedules": workspace.schedules(pctx),
        "instruments": load_instruments(),
        "names": names,
        "checks": {e.id: {c.code: c.cue for c in e.form_checks} for e in ctx.catalogue.exercises},
        "chart_json": json.dumps(chart),
    }
    return _page(request, "clinic/patient.html", context)


# --- prescribing ---------------------------------------------------------------------------------


def _editor(
    request: Request,
    ctx: AppContext,
    patient_id: int,
    *,
    items: Any = None,
    name: str = "",
    schedule: tuple[int, int] = (1, 5),
    start: str = "",
    error: str | None = None,
    template_key: str = "",
    status_code: int = 200,
) -> Response:
    pctx = _patient_ctx(ctx, patient_id)
    patient = accounts.get_user(ctx, patient_id)
    current = prescriptions.current_prescription(pctx)
    if items is None:
        if template_key:
            template = prescriptions.template_items(ctx, template_key)
            items, name, schedule = (
                template.items,
                template.name,
                (template.times_per_day, template.days_per_week),
            )
        elif current is not None:
            items, name, schedule = (
                current.items,
                current.name,
                (current.times_per_day, current.days_per_week),
            )
            if current.prescription and current.prescription.start_date:
                start = current.prescription.start_date.isoformat()
        else:
            items = ()
    context = {
        "title": f"Program for {patient.name}",
        "patient": patient,
        "rows": editor_rows(ctx.catalogue, items, within_ranges=True),
        "with_limits": True,
        "name": name or (current.name if current else "Your program"),
        "times_per_day": schedule[0],
        "days_per_week": schedule[1],
        "start_date": start,
        "templates": prescriptions.list_templates(ctx),
        "template_key": template_key,
        "current": current,
        "error": error,
    }
    return _page(request, "clinic/program.html", context, status_code=status_code)


@router.get("/clinic/patients/{patient_id}/program")
def program_page(
    request: Request, ctx: StaffCtx, patient_id: int, template: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    return _editor(request, ctx, patient_id, template_key=template)


def _int(form: Any, key: str, default: int) -> int:
    try:
        return int(str(form.get(key, default)))
    except ValueError:
        return default


@router.post("/clinic/patients/{patient_id}/program")
async def program_save(request: Request, ctx: StaffCtx, patient_id: int) -> Response:
    form = await request.form()
    pctx = _patient_ctx(ctx, patient_id)
    name = str(form.get("name", ""))[:80]
    schedule = (_int(form, "times_per_day", 1), _int(form, "days_per_week", 5))
    start_text = str(form.get("start_date", ""))[:10]
    try:
        items = read_items(form, ctx.catalogue, with_limits=True)
        start = date.fromisoformat(start_text) if start_text else None
    except ValueError:
        return _editor(
            request,
            ctx,
            patient_id,
            items=None,
            error="Please give the start date as a date.",
            status_code=422,
        )
    except InvalidInput as exc:
        return _editor(request, ctx, patient_id, error=str(exc), status_code=422)
    try:
        if form.get("action") == "template":
            prescriptions.save_template(
                ctx,
                str(form.get("template_name", "")) or name,
                items,
                times_per_day=schedule[0],
                days_per_week=schedule[1],
            )
            return _redirect(f"/clinic/patients/{patient_id}/program?notice=template")
        prescriptions.prescribe(
            pctx,
            name=name,
            items=items,
            times_per_day=schedule[0],
            days_per_week=schedule[1],
            start_date=start,
        )
    except InvalidInput as exc:
        return _editor(
            request,
            ctx,
            patient_id,
            items=items,
            name=name,
            schedule=schedule,
            start=start_text,
            error=str(exc),
            status_code=422,
        )
    return _redirect(f"/clinic/patients/{patient_id}?notice=prescribed")


# --- answering, clearing, scheduling, messages -----------------------------------------------------


@router.post("/clinic/patients/{patient_id}/suggestions/{proposal_id}")
def answer_suggestion(
    ctx: StaffCtx,
    patient_id: int,
    proposal_id: int,
    decision: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(max_length=500)] = "",
    sets: Annotated[int | None, Form(ge=1, le=10)] = None,
    reps: Annotated[int | None, Form(ge=1, le=100)] = None,
    hold_s: Annotated[float | None, Form(ge=0, le=300)] = None,
) -> Response:
    pctx = _patient_ctx(ctx, patient_id)
    if decision == "accept":
        progression.accept_proposal(pctx, proposal_id, reason)
    elif decision == "keep":
        progression.keep_applied(pctx, proposal_id, reason)
    elif decision == "decline":
        progression.decline_proposal(pctx, proposal_id, reason)
    elif decision == "change":
        if sets is None or reps is None:
            raise InvalidInput("Please give the sets and reps you choose.")
        progression.change_proposal(
            pctx, proposal_id, sets=sets, reps=reps, hold_s=hold_s or 0.0, reason=reason
        )
    else:
        raise InvalidInput("Answer with accept, keep, change or decline.")
    return _redirect(f"/clinic/patients/{patient_id}?notice=answered#doses")


@router.post("/clinic/patients/{patient_id}/clearance")
def clearance(
    ctx: StaffCtx,
    patient_id: int,
    clinician: Annotated[str, Form(max_length=200)] = "",
    visit_date: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    pctx = _patient_ctx(ctx, patient_id)
    try:
        visit = date.fromisoformat(visit_date)
    except ValueError:
        raise InvalidInput("Please give the date you checked them.") from None
    safety.confirm_cleared(pctx, clinician or (ctx.actor.name if ctx.actor else ""), visit, note)
    return _redirect(f"/clinic/patients/{patient_id}?notice=cleared#safety")


@router.post("/clinic/patients/{patient_id}/questionnaires")
def schedule_questionnaire(
    ctx: StaffCtx,
    patient_id: int,
    instrument: Annotated[str, Form(max_length=20)],
    every_days: Annotated[int | None, Form(ge=0, le=365)] = None,
) -> Response:
    workspace.set_schedule(_patient_ctx(ctx, patient_id), instrument, every_days)
    return _redirect(f"/clinic/patients/{patient_id}?notice=scheduled#questionnaires")


@router.post("/clinic/patients/{patient_id}/messages")
def send_message(
    ctx: StaffCtx, patient_id: int, body: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    pctx = _patient_ctx(ctx, patient_id)
    workspace.send_message(pctx, body)
    return _redirect(f"/clinic/patients/{patient_id}?notice=sent#messages")


@router.post("/clinic/patients/{patient_id}/messages/read")
def read_messages(ctx: StaffCtx, patient_id: int, up_to: Annotated[int, Form(ge=0, le=2**62)]) -> Response:
    workspace.mark_read(_patient_ctx(ctx, patient_id), up_to)
    return Response(status_code=204)
