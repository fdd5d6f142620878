"""Server-side pose for ten cameras at once: the web process's memory, and whether it comes back.

When a browser cannot run the pose model it sends JPEG frames and the server finds the pose with
its shared pool of estimators (about one per core). Ten WebSocket clients send 640x360 JPEG frames
of ../shared/clips/dawi_bridge1_side.mp4 at 15 frames a second for ``DURATION_S`` to a real
``backcoach serve`` (the pool cannot keep up with 150 frames a second on two cores: the newest
frame wins and the rest are dropped, as designed). Printed: the web process's resident memory
at start, after one camera came and went (MediaPipe's libraries are then loaded, and stay: that
is code, not camera memory), at its highest while the ten are connected, and a few seconds after
they closed; the targets are under 1 GB in total while connected, and back within 50 MB of the
one-camera figure after.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from pathlib import Path

from bench import SHARED_DIR, heading, target_line
from bench.server import process_tree_rss_mb, running_server, start_screened_workout

__all__ = ["run"]

CLIP = SHARED_DIR / "clips" / "dawi_bridge1_side.mp4"
CAMERAS = 10
FPS = 15.0
DURATION_S = 12.0
SETTLE_S = 3.0


def _jpegs(limit: int) -> list[bytes]:
    import cv2

    capture = cv2.VideoCapture(str(CLIP))
    out: list[bytes] = []
    try:
        while len(out) < limit:
            ok, image = capture.read()
            if not ok:
                break
            image = cv2.resize(image, (640, 360), interpolation=cv2.INTER_AREA)
            out.append(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes())
    finally:
        capture.release()
    return out


async def _camera(
    url: str, workout_id: int, number: int, jpegs: list[bytes], counts: dict[str, int], seconds: float
) -> None:
    import websockets

    async with websockets.connect(url, max_size=None) as ws:
        start = {
            "type": "start",
            "workout_id": workout_id,
            "exercise_id": "bridge",
            "client_id": f"m{number}",
        }
        await ws.send(json.dumps(start))
        await ws.recv()

        async def receive() -> None:
            async for message in ws:
                kind = json.loads(message).get("type")
                counts[kind] = counts.get(kind, 0) + 1

        receiver = asyncio.create_task(receive())
        began = time.perf_counter()
        for n in range(int(seconds * FPS)):
            await asyncio.sleep(max(0.0, began + n / FPS - time.perf_counter()))
            header = (n + 1).to_bytes(4, "big") + (int(n * 1000 / FPS) + 1).to_bytes(4, "big")
            await ws.send(header + jpegs[n % len(jpegs)])
        await asyncio.sleep(1.0)
        receiver.cancel()


async def _cameras(
    url: str, workout_id: int, jpegs: list[bytes], cameras: int, seconds: float
) -> dict[str, int]:
    counts: dict[str, int] = {}
    await asyncio.gather(*(_camera(url, workout_id, i, jpegs, counts, seconds) for i in range(cameras)))
    return counts


def run() -> None:
    heading(f"server-side pose for {CAMERAS} cameras at once (JPEG frames, shared estimator pool)")
    if not CLIP.is_file():
        print(f"  {CLIP} not found: skipped")
        return
    jpegs = _jpegs(150)
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp:
        data_dir = Path(tmp)
        workout_id = start_screened_workout(data_dir)
        with running_server(data_dir, BACKCOACH_LIVE_POSE="server") as (url, server):
            ws_url = url.replace("http://", "ws://") + "/ws/live"
            start_mb = process_tree_rss_mb(server.pid)
            asyncio.run(_cameras(ws_url, workout_id, jpegs, 1, 2.0))
            time.sleep(SETTLE_S)
            before_mb = process_tree_rss_mb(server.pid)
            peak = [before_mb]
            stop = threading.Event()

            def watch() -> None:
                while not stop.is_set():
                    peak.append(process_tree_rss_mb(server.pid))
                    time.sleep(0.2)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            counts = asyncio.run(_cameras(ws_url, workout_id, jpegs, CAMERAS, DURATION_S))
            stop.set()
            watcher.join()
            time.sleep(SETTLE_S)
            after_mb = process_tree_rss_mb(server.pid)
    highest = max(peak)
    print(
        f"  web process memory: {start_mb:.0f} MB at start, {before_mb:.0f} MB after one camera came and "
        f"went, {highest:.0f} MB at most with {CAMERAS} cameras, {after_mb:.0f} MB {SETTLE_S:g} s after "
        "they closed"
    )
    print(
        f"  frames answered with a pose: {counts.get('feedback', 0)}, dropped for newer ones: "
        f"{counts.get('dropped', 0)}, errors: {counts.get('error', 0)}"
    )
    target_line(f"memory with {CAMERAS} cameras", highest, "<=", 1024, " MB", 0)
    target_line("memory kept after they closed (above one camera)", after_mb - before_mb, "<=", 50, " MB", 0)


if __name__ == "__main__":
    run()
