"""Synthetic pose traces with known answers: generated side-view motion of each exercise.

:func:`synthesise` plays a plan of key poses (see :mod:`backcoach.motion.synthetic_body`) with
smooth easing between them, turns each frame into the 33 MediaPipe landmarks as a side-on
camera would see them (nearer side more visible, far side a little higher in the image), and
adds jitter, dropped frames and optional form faults. The result carries the right answer by
the rules of ../shared/docs/traces.md: the reps per side, the hold intervals and the finding
codes the injected faults should raise.

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
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import LANDMARK_COUNT, Landmark, PoseFrame
from backcoach.motion.synthetic_body import BodySize, compute_world_points, make_pose, with_values
from backcoach.motion.traces import TraceHeader

__all__ = ["FAULTS", "STILL_POSES", "SYNTHETIC_EXERCISES", "SyntheticTrace", "synthesise", "synthesise_still"]

FloatArray = npt.NDArray[np.float64]

# The faults each exercise's plan can inject (the finding code the analyser should report).
FAULTS: dict[str, tuple[str, ...]] = {
    "forearm_plank": ("hips_sagging", "hips_piking"),
    "bridge": ("hips_not_high_enough",),
    "glute_bridge_march": ("hips_dropping",),
    "superman": ("arms_not_lifted", "legs_not_lifted"),
    "dead_bug": ("limbs_not_extended", "moving_too_fast"),
    "cat_stretch": ("too_little_rounding",),
    "lower_back_rotation": ("shoulders_lifting",),
    "pelvic_tilt": (),
    "draw_in": (),
    "bird_dog": (),
}
SYNTHETIC_EXERCISES: tuple[str, ...] = tuple(FAULTS)

# Key poses in the canonical (left-side) view, segment angles in degrees.
_ARMS_SIDE = (180.0, 180.0)
_CROOK = (130.0, 233.0, 180.0)
_P = {
    "supine": make_pose(0, 0, _ARMS_SIDE, (180, 180, 90)),
    "crook_lying": make_pose(0, 0, _ARMS_SIDE, _CROOK),
    "bridge_top": make_pose(-25, 0, _ARMS_SIDE, (160, 239, 180)),
    "bridge_low": make_pose(-12, 0, _ARMS_SIDE, (146, 236, 180)),
    "tilt": make_pose(-3, 0, _ARMS_SIDE, (127, 234, 180)),
    "rotation_rest": make_pose(0, 0, _ARMS_SIDE, (125, 235, 180), knee_gap=0.45),
    "tabletop": make_pose(0, 0, (90, 90), (90, 180, 180)),
    "prone": make_pose(180, 180, (180, 180), (0, 0, 0)),
    "superman": make_pose(168, 160, (158, 155), (10, 12, 12)),
    "superman_no_arms": make_pose(173, 166, (190, 186), (10, 12, 12)),
    "superman_no_legs": make_pose(170, 162, (158, 155), (0, 0, 0)),
    "all_fours": make_pose(166, 180, (270, 270), (270, 0, 0)),
    "cat": make_pose(161, 235, (270, 270), (273, 0, 0)),
    "cat_shallow": make_pose(164, 200, (270, 270), (271, 0, 0)),
    "cow": make_pose(168, 145, (270, 270), (268, 0, 0)),
    "kneel_forearms": make_pose(175, 175, (270, 180), (-35, 0, 0)),
    "plank": make_pose(170, 170, (270, 180), (-10, -10, -80)),
    "plank_sagging": make_pose(158, 166, (270, 180), (-3, -3, -80)),
    "plank_piking": make_pose(202, 195, (270, 180), (-34, -34, -80)),
    "standing": make_pose(90, 90, (270, 270), (270, 270, 180)),
    "sitting": make_pose(92, 90, (265, 190), (180, 270, 180)),
    "kneeling": make_pose(90, 90, (270, 270), (270, 0, 0)),
}
STILL_POSES: tuple[str, ...] = (
    "standing",
    "sitting",
    "kneeling",
    "supine",
    "crook_lying",
    "prone",
    "all_fours",
)

# Which landmark stays put horizontally while the body moves (the part resting on the floor).
_ANCHOR = {
    "forearm_plank": Landmark.LEFT_ELBOW,
    "cat_stretch": Landmark.LEFT_WRIST,
    "bird_dog": Landmark.LEFT_KNEE,
    "superman": Landmark.LEFT_HIP,
    "standing": Landmark.LEFT_ANKLE,
    "sitting": Landmark.LEFT_ANKLE,
    "kneeling": Landmark.LEFT_KNEE,
    "prone": Landmark.LEFT_HIP,
    "all_fours": Landmark.LEFT_WRIST,
}

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


@dataclass
class _Plan:
    """Key poses at times (seconds), with the known answer gathered as the plan is built."""

    poses: list[FloatArray]
    times: list[float] = field(default_factory=lambda: [0.0])
    reps: dict[str, int] = field(default_factory=dict)
    holds: list[tuple[float, float]] = field(default_factory=list)
    hold_sides: list[str | None] = field(default_factory=list)

    @property
    def t(self) -> float:
        return self.times[-1]

    def stay(self, duration_s: float) -> None:
        if duration_s > 0:
            self.times.append(self.t + duration_s)
            self.poses.append(self.poses[-1])

    def move(self, pose: FloatArray, duration_s: float) -> None:
        self.times.append(self.t + max(duration_s, 1e-3))
        self.poses.append(pose)

    def rep(
        self,
        target: FloatArray,
        back: FloatArray,
        *,
        side: str,
        move_s: float,
        hold_s: float,
        rest_s: float,
        hold: bool = False,
        count: bool = True,
    ) -> None:
        """Move to ``target``, stay ``hold_s``, return to ``back``, rest; count it and note its hold."""
        t0 = self.t
        self.move(target, move_s)
        self.stay(hold_s)
        t1 = self.t
        self.move(back, move_s)
        if count:
            self.reps[side] = self.reps.get(side, 0) + 1
        if hold:
            self.holds.append((t0 + move_s / 2, t1 + move_s / 2))
            self.hold_sides.append(None if side == "both" else side)
        self.stay(rest_s)


def _dead_bug_pose(leg_side: str, fault: bool) -> FloatArray:
    """The dead bug's extended diagonal: ``leg_side`` leg and the opposite arm out."""
    arm = (50.0, 45.0) if fault else (8.0, 5.0)
    leg = (140.0, 200.0, 170.0) if fault else (172.0, 176.0, 160.0)
    rest = _P["tabletop"]
    key_leg, key_arm = ("L", "R") if leg_side == "left" else ("R", "L")
    return with_values(
        rest,
        {
            f"{key_arm}_arm_u": arm[0],
            f"{key_arm}_arm_f": arm[1],
            f"{key_leg}_thigh": leg[0],
            f"{key_leg}_shank": leg[1],
            f"{key_leg}_foot": leg[2],
        },
    )


