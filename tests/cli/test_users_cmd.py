"""``backcoach users create-admin|import-personal|list`` and ``backcoach db upgrade`` as a clinic's
administrator runs them, on a real SQLite file and the real PostgreSQL server when configured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.services import accounts, history, outcomes, safety
from backcoach.services.context import open_app

from .conftest import Cli

PASSWORD = "a long enough passphrase"
FAST = {"password_hash_time_cost": 1, "password_hash_memory_kib": 8192}


def _clinic_env(cli: Cli, database_url: str) -> dict[str, str]:
    return {
        "BACKCOACH_MODE": "clinic",
        "BACKCOACH_DATABASE_URL": database_url,
        "BACKCOACH_PASSWORD_HASH_TIME_COST": "1",
        "BACKCOACH_PASSWORD_HASH_MEMORY_KIB": "8192",
    }


def _run(cli: Cli, env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcoach", *args],
        env=cli.env | env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_create_admin_reads_the_password_from_stdin_and_refuses_a_weak_one(
    cli: Cli, database_url: str
) -> None:
    env = _clinic_env(cli, database_url)
    weak = _run(cli, env, "users", "create-admin", "boss@clinic.example", "--password-stdin", stdin="short\n")
    assert weak.returncode == 2 and "at least 10 characters" in weak.stderr and "Traceback" not in weak.stderr
    made = _run(
        cli, env, "users", "create-admin", "Boss@Clinic.example", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    assert "Created the administrator" in made.stdout and "boss@clinic.example" in made.stdout
    listed = _run(cli, env, "users", "list")
    assert "boss@clinic.example" in listed.stdout and "admin" in listed.stdout
    with open_app(Settings(mode="clinic", database_url=database_url, **FAST)) as ctx:
        assert accounts.sign_in(ctx, "boss@clinic.example", PASSWORD).actor.role == "admin"


def test_accounts_are_for_clinic_mode_only(cli: Cli) -> None:
    line = cli.fails("users", "create-admin", "a@b.example", "--password-stdin")
    assert "BACKCOACH_MODE=clinic" in line


def test_a_personal_record_moves_into_a_clinic_account_whole(
    cli: Cli, tmp_path: Path, database_url: str
) -> None:
    cli.screen_all_clear()
    cli.ok("log", "set", "bridge", "--reps", "10")
    cli.ok("log", "pain", "3", "--moment", "after")
    cli.ok("log", "note", "Felt good")
    with cli.app() as personal:
        outcomes.submit_pain(personal, 4)
        before = history.list_workouts(personal)
    clinic = Settings(mode="clinic", database_url=database_url, data_dir=tmp_path / "clinic", **FAST)
    with open_app(clinic) as ctx:
        admin = accounts.create_admin(ctx, "boss@clinic.example", "Boss", PASSWORD)
        boss = ctx.acting(accounts.sign_in(ctx, admin.email or "", PASSWORD).actor)
        invitation = accounts.add_patient(boss, "Moving Mo")
        accounts.join(
            ctx, token=invitation.token, email="mo@home.example", password=PASSWORD, accept_privacy=True
        )
    source = cli.data_dir / "backcoach.sqlite3"
    env = _clinic_env(cli, database_url)
    moved = _run(cli, env, "users", "import-personal", "--from", str(source), "--email", "mo@home.example")
    assert moved.returncode == 0, moved.stderr
    assert "Moved 1 workouts" in moved.stdout
    with open_app(clinic) as ctx:
        mo = ctx.acting(accounts.sign_in(ctx, "mo@home.example", PASSWORD).actor)
        after = history.list_workouts(mo)
        assert [(w.program_slug, [(s.exercise_id, s.reps) for s in w.sets]) for w in after] == [
            (w.program_slug, [(s.exercise_id, s.reps) for s in w.sets]) for w in before
        ]
        assert [(p.moment, p.score) for p in history.pain_series(mo)] == [("after", 3)]
        assert safety.safety_status(mo).screened
        assert [r.score for r in outcomes.list_responses(mo, "pain")] == [4]
    # a second move into an account that has workouts now is refused, and changes nothing
    again = _run(cli, env, "users", "import-personal", "--from", str(source), "--email", "mo@home.example")
    assert again.returncode == 2 and "has workouts already" in again.stderr
    with open_app(clinic) as ctx:
        mo = ctx.acting(accounts.sign_in(ctx, "mo@home.example", PASSWORD).actor)
        assert len(history.list_workouts(mo)) == 1


@pytest.mark.parametrize("mode", ["personal", "clinic"])
def test_db_upgrade_brings_a_new_database_up_to_date(cli: Cli, database_url: str, mode: str) -> None:
    env = {"BACKCOACH_MODE": mode, "BACKCOACH_DATABASE_URL": database_url}
    done = _run(cli, env, "db", "upgrade")
    assert done.returncode == 0 and "up to date" in done.stdout, done.stderr
