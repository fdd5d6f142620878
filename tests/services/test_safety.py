"""The red-flag path through the services: a yes stops workouts until a clinician clears the person;
a sharp rise in pain asks for the screen again. Real databases (SQLite, PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.services import safety, workouts
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, SafetyStop


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[AppContext]:
    with open_app(Settings(data_dir=tmp_path, database_url=database_url)) as app:
        yield app


def _no() -> dict[str, bool]:
    return {q.id: False for q in safety.screen_questions().questions}


def test_first_run_needs_a_screen_and_all_no_lets_the_person_exercise(ctx: AppContext) -> None:
    status = safety.safety_status(ctx)
    assert status.needs_screen and not status.screened
    record = safety.submit_screen(ctx, _no())
    assert record.reason == "first_run"
    assert not record.stop
    status = safety.safety_status(ctx)
    assert status.can_exercise and not status.needs_screen
    safety.ensure_can_exercise(ctx)


def test_urgent_red_flag_blocks_workouts_until_cleared(ctx: AppContext) -> None:
    record = safety.submit_screen(ctx, {**_no(), "bladder": True})
    assert record.urgent and record.open_stop
    with pytest.raises(SafetyStop) as stop:
        safety.ensure_can_exercise(ctx)
    message = str(stop.value)
    assert "today" in message and "emergency" in message
    assert "backcoach screen --cleared" in message
    # a later all-no screen does not lift the stop: only the clinician's clearance does
    safety.submit_screen(ctx, _no())
    with pytest.raises(SafetyStop):
        safety.ensure_can_exercise(ctx)
    assert safety.confirm_cleared(ctx, "Seen by my GP on Monday") == 1
    safety.ensure_can_exercise(ctx)
    screens = safety.safety_status(ctx).last_screen
    assert screens is not None
    cleared = [s for s in _all_screens(ctx) if s.stop]
    assert cleared[0].cleared_at is not None
    assert cleared[0].cleared_note == "Seen by my GP on Monday"


def test_a_check_in_while_a_red_flag_is_open_never_says_carry_on(ctx: AppContext) -> None:
    calm = safety.check_in(ctx, 2, "next_morning")
    assert calm.stop_advice is None
    safety.submit_screen(ctx, {**_no(), "bladder": True})
    paused = safety.check_in(ctx, 2, "next_morning")
    assert paused.zone.id == "safe"
    assert paused.stop_advice is not None and "emergency" in paused.stop_advice
    safety.confirm_cleared(ctx, "Seen by my GP")
    assert safety.check_in(ctx, 2, "next_morning").stop_advice is None


def _all_screens(ctx: AppContext) -> list[safety.ScreenRecord]:
    with safety.safety_repository(ctx) as srepo:
        return srepo.screens()


def test_nothing_to_clear_is_one_clear_error(ctx: AppContext) -> None:
    with pytest.raises(InvalidInput, match="no open safety stop"):
        safety.confirm_cleared(ctx)


def test_incomplete_screen_is_refused(ctx: AppContext) -> None:
    answers = _no()
    del answers["fever"]
    with pytest.raises(InvalidInput, match="fever"):
        safety.submit_screen(ctx, answers)


def test_sharp_pain_rise_asks_again_and_waits(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    first = safety.check_in(ctx, 3, "before")
    assert first.rescreen_reason is None
    assert first.zone.id == "safe"
    rise = safety.check_in(ctx, 6, "after")
    assert rise.rescreen_reason is not None and "3 to 6" in rise.rescreen_reason
    with pytest.raises(SafetyStop, match="safety questions again"):
        safety.ensure_can_exercise(ctx)
    again = safety.submit_screen(ctx, _no())
    assert again.reason == "pain_rise"
    safety.ensure_can_exercise(ctx)


def test_pain_down_a_leg_asks_again(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    result = safety.check_in(ctx, 2, "next_morning", leg_spread=True)
    assert result.rescreen_reason is not None and "leg" in result.rescreen_reason
    assert safety.submit_screen(ctx, _no()).reason == "leg_spread"


def test_pain_recorded_by_the_player_also_counts(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx)
    workouts.record_pain(ctx, 9, "after", workout_id=workout.id)
    assert safety.safety_status(ctx).rescreen is not None


def test_pain_above_five_during_an_exercise_says_stop(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx)
    calm = safety.check_in(ctx, 5, "during", workout_id=workout.id, exercise_id="bridge")
    assert not calm.stop_exercise
    sore = safety.check_in(ctx, 6, "during", workout_id=workout.id, exercise_id="bridge")
    assert sore.stop_exercise
    assert sore.zone.label == "Too much"


def test_no_workout_starts_before_the_first_screen(ctx: AppContext) -> None:
    assert safety.screen_required(ctx)
    with pytest.raises(SafetyStop) as stop:
        workouts.start_workout(ctx)
    assert "safety questions" in str(stop.value) and "backcoach screen" in str(stop.value)
    assert workouts.current_workout(ctx) is None
    safety.submit_screen(ctx, _no())
    assert not safety.screen_required(ctx)
    assert workouts.start_workout(ctx).status == "in_progress"


def test_a_waiting_rescreen_is_a_screen_required(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    safety.check_in(ctx, 2, "next_morning", leg_spread=True)
    assert safety.screen_required(ctx)
    with pytest.raises(SafetyStop, match="safety questions again"):
        workouts.start_workout(ctx)


def test_sore_exercise_is_marked_and_the_after_check_in_suggests_an_easier_dose(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx, "daily-short")
    safety.check_in(ctx, 4, "before", workout_id=workout.id)
    sore = safety.check_in(ctx, 6, "during", workout_id=workout.id, exercise_id="bridge")
    assert sore.stop_exercise and sore.rescreen_reason is None
    workouts.finish_workout(ctx, workout.id)
    after = safety.check_in(ctx, 4, "after", workout_id=workout.id)
    bridge = [p for p in after.proposals if p.exercise_id == "bridge"]
    assert [p.action for p in bridge] == ["regress"]
    assert "6/10" in bridge[0].explanation
    assert all(p.exercise_id == "bridge" for p in after.proposals if p.action == "regress")
