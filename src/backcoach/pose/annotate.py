"""Writing an annotated copy of a video: the skeleton, counts, phase, cues and framing help drawn on.

Frames pass through one at a time (``write``), nothing is kept. The words drawn come from the
caller (``Overlay``): this module only draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import Landmark, PoseFrame
from backcoach.pose.video import VideoError

__all__ = ["SKELETON", "AnnotatedVideoWriter", "Overlay", "draw_overlay", "draw_skeleton"]

L = Landmark
# The body's bones, for drawing (face points left out: they clutter a small figure).
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    (L.NOSE, L.LEFT_SHOULDER),
    (L.NOSE, L.RIGHT_SHOULDER),
)
_LEFT = (255, 160, 40)  # BGR: blue-ish for the left side
_RIGHT = (40, 160, 255)  # orange for the right side
_MIDDLE = (230, 230, 230)
_MIN_VISIBILITY = 0.3

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Overlay:
    """The text drawn on one frame: a status line (counts, phase, hold), cues and framing help."""

    status: str = ""
    cues: tuple[str, ...] = ()
    framing: tuple[str, ...] = ()


def _colour(a: Landmark, b: Landmark) -> tuple[int, int, int]:
    names = a.name + b.name
    if "LEFT" in names and "RIGHT" not in names:
        return _LEFT
    if "RIGHT" in names and "LEFT" not in names:
        return _RIGHT
    return _MIDDLE


def draw_skeleton(image: Image, frame: PoseFrame) -> None:
    """Draw the pose's bones and joints onto ``image`` in place (nothing when no person)."""
    if frame.landmarks is None:
        return
    height, width = image.shape[:2]
    points = frame.landmarks
    thickness = max(2, round(width / 320))

    def at(index: int) -> tuple[int, int] | None:
        x, y, _z, visibility = points[index]
        if visibility < _MIN_VISIBILITY:
            return None
        return round(float(x) * width), round(float(y) * height)

    for a, b in SKELETON:
        pa, pb = at(a), at(b)
        if pa is not None and pb is not None:
            cv2.line(image, pa, pb, _colour(a, b), thickness, cv2.LINE_AA)
    for landmark in {j for bone in SKELETON for j in bone}:
        p = at(landmark)
        if p is not None:
            cv2.circle(image, p, thickness + 1, (255, 255, 255), -1, cv2.LINE_AA)


def _text(
    image: Image, text: str, origin: tuple[int, int], scale: float, colour: tuple[int, int, int]
) -> int:
    """Draw text with a dark box behind it; returns the height used."""
    thickness = max(1, round(scale * 2))
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    x, y = origin
    cv2.rectangle(image, (x - 4, y - h - 4), (x + w + 4, y + base + 2), (20, 20, 20), -1)
    cv2.putText(image, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)
    return h + base + 10


def draw_overlay(image: Image, overlay: Overlay) -> None:
    """Draw the status line at the top, cues below it, and framing help at the bottom."""
    height, width = image.shape[:2]
    scale = max(0.4, width / 1100)
    y = round(30 * scale / 0.6)
    if overlay.status:
        y += _text(image, overlay.status, (10, y), scale, (255, 255, 255))
    for cue in overlay.cues:
        y += _text(image, cue, (10, y), scale, (80, 220, 255))
    bottom = height - 12
    for problem in reversed(overlay.framing):
        bottom -= _text(image, problem, (10, bottom), scale, (90, 90, 255))


class AnnotatedVideoWriter:
    """A video file being written, one annotated frame at a time: WebM (VP8) for a ``.webm`` path,
    else mp4 (mp4v). A context manager."""

    def __init__(self, path: str | Path, fps: float, width: int, height: int) -> None:
        self.path = Path(path)
        self.size = (int(width), int(height))
        # WebM (VP8) plays in every browser; otherwise mp4 (MPEG-4 part 2) for desktop players.
        codec = "VP80" if self.path.suffix.lower() == ".webm" else "mp4v"
        fourcc = cv2.VideoWriter_fourcc(*codec)  # type: ignore[attr-defined]
        writer: Any = cv2.VideoWriter(str(self.path), fourcc, float(fps), self.size)
        if not writer.isOpened():
            writer.release()
            raise VideoError(f"{self.path}: cannot write an annotated video there")
        self._writer = writer
        self.frames_written = 0

    def write(self, image: Image, frame: PoseFrame, overlay: Overlay) -> None:
        """Draw the pose and overlay on a copy of ``image`` and append it."""
        canvas = image.copy()
        if (canvas.shape[1], canvas.shape[0]) != self.size:
            canvas = np.asarray(cv2.resize(canvas, self.size), dtype=np.uint8)
        draw_skeleton(canvas, frame)
        draw_overlay(canvas, overlay)
        self._writer.write(canvas)
        self.frames_written += 1

    def close(self) -> None:
        self._writer.release()

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
