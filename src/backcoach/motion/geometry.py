"""Geometry of a pose seen in 2D: joint angles, segment tilts, torso length, working side.

Landmark coordinates are normalised to the image (x by its width, y by its height, y
downwards), so every function that measures an angle or a distance takes the image's
``width`` and ``height`` and works in aspect-correct units: x is scaled by
``width / height`` so one unit is one image height on both axes.

Plain ``math`` on scalars: for a handful of points per frame it is several times faster
than numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import Landmark

__all__ = [
    "SIDES",
    "SideChooser",
    "choose_side_by_range",
    "compute_angle_deg",
    "compute_distance",
    "compute_distance_torso",
    "compute_elevation_deg",
    "compute_midpoint",
    "compute_segment_tilt_deg",
    "compute_torso_length",
    "side_landmark",
]

SIDES: tuple[str, str] = ("left", "right")

Point = Sequence[float] | npt.NDArray[np.float64]
LandmarkArray = npt.NDArray[np.float64]


def _aspect(width: float, height: float) -> float:
    return float(width) / float(height) if height > 0 else 1.0


def compute_angle_deg(a: Point, b: Point, c: Point, width: float = 1.0, height: float = 1.0) -> float:
    """The angle a-b-c at ``b`` in degrees (0..180), in 2D, aspect-corrected.

    A straight line a-b-c gives 180; 0 when a and c lie on the same ray from b.
    Returns NaN when b coincides with a or c.
    """
    k = _aspect(width, height)
    ax, ay = (float(a[0]) - float(b[0])) * k, float(a[1]) - float(b[1])
    cx, cy = (float(c[0]) - float(b[0])) * k, float(c[1]) - float(b[1])
    na = math.hypot(ax, ay)
    nc = math.hypot(cx, cy)
    if na == 0.0 or nc == 0.0:
        return math.nan
    cos = (ax * cx + ay * cy) / (na * nc)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def compute_segment_tilt_deg(a: Point, b: Point, width: float = 1.0, height: float = 1.0) -> float:
    """Direction of the segment a->b from the image's horizontal, in degrees (-180..180].

    Counter-clockwise as a person sees the image (y upwards): 0 points right, 90 up,
    -90 down, 180 left.
    """
    k = _aspect(width, height)
    dx = (float(b[0]) - float(a[0])) * k
    dy = float(a[1]) - float(b[1])
    return math.degrees(math.atan2(dy, dx))


def compute_elevation_deg(a: Point, b: Point, width: float = 1.0, height: float = 1.0) -> float:
    """How far ``b`` is raised above ``a`` seen along a->b, in degrees (-90..90).

    Independent of the way the person faces: 0 when b is level with a, 90 straight
    above it, negative below it.
    """
    k = _aspect(width, height)
    dx = abs(float(b[0]) - float(a[0])) * k
    dy = float(a[1]) - float(b[1])
    if dx == 0.0 and dy == 0.0:
        return math.nan
    return math.degrees(math.atan2(dy, dx))


def compute_distance(a: Point, b: Point, width: float = 1.0, height: float = 1.0) -> float:
    """Distance a-b in image heights (aspect-corrected)."""
    k = _aspect(width, height)
    return math.hypot((float(a[0]) - float(b[0])) * k, float(a[1]) - float(b[1]))


def compute_midpoint(landmarks: LandmarkArray, left: Landmark, right: Landmark) -> tuple[float, float]:
    """Midpoint (x, y) of a left/right landmark pair, in normalised image coordinates."""
    lx, ly = landmarks[left, 0], landmarks[left, 1]
    rx, ry = landmarks[right, 0], landmarks[right, 1]
    return (float(lx + rx) * 0.5, float(ly + ry) * 0.5)


def compute_torso_length(landmarks: LandmarkArray, width: float = 1.0, height: float = 1.0) -> float:
    """Shoulder-midpoint to hip-midpoint distance in image heights.

    The body's own ruler: distances divided by it do not change with how far the
    person is from the camera.
    """
    shoulder = compute_midpoint(landmarks, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hip = compute_midpoint(landmarks, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    return compute_distance(shoulder, hip, width, height)


def compute_distance_torso(
    a: Point, b: Point, torso_length: float, width: float = 1.0, height: float = 1.0
) -> float:
    """Distance a-b in torso lengths (NaN when the torso length is not positive)."""
    if not torso_length > 0.0:
        return math.nan
    return compute_distance(a, b, width, height) / torso_length


_SIDE_LANDMARKS: dict[tuple[str, str], Landmark] = {}
for _lm in Landmark:
    _name = _lm.name.lower()
    for _side in SIDES:
        if _name.startswith(_side + "_"):
            _SIDE_LANDMARKS[(_side, _name[len(_side) + 1 :])] = _lm


def side_landmark(side: str, part: str) -> Landmark:
    """The landmark of ``part`` ("hip", "knee", "shoulder", ...) on ``side`` ("left" / "right")."""
    try:
        return _SIDE_LANDMARKS[(side, part)]
    except KeyError:
        raise ValueError(f"no landmark {side}_{part}") from None


def choose_side_by_range(left_values: Sequence[float], right_values: Sequence[float]) -> str:
    """The side whose signal moved over the wider range (NaNs ignored); "left" on a tie.

    For a whole recorded series; streaming code uses :class:`SideChooser`.
    """

    def spread(values: Sequence[float]) -> float:
        finite = [v for v in values if not math.isnan(v)]
        return (max(finite) - min(finite)) if finite else 0.0

    return "left" if spread(left_values) >= spread(right_values) else "right"


@dataclass
class _Range:
    low: float = math.inf
    high: float = -math.inf

    def add(self, value: float) -> None:
        if value < self.low:
            self.low = value
        if value > self.high:
            self.high = value

    @property
    def span(self) -> float:
        return self.high - self.low if self.high >= self.low else 0.0


class SideChooser:
    """Decides the working side from movement over time, never from one frame.

    Each frame gives one value of the exercise's signal per side (NaN when that side
    is not seen). The chosen side is the one whose signal has moved over the wider
    range so far, and it only switches when the other side's range is clearly wider
    (``switch_margin``), so a frame of noise never flips it. Before any side has moved
    ``min_span`` the side with the better visibility so far is used, as a provisional
    guess.
    """

    def __init__(self, min_span: float = 10.0, switch_margin: float = 1.3) -> None:
        self.min_span = min_span
        self.switch_margin = switch_margin
        self._ranges = {side: _Range() for side in SIDES}
        self._visibility = dict.fromkeys(SIDES, 0.0)
        self._side: str | None = None

    @property
    def side(self) -> str:
        if self._side is not None:
            return self._side
        return "left" if self._visibility["left"] >= self._visibility["right"] else "right"

    @property
    def decided(self) -> bool:
        """True once one side has moved enough to be chosen by its movement."""
        return self._side is not None

    def span(self, side: str) -> float:
        return self._ranges[side].span

    def update(
        self,
        left_value: float,
        right_value: float,
        left_visibility: float = 1.0,
        right_visibility: float = 1.0,
    ) -> str:
        for side, value, vis in (
            ("left", left_value, left_visibility),
            ("right", right_value, right_visibility),
        ):
            if not math.isnan(value):
                self._ranges[side].add(value)
            self._visibility[side] += vis
        left_span, right_span = self._ranges["left"].span, self._ranges["right"].span
        if self._side is None:
            if max(left_span, right_span) >= self.min_span:
                self._side = "left" if left_span >= right_span else "right"
        else:
            other = "right" if self._side == "left" else "left"
            if self._ranges[other].span > self.switch_margin * self._ranges[self._side].span:
                self._side = other
        return self.side
