"""A physiotherapist's caseload read in a few grouped queries: for all their patients at once, the
facts the patient list needs (prescribed schedule, workout days, pain, open stops, suggestions,
messages, outcome scores). One query per kind of fact, whatever the number of patients, so the list
of 500 patients with a year of workouts each stays fast. No rules here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, distinct, func, literal, or_, select
from sqlalchemy.orm import Session

from backcoach.domain.accounts import UserRecord
from backcoach.store.base import as_utc
from backcoach.store.rows import PainRatingRow, ProgramRow, SetRow, SettingRow, UserRow, WorkoutRow
from backcoach.store.rows_accounts import user_record
from backcoach.store.rows_safety import ProgressionProposalRow, QuestionnaireResponseRow, RedFlagScreenRow
from backcoach.store.rows_workspace import MessageRow

__all__ = ["CaseloadRepository", "DayBounds", "Schedule"]

ACTIVE_PROGRAM_KEY = "active_program"

Schedule = tuple[int, int, date | None]  # times a day, days a week, start date


@dataclass(frozen=True)
class DayBounds:
    """Consecutive local days and when each starts (an aware datetime, so a change of clock time
    in between is kept), to count rows per day in the database rather than row by row."""

    days: tuple[date, ...]
    starts: tuple[datetime, ...]
    end: datetime

    @classmethod
    def local(cls, first: date, last: date) -> DayBounds:
        count = (last - first).days + 1
        days = tuple(first + timedelta(days=n) for n in range(count))
        starts = tuple(_local_midnight(day) for day in days)
        return cls(days, starts, _local_midnight(last + timedelta(days=1)))

    def bit(self, column: Any) -> Any:
        """SQL: 2 to the power of the index (into ``days``) of the day ``column`` falls on."""
        whens = [(column < start, 1 << (n - 1)) for n, start in enumerate(self.starts) if n > 0]
        last = 1 << (len(self.days) - 1)
        return case(*whens, else_=last) if whens else literal(last)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).astimezone()


class CaseloadRepository:
    """Facts about every patient of one physiotherapist (``physio_id``), or one of them."""

    def __init__(self, session: Session, physio_id: int, patient_id: int | None = None) -> None:
        self.session = session
        self.physio_id = physio_id
        self._which = [UserRow.physio_id == physio_id, UserRow.role == "patient"]
        if patient_id is not None:  # one patient's facts (their page), read the same way
            self._which.append(UserRow.id == patient_id)
        self._mine = select(UserRow.id).where(*self._which)

    def patients(self) -> list[UserRecord]:
        rows = self.session.scalars(select(UserRow).where(*self._which).order_by(UserRow.name, UserRow.id))
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

    def workout_days(self, days: DayBounds) -> dict[int, set[date]]:
        """The local days (of ``days``) on which each patient did a workout that counts (finished,
        or with a set done): one row per patient, the days as the bits of a number summed in the
        database, so the list stays quick however many workouts there are."""
        has_set = select(SetRow.id).where(SetRow.workout_id == WorkoutRow.id).exists()
        query = (
            select(WorkoutRow.user_id, func.sum(distinct(days.bit(WorkoutRow.started_at))))
            .where(
                WorkoutRow.user_id.in_(self._mine),
                WorkoutRow.started_at >= days.starts[0],
                WorkoutRow.started_at < days.end,
                or_(WorkoutRow.status == "finished", has_set),
            )
            .group_by(WorkoutRow.user_id)
        )
        return {
            uid: {day for n, day in enumerate(days.days) if int(bits) >> n & 1}
            for uid, bits in self.session.execute(query)
        }

    def last_workouts(self, recent: datetime) -> dict[int, datetime]:
        """When each patient last started a workout: read from the workouts since ``recent``, and
        further back only for the patients with none since then."""
        kept = WorkoutRow.status != "abandoned"
        latest = select(WorkoutRow.user_id, func.max(WorkoutRow.started_at)).group_by(WorkoutRow.user_id)
        found = {
            uid: as_utc(last)
            for uid, last in self.session.execute(
                latest.where(WorkoutRow.user_id.in_(self._mine), WorkoutRow.started_at >= recent, kept)
            )
        }
        recently = select(WorkoutRow.id).where(
            WorkoutRow.user_id == UserRow.id, WorkoutRow.started_at >= recent, kept
        )
        idle = self._mine.where(~recently.exists())
        found.update(
            (uid, as_utc(last))
            for uid, last in self.session.execute(latest.where(WorkoutRow.user_id.in_(idle), kept))
            if last is not None
        )
        return found

    def daily_pain(self, days: DayBounds) -> dict[int, dict[date, int]]:
        """Each patient's highest pain rating of each local day of ``days`` (days with one): one row
        per patient with a column per day."""
        taken = PainRatingRow.taken_at
        ends = (*days.starts[1:], days.end)
        columns = [
            func.max(case(((taken >= start) & (taken < end), PainRatingRow.score)))
            for start, end in zip(days.starts, ends, strict=True)
        ]
        query = (
            select(PainRatingRow.user_id, *columns)
            .where(PainRatingRow.user_id.in_(self._mine), taken >= days.starts[0], taken < days.end)
            .group_by(PainRatingRow.user_id)
        )
        return {
            uid: {day: int(score) for day, score in zip(days.days, scores, strict=True) if score is not None}
            for uid, *scores in self.session.execute(query)
        }

    def flare_pain(
        self, since: datetime, recent: datetime, above: int
    ) -> dict[int, list[tuple[datetime, int, str]]]:
        """The ratings the flare rule reads: next-morning ratings since ``since`` (the usual
        morning pain and its rises), and ratings during exercise above ``above`` since ``recent``."""
        query = (
            select(PainRatingRow.user_id, PainRatingRow.taken_at, PainRatingRow.score, PainRatingRow.moment)
            .where(
                PainRatingRow.user_id.in_(self._mine),
                or_(
                    (PainRatingRow.moment == "next_morning") & (PainRatingRow.taken_at >= since),
                    (PainRatingRow.moment == "during")
                    & (PainRatingRow.score > above)
                    & (PainRatingRow.taken_at >= recent),
                ),
            )
            .order_by(PainRatingRow.taken_at, PainRatingRow.id)
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
        if status == "applied":  # applied at once by the rules: until the physiotherapist looked
            query = query.where(ProgressionProposalRow.decided_by.is_(None))
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
