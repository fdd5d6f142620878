"""The JSON API's request and response bodies (pydantic), built from the services' frozen records.

These are the API's own shapes: the database rows never leak out, and a record gains or loses
a field here only on purpose.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backcoach.domain.exercises import Dosage, Exercise
from backcoach.domain.programs import Program
from backcoach.domain.records import (
    Adherence,
    ExercisePoint,
    PainRecord,
    SetRecord,
    WorkoutRecord,
)
from backcoach.domain.workouts import Step

__all__ = [
    "AdherenceOut",
    "DosageIn",
    "DosageOut",
    "ErrorOut",
    "ExerciseOut",
    "ExercisePointOut",
    "PainIn",
    "PainOut",
    "ProgramCreate",
    "ProgramItemOut",
    "ProgramOut",
    "ProgramUpdate",
    "SetIn",
    "SetOut",
    "StepOut",
    "WorkoutOut",
    "WorkoutPlanOut",
    "WorkoutStart",
]

ClientId = Field(
    default=None, min_length=1, max_length=100, description="The caller's id: a repeat updates, never doubles"
)


class ErrorOut(BaseModel):
    error: str = Field(description="not_found, invalid_input, safety_stop, storage_unavailable, internal")
    detail: str
    advice: str | None = Field(default=None, description="For safety_stop: what to do now")


# --- exercises and programs ------------------------------------------------------------------------


class DosageOut(BaseModel):
    kind: Literal["reps", "hold"]
    sets: int
    reps: int
    hold_s: float
    rest_s: float
    per_side: bool
    alternating: bool
    times_per_day: int
    source: str

    @classmethod
    def of(cls, d: Dosage) -> DosageOut:
        return cls(
            kind=d.kind,
            sets=d.sets,
            reps=d.reps,
            hold_s=d.hold_s,
            rest_s=d.rest_s,
            per_side=d.per_side,
            alternating=d.alternating,
            times_per_day=d.times_per_day,
            source=d.source,
        )


class VariantOut(BaseModel):
    name: str
    description: str


class ExerciseOut(BaseModel):
    id: str
    name: str
    summary: str
    why: str
    start_position: str
    steps: list[str]
    breathing: str
    tempo: str
    mistakes: list[str]
    safety: list[str]
    dosage: DosageOut
    easier: VariantOut
    harder: VariantOut
    camera_view: str
    camera_counts: bool
    sides: list[str]

    @classmethod
    def of(cls, e: Exercise) -> ExerciseOut:
        return cls(
            id=e.id,
            name=e.name,
            summary=e.summary,
            why=e.why,
            start_position=e.start_position,
            steps=list(e.steps),
            breathing=e.breathing,
            tempo=e.tempo,
            mistakes=list(e.mistakes),
            safety=list(e.safety),
            dosage=DosageOut.of(e.dosage),
            easier=VariantOut(name=e.easier.name, description=e.easier.description),
            harder=VariantOut(name=e.harder.name, description=e.harder.description),
            camera_view=e.camera_view,
            camera_counts=e.camera_counts,
            sides=list(e.sides),
        )


class ProgramItemOut(BaseModel):
    exercise_id: str
    dosage: DosageOut


class ProgramOut(BaseModel):
    slug: str
    name: str
    description: str
    times_per_day: int
    days_per_week: int
    builtin: bool
    items: list[ProgramItemOut]

    @classmethod
    def of(cls, p: Program) -> ProgramOut:
        return cls(
            slug=p.slug,
            name=p.name,
            description=p.description,
            times_per_day=p.times_per_day,
            days_per_week=p.days_per_week,
            builtin=p.builtin,
            items=[ProgramItemOut(exercise_id=i.exercise_id, dosage=DosageOut.of(i.dosage)) for i in p.items],
        )


class DosageIn(BaseModel):
    """A dose for one exercise of a program; what is left out keeps the catalogue's value."""

    model_config = ConfigDict(extra="forbid")

    sets: int | None = Field(default=None, ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=100)
    hold_s: float | None = Field(default=None, ge=0, le=300)
    rest_s: float | None = Field(default=None, ge=0, le=600)


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    exercise_ids: list[str] = Field(min_length=1, max_length=20)
    doses: dict[str, DosageIn] | None = None
    times_per_day: int = Field(default=1, ge=1, le=5)
    days_per_week: int = Field(default=7, ge=1, le=7)
    description: str = Field(default="", max_length=300)


class ProgramUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=60)
    exercise_ids: list[str] | None = Field(default=None, min_length=1, max_length=20)
    doses: dict[str, DosageIn] | None = None
    times_per_day: int | None = Field(default=None, ge=1, le=5)
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    description: str | None = Field(default=None, max_length=300)


