"""The plumbing every exercise analyser shares, so each exercise supplies only its signal and rules.

:class:`BaseAnalyser` implements ``update(frame) -> Feedback``: it smooths the landmarks
(:class:`~backcoach.motion.filters.LandmarkFilter`), checks the framing
(:class:`~backcoach.motion.framing.FramingChecker`), keeps a confidence, the rep counts,
the holds and the findings (a finding's code is said at most once per
``finding_cooldown_ms``), and builds the :class:`~backcoach.motion.feedback.Feedback`.

An exercise module subclasses it and implements :meth:`BaseAnalyser.step`, which gets a
:class:`FrameView` of the smoothed pose and calls :meth:`BaseAnalyser.count_rep`,
:meth:`BaseAnalyser.track_hold` and :meth:`BaseAnalyser.check_fault`, then returns the
phase name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from backcoach.motion.counters import HoldTracker
from backcoach.motion.feedback import Feedback, Finding, FramingProblem, Hold, Severity
from backcoach.motion.filters import FilteredPose, LandmarkFilter
from backcoach.motion.framing import FramingChecker, FramingRules
from backcoach.motion.geometry import (
    compute_angle_deg,
    compute_distance,
    compute_elevation_deg,
    compute_segment_tilt_deg,
    compute_torso_length,
    side_landmark,
)
from backcoach.motion.landmarks import Landmark, PoseFrame

__all__ = ["BaseAnalyser", "FrameView", "merge_thresholds"]

FloatArray = npt.NDArray[np.float64]

# How much each framing problem lowers the confidence (multiplied together).
_FRAMING_CONFIDENCE = {"no_person": 0.0, "partly_out_of_frame": 0.6, "not_side_on": 0.5, "too_small": 0.7}


def merge_thresholds(
    exercise: str, defaults: Mapping[str, float], overrides: Mapping[str, float] | None
) -> dict[str, float]:
    """Defaults updated by ``overrides``; an unknown threshold name raises ValueError."""
    merged = {name: float(value) for name, value in defaults.items()}
    for name, value in (overrides or {}).items():
        if name not in merged:
            valid = ", ".join(sorted(merged))
            raise ValueError(f"unknown threshold {name!r} for {exercise}; valid names: {valid}")
        merged[name] = float(value)
    return merged


@dataclass(frozen=True)
class FrameView:
    """One frame's smoothed pose as an exercise sees it.

    Points are (x, y) normalised to the image; angles are aspect-corrected 2D degrees and
    NaN when a landmark they need is missing (not seen and no recent position to hold).
    """

    t_ms: float
    pose: FilteredPose
    width: int
    height: int

    @property
    def landmarks(self) -> FloatArray:
        return self.pose.landmarks

    def seen(self, *landmarks: Landmark) -> bool:
        """True when none of ``landmarks`` is missing."""
        missing = self.pose.missing
        return not any(missing[lm] for lm in landmarks)

    def visibility(self, landmark: Landmark) -> float:
        return float(self.pose.landmarks[landmark, 3])

    def point(self, landmark: Landmark) -> tuple[float, float]:
        row = self.pose.landmarks[landmark]
        return (float(row[0]), float(row[1]))

    def side_point(self, side: str, part: str) -> tuple[float, float]:
        return self.point(side_landmark(side, part))

    def mid_point(self, part: str) -> tuple[float, float]:
        """Midpoint of the left and right ``part``, or the one side seen when only one is."""
        left, right = side_landmark("left", part), side_landmark("right", part)
        seen_left, seen_right = self.seen(left), self.seen(right)
        if seen_left and seen_right:
            (lx, ly), (rx, ry) = self.point(left), self.point(right)
            return ((lx + rx) * 0.5, (ly + ry) * 0.5)
        if seen_left:
            return self.point(left)
        if seen_right:
            return self.point(right)
        return (math.nan, math.nan)

    def side_visibility(self, side: str, *parts: str) -> float:
        """Mean visibility of ``parts`` on ``side``."""
        return sum(self.visibility(side_landmark(side, part)) for part in parts) / max(1, len(parts))

    def angle_deg(self, a: Landmark, b: Landmark, c: Landmark) -> float:
        """Angle a-b-c at b (NaN when one is missing)."""
        if not self.seen(a, b, c):
            return math.nan
        return compute_angle_deg(self.point(a), self.point(b), self.point(c), self.width, self.height)

    def side_angle_deg(self, side: str, a: str, b: str, c: str) -> float:
        """Angle of three parts on one side, e.g. ("left", "shoulder", "hip", "knee")."""
        return self.angle_deg(side_landmark(side, a), side_landmark(side, b), side_landmark(side, c))

    def points_angle_deg(
        self, a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
    ) -> float:
        if math.isnan(a[0]) or math.isnan(b[0]) or math.isnan(c[0]):
            return math.nan
        return compute_angle_deg(a, b, c, self.width, self.height)

    def tilt_deg(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        if math.isnan(a[0]) or math.isnan(b[0]):
            return math.nan
        return compute_segment_tilt_deg(a, b, self.width, self.height)

    def elevation_deg(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        if math.isnan(a[0]) or math.isnan(b[0]):
            return math.nan
        return compute_elevation_deg(a, b, self.width, self.height)

    def distance(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        """Distance in image heights."""
        if math.isnan(a[0]) or math.isnan(b[0]):
            return math.nan
        return compute_distance(a, b, self.width, self.height)

    @property
    def torso_length(self) -> float:
        """Shoulder-mid to hip-mid distance in image heights (NaN when unseen)."""
        if not self.seen(
            Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP
        ):
            shoulder, hip = self.mid_point("shoulder"), self.mid_point("hip")
            return self.distance(shoulder, hip)
        return compute_torso_length(self.pose.landmarks, self.width, self.height)


class BaseAnalyser:
    """Streaming analyser plumbing; subclasses set the class attributes and implement :meth:`step`."""

    exercise: ClassVar[str] = ""
    sided: ClassVar[bool] = False
    camera_counts: ClassVar[bool] = True
    default_thresholds: ClassVar[Mapping[str, float]] = {}
    framing_rules: ClassVar[FramingRules] = FramingRules()
    # Body parts whose visibility makes up the confidence.
    confidence_parts: ClassVar[tuple[str, ...]] = ("shoulder", "hip", "knee", "ankle")
    confidence_cap: ClassVar[float] = 1.0
    finding_cooldown_ms: ClassVar[float] = 4000.0
    min_hold_ms: ClassVar[float] = 1000.0
    min_gap_ms: ClassVar[float] = 800.0

    def __init__(self, thresholds: Mapping[str, float] | None = None) -> None:
        self.thresholds = merge_thresholds(self.exercise, self.default_thresholds, thresholds)
        self._filter = LandmarkFilter()
        self._framing = FramingChecker(self.framing_rules)
        self._reps: dict[str, int] = {"left": 0, "right": 0} if self.sided else {"both": 0}
        self._hold_trackers: dict[str | None, HoldTracker] = {}
        self._finding_last_ms: dict[tuple[str, str | None], float] = {}
        self._fault_since_ms: dict[tuple[str, str | None], float] = {}
        self._confidence = 0.0
        self._confidence_t_ms: float | None = None
        self._last_t_ms = 0.0
        self._phase = "out"
        self._framing_now: tuple[FramingProblem, ...] = ()
        # per-frame outputs, reset by update()
        self._new_reps: list[str] = []
        self._new_findings: list[Finding] = []
        self._hold_started = False
        self._hold_ended = False
        self.extras: dict[str, float] = {}
        self.all_findings: list[Finding] = []

    # ---- what subclasses implement -------------------------------------------------

    def step(self, view: FrameView) -> str:
        """Analyse one frame with a person in it; return the phase name."""
        raise NotImplementedError

    def step_missing(self, t_ms: float) -> str:
        """A frame with no person: holds see "unknown"; the phase becomes "out"."""
        for side in list(self._hold_trackers):
            self.track_hold(None, t_ms, side)
        return "out"

    # ---- helpers for subclasses ----------------------------------------------------

    def count_rep(self, side: str = "both") -> None:
        self._reps[side] = self._reps.get(side, 0) + 1
        self._new_reps.append(side)

    def hold_tracker(self, side: str | None = None) -> HoldTracker:
        tracker = self._hold_trackers.get(side)
        if tracker is None:
            tracker = HoldTracker(self.min_hold_ms, self.min_gap_ms, side)
            self._hold_trackers[side] = tracker
        return tracker

    def track_hold(self, in_position: bool | None, t_ms: float, side: str | None = None) -> None:
        started, ended = self.hold_tracker(side).update(in_position, t_ms)
        self._hold_started |= started
        self._hold_ended |= ended

    def track_settled_hold(
        self,
        in_target: bool,
        velocity: float,
        t_ms: float,
        settle_speed: float,
        leave_speed: float,
        high_is_target: bool = True,
        side: str | None = None,
        deep: bool = False,
    ) -> bool:
        """A hold in a target position: it starts once the signal has settled there
        (``|velocity| <= settle_speed``, or at once when ``deep`` says the position is
        clearly reached) and ends as soon as the signal heads out of the target faster
        than ``leave_speed`` (deepening the position never ends it).
        Returns whether this frame counts as holding.
        """
        tracker = self.hold_tracker(side)
        away = -velocity if high_is_target else velocity
        if not in_target:
            holding = False
        elif tracker.active:
            holding = away <= leave_speed
        else:
            holding = deep or abs(velocity) <= settle_speed
        self.track_hold(holding, t_ms, side)
        return holding

    def report_finding(
        self,
        code: str,
        t_ms: float,
        severity: Severity = "warning",
        side: str | None = None,
        value: float | None = None,
    ) -> bool:
        """Report a finding unless the same code (and side) was reported within the cooldown."""
        key = (code, side)
        last = self._finding_last_ms.get(key)
        if last is not None and t_ms - last < self.finding_cooldown_ms:
            return False
        self._finding_last_ms[key] = t_ms
        finding = Finding(code, severity, t_ms, side, None if value is None else round(value, 1))
        self._new_findings.append(finding)
        self.all_findings.append(finding)
        return True

    def check_fault(
        self,
        code: str,
        active: bool,
        t_ms: float,
        severity: Severity = "warning",
        value: float | None = None,
        side: str | None = None,
        persist_ms: float = 300.0,
    ) -> None:
        """A fault seen now: reported once it has lasted ``persist_ms`` (and past the cooldown)."""
        key = (code, side)
        if not active:
            self._fault_since_ms.pop(key, None)
            return
        since = self._fault_since_ms.setdefault(key, t_ms)
        if t_ms - since >= persist_ms:
            self.report_finding(code, t_ms, severity, side, value)

    # ---- the streaming call --------------------------------------------------------

    def _update_confidence(self, t_ms: float, landmarks: FloatArray | None) -> float:
        if landmarks is None:
            raw = 0.0
        else:
            total = 0.0
            for part in self.confidence_parts:
                total += max(
                    float(landmarks[side_landmark("left", part), 3]),
                    float(landmarks[side_landmark("right", part), 3]),
                )
            raw = total / max(1, len(self.confidence_parts))
            for problem in self._framing_now:
                raw *= _FRAMING_CONFIDENCE.get(problem.code, 1.0)
        raw = min(raw, self.confidence_cap)
        if self._confidence_t_ms is None:
            self._confidence = raw
        else:
            dt_s = max(0.0, t_ms - self._confidence_t_ms) / 1000.0
            a = 1.0 - math.exp(-dt_s / 1.0)  # about a one-second memory
            self._confidence += a * (raw - self._confidence)
        self._confidence_t_ms = t_ms
        return self._confidence

    def update(self, frame: PoseFrame) -> Feedback:
        """Analyse one frame (time from ``frame.t_ms``) and say what is happening now."""
        self._new_reps = []
        self._new_findings = []
        self._hold_started = self._hold_ended = False
        self.extras = {}
        self._last_t_ms = frame.t_ms
        pose = self._filter.update(frame.t_ms, frame.landmarks)
        self._framing_now = self._framing.update(frame.t_ms, frame.landmarks, frame.width, frame.height)
        confidence = self._update_confidence(frame.t_ms, frame.landmarks)
        if frame.landmarks is None:
            self._phase = self.step_missing(frame.t_ms)
        else:
            self._phase = self.step(FrameView(frame.t_ms, pose, frame.width, frame.height))
        return self._feedback(frame.t_ms, confidence)

    def holds(self) -> tuple[Hold, ...]:
        """Every hold so far (finished ones, then any going on), in start order."""
        holds: list[Hold] = []
        for tracker in self._hold_trackers.values():
            holds.extend(tracker.all_holds())
        return tuple(sorted(holds, key=lambda hold: hold.start_ms))

    def _feedback(self, t_ms: float, confidence: float) -> Feedback:
        return Feedback(
            t_ms=t_ms,
            exercise=self.exercise,
            phase=self._phase,
            reps=dict(self._reps),
            new_reps=tuple(self._new_reps),
            holds=self.holds(),
            hold_started=self._hold_started,
            hold_ended=self._hold_ended,
            findings=tuple(self._new_findings),
            framing=self._framing_now,
            confidence=round(confidence, 3),
            camera_counts=self.camera_counts,
            extras={name: value for name, value in self.extras.items() if math.isfinite(value)},
        )

    def finish(self) -> Feedback:
        """End of the video or stream: close any hold still going on at the last frame."""
        self._new_reps = []
        self._new_findings = []
        self._hold_started = False
        self._hold_ended = False
        for tracker in self._hold_trackers.values():
            self._hold_ended |= tracker.finish(self._last_t_ms)
        return self._feedback(self._last_t_ms, self._confidence)
