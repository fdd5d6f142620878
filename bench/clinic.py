"""A clinic on several processes, started as docs/deploy.md says: PostgreSQL, Redis, 2 web
processes (``backcoach serve --workers 2``) and 2 queue workers (``backcoach worker``), then a
bounded mixed load: people browsing pages, live cameras sending landmark frames, and recorded
videos sent for analysis, all at once.

``run_clinic(...)`` does it and returns what happened; ``tests/test_clinic_deploy.py`` runs it
small and checks there were no errors and nothing was lost (every page answered 200, every camera
frame got its feedback and every rep it counted is stored, every video ended analysed with its
count), and ``run()`` runs it larger for ``make bench`` and prints the figures. It needs the PostgreSQL server
(BACKCOACH_TEST_DATABASE_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test) and Redis
(redis://127.0.0.1:6379/0); each run makes its own database and queue.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench import SHARED_DIR, heading, target_line
from bench.live_streams import FPS, trace_packets
from bench.server import free_port

__all__ = ["ClinicLoad", "ClinicResult", "clinic_database", "run", "run_clinic"]

TRACE = SHARED_DIR / "clips" / "traces" / "dawi_bridge1_side.trace.jsonl"  # one bridge rep
VIDEO = SHARED_DIR / "clips" / "fitcircuit_superman_side.mp4"  # one superman rep
PAGES = ("/", "/history", "/exercises", "/videos")
ADMIN_URL = os.environ.get("BACKCOACH_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BACKCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class ClinicLoad:
    """How much load: page clients for ``seconds``, cameras each sending one trace, videos sent."""

    page_clients: int = 10
    seconds: float = 15.0
    cameras: int = 20
    videos: int = 4


@dataclass
class ClinicResult:
    pages: int = 0
    page_errors: list[str] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    frames_sent: int = 0
    frame_errors: list[str] = field(default_factory=list)
    frame_ms: list[float] = field(default_factory=list)
    reps_counted: dict[str, int] = field(default_factory=dict)
    reps_stored: dict[str, int] = field(default_factory=dict)
    videos_done: list[dict[str, object]] = field(default_factory=list)
    video_errors: list[str] = field(default_factory=list)
    video_s: list[float] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def errors(self) -> list[str]:
        return self.page_errors + self.frame_errors + self.video_errors

    @property
    def lost(self) -> list[str]:
        """Reps a camera was told were counted but the database does not hold."""
        return [
            f"{client}: counted {n}, stored {self.reps_stored.get(client, 0)}"
            for client, n in self.reps_counted.items()
            if self.reps_stored.get(client, 0) != n
        ]


@contextmanager
def clinic_database(admin_url: str = ADMIN_URL) -> Iterator[str]:
    """A fresh PostgreSQL database for one run; its URL (dropped afterwards)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"backcoach_clinic_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _environment(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(
        BACKCOACH_DATABASE_URL=database_url,
        BACKCOACH_REDIS_URL=redis_url,
        BACKCOACH_DATA_DIR=str(data_dir),
        BACKCOACH_JOB_LEASE_S="10",
        # the simulated cameras are one person's: the per-person limit is lifted
        BACKCOACH_LIVE_CONNECTIONS_PER_USER="10000",
        BACKCOACH_LIVE_CONNECTIONS_PER_SERVER="10000",
    )
    return env


def _backcoach(*args: str) -> list[str]:
    return [sys.executable, "-m", "backcoach", *args]


async def _browse(base: str, stop_at: float, result: ClinicResult) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        turn = 0
        while time.perf_counter() < stop_at:
            path = PAGES[turn % len(PAGES)]
            turn += 1
            began = time.perf_counter()
            try:
                response = await client.get(path)
                status = response.status_code
            except httpx.HTTPError as exc:
                status = 0
                result.page_errors.append(f"{path}: {exc!r}")
            result.page_ms.append((time.perf_counter() - began) * 1000.0)
            result.pages += 1
            if status not in (0, 200):
                result.page_errors.append(f"{path}: {status}")


