"""How many live cameras one box holds: N WebSocket clients sending landmark frames at 15 fps.

Pose runs in the browsers, so the server only analyses landmarks. Each simulated camera opens
``/ws/live`` on a real ``backcoach serve --workers 2`` (SQLite), starts its own step (a fresh
analyser, its own stored set row) and sends the frames of one of the recorded traces in
../shared/clips/traces as the browser sends them (binary: header, "LM", size, 33 x 4 float32),
one every 1/15 s, each as soon as it is due whatever the replies. Clients start spread over a
second, as real cameras are not in step. For each level of N the load runs for ``DURATION_S``
and every frame is timed from sending to its feedback; a frame answered ``dropped``, with an
error, or not at all counts as dropped.

The clients run in a process of their own (two when N is large), so the figure includes the
cost of the client side on the same two cores. Printed: per N, the median and p95 frame to
feedback, the frames sent and dropped, and the largest N with p95 under 50 ms and nothing
dropped (target: at least 200).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import statistics
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import SHARED_DIR, heading, target_line
from bench.server import running_server, start_screened_workout

__all__ = ["StreamsResult", "measure_streams", "run", "trace_packets"]

TRACES = SHARED_DIR / "clips" / "traces"
# (trace, exercise) pairs the simulated cameras cycle through
STREAMS: tuple[tuple[str, str], ...] = (
    ("dawi_bridge1_side.trace.jsonl", "bridge"),
    ("gymnai_forearm_plank_side.trace.jsonl", "forearm_plank"),
    ("workoutapp_cat_cow_side.trace.jsonl", "cat_stretch"),
    ("fitcircuit_superman_side.trace.jsonl", "superman"),
    ("fitcircuit_bridge_march_side.trace.jsonl", "glute_bridge_march"),
    ("fitcircuit_deadbug_side.trace.jsonl", "dead_bug"),
)
FPS = 15.0
DURATION_S = 15.0
LEVELS = (100, 200, 250, 300, 350, 400, 500)
P95_TARGET_MS = 50.0
CLIENTS_PER_PROCESS = 250
_HEADER = struct.Struct(">II")


def trace_packets(trace: Path, fps: float = FPS) -> list[tuple[float, bytes]]:
    """(t_ms offset, payload after the 8-byte header) of a trace's frames, resampled to ``fps``."""
    from backcoach.motion.traces import read_trace

    header, frames = read_trace(trace)
    size = struct.pack(">2sHH", b"LM", header.width, header.height)
    packets: list[tuple[float, bytes]] = []
    next_ms = 0.0
    for frame in frames:
        if frame.t_ms + 1e-6 < next_ms:
            continue
        next_ms = frame.t_ms + 1000.0 / fps
        body = b"" if frame.landmarks is None else np.asarray(frame.landmarks, dtype="<f4").tobytes()
        packets.append((frame.t_ms, size + body))
    return packets


@dataclass(frozen=True)
class StreamsResult:
    clients: int
    sent: int
    answered: int
    dropped: int
    errors: int
    median_ms: float
    p95_ms: float
    connect_failures: int

    @property
    def lost(self) -> int:
        return self.sent - self.answered + self.dropped + self.errors

    def line(self) -> str:
        return (
            f"  {self.clients:4d} cameras: median {self.median_ms:6.1f} ms, p95 {self.p95_ms:6.1f} ms | "
            f"frames sent {self.sent}, feedback {self.answered - self.dropped - self.errors}, "
            f"dropped or unanswered {self.lost}, failed connections {self.connect_failures}"
        )


