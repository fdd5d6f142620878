"""Fixtures shared by every test: where the shared clips are, fresh real databases, and the first-run
red-flag screen answered "no" throughout (workouts cannot start before the screen is answered)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backcoach.domain.redflags import ScreenRecord
from backcoach.services.context import AppContext

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = (REPO_ROOT / ".." / "shared").resolve()
CLIPS_DIR = SHARED_DIR / "clips"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repo (CI clones the repo there); tests needing it skip without it."""
    if not CLIPS_DIR.is_dir():
        pytest.skip("../shared/clips is not beside the repo")
    return SHARED_DIR


@pytest.fixture(scope="session")
def clips_dir(shared_dir: Path) -> Path:
    return shared_dir / "clips"


def _postgres_database() -> Iterator[str]:
    base = os.environ.get("BACKCOACH_TEST_DATABASE_URL")
    if not base:
        pytest.skip("BACKCOACH_TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    name = f"backcoach_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a real SQLite file, and the real PostgreSQL server when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'backcoach.sqlite3'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file, for tests that need one database and not both kinds."""
    return f"sqlite:///{tmp_path / 'backcoach.sqlite3'}"


def record_all_clear_screen(ctx: AppContext) -> ScreenRecord:
    """Answer the first-run red-flag screen "no" to every question through the real service, as a
    person does before their first workout, so the test can start workouts."""
    from backcoach.services import safety

    return safety.submit_screen(ctx, {a: False for a in safety.screen_questions().answer_ids})


@pytest.fixture
def screen_all_clear() -> Callable[[AppContext], ScreenRecord]:
    """A function ``(ctx) -> ScreenRecord`` recording an all-clear red-flag screen (see above)."""
    return record_all_clear_screen
