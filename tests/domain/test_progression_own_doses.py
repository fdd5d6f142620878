"""A person's own dose outside the catalogue's range: progression never moves it the wrong way
(a regress that raised the reps from 3 to the range's bottom of 8 was a real bug)."""

from __future__ import annotations

from datetime import datetime, timedelta

from backcoach.domain.exercises import Dosage
from backcoach.domain.progression import ExerciseOutcome, decide_progression

START = datetime(2026, 3, 2, 18, 0)
LOW = Dosage(
    kind="reps", sets=2, reps=3, hold_s=2.0, rest_s=30.0, per_side=False, times_per_day=1,
    sets_range=(1, 3), reps_range=(8, 14), hold_range_s=(2.0, 5.0), source="test",
)  # fmt: skip
HIGH = Dosage(**{**LOW.__dict__, "reps": 20, "sets": 1})


def test_a_flare_up_on_a_dose_below_the_range_never_raises_it() -> None:
    flare = [ExerciseOutcome(1, START, True, 3, 7, 4)]
    decision = decide_progression("bridge", LOW, flare, now=START + timedelta(hours=15))
    after = decision.dosage_after
    assert decision.action == "regress"
    assert (after.sets, after.reps, after.hold_s) <= (LOW.sets, LOW.reps, LOW.hold_s)
    assert after.reps == 3 and after.sets == 1
    assert "one set fewer (2 to 1 sets)" in decision.explanation


def test_good_days_on_a_dose_above_the_range_never_lower_it() -> None:
    good = [ExerciseOutcome(n + 1, START + timedelta(days=n), True, 3, 3, 2) for n in range(2)]
    decision = decide_progression("bridge", HIGH, good, now=START + timedelta(days=2))
    after = decision.dosage_after
    assert after.reps >= HIGH.reps and after.sets >= HIGH.sets and after.hold_s >= HIGH.hold_s
