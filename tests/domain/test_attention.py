"""Who needs a physiotherapist's attention: the pure rules (backcoach.domain.attention) on made-up
patients whose answers are worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backcoach.domain.attention import PatientFacts, adherence, flags_for, is_flare, sort_key

TODAY = date(2026, 12, 3)  # a Thursday


def _facts(**changes: object) -> PatientFacts:
    base: dict[str, object] = {
        "today": TODAY,
        "workouts_per_week": 7,
        "program_start": TODAY - timedelta(days=60),
        "joined_on": TODAY - timedelta(days=60),
        "last_workout": datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    }
    return PatientFacts(**(base | changes))  # type: ignore[arg-type]


def _codes(facts: PatientFacts) -> list[str]:
    return [f.code for f in flags_for(facts, inactive_days=7)]


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_adherence_counts_workouts_done_against_those_prescribed() -> None:
    every_other_day = [TODAY - timedelta(days=n) for n in range(1, 15, 2)]  # 7 of the last 14 days
    assert adherence(_facts(workout_days=every_other_day), 14) == pytest.approx(7 / 13)
    # twice a day prescribed: each workout counts, not each day
    twice = [day for day in every_other_day for _ in range(2)]
    assert adherence(_facts(workouts_per_week=14, workout_days=twice), 14) == pytest.approx(14 / 26)
    assert adherence(_facts(workouts_per_week=14, workout_days=every_other_day), 14) == pytest.approx(7 / 26)


def test_today_is_not_missed_before_it_is_over() -> None:
    yesterday_only = [TODAY - timedelta(days=1)]
    joined_yesterday = {"program_start": TODAY - timedelta(days=1), "joined_on": TODAY - timedelta(days=1)}
    assert adherence(_facts(workout_days=yesterday_only, **joined_yesterday), 14) == 1.0
    assert adherence(_facts(workout_days=[*yesterday_only, TODAY], **joined_yesterday), 14) == 1.0
    # joined today and nothing done yet: nothing was due, so no adherence and no flag
    new = _facts(program_start=TODAY, joined_on=TODAY, last_workout=None)
    assert adherence(new, 14) is None
    assert _codes(new) == []


def test_adherence_starts_with_the_program_and_needs_something_due() -> None:
    started = _facts(program_start=TODAY - timedelta(days=3), workout_days=[TODAY - timedelta(days=2)])
    assert adherence(started, 30) == pytest.approx(1 / 3)  # 3 days due (today not over), 1 done
    assert adherence(_facts(workouts_per_week=2, program_start=TODAY - timedelta(days=1)), 14) is None


def test_flags_come_most_pressing_first() -> None:
    facts = _facts(
        open_stop="urgent",
        pain=[(_at(TODAY - timedelta(days=1)), 7, "during")],
        last_workout=_at(TODAY - timedelta(days=9)),
        workout_days=[],
        outcome_worse=["Oswestry"],
        doses_eased=1,
        suggestions_waiting=2,
        unread_messages=3,
        advisory=True,
    )
    assert _codes(facts) == [
        "urgent_stop",
        "pain_flare",
        "inactive",
        "low_adherence",
        "outcome_worse",
        "dose_eased",
        "suggestion_waiting",
        "unread_messages",
        "advisory",
    ]
    details = {f.code: f.detail for f in flags_for(facts, inactive_days=7)}
    assert details["pain_flare"] == "pain 7/10 during exercise"
    assert details["inactive"] == "9 days"
    assert details["low_adherence"] == "0%"


def test_a_flare_is_pain_above_five_during_or_a_morning_two_points_above_the_usual() -> None:
    days = [TODAY - timedelta(days=n) for n in (6, 5, 4, 3)]
    mornings = [(_at(day, 8), 2, "next_morning") for day in days]
    assert not is_flare([(_at(TODAY), 5, "during")], 0)
    assert is_flare([(_at(TODAY), 6, "during")], 0)
    assert not is_flare([(_at(TODAY), 7, "after")], 0)  # after the workout: not the flare rule
    rise = [*mornings, (_at(TODAY, 8), 4, "next_morning")]
    assert is_flare(rise, len(rise) - 1)
    assert not is_flare([*mornings, (_at(TODAY, 8), 3, "next_morning")], 4)
    assert "pain_flare" in _codes(_facts(pain=rise))
    # older than a week: not a flare now
    old = [(_at(TODAY - timedelta(days=8)), 8, "during")]
    assert "pain_flare" not in _codes(_facts(pain=old))


def test_a_joined_patient_with_nothing_prescribed_is_flagged() -> None:
    assert _codes(_facts(workouts_per_week=0, needs_program=True, last_workout=None)) == ["no_program"]


def test_the_list_order_is_by_flags_then_name() -> None:
    flare = flags_for(_facts(pain=[(_at(TODAY), 8, "during")], workout_days=[TODAY]), inactive_days=7)
    quiet = flags_for(_facts(workout_days=[TODAY - timedelta(days=n) for n in range(14)]), inactive_days=7)
    message = flags_for(
        _facts(unread_messages=1, workout_days=[TODAY - timedelta(days=n) for n in range(14)]),
        inactive_days=7,
    )
    assert quiet == ()
    ordered = sorted([("Aaron", quiet), ("Zoe", flare), ("Bea", message)], key=lambda p: sort_key(p[1], p[0]))
    assert [name for name, _ in ordered] == ["Zoe", "Bea", "Aaron"]
