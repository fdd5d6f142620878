"""``backcoach worker``: consume the task queue (recorded videos to analyse) until stopped.

With ``BACKCOACH_REDIS_URL`` set, run as many as you like, on any machines sharing the database
and the data directory. Without it, ``backcoach serve`` starts one itself on the SQLite queue.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from backcoach.cli.context import load_settings

__all__ = ["register"]


def worker(
    threads: Annotated[
        int, typer.Option(help="Videos analysed at once (each already uses every core).", min=1, max=16)
    ] = 1,
) -> None:
    """Analyse the recorded videos waiting on the task queue (Ctrl-C or SIGTERM to stop)."""
    from backcoach.services.context import open_app
    from backcoach.worker.consumer import run_worker

    settings = load_settings()
    open_app(settings).close()  # a bad database URL is one clear line, before the consumer starts
    logging.basicConfig(level=logging.WARNING, format="backcoach worker: %(message)s")
    where = "Redis" if settings.redis_url else f"the queue in {settings.data_dir}"
    typer.echo(f"backcoach worker: analysing videos from {where} (Ctrl-C to stop)")
    run_worker(settings, threads)


def register(app: typer.Typer) -> None:
    """Add ``worker`` to the ``backcoach`` command."""
    app.command("worker")(worker)
