"""Opening databases: SQLite pragmas, URL handling, unreachable servers and CHECK constraints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from backcoach.store.database import DatabaseUnavailable, normalise_url, open_database
from backcoach.store.repository import ensure_local_user
from backcoach.store.rows import PainRatingRow, SetRow, WorkoutRow


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'folder' / 'backcoach.sqlite3'}"
    database = open_database(url)
    try:
        assert (tmp_path / "deep" / "folder" / "backcoach.sqlite3").is_file()
        with database.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        database.close()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "not a valid URL"),
        ("mysql://root@127.0.0.1/test", "not supported"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot open the database"),
    ],
)
def test_bad_or_unreachable_urls_give_one_line(url: str, words: str) -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(url)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


def test_sqlite_file_in_an_unwritable_place(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database(f"sqlite:///{blocker / 'sub' / 'db.sqlite3'}")
    assert "\n" not in str(caught.value)


def test_check_constraints_refuse_out_of_range_values(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with database.session() as session:
            user_id = ensure_local_user(session).id
            workout = WorkoutRow(user_id=user_id, program_slug="x", program_name="X", status="in_progress")
            session.add(workout)
            session.flush()
            workout_id = workout.id
        bad_rows = [
            PainRatingRow(user_id=user_id, score=11, moment="after", taken_at=datetime.now(UTC)),
            PainRatingRow(user_id=user_id, score=3, moment="at lunch", taken_at=datetime.now(UTC)),
            SetRow(
                user_id=user_id,
                workout_id=workout_id,
                exercise_id="bridge",
                set_number=1,
                reps=-1,
                hold_s=0.0,
                source="manual",
            ),
            SetRow(
                user_id=user_id,
                workout_id=workout_id,
                exercise_id="bridge",
                set_number=1,
                reps=5,
                hold_s=0.0,
                source="guess",
            ),
            SetRow(
                user_id=user_id,
                workout_id=workout_id,
                exercise_id="bridge",
                set_number=1,
                reps=5,
                hold_s=0.0,
                source="manual",
                side="middle",
            ),
            WorkoutRow(user_id=user_id, program_slug="x", program_name="X", status="paused"),
            SetRow(
                user_id=user_id,
                workout_id=workout_id + 100,
                exercise_id="bridge",
                set_number=1,
                reps=5,
                hold_s=0.0,
                source="manual",
            ),
        ]
        for row in bad_rows:
            with pytest.raises(IntegrityError), database.session() as session:
                session.add(row)
                session.flush()
    finally:
        database.close()
