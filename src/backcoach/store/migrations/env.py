"""Alembic's environment for backcoach: the metadata of every ``backcoach.store.rows*`` module.

Run from code (``backcoach.store.database``) with a connection in ``config.attributes``, or from the
command line with ``alembic -c src/backcoach/store/alembic.ini ...`` and ``BACKCOACH_DATABASE_URL``.
SQLite needs batch mode for ALTER TABLE, so autogenerate renders batch operations.
"""

from __future__ import annotations

import importlib
import os
import pkgutil

from alembic import context
from sqlalchemy import create_engine

import backcoach.store
from backcoach.store.base import Base


def _import_row_modules() -> None:
    for module in pkgutil.iter_modules(backcoach.store.__path__):
        if module.name.startswith("rows"):
            importlib.import_module(f"backcoach.store.{module.name}")


_import_row_modules()
target_metadata = Base.metadata
config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("BACKCOACH_DATABASE_URL")
    if not url:
        raise SystemExit("Set BACKCOACH_DATABASE_URL (or sqlalchemy.url) to run migrations.")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    try:
        with engine.connect() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
