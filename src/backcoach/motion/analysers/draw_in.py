"""Draw-in: a guided timer. Drawing the belly in cannot be seen by a camera; being in place can.

The draw-in (abdominal hollowing) is done lying on the back with the knees bent, and what
changes is deep inside the trunk. So the analyser never counts anything from the movement:
``camera_counts`` is False, the confidence is capped low, and an info finding
``camera_cannot_see`` is given once so the app can say it runs this one as a timer.

What the camera can confirm is that the person is in the start position and keeping still:
a hold is a stretch of time lying with the knees bent (as for the pelvic tilt) while the
hips, knees and shoulders move less than ``draw_in_max_speed_torso_s`` torso lengths per
second. The hold starts when stillness began, so a hold ended by a movement (the release,
sliding the legs down, sitting up) has the right length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.analysers.pelvic_tilt import crook_lying_side
from backcoach.motion.counters import SpeedTracker
from backcoach.motion.framing import FramingRules

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "DrawInAnalyser"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # holds: still means the hips, knees and shoulders move slower than this (torso lengths a second)
    "draw_in_max_speed_torso_s": 0.15,
}

_CONFIDENCE_CAP = 0.35
_WATCHED = ("hip", "knee", "shoulder")
_SPEED_WINDOW_MS = 400.0


class DrawInAnalyser(BaseAnalyser):
    """Times draw-in holds as stillness in the start position; never counts from the camera."""

    exercise = "draw_in"
    camera_counts = False
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "knee"))
    confidence_parts = ("shoulder", "hip", "knee")
    confidence_cap = _CONFIDENCE_CAP
    min_hold_ms = 2000.0
    min_gap_ms = 400.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        self._speeds = {(axis, part): SpeedTracker(_SPEED_WINDOW_MS) for part in _WATCHED for axis in (0, 1)}
        self._visibility: dict[str, float] = {}
        self._told = False

    def step_missing(self, t_ms: float) -> str:
        # holds are timed half a speed window back (see step): frames without a person too
        return super().step_missing(max(0.0, t_ms - _SPEED_WINDOW_MS / 2.0))

    def step(self, view: FrameView) -> str:
        t = view.t_ms
        if not self._told:
            self.report_finding("camera_cannot_see", t, severity="info")
            self._told = True
        side = crook_lying_side(view, self._visibility)
        torso = view.torso_length
        if side is None or not torso > 0:
            self.track_hold(False if side is None else None, max(0.0, t - _SPEED_WINDOW_MS / 2.0))
            return "out"
        speed = 0.0
        for part in _WATCHED:
            point = view.side_point(side, part)
            if math.isnan(point[0]):
                continue
            # aspect-correct, in image heights
            vx = self._speeds[(0, part)].update(point[0] * view.width / view.height, t)
            vy = self._speeds[(1, part)].update(point[1], t)
            speed = max(speed, math.hypot(vx, vy) / torso)
        self.extras = {"speed_torso_s": round(speed, 3)}
        still = speed <= self.thresholds["draw_in_max_speed_torso_s"]
        # the speed is measured over the last window, so it describes the body half a window ago
        self.track_hold(still, max(0.0, t - _SPEED_WINDOW_MS / 2.0))
        return "holding" if still else "moving"


ANALYSER = DrawInAnalyser
