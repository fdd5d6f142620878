"""A real backcoach server for a benchmark: ``backcoach serve`` in its own process on a free port.

``running_server(data_dir, **env)`` starts it (SQLite in ``data_dir`` unless the environment says
otherwise), waits until it answers, yields its base URL and stops it. ``process_tree_rss_mb`` is
the memory of a process and its children (a server with several workers), read from /proc.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "free_port",
    "launch_chromium",
    "process_tree_rss_mb",
    "running_server",
    "start_screened_workout",
]

# Debian's Chromium (never a downloaded browser), as the browser tests run it.
CHROMIUM = os.environ.get("BACKCOACH_CHROMIUM", "/usr/bin/chromium")
_CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch_chromium(playwright: Any) -> Any:
    """Headless Debian Chromium through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(_CHROMIUM_ARGS), headless=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB (0 when gone)."""
    total_kb = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
        todo += _children(current)
    return total_kb / 1024.0


def start_screened_workout(data_dir: Path, database_url: str | None = None) -> int:
    """Answer the red-flag screen all clear and start a workout; its id."""
    from backcoach.config import Settings
    from backcoach.services.context import open_app
    from backcoach.services.safety import screen_questions, submit_screen
    from backcoach.services.workouts import start_workout

    ctx = open_app(Settings(data_dir=data_dir, database_url=database_url))
    try:
        submit_screen(ctx, {answer: False for answer in screen_questions().answer_ids})
        return start_workout(ctx).id
    finally:
        ctx.close()


@contextmanager
def running_server(data_dir: Path, *args: str, **env: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``backcoach serve ARGS`` with ``BACKCOACH_*`` variables ``env``; yields (base URL, process)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    # One simulated person opens many cameras: the per-person and per-server limits are lifted.
    environment.update(
        {
            "BACKCOACH_DATA_DIR": str(data_dir),
            "BACKCOACH_LIVE_CONNECTIONS_PER_USER": "10000",
            "BACKCOACH_LIVE_CONNECTIONS_PER_SERVER": "10000",
            **env,
        }
    )
    command = [sys.executable, "-m", "backcoach", "serve", "--port", str(port), "--no-open", *args]
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped while starting: see {data_dir / 'server.log'}")
            try:
                with urllib.request.urlopen(url + "/api/health", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start in time") from None
                time.sleep(0.2)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
