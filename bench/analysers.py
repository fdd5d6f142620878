"""Analyser cost per frame (median and p99, ms) for each of the nine, over real and synthetic traces.

Real traces come from ../shared/clips (labels.json says which exercise each is); exercises
with no real clip are fed synthetic motion (``backcoach.motion.synthetic``). Frames are fed in
order to a fresh analyser, and each ``update`` call is timed on its own.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence

import numpy as np

from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.registry import ANALYSED_EXERCISES, create_analyser
from backcoach.motion.scoring import load_labels
from backcoach.motion.traces import read_trace
from bench import SHARED_DIR, heading, target_line

__all__ = ["TARGET_MS", "run", "time_analyser"]

TARGET_MS = 0.2
MIN_FRAMES = 3000  # replay short clips until at least this many frames are timed


def _real_frames() -> dict[str, list[list[PoseFrame]]]:
    labels_path = SHARED_DIR / "clips" / "labels.json"
    found: dict[str, list[list[PoseFrame]]] = {}
    if not labels_path.exists():
        return found
    for label in load_labels(labels_path):
        if (
            label.exercise in ANALYSED_EXERCISES
            and label.trace_path is not None
            and label.trace_path.exists()
        ):
            found.setdefault(label.exercise, []).append(read_trace(label.trace_path)[1])
    return found


def _synthetic_frames(exercise_id: str) -> list[PoseFrame]:
    try:
        from backcoach.motion.synthetic import synthesise
    except ImportError:
        return []
    try:
        return list(synthesise(exercise_id, seed=1, dropout=0.02).frames)
    except ValueError:  # no synthetic plan for this exercise
        return []


def time_analyser(exercise_id: str, clips: Sequence[Sequence[PoseFrame]]) -> np.ndarray:
    """Seconds per ``update`` call, over every clip replayed (each replay shifted on in time)."""
    timings: list[float] = []
    offset_ms = 0.0
    gc.collect()
    while len(timings) < MIN_FRAMES:
        for frames in clips:
            analyser = create_analyser(exercise_id)
            for frame in frames:
                shifted = PoseFrame(frame.t_ms + offset_ms, frame.landmarks, frame.width, frame.height)
                start = time.perf_counter()
                analyser.update(shifted)
                timings.append(time.perf_counter() - start)
            offset_ms += frames[-1].t_ms + 1000.0 if frames else 0.0
        if not any(clips):
            break
    return np.asarray(timings)


def run() -> None:
    heading("analyser cost per frame")
    real = _real_frames()
    print(f"  {'exercise':<22}{'input':<26}{'frames':>8}{'median ms':>12}{'p99 ms':>10}")
    medians: list[float] = []
    for exercise_id in ANALYSED_EXERCISES:
        rows: list[tuple[str, list[list[PoseFrame]]]] = []
        if real.get(exercise_id):
            rows.append((f"real ({len(real[exercise_id])} clips)", real[exercise_id]))
        synthetic = _synthetic_frames(exercise_id)
        if synthetic:
            rows.append(("synthetic", [synthetic]))
        if not rows:
            print(f"  {exercise_id:<22}{'no trace to replay':<26}")
            continue
        for name, clips in rows:
            try:
                timings_ms = time_analyser(exercise_id, clips) * 1000.0
            except (ImportError, ValueError) as exc:
                print(f"  {exercise_id:<22}{name:<26} analyser missing ({exc})")
                continue
            median = float(np.median(timings_ms))
            medians.append(median)
            print(
                f"  {exercise_id:<22}{name:<26}{len(timings_ms):>8}{median:>12.4f}"
                f"{float(np.percentile(timings_ms, 99)):>10.4f}"
            )
    target_line("worst median cost per frame (ms)", max(medians) if medians else None, "<=", TARGET_MS, "", 4)