def _march_pose(side: str, fault: bool) -> FloatArray:
    base = _P["bridge_low"] if fault else _P["bridge_top"]
    key = "L" if side == "left" else "R"
    return with_values(base, {f"{key}_thigh": 95.0, f"{key}_shank": 185.0, f"{key}_foot": 185.0})


def _bird_dog_pose(side: str) -> FloatArray:
    arm_key, leg_key = ("L", "R") if side == "left" else ("R", "L")
    return with_values(
        _P["all_fours"],
        {
            f"{arm_key}_arm_u": 175.0,
            f"{arm_key}_arm_f": 175.0,
            f"{leg_key}_thigh": 2.0,
            f"{leg_key}_shank": 0.0,
            f"{leg_key}_foot": -40.0,
        },
    )


_DEFAULTS: dict[str, tuple[int, tuple[float, ...], float, float, float]] = {
    # exercise: (reps, holds_s, rest_s, move_s, hold_s per rep)
    "forearm_plank": (0, (10.0,), 3.0, 1.0, 0.0),
    "bridge": (5, (), 1.5, 1.0, 1.0),
    "glute_bridge_march": (6, (), 0.6, 0.9, 0.6),
    "pelvic_tilt": (5, (), 2.0, 1.0, 2.0),
    "superman": (4, (), 2.0, 1.0, 2.5),
    "cat_stretch": (4, (), 2.0, 1.2, 3.0),
    "draw_in": (0, (10.0, 10.0, 10.0), 3.0, 1.5, 0.0),
    "dead_bug": (6, (), 0.8, 1.0, 0.3),
    "lower_back_rotation": (0, (8.0, 8.0, 8.0, 8.0), 2.5, 1.5, 0.0),
    "bird_dog": (4, (), 1.5, 1.0, 1.5),
}


