"""Opening the app: first run, an unreachable database, and the workout clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.services.context import SystemClock, open_app
from backcoach.services.errors import StorageUnavailable


def test_first_run_creates_the_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    with open_app(Settings(data_dir=data_dir, voice=False)) as ctx:
        assert ctx.database.dialect == "sqlite"
        assert ctx.user_id >= 1
    assert (data_dir / "backcoach.sqlite3").is_file()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/backcoach",
        "postgresql+psycopg://postgres@127.0.0.1:1/backcoach",
        "oops",
    ],
)
def test_an_unreachable_database_is_one_clear_line(tmp_path: Path, url: str) -> None:
    with pytest.raises(StorageUnavailable) as caught:
        open_app(Settings(data_dir=tmp_path, database_url=url, voice=False))
    message = str(caught.value)
    assert "\n" not in message
    assert "database" in message


def test_a_faster_clock_runs_workout_time_faster() -> None:
    clock = SystemClock(speed=100.0)
    start = clock.monotonic()
    clock.sleep(5.0)  # five workout seconds, a twentieth of a real second
    assert clock.monotonic() - start >= 5.0
    assert clock.now().tzinfo is not None