# --- workouts --------------------------------------------------------------------------------------


class WorkoutStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program_slug: str | None = Field(default=None, max_length=80, description="Default: the active program")
    new: bool = Field(default=False, description="Start afresh even if one is in progress")


class SetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: str
    set_number: int = Field(ge=1, le=100)
    side: Literal["left", "right"] | None = None
    reps: int = Field(ge=0, le=1000)
    hold_s: float = Field(default=0.0, ge=0, le=3600, description="Seconds held per hold (0 for plain reps)")
    source: Literal["timer", "manual", "camera"] = "manual"
    client_id: str | None = ClientId


class SetOut(BaseModel):
    id: int
    workout_id: int
    exercise_id: str
    set_number: int
    side: str | None
    reps: int
    hold_s: float
    source: str
    recorded_at: datetime
    client_id: str | None

    @classmethod
    def of(cls, s: SetRecord) -> SetOut:
        return cls(
            id=s.id,
            workout_id=s.workout_id,
            exercise_id=s.exercise_id,
            set_number=s.set_number,
            side=s.side,
            reps=s.reps,
            hold_s=s.hold_s,
            source=s.source,
            recorded_at=s.recorded_at,
            client_id=s.client_id,
        )


class PainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=10, description="0 no pain, 10 the worst imaginable")
    moment: Literal["before", "during", "after", "next_morning"]
    exercise_id: str | None = None
    client_id: str | None = ClientId


class PainOut(BaseModel):
    id: int
    score: int
    moment: str
    taken_at: datetime
    workout_id: int | None
    exercise_id: str | None

    @classmethod
    def of(cls, p: PainRecord) -> PainOut:
        return cls(
            id=p.id,
            score=p.score,
            moment=p.moment,
            taken_at=p.taken_at,
            workout_id=p.workout_id,
            exercise_id=p.exercise_id,
        )


class WorkoutOut(BaseModel):
    id: int
    program_slug: str
    program_name: str
    status: Literal["in_progress", "finished", "abandoned"]
    started_at: datetime
    finished_at: datetime | None
    easier: bool = Field(description="Done at the gentle end of every dose (pain above 5 before starting)")
    total_reps: int
    total_hold_s: float
    sets: list[SetOut]
    pain: list[PainOut]

    @classmethod
    def of(cls, w: WorkoutRecord) -> WorkoutOut:
        return cls(
            id=w.id,
            program_slug=w.program_slug,
            program_name=w.program_name,
            status=w.status,  # type: ignore[arg-type]
            easier=w.easier,
            started_at=w.started_at,
            finished_at=w.finished_at,
            total_reps=w.total_reps,
            total_hold_s=w.total_hold_s,
            sets=[SetOut.of(s) for s in w.sets],
            pain=[PainOut.of(p) for p in w.pain],
        )


class StepOut(BaseModel):
    kind: Literal["intro", "reps", "hold", "rest", "side_change", "done"]
    exercise_id: str | None
    set_number: int
    sets: int
    side: str | None
    target_reps: int
    hold_s: float
    rest_s: float
    relax_s: float
    text: str
    alternating: bool
    sides: list[str]

    @classmethod
    def of(cls, s: Step) -> StepOut:
        return cls(
            kind=s.kind,
            exercise_id=s.exercise_id,
            set_number=s.set_number,
            sets=s.sets,
            side=s.side,
            target_reps=s.target_reps,
            hold_s=s.hold_s,
            rest_s=s.rest_s,
            relax_s=s.relax_s,
            text=s.text,
            alternating=s.alternating,
            sides=list(s.sides),
        )


class WorkoutPlanOut(BaseModel):
    workout_id: int
    next_step_index: int = Field(description="Where to resume: the first set not yet done in full")
    steps: list[StepOut]


# --- history ---------------------------------------------------------------------------------------


class AdherenceOut(BaseModel):
    streak_days: int
    workouts_last_7_days: int
    target_per_week: int
    done_today: bool

    @classmethod
    def of(cls, a: Adherence) -> AdherenceOut:
        return cls(
            streak_days=a.streak_days,
            workouts_last_7_days=a.workouts_last_7_days,
            target_per_week=a.target_per_week,
            done_today=a.done_today,
        )


class ExercisePointOut(BaseModel):
    day: date
    sets: int
    total_reps: int
    total_hold_s: float

    @classmethod
    def of(cls, p: ExercisePoint) -> ExercisePointOut:
        return cls(day=p.day, sets=p.sets, total_reps=p.total_reps, total_hold_s=p.total_hold_s)


class HistoryOut(BaseModel):
    adherence: AdherenceOut
    workouts: list[WorkoutOut]
