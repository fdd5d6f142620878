"""The server-rendered pages: Today, the exercise library, the workout player, History, About, Settings.

Forms follow POST-redirect-GET, and every form that creates something carries a one-time
``form_token`` (see ``backcoach.web.idempotency``), so a double click never does it twice.
"""

from __future__ import annotations

import calendar
import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from backcoach.domain.exercises import describe_dose
from backcoach.domain.pain import load_pain_model
from backcoach.domain.programs import describe_length
from backcoach.domain.questionnaires import load_instruments
from backcoach.domain.workouts import Step
from backcoach.services import (
    catalogue,
    export,
    history,
    prescriptions,
    programs,
    safety,
    workouts,
    workspace,
)
from backcoach.services.errors import InvalidInput, NotFound
from backcoach.web.about import ABOUT_PAGES, about_page
from backcoach.web.deps import (
    CtxDep,
    FormTokensDep,
    PersonDep,
    SettingsDep,
    SignedInCtx,
    base_context,
    client_address,
    home_for,
)
from backcoach.web.figures import render_figure
from backcoach.web.idempotency import FormTokens, new_token
from backcoach.web.program_editor import editor_rows, read_items
from backcoach.web.safety_gate import gate_redirect, screen_url
from backcoach.web.templating import STATIC_DIR, templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_NOTICES = {
    "saved": "Saved.",
    "checkin": "Thank you. Your morning check-in is saved.",
    "created": "Your program is saved and is now the one on Today.",
    "finished": "Workout finished and saved. Well done.",
    "rest": "Rest today. Your pain rating is saved. Try again tomorrow, gently; if the pain does not settle "
    "within a few days, or you are worried, see a clinician.",
    "screened": "Thank you. Your answers are saved, and nothing in them stops you exercising.",
}


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    notice = _NOTICES.get(request.query_params.get("notice", ""))
    return templates.TemplateResponse(request, name, {"notice": notice, **context}, status_code=status_code)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _local_today() -> date:
    return datetime.now().astimezone().date()


def _pain_zones() -> list[dict[str, Any]]:
    return [dataclasses.asdict(z) for z in load_pain_model().zones]


# --- Today ----------------------------------------------------------------------------------------


@router.get("/")
def today_page(request: Request, person: PersonDep) -> Response:
    if person.actor.role != "patient":
        return _redirect(home_for(person.actor))
    ctx = base_context(request).acting(person.actor, address=client_address(request))
    view = history.today_view(ctx, _local_today())
    program = view.program
    exercises = {e.id: e for e in catalogue.list_exercises(ctx)}
    done_ids = {eid for w in view.workouts_today for eid in w.exercise_ids}
    first_run = not history.has_workouts(ctx)
    status = safety.safety_status(ctx)
    return _page(
        request,
        "today.html",
        {
            "title": "Today",
            "view": view,
            "program": program,
            "exercises": exercises,
            "done_ids": done_ids,
            # "Done today" leaves out a workout stopped before anything was done.
            "workouts_today": [
                w for w in view.workouts_today if w.status == "in_progress" or history.workout_counts(w)
            ],
            "first_run": first_run,
            # Never screened: the welcome leads to the red-flag screen instead of a start button.
            "needs_first_screen": not status.screened,
            "screen_again": status.screened and status.rescreen is not None and status.open_stop is None,
            "screen_url": screen_url("/"),
            "length": describe_length(program, ctx.catalogue) if program is not None else None,
            "program_update": _program_update(ctx, program),
            "unread_messages": workspace.unread_count(ctx) if ctx.settings.mode == "clinic" else 0,
            "scheduled_due": workspace.due_questionnaires(ctx, _local_today()),
            "instrument_names": {k: v.name for k, v in load_instruments().items()},
            "form_token": new_token(),
            "pain_zones": _pain_zones(),
        },
    )


