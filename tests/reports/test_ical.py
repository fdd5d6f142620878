"""The reminder calendar, parsed back with the icalendar library: events, times and recurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from backcoach.reports.ical import build_reminder_calendar, parse_times, spread_days

STAMP = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _events(data: bytes) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_daily_reminders_one_event_per_time() -> None:
    data = build_reminder_calendar([time(18, 0), time(7, 30)], start=date(2026, 3, 2), stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert cal["version"] == "2.0"
    events = _events(data)
    assert len(events) == 2
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == [datetime(2026, 3, 2, 7, 30), datetime(2026, 3, 2, 18, 0)]
    for event in events:
        assert event["rrule"]["FREQ"] == ["DAILY"]
        assert "BYDAY" not in event["rrule"]
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=15)
        assert event.decoded("dtstamp") == STAMP
        alarms = event.walk("VALARM")
        assert alarms and alarms[0]["action"] == "DISPLAY"
    assert len({str(e["uid"]) for e in events}) == 2


def test_weekly_on_the_programs_days_starts_on_the_first_such_day() -> None:
    # 2026-03-03 is a Tuesday: the first Monday/Wednesday/Friday event is on Wednesday the 4th.
    data = build_reminder_calendar([time(18, 0)], start=date(2026, 3, 3), stamp=STAMP, days=spread_days(3))
    (event,) = _events(data)
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert event["rrule"]["BYDAY"] == ["MO", "WE", "FR"]
    assert event.decoded("dtstart") == datetime(2026, 3, 4, 18, 0)


def test_seven_days_is_daily_and_bad_days_are_refused() -> None:
    (event,) = _events(
        build_reminder_calendar([time(9, 0)], start=date(2026, 3, 2), stamp=STAMP, days=spread_days(7))
    )
    assert event["rrule"]["FREQ"] == ["DAILY"]
    with pytest.raises(ValueError, match="unknown weekday"):
        build_reminder_calendar([time(9, 0)], start=date(2026, 3, 2), stamp=STAMP, days=["XX"])
    with pytest.raises(ValueError, match="1 to 7"):
        spread_days(0)


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["18:00", "07:30", "18:00"], (time(7, 30), time(18, 0))), ([" 6:05 "], (time(6, 5),))],
)
def test_parse_times(values: list[str], expected: tuple[time, ...]) -> None:
    assert parse_times(values) == expected


@pytest.mark.parametrize("bad", ["25:00", "6pm", "12:60", ""])
def test_parse_times_refuses_bad_times(bad: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_times([bad])
