"""Pose in the browser: its speed in headless Chromium, how well it agrees with the server's, and counts.

A real server serves the page, the pinned MediaPipe Tasks library and the model built at set-up;
Debian's Chromium (WebGL in software, so the CPU delegate: WebAssembly) runs the PoseLandmarker
of ``static/js/pose.js`` in VIDEO mode on the frames of ../shared/clips/dawi_bridge1_side.mp4
(640x360, 15 frames a second, JPEG quality 95, handed to the page as images). The same JPEGs go
through the server's pose: the tracking estimator ``backcoach analyse`` uses, and the pool's
each-frame-alone estimator the live fallback uses. Printed: browser milliseconds and frames per
second, the mean landmark difference (fractions of the picture) between the paths, and the bridge
reps each path's landmarks count (the clip has one; they must agree).
"""

from __future__ import annotations

import base64
import statistics
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bench import SHARED_DIR, heading, target_line
from bench.server import launch_chromium, running_server

__all__ = ["run"]

CLIP = SHARED_DIR / "clips" / "dawi_bridge1_side.mp4"
FPS = 15.0
WIDTH, HEIGHT = 640, 360
_WARM_UP = 5

_DETECT_ALL = """async (frames) => {
  const pose = await import("/static/js/pose.js");
  const detector = await pose.createPose("/models/pose_landmarker_full.task");
  const out = [];
  for (const [tMs, b64] of frames) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const image = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }));
    const began = performance.now();
    const points = detector.detect(image, tMs);
    out.push([performance.now() - began, points ? Array.from(points) : null]);
    image.close();
  }
  detector.close();
  return { delegate: detector.delegate, frames: out };
}"""


def _jpegs() -> list[tuple[float, bytes]]:
    import cv2

    capture = cv2.VideoCapture(str(CLIP))
    source_fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    step = max(1, round(source_fps / FPS))
    frames: list[tuple[float, bytes]] = []
    index = 0
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            if index % step == 0:
                image = cv2.resize(image, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
                ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
                frames.append((index * 1000.0 / source_fps, buffer.tobytes()))
            index += 1
    finally:
        capture.release()
    return frames


def _browser(url: str, jpegs: list[tuple[float, bytes]]) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(url + "/")
            payload = [[t_ms, base64.b64encode(jpeg).decode()] for t_ms, jpeg in jpegs]
            result: dict[str, Any] = page.evaluate(_DETECT_ALL, payload)
        finally:
            browser.close()
    return result


def _server(jpegs: list[tuple[float, bytes]], each_frame_alone: bool) -> list[Any]:
    import cv2

    from backcoach.pose import PoseEstimator

    out = []
    with PoseEstimator(threads=1, each_frame_alone=each_frame_alone) as estimator:
        for t_ms, jpeg in jpegs:
            image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            out.append(estimator.estimate(image, t_ms).landmarks)
    return out


def _difference(a: list[Any], b: list[Any]) -> tuple[float, int]:
    """Mean |x, y| difference over the frames where both found the person, and how many those were."""
    both = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not both:
        return float("nan"), 0
    return float(np.mean([np.abs(x[:, :2] - y[:, :2]).mean() for x, y in both])), len(both)


def _reps(times: list[float], landmarks: list[Any]) -> int:
    from backcoach.motion.landmarks import PoseFrame
    from backcoach.services.analysis import analyse_frames

    frames = [PoseFrame(t, lm, WIDTH, HEIGHT) for t, lm in zip(times, landmarks, strict=True)]
    return analyse_frames(frames, "bridge", fps=FPS).total_reps


def run() -> None:
    heading("pose in the browser (headless Chromium, WebAssembly) against the server's pose")
    if not CLIP.is_file():
        print(f"  {CLIP} not found: skipped")
        return
    jpegs = _jpegs()
    times = [t for t, _ in jpegs]
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp, running_server(Path(tmp)) as (url, _):
        result = _browser(url, jpegs)
    browser_ms = [ms for ms, _ in result["frames"]][_WARM_UP:]
    browser = [
        None if p is None else np.asarray(p, dtype=np.float64).reshape(33, 4) for _, p in result["frames"]
    ]
    tracking = _server(jpegs, each_frame_alone=False)
    alone = _server(jpegs, each_frame_alone=True)
    median_ms = statistics.median(browser_ms)
    print(f"  clip: {len(jpegs)} frames of {CLIP.name} at {FPS:g} fps, {WIDTH}x{HEIGHT}")
    print(
        f"  browser ({result['delegate']} delegate): median {median_ms:.1f} ms a frame, "
        f"p95 {float(np.percentile(browser_ms, 95)):.1f} ms, {1000.0 / median_ms:.1f} frames/s; "
        f"a person in {sum(p is not None for p in browser)} of {len(browser)} frames"
    )
    for name, other in (("server, tracking (analyse)", tracking), ("server, each frame alone (pool)", alone)):
        mean, frames = _difference(browser, other)
        print(
            f"  landmarks, browser vs {name}: mean |dx, dy| {mean:.4f} of the picture "
            f"({mean * WIDTH:.1f} px on {WIDTH} wide) over {frames} frames"
        )
    reps = {
        "browser": _reps(times, browser),
        "server tracking": _reps(times, tracking),
        "server each frame": _reps(times, alone),
    }
    print("  bridge reps counted (the clip has 1): " + ", ".join(f"{k} {v}" for k, v in reps.items()))
    target_line("browser pose frames per second", 1000.0 / median_ms, ">=", FPS, "", 1)
    target_line(
        "paths whose count differs from the browser's", float(len(set(reps.values())) - 1), "<=", 0, "", 0
    )


if __name__ == "__main__":
    run()