def _plan(
    exercise: str,
    reps: int,
    holds: Sequence[float],
    rest_s: float,
    move_s: float,
    hold_s: float,
    faults: Sequence[str],
    start_in_target: bool,
) -> _Plan:
    sides = ("right", "left")
    if exercise == "forearm_plank":
        target = _P[
            "plank_sagging"
            if "hips_sagging" in faults
            else "plank_piking"
            if "hips_piking" in faults
            else "plank"
        ]
        plan = _Plan([target if start_in_target else _P["kneel_forearms"]])
        for index, hold in enumerate(holds):
            if index == 0 and start_in_target:
                plan.stay(hold - move_s / 2)
                plan.move(_P["kneel_forearms"], move_s)
                plan.holds.append((0.0, plan.t - move_s / 2))
                plan.hold_sides.append(None)
                plan.stay(rest_s)
                continue
            if index == 0:
                plan.stay(rest_s)
            plan.rep(target, _P["kneel_forearms"], side="both", move_s=move_s, hold_s=hold - move_s,
                     rest_s=rest_s, hold=True, count=False)  # fmt: skip
        return plan
    if exercise == "lower_back_rotation":
        rest = _P["rotation_rest"]
        plan = _Plan([rest])
        plan.stay(rest_s)
        roll = 25.0 if "shoulders_lifting" in faults else 0.0
        for index, hold in enumerate(holds):
            side = ("left", "right")[index % 2]
            sign = 1.0 if side == "left" else -1.0
            target = with_values(rest, {"leg_roll": 60.0 * sign, "trunk_roll": roll * sign})
            plan.rep(target, rest, side=side, move_s=move_s, hold_s=hold - move_s, rest_s=rest_s,
                     hold=True, count=False)  # fmt: skip
        return plan
    if exercise == "draw_in":
        plan = _Plan([_P["supine"]])
        plan.stay(rest_s)
        plan.move(_P["crook_lying"], move_s)
        # a still hold runs from arrival to when the move out is 5 % done (visibly moving)
        settle_s = math.acos(0.9) / math.pi * move_s
        for index, hold in enumerate(holds):
            arrived_s = plan.t
            plan.stay(hold)
            plan.holds.append((arrived_s, plan.t + settle_s))
            plan.hold_sides.append(None)
            if index < len(holds) - 1:
                # the release: the legs slide down and come back up
                plan.move(_P["supine"], move_s)
                plan.stay(max(0.3, rest_s - 2 * move_s))
                plan.move(_P["crook_lying"], move_s)
        plan.move(_P["supine"], move_s)
        plan.stay(rest_s)
        return plan

    # rep exercises: (start pose, target pose for a side, whether each rep has a hold)
    if exercise == "bridge":
        start = _P["crook_lying"]

        def target_of(side: str) -> FloatArray:
            return _P["bridge_low" if "hips_not_high_enough" in faults else "bridge_top"]

        with_hold = True
    elif exercise == "pelvic_tilt":
        start = _P["crook_lying"]

        def target_of(side: str) -> FloatArray:
            return _P["tilt"]

        with_hold = True
    elif exercise == "superman":
        start = _P["prone"]
        name = "superman"
        if "arms_not_lifted" in faults:
            name = "superman_no_arms"
        elif "legs_not_lifted" in faults:
            name = "superman_no_legs"

        def target_of(side: str) -> FloatArray:
            return _P[name]

        with_hold = True
    elif exercise == "cat_stretch":
        start = _P["all_fours"]

        def target_of(side: str) -> FloatArray:
            return _P["cat_shallow" if "too_little_rounding" in faults else "cat"]

        with_hold = True
    elif exercise == "dead_bug":
        start = _P["tabletop"]
        if "moving_too_fast" in faults:
            move_s, hold_s = 0.3, 0.0

        def target_of(side: str) -> FloatArray:
            return _dead_bug_pose(side, "limbs_not_extended" in faults)

        with_hold = False
    elif exercise == "glute_bridge_march":
        start = _P["bridge_low" if "hips_dropping" in faults else "bridge_top"]

        def target_of(side: str) -> FloatArray:
            return _march_pose(side, "hips_dropping" in faults)

        with_hold = False
    elif exercise == "bird_dog":
        start = _P["all_fours"]

        def target_of(side: str) -> FloatArray:
            return _bird_dog_pose(side)

        with_hold = True
    else:
        raise ValueError(f"no synthetic plan for {exercise!r}; known: {', '.join(SYNTHETIC_EXERCISES)}")

    sided = exercise in ("dead_bug", "glute_bridge_march", "bird_dog")
    plan = _Plan([target_of(sides[1]) if start_in_target else start])
    if exercise == "glute_bridge_march" and not start_in_target:
        plan.poses = [_P["crook_lying"]]
        plan.stay(rest_s)
        plan.move(start, 1.0)
    if start_in_target:
        plan.stay(max(hold_s, 1.0))
        plan.move(start, move_s)
        if with_hold:
            plan.holds.append((0.0, plan.t - move_s / 2))
            plan.hold_sides.append(None)
    plan.stay(rest_s)
    plan.reps = {"left": 0, "right": 0} if sided else {"both": 0}
    for index in range(reps):
        side = sides[index % 2] if sided else "both"
        plan.rep(
            target_of(side), start, side=side, move_s=move_s, hold_s=hold_s, rest_s=rest_s, hold=with_hold
        )
    if exercise == "glute_bridge_march":
        plan.move(_P["crook_lying"], 1.0)
        plan.stay(rest_s)
    return plan


