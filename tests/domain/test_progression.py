"""The progression engine, table-tested: two weeks of logged workouts and pain -> doses and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from backcoach.domain.exercises import Dosage
from backcoach.domain.progression import (
    ExerciseOutcome,
    SetDone,
    completed_at_target,
    decide_progression,
)

START = datetime(2026, 3, 2, 18, 0)

BRIDGE = Dosage(
    kind="reps", sets=2, reps=10, hold_s=2.0, rest_s=30.0, per_side=False, times_per_day=1,
    sets_range=(1, 3), reps_range=(8, 14), hold_range_s=(2.0, 5.0), source="test",
)  # fmt: skip
PLANK = Dosage(
    kind="hold", sets=1, reps=3, hold_s=10.0, rest_s=30.0, per_side=False, times_per_day=1,
    sets_range=(1, 1), reps_range=(3, 3), hold_range_s=(10.0, 12.0), source="test",
)  # fmt: skip


@dataclass(frozen=True)
class Day:
    """One logged day: did the full dose, pain before, highest pain during/after, next morning."""

    done: bool
    before: int
    peak: int
    morning: int


def run_days(
    dosage: Dosage, days: list[Day], *, harder: str | None = "Harder version"
) -> list[tuple[str, str, Dosage]]:
    """Play the days through the engine, accepting every suggestion the next morning."""
    outcomes: list[ExerciseOutcome] = []
    changed_at: datetime | None = None
    log: list[tuple[str, str, Dosage]] = []
    for n, day in enumerate(days):
        started = START + timedelta(days=n)
        outcome = ExerciseOutcome(n + 1, started, day.done, day.before, day.peak, None)
        after_workout = decide_progression(
            "bridge", dosage, [*outcomes, outcome], now=started, dose_changed_at=changed_at,
            harder_variant=harder, easier_variant="Easier version",
        )  # fmt: skip
        if day.peak <= 5:
            assert after_workout.action == "hold"
            assert "next-morning" in after_workout.explanation
        outcome = ExerciseOutcome(n + 1, started, day.done, day.before, day.peak, day.morning)
        outcomes.append(outcome)
        morning = started + timedelta(hours=15)
        decision = decide_progression(
            "bridge", dosage, outcomes, now=morning, dose_changed_at=changed_at,
            harder_variant=harder, easier_variant="Easier version",
        )  # fmt: skip
        if decision.action != "hold":
            dosage = decision.dosage_after
            changed_at = morning
        log.append((decision.action, decision.explanation, dosage))
    return log


GOOD = Day(done=True, before=3, peak=4, morning=3)

SCENARIOS = [
    pytest.param(
        BRIDGE,
        [GOOD] * 14,
        # progress every second good day: reps 10 -> 12 -> 14 (top), then sets 2 -> 3,
        # then hold 2 -> 4 -> 5 s,
        # then the harder variant is suggested (dose unchanged).
        [
            (2, 10, "hold"),
            (2, 12, "progress"),
            (2, 12, "hold"),
            (2, 14, "progress"),
            (2, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
            (3, 14, "progress"),
        ],
        id="two-good-weeks",
    ),
    pytest.param(
        BRIDGE,
        [
            GOOD,
            GOOD,
            GOOD,
            Day(True, 3, 7, 4),
            GOOD,
            GOOD,
            Day(True, 3, 4, 5),
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
        ],
        [
            (2, 10, "hold"),
            (2, 12, "progress"),
            (2, 12, "hold"),
            (2, 10, "regress"),
            (2, 10, "hold"),
            (2, 12, "progress"),
            (2, 10, "regress"),
            (2, 10, "hold"),
            (2, 12, "progress"),
            (2, 12, "hold"),
            (2, 14, "progress"),
            (2, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
        ],
        id="flare-ups-regress",
    ),
    pytest.param(
        BRIDGE,
        [
            GOOD,
            Day(False, 3, 3, 3),
            GOOD,
            GOOD,
            Day(False, 2, 2, 2),
            Day(False, 2, 2, 2),
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
            GOOD,
        ],
        [
            (2, 10, "hold"),
            (2, 10, "hold"),
            (2, 10, "hold"),
            (2, 12, "progress"),
            (2, 12, "hold"),
            (2, 12, "hold"),
            (2, 12, "hold"),
            (2, 14, "progress"),
            (2, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
            (3, 14, "progress"),
            (3, 14, "hold"),
            (3, 14, "progress"),
        ],
        id="unfinished-workouts-break-the-run",
    ),
]


@pytest.mark.parametrize(("dosage", "days", "expected"), SCENARIOS)
def test_two_weeks(dosage: Dosage, days: list[Day], expected: list[tuple[int, int, str]]) -> None:
    log = run_days(dosage, days)
    got = [(d.sets, d.reps, action) for action, _, d in log]
    assert got == expected


def test_two_good_weeks_hold_time_and_variant_explained() -> None:
    log = run_days(BRIDGE, [GOOD] * 14)
    explanations = [e for a, e, _ in log if a == "progress"]
    assert explanations[0] == (
        "Because you finished the full dose 2 times in a row with pain at 5/10 or below that settled by the "
        "next morning, we suggest a small step up: 2 more reps (10 to 12)."
    )
    assert explanations[2].endswith("one more set (2 to 3 sets).")
    assert explanations[3].endswith("longer holds (2 s to 4 s).")
    assert explanations[4].endswith("longer holds (4 s to 5 s).")
    assert explanations[5].endswith("you could try the harder version: Harder version.")
    assert log[-1][2].hold_s == 5.0


def test_regress_explanations_give_the_reason() -> None:
    log = run_days(BRIDGE, [GOOD, GOOD, Day(True, 3, 7, 4), Day(True, 3, 4, 6)])
    assert log[2] == (
        "regress",
        "Because your pain reached 7/10, above the limit of 5, we suggest an easier dose next time: "
        "2 fewer reps (12 to 10).",
        log[2][2],
    )
    assert log[3][1] == (
        "Because your pain was 6/10 the next morning, higher than the 3/10 before the workout, we suggest "
        "an easier dose next time: 2 fewer reps (10 to 8)."
    )


def test_regress_at_the_bottom_suggests_the_easier_variant() -> None:
    log = run_days(PLANK, [Day(True, 2, 8, 3)])
    action, explanation, dosage = log[0]
    assert action == "regress"
    assert "easier version next time: Easier version." in explanation
    assert dosage == PLANK


def test_top_of_every_range_without_a_harder_variant_holds() -> None:
    top = Dosage(**{**PLANK.__dict__, "hold_s": 12.0})
    log = run_days(top, [GOOD, GOOD], harder=None)
    assert log[1][0] == "hold"
    assert "already the highest" in log[1][1]


def test_repeated_flare_ups_suggest_a_clinician() -> None:
    outcomes = [
        ExerciseOutcome(1, START, True, 3, 7, 4),
        ExerciseOutcome(2, START + timedelta(days=5), True, 3, 4, 6),
    ]
    decision = decide_progression("bridge", BRIDGE, outcomes, now=START + timedelta(days=6))
    assert decision.action == "regress"
    assert decision.clinician_advice is not None
    assert "doctor or physiotherapist" in decision.clinician_advice
    # flare-ups more than 14 days apart are not "repeated"
    spaced = [outcomes[0], ExerciseOutcome(2, START + timedelta(days=20), True, 3, 4, 6)]
    later = decide_progression("bridge", BRIDGE, spaced, now=START + timedelta(days=21))
    assert later.clinician_advice is None


def test_no_workout_yet_holds() -> None:
    decision = decide_progression("bridge", BRIDGE, [], now=START)
    assert decision.action == "hold"
    assert decision.basis_workout_id is None


@pytest.mark.parametrize(
    ("dosage", "sets", "done"),
    [
        (BRIDGE, [SetDone(1, None, 10, 2), SetDone(2, None, 10, 2)], True),
        (BRIDGE, [SetDone(1, None, 10, 2), SetDone(2, None, 9, 2)], False),
        (BRIDGE, [SetDone(1, None, 10, 2)], False),
        (PLANK, [SetDone(1, None, 3, 9.0)], True),  # 9 s of 10: within the 10% tolerance
        (PLANK, [SetDone(1, None, 3, 8.5)], False),
        (
            Dosage(**{**BRIDGE.__dict__, "per_side": True, "sets": 1}),
            [SetDone(1, "left", 10, 2), SetDone(1, "right", 10, 2)],
            True,
        ),
        (Dosage(**{**BRIDGE.__dict__, "per_side": True, "sets": 1}), [SetDone(1, "left", 10, 2)], False),
    ],
)
def test_completed_at_target(dosage: Dosage, sets: list[SetDone], done: bool) -> None:
    assert completed_at_target(dosage, sets) is done
