"""``python -m bench [NAME ...]``: the machine context, then every benchmark (or the named ones).

A benchmark is a module of this package with a ``run() -> None``. They run in a fixed order
(``ORDER``), then any other module alphabetically; ``machine`` always comes first.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

ORDER = ("machine", "analysers", "video", "plank_form", "accuracy", "live_latency")


def discover() -> dict[str, Callable[[], None]]:
    """Benchmark name -> its run(), in the order they run."""
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_")
    )
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    found: dict[str, Callable[[], None]] = {}
    for name in ordered:
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)
        if callable(run):
            found[name] = run
    return found


def main(argv: list[str]) -> int:
    benchmarks = discover()
    wanted = [name for name in benchmarks if name in argv] if argv else list(benchmarks)
    unknown = [name for name in argv if name not in benchmarks]
    if unknown:
        print(
            f"bench: unknown benchmark {unknown[0]!r}; choose from {', '.join(benchmarks)}", file=sys.stderr
        )
        return 2
    if "machine" in benchmarks and "machine" not in wanted:
        wanted.insert(0, "machine")
    failed = 0
    for name in wanted:
        try:
            benchmarks[name]()
        except Exception:  # one broken benchmark must not hide the others' figures
            failed += 1
            print(f"\nbench {name} failed:", file=sys.stderr)
            traceback.print_exc()
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