async def _camera(ws_url: str, workout_id: int, number: int, delay_s: float, result: ClinicResult) -> None:
    import websockets

    packets = trace_packets(TRACE)
    client = f"clinic-camera-{number}"
    await asyncio.sleep(delay_s)
    header = b""
    try:
        async with websockets.connect(ws_url, max_size=None) as ws:
            start = {"type": "start", "workout_id": workout_id, "exercise_id": "bridge", "client_id": client}
            await ws.send(json.dumps(start))
            started = json.loads(await ws.recv())
            if started.get("type") != "started":
                result.frame_errors.append(f"{client}: {started}")
                return
            reps = 0
            began = time.perf_counter()
            for n, (offset_ms, body) in enumerate(packets, start=1):
                await asyncio.sleep(max(0.0, began + (n - 1) / FPS - time.perf_counter()))
                header = n.to_bytes(4, "big") + (int(offset_ms) + 1).to_bytes(4, "big")
                sent = time.perf_counter()
                await ws.send(header + body)
                reply = json.loads(await ws.recv())
                result.frame_ms.append((time.perf_counter() - sent) * 1000.0)
                result.frames_sent += 1
                if reply.get("type") != "feedback" or reply.get("frame_id") != n:
                    result.frame_errors.append(f"{client} frame {n}: {reply}")
                    continue
                reps = int(reply["reps"])
            await ws.send(json.dumps({"type": "stop"}))
            await ws.recv()
            result.reps_counted[client] = reps
    except (OSError, websockets.exceptions.WebSocketException) as exc:
        result.frame_errors.append(f"{client}: {exc!r}")


async def _video(base: str, number: int, delay_s: float, result: ClinicResult) -> None:
    import httpx

    await asyncio.sleep(delay_s)
    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
        sent = await client.post(
            "/videos",
            files={"video": (f"clinic-{number}.mp4", VIDEO.read_bytes(), "video/mp4")},
            data={"exercise_id": "superman"},
            headers={"Accept": "application/json"},
        )
        if sent.status_code != 201:
            result.video_errors.append(f"video {number}: upload answered {sent.status_code}")
            return
        location = sent.headers["location"]
        deadline = time.perf_counter() + 300
        while time.perf_counter() < deadline:
            job = (await client.get("/api" + location)).json()
            if job["status"] in ("done", "failed"):
                break
            await asyncio.sleep(0.5)
        else:
            result.video_errors.append(f"video {number}: not finished in 5 minutes")
            return
    if job["status"] != "done":
        result.video_errors.append(f"video {number}: {job['error']}")
        return
    result.video_s.append(time.perf_counter() - began)
    result.videos_done.append(job)


async def _load(base: str, workout_id: int, load: ClinicLoad, result: ClinicResult) -> None:
    ws_url = base.replace("http://", "ws://") + "/ws/live"
    stop_at = time.perf_counter() + load.seconds
    spread_s = max(0.0, load.seconds - 20.0)  # a trace is 20 s long
    tasks = [_browse(base, stop_at, result) for _ in range(load.page_clients)]
    tasks += [
        _camera(ws_url, workout_id, i, spread_s * i / max(1, load.cameras), result)
        for i in range(load.cameras)
    ]
    tasks += [_video(base, i, load.seconds * i / max(1, load.videos) / 2, result) for i in range(load.videos)]
    await asyncio.gather(*tasks)


def _wait_until_up(base: str, processes: list[subprocess.Popen[bytes]]) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a clinic process stopped while starting")
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError("the clinic did not start in time")


