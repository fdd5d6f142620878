"""The workout step plan: one sitting through a program, as the steps a player walks through.

``plan_workout`` turns a program into steps (intro, reps or hold sets, side changes, rests,
done) that the terminal player and the web player both show one at a time. The durations here
are estimates for planning ("about 20 minutes"), not timers: a player times holds and rests
itself, with its own clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from backcoach.domain.exercises import Dosage, Exercise

if TYPE_CHECKING:
    from backcoach.domain.catalogue_loader import Catalogue
    from backcoach.domain.programs import Program

__all__ = [
    "INTRO_S",
    "RELAX_S",
    "REP_S",
    "SIDE_CHANGE_S",
    "STEP_KINDS",
    "Step",
    "StepKind",
    "WorkoutTotals",
    "ease_dosage",
    "plan_workout",
    "step_duration_s",
    "total_duration_s",
    "workout_totals",
]

StepKind = Literal["intro", "reps", "hold", "rest", "side_change", "done"]
STEP_KINDS: tuple[StepKind, ...] = ("intro", "reps", "hold", "rest", "side_change", "done")

# Planning estimates, in seconds.
# Reading or hearing the instructions and getting down into the start position.
INTRO_S = 30.0
# One slow rep without its hold: about 2 s into position and 2 s back, as the catalogue's tempo cues ask.
REP_S = 3.5
# Turning over or swapping legs between the two sides.
SIDE_CHANGE_S = 8.0
# The easy pause between two holds of one hold set (breathe out, let go, set up again).
RELAX_S = 5.0


@dataclass(frozen=True)
class Step:
    """One thing the person does next.

    ``kind``: ``intro`` (meet the exercise, get into position), ``reps`` (a set of reps, each
    held ``hold_s`` seconds when above 0), ``hold`` (a set of ``target_reps`` timed holds of
    ``hold_s`` seconds with ``relax_s`` seconds between them), ``side_change``, ``rest``
    (``rest_s`` seconds), ``done`` (the end; ``exercise_id`` None).
    ``set_number`` is 1-based within the exercise's ``sets`` (0 for ``done``). ``side`` is
    ``left`` / ``right`` for a one-side set, None otherwise. With ``alternating`` the set takes
    turns between the ``sides`` (a march, a dead bug): ``target_reps`` are then per side.
    For a ``side_change`` ``rest_s`` is the time allowed to switch and ``side`` the side to switch to.
    ``text`` is one short line to show and say.
    """

    kind: StepKind
    exercise_id: str | None
    set_number: int
    sets: int
    side: str | None
    target_reps: int
    hold_s: float
    rest_s: float
    relax_s: float
    text: str
    alternating: bool = False
    sides: tuple[str, ...] = ()

    @property
    def is_work(self) -> bool:
        """True for a step that is a set of reps or holds (what gets recorded)."""
        return self.kind in ("reps", "hold")

    @property
    def total_reps(self) -> int:
        """Reps (or holds) in this step over all its sides: per side x 2 when alternating."""
        if not self.is_work:
            return 0
        return self.target_reps * (len(self.sides) if self.alternating else 1)


@dataclass(frozen=True)
class WorkoutTotals:
    """What a planned workout adds up to."""

    exercises: int
    sets: int
    reps: int
    hold_s: float
    duration_s: float

    @property
    def minutes(self) -> float:
        return self.duration_s / 60.0


def _seconds(value: float) -> str:
    return f"{value:g}"


def _opening(text: str, min_chars: int = 40) -> str:
    """The first sentence of ``text``, or the first few when the first is very short."""
    out = ""
    rest = text
    while rest and len(out) < min_chars:
        head, dot, rest = rest.partition(". ")
        out = f"{out} {head}{'.' if dot else ''}".strip()
    return out


def _work_text(dosage: Dosage, set_number: int, side: str | None, exercise: Exercise) -> str:
    where = f"Set {set_number} of {dosage.sets}" if dosage.sets > 1 else ""
    if side:
        where = f"{where}, {side} side" if where else f"{side.capitalize()} side"
    if dosage.kind == "hold":
        if dosage.reps == 1:
            what = f"hold for {_seconds(dosage.hold_s)} seconds"
        else:
            what = (
                f"hold for {_seconds(dosage.hold_s)} seconds, {dosage.reps} times, "
                f"relaxing for {_seconds(RELAX_S)} seconds in between"
            )
    else:
        what = f"{dosage.reps} slow reps" if dosage.reps != 1 else "1 slow rep"
        if dosage.alternating:
            what = f"{dosage.reps} slow reps on each side, taking turns"
        if dosage.hold_s > 0:
            what += f", holding each for {_seconds(dosage.hold_s)} seconds"
    return f"{where}: {what}." if where else f"{what[0].upper()}{what[1:]}."


def _exercise_steps(
    exercise: Exercise, dosage: Dosage, next_name: str | None, last: bool, *, easier: bool = False
) -> list[Step]:
    eid = exercise.id
    intro = f"{exercise.name}. {_opening(exercise.start_position)}"
    if easier:
        intro += f" Today, the easier version: {exercise.easier.description}"
    steps = [
        Step(
            kind="intro",
            exercise_id=eid,
            set_number=1,
            sets=dosage.sets,
            side=None,
            target_reps=0,
            hold_s=0.0,
            rest_s=0.0,
            relax_s=0.0,
            text=intro,
        )
    ]
    sides = exercise.sides if (dosage.per_side and exercise.sides) else ()
    one_side_sets: tuple[str | None, ...] = sides if (sides and not dosage.alternating) else (None,)
    relax_s = RELAX_S if dosage.kind == "hold" and dosage.reps > 1 else 0.0
    for set_number in range(1, dosage.sets + 1):
        for i, side in enumerate(one_side_sets):
            if i > 0 and side is not None:
                steps.append(
                    Step(
                        kind="side_change",
                        exercise_id=eid,
                        set_number=set_number,
                        sets=dosage.sets,
                        side=side,
                        target_reps=0,
                        hold_s=0.0,
                        rest_s=SIDE_CHANGE_S,
                        relax_s=0.0,
                        text=f"Now switch to your {side} side.",
                    )
                )
            steps.append(
                Step(
                    kind=dosage.kind,
                    exercise_id=eid,
                    set_number=set_number,
                    sets=dosage.sets,
                    side=side,
                    target_reps=dosage.reps,
                    hold_s=dosage.hold_s,
                    rest_s=0.0,
                    relax_s=relax_s,
                    text=_work_text(dosage, set_number, side, exercise),
                    alternating=dosage.alternating and bool(sides),
                    sides=tuple(sides) if dosage.alternating else ((side,) if side else ()),
                )
            )
        last_set = set_number == dosage.sets
        if last_set and last:
            continue
        if dosage.rest_s > 0:
            then = f" Next: {next_name}." if last_set and next_name else " Then the next set."
            steps.append(
                Step(
                    kind="rest",
                    exercise_id=eid,
                    set_number=set_number,
                    sets=dosage.sets,
                    side=None,
                    target_reps=0,
                    hold_s=0.0,
                    rest_s=dosage.rest_s,
                    relax_s=0.0,
                    text=f"Rest for {_seconds(dosage.rest_s)} seconds and breathe easily.{then}",
                )
            )
    return steps


def ease_dosage(dosage: Dosage) -> Dosage:
    """The gentle end of a dose, for a day when pain is high before starting (above 5/10): the fewest
    sets and reps of its ranges, and the shortest hold when the range has one. Never more than the
    dose it eases; a hold the range lets reach 0 s stays as it is, so the movement is the same."""
    low_hold = dosage.hold_range_s[0]
    return dataclasses.replace(
        dosage,
        sets=min(dosage.sets, dosage.sets_range[0]),
        reps=min(dosage.reps, dosage.reps_range[0]),
        hold_s=min(dosage.hold_s, low_hold) if low_hold > 0 else dosage.hold_s,
    )


def plan_workout(program: Program, catalogue: Catalogue, *, easier: bool = False) -> tuple[Step, ...]:
    """The steps of one workout of ``program``, ending with a ``done`` step.

    Per exercise: an intro, then per set a reps or hold step (one per side for a one-side-at-a-time
    exercise, with a side change between them), and a rest after every set except the very last
    set of the workout. With ``easier`` (pain above 5 before starting) every dose is at its gentle
    end (``backcoach.domain.programs.ease_dosage``) and the intro describes the easier version.
    """
    steps: list[Step] = []
    items = program.items
    for n, item in enumerate(items):
        exercise = catalogue.get(item.exercise_id)
        next_name = catalogue.get(items[n + 1].exercise_id).name if n + 1 < len(items) else None
        dosage = ease_dosage(item.dosage) if easier else item.dosage
        steps.extend(_exercise_steps(exercise, dosage, next_name, last=n + 1 == len(items), easier=easier))
    steps.append(
        Step(
            kind="done",
            exercise_id=None,
            set_number=0,
            sets=0,
            side=None,
            target_reps=0,
            hold_s=0.0,
            rest_s=0.0,
            relax_s=0.0,
            text="All done. Well done for looking after your back today.",
        )
    )
    return tuple(steps)


def step_duration_s(step: Step) -> float:
    """Estimated seconds the step takes (intro ``INTRO_S``, a rep ``REP_S`` plus its hold, ...)."""
    if step.kind == "intro":
        return INTRO_S
    if step.kind == "reps":
        return step.total_reps * (REP_S + step.hold_s)
    if step.kind == "hold":
        holds = step.total_reps
        return holds * step.hold_s + max(0, holds - 1) * step.relax_s
    if step.kind in ("rest", "side_change"):
        return step.rest_s
    return 0.0


def total_duration_s(steps: Iterable[Step]) -> float:
    """Estimated seconds for all the steps."""
    return sum(step_duration_s(s) for s in steps)


def workout_totals(steps: Iterable[Step]) -> WorkoutTotals:
    """Count the exercises, sets, reps and held seconds of a plan, and estimate its length."""
    steps = tuple(steps)
    work = [s for s in steps if s.is_work]
    return WorkoutTotals(
        exercises=len({s.exercise_id for s in steps if s.kind == "intro"}),
        sets=len({(s.exercise_id, s.set_number) for s in work}),
        reps=sum(s.total_reps for s in work),
        hold_s=sum(s.total_reps * s.hold_s for s in work),
        duration_s=total_duration_s(steps),
    )
