"""``backcoach users ...`` and ``backcoach db upgrade``: a clinic server's accounts and database from
the command line (the first admin, moving a personal record into an account).

Thin over ``backcoach.services.accounts``. A password is typed twice without echo, or read from
stdin for scripts (``--password-stdin``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from backcoach.cli.context import app_context, load_settings
from backcoach.config import Settings
from backcoach.services import accounts
from backcoach.services.errors import InvalidInput
from backcoach.store.database import DatabaseUnavailable, open_database

__all__ = ["register"]

users_app = typer.Typer(help="Accounts on a clinic server (BACKCOACH_MODE=clinic).", no_args_is_help=True)
db_app = typer.Typer(help="The database.", no_args_is_help=True)


def _clinic_settings() -> Settings:
    settings = load_settings()
    if settings.mode != "clinic":
        raise InvalidInput(
            "accounts are for a clinic server: set BACKCOACH_MODE=clinic (and BACKCOACH_DATABASE_URL) first"
        )
    return settings


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise InvalidInput("no password on stdin")
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("type the password in a terminal, or pass it on stdin with --password-stdin")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt="Type it again"))


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument(help="The administrator's e-mail, used to sign in.")],
    name: Annotated[str, typer.Option(help="Their name as others see it.")] = "Administrator",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin (for scripts).")
    ] = False,
) -> None:
    """Create an administrator account (the first one, or another)."""
    with app_context(_clinic_settings()) as ctx:
        password = _read_password(password_stdin)
        user = accounts.create_admin(ctx, email, name, password)
    Console().print(f"Created the administrator {user.name} <{user.email}>. Sign in at /login.")


@users_app.command("import-personal")
def import_personal(
    source: Annotated[
        Path, typer.Option("--from", help="The personal database file (backcoach.sqlite3) to move.")
    ],
    email: Annotated[str, typer.Option(help="The e-mail of the clinic patient account to move it into.")],
) -> None:
    """Move a personal record (workouts, pain, questionnaires, safety, doses) into a patient account."""
    if not source.is_file():
        raise InvalidInput(f"there is no database file at {source}")
    with app_context(_clinic_settings()) as ctx:
        report = accounts.import_personal(ctx, f"sqlite:///{source.resolve()}", email)
    workouts = report.rows.get("workouts", 0)
    Console().print(f"Moved {workouts} workouts ({report.total} records in all) into the account of {email}.")


@users_app.command("list")
def list_users() -> None:
    """The staff accounts and how many patients each has."""
    with app_context(_clinic_settings()) as ctx:
        rows = accounts.staff_with_patient_counts(ctx)
    table = Table(title="Staff accounts")
    for column in ("Name", "E-mail", "Role", "Patients", "Joined"):
        table.add_column(column)
    for user, patients in rows:
        table.add_row(
            user.name, user.email or "", user.role, str(patients), "yes" if user.active else "not yet"
        )
    Console().print(table)


@db_app.command("upgrade")
def upgrade() -> None:
    """Bring the database to the newest schema (``serve`` does this itself, under a lock)."""
    settings = load_settings()
    try:
        open_database(settings.resolved_database_url).close()
    except DatabaseUnavailable as exc:
        raise InvalidInput(str(exc)) from None
    Console().print("The database is up to date.")


def register(app: typer.Typer) -> None:
    """Add ``users`` and ``db`` to the ``backcoach`` command."""
    app.add_typer(users_app, name="users")
    app.add_typer(db_app, name="db")
