"""Programs: the two built-in ones, their time estimates, a person's own program, and dose limits."""

from __future__ import annotations

import dataclasses

import pytest

from backcoach.domain.catalogue_loader import UnknownExercise, load_catalogue
from backcoach.domain.exercises import EXERCISE_IDS, Dosage
from backcoach.domain.programs import (
    CORE_NINE_SLUG,
    DAILY_SHORT_SLUG,
    DosageError,
    Program,
    ProgramError,
    build_program,
    builtin_programs,
    change_dosage,
    estimate_minutes,
    slugify,
    validate_dosage,
)

CATALOGUE = load_catalogue()
BRIDGE = CATALOGUE.get("bridge").dosage
PLANK = CATALOGUE.get("forearm_plank").dosage


def builtin(slug: str) -> Program:
    return next(p for p in builtin_programs(CATALOGUE) if p.slug == slug)


def test_the_two_builtin_programs() -> None:
    programs = builtin_programs(CATALOGUE)
    assert [p.slug for p in programs] == [CORE_NINE_SLUG, DAILY_SHORT_SLUG]
    assert all(p.builtin for p in programs)
    core = builtin(CORE_NINE_SLUG)
    assert core.name == "Core nine"
    assert core.exercise_ids == EXERCISE_IDS
    assert all(item.dosage == CATALOGUE.get(item.exercise_id).dosage for item in core.items)
    daily = builtin(DAILY_SHORT_SLUG)
    assert 3 <= len(daily.items) <= 4
    assert set(daily.exercise_ids) <= set(EXERCISE_IDS)
    # A beginner's program: nothing that holds the whole body off the floor.
    assert "forearm_plank" not in daily.exercise_ids and "superman" not in daily.exercise_ids
    assert "beginner" in daily.description
    # how long it takes is said by one function (describe_length), never in the words
    assert "minutes" not in daily.description and "minutes" not in builtin("core-nine").description


@pytest.mark.parametrize(("slug", "low", "high"), [(CORE_NINE_SLUG, 20, 25), (DAILY_SHORT_SLUG, 8, 12)])
def test_builtin_programs_take_about_as_long_as_they_promise(slug: str, low: float, high: float) -> None:
    assert low <= estimate_minutes(builtin(slug), CATALOGUE) <= high


def test_a_bigger_dose_takes_longer() -> None:
    small = build_program("Just bridges", ["bridge"], CATALOGUE)
    big = build_program(
        "More bridges",
        ["bridge"],
        CATALOGUE,
        doses={"bridge": change_dosage(BRIDGE, "bridge", reps=15, sets=3)},
    )
    assert estimate_minutes(big, CATALOGUE) > estimate_minutes(small, CATALOGUE) + 1


def test_a_person_builds_their_own_program() -> None:
    plank = change_dosage(PLANK, "forearm_plank", hold_s=20.0)
    program = build_program(
        "  My Morning   Routine! ",
        ["forearm_plank", "cat_stretch", "bridge"],
        CATALOGUE,
        doses={"forearm_plank": plank},
        times_per_day=2,
        days_per_week=5,
    )
    assert program.name == "My Morning Routine!"
    assert program.slug == "my-morning-routine"
    assert program.exercise_ids == ("forearm_plank", "cat_stretch", "bridge")
    assert program.dosage_for("forearm_plank") == plank
    assert program.dosage_for("bridge") == BRIDGE
    assert program.dosage_for("dead_bug") is None
    assert (program.times_per_day, program.days_per_week, program.builtin) == (2, 5, False)
    assert build_program("x", ["bridge"], CATALOGUE, slug="Evening Set").slug == "evening-set"


