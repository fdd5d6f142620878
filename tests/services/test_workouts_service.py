"""Workout use cases on real databases: start and resume, sets stored once, pain, notes, finishing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from step_clock import StepClock

from backcoach.config import Settings
from backcoach.services import workouts
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, NotFound


@pytest.fixture
def ctx(
    database_url: str, tmp_path: Path, screen_all_clear: Callable[[AppContext], object]
) -> Iterator[AppContext]:
    clock = StepClock(datetime.now(UTC))
    with open_app(Settings(data_dir=tmp_path, database_url=database_url, voice=False), clock=clock) as app:
        screen_all_clear(app)
        yield app


def test_start_resumes_the_workout_in_progress(ctx: AppContext) -> None:
    first = workouts.start_workout(ctx)
    assert first.status == "in_progress" and first.program_slug == "daily-short"
    assert workouts.start_workout(ctx).id == first.id
    assert workouts.start_workout(ctx, "daily-short").id == first.id
    assert workouts.current_workout(ctx).id == first.id  # type: ignore[union-attr]
    other = workouts.start_workout(ctx, "core-nine")
    assert other.id != first.id
    assert workouts.get_workout(ctx, first.id).status == "abandoned"
    fresh = workouts.start_workout(ctx, new=True)
    assert fresh.id != other.id and fresh.program_slug == "daily-short"


def test_a_workout_left_overnight_is_not_resumed(ctx: AppContext) -> None:
    old = workouts.start_workout(ctx)
    ctx.clock.sleep(13 * 3600)
    assert workouts.current_workout(ctx) is None
    assert workouts.start_workout(ctx).id != old.id
    assert workouts.get_workout(ctx, old.id).status == "abandoned"


def test_record_set_twice_with_one_client_id_stores_one_set(ctx: AppContext) -> None:
    workout = workouts.start_workout(ctx)
    for reps in (3, 4, 10):
        workouts.record_set(
            ctx,
            workout.id,
            exercise_id="bridge",
            set_number=1,
            side=None,
            reps=reps,
            source="camera",
            client_id="camera-bridge-1",
        )
    workouts.record_set(
        ctx,
        workout.id,
        exercise_id="draw_in",
        set_number=1,
        side=None,
        reps=5,
        hold_s=10,
        source="timer",
        client_id="t-1",
    )
    workouts.record_set(
        ctx,
        workout.id,
        exercise_id="draw_in",
        set_number=1,
        side=None,
        reps=5,
        hold_s=10,
        source="timer",
        client_id="t-1",
    )
    stored = workouts.get_workout(ctx, workout.id)
    assert [(s.exercise_id, s.reps, s.hold_s) for s in stored.sets] == [
        ("bridge", 10, 0.0),
        ("draw_in", 5, 10.0),
    ]
    assert stored.total_hold_s == 50.0


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"exercise_id": "nope"}, NotFound, "unknown exercise"),
        ({"reps": -1}, InvalidInput, "reps"),
        ({"reps": 1001}, InvalidInput, "reps"),
        ({"set_number": 0}, InvalidInput, "set_number"),
        ({"side": "middle"}, InvalidInput, "side"),
        ({"source": "guess"}, InvalidInput, "source"),
        ({"hold_s": float("nan")}, InvalidInput, "hold_s"),
        ({"hold_s": -3}, InvalidInput, "hold_s"),
        ({"client_id": "x" * 101}, InvalidInput, "client_id"),
    ],
)
def test_bad_sets_are_refused(ctx: AppContext, fields: dict, error: type, words: str) -> None:
    workout = workouts.start_workout(ctx)
    values = {"exercise_id": "bridge", "set_number": 1, "side": None, "reps": 5, "source": "manual"} | fields
    with pytest.raises(error) as caught:
        workouts.record_set(ctx, workout.id, **values)
    assert words in str(caught.value)
    assert workouts.get_workout(ctx, workout.id).sets == ()


def test_sets_for_a_missing_workout_are_refused(ctx: AppContext) -> None:
    with pytest.raises(NotFound, match="no workout number 999"):
        workouts.record_set(ctx, 999, exercise_id="bridge", set_number=1, side=None, reps=5)


@pytest.mark.parametrize("score", [11, -1, "eleven", "4.5", True, None])
def test_bad_pain_scores_are_refused(ctx: AppContext, score: object) -> None:
    with pytest.raises(InvalidInput, match="pain must be a whole number from 0"):
        workouts.record_pain(ctx, score, "before")  # type: ignore[arg-type]


def test_pain_and_notes_are_stored_with_their_workout(ctx: AppContext) -> None:
    workout = workouts.start_workout(ctx)
    workouts.record_pain(ctx, 3, "before", workout_id=workout.id)
    workouts.record_pain(ctx, 6, "during", workout_id=workout.id, exercise_id="bridge", client_id="p1")
    workouts.record_pain(ctx, 5, "during", workout_id=workout.id, exercise_id="bridge", client_id="p1")
    workouts.add_note(ctx, "  Stiff after gardening  ", workout.id)
    with pytest.raises(InvalidInput, match="moment"):
        workouts.record_pain(ctx, 3, "at lunch")
    with pytest.raises(InvalidInput, match="some text"):
        workouts.add_note(ctx, "   ")
    stored = workouts.get_workout(ctx, workout.id)
    assert [(p.score, p.moment) for p in stored.pain] == [(3, "before"), (5, "during")]
    assert stored.notes[0].text == "Stiff after gardening"


def test_resume_point_follows_the_sets_done(ctx: AppContext) -> None:
    workout = workouts.start_workout(ctx)
    plan = workouts.workout_plan(ctx, workout.id)
    assert plan[0].kind == "intro" and plan[-1].kind == "done"
    assert workouts.next_step_index(ctx, workout.id) == 0
    first = plan[1]
    assert first.is_work and first.exercise_id is not None
    # half a set is not done yet: resume at that exercise's intro
    workouts.record_set(
        ctx, workout.id, exercise_id=first.exercise_id, set_number=1, side=first.side, reps=1, client_id="a"
    )
    assert workouts.next_step_index(ctx, workout.id) == 0
    workouts.record_set(
        ctx,
        workout.id,
        exercise_id=first.exercise_id,
        set_number=1,
        side=first.side,
        reps=first.total_reps,
        client_id="a",
    )
    resume = workouts.next_step_index(ctx, workout.id)
    later = next(i for i, s in enumerate(plan) if i > 1 and s.is_work)
    assert resume > 1 and resume <= later
    for step in plan:
        if step.is_work:
            assert step.exercise_id is not None
            workouts.record_set(
                ctx,
                workout.id,
                exercise_id=step.exercise_id,
                set_number=step.set_number,
                side=step.side,
                reps=step.total_reps,
                hold_s=step.hold_s,
                client_id=f"{step.exercise_id}-{step.set_number}-{step.side}",
            )
    assert workouts.next_step_index(ctx, workout.id) == len(plan) - 1


def test_finish_and_abandon(ctx: AppContext) -> None:
    workout = workouts.start_workout(ctx)
    done = workouts.finish_workout(ctx, workout.id)
    assert done.status == "finished" and done.finished_at is not None
    assert workouts.current_workout(ctx) is None
    assert workouts.abandon_workout(ctx, workout.id).status == "finished"  # a finished one stays finished
    other = workouts.start_workout(ctx)
    assert workouts.abandon_workout(ctx, other.id).status == "abandoned"
    with pytest.raises(NotFound):
        workouts.finish_workout(ctx, 12345)


def test_sets_logged_by_hand_go_into_one_workout_a_day(ctx: AppContext) -> None:
    first = workouts.log_set(ctx, "bridge", reps=10)
    second = workouts.log_set(ctx, "bridge", reps=8)
    assert first.workout_id == second.workout_id
    assert (first.set_number, second.set_number) == (1, 2)
    logged = workouts.get_workout(ctx, first.workout_id)
    assert logged.program_slug == workouts.LOGGED_PROGRAM_SLUG and logged.status == "finished"
    # with a workout in progress, a hand-logged set joins it
    open_workout = workouts.start_workout(ctx)
    assert workouts.log_set(ctx, "draw_in", reps=5, hold_s=10).workout_id == open_workout.id


def test_a_set_logged_by_hand_needs_a_rep_and_a_side_only_where_there_are_sides(ctx: AppContext) -> None:
    with pytest.raises(InvalidInput, match="at least 1 rep"):
        workouts.log_set(ctx, "bridge", reps=0)
    with pytest.raises(InvalidInput, match="both sides together"):
        workouts.log_set(ctx, "bridge", reps=5, side="left")
    assert workouts.log_set(ctx, "dead_bug", reps=5, side="left").side == "left"
