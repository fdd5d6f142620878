"""Lower back rotation: timing holds with both knees dropped to one side, shoulders kept down.

Lying on the back with the knees bent and together, the knees are lowered to one side and
held there. Seen from the side the knees sink towards the floor: their height above the
hips, in torso lengths, falls from its upright value (kept as a slowly forgetting maximum).
Because the camera looks a little down, knees going away from it seem to sink less than
knees coming towards it, so the knees' sideways shift in MediaPipe's depth (the same both
ways) makes up half of the measure. The knees count as "over" at ``rotation_enter_drop`` and
back up below ``rotation_exit_drop``; the time over is a hold.

The side is where the knees went: towards the camera (MediaPipe's depth of the knees falls
below the hips') or away from it, turned into the person's left or right by which side of
the body is nearer the camera. Depth is noisy, so the side is decided from the first part of
each hold and then kept, and reported with its confidence in ``extras["side_confidence"]``.

Form: ``shoulders_lifting`` when the upper back twists off the floor with the knees, seen as
the two shoulders' vertical gap changing by more than ``rotation_shoulder_lift_ratio``
torso lengths from its value lying flat.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.counters import Hysteresis
from backcoach.motion.framing import FramingRules
from backcoach.motion.geometry import side_landmark
from backcoach.motion.landmarks import Landmark

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "LowerBackRotationAnalyser"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: the shoulders' vertical gap may change this much (torso lengths) while the knees are over
    "rotation_shoulder_lift_ratio": 0.15,
    # holds: the knees are over at this much of a full drop (0 upright, 1 on the floor beside) ...
    "rotation_enter_drop": 0.25,
    # ... and back up below this
    "rotation_exit_drop": 0.16,
}

_LYING_MAX_TRUNK_DEG = 20.0  # flat on the back (a bridge lifts the hips well past this)
_UPRIGHT_DECAY_PER_S = 0.02  # how fast the remembered upright knee height is forgotten (torso lengths/s)
_MIN_UPRIGHT_TORSO = 0.35  # knees lower than this above the hips never counted as "up"
_SIDE_DECIDE_MS = 600.0
_MIN_SIDEWAYS = 0.2  # share of the upright knee height the knees must move sideways
_MAX_KNEE_DEG = 140.0  # the knees stay bent; straight legs are not this exercise's position


class LowerBackRotationAnalyser(BaseAnalyser):
    """Times knee-drop holds per side and reports shoulders lifting off the floor."""

    exercise = "lower_back_rotation"
    sided = True
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "knee"), max_width_ratio=None)
    confidence_parts = ("shoulder", "hip", "knee")
    confidence_cap = 0.8
    min_hold_ms = 1000.0
    min_gap_ms = 600.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        self._zone = Hysteresis(th["rotation_enter_drop"], th["rotation_exit_drop"])
        self._upright = math.nan
        self._upright_t_ms = 0.0
        self._near_votes = 0.0  # > 0: the left side is nearer the camera
        self._knee_depth_votes = 0.0
        self._over_since_ms: float | None = None
        self._side: str | None = None
        self._shoulder_gap_flat = math.nan
        self._side_confidence = 0.5
        self._hold_fed = False
        self._shift_up = math.nan
        for side in ("left", "right"):
            self.hold_tracker(side)

    def _knee_height(self, view: FrameView) -> float:
        """Knee midpoint height above the hip midpoint, in torso lengths."""
        torso = view.torso_length
        knee, hip = view.mid_point("knee"), view.mid_point("hip")
        if not torso > 0 or math.isnan(knee[0]) or math.isnan(hip[0]):
            return math.nan
        return (hip[1] - knee[1]) / torso

    def _shoulder_gap(self, view: FrameView) -> float:
        torso = view.torso_length
        if not torso > 0 or not view.seen(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER):
            return math.nan
        return (view.point(Landmark.LEFT_SHOULDER)[1] - view.point(Landmark.RIGHT_SHOULDER)[1]) / torso

    def _depth(self, view: FrameView, part: str) -> float:
        lm = view.landmarks
        return float(lm[side_landmark("left", part), 2] + lm[side_landmark("right", part), 2]) / 2.0

    def _track_sides(self, view: FrameView) -> None:
        lm = view.landmarks
        vote = 0.0
        for part in ("shoulder", "hip"):
            dz = float(lm[side_landmark("left", part), 2] - lm[side_landmark("right", part), 2])
            vote += 1.0 if dz < 0 else -1.0
        self._near_votes = 0.98 * self._near_votes + vote / 2.0

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        t = view.t_ms
        trunk = view.elevation_deg(view.mid_point("hip"), view.mid_point("shoulder"))
        height = self._knee_height(view)
        knees = [view.side_angle_deg(s, "hip", "knee", "ankle") for s in ("left", "right")]
        knee = min((a for a in knees if not math.isnan(a)), default=math.nan)
        if not abs(trunk) <= _LYING_MAX_TRUNK_DEG or math.isnan(height) or not knee <= _MAX_KNEE_DEG:
            for each in ("left", "right"):
                self.track_hold(False, t, each)
            return "out"
        self._track_sides(view)
        # the remembered upright knee height, forgotten slowly, never below a floor
        dt_s = max(0.0, t - self._upright_t_ms) / 1000.0
        self._upright_t_ms = t
        if math.isnan(self._upright):
            self._upright = height
        else:
            self._upright = max(height, self._upright - _UPRIGHT_DECAY_PER_S * dt_s)
        upright = max(self._upright, _MIN_UPRIGHT_TORSO)
        # how far the knees went over: half from the height they lost (seen larger when they go
        # towards the camera) and half from their sideways shift in depth (seen equally both ways)
        # (MediaPipe's knee depth sits off the hips' even with the knees up, so the shift is
        # measured from its value with the knees up)
        shift = (
            (self._depth(view, "knee") - self._depth(view, "hip"))
            * view.width
            / view.height
            / view.torso_length
        )
        if math.isnan(self._shift_up):
            self._shift_up = shift
        sink = max(0.0, 1.0 - height / upright)
        sideways = min(1.0, abs(shift - self._shift_up) / upright)
        # legs sliding down to straighten also sink, but stay in line: no sideways shift, no hold
        drop = 0.5 * sink + 0.5 * sideways if sideways >= _MIN_SIDEWAYS else 0.5 * sideways
        if not self._zone.state and sink < 0.1:
            self._shift_up += 0.05 * (shift - self._shift_up)
        over = self._zone.update(drop)
        gap = self._shoulder_gap(view)
        if not over:
            if not math.isnan(gap) and drop < th["rotation_exit_drop"]:
                flat = self._shoulder_gap_flat
                self._shoulder_gap_flat = gap if math.isnan(flat) else flat + 0.1 * (gap - flat)
            self._over_since_ms = None
            self._side = None
            self._hold_fed = False
            self._knee_depth_votes = 0.0
            for each in ("left", "right"):
                self.track_hold(False, t, each)
            self.extras = {"knee_drop": round(drop, 2)}
            return "centre"
        if self._over_since_ms is None:
            self._over_since_ms = t
        # towards the camera when the knees are nearer (smaller z) than the hips
        if self._side is None:
            self._knee_depth_votes += 1.0 if shift < self._shift_up else -1.0
            if t - self._over_since_ms >= _SIDE_DECIDE_MS or abs(self._knee_depth_votes) >= 6:
                near = "left" if self._near_votes >= 0 else "right"
                far = "right" if near == "left" else "left"
                self._side = near if self._knee_depth_votes > 0 else far
                near_sure = min(1.0, abs(self._near_votes) / 10.0)
                depth_sure = min(1.0, abs(self._knee_depth_votes) / 6.0)
                self._side_confidence = round(0.5 + 0.15 * near_sure + 0.15 * depth_sure, 2)
        side = self._side
        if side is not None:
            other = "right" if side == "left" else "left"
            # the hold began when the knees went over, before the side was known
            self.track_hold(True, t if self._hold_fed else self._over_since_ms, side)
            self._hold_fed = True
            self.track_hold(False, t, other)
            if not math.isnan(gap) and not math.isnan(self._shoulder_gap_flat):
                lift = abs(gap - self._shoulder_gap_flat)
                self.check_fault(
                    "shoulders_lifting", lift > th["rotation_shoulder_lift_ratio"], t, value=lift, side=side
                )
        self.extras = {"knee_drop": round(drop, 2), "side_confidence": self._side_confidence}
        return "over"


ANALYSER = LowerBackRotationAnalyser
