"""Rows of the physiotherapist's workspace: program versions (an edit is a new version of the same
prescription), a physiotherapist's own program templates, messages between a patient and their
physiotherapist, the camera's form findings per set, and questionnaires scheduled per patient.

Plain rows; ``WorkspaceRepository`` in ``backcoach.store.workspace`` reads and writes them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backcoach.store.base import Base

__all__ = [
    "MessageRow",
    "ProgramTemplateRow",
    "ProgramVersionRow",
    "QuestionnaireScheduleRow",
    "SetFindingRow",
]


class ProgramVersionRow(Base):
    """One version of a person's program: who made it, when, what changed (lines), and the whole
    program as it then was (JSON), so the history of a prescription can always be read back."""

    __tablename__ = "program_versions"
    __table_args__ = (UniqueConstraint("program_id", "version", name="uq_program_versions_program_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    changed_by_name: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[str] = mapped_column(Text, default="{}")


class ProgramTemplateRow(Base):
    """A physiotherapist's own template to start a prescription from (the exercises as JSON)."""

    __tablename__ = "program_templates"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_program_templates_owner_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    items: Mapped[str] = mapped_column(Text)
    times_per_day: Mapped[int] = mapped_column(Integer, default=1)
    days_per_week: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageRow(Base):
    """A short message in the thread between a patient (``user_id``, the thread's owner) and their
    physiotherapist; ``read_at`` is when the other side read it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(100))
    from_patient: Mapped[bool] = mapped_column(Boolean, default=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SetFindingRow(Base):
    """How many reps of a set the camera saw with one form finding ("hips not high enough" in 4)."""

    __tablename__ = "set_findings"
    __table_args__ = (
        UniqueConstraint("set_id", "code", name="uq_set_findings_set_code"),
        CheckConstraint("reps >= 0", name="reps_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    reps: Mapped[int] = mapped_column(Integer)


class QuestionnaireScheduleRow(Base):
    """A questionnaire scheduled for a patient: once from ``start_date`` (``every_days`` empty), or
    every ``every_days`` days. Set by their physiotherapist."""

    __tablename__ = "questionnaire_schedules"
    __table_args__ = (
        UniqueConstraint("user_id", "instrument", name="uq_questionnaire_schedules_user_instrument"),
        CheckConstraint(
            "instrument IN ('pain', 'startback', 'rmdq', 'odi', 'psfs')", name="instrument_known"
        ),
        CheckConstraint("every_days IS NULL OR every_days BETWEEN 1 AND 365", name="every_days_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    every_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
