"""History use cases over several days with an injected clock: streaks, check-ins, series, export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from step_clock import StepClock

from backcoach.config import Settings
from backcoach.services import history, workouts
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import NotFound

# Noon local time, so a workout never slips into the next or previous day in any time zone.
TODAY = date(2026, 3, 10)


def noon(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).astimezone().replace(hour=12).astimezone(UTC)


@pytest.fixture
def ctx(
    database_url: str, tmp_path: Path, screen_all_clear: Callable[[AppContext], object]
) -> Iterator[AppContext]:
    clock = StepClock(noon(TODAY - timedelta(days=5)))
    with open_app(Settings(data_dir=tmp_path, database_url=database_url, voice=False), clock=clock) as app:
        screen_all_clear(app)
        yield app


def _workout_on(ctx: AppContext, day: date, *, pain: tuple[int, int] = (3, 2), finish: bool = True) -> int:
    ctx.clock.current = noon(day)  # type: ignore[attr-defined]
    workout = workouts.start_workout(ctx, new=True)
    workouts.record_pain(ctx, pain[0], "before", workout_id=workout.id)
    workouts.record_set(
        ctx, workout.id, exercise_id="bridge", set_number=1, side=None, reps=8, client_id=f"{day}"
    )
    workouts.record_set(
        ctx, workout.id, exercise_id="draw_in", set_number=1, side=None, reps=5, hold_s=10, source="timer"
    )
    workouts.record_pain(ctx, pain[1], "after", workout_id=workout.id)
    if finish:
        workouts.finish_workout(ctx, workout.id)
    return workout.id


def test_streak_counts_days_in_a_row(ctx: AppContext) -> None:
    for back in (4, 2, 1):
        _workout_on(ctx, TODAY - timedelta(days=back))
    stats = history.adherence(ctx, TODAY)
    assert (stats.streak_days, stats.done_today, stats.workouts_last_7_days) == (2, False, 3)
    assert stats.target_per_week == 7
    _workout_on(ctx, TODAY)
    stats = history.adherence(ctx, TODAY)
    assert (stats.streak_days, stats.done_today, stats.days_done_last_7) == (3, True, 4)
    assert history.adherence(ctx, TODAY + timedelta(days=2)).streak_days == 0


def test_morning_checkin_is_due_after_yesterdays_workout_until_answered(ctx: AppContext) -> None:
    yesterday = _workout_on(ctx, TODAY - timedelta(days=1))
    due = history.morning_checkin_due(ctx, TODAY)
    assert due is not None and due.id == yesterday
    ctx.clock.current = noon(TODAY) - timedelta(hours=4)  # type: ignore[attr-defined]
    rating = workouts.record_pain(ctx, 2, "next_morning")
    assert rating.workout_id == yesterday
    assert history.morning_checkin_due(ctx, TODAY) is None
    view = history.today_view(ctx, TODAY)
    assert view.morning_checkin_due is None and view.program.slug == "daily-short"
    assert workouts.get_workout(ctx, yesterday).pain_at("next_morning") == 2


def test_series_per_exercise_and_pain(ctx: AppContext) -> None:
    _workout_on(ctx, TODAY - timedelta(days=2), pain=(4, 5))
    _workout_on(ctx, TODAY, pain=(3, 1))
    points = history.exercise_series(ctx, "draw_in")
    assert [(p.day, p.sets, p.total_reps, p.total_hold_s) for p in points] == [
        (TODAY - timedelta(days=2), 1, 5, 50.0),
        (TODAY, 1, 5, 50.0),
    ]
    assert [p.score for p in history.pain_series(ctx)] == [4, 5, 3, 1]
    assert [p.score for p in history.pain_series(ctx, since=TODAY)] == [3, 1]
    assert [w.started_at for w in history.list_workouts(ctx)] == sorted(
        (w.started_at for w in history.list_workouts(ctx)), reverse=True
    )
    assert len(history.list_workouts(ctx, since=TODAY)) == 1
    with pytest.raises(NotFound):
        history.exercise_series(ctx, "nope")


def test_today_view_shows_a_workout_to_resume(ctx: AppContext) -> None:
    open_id = _workout_on(ctx, TODAY, finish=False)
    view = history.today_view(ctx, TODAY)
    assert view.current_workout is not None and view.current_workout.id == open_id
    plan = workouts.workout_plan(ctx, open_id)
    assert view.resume_step_index is not None and plan[view.resume_step_index].exercise_id == "pelvic_tilt"
    assert view.done_today and view.streak_days == 1
    assert [w.id for w in view.workouts_today] == [open_id]
