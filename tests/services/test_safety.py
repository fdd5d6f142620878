"""The red-flag path through the services: an urgent or stop answer pauses workouts until a clearance
names the clinician and the visit; advisory answers never block; a sharp rise in pain asks for the
screen again, once. Real databases (SQLite, PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from backcoach.config import Settings
from backcoach.services import progression, safety, workouts
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, SafetyStop


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[AppContext]:
    with open_app(Settings(data_dir=tmp_path, database_url=database_url)) as app:
        yield app


def _no() -> dict[str, bool]:
    return {a: False for a in safety.screen_questions().answer_ids}


def _today(ctx: AppContext) -> date:
    return ctx.clock.now().astimezone().date()


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
    assert safety.confirm_cleared(ctx, "Dr Ada Lee", _today(ctx), "Examined, fine to exercise") == 1
    safety.ensure_can_exercise(ctx)
    cleared = [s for s in safety.list_screens(ctx) if s.stop]
    assert cleared[0].clearance is not None
    assert cleared[0].clearance.clinician == "Dr Ada Lee"
    assert cleared[0].clearance.visit_date == _today(ctx)
    assert cleared[0].clearance.note == "Examined, fine to exercise"


def test_an_urgent_stop_is_never_lifted_without_a_name_and_a_visit_since(ctx: AppContext) -> None:
    safety.submit_screen(ctx, {**_no(), "saddle_numbness": True})
    with pytest.raises(InvalidInput, match="name"):
        safety.confirm_cleared(ctx, "", _today(ctx))
    with pytest.raises(InvalidInput, match="again"):
        safety.confirm_cleared(ctx, "Dr Lee", _today(ctx) - timedelta(days=3))
    with pytest.raises(InvalidInput, match="future"):
        safety.confirm_cleared(ctx, "Dr Lee", _today(ctx) + timedelta(days=1))
    with pytest.raises(SafetyStop):
        safety.ensure_can_exercise(ctx)


def test_an_empty_note_stays_empty(ctx: AppContext) -> None:
    safety.submit_screen(ctx, {**_no(), "weight_loss": True})
    safety.confirm_cleared(ctx, "Dr Lee", _today(ctx), "   ")
    clearance = safety.list_screens(ctx)[-1].clearance
    assert clearance is not None and clearance.note is None


def test_a_stop_for_a_possible_fracture_waits_for_a_clinician(ctx: AppContext) -> None:
    record = safety.submit_screen(ctx, {**_no(), "major_trauma": True})
    assert record.tier == "stop" and record.open_stop and not record.urgent
    with pytest.raises(SafetyStop, match="checked"):
        workouts.start_workout(ctx)
    # A stop that is not urgent may be cleared by a recent visit about this back pain.
    safety.confirm_cleared(ctx, "Physio Sam Ray", _today(ctx) - timedelta(days=10))
    assert workouts.start_workout(ctx).status == "in_progress"


def test_long_standing_back_pain_already_assessed_is_advice_not_a_stop(ctx: AppContext) -> None:
    """The people this program is for: pain for months, seen by a clinician. They are never paused."""
    answers = {**_no(), "no_improvement": True, "night_pain": True, "clinician_assessed": True}
    record = safety.submit_screen(ctx, answers)
    assert record.tier == "advisory" and not record.stop
    status = safety.safety_status(ctx)
    assert status.ready_to_exercise and status.open_stop is None
    assert status.advisory is not None
    assert status.advisory.flagged_labels() == (
        "Pain at night that does not ease in any position",
        "No improvement after 4 to 6 weeks of care",
    )
    assert workouts.start_workout(ctx).status == "in_progress"


def test_advisory_answers_without_an_assessment_advise_booking_one(ctx: AppContext) -> None:
    record = safety.submit_screen(ctx, {**_no(), "age_onset": True})
    assert record.tier == "advisory" and "book an assessment" in record.advice
    safety.ensure_can_exercise(ctx)


def test_a_check_in_while_a_red_flag_is_open_never_says_carry_on(ctx: AppContext) -> None:
    calm = safety.check_in(ctx, 2, "next_morning")
    assert calm.stop_advice is None
    safety.submit_screen(ctx, {**_no(), "bladder": True})
    paused = safety.check_in(ctx, 2, "next_morning")
    assert paused.zone.id == "safe"
    assert paused.stop_advice is not None and "emergency" in paused.stop_advice
    safety.confirm_cleared(ctx, "Dr Lee", _today(ctx))
    assert safety.check_in(ctx, 2, "next_morning").stop_advice is None


def test_nothing_to_clear_is_one_clear_error(ctx: AppContext) -> None:
    with pytest.raises(InvalidInput, match="no open safety stop"):
        safety.confirm_cleared(ctx, "Dr Lee", _today(ctx))


def test_incomplete_screen_is_refused(ctx: AppContext) -> None:
    answers = _no()
    del answers["fever"]
    with pytest.raises(InvalidInput, match="fever"):
        safety.submit_screen(ctx, answers)


def test_a_rise_of_two_over_this_workouts_before_asks_again_and_waits(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx)
    first = safety.check_in(ctx, 3, "before", workout_id=workout.id)
    assert first.rescreen_reason is None
    assert first.zone.id == "safe"
    small = safety.check_in(ctx, 4, "during", workout_id=workout.id, exercise_id="bridge")
    assert small.rescreen_reason is None
    rise = safety.check_in(ctx, 5, "during", workout_id=workout.id, exercise_id="bridge")
    assert rise.rescreen_reason is not None and "from 3 before you started to 5" in rise.rescreen_reason
    with pytest.raises(SafetyStop, match="safety questions again"):
        safety.ensure_can_exercise(ctx)
    again = safety.submit_screen(ctx, _no())
    assert again.reason == "pain_rise"
    safety.ensure_can_exercise(ctx)


def test_the_baseline_is_this_workouts_before_not_the_first_rating_ever(ctx: AppContext) -> None:
    """Someone whose first rating ever was 1 and who starts today at 5: a 6 is not a sharp rise."""
    safety.submit_screen(ctx, _no())
    safety.check_in(ctx, 1, "next_morning")
    workout = workouts.start_workout(ctx)
    safety.check_in(ctx, 5, "before", workout_id=workout.id)
    assert safety.check_in(ctx, 6, "after", workout_id=workout.id).rescreen_reason is None
    assert safety.safety_status(ctx).rescreen is None


def test_an_answered_rescreen_is_not_asked_again_for_the_same_pain(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx)
    safety.check_in(ctx, 2, "before", workout_id=workout.id)
    assert safety.check_in(ctx, 8, "during", workout_id=workout.id).rescreen_reason is not None
    safety.submit_screen(ctx, _no())
    # The after-workout rating at the same pain does not bring the questions (and the banner) back.
    repeat = safety.check_in(ctx, 8, "after", workout_id=workout.id)
    assert repeat.rescreen_reason is None
    assert not safety.safety_status(ctx).needs_screen
    # Worse pain is a change: asked again.
    assert safety.check_in(ctx, 9, "after", workout_id=workout.id).rescreen_reason is not None


def test_reading_the_status_never_writes(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    safety.check_in(ctx, 9, "next_morning")  # asks again...
    safety.submit_screen(ctx, _no())  # ...and is answered
    with ctx.repository() as repo:
        before = repo.session.execute(text("SELECT count(*) FROM rescreen_requests")).scalar_one()
    for _ in range(3):
        safety.safety_status(ctx)
    with ctx.repository() as repo:
        after = repo.session.execute(text("SELECT count(*) FROM rescreen_requests")).scalar_one()
    assert before == after == 1


def test_pain_down_a_leg_asks_again(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    result = safety.check_in(ctx, 2, "next_morning", leg_spread=True)
    assert result.rescreen_reason is not None and "leg" in result.rescreen_reason
    assert safety.submit_screen(ctx, _no()).reason == "leg_spread"


def test_pain_recorded_by_the_player_also_counts(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx)
    workouts.record_pain(ctx, 9, "after", workout_id=workout.id)
    status = safety.safety_status(ctx)
    assert status.rescreen is not None and status.rescreen.workout_id == workout.id


def test_pain_above_five_during_an_exercise_says_stop(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx)
    calm = safety.check_in(ctx, 5, "during", workout_id=workout.id, exercise_id="bridge")
    assert not calm.stop_exercise
    sore = safety.check_in(ctx, 6, "during", workout_id=workout.id, exercise_id="bridge")
    assert sore.stop_exercise
    assert sore.zone.label == "Too much"


def test_no_workout_starts_before_the_first_screen(ctx: AppContext) -> None:
    assert safety.safety_status(ctx).needs_screen
    with pytest.raises(SafetyStop) as stop:
        workouts.start_workout(ctx)
    assert "safety questions" in str(stop.value) and "backcoach screen" in str(stop.value)
    assert workouts.current_workout(ctx) is None
    safety.submit_screen(ctx, _no())
    assert not safety.safety_status(ctx).needs_screen
    assert workouts.start_workout(ctx).status == "in_progress"


def test_a_waiting_rescreen_means_the_screen_is_needed(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    safety.check_in(ctx, 2, "next_morning", leg_spread=True)
    assert safety.safety_status(ctx).needs_screen
    with pytest.raises(SafetyStop, match="safety questions again"):
        workouts.start_workout(ctx)


def test_sore_exercise_is_marked_and_finishing_suggests_an_easier_dose(ctx: AppContext) -> None:
    safety.submit_screen(ctx, _no())
    workout = workouts.start_workout(ctx, "daily-short")
    safety.check_in(ctx, 5, "before", workout_id=workout.id)
    sore = safety.check_in(ctx, 6, "during", workout_id=workout.id, exercise_id="bridge")
    assert sore.stop_exercise and sore.rescreen_reason is None
    workouts.finish_workout(ctx, workout.id)
    safety.check_in(ctx, 4, "after", workout_id=workout.id)
    pending = progression.pending_proposals(ctx)
    bridge = [p for p in pending if p.exercise_id == "bridge"]
    assert [p.action for p in bridge] == ["regress"]
    assert "6/10" in bridge[0].explanation
    assert all(p.exercise_id == "bridge" for p in pending if p.action == "regress")
