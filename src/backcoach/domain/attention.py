"""What needs a physiotherapist's attention, patient by patient: pure rules over a patient's recent
record, and the order of the patient list.

The rules (docs/safety.md, "With a physiotherapist"): first an open red-flag stop (urgent first);
then a pain flare (pain above 5 during exercise, or next-morning pain 2 points or more above the
usual); no workout for ``inactive_days`` (a setting) when some were prescribed; adherence under 50%
of the prescribed workouts over 14 days; an outcome score that got meaningfully worse; a dose
change applied at once after pain (to look at); a dose suggestion waiting; unread messages.
Adherence is measured against what was prescribed (workouts per week), never against every day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "ADHERENCE_LOW",
    "FLAG_ORDER",
    "PAIN_ACCEPTABLE_MAX",
    "RECENT_DAYS",
    "Flag",
    "PatientFacts",
    "adherence",
    "expected_workouts",
    "flags_for",
    "is_flare",
    "sort_key",
]

# From the most to the least pressing. The words a physiotherapist reads are in the templates.
FLAG_ORDER: tuple[str, ...] = (
    "urgent_stop",
    "stop",
    "pain_flare",
    "inactive",
    "low_adherence",
    "outcome_worse",
    "dose_eased",
    "suggestion_waiting",
    "unread_messages",
    "advisory",
)
ADHERENCE_LOW = 0.5  # under half the prescribed workouts (clinical rules)
ADHERENCE_DAYS = 14
PAIN_ACCEPTABLE_MAX = 5  # the pain-monitoring model's limit during exercise
MORNING_RISE_POINTS = 2  # a meaningful change in pain (Ostelo et al. 2008)
RECENT_DAYS = 7


@dataclass(frozen=True)
class Flag:
    """One reason to look at a patient now: its code and a short detail (numbers, dates)."""

    code: str
    detail: str = ""


@dataclass(frozen=True)
class PatientFacts:
    """What the rules need to know about one patient, gathered by the services.

    ``workout_days`` are the local days with a workout that counts (oldest first);
    ``pain`` is (taken_at, score, moment) of recent ratings; ``outcome_worse`` names the measures
    whose latest score is meaningfully worse than the first.
    """

    today: date
    workouts_per_week: int
    program_start: date | None
    joined_on: date
    last_workout: datetime | None
    workout_days: Sequence[date] = ()
    pain: Sequence[tuple[datetime, int, str]] = ()
    open_stop: str | None = None  # "urgent" or "stop"
    advisory: bool = False
    outcome_worse: Sequence[str] = ()
    doses_eased: int = 0
    suggestions_waiting: int = 0
    unread_messages: int = 0


def expected_workouts(workouts_per_week: int, days: int, *, first_day: date, today: date) -> float:
    """Workouts prescribed in the ``days`` up to ``today``, counting only days since ``first_day``."""
    window_start = today - timedelta(days=days - 1)
    start = max(window_start, first_day)
    covered = (today - start).days + 1
    return max(0.0, workouts_per_week * covered / 7.0)


def adherence(facts: PatientFacts, days: int) -> float | None:
    """Workouts done over workouts prescribed in the last ``days`` days (None when none were due)."""
    first = max(facts.program_start or facts.joined_on, facts.joined_on)
    expected = expected_workouts(facts.workouts_per_week, days, first_day=first, today=facts.today)
    if expected < 1:
        return None
    since = facts.today - timedelta(days=days - 1)
    done = sum(1 for day in facts.workout_days if since <= day <= facts.today)
    return min(1.0, done / expected)


def _usual_morning(pain: Sequence[tuple[datetime, int, str]], before: datetime) -> float | None:
    earlier = sorted(score for taken, score, moment in pain if moment == "next_morning" and taken < before)
    if not earlier:
        return None
    middle = len(earlier) // 2
    return float(earlier[middle]) if len(earlier) % 2 else (earlier[middle - 1] + earlier[middle]) / 2


def is_flare(pain: Sequence[tuple[datetime, int, str]], index: int) -> bool:
    """Whether the ``index``-th rating is a flare: above 5 during exercise, or a next-morning rating
    2 points or more above the person's usual next-morning pain before it."""
    taken, score, moment = pain[index]
    if moment == "during":
        return score > PAIN_ACCEPTABLE_MAX
    if moment == "next_morning":
        usual = _usual_morning(pain, taken)
        return usual is not None and score - usual >= MORNING_RISE_POINTS
    return False


def flags_for(facts: PatientFacts, *, inactive_days: int) -> tuple[Flag, ...]:
    """Every reason to look at this patient now, most pressing first."""
    flags: list[Flag] = []
    if facts.open_stop == "urgent":
        flags.append(Flag("urgent_stop"))
    elif facts.open_stop == "stop":
        flags.append(Flag("stop"))
    recent = facts.today - timedelta(days=RECENT_DAYS - 1)
    flare = None
    for taken, score, moment in facts.pain:
        if taken.astimezone().date() < recent:
            continue
        if moment == "during" and score > PAIN_ACCEPTABLE_MAX:
            flare = f"pain {score}/10 during exercise"
        elif moment == "next_morning":
            usual = _usual_morning(facts.pain, taken)
            if usual is not None and score - usual >= MORNING_RISE_POINTS:
                flare = f"morning pain {score}/10, usually {usual:g}"
    if flare:
        flags.append(Flag("pain_flare", flare))
    if facts.workouts_per_week > 0:
        first = max(facts.program_start or facts.joined_on, facts.joined_on)
        last = facts.last_workout.date() if facts.last_workout else None
        idle_since = last or first
        idle_days = (facts.today - idle_since).days
        if idle_days >= inactive_days:
            flags.append(Flag("inactive", f"{idle_days} days" if last else "no workout yet"))
        rate = adherence(facts, ADHERENCE_DAYS)
        if rate is not None and rate < ADHERENCE_LOW:
            flags.append(Flag("low_adherence", f"{round(rate * 100)}%"))
    if facts.outcome_worse:
        flags.append(Flag("outcome_worse", ", ".join(facts.outcome_worse)))
    if facts.doses_eased:
        flags.append(Flag("dose_eased", str(facts.doses_eased)))
    if facts.suggestions_waiting:
        flags.append(Flag("suggestion_waiting", str(facts.suggestions_waiting)))
    if facts.unread_messages:
        flags.append(Flag("unread_messages", str(facts.unread_messages)))
    if facts.advisory:
        flags.append(Flag("advisory"))
    return tuple(flags)


def sort_key(flags: Sequence[Flag], name: str) -> tuple[tuple[int, ...], str]:
    """Patients with the most pressing flags first (then more of them), then by name."""
    ranks = sorted(FLAG_ORDER.index(f.code) for f in flags)
    return (*ranks, len(FLAG_ORDER)), name.lower()
