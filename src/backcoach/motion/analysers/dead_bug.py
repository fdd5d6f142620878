"""Dead bug: counting opposite arm and leg reaching out and coming back, per side.

Lying on the back in the start position ("tabletop") the arms point at the ceiling (the
hip-shoulder-wrist angle is about 90 degrees) and the knees are bent at about 90 degrees.
A rep is one diagonal reaching out (one arm overhead towards the floor, the opposite leg
straightened) and coming back. Each diagonal gets a progress value, 0 at the start position
and 1 fully out: the mean of how far its arm and its leg have opened. A rep is counted only
when a diagonal has gone out (``dead_bug_enter``) and come back (below ``dead_bug_exit``):
testing "extended" alone would also fire on the resting limbs, which in a dead bug are
always one diagonal of the body.

The side of a rep is the side of the leg that reached out (the arm is the other side's).
From a side view the far limbs are partly hidden and MediaPipe may mix up which is which,
so the side is reported with its own, lower confidence (``extras["side_confidence"]``):
how consistently the body's left landmarks lie on one side of the right ones in depth.

Form: ``limbs_not_extended`` when a rep's limbs stop short (the mean of the leg's knee
angle and the arm's shoulder angle at the furthest point is under
``dead_bug_min_extension_deg``); ``moving_too_fast`` when a rep out and back takes less
than ``dead_bug_min_rep_s``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.counters import Hysteresis
from backcoach.motion.framing import FramingRules
from backcoach.motion.geometry import side_landmark

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "DeadBugAnalyser"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: at the furthest point the knee and shoulder angles average at least this
    # (a straight limb is about 170; the start position about 90)
    "dead_bug_min_extension_deg": 140.0,
    # form: a controlled rep out and back takes at least this long
    "dead_bug_min_rep_s": 0.8,
    # counting: a diagonal is "out" at this progress (0 start position, 1 fully extended) ...
    "dead_bug_enter": 0.45,
    # ... and back at the start below this one
    "dead_bug_exit": 0.2,
}

# Angles that map to progress 0 and 1: the arm's hip-shoulder-wrist angle (about 90 pointing
# at the ceiling) and the leg's shoulder-hip-ankle angle (about 130 in tabletop, 175 straight).
# The leg uses the hip line rather than the knee: seen at an angle the knee looks straighter
# than it is, while the ankle's distance from the trunk line stays clear.
_ARM_REST_DEG, _ARM_OUT_DEG = 95.0, 150.0
_LEG_REST_DEG, _LEG_OUT_DEG = 137.0, 170.0
_SIDES = ("left", "right")
_OTHER = {"left": "right", "right": "left"}


def _progress(angle_deg: float, rest_deg: float, out_deg: float) -> float:
    return min(1.0, max(0.0, (angle_deg - rest_deg) / (out_deg - rest_deg)))


class _Diagonal:
    """One diagonal (a leg and the opposite arm) going out and back."""

    def __init__(self, enter: float, exit: float) -> None:
        self.zone = Hysteresis(enter, exit)
        self.left_rest_ms: float | None = None  # when it last left the start position
        self.peak_extension_deg = -math.inf
        self.armed = False  # seen at the start position, so the next trip out is a rep


class DeadBugAnalyser(BaseAnalyser):
    """Counts dead bug reps per side and reports limbs not extended or moving too fast."""

    exercise = "dead_bug"
    sided = True
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "knee", "wrist"), max_width_ratio=None)
    confidence_parts = ("shoulder", "hip", "knee", "ankle", "wrist")
    confidence_cap = 0.9

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        # keyed by the leg's side
        self._diagonals = {side: _Diagonal(th["dead_bug_enter"], th["dead_bug_exit"]) for side in _SIDES}
        self._depth_votes = 0.0
        self._depth_total = 0.0

    def _side_confidence(self, view: FrameView) -> float:
        """How sure the left/right labels are: depth order of left vs right agreeing over time."""
        lm = view.landmarks
        votes = 0
        total = 0
        for part in ("shoulder", "hip", "knee", "ankle"):
            left = view.side_point("left", part)
            if math.isnan(left[0]):
                continue
            dz = float(lm[side_landmark("left", part), 2] - lm[side_landmark("right", part), 2])
            votes += 1 if dz < 0 else -1
            total += 1
        if total:
            self._depth_votes += votes / total
            self._depth_total += 1.0
        if self._depth_total == 0:
            return 0.5
        agreement = abs(self._depth_votes) / self._depth_total  # 1 when one side is always nearer
        return round(0.5 + 0.3 * agreement, 3)

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        t = view.t_ms
        knee = {side: view.side_angle_deg(side, "hip", "knee", "ankle") for side in _SIDES}
        leg = {side: view.side_angle_deg(side, "shoulder", "hip", "ankle") for side in _SIDES}
        arm = {side: view.side_angle_deg(side, "hip", "shoulder", "wrist") for side in _SIDES}
        trunk = abs(view.elevation_deg(view.mid_point("hip"), view.mid_point("shoulder")))
        if not trunk <= 45.0:  # not lying down (also NaN)
            return "out"
        phase = "start"
        progress_now: dict[str, float] = {}
        for leg_side in _SIDES:
            arm_side = _OTHER[leg_side]
            moved = [
                _progress(value, rest, out)
                for value, rest, out in (
                    (leg[leg_side], _LEG_REST_DEG, _LEG_OUT_DEG),
                    (arm[arm_side], _ARM_REST_DEG, _ARM_OUT_DEG),
                )
                if not math.isnan(value)
            ]
            if not moved:
                continue
            progress = sum(moved) / len(moved)
            progress_now[leg_side] = progress
            straight = [v for v in (knee[leg_side], arm[arm_side]) if not math.isnan(v)]
            extension = sum(straight) / len(straight) if straight else math.nan
            diagonal = self._diagonals[leg_side]
            was_out = diagonal.zone.state
            out = diagonal.zone.update(progress)
            if progress > th["dead_bug_exit"]:
                if diagonal.left_rest_ms is None:
                    diagonal.left_rest_ms = t
                if not math.isnan(extension):
                    diagonal.peak_extension_deg = max(diagonal.peak_extension_deg, extension)
            if was_out and out is False:
                # back at the start position: the rep is complete
                if diagonal.armed:
                    self.count_rep(leg_side)
                    self._judge_rep(diagonal, leg_side, t)
                diagonal.armed = True
                self._reset_trip(diagonal)
            elif out is False and progress <= th["dead_bug_exit"]:
                # at the start position (a half trip that never got out is forgotten)
                self._reset_trip(diagonal)
                diagonal.armed = True
            if out:
                phase = "extended"
            elif progress > th["dead_bug_exit"] and phase == "start":
                phase = "moving"
        if progress_now:
            self.extras = {f"progress_{side}": round(value, 2) for side, value in progress_now.items()}
        self.extras["side_confidence"] = self._side_confidence(view)
        return phase

    def _reset_trip(self, diagonal: _Diagonal) -> None:
        diagonal.left_rest_ms = None
        diagonal.peak_extension_deg = -math.inf

    def _judge_rep(self, diagonal: _Diagonal, side: str, t_ms: float) -> None:
        th = self.thresholds
        if -math.inf < diagonal.peak_extension_deg < th["dead_bug_min_extension_deg"]:
            self.report_finding("limbs_not_extended", t_ms, side=side, value=diagonal.peak_extension_deg)
        if diagonal.left_rest_ms is not None:
            rep_s = (t_ms - diagonal.left_rest_ms) / 1000.0
            if rep_s < th["dead_bug_min_rep_s"]:
                self.report_finding("moving_too_fast", t_ms, side=side, value=rep_s)


ANALYSER = DeadBugAnalyser