@router.post("/checkin")
def checkin(
    ctx: CtxDep,
    tokens: FormTokensDep,
    score: Annotated[int, Form(ge=0, le=10)],
    workout_id: Annotated[int, Form()],
    client_id: Annotated[str, Form(max_length=64)] = "",
    leg: Annotated[str, Form(max_length=5)] = "no",
) -> Response:
    """The next-morning pain rating through the safety check-in: a sharp rise or pain down a leg asks
    the red-flag questions again; otherwise it runs the progression review (dose suggestions).
    The form's one-time token makes a double post record once."""
    earlier = tokens.redirect_for(client_id)
    if earlier:
        return _redirect(earlier)
    result = safety.check_in(ctx, score, "next_morning", leg_spread=leg == "yes", workout_id=workout_id)
    if result.rescreen_reason is not None:
        url = screen_url("/")
    elif result.proposals:
        url = "/safety/progress"
    else:
        url = "/?notice=checkin"
    tokens.remember(client_id, url)
    return _redirect(url)


def _program_update(ctx: Any, program: Any) -> Any:
    """The newest version of a prescribed program made by someone else, for two weeks after it."""
    if program is None or program.prescription is None:
        return None
    update = prescriptions.latest_update(ctx)
    if update is None or update.changed_by_id == ctx.person_id:
        return None
    return update if ctx.clock.now() - update.changed_at <= timedelta(days=14) else None


# --- Exercise library -----------------------------------------------------------------------------


@router.get("/exercises")
def exercise_list(request: Request, ctx: SignedInCtx) -> Response:
    items = [(e, render_figure(e)) for e in catalogue.list_exercises(ctx)]
    return _page(request, "exercises.html", {"title": "Exercises", "items": items})


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, ctx: SignedInCtx, exercise_id: str) -> Response:
    try:
        exercise = catalogue.get_exercise(ctx, exercise_id)
    except NotFound:  # the service's message lists ids for the CLI; a person gets plain words
        raise HTTPException(
            404, f"There is no exercise called “{exercise_id[:60]}”. Exercises, in the menu, lists all nine."
        ) from None
    ids = [e.id for e in catalogue.list_exercises(ctx)]
    at = ids.index(exercise.id) if exercise.id in ids else 0
    return _page(
        request,
        "exercise.html",
        {
            "title": exercise.name,
            "exercise": exercise,
            "figure": render_figure(exercise, css_class="figure large"),
            "previous_id": ids[at - 1] if at > 0 else None,
            "next_id": ids[at + 1] if at + 1 < len(ids) else None,
            "names": {e.id: e.name for e in catalogue.list_exercises(ctx)},
        },
    )


# --- Workout player -------------------------------------------------------------------------------


@router.get("/workout")
def workout_start_page(request: Request, ctx: CtxDep) -> Response:
    current = workouts.current_workout(ctx)
    target = f"/workout/{current.id}" if current is not None else "/workout"
    gate = gate_redirect(ctx, target)
    if gate is not None:
        return _redirect(gate)
    if current is not None:
        return _redirect(target)
    return _page(
        request,
        "workout_start.html",
        {
            "title": "Start a workout",
            "programs": programs.list_programs(ctx),
            "lengths": {p.slug: describe_length(p, ctx.catalogue) for p in programs.list_programs(ctx)},
            "active": programs.active_program(ctx),
            "form_token": new_token(),
        },
    )


