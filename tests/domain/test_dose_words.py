"""One wording of a dose and of a program's length, everywhere a person reads them."""

from __future__ import annotations

import dataclasses

import pytest

from backcoach.domain.catalogue_loader import load_catalogue
from backcoach.domain.exercises import describe_dose
from backcoach.domain.programs import builtin_programs, describe_length, estimate_minutes

CATALOGUE = load_catalogue()


def _dose(exercise_id: str, **changes: object):  # type: ignore[no-untyped-def]
    return dataclasses.replace(CATALOGUE.get(exercise_id).dosage, **changes)


@pytest.mark.parametrize(
    ("exercise_id", "changes", "words"),
    [
        ("bridge", {"sets": 1, "reps": 8, "rest_s": 30}, "8 reps"),
        ("bridge", {"sets": 2, "reps": 10, "rest_s": 30}, "10 reps, 2 sets, 30 s rest between sets"),
        ("bridge", {"sets": 1, "reps": 1}, "1 rep"),
        ("dead_bug", {"sets": 2, "reps": 5, "rest_s": 0}, "5 reps on each side, 2 sets"),
        ("superman", {"sets": 1, "reps": 8, "hold_s": 3}, "8 reps, holding each 3 s"),
        (
            "forearm_plank",
            {"sets": 3, "reps": 1, "hold_s": 15, "rest_s": 30},
            "3 holds of 15 s, 30 s rest between holds",
        ),
        (
            "draw_in",
            {"sets": 2, "reps": 5, "hold_s": 10, "rest_s": 20},
            "5 holds of 10 s, 2 sets, 20 s rest between sets",
        ),
        (
            "lower_back_rotation",
            {"sets": 2, "reps": 1, "hold_s": 20, "rest_s": 0},
            "2 holds of 20 s on each side",
        ),
    ],
)
def test_a_dose_in_words(exercise_id: str, changes: dict[str, object], words: str) -> None:
    assert describe_dose(_dose(exercise_id, **changes)) == words


def test_one_set_never_mentions_rest_between_sets() -> None:
    for exercise in CATALOGUE.exercises:
        one = dataclasses.replace(exercise.dosage, sets=1, rest_s=45)
        assert "rest" not in describe_dose(one), exercise.id


def test_alternating_exercises_say_each_side() -> None:
    for exercise in CATALOGUE.exercises:
        if exercise.dosage.alternating:
            assert "on each side" in describe_dose(exercise.dosage), exercise.id


def test_a_program_length_is_its_estimate_rounded() -> None:
    for program in builtin_programs(CATALOGUE):
        minutes = round(estimate_minutes(program, CATALOGUE))
        assert describe_length(program, CATALOGUE) == f"about {minutes} minutes"
