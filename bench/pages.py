"""Page speed: Today and History under 20 concurrent clients, on a year of daily workouts.

A database is filled through the real services with one workout a day for a year (the daily
program's sets, pain before and after, each finished), then ``backcoach serve --workers 2``
serves it while 20 clients ask for Today (/) and History (/history) in turn, each request as soon
as the last answered, for ``DURATION_S``. Printed: requests per second and the median and p95
time of each page (target: at least 200 requests/s, p95 under 100 ms), with any non-200 answers.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench import heading, target_line
from bench.server import running_server

__all__ = ["fill_year", "measure_pages", "run"]

CLIENTS = 20
DURATION_S = 15.0
DAYS = 365
PAGES = ("/", "/history")


class _Clock:
    """The services' clock, moved by hand from one day to the next."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.current.timestamp()

    def sleep(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


def fill_year(data_dir: Path, database_url: str | None = None, days: int = DAYS) -> int:
    """One workout a day for ``days`` days up to today, through the real services; the workouts made."""
    from backcoach.config import Settings
    from backcoach.services import safety, workouts
    from backcoach.services.context import open_app

    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    clock = _Clock(today - timedelta(days=days))
    ctx = open_app(Settings(data_dir=data_dir, database_url=database_url), clock=clock)
    try:
        safety.submit_screen(ctx, {q: False for q in safety.screen_questions().answer_ids})
        for day in range(days):
            clock.current = today - timedelta(days=days - day)
            workout = workouts.start_workout(ctx, "daily-short", new=True)
            workouts.record_pain(ctx, 2, "before", workout_id=workout.id)
            done: set[tuple[str, int]] = set()
            for step in workouts.workout_plan(ctx, workout.id):
                if step.exercise_id is None or step.kind not in ("reps", "hold"):
                    continue
                key = (step.exercise_id, step.set_number or 1)
                if key in done:
                    continue
                done.add(key)
                clock.sleep(60)
                workouts.record_set(
                    ctx,
                    workout.id,
                    exercise_id=step.exercise_id,
                    set_number=step.set_number or 1,
                    side=None,
                    reps=1 if step.kind == "hold" else 8,
                    hold_s=10.0 if step.kind == "hold" else 0.0,
                    source="timer",
                )
            workouts.record_pain(ctx, 2, "after", workout_id=workout.id)
            workouts.finish_workout(ctx, workout.id)
        return days
    finally:
        ctx.close()


async def _client(base: str, stop_at: float, times: dict[str, list[float]], failures: list[str]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        turn = 0
        while time.perf_counter() < stop_at:
            path = PAGES[turn % len(PAGES)]
            turn += 1
            began = time.perf_counter()
            response = await client.get(path)
            times[path].append((time.perf_counter() - began) * 1000.0)
            if response.status_code != 200:
                failures.append(f"{path}: {response.status_code}")


async def _load(
    base: str, clients: int, duration_s: float
) -> tuple[dict[str, list[float]], list[str], float]:
    times: dict[str, list[float]] = {path: [] for path in PAGES}
    failures: list[str] = []
    began = time.perf_counter()
    stop_at = began + duration_s
    await asyncio.gather(*(_client(base, stop_at, times, failures) for _ in range(clients)))
    return times, failures, time.perf_counter() - began


def measure_pages(base: str, clients: int = CLIENTS, duration_s: float = DURATION_S) -> dict[str, float]:
    """Load ``base`` with ``clients`` clients; requests/s, p95 over all, and any failures, printed."""
    asyncio.run(_load(base, 2, 2.0))  # warm up: first requests load templates and caches
    times, failures, elapsed = asyncio.run(_load(base, clients, duration_s))
    every = [ms for page in times.values() for ms in page]
    rate = len(every) / elapsed
    for path, page in times.items():
        print(
            f"  {path:<10} {len(page):6d} requests, median {statistics.median(page):6.1f} ms, "
            f"p95 {float(np.percentile(page, 95)):6.1f} ms"
        )
    print(f"  {rate:.0f} requests/s from {clients} clients; answers other than 200: {len(failures)}")
    return {"rate": rate, "p95_ms": float(np.percentile(every, 95)), "failures": float(len(failures))}


def run() -> None:
    heading(f"pages: Today and History, {CLIENTS} clients, backcoach serve --workers 2, a year of workouts")
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp:
        data_dir = Path(tmp)
        began = time.perf_counter()
        made = fill_year(data_dir)
        print(f"  filled: {made} daily workouts in {time.perf_counter() - began:.0f} s (SQLite)")
        with running_server(data_dir, "--workers", "2", "--no-queue-worker") as (url, _server):
            print(f"  load average before: {os.getloadavg()[0]:.1f}")
            figures = measure_pages(url)
    target_line("requests per second", figures["rate"], ">=", 200, "", 0)
    target_line("p95 of every request", figures["p95_ms"], "<=", 100, " ms", 1)
    target_line("answers other than 200", figures["failures"], "<=", 0, "", 0)


if __name__ == "__main__":
    run()
