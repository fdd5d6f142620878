"""Safety rows and their queries: red-flag screens, re-screen requests, questionnaire responses and
progression suggestions, each belonging to a user.

``SafetyRepository`` wraps the session of a ``backcoach.store.repository.Repository`` and hands back
the frozen records of ``backcoach.domain`` (redflags, questionnaires, progression). No rules here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

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
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from backcoach.domain.progression import Decision, ProposalRecord
from backcoach.domain.questionnaires import ResponseRecord
from backcoach.domain.redflags import Clearance, RescreenRecord, ScreenRecord
from backcoach.store.base import Base, as_utc
from backcoach.store.rows import UserRow

__all__ = [
    "ProgressionProposalRow",
    "QuestionnaireResponseRow",
    "RedFlagScreenRow",
    "RescreenRequestRow",
    "SafetyRepository",
]


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


class RedFlagScreenRow(Base):
    """One red-flag screen: the answers (JSON), the tier and advice shown, and the clearance of a stop
    (the clinician's name, the date of the visit, when and by whom it was recorded).

    A clearance is all or nothing: the CHECK keeps a half-recorded one out, whoever writes it."""

    __tablename__ = "red_flag_screens"
    __table_args__ = (
        CheckConstraint("reason IN ('first_run', 'pain_rise', 'leg_spread', 'manual')", name="reason_known"),
        CheckConstraint("tier IN ('urgent', 'stop', 'advisory', 'clear')", name="tier_known"),
        CheckConstraint(
            "(cleared_at IS NULL AND cleared_by IS NULL AND cleared_on IS NULL)"
            " OR (cleared_at IS NOT NULL AND cleared_by IS NOT NULL AND cleared_on IS NOT NULL)",
            name="clearance_complete",
        ),
        Index("ix_red_flag_screens_user_taken", "user_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(20))
    answers: Mapped[str] = mapped_column(Text)
    flagged: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(10), default="clear")
    title: Mapped[str] = mapped_column(String(200))
    advice: Mapped[str] = mapped_column(Text)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cleared_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    cleared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cleared_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    cleared_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class RescreenRequestRow(Base):
    """A sharp rise in pain or pain spreading down a leg: the screen must be answered again."""

    __tablename__ = "rescreen_requests"
    __table_args__ = (
        CheckConstraint("pain_score IS NULL OR pain_score BETWEEN 0 AND 10", name="pain_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    pain_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    workout_id: Mapped[int | None] = mapped_column(
        ForeignKey("workouts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    leg_spread: Mapped[bool] = mapped_column(Boolean, default=False)


class QuestionnaireResponseRow(Base):
    """One completed questionnaire: its score, band or group, and the answers (JSON)."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        CheckConstraint(
            "instrument IN ('pain', 'startback', 'rmdq', 'odi', 'psfs')", name="instrument_known"
        ),
        Index("ix_questionnaire_responses_user_taken", "user_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answers: Mapped[str] = mapped_column(Text, default="{}")


class ProgressionProposalRow(Base):
    """A progress or regress suggestion for one exercise of a program, and the person's answer."""

    __tablename__ = "progression_proposals"
    __table_args__ = (
        CheckConstraint("action IN ('progress', 'regress')", name="action_known"),
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'superseded', 'changed', 'applied')",
            name="status_known",
        ),
        Index("ix_progression_proposals_user_exercise", "user_id", "program_slug", "exercise_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_slug: Mapped[str] = mapped_column(String(100))
    exercise_id: Mapped[str] = mapped_column(String(50))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(20))
    variable: Mapped[str | None] = mapped_column(String(20), nullable=True)
    basis_workout_id: Mapped[int | None] = mapped_column(
        ForeignKey("workouts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sets_before: Mapped[int] = mapped_column(Integer)
    reps_before: Mapped[int] = mapped_column(Integer)
    hold_s_before: Mapped[float] = mapped_column(Float)
    sets_after: Mapped[int] = mapped_column(Integer)
    reps_after: Mapped[int] = mapped_column(Integer)
    hold_s_after: Mapped[float] = mapped_column(Float)
    variant: Mapped[str | None] = mapped_column(String(200), nullable=True)
    explanation: Mapped[str] = mapped_column(Text)
    clinician_advice: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Who answered (the person, or in clinic mode their physiotherapist) and why, in their words.
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


def _screen(row: RedFlagScreenRow, recorded_by: str | None = None) -> ScreenRecord:
    clearance = None
    if row.cleared_at is not None and row.cleared_by is not None and row.cleared_on is not None:
        clearance = Clearance(
            clinician=row.cleared_by,
            visit_date=row.cleared_on,
            recorded_at=as_utc(row.cleared_at),
            note=row.cleared_note,
            recorded_by=recorded_by,
        )
    return ScreenRecord(
        id=row.id,
        taken_at=as_utc(row.taken_at),
        reason=row.reason,
        answers={str(k): bool(v) for k, v in json.loads(row.answers).items()},
        flagged=tuple(f for f in row.flagged.split(",") if f),
        tier=row.tier,  # type: ignore[arg-type]
        title=row.title,
        advice=row.advice,
        clearance=clearance,
    )


def _rescreen(row: RescreenRequestRow) -> RescreenRecord:
    return RescreenRecord(
        row.id,
        as_utc(row.requested_at),
        row.reason,
        row.pain_score,
        _utc_or_none(row.resolved_at),
        workout_id=row.workout_id,
        leg_spread=bool(row.leg_spread),
    )


def _response(row: QuestionnaireResponseRow) -> ResponseRecord:
    return ResponseRecord(
        row.id, row.instrument, as_utc(row.taken_at), row.score, row.band, json.loads(row.answers)
    )


def _proposal(row: ProgressionProposalRow, decided_by_name: str | None = None) -> ProposalRecord:
    return ProposalRecord(
        id=row.id,
        program_slug=row.program_slug,
        exercise_id=row.exercise_id,
        decided_at=as_utc(row.decided_at),
        action=row.action,
        variable=row.variable,
        sets_before=row.sets_before,
        reps_before=row.reps_before,
        hold_s_before=row.hold_s_before,
        sets_after=row.sets_after,
        reps_after=row.reps_after,
        hold_s_after=row.hold_s_after,
        explanation=row.explanation,
        status=row.status,
        basis_workout_id=row.basis_workout_id,
        variant=row.variant,
        clinician_advice=row.clinician_advice,
        responded_at=_utc_or_none(row.responded_at),
        decided_by_name=decided_by_name or "",
        decision_reason=row.decision_reason,
    )


class SafetyRepository:
    """Safety rows of one user through one session (share the session of a ``Repository``)."""

    def __init__(self, session: Session, user_id: int) -> None:
        self.session = session
        self.user_id = user_id

    # --- red-flag screens --------------------------------------------------------------------

    def add_screen(
        self,
        *,
        taken_at: datetime,
        reason: str,
        answers: Mapping[str, bool],
        flagged: tuple[str, ...],
        tier: str,
        title: str,
        advice: str,
    ) -> ScreenRecord:
        row = RedFlagScreenRow(
            user_id=self.user_id,
            taken_at=taken_at,
            reason=reason,
            answers=json.dumps(dict(answers), sort_keys=True),
            flagged=",".join(flagged),
            tier=tier,
            title=title,
            advice=advice,
        )
        self.session.add(row)
        self.session.flush()
        return _screen(row)

    def screens(self) -> list[ScreenRecord]:
        """Every screen, oldest first; a clearance names the account that recorded it."""
        rows = self.session.execute(
            select(RedFlagScreenRow, UserRow.name)
            .outerjoin(UserRow, UserRow.id == RedFlagScreenRow.cleared_by_user_id)
            .where(RedFlagScreenRow.user_id == self.user_id)
            .order_by(RedFlagScreenRow.taken_at, RedFlagScreenRow.id)
        )
        return [_screen(row, recorded_by) for row, recorded_by in rows]

    def open_stop_rows(self) -> list[RedFlagScreenRow]:
        """The stops not yet cleared, oldest first, locked against a concurrent clearance."""
        return list(
            self.session.scalars(
                select(RedFlagScreenRow)
                .where(
                    RedFlagScreenRow.user_id == self.user_id,
                    RedFlagScreenRow.tier.in_(("urgent", "stop")),
                    RedFlagScreenRow.cleared_at.is_(None),
                )
                .order_by(RedFlagScreenRow.taken_at, RedFlagScreenRow.id)
                .with_for_update()
            )
        )

    def clear_stops(
        self,
        rows: list[RedFlagScreenRow],
        *,
        cleared_at: datetime,
        clinician: str,
        visit_date: date,
        note: str | None,
        cleared_by_user_id: int | None,
    ) -> None:
        """Record the clearance on each of ``rows`` (from ``open_stop_rows``)."""
        for row in rows:
            row.cleared_at = cleared_at
            row.cleared_by = clinician
            row.cleared_on = visit_date
            row.cleared_note = note
            row.cleared_by_user_id = cleared_by_user_id
        self.session.flush()

    # --- re-screen requests ------------------------------------------------------------------

    def add_rescreen(
        self,
        *,
        requested_at: datetime,
        reason: str,
        pain_score: int | None,
        workout_id: int | None = None,
        leg_spread: bool = False,
    ) -> RescreenRecord:
        row = RescreenRequestRow(
            user_id=self.user_id,
            requested_at=requested_at,
            reason=reason,
            pain_score=pain_score,
            workout_id=workout_id,
            leg_spread=leg_spread,
        )
        self.session.add(row)
        self.session.flush()
        return _rescreen(row)

    def open_rescreens(self) -> list[RescreenRecord]:
        rows = self.session.scalars(
            select(RescreenRequestRow)
            .where(RescreenRequestRow.user_id == self.user_id, RescreenRequestRow.resolved_at.is_(None))
            .order_by(RescreenRequestRow.requested_at, RescreenRequestRow.id)
        )
        return [_rescreen(r) for r in rows]

    def answered_rescreens(self, *, workout_id: int | None, since: datetime) -> list[RescreenRecord]:
        """Re-screen requests already answered for this workout (or, without one, since ``since``)."""
        query = select(RescreenRequestRow).where(
            RescreenRequestRow.user_id == self.user_id, RescreenRequestRow.resolved_at.is_not(None)
        )
        if workout_id is not None:
            query = query.where(RescreenRequestRow.workout_id == workout_id)
        else:
            query = query.where(RescreenRequestRow.requested_at >= since)
        return [_rescreen(r) for r in self.session.scalars(query.order_by(RescreenRequestRow.id))]

    def resolve_rescreens(self, resolved_at: datetime) -> None:
        for row in self.session.scalars(
            select(RescreenRequestRow).where(
                RescreenRequestRow.user_id == self.user_id, RescreenRequestRow.resolved_at.is_(None)
            )
        ):
            row.resolved_at = resolved_at
        self.session.flush()

    # --- questionnaires ----------------------------------------------------------------------

    def add_response(
        self,
        *,
        instrument: str,
        taken_at: datetime,
        score: float,
        band: str | None,
        answers: Mapping[str, Any],
    ) -> ResponseRecord:
        row = QuestionnaireResponseRow(
            user_id=self.user_id,
            instrument=instrument,
            taken_at=taken_at,
            score=float(score),
            band=band,
            answers=json.dumps(dict(answers), sort_keys=True),
        )
        self.session.add(row)
        self.session.flush()
        return _response(row)

    def responses(self, instrument: str | None = None) -> list[ResponseRecord]:
        query = select(QuestionnaireResponseRow).where(QuestionnaireResponseRow.user_id == self.user_id)
        if instrument is not None:
            query = query.where(QuestionnaireResponseRow.instrument == instrument)
        rows = self.session.scalars(
            query.order_by(QuestionnaireResponseRow.taken_at, QuestionnaireResponseRow.id)
        )
        return [_response(r) for r in rows]

    # --- progression proposals ---------------------------------------------------------------

    def add_proposal(self, program_slug: str, decision: Decision, decided_at: datetime) -> ProposalRecord:
        """Store a suggestion; older pending ones for the same exercise are marked superseded."""
        for old in self.session.scalars(
            select(ProgressionProposalRow).where(
                ProgressionProposalRow.user_id == self.user_id,
                ProgressionProposalRow.program_slug == program_slug,
                ProgressionProposalRow.exercise_id == decision.exercise_id,
                ProgressionProposalRow.status == "pending",
            )
        ):
            old.status = "superseded"
        before, after = decision.dosage_before, decision.dosage_after
        row = ProgressionProposalRow(
            user_id=self.user_id,
            program_slug=program_slug,
            exercise_id=decision.exercise_id,
            decided_at=decided_at,
            action=decision.action,
            variable=decision.variable,
            basis_workout_id=decision.basis_workout_id,
            sets_before=before.sets,
            reps_before=before.reps,
            hold_s_before=float(before.hold_s),
            sets_after=after.sets,
            reps_after=after.reps,
            hold_s_after=float(after.hold_s),
            variant=decision.variant,
            explanation=decision.explanation,
            clinician_advice=decision.clinician_advice,
            status="pending",
        )
        self.session.add(row)
        self.session.flush()
        return _proposal(row)

    def proposals(
        self, *, program_slug: str | None = None, exercise_id: str | None = None, status: str | None = None
    ) -> list[ProposalRecord]:
        query = (
            select(ProgressionProposalRow, UserRow.name)
            .outerjoin(UserRow, UserRow.id == ProgressionProposalRow.decided_by)
            .where(ProgressionProposalRow.user_id == self.user_id)
        )
        if program_slug is not None:
            query = query.where(ProgressionProposalRow.program_slug == program_slug)
        if exercise_id is not None:
            query = query.where(ProgressionProposalRow.exercise_id == exercise_id)
        if status is not None:
            query = query.where(ProgressionProposalRow.status == status)
        rows = self.session.execute(
            query.order_by(ProgressionProposalRow.decided_at, ProgressionProposalRow.id)
        )
        return [_proposal(r, name) for r, name in rows]

    def get_proposal(self, proposal_id: int) -> ProposalRecord | None:
        row = self.session.get(ProgressionProposalRow, proposal_id)
        if row is None or row.user_id != self.user_id:
            return None
        return _proposal(row, self._name(row.decided_by))

    def _name(self, user_id: int | None) -> str | None:
        return (
            None
            if user_id is None
            else self.session.scalar(select(UserRow.name).where(UserRow.id == user_id))
        )

    def answer_proposal(
        self,
        proposal_id: int,
        status: str,
        responded_at: datetime,
        *,
        decided_by: int | None = None,
        reason: str | None = None,
    ) -> ProposalRecord | None:
        row = self.session.get(ProgressionProposalRow, proposal_id)
        if row is None or row.user_id != self.user_id:
            return None
        row.status = status
        row.responded_at = responded_at
        row.decided_by = decided_by
        row.decision_reason = reason
        self.session.flush()
        return _proposal(row, self._name(decided_by))
