"""The workspace's rows for one person through one session: program versions, messages, the camera's
findings per set, scheduled questionnaires; and a physiotherapist's templates (their own rows).

Hands back the frozen records of ``backcoach.domain.records``. No rules here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from backcoach.domain.records import FindingCount, MessageRecord, ProgramVersionRecord, ScheduleRecord
from backcoach.store.base import as_utc
from backcoach.store.rows import SetRow
from backcoach.store.rows_workspace import (
    MessageRow,
    ProgramTemplateRow,
    ProgramVersionRow,
    QuestionnaireScheduleRow,
    SetFindingRow,
)

__all__ = ["TemplateRecord", "WorkspaceRepository"]


def _version(row: ProgramVersionRow) -> ProgramVersionRecord:
    return ProgramVersionRecord(
        id=row.id,
        program_id=row.program_id,
        version=row.version,
        changed_at=as_utc(row.changed_at),
        changed_by_id=row.changed_by,
        changed_by_name=row.changed_by_name,
        changes=tuple(line for line in row.summary.split("\n") if line),
    )


def _message(row: MessageRow) -> MessageRecord:
    return MessageRecord(
        id=row.id,
        author_id=row.author_id,
        author_name=row.author_name,
        from_patient=row.from_patient,
        body=row.body,
        created_at=as_utc(row.created_at),
        read_at=as_utc(row.read_at) if row.read_at else None,
    )


class TemplateRecord:
    """A physiotherapist's template: a name, the exercises (plain dicts) and the schedule."""

    def __init__(self, row: ProgramTemplateRow) -> None:
        self.id = row.id
        self.name = row.name
        self.items: list[dict[str, Any]] = json.loads(row.items)
        self.times_per_day = row.times_per_day
        self.days_per_week = row.days_per_week


