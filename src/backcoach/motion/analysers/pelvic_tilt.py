"""Pelvic tilt: a guided timer that also watches a small tilt signal, with honest low confidence.

Lying on the back with the knees bent, a posterior pelvic tilt flattens the lower back
against the floor. The movement happens inside the body: a camera sees at most the hip
landmark sliding a little towards the feet, which closes the knee angle by a few degrees
(2-9 degrees on the real clips, against about 0.5 degrees of noise). An arm or clothing
easily hides even that, so this analyser says so (``camera_counts`` False, an info finding
``camera_cannot_see`` once, confidence capped well under 0.5) and runs as a guided timer.

It still tracks the tilt signal: the knee angle below its resting value, the resting value
being a high percentile of the last few seconds (the tilts are the low excursions). A tilt
is counted, with that low confidence, when the signal reaches ``pelvic_tilt_enter_deg``
for ``pelvic_tilt_min_tilt_s`` from rest, and its time there is a hold. A camera cut or a
jump in position restarts the resting value.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping

import numpy as np

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.counters import Hysteresis
from backcoach.motion.framing import FramingRules

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "PelvicTiltAnalyser", "crook_lying_side", "knee_angle_deg"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # counting: the knee angle closes this much below its resting value during a tilt ...
    "pelvic_tilt_enter_deg": 1.7,
    # ... and is back within this of it at rest
    "pelvic_tilt_exit_deg": 1.5,
    # counting: a tilt is held at least this long (shorter dips are noise)
    "pelvic_tilt_min_tilt_s": 0.5,
    # the resting value is taken over this many seconds
    "pelvic_tilt_baseline_s": 8.0,
}

_CONFIDENCE_CAP = 0.35
_SMOOTH_S = 0.2
_LYING_MAX_TRUNK_DEG = 15.0  # flat on the back (a bridge lifts the hips well past this)
_CROOK_MAX_KNEE_DEG = 135.0
_MAX_TILT_DEG = 12.0  # a larger change of the knee angle is another movement, not a tilt
_JUMP_TORSO = 0.3  # a hip jump this large (torso lengths) between frames is a cut or a restart


def knee_angle_deg(view: FrameView, side: str) -> float:
    """Hip-knee-ankle angle of one side (NaN when unseen)."""
    return view.side_angle_deg(side, "hip", "knee", "ankle")


def crook_lying_side(view: FrameView, visibility: dict[str, float]) -> str | None:
    """The better-seen side when the person lies on the back with the knees bent, else None.

    ``visibility`` accumulates each side's leg visibility over time (updated here), so the
    side does not flip on one frame's noise.
    """
    trunk = view.elevation_deg(view.mid_point("hip"), view.mid_point("shoulder"))
    if not abs(trunk) <= _LYING_MAX_TRUNK_DEG:
        return None
    for side in ("left", "right"):
        visibility[side] = 0.9 * visibility.get(side, 0.0) + view.side_visibility(
            side, "hip", "knee", "ankle"
        )
    side = "left" if visibility["left"] >= visibility["right"] else "right"
    knee = knee_angle_deg(view, side)
    if not knee <= _CROOK_MAX_KNEE_DEG:
        return None
    hip_y, knee_y = view.side_point(side, "hip")[1], view.side_point(side, "knee")[1]
    if not knee_y < hip_y:  # the knee must point up
        return None
    return side


class PelvicTiltAnalyser(BaseAnalyser):
    """Guided timer for the pelvic tilt that counts visible tilts with low confidence."""

    exercise = "pelvic_tilt"
    camera_counts = False
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("hip", "knee", "ankle"))
    confidence_parts = ("hip", "knee", "ankle")
    confidence_cap = _CONFIDENCE_CAP
    min_hold_ms = 500.0
    min_gap_ms = 300.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        self._zone = Hysteresis(th["pelvic_tilt_enter_deg"], th["pelvic_tilt_exit_deg"])
        self._samples: deque[tuple[float, float]] = deque()
        self._baseline = math.nan
        self._baseline_t_ms = -math.inf
        self._last_hip: tuple[float, float] | None = None
        self._prev_t_ms = -math.inf
        self._visibility: dict[str, float] = {}
        self._armed = False
        self._tilt_since_ms: float | None = None
        self._counted = False
        self._told = False
        self._tilt = math.nan

    def _restart(self) -> None:
        self._samples.clear()
        self._baseline = math.nan
        self._armed = False
        self._tilt_since_ms = None
        self._zone.state = None
        self._tilt = math.nan

    def _update_baseline(self, value: float, t_ms: float) -> None:
        window_ms = self.thresholds["pelvic_tilt_baseline_s"] * 1000.0
        samples = self._samples
        if not samples or t_ms - samples[-1][0] >= 100.0:
            samples.append((t_ms, value))
        while samples and t_ms - samples[0][0] > window_ms:
            samples.popleft()
        if t_ms - self._baseline_t_ms >= 200.0 and len(samples) >= 5:
            self._baseline = float(np.percentile([v for _, v in samples], 75))
            self._baseline_t_ms = t_ms

    def step_missing(self, t_ms: float) -> str:
        # holds are timed one smoothing time constant back (see step): frames without a person too
        return super().step_missing(max(0.0, t_ms - _SMOOTH_S * 1000.0))

    def step(self, view: FrameView) -> str:
        t = view.t_ms
        if not self._told:
            self.report_finding("camera_cannot_see", t, severity="info")
            self._told = True
        side = crook_lying_side(view, self._visibility)
        if side is None:
            self.track_hold(None, max(0.0, t - _SMOOTH_S * 1000.0))
            return "out"
        hip = view.side_point(side, "hip")
        torso = view.torso_length
        if self._last_hip is not None and torso > 0:
            jump = view.distance(hip, self._last_hip) / torso
            if jump > _JUMP_TORSO or t - self._prev_t_ms > 1000.0:
                self._restart()
        dt_s = max(0.0, t - self._prev_t_ms) / 1000.0
        self._last_hip, self._prev_t_ms = hip, t
        value = knee_angle_deg(view, side)
        self._update_baseline(value, t)
        if math.isnan(self._baseline) or t - self._samples[0][0] < 2000.0:
            return "rest"
        raw_tilt = self._baseline - value
        if abs(raw_tilt) > _MAX_TILT_DEG:
            self._restart()
            self.track_hold(False, max(0.0, t - _SMOOTH_S * 1000.0))
            return "moving"
        # a light smoothing (about 0.2 s): the signal is a few degrees against about one of noise
        if math.isnan(self._tilt):
            self._tilt = raw_tilt
        else:
            self._tilt += (1.0 - math.exp(-dt_s / _SMOOTH_S)) * (raw_tilt - self._tilt)
        tilt = self._tilt
        self.extras = {"tilt_deg": round(tilt, 2)}
        in_tilt = self._zone.update(tilt)
        if in_tilt:
            if self._tilt_since_ms is None:
                self._tilt_since_ms = t
                self._counted = False
            held_s = (t - self._tilt_since_ms) / 1000.0
            if self._armed and not self._counted and held_s >= self.thresholds["pelvic_tilt_min_tilt_s"]:
                self.count_rep()
                self._counted = True
        else:
            self._tilt_since_ms = None
            if in_tilt is False:
                self._armed = True
        # the smoothing delays the signal by about its time constant: time the hold without it
        self.track_hold(bool(in_tilt), max(0.0, t - _SMOOTH_S * 1000.0))
        return "tilted" if in_tilt else "rest"


ANALYSER = PelvicTiltAnalyser
