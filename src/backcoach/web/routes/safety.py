"""Safety pages: the red-flag screen and its advice, clearance, pain check-ins, questionnaires,
dose suggestions, outcome charts and reminders.

Until the screen has been answered (first run, or asked again after a sharp rise in pain), and
while a red flag is open, starting a workout raises ``SafetyStop``, which ``backcoach.web.app``
turns into the screen or the advice page (or a 409 with the advice for the API). Every patient page
gets ``safety_status`` for the banner (safety/_banner.html, from ``backcoach.web.templating``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from backcoach.domain.outcomes import OutcomeSeries
from backcoach.domain.pain import load_pain_model
from backcoach.domain.questionnaires import ResponseRecord, load_instruments, startback_items
from backcoach.services import outcomes, programs, progression, reminders, safety
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.workouts import current_workout
from backcoach.web.deps import CtxDep, FormTokensDep
from backcoach.web.idempotency import new_token
from backcoach.web.safety_gate import ADVICE_URL, safe_next
from backcoach.web.templating import templates

__all__ = ["router"]

router = APIRouter()

QUESTIONNAIRE_PAGES = ("pain", "startback", "psfs", "rmdq", "odi")
_NOTICES = {
    "screened": "Thank you. Your answers are saved.",
    "cleared": "Thank you. Your workouts are open again. Go gently, and stop if pain goes above 5.",
    "saved": "Saved.",
    "accepted": "Done: the new dose is in your program.",
    "declined": "Fine: the dose stays as it is.",
}


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    notice = _NOTICES.get(request.query_params.get("notice", ""))
    return templates.TemplateResponse(request, name, {"notice": notice, **context}, status_code=status_code)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _today() -> date:
    return datetime.now().astimezone().date()


# --- overview, screen, advice, clearance ---------------------------------------------------------


@router.get("/safety", include_in_schema=False)
def safety_page(request: Request, ctx: CtxDep) -> Response:
    schedule = outcomes.questionnaire_schedule(ctx, _today())
    screen = safety.screen_questions()
    return _page(
        request,
        "safety/overview.html",
        {
            "title": "Safety and progress",
            "status": safety.safety_status(ctx),
            "screens": safety.list_screens(ctx),
            "tier_words": screen.tier_words,
            "reason_words": screen.reason_words,
            "schedule": schedule,
            "pending": progression.pending_proposals(ctx),
        },
    )


@router.get("/safety/screen", include_in_schema=False)
def screen_page(request: Request, ctx: CtxDep, next: str = "") -> Response:
    """The red-flag questions; ``next`` is where an all-clear leads (where the person was going)."""
    return _page(
        request,
        "safety/screen.html",
        {
            "title": "Safety questions",
            "screen": safety.screen_questions(),
            "status": safety.safety_status(ctx),
            "form_token": new_token(),
            "next_url": safe_next(next) or "",
        },
    )


@router.post("/safety/screen", include_in_schema=False)
async def screen_submit(request: Request, ctx: CtxDep, tokens: FormTokensDep) -> Response:
    form = await request.form()
    earlier = tokens.redirect_for(str(form.get("form_token", "")))
    if earlier:
        return _redirect(earlier)
    answer_ids = safety.screen_questions().answer_ids
    missing = [a for a in answer_ids if form.get(f"q_{a}") not in ("yes", "no")]
    if missing:
        return _page(
            request,
            "safety/screen.html",
            {
                "title": "Safety questions",
                "screen": safety.screen_questions(),
                "status": safety.safety_status(ctx),
                "form_token": new_token(),
                "answers": {k: v for k, v in form.items()},
                "missing": set(missing),
                "next_url": safe_next(str(form.get("next", ""))) or "",
            },
            status_code=422,
        )
    record = safety.submit_screen(ctx, {a: form.get(f"q_{a}") == "yes" for a in answer_ids})
    back = safe_next(str(form.get("next", "")))
    if record.stop:
        url = ADVICE_URL
    elif back:
        url = f"{back}{'&' if '?' in back else '?'}notice=screened"
    elif record.reason == "first_run":
        url = "/?notice=screened"
    else:
        url = "/safety?notice=screened"
    tokens.remember(str(form.get("form_token", "")), url)
    return _redirect(url)


def _advice(
    request: Request, ctx: AppContext, *, error: str | None = None, values: dict[str, str] | None = None
) -> Response:
    status = safety.safety_status(ctx)
    return _page(
        request,
        "safety/advice.html",
        {
            "title": status.open_stop.title if status.open_stop else "Safety",
            "status": status,
            "clearance_text": safety.screen_questions().clearance_text,
            "today": _today(),
            "error": error,
            "values": values,
        },
        status_code=422 if error else 200,
    )


@router.get("/safety/advice", include_in_schema=False)
def advice_page(request: Request, ctx: CtxDep) -> Response:
    return _advice(request, ctx)


@router.post("/safety/cleared", include_in_schema=False)
def cleared_submit(
    request: Request,
    ctx: CtxDep,
    clinician: Annotated[str, Form(max_length=200)] = "",
    visit_date: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record a clinician's clearance: their name and the date of the visit (never one tick box)."""
    values = {"clinician": clinician, "visit_date": visit_date, "note": note}
    try:
        visit = date.fromisoformat(visit_date)
    except ValueError:
        return _advice(request, ctx, error="Please give the date of the visit.", values=values)
    if confirm != "yes":
        return _advice(
            request, ctx, error="Please tick the box to confirm what the clinician told you.", values=values
        )
    try:
        safety.confirm_cleared(ctx, clinician, visit, note)
    except InvalidInput as exc:
        return _advice(request, ctx, error=str(exc), values=values)
    return _redirect("/safety?notice=cleared")


