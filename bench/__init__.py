"""Benchmarks run by ``make bench`` (``python -m bench [NAME ...]``); never part of the tests.

Each module here with a ``run() -> None`` is one benchmark; ``__main__`` runs them in a fixed
order. Shared bits: where ../shared is, and how a figure is printed beside its target.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_DIR", "SHARED_DIR", "heading", "target_line"]

REPO_DIR = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("BACKCOACH_SHARED_DIR", REPO_DIR.parent / "shared")).resolve()


def heading(title: str) -> None:
    print()
    print(f"== {title} ==")


def target_line(
    name: str, value: float | None, op: str, target: float, unit: str = "", digits: int = 3
) -> bool:
    """Print ``name: value  (target op target) PASS|MISS`` and return whether it passed."""
    if value is None:
        print(f"  {name:<44} {'n/a':>10}   target {op} {target:g}{unit}   MISS")
        return False
    passed = value >= target if op == ">=" else value <= target
    shown = f"{value:.{digits}f}{unit}"
    print(f"  {name:<44} {shown:>10}   target {op} {target:g}{unit}   {'PASS' if passed else 'MISS'}")
    return passed
