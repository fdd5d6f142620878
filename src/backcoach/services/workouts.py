"""Workout use cases: start or resume a workout, record each set and pain rating as it happens, finish.

Every set is stored the moment it is done, and recording the same ``client_id`` again updates
that set instead of adding one: a retry, a resumed workout or a camera counting rep by rep never
doubles a set. One workout is in progress at a time; starting again resumes it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from backcoach.domain.programs import Program, ProgramItem
from backcoach.domain.records import (
    PAIN_MOMENTS,
    PAIN_SCORE_RANGE,
    SET_SOURCES,
    SIDES,
    NoteRecord,
    PainRecord,
    SetRecord,
    WorkoutRecord,
)
from backcoach.domain.redflags import rescreen_needed
from backcoach.domain.workouts import Step, ease_dosage, plan_workout
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, NotFound
from backcoach.services.programs import active_program, get_program
from backcoach.services.progression import review_progress
from backcoach.services.safety import ensure_can_exercise
from backcoach.store.rows_safety import SafetyRepository

__all__ = [
    "LOGGED_PROGRAM_NAME",
    "LOGGED_PROGRAM_SLUG",
    "STALE_AFTER",
    "abandon_workout",
    "add_note",
    "check_pain_score",
    "current_workout",
    "ease_workout",
    "finish_workout",
    "get_workout",
    "log_set",
    "next_step_index",
    "record_pain",
    "record_set",
    "set_key",
    "skipped_exercises",
    "start_workout",
    "stored_step",
    "workout_items",
    "workout_plan",
]

# A workout left in progress this long ago is not resumed: starting marks it abandoned.
STALE_AFTER = timedelta(hours=12)
# Sets logged by hand outside a guided workout go into one workout per day under this name.
LOGGED_PROGRAM_SLUG = "logged"
LOGGED_PROGRAM_NAME = "Logged by hand"

MAX_NOTE_CHARS = 2000
MAX_CLIENT_ID_CHARS = 100


def start_workout(ctx: AppContext, program_slug: str | None = None, *, new: bool = False) -> WorkoutRecord:
    """Start a workout of ``program_slug`` (default: the active program), or resume the one in progress.

    A workout in progress of the same program (or any, when no program is named) is returned to
    carry on with, unless ``new``; one of another program, or older than 12 hours, is marked
    abandoned first (its sets stay). Raises SafetyStop while a red flag is open.
    """
    ensure_can_exercise(ctx)
    program = get_program(ctx, program_slug) if program_slug else active_program(ctx)
    now = ctx.clock.now()
    with ctx.repository() as repo:
        current = repo.in_progress_workout()
        if current is not None:
            stale = now - current.started_at > STALE_AFTER
            same = program_slug is None or current.program_slug == program.slug
            if not stale and not new and same:
                return current
            repo.set_workout_status(current.id, "abandoned", None)
        created = repo.create_workout_once(program.slug, program.name, now)
        if created is not None:
            return created
        # Another request (maybe on another server process) started one at the same moment: the
        # database kept theirs, so carry on with it.
        winner = repo.in_progress_workout()
        assert winner is not None
        return winner


def current_workout(ctx: AppContext) -> WorkoutRecord | None:
    """The workout in progress (to resume), or None; one left more than 12 hours ago does not count."""
    with ctx.repository() as repo:
        current = repo.in_progress_workout()
    if current is None or ctx.clock.now() - current.started_at > STALE_AFTER:
        return None
    return current


def get_workout(ctx: AppContext, workout_id: int) -> WorkoutRecord:
    """One workout with its sets, pain ratings and notes; NotFound otherwise."""
    with ctx.repository() as repo:
        workout = repo.get_workout(workout_id)
    if workout is None:
        raise NotFound(f"no workout number {workout_id}")
    return workout


def _check_exercise(ctx: AppContext, exercise_id: str) -> None:
    if exercise_id not in ctx.catalogue:
        raise NotFound(f"unknown exercise {exercise_id!r}: choose one of {', '.join(ctx.catalogue.ids)}")


def _check_client_id(client_id: str | None) -> None:
    if client_id is not None and not 1 <= len(client_id) <= MAX_CLIENT_ID_CHARS:
        raise InvalidInput(f"client_id must be 1 to {MAX_CLIENT_ID_CHARS} characters")


def _whole(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high} (got {value!r})")
    return value


def set_key(exercise_id: str | None, set_number: int, side: str | None) -> tuple[str | None, int, str | None]:
    """What identifies a set within one workout: the exercise, the set number and the side."""
    return (exercise_id, set_number, side)


def record_set(
    ctx: AppContext,
    workout_id: int,
    *,
    exercise_id: str,
    set_number: int,
    side: str | None,
    reps: int,
    hold_s: float = 0.0,
    source: str = "manual",
    client_id: str | None = None,
    camera_reps: int | None = None,
    findings: Mapping[str, int] | None = None,
) -> SetRecord:
    """Store one set now. With a ``client_id`` already stored, that set is updated instead.

    ``reps`` counts movements (or holds); ``hold_s`` is the seconds held per hold. ``side`` is
    left, right or None; ``source`` is timer, manual or camera. When the camera watched,
    ``camera_reps`` is what it counted and ``findings`` in how many reps it saw each form finding
    (by code), stored with the set in the same transaction.
    """
    _check_exercise(ctx, exercise_id)
    _whole(set_number, "set_number", 1, 100)
    _whole(reps, "reps", 0, 1000)
    if isinstance(hold_s, bool) or not isinstance(hold_s, int | float) or not math.isfinite(hold_s):
        raise InvalidInput(f"hold_s must be a number of seconds (got {hold_s!r})")
    if not 0 <= hold_s <= 3600:
        raise InvalidInput(f"hold_s must be from 0 to 3600 seconds (got {hold_s!r})")
    if side is not None and side not in SIDES:
        raise InvalidInput(f"side must be left or right (got {side!r})")
    if source not in SET_SOURCES:
        raise InvalidInput(f"source must be one of {', '.join(SET_SOURCES)} (got {source!r})")
    _check_client_id(client_id)
    if camera_reps is not None:
        _whole(camera_reps, "camera_reps", 0, 1000)
    for code, count in (findings or {}).items():
        if not isinstance(code, str) or not 0 < len(code) <= 50:
            raise InvalidInput("a finding is a short code such as hips_low")
        _whole(count, f"reps with {code}", 0, 1000)
    now = ctx.clock.now()
    for attempt in (1, 2):
        try:
            with ctx.repository() as repo:
                if not repo.workout_exists(workout_id):
                    raise NotFound(f"no workout number {workout_id}")
                stored = repo.upsert_set(
                    workout_id,
                    exercise_id=exercise_id,
                    set_number=set_number,
                    side=side,
                    reps=reps,
                    hold_s=float(hold_s),
                    source=source,
                    client_id=client_id,
                    recorded_at=now,
                    camera_reps=camera_reps,
                )
                if findings is not None:
                    repo.workspace.set_findings(stored.id, findings)
                return stored
        except InvalidInput:
            # Two writers raced to insert the same client_id: the second time round it updates.
            if client_id is None or attempt == 2:
                raise
    raise AssertionError("unreachable")


def stored_step(ctx: AppContext, workout_id: int, client_id: str) -> tuple[str, SetRecord | None]:
    """The workout's status and the set stored under ``client_id`` (None yet), in one short read.

    What the live camera needs at each step, without loading the whole workout. NotFound when
    there is no such workout.
    """
    with ctx.repository() as repo:
        status = repo.workout_status(workout_id)
        if status is None:
            raise NotFound(f"no workout number {workout_id}")
        return status, repo.set_by_client_id(workout_id, client_id)


def log_set(
    ctx: AppContext,
    exercise_id: str,
    *,
    reps: int,
    hold_s: float = 0.0,
    side: str | None = None,
    set_number: int | None = None,
) -> SetRecord:
    """A set done without the guided player, typed in by hand.

    It goes into the workout in progress if there is one, else into today's "Logged by hand"
    workout (made and marked finished on the first set logged that day). A set has at least one
    rep (or hold), and a side only for an exercise done on each side.
    """
    _check_exercise(ctx, exercise_id)
    if isinstance(reps, int) and not isinstance(reps, bool) and reps == 0:
        raise InvalidInput("a set needs at least 1 rep (or hold); there is nothing to record for 0")
    exercise = ctx.catalogue.get(exercise_id)
    if side is not None and side in SIDES and not exercise.has_sides:
        raise InvalidInput(f"{exercise.name} is done with both sides together: leave out the side")
    workout = current_workout(ctx)
    if workout is None:
        workout = _logged_workout_today(ctx)
    if set_number is None:
        done = [s.set_number for s in workout.sets if s.exercise_id == exercise_id and s.side == side]
        set_number = max(done, default=0) + 1
    return record_set(
        ctx,
        workout.id,
        exercise_id=exercise_id,
        set_number=set_number,
        side=side,
        reps=reps,
        hold_s=hold_s,
        source="manual",
    )


def _logged_workout_today(ctx: AppContext) -> WorkoutRecord:
    now = ctx.clock.now()
    local_today = now.astimezone().date()
    start_local = datetime.combine(local_today, datetime.min.time()).astimezone()
    with ctx.repository() as repo:
        for workout in repo.list_workouts(since=start_local, newest_first=True):
            if workout.program_slug == LOGGED_PROGRAM_SLUG:
                return workout
        created = repo.create_workout(LOGGED_PROGRAM_SLUG, LOGGED_PROGRAM_NAME, now)
        repo.set_workout_status(created.id, "finished", now)
        found = repo.get_workout(created.id)
    assert found is not None
    return found


def check_pain_score(value: object) -> int:
    """A pain score as an int 0-10; InvalidInput (one line) for anything else, e.g. "eleven" or 11."""
    low, high = PAIN_SCORE_RANGE
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise InvalidInput(
                f"pain must be a whole number from {low} (none) to {high} (worst), not {value!r}"
            )
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"pain must be a whole number from {low} (none) to {high} (worst), not {value!r}")
    return value


def record_pain(
    ctx: AppContext,
    score: int,
    moment: str,
    *,
    workout_id: int | None = None,
    exercise_id: str | None = None,
    client_id: str | None = None,
    taken_at: datetime | None = None,
    leg_spread: bool = False,
) -> PainRecord:
    """Store a pain rating (0-10) taken before, during or after a workout, or the next morning.

    A next-morning rating with no workout given is tied to the workout it follows, when one is due.
    In the same transaction, a sharp rise over the workout's "before" rating, pain above 7 or new
    pain down a leg (``leg_spread``) asks for the red-flag screen again, whoever records the pain
    (the player, the API, the terminal), unless a re-screen already answered covers it.
    """
    score = check_pain_score(score)
    if moment not in PAIN_MOMENTS:
        raise InvalidInput(f"moment must be one of {', '.join(PAIN_MOMENTS)} (got {moment!r})")
    if exercise_id is not None:
        _check_exercise(ctx, exercise_id)
    _check_client_id(client_id)
    when = taken_at or ctx.clock.now()
    if workout_id is None and moment == "next_morning":
        from backcoach.services.history import morning_checkin_due

        due = morning_checkin_due(ctx, when.astimezone().date())
        workout_id = due.id if due else None
    day_start = datetime.combine(when.astimezone().date(), datetime.min.time()).astimezone()
    with ctx.repository() as repo:
        before = None
        if workout_id is not None:
            workout = repo.get_workout(workout_id)
            if workout is None:
                raise NotFound(f"no workout number {workout_id}")
            before = workout.pain_at("before") if moment != "before" else None
        elif moment != "before":
            # Logged by hand without a workout: the "before" rating logged the same day stands in.
            earlier = [
                p for p in repo.list_pain(since=day_start) if p.moment == "before" and p.workout_id is None
            ]
            before = earlier[-1].score if earlier else None
        record = repo.add_pain(
            score=score,
            moment=moment,
            taken_at=when,
            workout_id=workout_id,
            exercise_id=exercise_id,
            client_id=client_id,
        )
        srepo = SafetyRepository(repo.session, repo.user_id)
        if srepo.screens() and not srepo.open_rescreens():
            reason = rescreen_needed(
                score,
                before_pain=before,
                leg_spread=leg_spread,
                answered=srepo.answered_rescreens(workout_id=workout_id, since=day_start),
            )
            if reason is not None:
                srepo.add_rescreen(
                    requested_at=when,
                    reason=reason,
                    pain_score=score,
                    workout_id=workout_id,
                    leg_spread=leg_spread,
                )
        return record


def add_note(ctx: AppContext, text: str, workout_id: int | None = None) -> NoteRecord:
    """Store a note, on a workout or on its own."""
    clean = text.strip()
    if not clean:
        raise InvalidInput("a note needs some text")
    if len(clean) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a note can be at most {MAX_NOTE_CHARS} characters")
    with ctx.repository() as repo:
        if workout_id is not None and not repo.workout_exists(workout_id):
            raise NotFound(f"no workout number {workout_id}")
        return repo.add_note(clean, workout_id=workout_id, created_at=ctx.clock.now())


def finish_workout(ctx: AppContext, workout_id: int) -> WorkoutRecord:
    """Mark a workout finished now (a finished one stays as it was), then review its program's doses:
    the suggestions a finished workout brings are waiting on the doses page, however it was done."""
    workout = get_workout(ctx, workout_id)
    if workout.status != "finished":
        with ctx.repository() as repo:
            repo.set_workout_status(workout_id, "finished", ctx.clock.now())
            has_program = repo.program_exists(workout.program_slug)
        if has_program:
            review_progress(ctx, workout.program_slug)
    return get_workout(ctx, workout_id)


def abandon_workout(ctx: AppContext, workout_id: int) -> WorkoutRecord:
    """Mark a workout in progress abandoned: it will not be resumed, and its sets stay stored."""
    workout = get_workout(ctx, workout_id)
    if workout.status == "in_progress":
        with ctx.repository() as repo:
            repo.set_workout_status(workout_id, "abandoned", None)
    return get_workout(ctx, workout_id)


def _program_of(ctx: AppContext, workout: WorkoutRecord) -> Program:
    try:
        return get_program(ctx, workout.program_slug)
    except NotFound:
        raise NotFound(
            f"the program of workout {workout.id} ({workout.program_name}) no longer exists"
        ) from None


def workout_plan(ctx: AppContext, workout_id: int) -> tuple[Step, ...]:
    """The steps of a workout, from its program's current doses (at their gentle end when eased)."""
    workout = get_workout(ctx, workout_id)
    return plan_workout(_program_of(ctx, workout), ctx.catalogue, easier=workout.easier)


