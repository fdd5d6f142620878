"""A physiotherapist's caseload read in a few grouped queries: for all their patients at once, the
facts the patient list needs (prescribed schedule, workout days, pain, open stops, suggestions,
messages, outcome scores). One query per kind of fact, whatever the number of patients, so the list
of 500 patients with a year of workouts each stays fast. No rules here."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backcoach.domain.accounts import UserRecord
from backcoach.store.base import as_utc
from backcoach.store.rows import PainRatingRow, ProgramRow, SetRow, SettingRow, UserRow, WorkoutRow
from backcoach.store.rows_accounts import user_record
from backcoach.store.rows_safety import ProgressionProposalRow, QuestionnaireResponseRow, RedFlagScreenRow
from backcoach.store.rows_workspace import MessageRow

__all__ = ["CaseloadRepository", "Schedule"]

ACTIVE_PROGRAM_KEY = "active_program"

Schedule = tuple[int, int, date | None]  # times a day, days a week, start date


class CaseloadRepository:
    """Facts about every patient of one physiotherapist (``physio_id``)."""

    def __init__(self, session: Session, physio_id: int) -> None:
        self.session = session
        self.physio_id = physio_id
        self._mine = select(UserRow.id).where(UserRow.physio_id == physio_id, UserRow.role == "patient")

    def patients(self) -> list[UserRecord]:
        rows = self.session.scalars(
            select(UserRow)
            .where(UserRow.physio_id == self.physio_id, UserRow.role == "patient")
            .order_by(UserRow.name, UserRow.id)
        )
        return [user_record(r) for r in rows]

    def schedules(self) -> dict[int, Schedule]:
        """Each patient's active program: times a day, days a week, and its start date."""
        query = (
            select(
                SettingRow.user_id, ProgramRow.times_per_day, ProgramRow.days_per_week, ProgramRow.start_date
            )
            .join(
                ProgramRow, (ProgramRow.user_id == SettingRow.user_id) & (ProgramRow.slug == SettingRow.value)
            )
            .where(SettingRow.key == ACTIVE_PROGRAM_KEY, SettingRow.user_id.in_(self._mine))
        )
        return {uid: (tpd, dpw, start) for uid, tpd, dpw, start in self.session.execute(query)}

    def workout_times(self, since: datetime) -> dict[int, list[datetime]]:
        """When each patient's workouts that count (finished, or with a set done) started."""
        with_sets = select(SetRow.workout_id).where(SetRow.user_id.in_(self._mine)).distinct()
        query = (
            select(WorkoutRow.user_id, WorkoutRow.started_at)
            .where(
                WorkoutRow.user_id.in_(self._mine),
                WorkoutRow.started_at >= since,
                or_(WorkoutRow.status == "finished", WorkoutRow.id.in_(with_sets)),
            )
            .order_by(WorkoutRow.started_at)
        )
        found: dict[int, list[datetime]] = defaultdict(list)
        for uid, started in self.session.execute(query):
            found[uid].append(as_utc(started))
        return found

    def last_workouts(self) -> dict[int, datetime]:
        query = (
            select(WorkoutRow.user_id, func.max(WorkoutRow.started_at))
            .where(WorkoutRow.user_id.in_(self._mine), WorkoutRow.status != "abandoned")
            .group_by(WorkoutRow.user_id)
        )
        return {uid: as_utc(last) for uid, last in self.session.execute(query) if last is not None}

    def pain(self, since: datetime) -> dict[int, list[tuple[datetime, int, str]]]:
        query = (
            select(PainRatingRow.user_id, PainRatingRow.taken_at, PainRatingRow.score, PainRatingRow.moment)
            .where(PainRatingRow.user_id.in_(self._mine), PainRatingRow.taken_at >= since)
            .order_by(PainRatingRow.taken_at)
        )
        found: dict[int, list[tuple[datetime, int, str]]] = defaultdict(list)
        for uid, taken, score, moment in self.session.execute(query):
            found[uid].append((as_utc(taken), score, moment))
        return found

    def open_stops(self) -> dict[int, str]:
        """Each patient's most serious stop not yet cleared: "urgent" or "stop"."""
        query = select(RedFlagScreenRow.user_id, RedFlagScreenRow.tier).where(
            RedFlagScreenRow.user_id.in_(self._mine),
            RedFlagScreenRow.tier.in_(("urgent", "stop")),
            RedFlagScreenRow.cleared_at.is_(None),
        )
        found: dict[int, str] = {}
        for uid, tier in self.session.execute(query):
            if found.get(uid) != "urgent":
                found[uid] = tier
        return found

    def advisories(self) -> set[int]:
        """Patients whose latest screen gave advice to mention (advisory answers)."""
        latest = (
            select(RedFlagScreenRow.user_id, func.max(RedFlagScreenRow.id).label("last_id"))
            .where(RedFlagScreenRow.user_id.in_(self._mine))
            .group_by(RedFlagScreenRow.user_id)
            .subquery()
        )
        query = (
            select(RedFlagScreenRow.user_id)
            .join(latest, latest.c.last_id == RedFlagScreenRow.id)
            .where(RedFlagScreenRow.tier == "advisory")
        )
        return set(self.session.scalars(query))

    def suggestions(self, status: str, since: datetime | None = None) -> dict[int, int]:
        query = (
            select(ProgressionProposalRow.user_id, func.count())
            .where(ProgressionProposalRow.user_id.in_(self._mine), ProgressionProposalRow.status == status)
            .group_by(ProgressionProposalRow.user_id)
        )
        if since is not None:
            query = query.where(ProgressionProposalRow.decided_at >= since)
        return {uid: int(n) for uid, n in self.session.execute(query)}

    def unread_from_patients(self) -> dict[int, int]:
        query = (
            select(MessageRow.user_id, func.count())
            .where(
                MessageRow.user_id.in_(self._mine),
                MessageRow.from_patient.is_(True),
                MessageRow.read_at.is_(None),
            )
            .group_by(MessageRow.user_id)
        )
        return {uid: int(n) for uid, n in self.session.execute(query)}

    def responses(self) -> dict[int, list[tuple[str, datetime, float]]]:
        query = (
            select(
                QuestionnaireResponseRow.user_id,
                QuestionnaireResponseRow.instrument,
                QuestionnaireResponseRow.taken_at,
                QuestionnaireResponseRow.score,
            )
            .where(QuestionnaireResponseRow.user_id.in_(self._mine))
            .order_by(QuestionnaireResponseRow.taken_at, QuestionnaireResponseRow.id)
        )
        found: dict[int, list[tuple[str, datetime, float]]] = defaultdict(list)
        for uid, instrument, taken, score in self.session.execute(query):
            found[uid].append((instrument, as_utc(taken), score))
        return found
