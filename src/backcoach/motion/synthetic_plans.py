"""What each exercise's synthetic motion is: key poses, faults and timed plans with their answers.

A plan is a list of key poses (see :mod:`backcoach.motion.synthetic_body`) at times in
seconds, eased smoothly from one to the next, and the right answer gathered while it is
built: reps per side, hold intervals and their sides. :mod:`backcoach.motion.synthetic`
turns a plan into landmarks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import Landmark
from backcoach.motion.synthetic_body import make_pose, with_values

__all__ = [
    "ANCHORS",
    "DEFAULTS",
    "FAULTS",
    "KEY_POSES",
    "STILL_POSES",
    "SYNTHETIC_EXERCISES",
    "Plan",
    "build_plan",
    "sample_plan",
]

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
KEY_POSES = {
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
ANCHORS = {
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


@dataclass
class Plan:
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
    rest = KEY_POSES["tabletop"]
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
    base = KEY_POSES["bridge_low"] if fault else KEY_POSES["bridge_top"]
    key = "L" if side == "left" else "R"
    return with_values(base, {f"{key}_thigh": 95.0, f"{key}_shank": 185.0, f"{key}_foot": 185.0})


def _bird_dog_pose(side: str) -> FloatArray:
    arm_key, leg_key = ("L", "R") if side == "left" else ("R", "L")
    return with_values(
        KEY_POSES["all_fours"],
        {
            f"{arm_key}_arm_u": 175.0,
            f"{arm_key}_arm_f": 175.0,
            f"{leg_key}_thigh": 2.0,
            f"{leg_key}_shank": 0.0,
            f"{leg_key}_foot": -40.0,
        },
    )


DEFAULTS: dict[str, tuple[int, tuple[float, ...], float, float, float]] = {
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


def build_plan(
    exercise: str,
    reps: int,
    holds: Sequence[float],
    rest_s: float,
    move_s: float,
    hold_s: float,
    faults: Sequence[str],
    start_in_target: bool,
) -> Plan:
    sides = ("right", "left")
    if exercise == "forearm_plank":
        target = KEY_POSES[
            "plank_sagging"
            if "hips_sagging" in faults
            else "plank_piking"
            if "hips_piking" in faults
            else "plank"
        ]
        plan = Plan([target if start_in_target else KEY_POSES["kneel_forearms"]])
        for index, hold in enumerate(holds):
            if index == 0 and start_in_target:
                plan.stay(hold - move_s / 2)
                plan.move(KEY_POSES["kneel_forearms"], move_s)
                plan.holds.append((0.0, plan.t - move_s / 2))
                plan.hold_sides.append(None)
                plan.stay(rest_s)
                continue
            if index == 0:
                plan.stay(rest_s)
            plan.rep(target, KEY_POSES["kneel_forearms"], side="both", move_s=move_s, hold_s=hold - move_s,
                     rest_s=rest_s, hold=True, count=False)  # fmt: skip
        return plan
    if exercise == "lower_back_rotation":
        rest = KEY_POSES["rotation_rest"]
        plan = Plan([rest])
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
        plan = Plan([KEY_POSES["supine"]])
        plan.stay(rest_s)
        plan.move(KEY_POSES["crook_lying"], move_s)
        # a still hold runs from arrival to when the move out is 5 % done (visibly moving)
        settle_s = math.acos(0.9) / math.pi * move_s
        for index, hold in enumerate(holds):
            arrived_s = plan.t
            plan.stay(hold)
            plan.holds.append((arrived_s, plan.t + settle_s))
            plan.hold_sides.append(None)
            if index < len(holds) - 1:
                # the release: the legs slide down and come back up
                plan.move(KEY_POSES["supine"], move_s)
                plan.stay(max(0.3, rest_s - 2 * move_s))
                plan.move(KEY_POSES["crook_lying"], move_s)
        plan.move(KEY_POSES["supine"], move_s)
        plan.stay(rest_s)
        return plan

    # rep exercises: (start pose, target pose for a side, whether each rep has a hold)
    if exercise == "bridge":
        start = KEY_POSES["crook_lying"]

        def target_of(side: str) -> FloatArray:
            return KEY_POSES["bridge_low" if "hips_not_high_enough" in faults else "bridge_top"]

        with_hold = True
    elif exercise == "pelvic_tilt":
        start = KEY_POSES["crook_lying"]

        def target_of(side: str) -> FloatArray:
            return KEY_POSES["tilt"]

        with_hold = True
    elif exercise == "superman":
        start = KEY_POSES["prone"]
        name = "superman"
        if "arms_not_lifted" in faults:
            name = "superman_no_arms"
        elif "legs_not_lifted" in faults:
            name = "superman_no_legs"

        def target_of(side: str) -> FloatArray:
            return KEY_POSES[name]

        with_hold = True
    elif exercise == "cat_stretch":
        start = KEY_POSES["all_fours"]

        def target_of(side: str) -> FloatArray:
            return KEY_POSES["cat_shallow" if "too_little_rounding" in faults else "cat"]

        with_hold = True
    elif exercise == "dead_bug":
        start = KEY_POSES["tabletop"]
        if "moving_too_fast" in faults:
            move_s, hold_s = 0.3, 0.0

        def target_of(side: str) -> FloatArray:
            return _dead_bug_pose(side, "limbs_not_extended" in faults)

        with_hold = False
    elif exercise == "glute_bridge_march":
        start = KEY_POSES["bridge_low" if "hips_dropping" in faults else "bridge_top"]

        def target_of(side: str) -> FloatArray:
            return _march_pose(side, "hips_dropping" in faults)

        with_hold = False
    elif exercise == "bird_dog":
        start = KEY_POSES["all_fours"]

        def target_of(side: str) -> FloatArray:
            return _bird_dog_pose(side)

        with_hold = True
    else:
        raise ValueError(f"no synthetic plan for {exercise!r}; known: {', '.join(SYNTHETIC_EXERCISES)}")

    sided = exercise in ("dead_bug", "glute_bridge_march", "bird_dog")
    plan = Plan([target_of(sides[1]) if start_in_target else start])
    if exercise == "glute_bridge_march" and not start_in_target:
        plan.poses = [KEY_POSES["crook_lying"]]
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
        plan.move(KEY_POSES["crook_lying"], 1.0)
        plan.stay(rest_s)
    return plan


def sample_plan(plan: Plan, t_s: float) -> FloatArray:
    """The pose at ``t_s`` seconds, eased (half a cosine) between the key poses around it."""
    times = plan.times
    if t_s >= times[-1]:
        return plan.poses[-1]
    index = int(np.searchsorted(times, t_s, side="right")) - 1
    t0, t1 = times[index], times[index + 1]
    fraction = (t_s - t0) / (t1 - t0)
    eased = 0.5 - 0.5 * math.cos(math.pi * fraction)
    a, b = plan.poses[index], plan.poses[index + 1]
    return a + (b - a) * eased