def _sample(plan: _Plan, t_s: float) -> FloatArray:
    times = plan.times
    if t_s >= times[-1]:
        return plan.poses[-1]
    index = int(np.searchsorted(times, t_s, side="right")) - 1
    t0, t1 = times[index], times[index + 1]
    fraction = (t_s - t0) / (t1 - t0)
    eased = 0.5 - 0.5 * math.cos(math.pi * fraction)
    a, b = plan.poses[index], plan.poses[index + 1]
    return a + (b - a) * eased


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
    d_reps, d_holds, d_rest, d_move, d_hold = _DEFAULTS[exercise_id]
    rng = np.random.default_rng(seed)
    plan = _plan(
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
        pose = _sample(plan, i / fps).copy()
        pose[0] += breathing[i]
        poses.append(pose)
    size = BodySize(float(rng.uniform(0.94, 1.06)))
    anchor = _ANCHOR.get(exercise_id, Landmark.LEFT_SHOULDER)
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
    base = _P[pose_name]
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
    landmarks = _render(poses, _ANCHOR.get(pose_name, Landmark.LEFT_SHOULDER), side_view, width, height, rng,
                        jitter, size)  # fmt: skip
    header = TraceHeader(fps, width, height, f"synthetic-still:{pose_name}:seed={seed}")
    return SyntheticTrace(header, _frames(landmarks, fps, 0.0, rng, width, height), {}, (), (),
                          exercise=pose_name, duration_s=count / fps)  # fmt: skip