@router.post("/workout/start")
def workout_start(
    ctx: CtxDep,
    tokens: FormTokensDep,
    program_slug: Annotated[str, Form(max_length=80)] = "",
    form_token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    earlier = tokens.redirect_for(form_token)
    if earlier:
        return _redirect(earlier)
    gate = gate_redirect(ctx, "/workout")
    if gate is not None:
        return _redirect(gate)
    workout = workouts.start_workout(ctx, program_slug or None)
    url = f"/workout/{workout.id}"
    tokens.remember(form_token, url)
    return _redirect(url)


def _step_json(step: Step) -> dict[str, Any]:
    data = dataclasses.asdict(step)
    data["sides"] = list(step.sides)
    return data


def _exercise_json(exercise: Any) -> dict[str, Any]:
    return {
        "id": exercise.id,
        "name": exercise.name,
        "summary": exercise.summary,
        "start_position": exercise.start_position,
        "steps": list(exercise.steps),
        "breathing": exercise.breathing,
        "tempo": exercise.tempo,
        "mistakes": list(exercise.mistakes),
        "safety": list(exercise.safety),
        "camera_counts": exercise.camera_counts,
        "camera_view": exercise.camera_view,
    }


@router.get("/workout/{workout_id}")
def workout_page(
    request: Request,
    ctx: CtxDep,
    settings: SettingsDep,
    workout_id: int,
    speed: Annotated[float | None, Query(gt=0, le=1000)] = None,
) -> Response:
    try:
        workout = workouts.get_workout(ctx, workout_id)
    except NotFound:
        raise HTTPException(
            404, f"There is no workout number {workout_id}. Every workout you have done is in History."
        ) from None
    if workout.status != "in_progress":
        return _workout_summary(request, ctx, workout)
    gate = gate_redirect(ctx, f"/workout/{workout_id}")
    if gate is not None:
        return _redirect(gate)
    plan = workouts.workout_plan(ctx, workout_id)
    items = workouts.workout_items(ctx, workout_id)
    exercise_ids = list(dict.fromkeys(s.exercise_id for s in plan if s.exercise_id))
    exercises = [catalogue.get_exercise(ctx, eid) for eid in exercise_ids]
    player = {
        "workout_id": workout.id,
        "program_name": workout.program_name,
        "steps": [_step_json(s) for s in plan],
        "start_index": workouts.next_step_index(ctx, workout_id),
        "exercises": {e.id: _exercise_json(e) for e in exercises},
        "clock_speed": speed or settings.clock_speed,
        "voice_default": settings.voice,
        "pain_before": workout.pain_at("before"),
        "pain_after": workout.pain_at("after"),
        "pain_zones": _pain_zones(),
        "pain_acceptable_max": load_pain_model().acceptable_max,
        "doses": {eid: describe_dose(item.dosage) for eid, item in items.items()},
        "instructions": {eid: item.instruction for eid, item in items.items() if item.instruction},
        "variants": {
            eid: _variant_words(ctx, item) for eid, item in items.items() if item.variant != "standard"
        },
        "easier": workout.easier,
        "sets_stored": len(workout.sets),
        "api": f"/api/workouts/{workout.id}",
        "sets_done": [
            {"exercise_id": s.exercise_id, "set_number": s.set_number, "side": s.side, "reps": s.reps}
            for s in workout.sets
        ],
    }
    return _page(
        request,
        "player.html",
        {
            "title": f"Workout: {workout.program_name}",
            "workout": workout,
            "player": player,
            "figures": {e.id: render_figure(e, css_class="figure") for e in exercises},
            "live_js": (STATIC_DIR / "js" / "live.js").is_file(),
            # Pose in the browser when the model is built and the server allows it.
            "live_pose_model": request.app.state.pose_model_url if settings.live_pose == "browser" else None,
        },
    )


def _variant_words(ctx: Any, item: Any) -> str:
    exercise = ctx.catalogue.get(item.exercise_id)
    variant = exercise.easier if item.variant == "easier" else exercise.harder
    return f"{variant.name}: {variant.description}"


def _workout_summary(request: Request, ctx: CtxDep, workout: Any) -> Response:
    names = {e.id: e.name for e in catalogue.list_exercises(ctx)}
    return _page(
        request,
        "workout_done.html",
        {
            "title": "Workout summary",
            "workout": workout,
            "names": names,
            "skipped": [names.get(eid, eid) for eid in workouts.skipped_exercises(ctx, workout)],
            "hand_counted_holds": any(s.source == "manual" and s.hold_s > 0 for s in workout.sets),
        },
    )


@router.post("/workout/{workout_id}/finish")
def workout_finish(ctx: CtxDep, workout_id: int) -> Response:
    # Finishing twice is harmless: the service keeps the first finish time.
    workouts.finish_workout(ctx, workout_id)
    return _redirect(f"/workout/{workout_id}?notice=finished")


# --- History --------------------------------------------------------------------------------------


def _month_grid(year: int, month: int) -> list[list[date]]:
    return calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


@router.get("/history")
def history_page(
    request: Request,
    ctx: CtxDep,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
) -> Response:
    today = _local_today()
    year, mon = (int(month[:4]), int(month[5:])) if month else (today.year, today.month)
    if not 1 <= mon <= 12 or not 2000 <= year <= 2100:
        raise HTTPException(404, "There is no such month in the calendar.")
    prev_month = (date(year, mon, 1) - timedelta(days=1)).strftime("%Y-%m")
    next_first = date(year + (mon == 12), mon % 12 + 1, 1)
    # The month shown, with its workouts' rows; the whole history only as counts and chart points.
    month_workouts = history.list_workouts(ctx, since=date(year, mon, 1))
    month_workouts = [w for w in month_workouts if w.started_at.astimezone().date() < next_first]
    # The calendar and the count show workouts that count (finished, or with a set done), as the
    # streak does; one opened and left with nothing done stays in the table, marked, but is no tick.
    by_day: dict[date, list[Any]] = {}
    for w in month_workouts:
        if history.workout_counts(w):
            by_day.setdefault(w.started_at.astimezone().date(), []).append(w)
    names = {e.id: e.name for e in catalogue.list_exercises(ctx)}
    exercise_series = history.all_exercise_series(ctx)
    chart_data = {
        "pain": [
            {"taken_at": taken_at.isoformat(), "score": score, "moment": moment}
            for taken_at, score, moment in history.pain_points(ctx)
        ],
        "exercises": {
            eid: [
                {"day": pt.day.isoformat(), "total_reps": pt.total_reps, "total_hold_s": pt.total_hold_s}
                for pt in series
            ]
            for eid, series in exercise_series.items()
        },
    }
    return _page(
        request,
        "history.html",
        {
            "title": "History",
            "weeks": _month_grid(year, mon),
            "month_label": date(year, mon, 1).strftime("%B %Y"),
            "month": mon,
            "today": today,
            "by_day": by_day,
            "prev_month": prev_month,
            "next_month": next_first.strftime("%Y-%m") if next_first <= today else None,
            "workouts": month_workouts,
            "workouts_done": history.count_done_workouts(ctx),
            "names": names,
            "adherence": history.adherence(ctx, today),
            "day_names": [calendar.day_abbr[i] for i in range(7)],
            "exercise_series": exercise_series,
            "default_exercise": next((eid for eid, series in exercise_series.items() if series), ""),
            "chart_data": chart_data,
        },
    )


@router.get("/history/export.zip")
def history_zip(ctx: CtxDep) -> Response:
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        export.export_zip(ctx),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="backcoach-{stamp}.zip"'},
    )


