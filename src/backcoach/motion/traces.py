"""Reading and writing pose trace files (``*.trace.jsonl``, format ``backcoach.trace/1``).

The format is defined in ../shared/docs/traces.md: a JSON header line, then one line per
frame with ``t_ms`` and ``lm`` (33 x [x, y, z, visibility]) or ``null``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from backcoach.motion.landmarks import LANDMARK_COUNT, PoseFrame

__all__ = ["TRACE_FORMAT", "TraceError", "TraceHeader", "iter_trace", "read_trace", "write_trace"]

TRACE_FORMAT = "backcoach.trace/1"


class TraceError(ValueError):
    """A trace file that does not follow the format; the message names the line."""

    def __init__(self, path: str, line_number: int, problem: str) -> None:
        super().__init__(f"{path}, line {line_number}: {problem}")
        self.path = path
        self.line_number = line_number
        self.problem = problem


@dataclass(frozen=True)
class TraceHeader:
    fps: float
    width: int
    height: int
    source: str
    landmarks: str = "mediapipe-pose-33"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": TRACE_FORMAT,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "source": self.source,
            "landmarks": self.landmarks,
        }


def _parse_header(path: str, line: str) -> TraceHeader:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceError(path, 1, f"the header is not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") != TRACE_FORMAT:
        raise TraceError(path, 1, f'the header must be a JSON object with "format": "{TRACE_FORMAT}"')
    try:
        fps = float(data["fps"])
        width = int(data["width"])
        height = int(data["height"])
    except (KeyError, TypeError, ValueError):
        raise TraceError(path, 1, "the header needs numeric fps, width and height") from None
    if fps <= 0 or width <= 0 or height <= 0:
        raise TraceError(path, 1, "fps, width and height must be above 0")
    return TraceHeader(fps, width, height, str(data.get("source", "")), str(data.get("landmarks", "")))


def _parse_frame(path: str, number: int, line: str, header: TraceHeader, last_t_ms: float) -> PoseFrame:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TraceError(path, number, f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or "t_ms" not in data or "lm" not in data:
        raise TraceError(path, number, 'a frame must be an object with "t_ms" and "lm"')
    t_ms = data["t_ms"]
    if not isinstance(t_ms, int | float) or isinstance(t_ms, bool):
        raise TraceError(path, number, "t_ms must be a number")
    if t_ms <= last_t_ms:
        raise TraceError(path, number, f"t_ms {t_ms} does not increase (previous {last_t_ms})")
    raw = data["lm"]
    if raw is None:
        return PoseFrame(float(t_ms), None, header.width, header.height)
    try:
        landmarks = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise TraceError(path, number, "lm must be null or 33 lists of 4 numbers") from None
    if landmarks.shape != (LANDMARK_COUNT, 4) or not np.all(np.isfinite(landmarks)):
        raise TraceError(path, number, f"lm must be null or {LANDMARK_COUNT} lists of 4 finite numbers")
    return PoseFrame(float(t_ms), landmarks, header.width, header.height)


def iter_trace(path: str | Path) -> tuple[TraceHeader, Iterator[PoseFrame]]:
    """Open a trace: its header now, its frames lazily (raising TraceError at a bad line)."""
    name = str(path)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed by the generator
    except OSError as exc:
        raise TraceError(name, 0, f"cannot be opened ({exc.strerror})") from None
    try:
        first = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise TraceError(name, 1, "not a text file") from None
    if not first.strip():
        handle.close()
        raise TraceError(name, 1, "the file is empty: a trace starts with a header line")
    try:
        header = _parse_header(name, first)
    except TraceError:
        handle.close()
        raise

    def frames() -> Iterator[PoseFrame]:
        last = float("-inf")
        with handle:
            for number, line in enumerate(handle, start=2):
                if not line.strip():
                    continue
                frame = _parse_frame(name, number, line, header, last)
                last = frame.t_ms
                yield frame

    return header, frames()


def read_trace(path: str | Path) -> tuple[TraceHeader, list[PoseFrame]]:
    """Read a whole trace into memory."""
    header, frames = iter_trace(path)
    return header, list(frames)


def _frame_line(frame: PoseFrame) -> str:
    lm = None if frame.landmarks is None else [[round(float(v), 5) for v in row] for row in frame.landmarks]
    return json.dumps({"t_ms": round(frame.t_ms, 3), "lm": lm}, separators=(", ", ": "))


def write_trace(target: str | Path | IO[str], header: TraceHeader, frames: Iterable[PoseFrame]) -> None:
    """Write a header and frames as a trace file (or to an open text stream)."""
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8") as handle:
            write_trace(handle, header, frames)
        return
    target.write(json.dumps(header.to_json()) + "\n")
    for frame in frames:
        target.write(_frame_line(frame) + "\n")
