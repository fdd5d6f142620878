"""The repository: reads and writes rows for one user and hands back domain records.

One ``Repository`` wraps one SQLAlchemy session and one user id; every query is filtered by that
user. Programs come back as ``backcoach.domain.programs.Program`` (their fixed dose fields filled
from the catalogue), workouts as ``WorkoutRecord`` and so on. No rules live here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, or_, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from backcoach.domain.accounts import UserRecord
from backcoach.domain.catalogue_loader import Catalogue
from backcoach.domain.exercises import Dosage
from backcoach.domain.programs import DoseLimit, Prescription, Program, ProgramItem
from backcoach.domain.records import DoseChangeRecord, NoteRecord, PainRecord, SetRecord, WorkoutRecord
from backcoach.store.base import Base, as_utc
from backcoach.store.rows import (
    DoseChangeRow,
    NoteRow,
    PainRatingRow,
    ProgramItemRow,
    ProgramRow,
    SetRow,
    SettingRow,
    UserRow,
    WorkoutRow,
    utc_now,
)
from backcoach.store.rows_accounts import user_record
from backcoach.store.rows_jobs import JobRepository
from backcoach.store.rows_safety import SafetyRepository
from backcoach.store.workspace import WorkspaceRepository

__all__ = ["LOCAL_USER_NAME", "Repository", "as_utc", "ensure_local_user"]

LOCAL_USER_NAME = "local"


def ensure_local_user(session: Session) -> UserRecord:
    """The one local user of personal mode, made on first run. Safe when two processes start at
    once: the database keeps one local user, and the loser of the race reads the winner's."""
    query = select(UserRow).where(UserRow.is_local.is_(True)).order_by(UserRow.id)
    row = session.scalars(query).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    UserRow(name=LOCAL_USER_NAME, is_local=True, role="patient", created_at=utc_now())
                )
        except IntegrityError:
            pass
        row = session.scalars(query).one()
    return user_record(row)


def _set_record(row: SetRow) -> SetRecord:
    return SetRecord(
        id=row.id,
        workout_id=row.workout_id,
        exercise_id=row.exercise_id,
        set_number=row.set_number,
        side=row.side,
        reps=row.reps,
        hold_s=row.hold_s,
        source=row.source,
        recorded_at=as_utc(row.recorded_at),
        client_id=row.client_id,
        camera_reps=row.camera_reps,
    )


def _read_time(column: Any) -> Any:
    """A time column read as the driver gives it, for queries of hundreds of rows: SQLite's text is
    parsed by ``_time_value`` in C, many times faster than the ORM's own parsing of each value."""
    return type_coerce(column, String)


def _time_value(value: datetime | str) -> datetime:
    """A time read with ``_read_time``: a datetime (PostgreSQL) or ISO text (SQLite), as UTC."""
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def _pain_record(row: PainRatingRow) -> PainRecord:
    return PainRecord(
        id=row.id,
        score=row.score,
        moment=row.moment,
        taken_at=as_utc(row.taken_at),
        workout_id=row.workout_id,
        exercise_id=row.exercise_id,
        client_id=row.client_id,
    )


def _note_record(row: NoteRow) -> NoteRecord:
    return NoteRecord(id=row.id, text=row.text, created_at=as_utc(row.created_at), workout_id=row.workout_id)


def _workout_record(row: WorkoutRow, *, with_details: bool = True) -> WorkoutRecord:
    return WorkoutRecord(
        id=row.id,
        program_slug=row.program_slug,
        program_name=row.program_name,
        status=row.status,
        started_at=as_utc(row.started_at),
        finished_at=as_utc(row.finished_at) if row.finished_at else None,
        sets=tuple(_set_record(s) for s in row.sets) if with_details else (),
        pain=tuple(_pain_record(p) for p in row.pain_ratings) if with_details else (),
        notes=tuple(_note_record(n) for n in row.notes) if with_details else (),
        easier=bool(row.easier),
    )


