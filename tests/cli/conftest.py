"""Running the real ``backcoach`` command in a subprocess, with its own data folder per test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.services.context import AppContext, open_app


@dataclass
class Cli:
    """``python -m backcoach`` with BACKCOACH_DATA_DIR in a temporary folder; fast clock, no voice."""

    data_dir: Path
    env: dict[str, str]
    record_screen: Callable[[AppContext], object]

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backcoach", *args],
            env=self.env | (env or {}),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"backcoach {' '.join(args)} failed: {done.stderr}"
        assert "Traceback" not in done.stderr
        return done.stdout

    def fails(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run a command that must fail as a person expects: exit 2, one line on stderr, no traceback."""
        done = self.run(*args, env=env)
        assert done.returncode == 2, f"exit {done.returncode}: {done.stdout}{done.stderr}"
        assert "Traceback" not in done.stderr + done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        return lines[0]

    @contextmanager
    def app(self) -> Iterator[AppContext]:
        """The same database, opened in the test to check what was stored."""
        with open_app(Settings(data_dir=self.data_dir, voice=False)) as ctx:
            yield ctx

    def screen_all_clear(self) -> None:
        """The first-run red-flag screen answered "no" throughout (through the real service), so
        ``backcoach workout`` goes straight to the workout."""
        with self.app() as ctx:
            self.record_screen(ctx)


@pytest.fixture
def cli(tmp_path: Path, screen_all_clear: Callable[[AppContext], object]) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env |= {
        "BACKCOACH_DATA_DIR": str(tmp_path / "data"),
        "BACKCOACH_VOICE": "0",
        "BACKCOACH_CLOCK_SPEED": "50",
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "TERM": "xterm",
    }
    return Cli(data_dir=tmp_path / "data", env=env, record_screen=screen_all_clear)
