"""iCalendar export of workout reminders: one repeating event per daily workout time.

The events use floating local times (no time zone), so "18:00" stays 18:00 wherever the person's
calendar is. They repeat daily, or weekly on chosen days when the program is not every day, and
carry a display alarm at the start time. Reports import only the domain (and the icalendar library).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event, vRecur

__all__ = ["WEEKDAY_CODES", "build_reminder_calendar", "parse_times", "spread_days"]

WEEKDAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Workout days spread over the week for a program done on fewer than 7 days, leaving rest days between.
_SPREAD: dict[int, tuple[str, ...]] = {
    1: ("WE",),
    2: ("MO", "TH"),
    3: ("MO", "WE", "FR"),
    4: ("MO", "TU", "TH", "FR"),
    5: ("MO", "TU", "WE", "TH", "FR"),
    6: ("MO", "TU", "WE", "TH", "FR", "SA"),
    7: WEEKDAY_CODES,
}


def spread_days(days_per_week: int) -> tuple[str, ...]:
    """Weekday codes (MO..SU) for a program done ``days_per_week`` times a week (1-7)."""
    if days_per_week not in _SPREAD:
        raise ValueError(f"days per week must be 1 to 7, not {days_per_week!r}")
    return _SPREAD[days_per_week]


def parse_times(values: Sequence[str]) -> tuple[time, ...]:
    """Parse "HH:MM" strings into times, sorted and without repeats; ValueError names a bad one."""
    parsed: set[time] = set()
    for value in values:
        try:
            hours, minutes = value.strip().split(":")
            parsed.add(time(int(hours), int(minutes)))
        except ValueError:
            raise ValueError(
                f"a reminder time must look like HH:MM, for example 18:30 (not {value!r})"
            ) from None
    if not parsed:
        raise ValueError("give at least one reminder time")
    return tuple(sorted(parsed))


def build_reminder_calendar(
    times: Sequence[time],
    *,
    start: date,
    stamp: datetime,
    days: Sequence[str] | None = None,
    title: str = "Back exercises",
    description: str = "",
    duration_min: int = 15,
) -> bytes:
    """An .ics file with one repeating event per time of day.

    ``days`` are weekday codes (MO..SU); None or all seven repeat daily (RRULE FREQ=DAILY),
    otherwise weekly on those days (FREQ=WEEKLY;BYDAY=...). ``stamp`` is the DTSTAMP (UTC).
    """
    if not times:
        raise ValueError("give at least one reminder time")
    chosen = tuple(dict.fromkeys(d.upper() for d in days)) if days else WEEKDAY_CODES
    unknown = [d for d in chosen if d not in WEEKDAY_CODES]
    if unknown:
        raise ValueError(f"unknown weekday {unknown[0]!r}: use {', '.join(WEEKDAY_CODES)}")
    cal = Calendar()
    cal.add("prodid", "-//backcoach//workout reminders//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "backcoach reminders")
    daily = set(chosen) == set(WEEKDAY_CODES)
    rule = (
        vRecur(freq="DAILY")
        if daily
        else vRecur(freq="WEEKLY", byday=[d for d in WEEKDAY_CODES if d in chosen])
    )
    for moment in sorted(set(times)):
        first = datetime.combine(start, moment)
        if not daily:
            while WEEKDAY_CODES[first.weekday()] not in chosen:
                first += timedelta(days=1)
        event = Event()
        event.add("uid", f"backcoach-reminder-{moment:%H%M}@backcoach")
        event.add("dtstamp", stamp)
        event.add("summary", title)
        if description:
            event.add("description", description)
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(minutes=duration_min))
        event.add("rrule", rule)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
