"""The physiotherapist's workspace: their patients sorted by who needs attention, and for one patient
what the camera saw, the messages between them, and the questionnaires scheduled. Messages and
schedules are for the patient too (their side of the thread, questionnaires due on Today).

The context's ``actor`` is the physiotherapist (or the patient, for their own thread), ``user_id``
the patient whose record it is; routes check that the patient is the physiotherapist's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backcoach.domain.accounts import UserRecord
from backcoach.domain.attention import (
    PAIN_ACCEPTABLE_MAX,
    RECENT_DAYS,
    Flag,
    PatientFacts,
    adherence,
    flags_for,
    sort_key,
)
from backcoach.domain.outcomes import compare_scores
from backcoach.domain.questionnaires import load_instruments
from backcoach.domain.records import MessageRecord, ScheduleRecord
from backcoach.services import audit
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, NotAllowed, NotSignedIn
from backcoach.store.caseload import CaseloadRepository, DayBounds

__all__ = [
    "MESSAGE_MAX_CHARS",
    "CameraExercise",
    "PatientSummary",
    "camera_summary",
    "due_questionnaires",
    "mark_read",
    "patient_summaries",
    "schedules",
    "send_message",
    "set_schedule",
    "thread",
    "unread_count",
]

MESSAGE_MAX_CHARS = 2000
SPARKLINE_DAYS = 14


def _local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).astimezone()


@dataclass(frozen=True)
class PatientSummary:
    """One row of the patient list."""

    patient: UserRecord
    flags: tuple[Flag, ...]
    last_workout: datetime | None
    this_week_done: int
    this_week_prescribed: int
    adherence_14: float | None
    adherence_30: float | None
    # (day, highest pain that day or None) for the last 14 days, oldest first
    pain_days: tuple[tuple[date, int | None], ...]
    # (name, latest score, "better" / "worse" / "" when the change from the first is meaningful)
    outcomes: tuple[tuple[str, float, str], ...]


def _staff(ctx: AppContext) -> int:
    if ctx.actor is None:
        raise NotSignedIn("Please sign in first.")
    if not ctx.actor.is_staff:
        raise NotAllowed("This is for physiotherapists.")
    return ctx.actor.user_id


def _outcomes(rows: list[tuple[str, datetime, float]]) -> tuple[list[tuple[str, float, str]], list[str]]:
    instruments = load_instruments()
    by_instrument: dict[str, list[float]] = defaultdict(list)
    for instrument, _taken, score in rows:
        by_instrument[instrument].append(score)
    shown: list[tuple[str, float, str]] = []
    worse: list[str] = []
    for instrument, scores in by_instrument.items():
        if instrument not in instruments or instrument == "startback":
            continue
        name = instruments[instrument].name
        marker = ""
        if len(scores) >= 2:
            change = compare_scores(instrument, scores[0], scores[-1])
            if change.meaningful:
                marker = change.direction
                if change.direction == "worse":
                    worse.append(name)
        shown.append((name, scores[-1], marker))
    return shown, worse


def patient_summaries(
    ctx: AppContext, query: str = "", *, patient_id: int | None = None
) -> list[PatientSummary]:
    """The acting physiotherapist's patients, those needing attention first (see
    ``backcoach.domain.attention``), then by name; ``query`` keeps those whose name or e-mail has
    it (``patient_id``: that one patient alone). A handful of grouped queries whatever the number
    of patients."""
    physio = _staff(ctx)
    now = ctx.clock.now()
    today = _local_day(now)
    month = DayBounds.local(today - timedelta(days=29), today)
    fortnight = DayBounds.local(today - timedelta(days=SPARKLINE_DAYS - 1), today)
    recent = _day_start(today - timedelta(days=RECENT_DAYS - 1))
    with ctx.session() as session:
        caseload = CaseloadRepository(session, physio, patient_id)
        patients = caseload.patients()
        schedules = caseload.schedules()
        workout_days = caseload.workout_days(month)
        last = caseload.last_workouts(month.starts[0])
        flare_pain = caseload.flare_pain(month.starts[0], recent, PAIN_ACCEPTABLE_MAX)
        daily_pain = caseload.daily_pain(fortnight)
        stops = caseload.open_stops()
        advisories = caseload.advisories()
        waiting = caseload.suggestions("pending")
        eased = caseload.suggestions("applied", since=now - timedelta(days=7))
        unread = caseload.unread_from_patients()
        responses = caseload.responses()
    needle = query.strip().lower()
    week_start = today - timedelta(days=today.weekday())
    summaries = []
    for patient in patients:
        if needle and needle not in patient.name.lower() and needle not in (patient.email or ""):
            continue
        times_per_day, days_per_week, start = schedules.get(patient.id, (1, 0, None))
        days = sorted(workout_days.get(patient.id, ()))
        shown, worse = _outcomes(responses.get(patient.id, []))
        facts = PatientFacts(
            today=today,
            workouts_per_week=times_per_day * days_per_week if patient.active else 0,
            program_start=start,
            joined_on=_local_day(patient.privacy_accepted_at or patient.created_at),
            last_workout=last.get(patient.id),
            workout_days=days,
            pain=flare_pain.get(patient.id, []),
            open_stop=stops.get(patient.id),
            advisory=patient.id in advisories,
            outcome_worse=worse,
            doses_eased=eased.get(patient.id, 0),
            suggestions_waiting=waiting.get(patient.id, 0),
            unread_messages=unread.get(patient.id, 0),
        )
        daily = daily_pain.get(patient.id, {})
        sparkline = tuple((day, daily.get(day)) for day in fortnight.days)
        summaries.append(
            PatientSummary(
                patient=patient,
                flags=flags_for(facts, inactive_days=ctx.settings.inactive_days),
                last_workout=facts.last_workout,
                this_week_done=sum(1 for d in days if d >= week_start),
                this_week_prescribed=facts.workouts_per_week,
                adherence_14=adherence(facts, 14),
                adherence_30=adherence(facts, 30),
                pain_days=sparkline,
                outcomes=tuple(shown),
            )
        )
    summaries.sort(key=lambda s: sort_key(s.flags, s.patient.name))
    return summaries


# --- what the camera saw -------------------------------------------------------------------------


@dataclass(frozen=True)
class CameraExercise:
    """For one exercise over a period: reps the camera counted against reps kept (by hand or
    corrected), and in how many reps it saw each form finding, this week and the week before."""

    exercise_id: str
    camera_reps: int
    hand_reps: int
    findings: tuple[tuple[str, int], ...]  # (finding code, reps with it), most first
    findings_before: tuple[tuple[str, int], ...]  # the same for the week before, for the trend
    camera_reps_before: int


def camera_summary(ctx: AppContext, *, days: int = 7) -> list[CameraExercise]:
    """Per exercise, what the camera saw in the last ``days`` days and the ``days`` before."""
    now = ctx.clock.now()
    start = now - timedelta(days=days)
    before = start - timedelta(days=days)
    with ctx.repository() as repo:
        sets = [s for s in repo.all_sets() if s.recorded_at >= before]
        findings = repo.workspace.findings(since=before)
    camera: dict[tuple[str, bool], int] = defaultdict(int)
    hand: dict[str, int] = defaultdict(int)
    for s in sets:
        recent = s.recorded_at >= start
        if s.camera_reps is not None:
            camera[(s.exercise_id, recent)] += s.camera_reps
        if recent and s.source != "camera":
            hand[s.exercise_id] += s.reps
    seen: dict[tuple[str, bool], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in findings:
        seen[(f.exercise_id, f.recorded_at >= start)][f.code] += f.reps
    exercises = sorted({e for e, _ in camera} | {e for e, _ in seen} | set(hand), key=ctx.catalogue.ids.index)
    result = []
    for exercise_id in exercises:
        now_counts = sorted(seen[(exercise_id, True)].items(), key=lambda kv: -kv[1])
        old_counts = sorted(seen[(exercise_id, False)].items(), key=lambda kv: -kv[1])
        result.append(
            CameraExercise(
                exercise_id=exercise_id,
                camera_reps=camera[(exercise_id, True)],
                hand_reps=hand[exercise_id],
                findings=tuple(now_counts),
                findings_before=tuple(old_counts),
                camera_reps_before=camera[(exercise_id, False)],
            )
        )
    return result


# --- messages ------------------------------------------------------------------------------------


def _side(ctx: AppContext) -> bool:
    """True when the patient is writing or reading (their own thread), False for their physio."""
    if ctx.actor is None:
        raise NotSignedIn("Please sign in first.")
    return ctx.actor.user_id == ctx.person_id


def send_message(ctx: AppContext, body: str) -> MessageRecord:
    """Add a message to the patient's thread, from the patient or their physiotherapist."""
    text = body.strip()
    if not text:
        raise InvalidInput("Please write something first.")
    if len(text) > MESSAGE_MAX_CHARS:
        raise InvalidInput(f"A message can be at most {MESSAGE_MAX_CHARS} characters.")
    from_patient = _side(ctx)
    assert ctx.actor is not None
    with ctx.repository() as repo:
        return repo.workspace.add_message(
            author_id=ctx.actor.user_id,
            author_name=ctx.actor.name,
            from_patient=from_patient,
            body=text,
            created_at=ctx.clock.now(),
        )


