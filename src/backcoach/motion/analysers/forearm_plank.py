"""Forearm plank: timing the hold and judging the hips (sagging or piking), from the side.

The body line is the shoulder-hip-ankle line seen from the side, using the midpoints of
the left and right landmarks (from the side they nearly coincide, and the midpoint is
steadier than either). ``hip_line_deg`` is how far the hips sit off the straight
shoulder-ankle line: positive above it (piking), negative below it (sagging). In 2D a
straight plank does not read 0: the hip landmarks lie a little above the line from the
shoulders to the ankles, so a correct plank measures about +5..+25 degrees (a plain
"shoulder-hip-ankle above 160 degrees" rule rejects it).

In the plank position means: knees straight (kneeling reads as a straight body line, the
knee angle tells it apart), the body near horizontal, the shoulders held up off the floor
by the forearms or hands (so lying flat is not a plank), and the hips within a broad band
of the line. A straight-arm plank passes the same tests. Leg lifts do not break the hold:
the knee test uses the straighter leg, and the hold ends only after a gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backcoach.motion.analysers.base import BaseAnalyser, FrameView, merge_thresholds
from backcoach.motion.counters import Hysteresis
from backcoach.motion.framing import FramingRules
from backcoach.motion.geometry import compute_angle_deg
from backcoach.motion.landmarks import Landmark

__all__ = [
    "ANALYSER",
    "DEFAULT_THRESHOLDS",
    "ForearmPlankAnalyser",
    "PlankMeasures",
    "judge_plank_frame",
    "measure_plank",
]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: hips this far below the shoulder-ankle line are sagging
    "hip_sag_deg": 5.0,
    # form: hips this far above the line are piking (a straight plank reads up to ~25 in 2D)
    "hip_pike_deg": 30.0,
    # position: the straighter knee at least this straight (kneeling reads 90-145)
    "plank_min_knee_deg": 155.0,
    # position: the shoulder-ankle line at most this steep from horizontal
    "plank_max_tilt_deg": 35.0,
    # position: hips within this band of the line (beyond it the body is folded, not planking)
    "plank_max_hip_line_deg": 50.0,
    # position: shoulders held above the elbows or hands by at least this share of the torso
    "plank_min_support_torso": 0.3,
}

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PlankMeasures:
    """One frame's plank measures (degrees; support in torso lengths)."""

    hip_line_deg: float
    knee_deg: float
    tilt_deg: float
    support_torso: float


def _mid(landmarks: FloatArray, left: int, right: int) -> tuple[float, float]:
    """Visibility-weighted midpoint of a left/right pair (a side not seen counts little)."""
    wl = max(float(landmarks[left, 3]), 0.0) ** 2 + 1e-6
    wr = max(float(landmarks[right, 3]), 0.0) ** 2 + 1e-6
    total = wl + wr
    return (
        (float(landmarks[left, 0]) * wl + float(landmarks[right, 0]) * wr) / total,
        (float(landmarks[left, 1]) * wl + float(landmarks[right, 1]) * wr) / total,
    )


