"""Landmark smoothing: jitter reduced, movement followed, low visibility and dropped frames handled."""

from __future__ import annotations

import math

import numpy as np

from backcoach.motion.filters import LandmarkFilter, OneEuroFilter
from backcoach.motion.landmarks import Landmark


def _frame(x: float, y: float, visibility: float = 0.99) -> np.ndarray:
    lm = np.zeros((33, 4))
    lm[:, 0], lm[:, 1], lm[:, 3] = x, y, visibility
    return lm


def test_jitter_on_a_still_point_is_reduced() -> None:
    rng = np.random.default_rng(1)
    f = LandmarkFilter()
    raw, out = [], []
    for i in range(150):
        x = 0.5 + rng.normal(0, 0.005)
        raw.append(x)
        out.append(f.update(i * 33.3, _frame(x, 0.5)).landmarks[0, 0])
    assert np.std(out[30:]) < 0.5 * np.std(raw[30:])


def test_a_real_movement_is_followed_without_much_lag() -> None:
    f = LandmarkFilter()
    for i in range(30):
        f.update(i * 33.3, _frame(0.3, 0.5))
    for i in range(30, 60):
        pose = f.update(i * 33.3, _frame(0.7, 0.5))
    assert abs(pose.landmarks[0, 0] - 0.7) < 0.01


def test_low_visibility_landmark_is_held_then_reported_missing() -> None:
    f = LandmarkFilter(min_visibility=0.5, hold_ms=500.0)
    for i in range(10):
        f.update(i * 100.0, _frame(0.4, 0.4))
    lm = _frame(0.9, 0.9)
    lm[Landmark.LEFT_ANKLE, 3] = 0.1  # the ankle is not seen now: its wild position is not trusted
    pose = f.update(1000.0, lm)
    assert pose.held[Landmark.LEFT_ANKLE] and not pose.trusted[Landmark.LEFT_ANKLE]
    assert abs(pose.landmarks[Landmark.LEFT_ANKLE, 0] - 0.4) < 1e-9
    assert pose.trusted[Landmark.NOSE]
    pose = f.update(1700.0, lm)
    assert pose.missing[Landmark.LEFT_ANKLE]
    assert pose.landmarks[Landmark.LEFT_ANKLE, 3] == 0.0


def test_dropped_frames_hold_the_pose_and_a_long_gap_starts_afresh() -> None:
    f = LandmarkFilter(hold_ms=700.0, reset_ms=1500.0)
    for i in range(10):
        f.update(i * 100.0, _frame(0.2, 0.5))
    gap = f.update(1000.0, None)
    assert not gap.person
    assert gap.held.all() and abs(gap.landmarks[0, 0] - 0.2) < 1e-9
    later = f.update(4000.0, None)
    assert later.missing.all()
    back = f.update(4100.0, _frame(0.8, 0.5))
    # after the long gap the new position is taken as it is, not blended with the old one
    assert abs(back.landmarks[0, 0] - 0.8) < 1e-9


def test_low_frame_rate_still_converges() -> None:
    f = LandmarkFilter()
    for i in range(5):
        f.update(i * 222.0, _frame(0.3, 0.5))
    for i in range(5, 10):
        pose = f.update(i * 222.0, _frame(0.6, 0.5))
    assert abs(pose.landmarks[0, 0] - 0.6) < 0.01


def test_scalar_one_euro_filter() -> None:
    f = OneEuroFilter(min_cutoff_hz=1.0, beta=0.0)
    assert f.update(10.0, 0.0) == 10.0
    assert f.update(math.nan, 33.0) == 10.0
    value = 10.0
    for i in range(2, 100):
        value = f.update(20.0, i * 33.0)
    assert abs(value - 20.0) < 0.1
