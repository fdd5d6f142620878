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
# A foot this far (in torso lengths) above its rest in the bridge is lifted.
_FOOT_RAISE_TORSO = 0.3
# How fast a side's remembered bridge level may sink (a lift is far faster).
_LEVEL_SINK_DEG_S = 5.0
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
        self._level_t_ms = 0.0
        self._ankle_y: dict[str, float] = {}  # each side's ankle height (image y) in the bridge
        self._bridge_level: dict[str, float] = {}  # each side's hip extension in the bridge, feet down

    def _hip_extension(self, view: FrameView, side: str) -> float:
        parts = (side_landmark(side, "shoulder"), side_landmark(side, "hip"), side_landmark(side, "knee"))
        if not view.seen(*parts):
            return math.nan
        shoulder, hip, knee = (view.point(part) for part in parts)
        return compute_hip_extension_deg(shoulder, hip, knee, view.width, view.height)

    def _foot_raised(self, view: FrameView, side: str) -> bool:
        """The ankle well above where it rested in the bridge (a third of the torso)."""
        rest_y = self._ankle_y.get(side)
        torso = view.torso_length
        if rest_y is None or not view.seen(side_landmark(side, "ankle")) or not torso > 0.0:
            return False
        return (rest_y - view.side_point(side, "ankle")[1]) >= _FOOT_RAISE_TORSO * torso

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        t = view.t_ms
        trunk = abs(view.elevation_deg(view.mid_point("hip"), view.mid_point("shoulder")))
        ext = {side: self._hip_extension(view, side) for side in SIDES}
        if not trunk <= _MAX_TRUNK_TILT_DEG or all(math.isnan(v) for v in ext.values()):
            return "out"
        self.extras = {
            f"{side}_hip_extension_deg": round(ext[side], 1) for side in SIDES if not math.isnan(ext[side])
        }
        bridge_min = th["march_bridge_min_deg"]
        seen = [v for v in ext.values() if not math.isnan(v)]
        bridge_up = max(seen) >= bridge_min
        if bridge_up and not any(c.state == "target" for c in self.counters.values()):
            # both feet down in the bridge: remember each side's bridge level
            for side in SIDES:
                level = self._bridge_level.get(side)
                if math.isnan(ext[side]):
                    continue
                ankle = view.side_point(side, "ankle")
                if view.seen(side_landmark(side, "ankle")):
                    before = self._ankle_y.get(side)
                    self._ankle_y[side] = ankle[1] if before is None else 0.8 * before + 0.2 * ankle[1]
                if level is None or ext[side] >= level:
                    self._bridge_level[side] = ext[side]
                else:
                    # it follows a sinking hip only slowly, so a lifting leg leaves its level behind
                    dt_s = max(0.0, t - self._level_t_ms) / 1000.0
                    self._bridge_level[side] = max(ext[side], level - _LEVEL_SINK_DEG_S * dt_s)
        self._level_t_ms = t
        phase = "down"
        for side in SIDES:
            standing = ext[_OTHER[side]]
            if math.isnan(ext[side]):
                continue
            if not math.isnan(standing):
                lift = standing - ext[side]
            elif side in self._bridge_level and self._foot_raised(view, side):
                # the other leg is not seen (far side): compare with this leg's own bridge level,
                # with the foot off the floor (lowering the whole bridge also flexes the hip)
                lift = self._bridge_level[side] - ext[side]
            elif side in self._bridge_level:
                lift = 0.0
            else:
                continue
            counter = self.counters[side]
            # a lift counts only with the bridge held by the standing leg (or held before it)
            bridge_held = (
                standing >= bridge_min
                if not math.isnan(standing)
                else self._bridge_level.get(side, 0.0) >= bridge_min
            )
            if counter.update(lift, t):
                if bridge_held:
                    self.count_rep(side)
                else:
                    counter.count -= 1
            level = self._bridge_level.get(_OTHER[side])
            drop = (level - standing) if level is not None else math.nan
            self.check_fault(
                "hips_dropping",
                counter.state == "target"
                and (drop > th["march_hip_drop_deg"] or standing < th["march_min_hip_extension_deg"]),
                t,
                value=standing,
                side=side,
                persist_ms=300.0,
            )
            if counter.phase not in ("holding", "unknown"):
                phase = counter.phase
        if phase == "down" and bridge_up:
            phase = "holding"
        return phase


ANALYSER = GluteBridgeMarchAnalyser