def thread(ctx: AppContext) -> list[MessageRecord]:
    """The patient's thread, oldest first (the newest 200)."""
    _side(ctx)
    with ctx.repository() as repo:
        return repo.workspace.messages()


def unread_count(ctx: AppContext) -> int:
    """Messages from the other side not read yet, for whoever is acting."""
    from_patient = _side(ctx)
    with ctx.repository() as repo:
        return repo.workspace.unread_count(from_patient=not from_patient)


def mark_read(ctx: AppContext, up_to_id: int) -> int:
    """The acting side has read the other side's messages up to ``up_to_id``."""
    from_patient = _side(ctx)
    with ctx.repository() as repo:
        return repo.workspace.mark_read(from_patient=not from_patient, up_to_id=up_to_id, at=ctx.clock.now())


# --- scheduled questionnaires --------------------------------------------------------------------


def set_schedule(
    ctx: AppContext, instrument: str, every_days: int | None, *, start: date | None = None
) -> None:
    """A physiotherapist schedules a questionnaire for the patient: once (``every_days`` None) from
    ``start`` (today by default), or every ``every_days`` days; 0 removes it."""
    _staff(ctx)
    assert ctx.actor is not None
    if instrument not in load_instruments():
        raise InvalidInput(f"There is no questionnaire {instrument!r}.")
    if every_days is not None and not 0 <= every_days <= 365:
        raise InvalidInput("Every 1 to 365 days, or once.")
    now = ctx.clock.now()
    with ctx.repository() as repo:
        if every_days == 0:
            repo.workspace.remove_schedule(instrument)
        else:
            repo.workspace.set_schedule(
                instrument,
                every_days=every_days,
                start_date=start or _local_day(now),
                set_by=ctx.actor.user_id,
                at=now,
            )
        audit.note(
            repo.session, ctx, "program_changed", detail=f"questionnaire {instrument}: {every_days or 'once'}"
        )


def schedules(ctx: AppContext) -> list[ScheduleRecord]:
    with ctx.repository() as repo:
        return repo.workspace.schedules()


def due_questionnaires(ctx: AppContext, today: date) -> list[str]:
    """The scheduled questionnaires due for the patient today: never answered since the schedule
    started, or last answered ``every_days`` or more ago."""
    with ctx.repository() as repo:
        planned = repo.workspace.schedules()
        responses = repo.safety.responses()
    due = []
    for schedule in planned:
        if today < schedule.start_date:
            continue
        answered = [
            _local_day(r.taken_at)
            for r in responses
            if r.instrument == schedule.instrument and _local_day(r.taken_at) >= schedule.start_date
        ]
        if not answered or (
            schedule.every_days is not None and (today - max(answered)).days >= schedule.every_days
        ):
            due.append(schedule.instrument)
    return due
