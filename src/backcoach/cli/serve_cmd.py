"""``backcoach serve``: run the web app with uvicorn (http://127.0.0.1:8000 by default).

The database is opened once before the server starts, so a bad ``BACKCOACH_DATABASE_URL`` is one
clear line (exit 2) rather than a server that fails on its first page.
"""

from __future__ import annotations

import os
import sys
import threading
import webbrowser
from typing import Annotated

import typer
from pydantic import ValidationError

from backcoach.config import Settings
from backcoach.services.context import open_app
from backcoach.services.errors import BackcoachError

__all__ = ["register", "serve"]


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (BACKCOACH_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (BACKCOACH_PORT).", min=0, max=65535)
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the app in your web browser once it is up.")
    ] = True,
    workers: Annotated[
        int, typer.Option(help="Web processes sharing the port (a clinic server: about one per core).", min=1)
    ] = 1,
) -> None:
    """Start the web app: guided workouts, the exercise library, history and settings in your browser."""
    import uvicorn

    from backcoach.web.app import create_app

    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BackcoachError(f"the settings are not valid: {problems}") from None
    open_app(settings).close()  # fails here, in one line, when the database cannot be opened
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}/"
    typer.echo(f"backcoach is running at {url} (Ctrl-C to stop)")
    if open_browser and _has_desktop():
        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    # Camera frames are small binary landmarks or JPEGs: compressing them costs more than it saves.
    options: dict[str, object] = {"log_level": "warning", "ws_per_message_deflate": False}
    if workers == 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, **options)  # type: ignore[arg-type]
        return
    # Each process builds its app from the same BACKCOACH_* environment (the overrides included).
    os.environ["BACKCOACH_HOST"], os.environ["BACKCOACH_PORT"] = settings.host, str(settings.port)
    uvicorn.run(
        "backcoach.web.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        **options,  # type: ignore[arg-type]
    )


def _has_desktop() -> bool:
    """A graphical session to open a browser in (never a text browser taking over the terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``backcoach`` command."""
    app.command("serve")(serve)
