"""The exercise catalogue's types: an exercise, its dosage, its variants and form checks.

Pure data: these are loaded from one TOML file per exercise in ``catalogue/`` by
``backcoach.domain.catalogue_loader`` and never change while the app runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "EXERCISE_IDS",
    "Dosage",
    "Exercise",
    "FormCheck",
    "KeyPose",
    "Variant",
    "describe_dose",
]

# The nine, in the order of the source article (see ../shared/docs/traces.md).
EXERCISE_IDS: tuple[str, ...] = (
    "lower_back_rotation",
    "bridge",
    "glute_bridge_march",
    "pelvic_tilt",
    "superman",
    "cat_stretch",
    "draw_in",
    "dead_bug",
    "forearm_plank",
)

DoseKind = Literal["reps", "hold"]


@dataclass(frozen=True)
class Dosage:
    """How much of an exercise to do in one workout.

    ``kind`` says what one set is made of: ``reps`` (count movements) or ``hold``
    (timed holds; ``reps`` is then the number of holds in a set). ``hold_s`` is the
    time in the target position per rep or hold (0 for plain reps). With
    ``per_side`` every set is done once on each side. The ``*_range`` pairs are
    the (lowest, highest) values progression and regression may move within.
    ``source`` quotes the article or gives the reason when the article has no number.
    With ``alternating`` (only with ``per_side``) the sides take turns inside one set,
    as in a march or a dead bug: a set is then ``reps`` movements on each side, done
    left, right, left, right rather than all of one side first.
    """

    kind: DoseKind
    sets: int
    reps: int
    hold_s: float
    rest_s: float
    per_side: bool
    times_per_day: int
    sets_range: tuple[int, int]
    reps_range: tuple[int, int]
    hold_range_s: tuple[float, float]
    source: str
    alternating: bool = False


@dataclass(frozen=True)
class Variant:
    """An easier (regression) or harder (progression) version of an exercise."""

    name: str
    description: str


@dataclass(frozen=True)
class FormCheck:
    """A form fault the camera can find, with what the person is told.

    ``code`` is the finding code the motion analyser reports; ``cue`` the words
    said and shown; ``threshold_name`` / ``threshold_value`` / ``unit`` the limit the
    analyser applies, and ``reason`` why that limit (with its source where there is one).
    """

    code: str
    cue: str
    threshold_name: str
    threshold_value: float
    unit: str
    reason: str


@dataclass(frozen=True)
class KeyPose:
    """One key pose of the exercise, for drawing a moving illustration.

    ``joints`` maps a joint name (head, shoulder, elbow, wrist, hip, knee, ankle, toe,
    and optionally far_elbow, far_wrist, far_knee, far_ankle, far_toe for the limbs on the
    far side) to (x, y) in a 100 x 60 box, y downwards, floor at y = 55. An optional
    mid_back (halfway down the spine) shows the back's shape where it matters (cat
    stretch, pelvic tilt): draw the trunk shoulder -> mid_back -> hip when it is there.
    All poses of one exercise name the same joints.
    ``hold_s`` is how long the drawing rests on this pose.
    """

    name: str
    joints: dict[str, tuple[float, float]]
    hold_s: float


@dataclass(frozen=True)
class Exercise:
    """One exercise of the catalogue, with everything a person and the coach need."""

    id: str
    name: str
    summary: str
    why: str
    start_position: str
    steps: tuple[str, ...]
    breathing: str
    tempo: str
    mistakes: tuple[str, ...]
    safety: tuple[str, ...]
    dosage: Dosage
    easier: Variant
    harder: Variant
    camera_view: str
    camera_note: str
    camera_counts: bool
    sides: tuple[str, ...] = ()
    form_checks: tuple[FormCheck, ...] = ()
    key_poses: tuple[KeyPose, ...] = field(default_factory=tuple)

    @property
    def has_sides(self) -> bool:
        return bool(self.sides)

    def form_check(self, code: str) -> FormCheck | None:
        return next((c for c in self.form_checks if c.code == code), None)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def describe_dose(dosage: Dosage, *, with_rest: bool = True) -> str:
    """The one wording of a dose, everywhere a person reads one (library, Today, player, terminal):
    "8 reps, 2 sets", "5 reps on each side, 2 sets", "8 reps, holding each 3 s",
    "3 holds of 15 s", "5 holds of 10 s, 2 sets", and with ``with_rest`` the rest between sets
    (or between holds), said only when there is more than one."""
    side = " on each side" if dosage.per_side else ""
    one_hold_a_set = dosage.kind == "hold" and dosage.reps == 1
    if one_hold_a_set:
        # One hold a set: the sets are the holds ("3 holds of 15 s", never "3 sets of 1 hold").
        words = f"{_count(dosage.sets, 'hold')} of {_seconds(dosage.hold_s)}{side}"
        between = "holds"
    else:
        if dosage.kind == "hold":
            words = f"{_count(dosage.reps, 'hold')} of {_seconds(dosage.hold_s)}{side}"
        else:
            words = f"{_count(dosage.reps, 'rep')}{side}"
            if dosage.hold_s > 0:
                words += f", holding each {_seconds(dosage.hold_s)}"
        if dosage.sets > 1:
            words += f", {_count(dosage.sets, 'set')}"
        between = "sets"
    if with_rest and dosage.sets > 1 and dosage.rest_s > 0:
        words += f", {_seconds(dosage.rest_s)} rest between {between}"
    return words
