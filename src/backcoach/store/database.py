"""Opening the database: the engine, sessions, SQLite pragmas and upgrading to the newest migration.

SQLite (the default, a file in the user's data directory) runs in WAL mode (synchronous NORMAL)
with foreign keys on.
PostgreSQL goes through psycopg 3; a plain ``postgresql://`` URL is read as ``postgresql+psycopg://``.
Anything that keeps the database from opening becomes ``DatabaseUnavailable`` with one line to read.
"""

from __future__ import annotations

import fcntl
import hashlib
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "CONNECT_TIMEOUT_S",
    "MIGRATIONS_DIR",
    "Database",
    "DatabaseUnavailable",
    "alembic_config",
    "normalise_url",
    "open_database",
    "upgrade_to_head",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CONNECT_TIMEOUT_S = 3


class DatabaseUnavailable(Exception):
    """The database cannot be reached, opened or upgraded; the message is one line for a person.

    The services turn it into ``backcoach.services.errors.StorageUnavailable`` (the store sits
    below the services and does not import them).
    """


def normalise_url(url: str) -> URL:
    """Parse a database URL, choosing psycopg 3 for PostgreSQL. Raises DatabaseUnavailable."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise DatabaseUnavailable(f"the database URL {_redact(url)!r} is not a valid URL") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"the database URL {_redact(url)!r} is not supported: use sqlite:///FILE or postgresql://..."
        )
    return parsed


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def alembic_config(connection: Any = None, url: str | None = None) -> Config:
    """An Alembic configuration built in code, so migrations run from an installed package too."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL is still safe from corruption and keeps every commit through a killed
        # process; only a power cut may lose the last moments. A full sync on every commit made
        # each counted rep of a live camera wait for the disk.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class Database:
    """An engine and its session factory. ``session()`` commits on success and rolls back on error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise DatabaseUnavailable(f"the database stopped answering: {_first_line(exc)}") from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def close(self) -> None:
        self.engine.dispose()


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with the SQLite pragmas and a short connect timeout. Nothing is opened yet."""
    parsed = normalise_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot create the folder for the database {database}: {exc.strerror}"
                ) from None
        connect_args["timeout"] = 15
    else:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        # A server's connections can drop (a restart); a file's cannot: no test query per checkout.
        pre_ping = parsed.get_backend_name() != "sqlite"
        engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=pre_ping)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseUnavailable(f"cannot use the database URL {_redact(url)!r}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


# Any fixed number: the PostgreSQL advisory lock every backcoach process takes to migrate.
MIGRATION_LOCK_KEY = 0x6261636B  # "back"


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock beside a SQLite file while it is migrated (processes starting together)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    # The lock lives in the temporary folder, named after the database, so the data folder holds the
    # database and nothing else.
    digest = hashlib.sha256(str(Path(database).expanduser().resolve()).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"backcoach-migrate-{digest}.lock"
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest migration (every head, so added branches are applied too).

    On SQLite, ALTER TABLE is done by copying a table and dropping the old one; with foreign keys
    enforced that drop would cascade and delete every row that points at it (a person's sets when
    the workouts table changes). So foreign keys are off while migrating, checked after, and on again.
    """
    if engine.dialect.name == "postgresql":
        # Several server processes starting together on a new database: one migrates, the others wait
        # for the lock and then find nothing left to do.
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
            connection.commit()
            try:
                with connection.begin():
                    command.upgrade(alembic_config(connection), "heads")
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
                connection.commit()
        return
    with _file_lock(engine), engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # PRAGMA foreign_keys only takes effect outside a transaction
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), "heads")
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseUnavailable(f"the upgraded database has {len(broken)} broken references")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open (and by default upgrade) the database at ``url``. Raises DatabaseUnavailable."""
    engine = create_database_engine(url)
    try:
        if upgrade:
            upgrade_to_head(engine)
        else:
            with engine.connect():
                pass
    except (OperationalError, DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"cannot open the database {_redact(str(url))}: {_first_line(exc)}"
        ) from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"the database {_redact(str(url))} failed: {_first_line(exc)}") from None
    return Database(engine)
