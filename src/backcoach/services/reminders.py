"""Reminder use cases: the person's daily workout times, and their export as an iCalendar file.

Times are stored as a setting ("18:00,07:30"); the days follow the active program's days per week.
The browser notification while the app is open reads the same times (see web/static/js/reminders.js).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, time

from backcoach.domain.programs import estimate_minutes
from backcoach.reports.ical import build_reminder_calendar, parse_times, spread_days
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.programs import active_program

__all__ = [
    "DEFAULT_TIMES",
    "TIMES_SETTING",
    "export_ics",
    "reminder_days",
    "reminder_times",
    "set_reminder_times",
]

TIMES_SETTING = "reminder_times"
DEFAULT_TIMES: tuple[time, ...] = (time(18, 0),)


def reminder_times(ctx: AppContext) -> tuple[time, ...]:
    """The daily workout times (default 18:00)."""
    with ctx.repository() as repo:
        value = repo.get_setting(TIMES_SETTING)
    if not value:
        return DEFAULT_TIMES
    try:
        return parse_times(value.split(","))
    except ValueError:
        return DEFAULT_TIMES


def set_reminder_times(ctx: AppContext, values: Sequence[str]) -> tuple[time, ...]:
    """Store the daily workout times from "HH:MM" strings (1 to 5 of them)."""
    try:
        times = parse_times(values)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if len(times) > 5:
        raise InvalidInput("choose at most 5 reminder times a day")
    with ctx.repository() as repo:
        repo.set_setting(TIMES_SETTING, ",".join(f"{t:%H:%M}" for t in times))
    return times


def reminder_days(ctx: AppContext) -> tuple[str, ...]:
    """Weekday codes (MO..SU) of the active program's workout days."""
    return spread_days(active_program(ctx).days_per_week)


def export_ics(
    ctx: AppContext,
    *,
    times: Sequence[str] | None = None,
    days: Sequence[str] | None = None,
    start: date | None = None,
) -> bytes:
    """The reminders as an .ics file: the given (or stored) times on the given (or program's) days."""
    program = active_program(ctx)
    try:
        chosen = parse_times(times) if times else reminder_times(ctx)
        now = ctx.clock.now()
        return build_reminder_calendar(
            chosen,
            start=start or now.astimezone().date(),
            stamp=now,
            days=list(days) if days else reminder_days(ctx),
            title=f"Back exercises: {program.name}",
            duration_min=max(5, math.ceil(estimate_minutes(program, ctx.catalogue))),
            description=(
                "Time for your backcoach workout. Open backcoach to start. "
                "Stop if pain goes above 5 out of 10."
            ),
        )
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
