"""``backcoach serve``: run the web app with uvicorn (http://127.0.0.1:8000 by default).

The database is opened (and upgraded, under a lock) once before the server starts, so a bad
``BACKCOACH_DATABASE_URL`` is one clear line (exit 2) rather than a server that fails on its first
page. With ``--workers N`` uvicorn runs N processes, each building the app from the same
environment (``create_app`` reads the settings itself), all on one database. On the SQLite task
queue (no ``BACKCOACH_REDIS_URL``) it also starts a queue worker (``backcoach worker``) for
recorded videos, and starts it again if it dies; with Redis, workers are started on their own
(docs/deploy.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import webbrowser
from typing import Annotated

import typer

from backcoach.cli.context import load_settings
from backcoach.services.context import open_app

__all__ = ["register", "serve"]


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (BACKCOACH_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (BACKCOACH_PORT).", min=0, max=65535)
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Server processes (more serve more people at once).", min=1, max=64)
    ] = 1,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the app in your web browser once it is up.")
    ] = True,
    queue_worker: Annotated[
        bool | None,
        typer.Option(
            "--queue-worker/--no-queue-worker",
            help="Start a worker for recorded videos too (default: yes on the SQLite queue, no with Redis).",
        ),
    ] = None,
) -> None:
    """Start the web app: guided workouts, the exercise library, history and settings in your browser."""
    import uvicorn

    # The options go through the environment, so every worker process reads the same settings.
    if host is not None:
        os.environ["BACKCOACH_HOST"] = host
    if port is not None:
        os.environ["BACKCOACH_PORT"] = str(port)
    settings = load_settings()  # one clear line for a bad value (a personal server on 0.0.0.0, say)
    open_app(settings).close()  # fails here, in one line, when the database cannot be opened
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}/"
    typer.echo(f"backcoach is running at {url} (Ctrl-C to stop)")
    if open_browser and settings.mode == "personal" and _has_desktop():
        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    start_worker = queue_worker if queue_worker is not None else not settings.redis_url
    supervisor = _QueueWorker() if start_worker else None
    if supervisor is not None:
        supervisor.start()
    try:
        uvicorn.run(
            "backcoach.web.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_level="warning",
            server_header=False,
            proxy_headers=settings.mode == "clinic",
            # Camera frames are small binary landmarks or JPEGs: compressing them costs more than
            # it saves.
            ws_per_message_deflate=False,
        )
    finally:
        if supervisor is not None:
            supervisor.stop()


def _stop_with_parent() -> None:
    """In the worker child (Linux): SIGTERM when ``serve`` goes, however it goes (uvicorn ends its
    process by re-raising the signal it caught, before any clean-up of ours can run)."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class _QueueWorker:
    """``backcoach worker`` as a child process, started again when it dies (killed, out of memory)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._keep_running, name="backcoach-queue-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _keep_running(self) -> None:
        while not self._stopping.is_set():
            self._process = subprocess.Popen(
                [sys.executable, "-m", "backcoach", "worker"],
                stdin=subprocess.DEVNULL,
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )
            if self._stopping.is_set():  # stop() came while it was starting
                self._process.terminate()
            self._process.wait()
            if self._stopping.wait(1.0):
                return
            typer.echo("backcoach: the video worker stopped; starting it again", err=True)

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _has_desktop() -> bool:
    """A graphical session to open a browser in (never a text browser taking over the terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``backcoach`` command."""
    app.command("serve")(serve)
