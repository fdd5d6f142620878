"""History use cases: past workouts, the adherence streak, pain and exercise series, the Today view.

Days are the person's local days: a workout belongs to the day it started on, in local time.
A day counts towards the streak when a workout was finished or at least one set was stored.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from backcoach.domain.records import (
    Adherence,
    ExercisePoint,
    PainRecord,
    TodayView,
    WorkoutRecord,
    timed_hold_s,
)
from backcoach.services.context import AppContext
from backcoach.services.errors import NotFound
from backcoach.services.programs import active_program_in
from backcoach.services.workouts import STALE_AFTER, next_step_index
from backcoach.store.repository import Repository

__all__ = [
    "adherence",
    "all_exercise_series",
    "count_done_workouts",
    "exercise_series",
    "has_workouts",
    "list_workouts",
    "local_day",
    "morning_checkin_due",
    "pain_points",
    "pain_series",
    "today_view",
    "workout_counts",
]


def local_day(moment: datetime) -> date:
    """The person's calendar day of a stored (UTC) time."""
    return moment.astimezone().date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).astimezone()


def workout_counts(workout: WorkoutRecord) -> bool:
    """Whether a workout counts as done for adherence: finished, or at least one set stored."""
    return workout.status == "finished" or bool(workout.sets)


def list_workouts(
    ctx: AppContext, *, since: date | datetime | None = None, limit: int | None = None
) -> list[WorkoutRecord]:
    """Workouts, newest first, with their sets and pain ratings; ``since`` a day or a time."""
    if isinstance(since, date) and not isinstance(since, datetime):
        since = _day_start(since)
    if limit is not None and limit < 1:
        limit = None
    with ctx.repository() as repo:
        return repo.list_workouts(since=since, limit=limit)


def adherence(ctx: AppContext, today: date) -> Adherence:
    """The streak of days in a row with a workout (up to today, or yesterday while today is open)
    and the workouts done in the last seven days, against the active program's days per week."""
    with ctx.repository() as repo:
        return _adherence(repo, ctx, today)


def _adherence(repo: Repository, ctx: AppContext, today: date) -> Adherence:
    try:
        target = active_program_in(repo, ctx.catalogue).days_per_week
    except NotFound:
        target = 7
    # Only when each counted workout started: a year of workouts is a year of times, not rows.
    starts = repo.counted_workout_starts(until=_day_start(today + timedelta(days=1)))
    started_on = [local_day(t) for t in starts]
    days = set(started_on)
    done_today = today in days
    streak = 0
    day = today if done_today else today - timedelta(days=1)
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    week_start = today - timedelta(days=6)
    last_week = [d for d in started_on if week_start <= d <= today]
    return Adherence(
        streak_days=streak,
        workouts_last_7_days=len(last_week),
        target_per_week=target,
        done_today=done_today,
        days_done_last_7=len(set(last_week)),
    )


def pain_series(ctx: AppContext, *, since: date | datetime | None = None) -> list[PainRecord]:
    """Every pain rating, oldest first."""
    if isinstance(since, date) and not isinstance(since, datetime):
        since = _day_start(since)
    with ctx.repository() as repo:
        return repo.list_pain(since=since)


def has_workouts(ctx: AppContext) -> bool:
    """Whether any workout was ever started (the first run has none)."""
    with ctx.repository() as repo:
        return repo.has_workouts()


def count_done_workouts(ctx: AppContext) -> int:
    """How many workouts count as done (finished, or with a set stored), counted by the database."""
    with ctx.repository() as repo:
        return repo.count_counted_workouts()


def pain_points(ctx: AppContext) -> list[tuple[datetime, int, str]]:
    """(taken at, score, moment) of every pain rating, oldest first: the pain chart's points."""
    with ctx.repository() as repo:
        return repo.pain_points()


def all_exercise_series(ctx: AppContext) -> dict[str, list[ExercisePoint]]:
    """``exercise_series`` of every exercise of the catalogue (in its order), summed by the database."""
    with ctx.repository() as repo:
        totals = repo.set_totals()
    by_day: dict[str, dict[date, list[int | float]]] = {eid: {} for eid in ctx.catalogue.ids}
    for exercise_id, started_at, source, sets, reps, reps_hold_s in totals:
        days = by_day.get(exercise_id)
        if days is None:
            continue
        day = days.setdefault(local_day(started_at), [0, 0, 0.0])
        day[0] += sets
        day[1] += reps
        # the sets' holds together, timed (or not) by how they were counted
        day[2] += timed_hold_s(1, reps_hold_s, source)
    return {
        eid: [
            ExercisePoint(day=day, sets=int(n), total_reps=int(reps), total_hold_s=float(held))
            for day, (n, reps, held) in sorted(days.items())
        ]
        for eid, days in by_day.items()
    }


def exercise_series(ctx: AppContext, exercise_id: str) -> list[ExercisePoint]:
    """Per day, the sets, reps and seconds held of one exercise, oldest day first."""
    if exercise_id not in ctx.catalogue:
        raise NotFound(f"unknown exercise {exercise_id!r}: choose one of {', '.join(ctx.catalogue.ids)}")
    with ctx.repository() as repo:
        sets = repo.sets_for_exercise(exercise_id)
    by_day: dict[date, list[tuple[int, float]]] = defaultdict(list)
    for record, started_at in sets:
        by_day[local_day(started_at)].append((record.reps, record.total_hold_s))
    return [
        ExercisePoint(
            day=day,
            sets=len(items),
            total_reps=sum(r for r, _ in items),
            total_hold_s=sum(h for _, h in items),
        )
        for day, items in sorted(by_day.items())
    ]


def morning_checkin_due(ctx: AppContext, today: date) -> WorkoutRecord | None:
    """The workout whose next-morning pain rating is due today: the last one finished yesterday
    (local time) when it has no next-morning rating yet."""
    with ctx.repository() as repo:
        return _morning_checkin_due(repo, today)


def _morning_checkin_due(repo: Repository, today: date) -> WorkoutRecord | None:
    yesterday = today - timedelta(days=1)
    workouts = repo.list_workouts(since=_day_start(yesterday), until=_day_start(today))
    finished = [w for w in workouts if w.status == "finished" and w.sets]
    if not finished:
        return None
    recent_pain = repo.list_pain(since=_day_start(yesterday))
    last = finished[0]  # newest first
    answered = any(
        p.moment == "next_morning" and (p.workout_id == last.id or local_day(p.taken_at) == today)
        for p in recent_pain
    )
    return None if answered else last


def today_view(ctx: AppContext, today: date) -> TodayView:
    """What to show first: the active program, today's workouts, the streak, a workout to resume,
    and the next-morning pain check-in when it is due. One read of the database."""
    start = _day_start(today)
    with ctx.repository() as repo:
        todays = repo.list_workouts(since=start, until=start + timedelta(days=1))
        in_progress = repo.in_progress_workout()
        program = active_program_in(repo, ctx.catalogue)
        streak = _adherence(repo, ctx, today)
        checkin = _morning_checkin_due(repo, today)
    resume = (
        in_progress
        if in_progress is not None and ctx.clock.now() - in_progress.started_at <= STALE_AFTER
        else None
    )
    resume_index = None
    if resume is not None:
        try:
            resume_index = next_step_index(ctx, resume.id)
        except NotFound:  # its program was deleted: nothing to resume into
            resume = None
    return TodayView(
        program=program,
        adherence=streak,
        workouts_today=tuple(todays),
        current_workout=resume,
        morning_checkin_due=checkin,
        resume_step_index=resume_index,
    )