class WorkspaceRepository:
    """Workspace rows of one person (``user_id``) on one session."""

    def __init__(self, session: Session, user_id: int) -> None:
        self.session = session
        self.user_id = user_id

    # --- program versions ----------------------------------------------------------------------

    def add_version(
        self,
        *,
        program_id: int,
        version: int,
        changed_at: datetime,
        changed_by: int | None,
        changed_by_name: str,
        changes: Sequence[str],
        snapshot: Mapping[str, Any],
    ) -> ProgramVersionRecord:
        row = ProgramVersionRow(
            user_id=self.user_id,
            program_id=program_id,
            version=version,
            changed_at=changed_at,
            changed_by=changed_by,
            changed_by_name=changed_by_name,
            summary="\n".join(changes),
            snapshot=json.dumps(dict(snapshot), default=str),
        )
        self.session.add(row)
        self.session.flush()
        return _version(row)

    def versions(self, program_id: int) -> list[ProgramVersionRecord]:
        rows = self.session.scalars(
            select(ProgramVersionRow)
            .where(ProgramVersionRow.user_id == self.user_id, ProgramVersionRow.program_id == program_id)
            .order_by(ProgramVersionRow.version)
        )
        return [_version(r) for r in rows]

    # --- messages --------------------------------------------------------------------------------

    def add_message(
        self, *, author_id: int | None, author_name: str, from_patient: bool, body: str, created_at: datetime
    ) -> MessageRecord:
        row = MessageRow(
            user_id=self.user_id,
            author_id=author_id,
            author_name=author_name,
            from_patient=from_patient,
            body=body,
            created_at=created_at,
        )
        self.session.add(row)
        self.session.flush()
        return _message(row)

    def messages(self, *, limit: int = 200) -> list[MessageRecord]:
        rows = self.session.scalars(
            select(MessageRow)
            .where(MessageRow.user_id == self.user_id)
            .order_by(MessageRow.created_at.desc(), MessageRow.id.desc())
            .limit(limit)
        ).all()
        return [_message(r) for r in reversed(rows)]

    def mark_read(self, *, from_patient: bool, up_to_id: int, at: datetime) -> int:
        """Mark the other side's messages up to ``up_to_id`` read; how many were unread."""
        done = self.session.execute(
            update(MessageRow)
            .where(
                MessageRow.user_id == self.user_id,
                MessageRow.from_patient.is_(from_patient),
                MessageRow.id <= up_to_id,
                MessageRow.read_at.is_(None),
            )
            .values(read_at=at)
        )
        return int(done.rowcount or 0)  # type: ignore[attr-defined]

    def unread_count(self, *, from_patient: bool) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(MessageRow)
                .where(
                    MessageRow.user_id == self.user_id,
                    MessageRow.from_patient.is_(from_patient),
                    MessageRow.read_at.is_(None),
                )
            )
            or 0
        )

    # --- the camera's findings -------------------------------------------------------------------

    def set_findings(self, set_id: int, counts: Mapping[str, int]) -> None:
        """Replace the findings stored for one set with ``counts`` (code -> reps with it)."""
        self.session.execute(
            delete(SetFindingRow).where(SetFindingRow.user_id == self.user_id, SetFindingRow.set_id == set_id)
        )
        self.session.add_all(
            SetFindingRow(user_id=self.user_id, set_id=set_id, code=code, reps=reps)
            for code, reps in sorted(counts.items())
            if reps > 0
        )
        self.session.flush()

    def findings(self, *, since: datetime | None = None) -> list[FindingCount]:
        query = (
            select(SetFindingRow, SetRow.workout_id, SetRow.exercise_id, SetRow.recorded_at)
            .join(SetRow, SetRow.id == SetFindingRow.set_id)
            .where(SetFindingRow.user_id == self.user_id)
            .order_by(SetRow.recorded_at, SetFindingRow.id)
        )
        if since is not None:
            query = query.where(SetRow.recorded_at >= since)
        return [
            FindingCount(row.set_id, workout_id, exercise_id, row.code, row.reps, as_utc(recorded_at))
            for row, workout_id, exercise_id, recorded_at in self.session.execute(query)
        ]

    # --- scheduled questionnaires ----------------------------------------------------------------

    def set_schedule(
        self, instrument: str, *, every_days: int | None, start_date: date, set_by: int | None, at: datetime
    ) -> None:
        row = self.session.scalars(
            select(QuestionnaireScheduleRow).where(
                QuestionnaireScheduleRow.user_id == self.user_id,
                QuestionnaireScheduleRow.instrument == instrument,
            )
        ).first()
        if row is None:
            row = QuestionnaireScheduleRow(user_id=self.user_id, instrument=instrument)
            self.session.add(row)
        row.every_days = every_days
        row.start_date = start_date
        row.set_by = set_by
        row.set_at = at
        self.session.flush()

    def remove_schedule(self, instrument: str) -> None:
        self.session.execute(
            delete(QuestionnaireScheduleRow).where(
                QuestionnaireScheduleRow.user_id == self.user_id,
                QuestionnaireScheduleRow.instrument == instrument,
            )
        )

    def schedules(self) -> list[ScheduleRecord]:
        rows = self.session.scalars(
            select(QuestionnaireScheduleRow)
            .where(QuestionnaireScheduleRow.user_id == self.user_id)
            .order_by(QuestionnaireScheduleRow.instrument)
        )
        return [ScheduleRecord(r.instrument, r.every_days, r.start_date, r.set_by) for r in rows]

    # --- templates (``user_id`` is the physiotherapist who owns them) -----------------------------

    def templates(self) -> list[TemplateRecord]:
        rows = self.session.scalars(
            select(ProgramTemplateRow)
            .where(ProgramTemplateRow.owner_id == self.user_id)
            .order_by(ProgramTemplateRow.name)
        )
        return [TemplateRecord(r) for r in rows]

    def template(self, template_id: int) -> TemplateRecord | None:
        row = self.session.get(ProgramTemplateRow, template_id)
        return TemplateRecord(row) if row is not None and row.owner_id == self.user_id else None

    def save_template(
        self,
        *,
        name: str,
        items: Sequence[Mapping[str, Any]],
        times_per_day: int,
        days_per_week: int,
        at: datetime,
    ) -> TemplateRecord:
        row = self.session.scalars(
            select(ProgramTemplateRow).where(
                ProgramTemplateRow.owner_id == self.user_id, ProgramTemplateRow.name == name
            )
        ).first()
        if row is None:
            row = ProgramTemplateRow(owner_id=self.user_id, name=name, created_at=at)
            self.session.add(row)
        row.items = json.dumps([dict(i) for i in items])
        row.times_per_day = times_per_day
        row.days_per_week = days_per_week
        self.session.flush()
        return TemplateRecord(row)