def workout_items(ctx: AppContext, workout_id: int) -> dict[str, ProgramItem]:
    """Each exercise of this workout as its program has it: the dose (at its gentle end when the
    workout was eased), the version and the physiotherapist's instruction."""
    workout = get_workout(ctx, workout_id)
    program = _program_of(ctx, workout)
    return {
        item.exercise_id: dataclasses.replace(item, dosage=ease_dosage(item.dosage))
        if workout.easier
        else item
        for item in program.items
    }


def skipped_exercises(ctx: AppContext, workout: WorkoutRecord) -> tuple[str, ...]:
    """The ids of the exercises in a workout's plan with no set done, in the plan's order (empty
    while the workout is in progress, or when its program no longer exists)."""
    if workout.status == "in_progress":
        return ()
    try:
        plan = plan_workout(_program_of(ctx, workout), ctx.catalogue, easier=workout.easier)
    except NotFound:
        return ()
    done = {s.exercise_id for s in workout.sets}
    planned = dict.fromkeys(s.exercise_id for s in plan if s.exercise_id)
    return tuple(eid for eid in planned if eid not in done)


def ease_workout(ctx: AppContext, workout_id: int) -> WorkoutRecord:
    """Do this workout at the gentle end of every dose, with the easier versions (the person's choice
    after pain above 5 before starting). Only a workout in progress with no set done yet is eased:
    its plan changes, and sets already stored would no longer match it."""
    workout = get_workout(ctx, workout_id)
    if workout.easier:
        return workout
    if workout.status != "in_progress":
        raise InvalidInput("only a workout in progress can be made easier")
    if workout.sets:
        raise InvalidInput("this workout has sets done already: finish it, or start a new one")
    with ctx.repository() as repo:
        repo.set_workout_easier(workout_id)
    return get_workout(ctx, workout_id)


