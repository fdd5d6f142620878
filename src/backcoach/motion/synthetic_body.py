"""A side-view body model for synthetic pose traces: key poses as segment angles -> 33 landmarks.

The figure is an adult (segment lengths in metres) drawn in its sagittal plane. A pose is a
vector of absolute segment angles in degrees (0 = image right, counter-clockwise, y up) in the
*canonical* view, where the person's front is the counter-clockwise normal of the line from
hip to head: lying on the back the head points right and the face up, standing faces left.
Seen from the camera that view shows the person's LEFT side (left limbs nearer, ``z`` < 0 as
MediaPipe gives). The right-side view is the same body turned 180 degrees about the vertical.

Two 3D extras turn the lower and upper body about the body's long axis (lying on the back
only): ``leg_roll`` (knees dropped to the person's left when positive) and ``trunk_roll``
(the upper body rolled the same way, lifting the right shoulder).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import LANDMARK_COUNT, Landmark

__all__ = ["POSE_KEYS", "BodySize", "compute_world_points", "make_pose", "pose_value", "with_values"]

FloatArray = npt.NDArray[np.float64]

POSE_KEYS: tuple[str, ...] = (
    "trunk",
    "neck",
    "R_arm_u",
    "R_arm_f",
    "R_thigh",
    "R_shank",
    "R_foot",
    "L_arm_u",
    "L_arm_f",
    "L_thigh",
    "L_shank",
    "L_foot",
    "leg_roll",
    "trunk_roll",
    "knee_gap",
)
_K = {name: index for index, name in enumerate(POSE_KEYS)}


def make_pose(
    trunk: float,
    neck: float,
    arm: tuple[float, float],
    leg: tuple[float, float, float],
    *,
    left_arm: tuple[float, float] | None = None,
    left_leg: tuple[float, float, float] | None = None,
    right_arm: tuple[float, float] | None = None,
    right_leg: tuple[float, float, float] | None = None,
    leg_roll: float = 0.0,
    trunk_roll: float = 0.0,
    knee_gap: float = 1.0,
) -> FloatArray:
    """A pose vector (angles in degrees); ``arm``/``leg`` apply to both sides unless overridden."""
    la, ra = left_arm or arm, right_arm or arm
    ll, rl = left_leg or leg, right_leg or leg
    return np.array(
        [trunk, neck, *ra, *rl, *la, *ll, leg_roll, trunk_roll, knee_gap],
        dtype=np.float64,
    )


class BodySize:
    """Segment lengths and half-widths in metres (an adult about 1.75 m tall), scaled by ``scale``."""

    def __init__(self, scale: float = 1.0) -> None:
        s = scale
        self.trunk = 0.50 * s
        self.neck = 0.24 * s
        self.arm_u = 0.30 * s
        self.arm_f = 0.26 * s
        self.thigh = 0.44 * s
        self.shank = 0.42 * s
        self.half_width = {
            "shoulder": 0.19 * s,
            "elbow": 0.21 * s,
            "wrist": 0.20 * s,
            "hip": 0.13 * s,
            "knee": 0.11 * s,
            "ankle": 0.10 * s,
        }
        self.hand = 0.09 * s
        self.heel_back = 0.05 * s
        self.heel_down = 0.06 * s
        self.toe_fwd = 0.15 * s
        self.toe_down = 0.05 * s


def _unit(angle_deg: float) -> FloatArray:
    rad = math.radians(angle_deg)
    return np.array([math.cos(rad), math.sin(rad)])


def _ccw(v: FloatArray) -> FloatArray:
    return np.array([-v[1], v[0]])


def _cw(v: FloatArray) -> FloatArray:
    return np.array([v[1], -v[0]])


_LEG_GROUP = (
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.RIGHT_HEEL,
    Landmark.LEFT_FOOT_INDEX,
    Landmark.RIGHT_FOOT_INDEX,
)
_UPPER_GROUP = tuple(range(0, 23))  # face, shoulders, arms and hands


def _rotate_about_x(points: FloatArray, index: tuple[int, ...], angle_deg: float, centre_y: float) -> None:
    """Turn ``points[index]`` about the line y=centre_y, z=0 (the body's long axis lying down)."""
    if angle_deg == 0.0:
        return
    rad = math.radians(angle_deg)
    c, s = math.cos(rad), math.sin(rad)
    rows = list(index)
    y = points[rows, 1] - centre_y
    z = points[rows, 2].copy()
    points[rows, 1] = centre_y + y * c - z * s
    points[rows, 2] = y * s + z * c


def compute_world_points(pose: FloatArray, size: BodySize) -> FloatArray:
    """The 33 landmarks' (x, y, z) in metres for one pose in the canonical (left-side) view.

    x right, y up, z towards the camera; the hip centre is the origin (the caller places the
    body on the floor).
    """
    p = {name: float(pose[i]) for name, i in _K.items()}
    out = np.zeros((LANDMARK_COUNT, 3), dtype=np.float64)
    hip = np.zeros(2)
    shoulder = hip + size.trunk * _unit(p["trunk"])
    neck_dir = _unit(p["neck"])
    head = shoulder + size.neck * neck_dir
    face = _ccw(neck_dir)

    def put(landmark: int, xy: FloatArray, z: float) -> None:
        out[landmark, 0], out[landmark, 1], out[landmark, 2] = xy[0], xy[1], z

    put(Landmark.NOSE, head + 0.10 * face, 0.0)
    for name, zsign in (("LEFT", 1.0), ("RIGHT", -1.0)):
        eye = head + 0.075 * face + 0.035 * neck_dir
        put(Landmark[f"{name}_EYE_INNER"], eye, 0.015 * zsign)
        put(Landmark[f"{name}_EYE"], eye - 0.005 * face, 0.032 * zsign)
        put(Landmark[f"{name}_EYE_OUTER"], eye - 0.012 * face, 0.048 * zsign)
        put(Landmark[f"{name}_EAR"], head - 0.01 * face, 0.075 * zsign)
        put(Landmark[f"MOUTH_{name}"], head + 0.08 * face - 0.045 * neck_dir, 0.025 * zsign)

    gap = p["knee_gap"]
    for name, key, zsign in (("LEFT", "L", 1.0), ("RIGHT", "R", -1.0)):
        hw = size.half_width
        elbow = shoulder + size.arm_u * _unit(p[f"{key}_arm_u"])
        hand_dir = _unit(p[f"{key}_arm_f"])
        wrist = elbow + size.arm_f * hand_dir
        put(Landmark[f"{name}_SHOULDER"], shoulder, hw["shoulder"] * zsign)
        put(Landmark[f"{name}_ELBOW"], elbow, hw["elbow"] * zsign)
        put(Landmark[f"{name}_WRIST"], wrist, hw["wrist"] * zsign)
        put(Landmark[f"{name}_INDEX"], wrist + size.hand * hand_dir, (hw["wrist"] - 0.01) * zsign)
        put(Landmark[f"{name}_PINKY"], wrist + 0.8 * size.hand * hand_dir, (hw["wrist"] + 0.02) * zsign)
        put(Landmark[f"{name}_THUMB"], wrist + 0.55 * size.hand * hand_dir, (hw["wrist"] - 0.035) * zsign)
        knee = hip + size.thigh * _unit(p[f"{key}_thigh"])
        ankle = knee + size.shank * _unit(p[f"{key}_shank"])
        foot_dir = _unit(p[f"{key}_foot"])
        up = _cw(foot_dir)  # from the sole towards the ankle
        put(Landmark[f"{name}_HIP"], hip, hw["hip"] * zsign)
        put(Landmark[f"{name}_KNEE"], knee, hw["knee"] * zsign * gap)
        put(Landmark[f"{name}_ANKLE"], ankle, hw["ankle"] * zsign * gap)
        put(
            Landmark[f"{name}_HEEL"],
            ankle - size.heel_back * foot_dir - size.heel_down * up,
            hw["ankle"] * zsign * gap,
        )
        put(
            Landmark[f"{name}_FOOT_INDEX"],
            ankle + size.toe_fwd * foot_dir - size.toe_down * up,
            (hw["ankle"] + 0.01) * zsign * gap,
        )

    _rotate_about_x(out, tuple(int(i) for i in _LEG_GROUP), p["leg_roll"], 0.0)
    _rotate_about_x(out, (Landmark.LEFT_HIP, Landmark.RIGHT_HIP), 0.25 * p["leg_roll"], 0.0)
    _rotate_about_x(out, _UPPER_GROUP, p["trunk_roll"], float(shoulder[1]))
    return out


def pose_value(pose: FloatArray, key: str) -> float:
    return float(pose[_K[key]])


def with_values(pose: FloatArray, values: Mapping[str, float]) -> FloatArray:
    """A copy of ``pose`` with some named entries replaced."""
    out = pose.copy()
    for key, value in values.items():
        out[_K[key]] = value
    return out
