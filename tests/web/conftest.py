"""Fixtures for the web tests: the app in-process, a real uvicorn server, and real Chromium.

- ``web_settings`` / ``client``: the app through FastAPI's TestClient on a fresh SQLite file (a first
  run: the red-flag screen not yet answered); ``screened_client``: the same after an all-clear screen
  recorded through the real service (workouts can start).
- ``answer_screen``: a function ``(base_url)`` that answers the real screen form of a running server
  "no" to every question (``answer_screen_all_clear``), as a person does before their first workout.
- ``start_server(**env)``: starts ``python -m backcoach serve`` on a free port with its own data
  directory (and any extra BACKCOACH_* variables), waits until it answers, returns the base URL;
  every server started is stopped after the test module.
- ``live_server``: one such server per test module, with a fast clock (BACKCOACH_CLOCK_SPEED).
- ``launch_browser(extra_args=())``: Debian's Chromium through Playwright (never a downloaded
  browser), with extra command-line flags (e.g. a fake camera); ``browser`` is one with none.
- ``page``: a fresh 1280x800 page in its own context; the ``save_screenshot`` fixture is a function
  ``(page, name)`` that writes docs/screenshots/<name>.png.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.domain.redflags import ScreenRecord
from backcoach.services import safety
from backcoach.services.context import AppContext
from backcoach.web.app import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS_DIR = REPO_ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("BACKCOACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FAST_CLOCK = "40"


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", clock_speed=1.0)


@pytest.fixture
def client(web_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def screened_client(client: TestClient, screen_all_clear: Callable[[AppContext], ScreenRecord]) -> TestClient:
    """``client`` after the first-run red-flag screen was answered "no" throughout (the real service)."""
    screen_all_clear(client.app.state.ctx)  # type: ignore[attr-defined]
    return client


def answer_screen_all_clear(base_url: str) -> None:
    """Post the server's real red-flag screen form with "no" to every question (over HTTP, as a browser
    does), so workouts can start on that server."""
    form = {f"q_{a}": "no" for a in safety.screen_questions().answer_ids}
    request = urllib.request.Request(
        base_url + "/safety/screen",
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200, response.status
    with urllib.request.urlopen(base_url + "/api/safety/status", timeout=10) as response:
        status = json.loads(response.read())
    assert status["can_exercise"] and not status["needs_screen"], status


@pytest.fixture(scope="session")
def answer_screen() -> Callable[[str], None]:
    """``answer_screen(base_url)``: the server's red-flag screen answered all clear over HTTP."""
    return answer_screen_all_clear


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"backcoach serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"backcoach serve did not answer within {timeout_s:g} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(**env_overrides: str) -> str:
        data_dir = tmp_path_factory.mktemp("server-data")
        port = _free_port()
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_") or k == "BACKCOACH_CHROMIUM"
        }
        env.update({"BACKCOACH_DATA_DIR": str(data_dir), "BACKCOACH_CLOCK_SPEED": FAST_CLOCK})
        env.update(env_overrides)
        log = data_dir / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "backcoach", "serve", "--port", str(port), "--no-open"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
            )
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, proc, log)
        return url

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server(start_server: Callable[..., str]) -> str:
    """The base URL (http://127.0.0.1:PORT) of a real server with a fresh database and a fast clock."""
    return start_server()


@pytest.fixture(scope="session")
def launch_browser() -> Iterator[Callable[..., Any]]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (sudo apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browsers: list[Any] = []

    def launch(extra_args: tuple[str, ...] | list[str] = ()) -> Any:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = playwright.chromium.launch(
            executable_path=executable, args=[*CHROMIUM_ARGS, *extra_args], headless=True
        )
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[..., Any]) -> Any:
    return launch_browser()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="no-preference")
    page = context.new_page()
    yield page
    context.close()


def _save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def save_screenshot() -> Callable[..., Path]:
    """``save_screenshot(page, name, full_page=True)`` writes docs/screenshots/<name>.png (for the README)."""
    return _save_screenshot
