"""Two weeks of logged workouts and pain through the real services and database -> the doses and reasons.

The clock is the app's injectable clock, set to each workout and each next morning in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from step_clock import StepClock

from backcoach.config import Settings
from backcoach.domain.programs import Program
from backcoach.services import outcomes, programs, progression, safety, workouts
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput

PROGRAM = "daily-short"  # pelvic_tilt, bridge, cat_stretch, draw_in


# Start after the real "now": dose-history rows are stamped by the store with the real time.
DAY0 = datetime.combine(datetime.now().date() + timedelta(days=2), time(18, 0)).astimezone(UTC)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, StepClock]]:
    clock = StepClock(DAY0)
    with open_app(Settings(data_dir=tmp_path, database_url=database_url), clock=clock) as ctx:
        safety.submit_screen(ctx, {a: False for a in safety.screen_questions().answer_ids})
        yield ctx, clock


def _do_full_dose(ctx: AppContext, workout_id: int, program: Program) -> None:
    for item in program.items:
        d = item.dosage
        sides = ["left", "right"] if d.per_side and not d.alternating else [None]
        for set_number in range(1, d.sets + 1):
            for side in sides:
                workouts.record_set(
                    ctx, workout_id, exercise_id=item.exercise_id, set_number=set_number, side=side,
                    reps=d.reps, hold_s=d.hold_s, source="timer",
                )  # fmt: skip


def play_day(
    ctx: AppContext, clock: StepClock, day: int, *, before: int, after: int, morning: int
) -> list[progression.ProposalRecord]:
    """One day: a workout at 18:00 with the full dose and the given pain, the check-in next morning at 08:00,
    then every suggestion accepted. Returns the suggestions made that day."""
    clock.current = DAY0 + timedelta(days=day)
    if safety.safety_status(ctx).needs_screen:
        safety.submit_screen(ctx, {a: False for a in safety.screen_questions().answer_ids})
    safety.ensure_can_exercise(ctx)
    program = programs.get_program(ctx, PROGRAM)
    workout = workouts.start_workout(ctx, PROGRAM)
    workouts.record_pain(ctx, before, "before", workout_id=workout.id)
    _do_full_dose(ctx, workout.id, program)
    clock.current += timedelta(minutes=12)
    workouts.record_pain(ctx, after, "after", workout_id=workout.id)
    workouts.finish_workout(ctx, workout.id)
    clock.current = DAY0 + timedelta(days=day + 1, hours=-10)  # 08:00 the next morning
    safety.check_in(ctx, morning, "next_morning")
    # Finishing the workout (pain above 5 regresses at once) and the morning check-in both suggest.
    made = progression.pending_proposals(ctx, PROGRAM)
    for proposal in made:
        progression.accept_proposal(ctx, proposal.id)
    return made


def _dose(ctx: AppContext, exercise_id: str) -> tuple[int, int, float]:
    d = programs.get_program(ctx, PROGRAM).dosage_for(exercise_id)
    assert d is not None
    return d.sets, d.reps, d.hold_s


def test_two_good_weeks_progress_one_step_every_two_days(app: tuple[AppContext, StepClock]) -> None:
    ctx, clock = app
    bridge: list[tuple[int, int, float]] = []
    draw_in: list[tuple[int, int, float]] = []
    for day in range(14):
        play_day(ctx, clock, day, before=3, after=4, morning=3)
        bridge.append(_dose(ctx, "bridge"))
        draw_in.append(_dose(ctx, "draw_in"))
    # bridge: 1 x 8 reps; reps +2 up to the top (15), then sets up to 3; no hold to lengthen
    assert bridge == [
        (1, 8, 0.0), (1, 10, 0.0), (1, 10, 0.0), (1, 12, 0.0), (1, 12, 0.0), (1, 14, 0.0), (1, 14, 0.0),
        (1, 15, 0.0), (1, 15, 0.0), (2, 15, 0.0), (2, 15, 0.0), (3, 15, 0.0), (3, 15, 0.0), (3, 15, 0.0),
    ]  # fmt: skip
    # draw-in: 1 x 5 holds of 10 s; holds up to 10, then sets up to 3, then 2 s longer holds
    assert draw_in == [
        (1, 5, 10.0), (1, 7, 10.0), (1, 7, 10.0), (1, 9, 10.0), (1, 9, 10.0), (1, 10, 10.0), (1, 10, 10.0),
        (2, 10, 10.0), (2, 10, 10.0), (3, 10, 10.0), (3, 10, 10.0), (3, 10, 12.0), (3, 10, 12.0),
        (3, 10, 14.0),
    ]  # fmt: skip
    history = programs.dose_history(ctx, PROGRAM, "bridge")
    assert [(c.previous_reps, c.reps) for c in history][:2] == [(8, 10), (10, 12)]
    assert history[0].reason == (
        "Because you finished the full dose 2 times in a row with pain at 5/10 or below that settled by "
        "the next morning, we suggest a small step up: 2 more reps (8 to 10)."
    )
    # at the top of every range the harder variant is suggested (accepted, dose unchanged)
    variants = [
        p
        for p in progression.list_proposals(ctx, PROGRAM)
        if p.variable == "variant" and p.exercise_id == "bridge"
    ]
    assert [p.status for p in variants] == ["accepted"]
    assert variants[0].explanation.endswith("you could try the harder version: Bridge with a longer hold.")


def test_a_flare_up_regresses_and_a_second_suggests_a_clinician(app: tuple[AppContext, StepClock]) -> None:
    ctx, clock = app
    for day in range(4):
        play_day(ctx, clock, day, before=2, after=3, morning=2)
    assert _dose(ctx, "bridge") == (1, 12, 0.0)
    # day 5: pain 7 after the workout (above 5) -> every exercise of that workout steps down
    made = play_day(ctx, clock, 4, before=2, after=7, morning=3)
    assert {p.action for p in made} == {"regress"}
    bridge = next(p for p in made if p.exercise_id == "bridge")
    assert bridge.explanation == (
        "Because your pain reached 7/10, above the limit of 5, we suggest an easier dose next time: "
        "2 fewer reps (12 to 10)."
    )
    assert bridge.clinician_advice is None
    assert _dose(ctx, "bridge") == (1, 10, 0.0)
    # that sharp rise (2 -> 7) asked for the screen again; play_day answered it before day 6
    play_day(ctx, clock, 5, before=2, after=3, morning=2)
    # day 7: pain not settled by the next morning (4 > 2 before) -> a second flare-up within 14 days
    made = play_day(ctx, clock, 6, before=2, after=4, morning=4)
    bridge = next(p for p in made if p.exercise_id == "bridge")
    assert bridge.action == "regress"
    assert "4/10 the next morning, higher than the 2/10 before the workout" in bridge.explanation
    assert bridge.clinician_advice is not None
    review = progression.review_progress(ctx, PROGRAM)
    assert review.clinician_advice is not None


def test_declined_suggestion_keeps_the_dose_and_is_stored(app: tuple[AppContext, StepClock]) -> None:
    ctx, clock = app
    clock.current = DAY0
    for day in range(2):
        clock.current = DAY0 + timedelta(days=day)
        program = programs.get_program(ctx, PROGRAM)
        workout = workouts.start_workout(ctx, PROGRAM)
        workouts.record_pain(ctx, 2, "before", workout_id=workout.id)
        _do_full_dose(ctx, workout.id, program)
        workouts.finish_workout(ctx, workout.id)
        clock.current = DAY0 + timedelta(days=day + 1, hours=-10)
        made = safety.check_in(ctx, 2, "next_morning").proposals
    assert made
    declined = progression.decline_proposal(ctx, made[0].id)
    assert declined.status == "declined" and declined.responded_at == clock.current
    assert _dose(ctx, made[0].exercise_id)[1] == made[0].reps_before
    with pytest.raises(InvalidInput, match="already declined"):
        progression.accept_proposal(ctx, made[0].id)
    # reviewing again does not repeat the same suggestion
    assert progression.review_progress(ctx, PROGRAM).new_proposals == ()


def test_outcome_series_mark_meaningful_change(app: tuple[AppContext, StepClock]) -> None:
    ctx, clock = app
    outcomes.submit_pain(ctx, 6)
    outcomes.submit_rmdq(ctx, 12)
    clock.current += timedelta(days=14)
    assert outcomes.questionnaire_schedule(ctx, clock.current.date()).due
    outcomes.submit_pain(ctx, 4)
    outcomes.submit_rmdq(ctx, 9)
    series = outcomes.outcome_series(ctx)
    assert [p.change.meaningful for p in series["pain"].points] == [False, True]
    assert [p.change.meaningful for p in series["rmdq"].points] == [False, False]  # 3 points, 25%
    schedule = outcomes.questionnaire_schedule(ctx, clock.current.date())
    assert not schedule.due and schedule.next_due == clock.current.date() + timedelta(days=14)
    outcomes.set_questionnaire_interval(ctx, 28)
    assert outcomes.questionnaire_schedule(ctx, clock.current.date()).interval_days == 28


def test_two_workouts_a_day_share_the_next_morning_rating(app: tuple[AppContext, StepClock]) -> None:
    ctx, clock = app
    for hours_before in (10, 0):  # 08:00 and 18:00 the same day
        clock.current = DAY0 - timedelta(hours=hours_before)
        program = programs.get_program(ctx, PROGRAM)
        workout = workouts.start_workout(ctx, PROGRAM, new=True)
        workouts.record_pain(ctx, 2, "before", workout_id=workout.id)
        _do_full_dose(ctx, workout.id, program)
        workouts.finish_workout(ctx, workout.id)
    clock.current = DAY0 + timedelta(hours=14)  # 08:00 the next morning
    made = safety.check_in(ctx, 2, "next_morning").proposals
    assert {p.exercise_id for p in made} == {"pelvic_tilt", "bridge", "cat_stretch", "draw_in"}
    assert all(p.action == "progress" for p in made)
