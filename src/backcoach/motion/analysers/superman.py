"""Superman: counting lifts of the chest, arms and legs from lying face down, with each hold.

Seen from the side, lying face down, the hips stay on the floor and are the pivot:

- the chest lift is how far the shoulders rise above the hips (elevation of hip->shoulder);
- the leg lift is how far the ankles rise above the hips (elevation of hip->ankle);
- the arm lift is how far the wrists rise above the hips (elevation of hip->wrist).

Elevations are measured whichever way the person faces (degrees above the horizontal
through the hip). The rep signal is chest lift + leg lift: about 0-5 degrees flat on the
floor, 15-25 lifted, about 10 with only the chest or only the legs up. A rep counts when
the lift reaches ``superman_enter_deg`` from the floor (below ``superman_exit_deg``); a
clip that starts lifted does not count it. A lift is also counted, and ended, by moving
``superman_rise_deg`` / ``superman_drop_deg`` from the last low / high point, for people
who do not lower all the way between lifts. The time in the lift is the rep's hold; arms or
legs that stay below their lift thresholds over the whole lift are findings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.counters import PeakTracker, RepCounter, SpeedTracker
from backcoach.motion.framing import FramingRules

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "SupermanAnalyser"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: in the lift, the wrists at least this far above the hips (degrees from the hip)
    "superman_arm_lift_deg": 5.0,
    # form: in the lift, the ankles at least this far above the hips (degrees from the hip)
    "superman_leg_lift_deg": 4.0,
    # counting: chest lift + leg lift reaching this is a lift ...
    "superman_enter_deg": 10.0,
    # ... and back below this is down on the floor;
    "superman_exit_deg": 5.0,
    # for people who do not lower all the way: a lift is also this much up from the lowest
    # point since the last lift, and lowering this much from the highest point ends a lift
    "superman_rise_deg": 12.0,
    "superman_drop_deg": 12.0,
    # holds: a hold ends once the lift eases off faster than this
    "superman_hold_leave_speed_deg_s": 6.0,
}

# Lying face down: the trunk may not be steeper than this (kneeling or standing is not it).
_MAX_TRUNK_TILT_DEG = 45.0


class SupermanAnalyser(BaseAnalyser):
    """Counts superman lifts with their holds; reports arms or legs not lifted."""

    exercise = "superman"
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "ankle"), max_width_ratio=0.4)
    confidence_parts = ("shoulder", "hip", "ankle", "wrist")
    min_hold_ms = 500.0
    min_gap_ms = 500.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        self.counter = RepCounter(
            th["superman_enter_deg"],
            th["superman_exit_deg"],
            min_rep_ms=800.0,
            rise=th["superman_rise_deg"],
            drop=th["superman_drop_deg"],
        )
        self._speed = SpeedTracker()
        self._peaks = PeakTracker()

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        t = view.t_ms
        hip = view.mid_point("hip")
        chest = view.elevation_deg(hip, view.mid_point("shoulder"))
        legs = view.elevation_deg(hip, view.mid_point("ankle"))
        arms = view.elevation_deg(hip, view.mid_point("wrist"))
        if math.isnan(chest) or math.isnan(legs) or abs(chest) > _MAX_TRUNK_TILT_DEG:
            self.track_hold(None, t)
            return "out"
        lift = chest + legs
        self.extras = {
            "lift_deg": round(lift, 1),
            "chest_lift_deg": round(chest, 1),
            "leg_lift_deg": round(legs, 1),
        }
        if not math.isnan(arms):
            self.extras["arm_lift_deg"] = round(arms, 1)
        self._speed.update(lift, t)
        if self.counter.update(lift, t):
            self.count_rep()
        lifted = self.counter.state == "target"
        self.track_settled_hold(
            lifted, self._speed.velocity, t, math.inf, th["superman_hold_leave_speed_deg_s"]
        )
        holding = self.hold_tracker().holding
        peaks = self._peaks.update(lifted, t, {"arms": arms, "legs": legs})
        if peaks is not None:
            # judged on the best the rep reached, not on a frame on the way up
            arm_peak, leg_peak = peaks.get("arms", math.nan), peaks.get("legs", math.nan)
            if arm_peak < th["superman_arm_lift_deg"]:
                self.report_finding("arms_not_lifted", t, value=arm_peak)
            if leg_peak < th["superman_leg_lift_deg"]:
                self.report_finding("legs_not_lifted", t, value=leg_peak)
        phase = self.counter.phase
        if phase == "top" and holding:
            return "holding"
        return phase


ANALYSER = SupermanAnalyser
