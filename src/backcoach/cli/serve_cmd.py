"""``backcoach serve``: run the web app with uvicorn (http://127.0.0.1:8000 by default).

The database is opened (and upgraded, under a lock) once before the server starts, so a bad
``BACKCOACH_DATABASE_URL`` is one clear line (exit 2) rather than a server that fails on its first
page. With ``--workers N`` uvicorn runs N processes, each building the app from the same
environment (``create_app`` reads the settings itself), all on one database.
"""

from __future__ import annotations

import os
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
    uvicorn.run(
        "backcoach.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="warning",
        server_header=False,
        proxy_headers=settings.mode == "clinic",
    )


def _has_desktop() -> bool:
    """A graphical session to open a browser in (never a text browser taking over the terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``backcoach`` command."""
    app.command("serve")(serve)
