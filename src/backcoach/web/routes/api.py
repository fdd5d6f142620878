"""The JSON API at /api: exercises, programs, workouts (start, sets, pain, finish), history, export.

Thin over the same services as the pages and the CLI. Errors come back as ``{"error", "detail"}``
(``backcoach.web.app`` maps NotFound to 404, InvalidInput to 422, SafetyStop to 409 with the
advice). Sets and pain ratings carry a ``client_id`` so a retried POST never doubles them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status

from backcoach.domain.exercises import Dosage
from backcoach.services import catalogue, export, history, programs, safety, workouts
from backcoach.web.deps import CtxDep, SignedInCtx
from backcoach.web.schemas import (
    AdherenceOut,
    DosageIn,
    ErrorOut,
    ExerciseOut,
    ExercisePointOut,
    HistoryOut,
    PainIn,
    PainOut,
    ProgramCreate,
    ProgramOut,
    ProgramUpdate,
    SetIn,
    SetOut,
    StepOut,
    WorkoutOut,
    WorkoutPlanOut,
    WorkoutStart,
)

__all__ = ["router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such exercise, program or workout"},
    422: {"model": ErrorOut, "description": "A value is missing or out of range"},
}
_SAFETY: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "A red flag is open: see a clinician first (advice included)"}
}

router = APIRouter(prefix="/api", responses=_ERRORS)


@router.get("/health", tags=["meta"])
def health() -> dict[str, str]:
    """The app is up (used by tests and scripts that wait for the server)."""
    return {"status": "ok"}


# --- exercises ------------------------------------------------------------------------------------


@router.get("/exercises", tags=["exercises"])
def list_exercises(ctx: SignedInCtx) -> list[ExerciseOut]:
    """The nine exercises of the catalogue, in order."""
    return [ExerciseOut.of(e) for e in catalogue.list_exercises(ctx)]


@router.get("/exercises/{exercise_id}", tags=["exercises"])
def get_exercise(ctx: SignedInCtx, exercise_id: str) -> ExerciseOut:
    return ExerciseOut.of(catalogue.get_exercise(ctx, exercise_id))


# --- programs -------------------------------------------------------------------------------------


def _doses(ctx: CtxDep, doses: dict[str, DosageIn] | None) -> dict[str, Dosage] | None:
    if doses is None:
        return None
    return {
        eid: programs.adjusted_dosage(ctx, eid, **d.model_dump(exclude_none=True)) for eid, d in doses.items()
    }


@router.get("/programs", tags=["programs"])
def list_programs(ctx: CtxDep) -> list[ProgramOut]:
    return [ProgramOut.of(p) for p in programs.list_programs(ctx)]


@router.get("/programs/active", tags=["programs"])
def get_active_program(ctx: CtxDep) -> ProgramOut:
    """The program Today shows and a workout starts by default."""
    return ProgramOut.of(programs.active_program(ctx))


@router.put("/programs/active", tags=["programs"])
def set_active_program(ctx: CtxDep, slug: Annotated[str, Query(max_length=80)]) -> ProgramOut:
    return ProgramOut.of(programs.set_active_program(ctx, slug))


@router.get("/programs/{slug}", tags=["programs"])
def get_program(ctx: CtxDep, slug: str) -> ProgramOut:
    return ProgramOut.of(programs.get_program(ctx, slug))


@router.post("/programs", tags=["programs"], status_code=status.HTTP_201_CREATED)
def create_program(ctx: CtxDep, body: ProgramCreate) -> ProgramOut:
    """Make a program of your own. A name already taken is refused (422), so a repeat does not double it."""
    program = programs.create_program(
        ctx,
        body.name,
        body.exercise_ids,
        doses=_doses(ctx, body.doses),
        times_per_day=body.times_per_day,
        days_per_week=body.days_per_week,
        description=body.description,
    )
    return ProgramOut.of(program)


@router.patch("/programs/{slug}", tags=["programs"])
def update_program(ctx: CtxDep, slug: str, body: ProgramUpdate) -> ProgramOut:
    """Change a program; what is left out stays as it was."""
    current = programs.get_program(ctx, slug)
    doses = None
    if body.doses is not None:
        doses = {
            eid: programs.adjusted_dosage(
                ctx, eid, base=current.dosage_for(eid), **d.model_dump(exclude_none=True)
            )
            for eid, d in body.doses.items()
        }
    program = programs.update_program(
        ctx,
        slug,
        name=body.name,
        exercise_ids=body.exercise_ids,
        doses=doses,
        times_per_day=body.times_per_day,
        days_per_week=body.days_per_week,
        description=body.description,
    )
    return ProgramOut.of(program)


# --- workouts -------------------------------------------------------------------------------------


@router.post("/workouts", tags=["workouts"], status_code=status.HTTP_201_CREATED, responses=_SAFETY)
def start_workout(ctx: CtxDep, body: WorkoutStart, response: Response) -> WorkoutOut:
    """Start a workout, or get back the one in progress (200) to carry on with."""
    before = workouts.current_workout(ctx)
    workout = workouts.start_workout(ctx, body.program_slug, new=body.new)
    if before is not None and before.id == workout.id:
        response.status_code = status.HTTP_200_OK
    return WorkoutOut.of(workout)


@router.get("/workouts/current", tags=["workouts"])
def current_workout(ctx: CtxDep) -> WorkoutOut | None:
    """The workout in progress, or null."""
    workout = workouts.current_workout(ctx)
    return WorkoutOut.of(workout) if workout else None


@router.get("/workouts/{workout_id}", tags=["workouts"])
def get_workout(ctx: CtxDep, workout_id: int) -> WorkoutOut:
    return WorkoutOut.of(workouts.get_workout(ctx, workout_id))


@router.get("/workouts/{workout_id}/plan", tags=["workouts"])
def get_workout_plan(ctx: CtxDep, workout_id: int) -> WorkoutPlanOut:
    """The steps of the workout and where to resume it."""
    plan = workouts.workout_plan(ctx, workout_id)
    return WorkoutPlanOut(
        workout_id=workout_id,
        next_step_index=workouts.next_step_index(ctx, workout_id, plan),
        steps=[StepOut.of(s) for s in plan],
    )


@router.post("/workouts/{workout_id}/sets", tags=["workouts"], status_code=status.HTTP_201_CREATED)
def record_set(ctx: CtxDep, workout_id: int, body: SetIn) -> SetOut:
    """Store a set as soon as it is done. The same ``client_id`` again updates that set."""
    record = workouts.record_set(
        ctx,
        workout_id,
        exercise_id=body.exercise_id,
        set_number=body.set_number,
        side=body.side,
        reps=body.reps,
        hold_s=body.hold_s,
        source=body.source,
        client_id=body.client_id,
    )
    return SetOut.of(record)


@router.post("/workouts/{workout_id}/pain", tags=["workouts"], status_code=status.HTTP_201_CREATED)
def record_workout_pain(ctx: CtxDep, workout_id: int, body: PainIn) -> PainOut:
    """A pain rating 0-10 before, during or after the workout (or the next morning), through the
    safety check-in: a sharp rise asks the safety questions again (see /api/safety/status), and an
    after-workout or next-morning rating reviews the doses."""
    result = safety.check_in(
        ctx,
        body.score,
        body.moment,
        workout_id=workout_id,
        exercise_id=body.exercise_id,
        client_id=body.client_id,
    )
    return PainOut.of(result.pain)


@router.post("/workouts/{workout_id}/easier", tags=["workouts"])
def ease_workout(ctx: CtxDep, workout_id: int) -> WorkoutOut:
    """Do this workout at the gentle end of every dose, with the easier versions (pain above 5 before
    starting). Only before any set is done; asking again changes nothing."""
    return WorkoutOut.of(workouts.ease_workout(ctx, workout_id))


@router.post("/workouts/{workout_id}/stop", tags=["workouts"])
def stop_workout(ctx: CtxDep, workout_id: int) -> WorkoutOut:
    """Stop for today (pain too high to exercise): the workout ends without being finished; what was
    done stays stored."""
    return WorkoutOut.of(workouts.abandon_workout(ctx, workout_id))


@router.post("/workouts/{workout_id}/finish", tags=["workouts"])
def finish_workout(ctx: CtxDep, workout_id: int) -> WorkoutOut:
    """Mark the workout finished (finishing again changes nothing)."""
    return WorkoutOut.of(workouts.finish_workout(ctx, workout_id))


@router.post("/pain", tags=["workouts"], status_code=status.HTTP_201_CREATED)
def record_pain(ctx: CtxDep, body: PainIn) -> PainOut:
    """A pain rating outside a workout (through the safety check-in, as above); a next-morning one is
    tied to the workout it follows."""
    result = safety.check_in(
        ctx, body.score, body.moment, exercise_id=body.exercise_id, client_id=body.client_id
    )
    return PainOut.of(result.pain)


# --- history and export ---------------------------------------------------------------------------


@router.get("/history", tags=["history"])
def get_history(
    ctx: CtxDep,
    since: date | None = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> HistoryOut:
    """Workouts, newest first, with the adherence streak."""
    today = datetime.now().astimezone().date()
    return HistoryOut(
        adherence=AdherenceOut.of(history.adherence(ctx, today)),
        workouts=[WorkoutOut.of(w) for w in history.list_workouts(ctx, since=since, limit=limit)],
    )


@router.get("/history/pain", tags=["history"])
def get_pain_series(ctx: CtxDep) -> list[PainOut]:
    return [PainOut.of(p) for p in history.pain_series(ctx)]


@router.get("/history/exercises/{exercise_id}", tags=["history"])
def get_exercise_series(ctx: CtxDep, exercise_id: str) -> list[ExercisePointOut]:
    """Per day: sets, reps (or holds) and seconds held of one exercise."""
    catalogue.get_exercise(ctx, exercise_id)
    return [ExercisePointOut.of(p) for p in history.exercise_series(ctx, exercise_id)]


@router.get(
    "/export",
    tags=["history"],
    responses={
        200: {
            "content": {"application/zip": {}, "application/json": {}},
            "description": "Everything recorded: one JSON document, or a zip of one CSV per kind of record",
        }
    },
)
def export_all(ctx: CtxDep, format: Literal["csv", "json"] = "json") -> Response:
    """Everything recorded, complete: JSON (one document) or csv (a zip with one CSV file per kind of
    record). The format is described in docs/export.md."""
    if format == "csv":
        return Response(
            export.export_zip(ctx),
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="backcoach-export.zip"'},
        )
    return Response(json.dumps(export.export_json(ctx), ensure_ascii=False), media_type="application/json")
