"""Migrations: up to head, down to base and up again, on SQLite and PostgreSQL; no drift from the rows."""

from __future__ import annotations

import subprocess
import sys

from alembic import command
from sqlalchemy import inspect, text

from backcoach.store.check import check_migrations
from backcoach.store.database import alembic_config, create_database_engine, upgrade_to_head

TABLES = {
    "users",
    "settings",
    "programs",
    "program_items",
    "dose_changes",
    "workouts",
    "sets",
    "pain_ratings",
    "notes",
}


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade_to_head(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert left == set()
        upgrade_to_head(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_rows_and_migrations_match(database_url: str) -> None:
    assert check_migrations(database_url) is None


def test_check_command_passes_on_the_real_tree() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backcoach.store.check"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "match" in done.stdout


def test_check_finds_a_row_changed_without_a_migration() -> None:
    code = (
        "import sys\n"
        "from sqlalchemy import Column, Integer, Table\n"
        "from backcoach.store.base import Base\n"
        "import backcoach.store.rows\n"
        "Table('stray_table', Base.metadata, Column('id', Integer, primary_key=True))\n"
        "from backcoach.store.check import check_migrations\n"
        "problem = check_migrations()\n"
        "print(problem)\n"
        "sys.exit(0 if problem and 'stray_table' in problem else 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_screens_stored_before_the_tiers_keep_their_meaning(database_url: str) -> None:
    """A person paused before the tiers only because their back pain is long-standing is no longer
    paused; an urgent stop stays open; an old clearance keeps its date and says no name was asked."""
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002_safety")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO users (id, name, is_local, created_at) VALUES (1, 'local', true, :t)"),
                {"t": "2026-11-01T08:00:00+00:00"},
            )
            insert = text(
                "INSERT INTO red_flag_screens (user_id, taken_at, reason, answers, flagged, urgent, title,"
                " advice, cleared_at, cleared_note)"
                " VALUES (1, :t, 'first_run', '{}', :flagged, :urgent, 't', 'a', :cleared, :note)"
            )
            old_text = (
                "A doctor, physiotherapist or other clinician has checked my back and told me it is fine "
                "to exercise."
            )
            rows = [
                {"flagged": "no_improvement", "urgent": False, "cleared": None, "note": None},
                {"flagged": "bladder", "urgent": True, "cleared": None, "note": None},
                {
                    "flagged": "fever,night_pain",
                    "urgent": False,
                    "cleared": "2026-11-03T09:00:00+00:00",
                    "note": old_text,
                },
                {"flagged": "", "urgent": False, "cleared": None, "note": None},
            ]
            for row in rows:
                connection.execute(insert, {"t": "2026-11-02T08:00:00+00:00", **row})
        upgrade_to_head(engine)
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT tier, cleared_by, cleared_on, cleared_note FROM red_flag_screens ORDER BY id")
            ).all()
        assert [r.tier for r in stored] == ["advisory", "urgent", "stop", "clear"]
        assert stored[2].cleared_by.startswith("not recorded") and str(stored[2].cleared_on) == "2026-11-03"
        assert stored[2].cleared_note is None  # the checkbox's words are not a note
        assert stored[0].cleared_by is None and stored[1].cleared_by is None
    finally:
        engine.dispose()


def test_upgrading_a_personal_database_keeps_every_row(database_url: str) -> None:
    """A person's record made at the first safety revision survives every later migration whole (on
    SQLite a table is rebuilt to alter it: that must not cascade-delete the rows pointing at it)."""
    engine = create_database_engine(database_url)
    t = "2026-11-02T08:00:00+00:00"
    inserts = [
        "INSERT INTO users (id, name, is_local, created_at) VALUES (1, 'local', true, :t)",
        "INSERT INTO programs (id, user_id, slug, name, description, builtin, times_per_day, days_per_week,"
        " created_at, updated_at) VALUES (1, 1, 'daily-short', 'Daily short', '', true, 1, 7, :t, :t)",
        "INSERT INTO program_items (id, user_id, program_id, position, exercise_id, sets, reps, hold_s,"
        " rest_s, variant) VALUES (1, 1, 1, 0, 'bridge', 1, 8, 0, 30, 'standard')",
        "INSERT INTO workouts (id, user_id, program_id, program_slug, program_name, status, started_at)"
        " VALUES (1, 1, 1, 'daily-short', 'Daily short', 'finished', :t)",
        "INSERT INTO workouts (id, user_id, program_id, program_slug, program_name, status, started_at)"
        " VALUES (2, 1, 1, 'daily-short', 'Daily short', 'in_progress', :t)",
        "INSERT INTO workouts (id, user_id, program_id, program_slug, program_name, status, started_at)"
        " VALUES (3, 1, 1, 'daily-short', 'Daily short', 'in_progress', :t)",
        "INSERT INTO sets (id, user_id, workout_id, exercise_id, set_number, reps, hold_s, source,"
        " recorded_at) VALUES (1, 1, 1, 'bridge', 1, 8, 0, 'manual', :t)",
        "INSERT INTO pain_ratings (id, user_id, workout_id, score, moment, taken_at)"
        " VALUES (1, 1, 1, 3, 'after', :t)",
        "INSERT INTO notes (id, user_id, workout_id, text, created_at) VALUES (1, 1, 1, 'stiff', :t)",
        "INSERT INTO dose_changes (id, user_id, program_id, exercise_id, changed_at, reason, sets, reps,"
        " hold_s, rest_s) VALUES (1, 1, 1, 'bridge', :t, 'by hand', 1, 10, 0, 30)",
        "INSERT INTO questionnaire_responses (id, user_id, instrument, taken_at, score, answers)"
        " VALUES (1, 1, 'pain', :t, 4, '{}')",
    ]
    tables = [
        "users",
        "programs",
        "program_items",
        "workouts",
        "sets",
        "pain_ratings",
        "notes",
        "dose_changes",
    ]
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002_safety")
        with engine.begin() as connection:
            for sql in inserts:
                connection.execute(text(sql), {"t": t})
        upgrade_to_head(engine)
        with engine.connect() as connection:
            counts = {n: connection.execute(text(f"SELECT count(*) FROM {n}")).scalar_one() for n in tables}
            statuses = connection.execute(text("SELECT status FROM workouts ORDER BY id")).scalars().all()
        assert counts == {
            "users": 1,
            "programs": 1,
            "program_items": 1,
            "workouts": 3,
            "sets": 1,
            "pain_ratings": 1,
            "notes": 1,
            "dose_changes": 1,
        }
        # two workouts left in progress at once (before the database held the rule): the newest stays
        assert statuses == ["finished", "abandoned", "in_progress"]
    finally:
        engine.dispose()
