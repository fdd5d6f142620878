"""Geometry: angles, tilts, elevations and distances in aspect-correct 2D, and the working side."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backcoach.motion.geometry import (
    SideChooser,
    choose_side_by_range,
    compute_angle_deg,
    compute_distance,
    compute_distance_torso,
    compute_elevation_deg,
    compute_segment_tilt_deg,
    compute_torso_length,
    side_landmark,
)
from backcoach.motion.landmarks import Landmark


def test_right_angle_is_90_only_after_aspect_correction() -> None:
    # in a 16:9 image, (0.5, 0.5)->(0.5+0.9/16*..): build a true right angle in pixels
    width, height = 1280, 720
    b = (0.5, 0.5)
    a = (0.5 + 100 / width, 0.5)  # 100 px right
    c = (0.5, 0.5 - 100 / height)  # 100 px up
    assert compute_angle_deg(a, b, c, width, height) == pytest.approx(90.0)
    # without the image size the same normalised points do not make a right angle's sides equal,
    # but the angle between an x step and a y step stays 90; a diagonal shows the difference
    d = (0.5 + 100 / width, 0.5 - 100 / height)  # 45 degrees up-right in pixels
    assert compute_angle_deg(a, b, d, width, height) == pytest.approx(45.0)
    assert compute_angle_deg(a, b, d) != pytest.approx(45.0, abs=1.0)


def test_straight_and_folded_angles() -> None:
    assert compute_angle_deg((0, 0), (1, 0), (2, 0)) == pytest.approx(180.0)
    assert compute_angle_deg((0, 0), (1, 0), (0, 0.0000001)) == pytest.approx(0.0, abs=1e-3)
    assert math.isnan(compute_angle_deg((1, 1), (1, 1), (2, 0)))


def test_tilt_and_elevation_directions() -> None:
    # y grows downwards in the image: a point above has a smaller y
    assert compute_segment_tilt_deg((0.5, 0.5), (0.6, 0.5)) == pytest.approx(0.0)
    assert compute_segment_tilt_deg((0.5, 0.5), (0.5, 0.4)) == pytest.approx(90.0)
    assert compute_segment_tilt_deg((0.5, 0.5), (0.4, 0.5)) == pytest.approx(180.0)
    # elevation does not depend on which way the person faces
    right = compute_elevation_deg((0.5, 0.5), (0.6, 0.4))
    left = compute_elevation_deg((0.5, 0.5), (0.4, 0.4))
    assert right == pytest.approx(45.0) and left == pytest.approx(45.0)
    assert compute_elevation_deg((0.5, 0.5), (0.6, 0.6)) == pytest.approx(-45.0)


def _body(shoulder: tuple[float, float], hip: tuple[float, float]) -> np.ndarray:
    lm = np.zeros((33, 4))
    lm[:, 3] = 1.0
    for side in ("left", "right"):
        lm[side_landmark(side, "shoulder"), :2] = shoulder
        lm[side_landmark(side, "hip"), :2] = hip
    return lm


def test_torso_length_and_distances_in_torso_units() -> None:
    lm = _body((0.5, 0.2), (0.5, 0.5))
    torso = compute_torso_length(lm, 640, 360)
    assert torso == pytest.approx(0.3)
    # the same body twice as far away: half the size, same distance in torso lengths
    far = _body((0.5, 0.35), (0.5, 0.5))
    a, b = (0.1, 0.5), (0.4, 0.5)
    near_units = compute_distance_torso(a, b, torso, 640, 360)
    far_units = compute_distance_torso((0.25, 0.5), (0.4, 0.5), compute_torso_length(far, 640, 360), 640, 360)
    assert near_units == pytest.approx(far_units)
    assert compute_distance((0, 0), (0.5, 0), 640, 360) == pytest.approx(0.5 * 640 / 360)
    assert math.isnan(compute_distance_torso(a, b, 0.0))


def test_side_landmark_names() -> None:
    assert side_landmark("left", "knee") is Landmark.LEFT_KNEE
    assert side_landmark("right", "foot_index") is Landmark.RIGHT_FOOT_INDEX
    with pytest.raises(ValueError):
        side_landmark("middle", "knee")


def test_side_is_chosen_by_movement_not_by_visibility() -> None:
    # single-leg bridge: the raised (still) leg is seen better, the working leg moves
    chooser = SideChooser(min_span=10.0)
    for i in range(60):
        working = 130.0 + 45.0 * abs(math.sin(i / 10.0))  # right hip moves 130..175
        raised = 100.0 + 0.5 * math.sin(i)  # left hip barely moves
        chooser.update(raised, working, left_visibility=1.0, right_visibility=0.4)
    assert chooser.decided
    assert chooser.side == "right"
    assert choose_side_by_range([100, 101, 100], [130, 175, 131]) == "right"


def test_side_chooser_does_not_flip_on_one_noisy_frame() -> None:
    chooser = SideChooser(min_span=10.0)
    for i in range(40):
        chooser.update(120.0 + 40.0 * (i % 20) / 20.0, 150.0)
    assert chooser.side == "left"
    chooser.update(math.nan, 150.0 + 45.0)  # one wild value on the other side
    assert chooser.side == "left"
