"""Migrations: up to head, down to base and up again, on SQLite and PostgreSQL; no drift from the rows."""

from __future__ import annotations

import subprocess
import sys

from alembic import command
from sqlalchemy import inspect

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