def measure_plank(landmarks: FloatArray, width: float, height: float) -> PlankMeasures:
    """The plank measures of one frame's landmarks ((33, 4): normalised x, y, z, visibility)."""
    k = width / height if height > 0 else 1.0
    sx, sy = _mid(landmarks, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hx, hy = _mid(landmarks, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    ax, ay = _mid(landmarks, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
    # y upwards, x aspect-corrected
    lx, ly = (ax - sx) * k, sy - ay
    px, py = (hx - sx) * k, sy - hy
    line_len = math.hypot(lx, ly)
    if line_len == 0.0 or (px == 0.0 and py == 0.0):
        hip_line = math.nan
    else:
        # signed angle from the line to the hip, counter-clockwise positive
        turn = math.degrees(math.atan2(lx * py - ly * px, lx * px + ly * py))
        hip_line = turn if lx >= 0 else -turn  # positive = hip above the line
    tilt = math.degrees(math.atan2(abs(ly), abs(lx))) if line_len > 0 else math.nan
    knees = []
    for hip, knee, ankle in (
        (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
        (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    ):
        knees.append(compute_angle_deg(landmarks[hip], landmarks[knee], landmarks[ankle], width, height))
    finite = [v for v in knees if not math.isnan(v)]
    knee_deg = max(finite) if finite else math.nan
    torso = math.hypot(px, py)
    lowest_arm_y = max(
        float(landmarks[Landmark.LEFT_ELBOW, 1]),
        float(landmarks[Landmark.RIGHT_ELBOW, 1]),
        float(landmarks[Landmark.LEFT_WRIST, 1]),
        float(landmarks[Landmark.RIGHT_WRIST, 1]),
    )
    support = (lowest_arm_y - sy) / torso if torso > 0 else math.nan
    return PlankMeasures(hip_line, knee_deg, tilt, support)


def judge_plank_frame(
    landmarks: FloatArray, width: int, height: int, thresholds: Mapping[str, float] | None = None
) -> str | None:
    """Judge one frame of a plank: "hips_sagging", "hips_piking" or None (correct, or no plank).

    ``landmarks`` is (33, 4) in MediaPipe's order (x, y normalised to a ``width`` x
    ``height`` image). Uses the same measures and thresholds as the analyser.
    """
    th = merge_thresholds("forearm_plank", DEFAULT_THRESHOLDS, thresholds)
    m = measure_plank(landmarks, width, height)
    if math.isnan(m.hip_line_deg) or m.knee_deg < th["plank_min_knee_deg"]:
        return None
    if m.hip_line_deg < -th["hip_sag_deg"]:
        return "hips_sagging"
    if m.hip_line_deg > th["hip_pike_deg"]:
        return "hips_piking"
    return None


class ForearmPlankAnalyser(BaseAnalyser):
    """Times forearm (or straight-arm) plank holds and reports sagging or piking hips."""

    exercise = "forearm_plank"
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "elbow", "hip", "knee", "ankle"), max_width_ratio=0.4)
    min_hold_ms = 1000.0
    min_gap_ms = 1000.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        # the knee test with hysteresis, so a knee wobbling near the limit does not flicker
        th = self.thresholds
        self._knee = Hysteresis(th["plank_min_knee_deg"], th["plank_min_knee_deg"] - 5.0)

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        needed = (
            Landmark.LEFT_SHOULDER,
            Landmark.RIGHT_SHOULDER,
            Landmark.LEFT_HIP,
            Landmark.RIGHT_HIP,
        )
        if not view.seen(*needed) or not (view.seen(Landmark.LEFT_ANKLE) or view.seen(Landmark.RIGHT_ANKLE)):
            self.track_hold(None, view.t_ms)
            return "out"
        m = measure_plank(view.landmarks, view.width, view.height)
        self.extras = {
            "hip_line_deg": round(m.hip_line_deg, 1),
            "knee_deg": round(m.knee_deg, 1),
            "tilt_deg": round(m.tilt_deg, 1),
        }
        knee_straight = bool(self._knee.update(m.knee_deg))
        in_position = (
            knee_straight
            and m.tilt_deg <= th["plank_max_tilt_deg"]
            and abs(m.hip_line_deg) <= th["plank_max_hip_line_deg"]
            and m.support_torso >= th["plank_min_support_torso"]
        )
        self.track_hold(in_position, view.t_ms)
        holding = in_position or self.hold_tracker().holding
        self.check_fault(
            "hips_sagging",
            holding and m.hip_line_deg < -th["hip_sag_deg"],
            view.t_ms,
            value=m.hip_line_deg,
            persist_ms=500.0,
        )
        self.check_fault(
            "hips_piking",
            holding and m.hip_line_deg > th["hip_pike_deg"],
            view.t_ms,
            value=m.hip_line_deg,
            persist_ms=500.0,
        )
        return "holding" if holding else "out"


ANALYSER = ForearmPlankAnalyser