# --- pain check-in -------------------------------------------------------------------------------


@router.get("/safety/checkin", include_in_schema=False)
def checkin_page(request: Request, ctx: CtxDep) -> Response:
    return _page(
        request,
        "safety/checkin.html",
        {
            "title": "Pain check-in",
            "zones": load_pain_model().zones,
            "in_workout": current_workout(ctx) is not None,
        },
    )


@router.post("/safety/checkin", include_in_schema=False)
def checkin_submit(
    request: Request,
    ctx: CtxDep,
    score: Annotated[int, Form(ge=0, le=10)],
    moment: Annotated[str, Form(max_length=20)] = "next_morning",
    leg: Annotated[str, Form(max_length=5)] = "no",
    exercise_id: Annotated[str, Form(max_length=50)] = "",
) -> Response:
    workout_id = None
    if moment == "now":
        open_workout = current_workout(ctx)
        moment = "during" if open_workout else "after"
        workout_id = open_workout.id if open_workout else None
    result = safety.check_in(
        ctx, score, moment, leg_spread=leg == "yes", workout_id=workout_id, exercise_id=exercise_id or None
    )
    return _page(request, "safety/checkin_result.html", {"title": "Pain check-in", "result": result})


# --- questionnaires ------------------------------------------------------------------------------


def _latest(ctx: AppContext, name: str) -> ResponseRecord | None:
    answers = outcomes.list_responses(ctx, name)
    return answers[-1] if answers else None


@router.get("/safety/questionnaires", include_in_schema=False)
def questionnaires_page(request: Request, ctx: CtxDep) -> Response:
    return _page(
        request,
        "safety/questionnaires.html",
        {
            "title": "Questionnaires",
            "schedule": outcomes.questionnaire_schedule(ctx, _today()),
            "instruments": load_instruments(),
            "order": QUESTIONNAIRE_PAGES,
            "latest": {n: _latest(ctx, n) for n in QUESTIONNAIRE_PAGES},
        },
    )


@router.post("/safety/questionnaires/schedule", include_in_schema=False)
def schedule_submit(ctx: CtxDep, every_days: Annotated[int, Form(ge=1, le=365)]) -> Response:
    outcomes.set_questionnaire_interval(ctx, every_days)
    return _redirect("/safety/questionnaires?notice=saved")


@router.get("/safety/questionnaires/{name}", include_in_schema=False)
def questionnaire_page(request: Request, ctx: CtxDep, name: str) -> Response:
    if name not in QUESTIONNAIRE_PAGES:
        raise HTTPException(404, "There is no questionnaire of that name.")
    previous = outcomes.list_responses(ctx, "psfs")
    activities = list(previous[-1].answers.get("ratings", {})) if previous and name == "psfs" else []
    return _page(
        request,
        "safety/questionnaire.html",
        {
            "title": load_instruments()[name].name,
            "name": name,
            "inst": load_instruments()[name],
            "startback": startback_items() if name == "startback" else (),
            "activities": activities,
            "form_token": new_token(),
        },
    )


