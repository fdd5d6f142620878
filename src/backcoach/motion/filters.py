"""Smoothing of landmark positions: a One Euro filter per coordinate with a visibility gate.

The One Euro filter (Casiez, Roussel and Vogel, CHI 2012) is a low-pass filter whose
cut-off rises with speed: still poses lose their jitter, fast movements keep little lag.
Time comes from each frame's ``t_ms``, so dropped frames and low frame rates are fine.

The visibility gate: a landmark seen with visibility below ``min_visibility`` is not
trusted; its last trusted position is held (and flagged) for up to ``hold_ms``, after
which it is reported missing. A frame with no person (``lm`` null) holds everything the
same way; after a gap longer than ``reset_ms`` the filter starts afresh.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import LANDMARK_COUNT

__all__ = ["FilteredPose", "LandmarkFilter", "OneEuroFilter"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _alpha(cutoff_hz: float | FloatArray, dt_s: float) -> float | FloatArray:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """A One Euro filter of one scalar signal (for signals derived from landmarks)."""

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: float | None = None
        self._dx = 0.0
        self._t_ms = 0.0

    def reset(self) -> None:
        self._x = None
        self._dx = 0.0

    def update(self, value: float, t_ms: float) -> float:
        """Filter ``value`` seen at ``t_ms``; NaN is ignored (the last output is returned)."""
        if math.isnan(value):
            return math.nan if self._x is None else self._x
        if self._x is None or t_ms <= self._t_ms:
            self._x, self._dx, self._t_ms = value, 0.0, t_ms
            return value
        dt_s = (t_ms - self._t_ms) / 1000.0
        dx = (value - self._x) / dt_s
        a_d = float(_alpha(self.d_cutoff_hz, dt_s))
        self._dx = a_d * dx + (1.0 - a_d) * self._dx
        cutoff = self.min_cutoff_hz + self.beta * abs(self._dx)
        a = float(_alpha(cutoff, dt_s))
        self._x = a * value + (1.0 - a) * self._x
        self._t_ms = t_ms
        return self._x


@dataclass(frozen=True)
class FilteredPose:
    """One frame after filtering.

    ``landmarks`` is (33, 4): smoothed x, y, z and the raw visibility (0 where the
    landmark is missing). ``trusted`` marks the landmarks seen well in this frame,
    ``held`` those whose position is carried over from an earlier frame, ``missing``
    those with no usable position at all. ``person`` is False for a frame with no
    person in it (then every landmark is held or missing).
    """

    t_ms: float
    landmarks: FloatArray
    trusted: BoolArray
    held: BoolArray
    missing: BoolArray
    person: bool


class LandmarkFilter:
    """One Euro filtering of all 33 landmarks (x, y, z), vectorised, with a visibility gate."""

    def __init__(
        self,
        min_cutoff_hz: float = 1.5,
        beta: float = 4.0,
        d_cutoff_hz: float = 1.0,
        min_visibility: float = 0.5,
        hold_ms: float = 700.0,
        reset_ms: float = 1500.0,
    ) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self.min_visibility = min_visibility
        self.hold_ms = hold_ms
        self.reset_ms = reset_ms
        self._x = np.zeros((LANDMARK_COUNT, 3))
        self._dx = np.zeros((LANDMARK_COUNT, 3))
        self._seen_ms = np.full(LANDMARK_COUNT, -math.inf)  # last time each landmark was trusted
        self._has = np.zeros(LANDMARK_COUNT, dtype=bool)  # a position to hold exists
        self._t_ms: float | None = None  # time of the last filter step

    def reset(self) -> None:
        self._has[:] = False
        self._seen_ms[:] = -math.inf
        self._dx[:] = 0.0
        self._t_ms = None

    def _output(self, t_ms: float, visibility: FloatArray, trusted: BoolArray, person: bool) -> FilteredPose:
        age_ms = t_ms - self._seen_ms
        held = ~trusted & self._has & (age_ms <= self.hold_ms)
        missing = ~trusted & ~held
        out = np.empty((LANDMARK_COUNT, 4))
        out[:, :3] = self._x
        out[:, 3] = np.where(missing, 0.0, visibility)
        return FilteredPose(t_ms, out, trusted, held, missing, person)

    def update(self, t_ms: float, landmarks: FloatArray | None) -> FilteredPose:
        """Filter one frame's landmarks ((33, 4) or None for no person) seen at ``t_ms``."""
        if self._t_ms is not None and t_ms - self._t_ms > self.reset_ms:
            # after a long gap the old positions and speeds say nothing about now
            self._dx[:] = 0.0
            self._t_ms = None
            self._has &= (t_ms - self._seen_ms) <= self.hold_ms
        if landmarks is None:
            none = np.zeros(LANDMARK_COUNT, dtype=bool)
            return self._output(t_ms, np.zeros(LANDMARK_COUNT), none, person=False)

        raw = landmarks[:, :3]
        visibility = landmarks[:, 3]
        trusted = visibility >= self.min_visibility
        # a landmark unseen for longer than the hold restarts from where it is now
        fresh = trusted & (~self._has | ((t_ms - self._seen_ms) > self.hold_ms))
        if self._t_ms is None or t_ms <= self._t_ms:
            self._x[trusted] = raw[trusted]
            self._dx[:] = 0.0
        else:
            dt_s = (t_ms - self._t_ms) / 1000.0
            step = raw - self._x
            a_d = float(_alpha(self.d_cutoff_hz, dt_s))
            new_dx = self._dx + a_d * (step / dt_s - self._dx)
            # alpha = 1 / (1 + tau / dt) with tau = 1 / (2 pi cutoff)
            cutoff = np.abs(new_dx)
            cutoff *= self.beta
            cutoff += self.min_cutoff_hz
            cutoff *= 2.0 * math.pi * dt_s
            a = cutoff / (cutoff + 1.0)
            step *= a
            if trusted.all():
                self._x += step
                self._dx = new_dx
            else:
                mask = trusted[:, None]
                self._x += np.where(mask, step, 0.0)
                self._dx = np.where(mask, new_dx, self._dx)
            if fresh.any():
                self._x[fresh] = raw[fresh]
                self._dx[fresh] = 0.0
        self._t_ms = t_ms
        self._seen_ms[trusted] = t_ms
        self._has |= trusted
        return self._output(t_ms, visibility, trusted, person=True)