def _prepare(database_url: str, data_dir: Path) -> int:
    """The same person's screen answered and a workout started (for the cameras); the workout id."""
    from backcoach.config import Settings
    from backcoach.services import safety, workouts
    from backcoach.services.context import open_app

    ctx = open_app(Settings(data_dir=data_dir, database_url=database_url))
    try:
        safety.submit_screen(ctx, {q: False for q in safety.screen_questions().answer_ids})
        return workouts.start_workout(ctx).id
    finally:
        ctx.close()


def _stored_reps(database_url: str, data_dir: Path, workout_id: int) -> dict[str, int]:
    from backcoach.config import Settings
    from backcoach.services import workouts
    from backcoach.services.context import open_app

    ctx = open_app(Settings(data_dir=data_dir, database_url=database_url))
    try:
        sets = workouts.get_workout(ctx, workout_id).sets
    finally:
        ctx.close()
    return {s.client_id: s.reps for s in sets if s.client_id and s.client_id.startswith("clinic-camera-")}


def run_clinic(database_url: str, redis_url: str, data_dir: Path, load: ClinicLoad) -> ClinicResult:
    """Start the clinic as docs/deploy.md does, put ``load`` on it, stop it; what happened."""
    env = _environment(database_url, redis_url, data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(_backcoach("db", "upgrade"), env=env, check=True, capture_output=True)
    workout_id = _prepare(database_url, data_dir)
    port = free_port()
    log = (data_dir / "clinic.log").open("wb")
    processes = [
        subprocess.Popen(
            _backcoach("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-open"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        *(
            subprocess.Popen(_backcoach("worker"), env=env, stdout=log, stderr=subprocess.STDOUT)
            for _ in range(2)
        ),
    ]
    result = ClinicResult()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, processes)
        began = time.perf_counter()
        asyncio.run(_load(base, workout_id, load, result))
        result.elapsed_s = time.perf_counter() - began
        if any(p.poll() is not None for p in processes):
            result.video_errors.append("a clinic process stopped during the load")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
    result.reps_stored = _stored_reps(database_url, data_dir, workout_id)
    return result


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else float("nan")


def run() -> None:
    load = ClinicLoad(page_clients=20, seconds=40.0, cameras=60, videos=6)
    heading(
        f"a clinic on several processes: PostgreSQL, Redis, 2 web processes, 2 queue workers; "
        f"{load.page_clients} page clients for {load.seconds:g} s, {load.cameras} cameras, "
        f"{load.videos} videos"
    )
    if not TRACE.is_file() or not VIDEO.is_file():
        print("  ../shared/clips not found: skipped")
        return
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        database = clinic_database()
        url = database.__enter__()
    except Exception as exc:
        print(f"  PostgreSQL or Redis is not reachable ({exc.__class__.__name__}): skipped")
        return
    try:
        with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp:
            result = run_clinic(url, REDIS_URL, Path(tmp), load)
    finally:
        database.__exit__(None, None, None)
    print(
        f"  pages: {result.pages} in {load.seconds:g} s ({result.pages / load.seconds:.0f}/s), median "
        f"{statistics.median(result.page_ms):.1f} ms, p95 {_p95(result.page_ms):.1f} ms"
    )
    print(
        f"  camera frames: {result.frames_sent}, feedback median "
        f"{statistics.median(result.frame_ms):.1f} ms, "
        f"p95 {_p95(result.frame_ms):.1f} ms; reps counted {sum(result.reps_counted.values())}, "
        f"stored {sum(result.reps_stored.values())}"
    )
    if result.video_s:
        print(
            f"  videos: {len(result.videos_done)} of {load.videos} analysed, sent to result median "
            f"{statistics.median(result.video_s):.1f} s, slowest {max(result.video_s):.1f} s"
        )
    for problem in (result.errors + result.lost)[:5]:
        print(f"  problem: {problem}")
    target_line("errors (pages, frames, videos)", float(len(result.errors)), "<=", 0, "", 0)
    target_line("lost (reps not stored, videos unfinished)", float(len(result.lost)), "<=", 0, "", 0)


if __name__ == "__main__":
    run()