def _done_reps(workout: WorkoutRecord) -> dict[tuple[str | None, int, str | None], int]:
    done: dict[tuple[str | None, int, str | None], int] = {}
    for s in workout.sets:
        key = set_key(s.exercise_id, s.set_number, s.side)
        done[key] = max(done.get(key, 0), s.reps)
    return done


def next_step_index(ctx: AppContext, workout_id: int, steps: tuple[Step, ...] | None = None) -> int:
    """Where to resume: the first set not yet done in full, from the intro or side change before it.

    A set counts as done once its stored reps reach the plan's reps. Returns the index of the
    ``done`` step when every set is done.
    """
    workout = get_workout(ctx, workout_id)
    plan = steps if steps is not None else workout_plan(ctx, workout_id)
    done = _done_reps(workout)
    for index, step in enumerate(plan):
        if not step.is_work:
            continue
        if done.get(set_key(step.exercise_id, step.set_number, step.side), 0) >= step.total_reps:
            continue
        start = index
        while (
            start > 0
            and plan[start - 1].kind in ("intro", "side_change")
            and (plan[start - 1].exercise_id == step.exercise_id)
        ):
            start -= 1
        return start
    return len(plan) - 1


def workouts_on(ctx: AppContext, day: date) -> list[WorkoutRecord]:
    """The workouts started on ``day`` (local time)."""
    start = datetime.combine(day, datetime.min.time()).astimezone()
    with ctx.repository() as repo:
        return repo.list_workouts(since=start, until=start + timedelta(days=1))