@router.get("/history/export.json")
def history_json(ctx: CtxDep) -> Response:
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        json.dumps(export.export_json(ctx), ensure_ascii=False, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="backcoach-{stamp}.json"'},
    )


# --- Your own programs (the program editor, personal mode) ------------------------------------------


def _own_editor(
    request: Request,
    ctx: Any,
    *,
    slug: str | None,
    items: Any,
    name: str,
    schedule: tuple[int, int],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return _page(
        request,
        "program_edit.html",
        {
            "title": "Your program" if slug else "Make your own program",
            "slug": slug,
            "rows": editor_rows(ctx.catalogue, items, within_ranges=False),
            "with_limits": False,
            "name": name,
            "times_per_day": schedule[0],
            "days_per_week": schedule[1],
            "error": error,
            "form_token": new_token(),
        },
        status_code=status_code,
    )


def _own_program_allowed(ctx: Any) -> None:
    if ctx.settings.mode == "clinic":
        raise HTTPException(403, "Your physiotherapist prescribes your program: write to them to change it.")


@router.get("/programs/new")
def new_program_page(request: Request, ctx: CtxDep) -> Response:
    _own_program_allowed(ctx)
    return _own_editor(request, ctx, slug=None, items=(), name="", schedule=(1, 7))


@router.get("/programs/{slug}/edit")
def edit_program_page(request: Request, ctx: CtxDep, slug: Annotated[str, Path(max_length=80)]) -> Response:
    _own_program_allowed(ctx)
    program = programs.get_program(ctx, slug)
    if program.builtin:
        raise HTTPException(404, "The built-in programs stay as they are: make your own from one instead.")
    schedule = (program.times_per_day, program.days_per_week)
    return _own_editor(request, ctx, slug=slug, items=program.items, name=program.name, schedule=schedule)


async def _save_own(request: Request, ctx: Any, tokens: FormTokens, slug: str | None) -> Response:
    _own_program_allowed(ctx)
    form = await request.form()
    token = str(form.get("form_token", ""))[:64]
    earlier = tokens.redirect_for(token)
    if earlier:
        return _redirect(earlier)
    name = str(form.get("name", ""))[:80]
    try:
        schedule = (int(str(form.get("times_per_day", 1))), int(str(form.get("days_per_week", 7))))
    except ValueError:
        schedule = (1, 7)
    items: Any = ()
    try:
        items = read_items(form, ctx.catalogue, with_limits=False)
        saved = programs.save_own_program(
            ctx, slug, name=name, items=items, times_per_day=schedule[0], days_per_week=schedule[1]
        )
    except (InvalidInput, NotFound) as exc:
        return _own_editor(
            request,
            ctx,
            slug=slug,
            items=items,
            name=name,
            schedule=schedule,
            error=str(exc),
            status_code=422,
        )
    url = f"/settings?notice={'saved' if slug else 'created'}#program-{saved.slug}"
    tokens.remember(token, url)
    return _redirect(url)


@router.post("/programs/new")
async def new_program_save(request: Request, ctx: CtxDep, tokens: FormTokensDep) -> Response:
    return await _save_own(request, ctx, tokens, None)


@router.post("/programs/{slug}/edit")
async def edit_program_save(
    request: Request, ctx: CtxDep, tokens: FormTokensDep, slug: Annotated[str, Path(max_length=80)]
) -> Response:
    return await _save_own(request, ctx, tokens, slug)


# --- About back pain ------------------------------------------------------------------------------


@router.get("/about")
def about_index(request: Request, _ctx: SignedInCtx) -> Response:
    return _page(request, "about/index.html", {"title": "About back pain", "pages": ABOUT_PAGES, "slug": ""})


@router.get("/about/{slug}")
def about_subpage(request: Request, _ctx: SignedInCtx, slug: str) -> Response:
    page = about_page(slug)
    if page is None:
        raise HTTPException(404, "There is no such page about back pain.")
    return _page(
        request,
        f"about/{page.slug}.html",
        {"title": page.title, "pages": ABOUT_PAGES, "slug": page.slug, "page": page},
    )


# --- Settings -------------------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, ctx: CtxDep, settings: SettingsDep) -> Response:
    return _page(
        request,
        "settings.html",
        {
            "title": "Settings",
            "programs": programs.list_programs(ctx),
            "lengths": {p.slug: describe_length(p, ctx.catalogue) for p in programs.list_programs(ctx)},
            "active": programs.active_program(ctx),
            "voice_default": settings.voice,
            "names": {e.id: e.name for e in catalogue.list_exercises(ctx)},
        },
    )


@router.post("/settings/program")
def settings_program(
    ctx: CtxDep,
    program_slug: Annotated[str, Form(max_length=80)],
) -> Response:
    programs.set_active_program(ctx, program_slug)
    return _redirect("/settings?notice=saved")


@router.post("/settings/schedule")
def settings_schedule(
    ctx: CtxDep,
    times_per_day: Annotated[int, Form(ge=1, le=5)],
    days_per_week: Annotated[int, Form(ge=1, le=7)],
) -> Response:
    active = programs.active_program(ctx)
    programs.update_program(ctx, active.slug, times_per_day=times_per_day, days_per_week=days_per_week)
    return _redirect("/settings?notice=saved")
