"""What backcoach remembers, as plain frozen records: workouts, sets, pain ratings, notes, dose changes.

The store turns its rows into these and the services hand them to the CLI and the web app.
Pure data: no database, no framework. Times are timezone-aware (UTC) datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from backcoach.domain.programs import Program

__all__ = [
    "PAIN_MOMENTS",
    "PAIN_SCORE_RANGE",
    "SET_SOURCES",
    "SIDES",
    "WORKOUT_STATUSES",
    "Adherence",
    "DoseChangeRecord",
    "ExercisePoint",
    "FindingCount",
    "MessageRecord",
    "NoteRecord",
    "PainMoment",
    "PainRecord",
    "ProgramVersionRecord",
    "ScheduleRecord",
    "SetRecord",
    "SetSource",
    "Side",
    "TodayView",
    "WorkoutRecord",
    "WorkoutStatus",
    "timed_hold_s",
]

WorkoutStatus = Literal["in_progress", "finished", "abandoned"]
SetSource = Literal["timer", "manual", "camera"]
PainMoment = Literal["before", "during", "after", "next_morning"]
Side = Literal["left", "right"]

WORKOUT_STATUSES: tuple[str, ...] = ("in_progress", "finished", "abandoned")
SET_SOURCES: tuple[str, ...] = ("timer", "manual", "camera")
PAIN_MOMENTS: tuple[str, ...] = ("before", "during", "after", "next_morning")
SIDES: tuple[str, ...] = ("left", "right")
PAIN_SCORE_RANGE: tuple[int, int] = (0, 10)


def timed_hold_s(reps: int, hold_s: float, source: str) -> float:
    """Seconds held in a set of ``reps`` holds of ``hold_s`` s each, as timed by the player or the
    camera. A set counted by hand was not timed: its planned hold is not reported as time held."""
    return 0.0 if source == "manual" else reps * hold_s


@dataclass(frozen=True)
class SetRecord:
    """One set done in a workout.

    ``reps`` counts movements, or holds for a hold exercise. ``hold_s`` is the seconds held
    per hold (0 for plain reps): measured when the player's timer or the camera timed the set, the
    planned hold when the person counted by hand (``source`` manual).
    ``side`` is None when the exercise has no sides or the sides alternate inside the set; an
    alternating set's ``reps`` is then the total over both sides (10 each side is 20).
    ``client_id`` is the caller's id for the set: recording the same id again updates it.
    """

    id: int
    workout_id: int
    exercise_id: str
    set_number: int
    side: str | None
    reps: int
    hold_s: float
    source: str
    recorded_at: datetime
    client_id: str | None = None
    # What the camera counted when it watched this set (``reps`` is what was kept, maybe corrected).
    camera_reps: int | None = None

    @property
    def total_hold_s(self) -> float:
        """Seconds held in the set as timed by the player or the camera (see ``timed_hold_s``)."""
        return timed_hold_s(self.reps, self.hold_s, self.source)


@dataclass(frozen=True)
class PainRecord:
    """A pain rating from 0 (none) to 10 (worst imaginable), and when it was taken."""

    id: int
    score: int
    moment: str
    taken_at: datetime
    workout_id: int | None = None
    exercise_id: str | None = None
    client_id: str | None = None


@dataclass(frozen=True)
class NoteRecord:
    """A free-text note, on a workout or on its own."""

    id: int
    text: str
    created_at: datetime
    workout_id: int | None = None


@dataclass(frozen=True)
class WorkoutRecord:
    """One sitting through a program, with what was done in it."""

    id: int
    program_slug: str
    program_name: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    sets: tuple[SetRecord, ...] = ()
    pain: tuple[PainRecord, ...] = ()
    notes: tuple[NoteRecord, ...] = ()
    # Done at the gentle end of every dose, after pain above 5 before starting.
    easier: bool = False

    @property
    def total_reps(self) -> int:
        return sum(s.reps for s in self.sets)

    @property
    def total_hold_s(self) -> float:
        return sum(s.total_hold_s for s in self.sets)

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        """The exercises with at least one set, in the order they were first done."""
        return tuple(dict.fromkeys(s.exercise_id for s in self.sets))

    def pain_at(self, moment: str) -> int | None:
        """The latest pain score taken at ``moment`` in this workout, or None."""
        scores = [p for p in self.pain if p.moment == moment]
        return max(scores, key=lambda p: p.taken_at).score if scores else None


@dataclass(frozen=True)
class DoseChangeRecord:
    """A change of an exercise's dose in a program, with its reason (the dose history)."""

    id: int
    program_slug: str
    exercise_id: str
    changed_at: datetime
    reason: str
    sets: int
    reps: int
    hold_s: float
    rest_s: float
    previous_sets: int | None = None
    previous_reps: int | None = None
    previous_hold_s: float | None = None
    previous_rest_s: float | None = None
    # Who made or approved it (empty: the rules, accepted by the person themself in personal mode).
    changed_by_name: str = ""


@dataclass(frozen=True)
class Adherence:
    """How regularly the person works out: a streak of days and the last seven days."""

    streak_days: int
    workouts_last_7_days: int
    target_per_week: int
    done_today: bool
    days_done_last_7: int = 0


@dataclass(frozen=True)
class ExercisePoint:
    """One day's work on one exercise: sets, reps and seconds held."""

    day: date
    sets: int
    total_reps: int
    total_hold_s: float


@dataclass(frozen=True)
class TodayView:
    """What the Today page and ``backcoach history`` show first.

    ``program`` is the active program.
    ``current_workout`` is a workout left in progress, to resume from step ``resume_step_index``
    of its plan. ``morning_checkin_due``
    is the last finished workout from before today that has no next-morning pain rating yet.
    """

    program: Program
    adherence: Adherence
    workouts_today: tuple[WorkoutRecord, ...] = ()
    current_workout: WorkoutRecord | None = None
    morning_checkin_due: WorkoutRecord | None = None
    resume_step_index: int | None = None

    @property
    def done_today(self) -> bool:
        return self.adherence.done_today

    @property
    def streak_days(self) -> int:
        return self.adherence.streak_days


@dataclass(frozen=True)
class ProgramVersionRecord:
    """One version of a program: who changed it and when, and what changed (one line each)."""

    id: int
    program_id: int
    version: int
    changed_at: datetime
    changed_by_id: int | None
    changed_by_name: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class MessageRecord:
    """A message between a patient and their physiotherapist; ``read_at`` is when the other side read it."""

    id: int
    author_id: int | None
    author_name: str
    from_patient: bool
    body: str
    created_at: datetime
    read_at: datetime | None = None


@dataclass(frozen=True)
class FindingCount:
    """In how many reps of one set the camera saw a form finding (``code``)."""

    set_id: int
    workout_id: int
    exercise_id: str
    code: str
    reps: int
    recorded_at: datetime


@dataclass(frozen=True)
class ScheduleRecord:
    """A questionnaire scheduled for a patient: once (``every_days`` None) or every so many days."""

    instrument: str
    every_days: int | None
    start_date: date
    set_by_id: int | None = None
