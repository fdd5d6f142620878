"""Framing problems: is the person seen well enough to coach?

Per frame, from the (raw) landmarks:

- ``no_person``: no pose found;
- ``partly_out_of_frame``: a body part the exercise needs is outside the image or not
  visible on either side of the body;
- ``not_side_on``: the shoulders or hips look wide compared with the torso's length, so
  the camera sees the person from the front or at an angle rather than from the side;
- ``too_small``: the body spans too little of the image to be measured reliably.

Problems are debounced: one is raised only after it has lasted ``raise_ms`` and cleared
only after it has been gone ``clear_ms``, so the advice on screen does not flicker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backcoach.motion.feedback import FramingProblem
from backcoach.motion.geometry import compute_distance, compute_torso_length, side_landmark
from backcoach.motion.landmarks import Landmark

__all__ = ["FRAMING_ORDER", "FramingChecker", "FramingRules", "find_framing_problems"]

FRAMING_ORDER = ("no_person", "partly_out_of_frame", "not_side_on", "too_small")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FramingRules:
    """What a good view of one exercise needs.

    ``key_parts`` are body parts ("shoulder", "hip", "knee", ...) that must be inside
    the image (within ``edge_margin`` of it) and visible (``min_visibility``) on at least
    one side. ``max_width_ratio`` is the largest shoulder or hip width, in torso lengths,
    of a side-on view (None: any view will do). ``min_span`` is the smallest extent of
    the body, as a share of the image's larger side.
    """

    key_parts: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle")
    min_visibility: float = 0.5
    edge_margin: float = 0.02
    max_width_ratio: float | None = 0.45
    min_span: float = 0.3


def _part_seen(landmarks: FloatArray, part: str, rules: FramingRules) -> bool:
    lo, hi = -rules.edge_margin, 1.0 + rules.edge_margin
    for side in ("left", "right"):
        x, y, _, vis = landmarks[side_landmark(side, part)]
        if vis >= rules.min_visibility and lo <= x <= hi and lo <= y <= hi:
            return True
    return False


def _width_ratio(landmarks: FloatArray, width: int, height: int) -> float:
    torso = compute_torso_length(landmarks, width, height)
    if not torso > 0.0:
        return math.nan
    shoulders = compute_distance(
        landmarks[Landmark.LEFT_SHOULDER], landmarks[Landmark.RIGHT_SHOULDER], width, height
    )
    hips = compute_distance(landmarks[Landmark.LEFT_HIP], landmarks[Landmark.RIGHT_HIP], width, height)
    return max(shoulders, hips) / torso


def _span(landmarks: FloatArray, width: int, height: int, min_visibility: float) -> float:
    seen = landmarks[landmarks[:, 3] >= min_visibility]
    if len(seen) < 2:
        return 0.0
    xs = np.clip(seen[:, 0], 0.0, 1.0) * width
    ys = np.clip(seen[:, 1], 0.0, 1.0) * height
    return float(max(xs.max() - xs.min(), ys.max() - ys.min()) / max(width, height))


def find_framing_problems(
    landmarks: FloatArray | None, width: int, height: int, rules: FramingRules
) -> tuple[str, ...]:
    """The framing problem codes of one frame, undebounced, in :data:`FRAMING_ORDER`."""
    if landmarks is None:
        return ("no_person",)
    problems: list[str] = []
    if not all(_part_seen(landmarks, part, rules) for part in rules.key_parts):
        problems.append("partly_out_of_frame")
    if rules.max_width_ratio is not None:
        ratio = _width_ratio(landmarks, width, height)
        if ratio > rules.max_width_ratio:
            problems.append("not_side_on")
    if _span(landmarks, width, height, rules.min_visibility) < rules.min_span:
        problems.append("too_small")
    return tuple(problems)


class FramingChecker:
    """Debounced framing problems, frame by frame."""

    def __init__(
        self, rules: FramingRules | None = None, raise_ms: float = 400.0, clear_ms: float = 800.0
    ) -> None:
        self.rules = rules or FramingRules()
        self.raise_ms = raise_ms
        self.clear_ms = clear_ms
        self._seen_since: dict[str, float] = {}  # raw problem present since
        self._gone_since: dict[str, float] = {}  # raised problem absent since
        self._raised: dict[str, float] = {}  # raised problem -> when raised

    @property
    def raised(self) -> tuple[str, ...]:
        return tuple(code for code in FRAMING_ORDER if code in self._raised)

    def update(
        self, t_ms: float, landmarks: FloatArray | None, width: int, height: int
    ) -> tuple[FramingProblem, ...]:
        """Feed one frame; returns the problems raised now (debounced)."""
        present: Sequence[str] = find_framing_problems(landmarks, width, height, self.rules)
        for code in FRAMING_ORDER:
            if code in present:
                self._gone_since.pop(code, None)
                since = self._seen_since.setdefault(code, t_ms)
                if code not in self._raised and t_ms - since >= self.raise_ms:
                    self._raised[code] = since
            else:
                self._seen_since.pop(code, None)
                if code in self._raised:
                    gone = self._gone_since.setdefault(code, t_ms)
                    if t_ms - gone >= self.clear_ms:
                        del self._raised[code]
                        del self._gone_since[code]
        return tuple(FramingProblem(code, self._raised[code]) for code in self.raised)
