"""Glute bridge march: counting knee lifts per side while the bridge is held, and hip drops.

Each leg's hip extension is its shoulder-hip-knee angle (see
:func:`backcoach.motion.analysers.bridge.compute_hip_extension_deg`). Lifting a knee
flexes that hip while the standing leg keeps the bridge, so the lift of one side is the
difference between the other leg's hip extension and its own: near 0 with both feet down,
60-90 degrees with the thigh lifted to vertical. Using the difference cancels the whole
pelvis moving. A rep of a side counts when that knee is lifted (``march_enter_deg``) from
down (below ``march_exit_deg``) while the standing leg holds the bridge; a clip that starts
with a knee up does not count it.

Hips dropping: while a knee is up, the standing leg's hip extension falls more than
``march_hip_drop_deg`` below what it was in the bridge just before the lift, or stays below
``march_min_hip_extension_deg`` (a bridge too low to march from).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.analysers.bridge import compute_hip_extension_deg
from backcoach.motion.counters import RepCounter
from backcoach.motion.framing import FramingRules
from backcoach.motion.geometry import SIDES, side_landmark

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "GluteBridgeMarchAnalyser"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: the standing side's hip extension may fall at most this much while a knee is up
    "march_hip_drop_deg": 10.0,
    # form: and while a knee is up it stays at least this (hips near the line of the thigh)
    "march_min_hip_extension_deg": 160.0,
    # counting: a knee is lifted when its hip is this much more flexed than the other ...
    "march_enter_deg": 35.0,
    # ... and back down below this difference
    "march_exit_deg": 15.0,
    # the bridge is held while the standing leg's hip extension is at least this
    "march_bridge_min_deg": 145.0,
}

_MAX_TRUNK_TILT_DEG = 60.0
_OTHER = {"left": "right", "right": "left"}


class GluteBridgeMarchAnalyser(BaseAnalyser):
    """Counts knee lifts per side in a held bridge and reports the hips dropping."""

    exercise = "glute_bridge_march"
    sided = True
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "knee"), max_width_ratio=0.4)

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        self.counters = {
            side: RepCounter(
                th["march_enter_deg"],
                th["march_exit_deg"],
                min_rep_ms=800.0,
                phase_names=("holding", "rising", "top", "lowering"),
            )
            for side in SIDES
        }
        self._bridge_level: dict[str, float] = {}  # standing hip extension before a lift, per standing side

    def _hip_extension(self, view: FrameView, side: str) -> float:
        parts = (side_landmark(side, "shoulder"), side_landmark(side, "hip"), side_landmark(side, "knee"))
        if not view.seen(*parts):
            return math.nan
        shoulder, hip, knee = (view.point(part) for part in parts)
        return compute_hip_extension_deg(shoulder, hip, knee, view.width, view.height)

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        t = view.t_ms
        trunk = abs(view.elevation_deg(view.mid_point("hip"), view.mid_point("shoulder")))
        ext = {side: self._hip_extension(view, side) for side in SIDES}
        if not trunk <= _MAX_TRUNK_TILT_DEG or any(math.isnan(v) for v in ext.values()):
            return "out"
        self.extras = {
            "left_hip_extension_deg": round(ext["left"], 1),
            "right_hip_extension_deg": round(ext["right"], 1),
        }
        phase = "down"
        bridge_up = max(ext.values()) >= th["march_bridge_min_deg"]
        for side in SIDES:
            standing = _OTHER[side]
            lift = ext[standing] - ext[side]
            counter = self.counters[side]
            before = counter.state
            # count only with the bridge held by the standing leg
            counted = counter.update(lift, t)
            if counted and ext[standing] >= th["march_bridge_min_deg"]:
                self.count_rep(side)
            elif counted:
                counter.count -= 1
            if counter.state == "start" and before != "target":
                # both feet down: remember the bridge level of the standing leg
                level = self._bridge_level.get(standing)
                now = ext[standing]
                self._bridge_level[standing] = now if level is None else 0.7 * level + 0.3 * now
            lifted = counter.state == "target"
            level = self._bridge_level.get(standing)
            drop = (level - ext[standing]) if level is not None else math.nan
            self.check_fault(
                "hips_dropping",
                lifted
                and (drop > th["march_hip_drop_deg"] or ext[standing] < th["march_min_hip_extension_deg"]),
                t,
                value=ext[standing],
                side=side,
                persist_ms=300.0,
            )
            if counter.phase != "holding" and counter.phase != "unknown":
                phase = counter.phase
        if phase == "down" and bridge_up:
            phase = "holding"
        return phase


ANALYSER = GluteBridgeMarchAnalyser
