"""Outcome use cases: fill in the questionnaires, their schedule, and the outcome series for charts.

Scoring and meaningful change are pure rules in ``backcoach.domain.questionnaires`` and
``backcoach.domain.outcomes``; this module stores the answers and reads them back over time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from backcoach.domain.outcomes import OutcomeSeries, mark_series
from backcoach.domain.pain import check_pain_score
from backcoach.domain.questionnaires import (
    ResponseRecord,
    check_interval_days,
    default_interval_days,
    next_due,
    score_odi,
    score_psfs,
    score_rmdq,
    score_startback,
)
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.safety import safety_repository

__all__ = [
    "INTERVAL_SETTING",
    "QuestionnaireSchedule",
    "list_responses",
    "outcome_series",
    "questionnaire_interval",
    "questionnaire_schedule",
    "set_questionnaire_interval",
    "submit_odi",
    "submit_pain",
    "submit_psfs",
    "submit_rmdq",
    "submit_startback",
]

INTERVAL_SETTING = "questionnaire_interval_days"


def _store(
    ctx: AppContext, instrument: str, score: float, band: str | None, answers: Mapping[str, Any]
) -> ResponseRecord:
    with safety_repository(ctx) as srepo:
        return srepo.add_response(
            instrument=instrument, taken_at=ctx.clock.now(), score=score, band=band, answers=answers
        )


def submit_pain(ctx: AppContext, score: int) -> ResponseRecord:
    """The baseline / repeated pain rating (0-10, average over the last week)."""
    try:
        check_pain_score(score)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return _store(ctx, "pain", score, None, {"score": score})


def submit_startback(ctx: AppContext, answers: Sequence[int]) -> ResponseRecord:
    """STarT Back: nine answers (items 1-8: 0 disagree / 1 agree; item 9: 0-4). Stores total and group."""
    try:
        result = score_startback(list(answers))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return _store(
        ctx,
        "startback",
        result.total,
        result.group,
        {"answers": list(answers), "psych_score": result.psych_score},
    )


def submit_rmdq(ctx: AppContext, score: int) -> ResponseRecord:
    """Roland-Morris: the score only (0-24), counted on the person's own paper form."""
    try:
        result = score_rmdq(score)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return _store(ctx, "rmdq", result.score, "functional" if result.functional else None, {"score": score})


def submit_odi(ctx: AppContext, sections: Sequence[int | None]) -> ResponseRecord:
    """Oswestry: the 10 section scores (0-5, None when skipped); stores the index 0-100 and its band."""
    try:
        result = score_odi(list(sections))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return _store(ctx, "odi", result.index, result.band, {"sections": list(sections)})


def submit_psfs(ctx: AppContext, ratings: Mapping[str, int]) -> ResponseRecord:
    """Patient-Specific Functional Scale: up to three of the person's own activities rated 0-10."""
    try:
        result = score_psfs(dict(ratings))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return _store(ctx, "psfs", result.mean, None, {"ratings": dict(result.ratings)})


def list_responses(ctx: AppContext, instrument: str | None = None) -> list[ResponseRecord]:
    with safety_repository(ctx) as srepo:
        return srepo.responses(instrument)


def questionnaire_interval(ctx: AppContext) -> int:
    """Days between questionnaires (14 unless the person changed it)."""
    with ctx.repository() as repo:
        value = repo.get_setting(INTERVAL_SETTING)
    return int(value) if value and value.isdigit() else default_interval_days()


def set_questionnaire_interval(ctx: AppContext, days: int) -> int:
    try:
        check_interval_days(days)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with ctx.repository() as repo:
        repo.set_setting(INTERVAL_SETTING, str(days))
    return days


@dataclass(frozen=True)
class QuestionnaireSchedule:
    """When the questionnaires were last filled in and when they are next due."""

    interval_days: int
    last_taken: date | None
    next_due: date
    due: bool
    baseline_done: bool


def questionnaire_schedule(ctx: AppContext, today: date) -> QuestionnaireSchedule:
    """Baseline due on the first day; then due every ``interval_days`` after the last STarT Back or pain."""
    days = questionnaire_interval(ctx)
    with safety_repository(ctx) as srepo:
        taken = [r for r in srepo.responses() if r.instrument in ("startback", "pain", "rmdq", "odi", "psfs")]
    last = max((r.taken_at for r in taken), default=None)
    last_day = last.astimezone().date() if last else None
    due_day = next_due(last_day, today, days)
    return QuestionnaireSchedule(days, last_day, due_day, due_day <= today, bool(taken))


def _daily_pain(ctx: AppContext) -> list[tuple[datetime, float]]:
    """One resting pain value a day: the mean of the before-workout and next-morning ratings."""
    with ctx.repository() as repo:
        ratings = repo.list_pain()
    by_day: dict[date, list[int]] = defaultdict(list)
    for r in ratings:
        if r.moment in ("before", "next_morning"):
            by_day[r.taken_at.astimezone().date()].append(r.score)
    return [
        (datetime.combine(day, time(12)).astimezone(UTC), round(sum(v) / len(v), 1))
        for day, v in sorted(by_day.items())
    ]


def outcome_series(ctx: AppContext) -> dict[str, OutcomeSeries]:
    """Each measure over time with changes from its baseline marked meaningful or not.

    ``pain`` joins the pain questionnaire and the daily resting pain from workouts; the others are
    the questionnaire scores (STarT Back has no meaningful-change rule and is left out).
    """
    responses = list_responses(ctx)
    readings: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for r in responses:
        readings[r.instrument].append((r.taken_at, r.score))
    readings["pain"].extend(_daily_pain(ctx))
    return {name: mark_series(name, readings.get(name, [])) for name in ("pain", "rmdq", "odi", "psfs")}
