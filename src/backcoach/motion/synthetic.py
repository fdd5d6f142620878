"""Synthetic pose traces with known answers: generated side-view motion of each exercise.

:func:`synthesise` plays a plan of key poses (:mod:`backcoach.motion.synthetic_plans`) with
smooth easing between them, draws the body of each frame (:mod:`backcoach.motion.synthetic_body`)
as the 33 MediaPipe landmarks a side-on camera would give (nearer side more visible, far side a
little higher in the image), and adds jitter, dropped frames and optional form faults. The
result carries the right answer by the rules of ../shared/docs/traces.md: the reps per side,
the hold intervals and the finding codes the injected faults should raise.

Hold intervals run from the middle of the move into the target position to the middle of the
move out of it (the unbiased point for a threshold half-way between the start and the target);
the draw-in's holds, which a camera only sees as stillness, run from arrival to when the move
out is 5 % done.
:func:`synthesise_still` makes a person standing, sitting, kneeling or lying still, for
recognition tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import LANDMARK_COUNT, Landmark, PoseFrame
from backcoach.motion.synthetic_body import BodySize, compute_world_points
from backcoach.motion.synthetic_plans import (
    ANCHORS,
    DEFAULTS,
    FAULTS,
    KEY_POSES,
    STILL_POSES,
    SYNTHETIC_EXERCISES,
    build_plan,
    sample_plan,
)
from backcoach.motion.traces import TraceHeader

__all__ = ["FAULTS", "STILL_POSES", "SYNTHETIC_EXERCISES", "SyntheticTrace", "synthesise", "synthesise_still"]

FloatArray = npt.NDArray[np.float64]

# Visibility MediaPipe tends to give a landmark on the far side in a side view.
_FAR_VISIBILITY = np.full(LANDMARK_COUNT, 0.95)
for _part, _vis in (
    ("SHOULDER", 0.97),
    ("ELBOW", 0.35),
    ("WRIST", 0.45),
    ("PINKY", 0.4),
    ("INDEX", 0.4),
    ("THUMB", 0.4),
    ("HIP", 0.97),
    ("KNEE", 0.55),
    ("ANKLE", 0.65),
    ("HEEL", 0.6),
    ("FOOT_INDEX", 0.7),
):
    for _side in ("LEFT", "RIGHT"):
        _FAR_VISIBILITY[Landmark[f"{_side}_{_part}"]] = _vis
_NEAR_VISIBILITY = 0.995
_ELEVATION = 0.2  # camera a little above: far points (smaller z) appear higher
_SKEW = 0.03  # and a little off side-on


@dataclass(frozen=True)
class SyntheticTrace:
    """A generated trace and its right answer.

    ``expected_reps`` maps "both" (or "left"/"right" for sided exercises) to reps;
    ``expected_holds_s`` lists hold intervals in seconds (``expected_hold_sides`` their
    sides, None when the exercise has none); ``expected_findings`` the finding codes the
    injected faults should raise.
    """

    header: TraceHeader
    frames: tuple[PoseFrame, ...]
    expected_reps: dict[str, int]
    expected_holds_s: tuple[tuple[float, float], ...]
    expected_findings: tuple[str, ...]
    expected_hold_sides: tuple[str | None, ...] = ()
    exercise: str = ""
    duration_s: float = 0.0

    @property
    def total_reps(self) -> int:
        return sum(self.expected_reps.values())


def _render(
    poses: list[FloatArray],
    anchor: Landmark,
    side_view: str,
    width: int,
    height: int,
    rng: np.random.Generator,
    jitter: float,
    size: BodySize,
) -> FloatArray:
    """(frames, 33, 4) landmarks: x, y normalised to the image, MediaPipe-like z, visibility."""
    world = np.stack([compute_world_points(pose, size) for pose in poses])
    world[:, :, 0] -= world[:, anchor, 0][:, None]
    world[:, :, 1] -= world[:, :, 1].min(axis=1)[:, None]  # the lowest point rests on the floor
    if side_view == "right":
        world[:, :, 0] *= -1.0
        world[:, :, 2] *= -1.0
    elif side_view != "left":
        raise ValueError(f'side_view must be "left" or "right", not {side_view!r}')
    img_x = world[:, :, 0] + _SKEW * world[:, :, 2]
    img_y = world[:, :, 1] - _ELEVATION * world[:, :, 2]
    span_x = float(img_x.max() - img_x.min())
    span_y = float(img_y.max() - img_y.min())
    scale = min(0.8 * width / max(span_x, 1e-6), 0.8 * height / max(span_y, 1e-6))  # px per metre
    cx = 0.5 * (img_x.max() + img_x.min())
    cy = 0.5 * (img_y.max() + img_y.min())
    out = np.empty((len(poses), LANDMARK_COUNT, 4))
    out[:, :, 0] = ((img_x - cx) * scale + width / 2) / width
    out[:, :, 1] = (height / 2 - (img_y - cy) * scale) / height
    hip_z = 0.5 * (world[:, Landmark.LEFT_HIP, 2] + world[:, Landmark.RIGHT_HIP, 2])
    out[:, :, 2] = -(world[:, :, 2] - hip_z[:, None]) * scale / width
    near = np.clip((world[:, :, 2] + 0.03) / 0.06, 0.0, 1.0)
    visibility = _FAR_VISIBILITY[None, :] + (_NEAR_VISIBILITY - _FAR_VISIBILITY[None, :]) * near
    visibility += rng.normal(0.0, 0.03, visibility.shape)
    outside = (out[:, :, 0] < 0) | (out[:, :, 0] > 1) | (out[:, :, 1] < 0) | (out[:, :, 1] > 1)
    visibility[outside] *= 0.2
    out[:, :, 3] = np.clip(visibility, 0.0, 1.0)
    if jitter > 0:
        out[:, :, 0] += rng.normal(0.0, jitter, out.shape[:2])
        out[:, :, 1] += rng.normal(0.0, jitter, out.shape[:2])
        out[:, :, 2] += rng.normal(0.0, 2 * jitter, out.shape[:2])
    return out


def _frames(
    landmarks: FloatArray, fps: float, dropout: float, rng: np.random.Generator, width: int, height: int
) -> tuple[PoseFrame, ...]:
    dropped = rng.random(len(landmarks)) < dropout
    return tuple(
        PoseFrame(round(i * 1000.0 / fps, 3), None if dropped[i] else landmarks[i], width, height)
        for i in range(len(landmarks))
    )


def synthesise(
    exercise_id: str,
    *,
    reps: int | None = None,
    holds: Sequence[float] | None = None,
    side_view: str = "left",
    fps: float = 30.0,
    seed: int = 0,
    jitter: float = 0.004,
    dropout: float = 0.0,
    faults: Sequence[str] = (),
    start_in_target: bool = False,
    width: int = 640,
    height: int = 360,
    rest_s: float | None = None,
    rep_s: float | None = None,
    hold_s: float | None = None,
) -> SyntheticTrace:
    """Generate a side-view trace of ``exercise_id`` with its right answer.

    ``reps`` is the total (sided exercises alternate right, left, ...); ``holds`` the hold
    lengths in seconds for hold exercises (plank, lower back rotation, draw-in; the rotation
    alternates left, right). ``rep_s`` is the time of one move into or out of the target,
    ``hold_s`` the time kept in the target per rep, ``rest_s`` the pause between reps, all in
    seconds. ``jitter`` is the landmark noise (image fractions), ``dropout`` the share of
    frames with no person. ``faults`` are codes from :data:`FAULTS`.
    """
    if exercise_id not in FAULTS:
        raise ValueError(f"no synthetic plan for {exercise_id!r}; known: {', '.join(SYNTHETIC_EXERCISES)}")
    unknown = [code for code in faults if code not in FAULTS[exercise_id]]
    if unknown:
        raise ValueError(f"unknown fault(s) {unknown} for {exercise_id}; known: {FAULTS[exercise_id]}")
    d_reps, d_holds, d_rest, d_move, d_hold = DEFAULTS[exercise_id]
    rng = np.random.default_rng(seed)
    plan = build_plan(
        exercise_id,
        d_reps if reps is None else reps,
        tuple(d_holds if holds is None else holds),
        d_rest if rest_s is None else rest_s,
        d_move if rep_s is None else rep_s,
        d_hold if hold_s is None else hold_s,
        faults,
        start_in_target,
    )
    duration_s = plan.t
    count = math.floor(duration_s * fps) + 1
    breathing = 0.4 * np.sin(2 * math.pi * np.arange(count) / fps / 4.0 + rng.uniform(0, 6.28))
    poses = []
    for i in range(count):
        pose = sample_plan(plan, i / fps).copy()
        pose[0] += breathing[i]
        poses.append(pose)
    size = BodySize(float(rng.uniform(0.94, 1.06)))
    anchor = ANCHORS.get(exercise_id, Landmark.LEFT_SHOULDER)
    landmarks = _render(poses, anchor, side_view, width, height, rng, jitter, size)
    header = TraceHeader(fps, width, height, f"synthetic:{exercise_id}:seed={seed}")
    return SyntheticTrace(
        header=header,
        frames=_frames(landmarks, fps, dropout, rng, width, height),
        expected_reps=dict(plan.reps)
        if exercise_id not in ("forearm_plank", "lower_back_rotation", "draw_in")
        else {},
        expected_holds_s=tuple((round(a, 3), round(b, 3)) for a, b in plan.holds),
        expected_findings=tuple(faults),
        expected_hold_sides=tuple(plan.hold_sides),
        exercise=exercise_id,
        duration_s=duration_s,
    )


def synthesise_still(
    pose_name: str,
    duration_s: float = 6.0,
    *,
    side_view: str = "left",
    fps: float = 30.0,
    seed: int = 0,
    jitter: float = 0.004,
    sway_deg: float = 2.0,
    width: int = 640,
    height: int = 360,
) -> SyntheticTrace:
    """A person keeping one posture (``pose_name`` from :data:`STILL_POSES`) with a little sway.

    For recognition tests: none of these is an exercise, so nothing is expected.
    """
    if pose_name not in STILL_POSES:
        raise ValueError(f"unknown pose {pose_name!r}; known: {', '.join(STILL_POSES)}")
    rng = np.random.default_rng(seed)
    count = math.floor(duration_s * fps) + 1
    base = KEY_POSES[pose_name]
    t = np.arange(count) / fps
    phase = rng.uniform(0, 6.28, 3)
    poses = []
    for i in range(count):
        pose = base.copy()
        pose[0] += sway_deg * 0.5 * math.sin(2 * math.pi * t[i] / 5.0 + phase[0])
        pose[1] += sway_deg * math.sin(2 * math.pi * t[i] / 3.0 + phase[1])
        pose[2:12] += sway_deg * 0.5 * math.sin(2 * math.pi * t[i] / 4.0 + phase[2])
        poses.append(pose)
    size = BodySize(float(rng.uniform(0.94, 1.06)))
    landmarks = _render(poses, ANCHORS.get(pose_name, Landmark.LEFT_SHOULDER), side_view, width, height, rng,
                        jitter, size)  # fmt: skip
    header = TraceHeader(fps, width, height, f"synthetic-still:{pose_name}:seed={seed}")
    return SyntheticTrace(header, _frames(landmarks, fps, 0.0, rng, width, height), {}, (), (),
                          exercise=pose_name, duration_s=count / fps)  # fmt: skip