# (exercise ids, keyword arguments, error type, words the message must hold)
BAD_PROGRAMS = [
    (["bridge", "bird_dog"], {}, UnknownExercise, ["bird_dog", "forearm_plank"]),
    ([], {}, ProgramError, ["at least one exercise"]),
    (["bridge", "bridge"], {}, ProgramError, ["bridge is listed twice"]),
    (["bridge"], {"days_per_week": 8}, ProgramError, ["days a week", "between 1 and 7", "8"]),
    (["bridge"], {"times_per_day": 0}, ProgramError, ["times a day", "between 1 and 5"]),
    (["bridge"], {"doses": {"dead_bug": CATALOGUE.get("dead_bug").dosage}}, ProgramError, ["dead_bug"]),
    (
        ["bridge"],
        {"doses": {"bridge": dataclasses.replace(BRIDGE, reps=150)}},
        DosageError,
        ["bridge", "reps", "between 1 and 100", "150"],
    ),
    (
        ["bridge"],
        {"doses": {"bridge": dataclasses.replace(BRIDGE, per_side=True)}},
        DosageError,
        ["bridge", "per_side"],
    ),
]


@pytest.mark.parametrize(("ids", "kwargs", "error", "words"), BAD_PROGRAMS)
def test_bad_programs_are_refused_with_a_clear_message(
    ids: list[str], kwargs: dict, error: type[Exception], words: list[str]
) -> None:
    with pytest.raises(error) as info:
        build_program("Mine", ids, CATALOGUE, **kwargs)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("name", ["", "   ", "!!!", "x" * 81])
def test_a_program_needs_a_usable_name(name: str) -> None:
    with pytest.raises(ProgramError, match="name"):
        build_program(name, ["bridge"], CATALOGUE)


# (dose, changes, field named, allowed range in the message)
BAD_DOSES = [
    (BRIDGE, {"sets": 0}, "sets", "between 1 and 10"),
    (BRIDGE, {"sets": 11}, "sets", "between 1 and 10"),
    (BRIDGE, {"reps": 0}, "reps", "between 1 and 100"),
    (BRIDGE, {"reps": 101}, "reps", "between 1 and 100"),
    (BRIDGE, {"reps": 8.5}, "reps", "whole number"),
    (BRIDGE, {"reps": True}, "reps", "whole number"),
    (BRIDGE, {"hold_s": -1.0}, "hold_s", "between 0 and 300"),
    (PLANK, {"hold_s": 301.0}, "hold_s", "between 0 and 300"),
    (BRIDGE, {"rest_s": 601.0}, "rest_s", "between 0 and 600"),
    (BRIDGE, {"times_per_day": 6}, "times_per_day", "between 1 and 5"),
    (PLANK, {"hold_s": 0.0}, "hold_s", "above 0"),
    (BRIDGE, {"reps_range": (10, 5)}, "reps_range", "ordered pair"),
    (BRIDGE, {"sets_range": (1, 20)}, "sets_range", "1-10"),
    (BRIDGE, {"kind": "sets"}, "kind", '"reps" or "hold"'),
    (BRIDGE, {"alternating": True}, "alternating", "per_side"),
]


@pytest.mark.parametrize(("dose", "changes", "field", "allowed"), BAD_DOSES)
def test_a_dose_out_of_limits_names_the_field_and_the_range(
    dose: Dosage, changes: dict, field: str, allowed: str
) -> None:
    bad = dataclasses.replace(dose, **changes)
    with pytest.raises(DosageError) as info:
        validate_dosage(bad, "bridge")
    assert info.value.field == field
    assert str(info.value).startswith(f"bridge: {field}: ")
    assert allowed in str(info.value)
    with pytest.raises(DosageError):
        change_dosage(dose, "bridge", **changes)


def test_change_dosage_returns_a_new_checked_dose() -> None:
    changed = change_dosage(BRIDGE, "bridge", reps=12, rest_s=45)
    assert (changed.reps, changed.rest_s, changed.sets) == (12, 45.0, BRIDGE.sets)
    assert BRIDGE.reps == 8, "the original is untouched"
    # A person may go past the catalogue's progression range, within the hard limits.
    assert change_dosage(BRIDGE, "bridge", reps=30).reps == 30
    with pytest.raises(DosageError, match="not a dose field"):
        change_dosage(BRIDGE, "bridge", repz=3)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Core nine", "core-nine"),
        ("  My Morning Routine! ", "my-morning-routine"),
        ("Rücken & Bauch", "rucken-bauch"),
        ("a" * 100, "a" * 60),
        ("???", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