def _int_field(form: Any, key: str, low: int, high: int, *, required: bool = True) -> int | None:
    raw = str(form.get(key, "")).strip()
    if not raw:
        if required:
            raise InvalidInput(f"please answer every question ({key.replace('_', ' ')} is empty)")
        return None
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(f"{key.replace('_', ' ')} must be a whole number from {low} to {high}")
    return int(raw)


@router.post("/safety/questionnaires/{name}", include_in_schema=False)
async def questionnaire_submit(request: Request, ctx: CtxDep, tokens: FormTokensDep, name: str) -> Response:
    if name not in QUESTIONNAIRE_PAGES:
        raise HTTPException(404, "There is no questionnaire of that name.")
    form = await request.form()
    token = str(form.get("form_token", ""))
    earlier = tokens.redirect_for(token)
    if earlier:
        return _redirect(earlier)
    if name == "pain":
        record = outcomes.submit_pain(ctx, _int_field(form, "score", 0, 10) or 0)
    elif name == "startback":
        answers = [_int_field(form, f"item_{n}", 0, 1 if n < 9 else 4) or 0 for n in range(1, 10)]
        record = outcomes.submit_startback(ctx, answers)
    elif name == "rmdq":
        record = outcomes.submit_rmdq(ctx, _int_field(form, "score", 0, 24) or 0)
    elif name == "odi":
        record = outcomes.submit_odi(
            ctx, [_int_field(form, f"section_{n}", 0, 5, required=False) for n in range(1, 11)]
        )
    else:
        ratings: dict[str, int] = {}
        for n in range(1, 4):
            activity = str(form.get(f"activity_{n}", "")).strip()
            if activity:
                ratings[activity] = _int_field(form, f"rating_{n}", 0, 10) or 0
        record = outcomes.submit_psfs(ctx, ratings)
    url = f"/safety/questionnaires/{name}/result/{record.id}"
    tokens.remember(token, url)
    return _redirect(url)


@router.get("/safety/questionnaires/{name}/result/{response_id}", include_in_schema=False)
def questionnaire_result(request: Request, ctx: CtxDep, name: str, response_id: int) -> Response:
    record = next((r for r in outcomes.list_responses(ctx, name) if r.id == response_id), None)
    if record is None:
        raise HTTPException(404, "There is no such answer.")
    inst = load_instruments()[name]
    group = inst.raw["groups"][record.band] if name == "startback" and record.band else None
    return _page(
        request,
        "safety/questionnaire_result.html",
        {"title": inst.name, "inst": inst, "record": record, "group": group, "name": name},
    )


# --- progression ---------------------------------------------------------------------------------


@router.get("/safety/progress", include_in_schema=False)
def progress_page(request: Request, ctx: CtxDep) -> Response:
    review = progression.progress_overview(ctx)
    names = {e: ctx.catalogue.get(e).name for e in ctx.catalogue.ids}
    return _page(
        request,
        "safety/progress.html",
        {
            "title": "Your doses",
            "review": review,
            "names": names,
            "program_names": {p.slug: p.name for p in programs.list_programs(ctx)},
            "may_answer": {p.id: progression.may_answer(ctx, p) for p in review.pending},
            "history": progression.list_proposals(ctx)[::-1][:20],
            "dose_history": programs.dose_history(ctx, review.program.slug)[::-1][:30],
        },
    )


@router.post("/safety/progress/{proposal_id}/{answer}", include_in_schema=False)
def progress_answer(ctx: CtxDep, proposal_id: int, answer: str) -> Response:
    if answer == "accept":
        progression.accept_proposal(ctx, proposal_id)
        return _redirect("/safety/progress?notice=accepted")
    if answer == "decline":
        progression.decline_proposal(ctx, proposal_id)
        return _redirect("/safety/progress?notice=declined")
    raise HTTPException(404, "Answer with accept or decline.")


# --- outcomes ------------------------------------------------------------------------------------


def _series_json(series: OutcomeSeries) -> dict[str, Any]:
    return {
        "instrument": series.instrument,
        "name": series.name,
        "lower_is_better": series.lower_is_better,
        "mcid": series.mcid_text,
        "points": [
            {
                "taken_at": p.taken_at.isoformat(),
                "value": p.value,
                "delta": p.change.delta,
                "percent": p.change.percent,
                "direction": p.change.direction,
                "meaningful": p.change.meaningful,
            }
            for p in series.points
        ],
    }


