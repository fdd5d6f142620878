"""The plain records: totals and pain lookups a person reads off a workout."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from backcoach.domain.records import PainRecord, SetRecord, WorkoutRecord

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _set(n: int, exercise: str, reps: int, hold_s: float = 0.0, source: str = "timer") -> SetRecord:
    return SetRecord(
        id=n,
        workout_id=1,
        exercise_id=exercise,
        set_number=1,
        side=None,
        reps=reps,
        hold_s=hold_s,
        source=source,
        recorded_at=T0 + timedelta(minutes=n),
    )


def test_workout_totals_add_reps_and_time_held() -> None:
    workout = WorkoutRecord(
        id=1,
        program_slug="daily-short",
        program_name="Daily short",
        status="finished",
        started_at=T0,
        sets=(_set(1, "bridge", 8), _set(2, "draw_in", 5, 10.0), _set(3, "bridge", 6)),
    )
    assert workout.total_reps == 19
    assert workout.total_hold_s == 50.0
    assert workout.exercise_ids == ("bridge", "draw_in")
    assert workout.sets[1].total_hold_s == 50.0


def test_holds_counted_by_hand_are_not_reported_as_time_held() -> None:
    """Five holds ticked off by hand were not timed: 5 x the planned 10 s is not 50 s held."""
    by_hand = _set(1, "draw_in", 5, 10.0, source="manual")
    by_camera = _set(2, "forearm_plank", 2, 12.5, source="camera")
    assert by_hand.total_hold_s == 0.0
    assert by_camera.total_hold_s == 25.0


def test_pain_at_gives_the_latest_rating_of_that_moment() -> None:
    pain = (
        PainRecord(id=1, score=3, moment="before", taken_at=T0),
        PainRecord(id=2, score=5, moment="after", taken_at=T0 + timedelta(minutes=20)),
        PainRecord(id=3, score=4, moment="after", taken_at=T0 + timedelta(minutes=25)),
    )
    workout = WorkoutRecord(1, "x", "X", "finished", T0, pain=pain)
    assert workout.pain_at("before") == 3
    assert workout.pain_at("after") == 4
    assert workout.pain_at("next_morning") is None


def test_records_are_frozen() -> None:
    record = _set(1, "bridge", 8)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.reps = 9  # type: ignore[misc]
