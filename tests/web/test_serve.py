"""``backcoach serve``: its options, and a database it cannot open gives one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    return subprocess.run(
        [sys.executable, "-m", "backcoach", *args],
        env={**clean, "BACKCOACH_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_lists_its_options(tmp_path: Path) -> None:
    result = _run(["serve", "--help"], tmp_path)
    assert result.returncode == 0
    for option in ("--host", "--port", "--open", "--no-open"):
        assert option in result.stdout


def test_an_unreachable_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _run(
        ["serve", "--no-open", "--port", "0"],
        tmp_path,
        BACKCOACH_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/nothing",
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("backcoach:")


def test_a_bad_port_is_refused(tmp_path: Path) -> None:
    result = _run(["serve", "--no-open", "--port", "70000"], tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_bad_settings_from_the_environment_are_one_line(tmp_path: Path) -> None:
    result = _run(["serve", "--no-open"], tmp_path, BACKCOACH_CLOCK_SPEED="0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "clock_speed" in result.stderr
