"""Cat stretch: counting back roundings (on all fours or seated) with each hold.

A pose model gives no points along the spine, so the rounding is read where it shows from
the side: the head and upper back curl towards the belly as the back rounds. The signal,
``rounding_deg``, is the angle from the trunk line (hip -> shoulder) to the shoulder -> ear
line, positive towards the belly side (the side the knees are on, which works on all fours
and seated), plus 2 degrees for every 1 % (past a 4 % dead zone) the trunk (shoulder-hip chord) is
shorter than its recent longest, measured against the thigh: a curled spine shortens that chord, which shows
a rounding even when the head is kept in line. Neutral reads about 0-15 degrees, a rounded
"cat" 40-100, and the arched "cow" (head up, chord not shortened) reads negative, so a cow
is never a rep.

A rep counts when the rounding reaches ``cat_enter_deg`` from neutral (below
``cat_exit_deg``); a clip that starts rounded does not count it. The hold runs from the
rounding being clearly reached (or settled) until it eases off. A rep that rounds less
than ``cat_min_rounding_deg`` (or a rounding that turns back before counting) gets
``too_little_rounding``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from backcoach.motion.analysers.base import BaseAnalyser, FrameView
from backcoach.motion.counters import PeakTracker, RepCounter, SpeedTracker
from backcoach.motion.framing import FramingRules

__all__ = ["ANALYSER", "DEFAULT_THRESHOLDS", "CatStretchAnalyser", "compute_signed_angle_deg"]

DEFAULT_THRESHOLDS: dict[str, float] = {
    # form: a rounding settled below this is too little
    "cat_min_rounding_deg": 50.0,
    # counting: rounded at this ...
    "cat_enter_deg": 30.0,
    # ... and back to neutral below this
    "cat_exit_deg": 18.0,
    # holds: a hold ends once the rounding eases off faster than this
    "cat_hold_leave_speed_deg_s": 15.0,
}


def compute_signed_angle_deg(u: tuple[float, float], v: tuple[float, float]) -> float:
    """Signed angle from vector u to vector v in degrees (-180..180], counter-clockwise positive.

    Vectors are (x, y) with y upwards and x already aspect-corrected.
    """
    return math.degrees(math.atan2(u[0] * v[1] - u[1] * v[0], u[0] * v[0] + u[1] * v[1]))


# The trunk shortening's weight: 15 % shorter (beyond a 4 % dead zone for landmark noise)
# counts like 22 degrees more curl of the head.
_SHORTENING_DEG_PER_PCT = 2.0
_REFERENCE_DECAY_PER_S = 0.003
_RATIO_SMOOTHING_S = 0.3
_SHORTENING_DEAD_ZONE_PCT = 4.0
# A hold starts once the rounding is well past the entry (deep) or has stopped changing.
_DEEP_MARGIN_DEG = 15.0
_SETTLE_SPEED_DEG_S = 10.0


class CatStretchAnalyser(BaseAnalyser):
    """Counts cat stretches with their holds; reports too little rounding."""

    exercise = "cat_stretch"
    default_thresholds = DEFAULT_THRESHOLDS
    framing_rules = FramingRules(key_parts=("shoulder", "hip", "knee"), max_width_ratio=0.4)
    confidence_parts = ("shoulder", "hip", "knee", "ear")
    min_hold_ms = 500.0
    min_gap_ms = 400.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        super().__init__(thresholds)
        th = self.thresholds
        self.counter = RepCounter(th["cat_enter_deg"], th["cat_exit_deg"], min_rep_ms=1000.0)
        self._speed = SpeedTracker()
        self._peaks = PeakTracker()
        self._belly_turn = 0.0  # smoothed signed angle trunk -> knees: its sign is the belly side
        self._attempt_peak = -math.inf
        self._ratio: float | None = None  # smoothed trunk / thigh ratio
        self._ratio_ref: float | None = None  # longest smoothed ratio seen lately
        self._ratio_t_ms = 0.0

    def _vector(self, view: FrameView, a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
        k = view.width / view.height if view.height > 0 else 1.0
        return ((b[0] - a[0]) * k, a[1] - b[1])

    def measure(self, view: FrameView) -> float:
        """The rounding in degrees, NaN when the trunk, knees or head are not seen."""
        shoulder, hip = view.mid_point("shoulder"), view.mid_point("hip")
        knee, ear = view.mid_point("knee"), view.mid_point("ear")
        if any(math.isnan(p[0]) for p in (shoulder, hip, knee, ear)):
            return math.nan
        trunk = self._vector(view, hip, shoulder)
        thigh = self._vector(view, hip, knee)
        turn = compute_signed_angle_deg(trunk, thigh)
        # the belly side changes only if the person turns round: follow it slowly
        self._belly_turn = 0.8 * self._belly_turn + 0.2 * turn if self._belly_turn else turn
        belly = 1.0 if self._belly_turn >= 0 else -1.0
        head_deg = belly * compute_signed_angle_deg(trunk, self._vector(view, shoulder, ear))
        return head_deg + _SHORTENING_DEG_PER_PCT * self._shortening_pct(view.t_ms, trunk, thigh)

    def _shortening_pct(self, t_ms: float, trunk: tuple[float, float], thigh: tuple[float, float]) -> float:
        """How much shorter the trunk is than its recent longest, in % (relative to the thigh),
        less a dead zone that swallows landmark noise."""
        thigh_len = math.hypot(*thigh)
        if not thigh_len > 0.0:
            return 0.0
        ratio = math.hypot(*trunk) / thigh_len
        if self._ratio_ref is None or self._ratio is None:
            self._ratio = self._ratio_ref = ratio
        else:
            dt_s = max(0.0, t_ms - self._ratio_t_ms) / 1000.0
            self._ratio += (1.0 - math.exp(-dt_s / _RATIO_SMOOTHING_S)) * (ratio - self._ratio)
            # the longest trunk seen lately; it forgets slowly, so a long hold keeps most of it
            decayed = self._ratio_ref * (1.0 - _REFERENCE_DECAY_PER_S * dt_s)
            self._ratio_ref = max(self._ratio, decayed)
        self._ratio_t_ms = t_ms
        shortening = (self._ratio_ref - self._ratio) / self._ratio_ref * 100.0
        return max(0.0, shortening - _SHORTENING_DEAD_ZONE_PCT)

    def step(self, view: FrameView) -> str:
        th = self.thresholds
        t = view.t_ms
        value = self.measure(view)
        if math.isnan(value):
            self.track_hold(None, t)
            return "out"
        self.extras = {"rounding_deg": round(value, 1)}
        self._speed.update(value, t)
        was = self.counter.state
        if self.counter.update(value, t):
            self.count_rep()
        state = self.counter.state
        if state == "start":
            if was == "start":
                self._attempt_peak = max(self._attempt_peak, value)
            if self.counter.zone.left(value):
                if self._attempt_peak >= th["cat_exit_deg"] + 5.0:
                    self.report_finding("too_little_rounding", t, value=self._attempt_peak)
                self._attempt_peak = -math.inf
        else:
            self._attempt_peak = -math.inf
        self.track_settled_hold(
            state == "target",
            self._speed.velocity,
            t,
            _SETTLE_SPEED_DEG_S,
            th["cat_hold_leave_speed_deg_s"],
            deep=value >= th["cat_enter_deg"] + _DEEP_MARGIN_DEG,
        )
        peaks = self._peaks.update(state == "target", t, {"rounding": value})
        if peaks is not None and peaks.get("rounding", math.inf) < th["cat_min_rounding_deg"]:
            self.report_finding("too_little_rounding", t, value=peaks["rounding"])
        phase = self.counter.phase
        if phase == "top" and self.hold_tracker().holding:
            return "holding"
        return phase


ANALYSER = CatStretchAnalyser
