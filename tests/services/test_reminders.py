"""Reminders exported for the person's own calendar: the program's days, the chosen times, and
events as long as the workout is expected to take. Parsed back with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from backcoach.config import Settings
from backcoach.domain.programs import estimate_minutes
from backcoach.services import programs, reminders
from backcoach.services.context import AppContext, open_app


@pytest.fixture
def ctx(sqlite_url: str, tmp_path: Path) -> Iterator[AppContext]:
    with open_app(Settings(data_dir=tmp_path, database_url=sqlite_url)) as app:
        yield app


@pytest.mark.parametrize("slug", ["daily-short", "core-nine"])
def test_each_reminder_lasts_as_long_as_the_workout(ctx: AppContext, slug: str) -> None:
    programs.set_active_program(ctx, slug)
    program = programs.active_program(ctx)
    data = reminders.export_ics(ctx, times=["07:30", "18:00"], start=date(2026, 12, 1))
    events = [c for c in Calendar.from_ical(data).walk() if c.name == "VEVENT"]
    assert [e.decoded("dtstart").strftime("%H:%M") for e in events] == ["07:30", "18:00"]
    expected_min = estimate_minutes(program, ctx.catalogue)
    for event in events:
        length_min = (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() / 60
        assert expected_min <= length_min < expected_min + 1
        assert program.name in str(event.get("summary"))
