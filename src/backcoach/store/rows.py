"""ORM rows (``*Row``) for users, programs and their doses, workouts, sets, pain ratings and notes.

Every row belongs to a user (``user_id``): one local user today, accounts later without a data
migration. Ranges are CHECK constraints so a bad value never lands whichever code writes it.
Other modules may add rows in ``backcoach.store.rows_*`` (the migrations env imports them all).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backcoach.store.base import Base

__all__ = [
    "DoseChangeRow",
    "NoteRow",
    "PainRatingRow",
    "ProgramItemRow",
    "ProgramRow",
    "SetRow",
    "SettingRow",
    "UserRow",
    "WorkoutRow",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UserRow(Base):
    """An account. Personal mode has one local user (no password, no sign-in); clinic mode has
    patients, physiotherapists and admins, each signing in with an e-mail and a password (argon2id
    hash). A patient's ``physio_id`` names their physiotherapist; ``active`` is False until an invited
    patient has joined. The database keeps one local user at most and one account per e-mail."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('patient', 'physio', 'admin')", name="role_known"),
        Index("uq_users_email", "email", unique=True),
        Index(
            "uq_users_one_local",
            "is_local",
            unique=True,
            postgresql_where=text("is_local"),
            sqlite_where=text("is_local"),
        ),
        Index("ix_users_physio_id", "physio_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    role: Mapped[str] = mapped_column(String(10), default="patient")
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    physio_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SettingRow(Base):
    """A per-user setting (the active program, the voice...), as text."""

    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_settings_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)


class ProgramRow(Base):
    __tablename__ = "programs"
    __table_args__ = (
        UniqueConstraint("user_id", "slug", name="uq_programs_user_slug"),
        CheckConstraint("times_per_day BETWEEN 1 AND 10", name="times_per_day_range"),
        CheckConstraint("days_per_week BETWEEN 1 AND 7", name="days_per_week_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    times_per_day: Mapped[int] = mapped_column(Integer, default=1)
    days_per_week: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    # A physiotherapist's prescription (clinic mode): who, when, which version, from which day.
    prescribed_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    prescribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ProgramItemRow]] = relationship(
        back_populates="program",
        order_by="ProgramItemRow.position",
        cascade="all, delete-orphan",
    )
    prescriber: Mapped[UserRow | None] = relationship(foreign_keys=[prescribed_by], lazy="joined")


class ProgramItemRow(Base):
    """One exercise of a program with its current dose."""

    __tablename__ = "program_items"
    __table_args__ = (
        UniqueConstraint("program_id", "position", name="uq_program_items_program_position"),
        CheckConstraint("sets BETWEEN 1 AND 20", name="sets_range"),
        CheckConstraint("reps BETWEEN 1 AND 200", name="reps_range"),
        CheckConstraint("hold_s >= 0 AND hold_s <= 600", name="hold_s_range"),
        CheckConstraint("rest_s >= 0 AND rest_s <= 600", name="rest_s_range"),
        CheckConstraint("variant IN ('standard', 'easier', 'harder')", name="variant_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(50))
    sets: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    hold_s: Mapped[float] = mapped_column(Float, default=0.0)
    rest_s: Mapped[float] = mapped_column(Float, default=0.0)
    variant: Mapped[str] = mapped_column(String(20), default="standard")
    instruction: Mapped[str] = mapped_column(Text, default="")
    # How far the person may accept step ups themselves; all three empty: the physiotherapist decides.
    progress_max_sets: Mapped[int | None] = mapped_column(Integer, nullable=True)
    progress_max_reps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    progress_max_hold_s: Mapped[float | None] = mapped_column(Float, nullable=True)

    program: Mapped[ProgramRow] = relationship(back_populates="items")


class DoseChangeRow(Base):
    """The dose history: each change of an exercise's dose in a program, when and why."""

    __tablename__ = "dose_changes"
    __table_args__ = (
        CheckConstraint("sets BETWEEN 1 AND 20", name="sets_range"),
        CheckConstraint("reps BETWEEN 1 AND 200", name="reps_range"),
        CheckConstraint("hold_s >= 0 AND hold_s <= 600", name="hold_s_range"),
        CheckConstraint("rest_s >= 0 AND rest_s <= 600", name="rest_s_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(50))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    reason: Mapped[str] = mapped_column(Text)
    sets: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    hold_s: Mapped[float] = mapped_column(Float)
    rest_s: Mapped[float] = mapped_column(Float)
    previous_sets: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previous_reps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previous_hold_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    previous_rest_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Who made or approved the change (the person, or their physiotherapist); empty for the rules alone.
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class WorkoutRow(Base):
    __tablename__ = "workouts"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'finished', 'abandoned')", name="status_known"),
        Index("ix_workouts_user_started", "user_id", "started_at"),
        # One workout in progress per person, whichever process starts it.
        Index(
            "uq_workouts_one_in_progress",
            "user_id",
            unique=True,
            postgresql_where=text("status = 'in_progress'"),
            sqlite_where=text("status = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Kept as text too, so a workout still reads right after its program is deleted or renamed.
    program_slug: Mapped[str] = mapped_column(String(100))
    program_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    # Done at the gentle end of every dose (pain above 5 before starting, the person chose so).
    easier: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    sets: Mapped[list[SetRow]] = relationship(order_by="SetRow.id", cascade="all, delete-orphan")
    pain_ratings: Mapped[list[PainRatingRow]] = relationship(order_by="PainRatingRow.id")
    notes: Mapped[list[NoteRow]] = relationship(order_by="NoteRow.id")


class SetRow(Base):
    __tablename__ = "sets"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id", name="uq_sets_user_client_id"),
        CheckConstraint("set_number BETWEEN 1 AND 100", name="set_number_range"),
        CheckConstraint("reps BETWEEN 0 AND 1000", name="reps_range"),
        CheckConstraint("hold_s >= 0 AND hold_s <= 3600", name="hold_s_range"),
        CheckConstraint("side IS NULL OR side IN ('left', 'right')", name="side_known"),
        CheckConstraint("source IN ('timer', 'manual', 'camera')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workout_id: Mapped[int] = mapped_column(ForeignKey("workouts.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[str] = mapped_column(String(50))
    set_number: Mapped[int] = mapped_column(Integer)
    side: Mapped[str | None] = mapped_column(String(10), nullable=True)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    hold_s: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(10))
    client_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    # What the camera counted in this set, when it watched (``reps`` is what was kept, maybe corrected).
    camera_reps: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PainRatingRow(Base):
    __tablename__ = "pain_ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id", name="uq_pain_ratings_user_client_id"),
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
        CheckConstraint("moment IN ('before', 'during', 'after', 'next_morning')", name="moment_known"),
        Index("ix_pain_ratings_user_taken", "user_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workout_id: Mapped[int | None] = mapped_column(
        ForeignKey("workouts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    exercise_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    score: Mapped[int] = mapped_column(Integer)
    moment: Mapped[str] = mapped_column(String(20))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    client_id: Mapped[str | None] = mapped_column(String(100), nullable=True)


class NoteRow(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workout_id: Mapped[int | None] = mapped_column(
        ForeignKey("workouts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