async def _camera(
    url: str,
    workout_id: int,
    number: int,
    exercise_id: str,
    packets: list[tuple[float, bytes]],
    begin: float,
    duration_s: float,
    latencies_ms: list[float],
    counts: dict[str, int],
) -> None:
    import websockets

    sent_at: dict[int, float] = {}
    await asyncio.sleep(max(0.0, begin - time.perf_counter()))
    try:
        async with websockets.connect(url, max_size=None, ping_interval=None) as ws:
            start = {
                "type": "start",
                "workout_id": workout_id,
                "exercise_id": exercise_id,
                "set_number": 1,
                "client_id": f"load-{number}",
            }
            await ws.send(json.dumps(start))
            if json.loads(await ws.recv())["type"] != "started":
                counts["connect_failures"] += 1
                return
            total = int(duration_s * FPS)
            done = asyncio.Event()

            async def receive() -> None:
                answered = 0
                while answered < total:
                    message = json.loads(await ws.recv())
                    kind = message.get("type")
                    frame_id = message.get("frame_id")
                    if frame_id is None:
                        continue
                    answered += 1
                    counts["answered"] += 1
                    if kind == "feedback":
                        latencies_ms.append((time.perf_counter() - sent_at.pop(frame_id)) * 1000.0)
                    elif kind == "dropped":
                        counts["dropped"] += 1
                    else:
                        counts["errors"] += 1
                done.set()

            receiver = asyncio.create_task(receive())
            started = time.perf_counter()
            loop_ms = packets[-1][0] + 1000.0 / FPS
            for n in range(total):
                await asyncio.sleep(max(0.0, started + n / FPS - time.perf_counter()))
                offset_ms, body = packets[n % len(packets)]
                t_ms = int((n // len(packets)) * loop_ms + offset_ms) + 1
                sent_at[n + 1] = time.perf_counter()
                await ws.send(_HEADER.pack(n + 1, t_ms) + body)
                counts["sent"] += 1
            try:
                await asyncio.wait_for(done.wait(), timeout=10.0)
            except TimeoutError:
                receiver.cancel()
    except (OSError, websockets.exceptions.WebSocketException):
        counts["connect_failures"] += 1


async def _cameras(url: str, workout_id: int, first: int, count: int, duration_s: float) -> dict[str, object]:
    traces = [(trace_packets(TRACES / name), exercise) for name, exercise in STREAMS]
    latencies_ms: list[float] = []
    counts = {"sent": 0, "answered": 0, "dropped": 0, "errors": 0, "connect_failures": 0}
    begin = time.perf_counter() + 0.5
    tasks = []
    for i in range(count):
        packets, exercise = traces[(first + i) % len(traces)]
        # spread over a second: cameras are not in step
        when = begin + ((first + i) * 0.618) % 1.0
        tasks.append(
            _camera(url, workout_id, first + i, exercise, packets, when, duration_s, latencies_ms, counts)
        )
    await asyncio.gather(*tasks)
    return {"latencies_ms": latencies_ms, **counts}


def _client_process(
    url: str, workout_id: int, first: int, count: int, duration_s: float
) -> dict[str, object]:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    return asyncio.run(_cameras(url, workout_id, first, count, duration_s))


def measure_streams(url: str, workout_id: int, clients: int, duration_s: float = DURATION_S) -> StreamsResult:
    """Run ``clients`` simulated cameras against ``url`` (ws://.../ws/live) and time every frame."""
    processes = max(1, -(-clients // CLIENTS_PER_PROCESS))
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    firsts = [sum(shares[:i]) for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        parts = pool.starmap(
            _client_process,
            [(url, workout_id, f, n, duration_s) for f, n in zip(firsts, shares, strict=True)],
        )
    latencies = sorted(ms for part in parts for ms in part["latencies_ms"])  # type: ignore[attr-defined]

    def total(key: str) -> int:
        return sum(int(part[key]) for part in parts)  # type: ignore[call-overload]

    p95 = (
        latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] if latencies else float("nan")
    )
    return StreamsResult(
        clients=clients,
        sent=total("sent"),
        answered=total("answered"),
        dropped=total("dropped"),
        errors=total("errors"),
        median_ms=statistics.median(latencies) if latencies else float("nan"),
        p95_ms=p95,
        connect_failures=total("connect_failures"),
    )


def run() -> None:
    heading(f"live cameras on one box: landmark frames at {FPS:g} fps, backcoach serve --workers 2, SQLite")
    if not TRACES.is_dir():
        print(f"  {TRACES} not found: skipped")
        return
    best = 0
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp:
        data_dir = Path(tmp)
        workout_id = start_screened_workout(data_dir)
        with running_server(data_dir, "--workers", "2") as (url, _server):
            ws_url = url.replace("http://", "ws://") + "/ws/live"
            for clients in LEVELS:
                load_1min = os.getloadavg()[0]
                result = measure_streams(ws_url, workout_id, clients)
                print(result.line() + f" | load before {load_1min:.1f}", flush=True)
                held = result.p95_ms < P95_TARGET_MS and result.lost == 0 and result.connect_failures == 0
                if not held:
                    break
                best = clients
    target_line(f"cameras held (p95 < {P95_TARGET_MS:g} ms, none dropped)", float(best), ">=", 200, "", 0)


if __name__ == "__main__":
    run()