def _outcomes_data(ctx: AppContext) -> dict[str, Any]:
    series = outcomes.outcome_series(ctx)
    startback = outcomes.list_responses(ctx, "startback")
    return {
        "series": {name: _series_json(s) for name, s in series.items()},
        "startback": [
            {"taken_at": r.taken_at.isoformat(), "score": r.score, "group": r.band} for r in startback
        ],
    }


@router.get("/api/outcomes", tags=["outcomes"])
def outcomes_api(ctx: CtxDep) -> dict[str, Any]:
    """Pain and questionnaire scores over time, each point marked with its change from the baseline."""
    return _outcomes_data(ctx)


@router.get("/api/safety/status", tags=["safety"])
def safety_status_api(ctx: CtxDep) -> dict[str, Any]:
    """Whether the person can exercise now, and why not (an open red flag or a screen to answer again)."""
    status = safety.safety_status(ctx)
    return {
        "can_exercise": status.can_exercise,
        "needs_screen": status.needs_screen,
        "message": status.message,
        "urgent": bool(status.open_stop and status.open_stop.urgent),
    }


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=10, description="0 no pain, 10 the worst imaginable")
    moment: Literal["before", "during", "after", "next_morning"] = "during"
    workout_id: int | None = None
    exercise_id: str | None = None
    leg_spread: bool = Field(default=False, description="Pain has spread down one or both legs")


@router.post("/api/safety/checkin", tags=["safety"], status_code=201)
def checkin_api(ctx: CtxDep, body: CheckInIn) -> dict[str, Any]:
    """A pain rating with its meaning: the zone, whether to stop this exercise (pain above 5), whether
    the safety questions must be answered again, and any new dose suggestions (after a next-morning one)."""
    result = safety.check_in(
        ctx,
        body.score,
        body.moment,
        leg_spread=body.leg_spread,
        workout_id=body.workout_id,
        exercise_id=body.exercise_id,
    )
    return {
        "pain_id": result.pain.id,
        "score": result.pain.score,
        "zone": {"id": result.zone.id, "label": result.zone.label, "meaning": result.zone.meaning},
        "stop_exercise": result.stop_exercise,
        "rescreen_reason": result.rescreen_reason,
        "stop_advice": result.stop_advice,
        "proposals": [
            {"id": p.id, "exercise_id": p.exercise_id, "action": p.action, "explanation": p.explanation}
            for p in result.proposals
        ],
    }


@router.get("/outcomes", include_in_schema=False)
def outcomes_page(request: Request, ctx: CtxDep) -> Response:
    data = _outcomes_data(ctx)
    return _page(
        request,
        "safety/outcomes.html",
        {
            "title": "How you are doing",
            "data_json": json.dumps(data),
            "data": data,
            "startback_groups": load_instruments()["startback"].raw["groups"],
            "schedule": outcomes.questionnaire_schedule(ctx, _today()),
        },
    )


# --- reminders -----------------------------------------------------------------------------------


@router.get("/safety/reminders", include_in_schema=False)
def reminders_page(request: Request, ctx: CtxDep) -> Response:
    times = reminders.reminder_times(ctx)
    return _page(
        request,
        "safety/reminders.html",
        {
            "title": "Reminders",
            "times": [f"{t:%H:%M}" for t in times],
            "days": reminders.reminder_days(ctx),
        },
    )


@router.post("/safety/reminders", include_in_schema=False)
def reminders_submit(ctx: CtxDep, times: Annotated[str, Form(max_length=100)]) -> Response:
    reminders.set_reminder_times(ctx, [t for t in times.replace(" ", ",").split(",") if t])
    return _redirect("/safety/reminders?notice=saved")


@router.get("/api/reminders", tags=["reminders"])
def reminders_api(ctx: CtxDep) -> dict[str, Any]:
    """The daily workout times (HH:MM) and weekdays, for the in-page notification."""
    return {
        "times": [f"{t:%H:%M}" for t in reminders.reminder_times(ctx)],
        "days": list(reminders.reminder_days(ctx)),
    }


@router.get("/reminders.ics", include_in_schema=False)
def reminders_ics(ctx: CtxDep) -> Response:
    return Response(
        reminders.export_ics(ctx),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="backcoach-reminders.ics"'},
    )
