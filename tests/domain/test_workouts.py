"""The workout step plan: intros, sets per side, side changes, rests in the right places, done."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from backcoach.domain.catalogue_loader import load_catalogue
from backcoach.domain.programs import build_program, builtin_programs, change_dosage
from backcoach.domain.workouts import STEP_KINDS, Step, plan_workout, step_duration_s, workout_totals

CATALOGUE = load_catalogue()
CORE_NINE, DAILY_SHORT = builtin_programs(CATALOGUE)


def kinds(steps: tuple[Step, ...]) -> list[str]:
    return [s.kind if s.side is None else f"{s.kind}:{s.side}" for s in steps]


def test_a_one_side_at_a_time_exercise_goes_left_then_right_with_rests_between_sets() -> None:
    program = build_program("Twist", ["lower_back_rotation"], CATALOGUE)
    steps = plan_workout(program, CATALOGUE)
    assert kinds(steps) == [
        "intro",
        "hold:left",
        "side_change:right",
        "hold:right",
        "rest",
        "hold:left",
        "side_change:right",
        "hold:right",
        "done",
    ]
    holds = [s for s in steps if s.kind == "hold"]
    assert [(s.set_number, s.sets) for s in holds] == [(1, 2), (1, 2), (2, 2), (2, 2)]
    assert all(s.hold_s == 10 and s.target_reps == 1 for s in holds)
    assert "right" in steps[2].text
    assert "10 seconds" in holds[0].text and "left" in holds[0].text


def test_an_alternating_exercise_takes_turns_inside_one_set() -> None:
    program = build_program("Bugs", ["dead_bug"], CATALOGUE)
    steps = plan_workout(program, CATALOGUE)
    assert kinds(steps) == ["intro", "reps", "rest", "reps", "done"]
    work = [s for s in steps if s.is_work]
    assert all(s.alternating and s.sides == ("left", "right") and s.side is None for s in work)
    assert [s.target_reps for s in work] == [5, 5]
    assert [s.total_reps for s in work] == [10, 10]
    assert "each side" in work[0].text


def test_a_hold_set_has_its_holds_and_relax_pauses() -> None:
    steps = plan_workout(build_program("In", ["draw_in"], CATALOGUE), CATALOGUE)
    hold = next(s for s in steps if s.kind == "hold")
    assert (hold.target_reps, hold.hold_s, hold.relax_s) == (5, 10.0, 5.0)
    assert step_duration_s(hold) == 5 * 10 + 4 * 5
    assert "5 times" in hold.text


def test_reps_with_a_hold_take_longer_than_plain_reps() -> None:
    cat = next(
        s for s in plan_workout(build_program("c", ["cat_stretch"], CATALOGUE), CATALOGUE) if s.is_work
    )
    plain = dataclasses.replace(cat, hold_s=0.0)
    assert step_duration_s(cat) == pytest.approx(step_duration_s(plain) + 10 * 5)
    assert "holding each for 5 seconds" in cat.text


@pytest.mark.parametrize("program", [CORE_NINE, DAILY_SHORT], ids=lambda p: p.slug)
def test_plan_shape_for_the_builtin_programs(program) -> None:  # type: ignore[no-untyped-def]
    steps = plan_workout(program, CATALOGUE)
    assert steps[0].kind == "intro" and steps[0].exercise_id == program.items[0].exercise_id
    assert steps[-1].kind == "done" and steps[-1].exercise_id is None
    assert [s for s in steps if s.kind == "done"] == [steps[-1]]
    assert steps[-2].is_work, "no rest after the last set of the last exercise"
    assert [s.exercise_id for s in steps if s.kind == "intro"] == list(program.exercise_ids)
    for before, after in itertools.pairwise(steps):
        assert not (before.kind == "rest" and after.kind == "rest")
        if before.kind == "side_change":
            assert after.is_work and (after.exercise_id, after.side) == (before.exercise_id, before.side)
        if after.kind == "intro" and before is not steps[0]:
            assert before.kind == "rest", "a rest between exercises"
    for item in program.items:
        exercise = CATALOGUE.get(item.exercise_id)
        work = [s for s in steps if s.is_work and s.exercise_id == item.exercise_id]
        per_set = 2 if (item.dosage.per_side and not item.dosage.alternating) else 1
        assert len(work) == item.dosage.sets * per_set
        assert {s.kind for s in work} == {item.dosage.kind}
        assert all(s.target_reps == item.dosage.reps for s in work)
        if exercise.has_sides and not item.dosage.alternating:
            assert [s.side for s in work] == ["left", "right"] * item.dosage.sets
    assert all(s.kind in STEP_KINDS and s.text for s in steps)


def test_totals_add_up() -> None:
    totals = workout_totals(plan_workout(CORE_NINE, CATALOGUE))
    assert totals.exercises == 9
    # march 2 x 10 each side = 40 lifts; dead bug 2 x 5 each side = 20 reaches
    expected_reps = 2 * 2 + 8 + 40 + 20 + 10 + 10 + 5 + 20 + 3
    assert totals.reps == expected_reps
    assert 20 <= totals.minutes <= 25


def test_rest_follows_the_dose() -> None:
    dose = change_dosage(CATALOGUE.get("bridge").dosage, "bridge", sets=3, rest_s=50)
    program = build_program("b", ["bridge", "cat_stretch"], CATALOGUE, doses={"bridge": dose})
    steps = plan_workout(program, CATALOGUE)
    rests = [s for s in steps if s.kind == "rest"]
    assert [(s.exercise_id, s.set_number, s.rest_s) for s in rests] == [
        ("bridge", 1, 50.0),
        ("bridge", 2, 50.0),
        ("bridge", 3, 50.0),
    ]
    assert "Cat stretch" in rests[-1].text
    assert step_duration_s(rests[0]) == 50.0


def test_steps_are_frozen() -> None:
    step = plan_workout(CORE_NINE, CATALOGUE)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.text = "changed"  # type: ignore[misc]
