"""Bridge: counting hip raises from the floor, timing the top, judging height and arching.

The signal is the hip extension seen from the side, the shoulder-hip-knee angle: about
120-135 degrees lying with the knees bent, 180 with shoulders, hips and knees in one line.
It is signed so that hips pushed above the shoulder-knee line read beyond 180 (the back
over-arched). Of the two legs the more extended one is used: in a single-leg bridge the
raised leg's hip is more flexed, so the working leg is chosen by its movement, not by
which landmarks the camera happens to see best.

A rep counts when the hips reach the top (``bridge_enter_deg``) from the floor (below
``bridge_exit_deg``): a clip that starts at the top does not count it, and sags at the top
that stay above the exit angle are not reps. The time spent settled at the top is a hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.counters import RepCounter, SpeedTracker
from backcoach.motion.framing import FramingRules
from backcoach.motion.geometry import compute_angle_deg, side_landmark

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "BridgeAnalyser", "compute_hip_extension_deg"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: a rep whose hips stop short of this shoulder-hip-knee angle is not high enough
    "bridge_min_hip_extension_deg": 165.0,
    # form: hips pushed this far beyond a straight shoulder-hip-knee line over-arch the back
    "bridge_over_arch_deg": 15.0,
    # counting: the top is reached at this hip extension ...
    "bridge_enter_deg": 155.0,
    # ... and the hips are back down below this one (sags at the top stay above it)
    "bridge_exit_deg": 145.0,
    # holds: a hold at the top ends once the hips come down faster than this
    "bridge_hold_leave_speed_deg_s": 20.0,
}

# The trunk must lie, not stand: beyond this the frame is not a bridge posture.
_MAX_TRUNK_TILT_DEG = 60.0


def compute_hip_extension_deg(
    shoulder: tuple[float, float],
    hip: tuple[float, float],
    knee: tuple[float, float],
    width: float,
    height: float,
) -> float:
    """Shoulder-hip-knee angle in degrees, above 180 when the hip is above the shoulder-knee line.

    Lying on the back seen from the side: about 120-135 with the hips down and the knees
    bent, 180 in a straight bridge, more when the hips are pushed higher than the line.
    """
    angle = compute_angle_deg(shoulder, hip, knee, width, height)
    if math.isnan(angle):
        return angle
    k = width / height if height > 0 else 1.0
    lx, ly = (knee[0] - shoulder[0]) * k, shoulder[1] - knee[1]
    px, py = (hip[0] - shoulder[0]) * k, shoulder[1] - hip[1]
    cross = lx * py - ly * px
    above = cross > 0 if lx >= 0 else cross < 0
    return 360.0 - angle if above else angle


class BridgeAnalyser(BaseAnalyser):
    """Counts bridges, times the top, and reports hips not high enough or an over-arched back."""

    exercise = "bridge"
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "knee"), max_width_ratio=0.4)
    confidence_parts = ("shoulder", "hip", "knee", "ankle")
    min_hold_ms = 500.0
    min_gap_ms = 500.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        self.counter = RepCounter(th["bridge_enter_deg"], th["bridge_exit_deg"], min_rep_ms=800.0)
        self._speed = SpeedTracker()
        self._attempt_peak = -math.inf  # highest hip angle since last at the bottom

    def measure(self, view: FrameView) -> float:
        """The hip extension of the more extended leg, NaN when unseen or not lying."""
        best = math.nan
        for side in ("left", "right"):
            parts = (side_landmark(side, "shoulder"), side_landmark(side, "hip"), side_landmark(side, "knee"))
            if not view.seen(*parts):
                continue
            shoulder, hip, knee = (view.point(part) for part in parts)
            value = compute_hip_extension_deg(shoulder, hip, knee, view.width, view.height)
            if math.isnan(best) or value > best:
                best = value
        trunk = abs(view.elevation_deg(view.mid_point("hip"), view.mid_point("shoulder")))
        if not trunk <= _MAX_TRUNK_TILT_DEG:
            return math.nan
        return best

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        value = self.measure(view)
        if math.isnan(value):
            self.track_hold(None, view.t_ms)
            return "out"
        self.extras = {"hip_extension_deg": round(value, 1)}
        self._speed.update(value, view.t_ms)
        was = self.counter.state
        if self.counter.update(value, view.t_ms):
            self.count_rep()
        state = self.counter.state
        t = view.t_ms
        # a lift that turned back before the top
        if state == "start":
            if was == "start" and value > self._attempt_peak:
                self._attempt_peak = value
            if self.counter.zone.left(value):
                if self._attempt_peak >= th["bridge_exit_deg"] + 5.0:
                    self.report_finding("hips_not_high_enough", t, value=self._attempt_peak)
                self._attempt_peak = -math.inf
        else:
            self._attempt_peak = -math.inf
        settled = self.track_settled_hold(
            state == "target", self._speed.velocity, t, math.inf, th["bridge_hold_leave_speed_deg_s"]
        )
        self.check_fault(
            "hips_not_high_enough",
            settled and value < th["bridge_min_hip_extension_deg"],
            t,
            value=value,
            persist_ms=500.0,
        )
        self.check_fault(
            "back_over_arched",
            state == "target" and value > 180.0 + th["bridge_over_arch_deg"],
            t,
            value=value,
            persist_ms=300.0,
        )
        return self.counter.phase


ANALYSER = BridgeAnalyser
