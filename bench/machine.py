"""The machine the figures were measured on: CPU, cores, memory, load, library versions, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib import metadata
from pathlib import Path

__all__ = ["describe", "run"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> list[tuple[str, str]]:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("cpu", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("ram", _ram_gib()),
        ("load average (1, 5, 15 min)", load),
        ("os", platform.platform()),
        ("python", platform.python_version()),
        ("numpy", _version("numpy")),
        ("mediapipe", _version("mediapipe")),
        ("opencv", _version("opencv-contrib-python")),
        ("backcoach", _version("backcoach")),
    ]


def run() -> None:
    print("== machine ==")
    for name, value in describe():
        print(f"  {name:<30} {value}")