class Repository:
    """Rows of one user through one session."""

    def __init__(self, session: Session, user_id: int) -> None:
        self.session = session
        self.user_id = user_id

    @property
    def safety(self) -> SafetyRepository:
        """The safety rows (screens, re-screens, questionnaires, suggestions) on the same session."""
        return SafetyRepository(self.session, self.user_id)

    @property
    def workspace(self) -> WorkspaceRepository:
        """Program versions, messages, camera findings and schedules, on the same session."""
        return WorkspaceRepository(self.session, self.user_id)

    @property
    def jobs(self) -> JobRepository:
        """The video analysis jobs, in this session."""
        return JobRepository(self.session)

    # --- the whole record, table by table (the export) ---------------------------------------

    @staticmethod
    def table_columns(table_name: str) -> list[str]:
        return [c.name for c in Base.metadata.tables[table_name].columns]

    def own_rows(self, table_name: str) -> list[dict[str, Any]]:
        """Every row of ``table_name`` belonging to this user, oldest first, as column -> value."""
        table = Base.metadata.tables[table_name]
        if "user_id" in table.c:
            mine = table.c.user_id == self.user_id
        else:  # the audit log names a person as the one acting or the one acted on
            mine = or_(table.c.subject_id == self.user_id, table.c.actor_id == self.user_id)
        query = select(table).where(mine).order_by(table.c.id)
        return [dict(row) for row in self.session.execute(query).mappings()]

    def own_user(self) -> dict[str, Any]:
        """This user's own row, as column -> value."""
        table = Base.metadata.tables["users"]
        row = self.session.execute(select(table).where(table.c.id == self.user_id)).mappings().one()
        return dict(row)

    # --- settings ----------------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        row = self.session.scalars(
            select(SettingRow).where(SettingRow.user_id == self.user_id, SettingRow.key == key)
        ).first()
        return row.value if row else None

    def set_setting_once(self, key: str, value: str) -> None:
        """Set ``key`` unless it is set already (a concurrent first set wins)."""
        try:
            with self.session.begin_nested():
                self.session.add(SettingRow(user_id=self.user_id, key=key, value=value))
        except IntegrityError:
            pass

    def set_setting(self, key: str, value: str) -> None:
        row = self.session.scalars(
            select(SettingRow).where(SettingRow.user_id == self.user_id, SettingRow.key == key)
        ).first()
        if row is None:
            self.session.add(SettingRow(user_id=self.user_id, key=key, value=value))
        else:
            row.value = value
        self.session.flush()

    # --- programs ----------------------------------------------------------------------------

    def _program_row(self, slug: str) -> ProgramRow | None:
        return self.session.scalars(
            select(ProgramRow)
            .where(ProgramRow.user_id == self.user_id, ProgramRow.slug == slug)
            .options(selectinload(ProgramRow.items))
        ).first()

    def program_exists(self, slug: str) -> bool:
        return self._program_row(slug) is not None

    def program_slugs(self) -> list[str]:
        return list(
            self.session.scalars(
                select(ProgramRow.slug).where(ProgramRow.user_id == self.user_id).order_by(ProgramRow.id)
            )
        )

    def list_programs(self, catalogue: Catalogue) -> list[Program]:
        rows = self.session.scalars(
            select(ProgramRow)
            .where(ProgramRow.user_id == self.user_id)
            .options(selectinload(ProgramRow.items))
            .order_by(ProgramRow.builtin.desc(), ProgramRow.id)
        )
        return [self._to_program(row, catalogue) for row in rows]

    def get_program(self, slug: str, catalogue: Catalogue) -> Program | None:
        row = self._program_row(slug)
        return self._to_program(row, catalogue) if row else None

    @staticmethod
    def _to_program(row: ProgramRow, catalogue: Catalogue) -> Program:
        items = []
        for item in row.items:
            if item.exercise_id not in catalogue:
                continue  # an exercise dropped from the catalogue: leave it out rather than fail
            base = catalogue.get(item.exercise_id).dosage
            dosage = dataclasses.replace(
                base, sets=item.sets, reps=item.reps, hold_s=item.hold_s, rest_s=item.rest_s
            )
            limit = None
            if item.progress_max_sets is not None and item.progress_max_reps is not None:
                limit = DoseLimit(
                    item.progress_max_sets, item.progress_max_reps, item.progress_max_hold_s or 0.0
                )
            items.append(ProgramItem(item.exercise_id, dosage, item.variant, item.instruction or "", limit))
        prescription = None
        if row.prescribed_at is not None:
            prescription = Prescription(
                prescribed_by_id=row.prescribed_by,
                prescribed_by_name=row.prescriber.name if row.prescriber is not None else "",
                prescribed_at=as_utc(row.prescribed_at),
                version=row.version,
                start_date=row.start_date,
            )
        return Program(
            slug=row.slug,
            name=row.name,
            description=row.description,
            items=tuple(items),
            times_per_day=row.times_per_day,
            days_per_week=row.days_per_week,
            builtin=row.builtin,
            prescription=prescription,
        )

    def save_program_once(self, program: Program) -> None:
        """Insert ``program`` unless one with its slug is there (a concurrent insert wins)."""
        try:
            with self.session.begin_nested():
                self.save_program(program)
        except IntegrityError:
            pass

    def save_program(self, program: Program, *, previous_slug: str | None = None) -> None:
        """Insert ``program``, or replace the one stored under ``previous_slug`` (or its own slug)."""
        row = self._program_row(previous_slug or program.slug)
        now = utc_now()
        if row is None:
            row = ProgramRow(user_id=self.user_id, slug=program.slug, created_at=now)
            self.session.add(row)
        row.slug = program.slug
        row.name = program.name
        row.description = program.description
        row.builtin = program.builtin
        row.times_per_day = program.times_per_day
        row.days_per_week = program.days_per_week
        row.updated_at = now
        if program.prescription is not None:
            row.prescribed_by = program.prescription.prescribed_by_id
            row.prescribed_at = program.prescription.prescribed_at
            row.start_date = program.prescription.start_date
            row.version = program.prescription.version
        row.items.clear()
        self.session.flush()  # delete old positions before new ones take them
        for position, item in enumerate(program.items):
            limit = item.self_progress_limit
            row.items.append(
                ProgramItemRow(
                    user_id=self.user_id,
                    position=position,
                    exercise_id=item.exercise_id,
                    sets=item.dosage.sets,
                    reps=item.dosage.reps,
                    hold_s=float(item.dosage.hold_s),
                    rest_s=float(item.dosage.rest_s),
                    variant=item.variant,
                    instruction=item.instruction,
                    progress_max_sets=limit.max_sets if limit else None,
                    progress_max_reps=limit.max_reps if limit else None,
                    progress_max_hold_s=float(limit.max_hold_s) if limit else None,
                )
            )
        self.session.flush()

    def program_id(self, slug: str) -> int | None:
        return self.session.scalar(
            select(ProgramRow.id).where(ProgramRow.user_id == self.user_id, ProgramRow.slug == slug)
        )

    def set_program_description(self, slug: str, description: str) -> None:
        row = self.session.scalars(
            select(ProgramRow).where(ProgramRow.user_id == self.user_id, ProgramRow.slug == slug)
        ).first()
        if row is not None and row.description != description:
            row.description = description
            self.session.flush()

    def delete_program(self, slug: str) -> bool:
        row = self._program_row(slug)
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True

    def set_item_dosage(
        self, slug: str, exercise_id: str, dosage: Dosage, reason: str, *, changed_by: int | None = None
    ) -> bool:
        """Change one exercise's dose in a program and write the change to the dose history."""
        row = self._program_row(slug)
        if row is None:
            return False
        item = next((i for i in row.items if i.exercise_id == exercise_id), None)
        if item is None:
            return False
        self.session.add(
            DoseChangeRow(
                user_id=self.user_id,
                program_id=row.id,
                exercise_id=exercise_id,
                changed_at=utc_now(),
                reason=reason,
                sets=dosage.sets,
                reps=dosage.reps,
                hold_s=float(dosage.hold_s),
                rest_s=float(dosage.rest_s),
                previous_sets=item.sets,
                previous_reps=item.reps,
                previous_hold_s=item.hold_s,
                previous_rest_s=item.rest_s,
                changed_by=changed_by,
            )
        )
        item.sets = dosage.sets
        item.reps = dosage.reps
        item.hold_s = float(dosage.hold_s)
        item.rest_s = float(dosage.rest_s)
        row.updated_at = utc_now()
        self.session.flush()
        return True

    def dose_changes(self, slug: str | None = None, exercise_id: str | None = None) -> list[DoseChangeRecord]:
        query = (
            select(DoseChangeRow, ProgramRow.slug, UserRow.name)
            .join(ProgramRow, ProgramRow.id == DoseChangeRow.program_id)
            .outerjoin(UserRow, UserRow.id == DoseChangeRow.changed_by)
            .where(DoseChangeRow.user_id == self.user_id)
            .order_by(DoseChangeRow.changed_at, DoseChangeRow.id)
        )
        if slug is not None:
            query = query.where(ProgramRow.slug == slug)
        if exercise_id is not None:
            query = query.where(DoseChangeRow.exercise_id == exercise_id)
        return [
            DoseChangeRecord(
                id=row.id,
                program_slug=program_slug,
                exercise_id=row.exercise_id,
                changed_at=as_utc(row.changed_at),
                reason=row.reason,
                sets=row.sets,
                reps=row.reps,
                hold_s=row.hold_s,
                rest_s=row.rest_s,
                previous_sets=row.previous_sets,
                previous_reps=row.previous_reps,
                previous_hold_s=row.previous_hold_s,
                previous_rest_s=row.previous_rest_s,
                changed_by_name=changed_by_name or "",
            )
            for row, program_slug, changed_by_name in self.session.execute(query)
        ]

    # --- workouts ----------------------------------------------------------------------------

    def _workout_row(self, workout_id: int, *, with_rows: bool = True) -> WorkoutRow | None:
        query = select(WorkoutRow).where(WorkoutRow.user_id == self.user_id, WorkoutRow.id == workout_id)
        if with_rows:
            query = query.options(
                selectinload(WorkoutRow.sets),
                selectinload(WorkoutRow.pain_ratings),
                selectinload(WorkoutRow.notes),
            )
        return self.session.scalars(query).first()

    def workout_status(self, workout_id: int) -> str | None:
        """The workout's status (None when there is no such workout), without loading its rows."""
        status: str | None = self.session.scalars(
            select(WorkoutRow.status).where(WorkoutRow.user_id == self.user_id, WorkoutRow.id == workout_id)
        ).first()
        return status

    def workout_exists(self, workout_id: int) -> bool:
        return self.workout_status(workout_id) is not None

    def set_by_client_id(self, workout_id: int, client_id: str) -> SetRecord | None:
        """The set of this workout stored under ``client_id``, if any."""
        row = self.session.scalars(
            select(SetRow).where(
                SetRow.user_id == self.user_id, SetRow.workout_id == workout_id, SetRow.client_id == client_id
            )
        ).first()
        return _set_record(row) if row is not None else None

    def get_workout(self, workout_id: int) -> WorkoutRecord | None:
        row = self._workout_row(workout_id)
        return _workout_record(row) if row else None

    def create_workout(self, program_slug: str, program_name: str, started_at: datetime) -> WorkoutRecord:
        program = self._program_row(program_slug)
        row = WorkoutRow(
            user_id=self.user_id,
            program_id=program.id if program else None,
            program_slug=program_slug,
            program_name=program_name,
            status="in_progress",
            easier=False,
            started_at=started_at,
        )
        self.session.add(row)
        self.session.flush()
        return WorkoutRecord(
            id=row.id,
            program_slug=program_slug,
            program_name=program_name,
            status="in_progress",
            started_at=as_utc(started_at),
        )

    def create_workout_once(
        self, program_slug: str, program_name: str, started_at: datetime
    ) -> WorkoutRecord | None:
        """``create_workout``, or None when another workout of this person is in progress already (the
        database holds one at most, even when two processes start one at once)."""
        try:
            with self.session.begin_nested():
                return self.create_workout(program_slug, program_name, started_at)
        except IntegrityError:
            return None

    def set_workout_easier(self, workout_id: int) -> bool:
        row = self.session.get(WorkoutRow, workout_id)
        if row is None or row.user_id != self.user_id:
            return False
        row.easier = True
        self.session.flush()
        return True

    def set_workout_status(self, workout_id: int, status: str, finished_at: datetime | None) -> bool:
        row = self._workout_row(workout_id, with_rows=False)
        if row is None:
            return False
        row.status = status
        row.finished_at = finished_at
        self.session.flush()
        return True

    def list_workouts(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[WorkoutRecord]:
        query = (
            select(WorkoutRow)
            .where(WorkoutRow.user_id == self.user_id)
            .options(
                selectinload(WorkoutRow.sets),
                selectinload(WorkoutRow.pain_ratings),
                selectinload(WorkoutRow.notes),
            )
        )
        if since is not None:
            query = query.where(WorkoutRow.started_at >= since)
        if until is not None:
            query = query.where(WorkoutRow.started_at < until)
        if status is not None:
            query = query.where(WorkoutRow.status == status)
        order = (
            (WorkoutRow.started_at.desc(), WorkoutRow.id.desc())
            if newest_first
            else (
                WorkoutRow.started_at,
                WorkoutRow.id,
            )
        )
        query = query.order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        return [_workout_record(row) for row in self.session.scalars(query)]

    def _counts(self) -> Any:
        """Whether a workout counts as done: finished, or with at least one set stored (in SQL)."""
        has_set = select(SetRow.id).where(SetRow.workout_id == WorkoutRow.id).exists()
        return or_(WorkoutRow.status == "finished", has_set)

    def counted_workout_starts(self, *, until: datetime | None = None) -> list[datetime]:
        """When each workout that counts as done started, newest first, without loading any rows."""
        query = select(_read_time(WorkoutRow.started_at)).where(
            WorkoutRow.user_id == self.user_id, self._counts()
        )
        if until is not None:
            query = query.where(WorkoutRow.started_at < until)
        return [_time_value(t) for t in self.session.scalars(query.order_by(WorkoutRow.started_at.desc()))]

    def set_totals(self) -> list[tuple[str, datetime, str, int, int, float]]:
        """Per exercise, workout and source: (exercise id, the workout's start, source, sets, reps,
        reps times seconds per hold), summed by the database, for the charts."""
        query = (
            select(
                SetRow.exercise_id,
                _read_time(WorkoutRow.started_at),
                SetRow.source,
                func.count(SetRow.id),
                func.sum(SetRow.reps),
                func.sum(SetRow.reps * SetRow.hold_s),
            )
            .join(WorkoutRow, WorkoutRow.id == SetRow.workout_id)
            .where(SetRow.user_id == self.user_id)
            .group_by(SetRow.exercise_id, WorkoutRow.id, WorkoutRow.started_at, SetRow.source)
        )
        return [
            (e, _time_value(t), str(src), int(n), int(reps or 0), float(held or 0.0))
            for e, t, src, n, reps, held in self.session.execute(query)
        ]

    def pain_points(self) -> list[tuple[datetime, int, str]]:
        """(taken at, score, moment) of every pain rating, oldest first, as plain values."""
        query = (
            select(_read_time(PainRatingRow.taken_at), PainRatingRow.score, PainRatingRow.moment)
            .where(PainRatingRow.user_id == self.user_id)
            .order_by(PainRatingRow.taken_at, PainRatingRow.id)
        )
        return [(_time_value(t), int(score), str(moment)) for t, score, moment in self.session.execute(query)]

    def has_workouts(self) -> bool:
        query = select(WorkoutRow.id).where(WorkoutRow.user_id == self.user_id).limit(1)
        return self.session.scalar(query) is not None

    def count_counted_workouts(self) -> int:
        query = select(func.count(WorkoutRow.id)).where(WorkoutRow.user_id == self.user_id, self._counts())
        return int(self.session.scalar(query) or 0)

    def in_progress_workout(self) -> WorkoutRecord | None:
        found = self.list_workouts(status="in_progress", limit=1)
        return found[0] if found else None

    # --- sets, pain, notes ---------------------------------------------------------------------

    def find_set(self, client_id: str) -> SetRecord | None:
        row = self.session.scalars(
            select(SetRow).where(SetRow.user_id == self.user_id, SetRow.client_id == client_id)
        ).first()
        return _set_record(row) if row else None

    def upsert_set(
        self,
        workout_id: int,
        *,
        exercise_id: str,
        set_number: int,
        side: str | None,
        reps: int,
        hold_s: float,
        source: str,
        client_id: str | None,
        recorded_at: datetime,
        camera_reps: int | None = None,
    ) -> SetRecord:
        """Insert a set, or update the one with the same ``client_id`` (so a retry never doubles it)."""
        row = None
        if client_id is not None:
            row = self.session.scalars(
                select(SetRow).where(SetRow.user_id == self.user_id, SetRow.client_id == client_id)
            ).first()
        if row is None:
            row = SetRow(user_id=self.user_id, workout_id=workout_id, client_id=client_id)
            self.session.add(row)
        row.workout_id = workout_id
        row.exercise_id = exercise_id
        row.set_number = set_number
        row.side = side
        row.reps = reps
        row.hold_s = float(hold_s)
        row.source = source
        row.recorded_at = recorded_at
        if camera_reps is not None:
            row.camera_reps = camera_reps
        self.session.flush()
        return _set_record(row)

    def sets_for_exercise(self, exercise_id: str) -> list[tuple[SetRecord, datetime]]:
        """Every set of ``exercise_id`` with its workout's start time, oldest first."""
        query = (
            select(SetRow, WorkoutRow.started_at)
            .join(WorkoutRow, WorkoutRow.id == SetRow.workout_id)
            .where(SetRow.user_id == self.user_id, SetRow.exercise_id == exercise_id)
            .order_by(SetRow.recorded_at, SetRow.id)
        )
        return [(_set_record(row), as_utc(started)) for row, started in self.session.execute(query)]

    def all_sets(self) -> list[SetRecord]:
        query = select(SetRow).where(SetRow.user_id == self.user_id).order_by(SetRow.recorded_at, SetRow.id)
        return [_set_record(row) for row in self.session.scalars(query)]

    def add_pain(
        self,
        *,
        score: int,
        moment: str,
        taken_at: datetime,
        workout_id: int | None,
        exercise_id: str | None,
        client_id: str | None,
    ) -> PainRecord:
        """Insert a pain rating, or update the one with the same ``client_id``."""
        row = None
        if client_id is not None:
            row = self.session.scalars(
                select(PainRatingRow).where(
                    PainRatingRow.user_id == self.user_id, PainRatingRow.client_id == client_id
                )
            ).first()
        if row is None:
            row = PainRatingRow(user_id=self.user_id, client_id=client_id)
            self.session.add(row)
        row.score = score
        row.moment = moment
        row.taken_at = taken_at
        row.workout_id = workout_id
        row.exercise_id = exercise_id
        self.session.flush()
        return _pain_record(row)

    def list_pain(self, *, since: datetime | None = None) -> list[PainRecord]:
        query = select(PainRatingRow).where(PainRatingRow.user_id == self.user_id)
        if since is not None:
            query = query.where(PainRatingRow.taken_at >= since)
        query = query.order_by(PainRatingRow.taken_at, PainRatingRow.id)
        return [_pain_record(row) for row in self.session.scalars(query)]

    def add_note(self, text: str, *, workout_id: int | None, created_at: datetime) -> NoteRecord:
        row = NoteRow(user_id=self.user_id, workout_id=workout_id, text=text, created_at=created_at)
        self.session.add(row)
        self.session.flush()
        return _note_record(row)

    def list_notes(self) -> list[NoteRecord]:
        query = (
            select(NoteRow).where(NoteRow.user_id == self.user_id).order_by(NoteRow.created_at, NoteRow.id)
        )
        return [_note_record(row) for row in self.session.scalars(query)]

    def workouts_by_id(self, ids: Iterable[int]) -> dict[int, WorkoutRecord]:
        wanted = set(ids)
        if not wanted:
            return {}
        rows = self.session.scalars(
            select(WorkoutRow).where(WorkoutRow.user_id == self.user_id, WorkoutRow.id.in_(wanted))
        )
        return {row.id: _workout_record(row, with_details=False) for row in rows}
