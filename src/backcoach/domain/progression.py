"""The progression engine: after a workout and the next-morning check-in, progress, hold or regress.

Pure rules over ``data/progression.toml`` and the pain model (``pain.py``): one variable at a time
(reps, then sets, then hold time, then the harder variant); two consecutive good workouts to step
up; a flare-up (pain above 5/10, or not settled by the next morning) steps down; repeated flare-ups
suggest talking to a clinician. Every decision carries one sentence saying why.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

from backcoach.domain.exercises import Dosage
from backcoach.domain.pain import PainModel, load_pain_model, pain_settled

__all__ = [
    "Decision",
    "ExerciseOutcome",
    "ProgressionRules",
    "ProposalRecord",
    "SetDone",
    "completed_at_target",
    "decide_progression",
    "is_flare_up",
    "load_progression_rules",
]

DATA_FILE = Path(__file__).with_name("data") / "progression.toml"

Action = Literal["progress", "hold", "regress"]
Variable = Literal["reps", "sets", "hold_s", "variant"]


@dataclass(frozen=True)
class ProgressionRules:
    consecutive_good_workouts: int
    progress_order: tuple[str, ...]
    progress_reps_step: int
    progress_sets_step: int
    progress_hold_step_s: float
    regress_order: tuple[str, ...]
    regress_reps_step: int
    regress_sets_step: int
    regress_hold_step_s: float
    hold_fraction: float
    flare_up_count: int
    flare_up_within_days: int
    flare_up_advice: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SetDone:
    """One set as logged: ``reps`` movements (or holds), each held ``hold_s`` seconds."""

    set_number: int
    side: str | None
    reps: int
    hold_s: float


@dataclass(frozen=True)
class ExerciseOutcome:
    """How one workout went for one exercise.

    ``pain_max`` is the highest pain (0-10) during this exercise or after the workout;
    ``pain_next_morning`` the next-morning rating, None until the person checks in.
    """

    workout_id: int
    started_at: datetime
    completed_at_target: bool
    pain_before: int | None
    pain_max: int | None
    pain_next_morning: int | None


@dataclass(frozen=True)
class Decision:
    """What to do with one exercise's dose next time, and why (one sentence).

    ``variable`` is what changes (None for hold). For a variant change the dosage stays the same
    and ``variant`` names the easier or harder version to try. ``clinician_advice`` is set after
    repeated flare-ups.
    """

    exercise_id: str
    action: Action
    variable: Variable | None
    dosage_before: Dosage
    dosage_after: Dosage
    explanation: str
    basis_workout_id: int | None
    variant: str | None = None
    clinician_advice: str | None = None
    # A step down because pain went above the acceptable limit: applied at once in clinic mode.
    after_pain_above_limit: bool = False


@cache
def load_progression_rules(path: Path = DATA_FILE) -> ProgressionRules:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    p, r, c, f = raw["progress"], raw["regress"], raw["completion"], raw["flare_up"]
    for order in (p["order"], r["order"]):
        if sorted(order) != sorted(("reps", "sets", "hold_s", "variant")):
            raise ValueError(f"{path.name}: an order must list reps, sets, hold_s and variant once each")
    return ProgressionRules(
        consecutive_good_workouts=int(p["consecutive_good_workouts"]),
        progress_order=tuple(p["order"]),
        progress_reps_step=int(p["reps_step"]),
        progress_sets_step=int(p["sets_step"]),
        progress_hold_step_s=float(p["hold_step_s"]),
        regress_order=tuple(r["order"]),
        regress_reps_step=int(r["reps_step"]),
        regress_sets_step=int(r["sets_step"]),
        regress_hold_step_s=float(r["hold_step_s"]),
        hold_fraction=float(c["hold_fraction"]),
        flare_up_count=int(f["count"]),
        flare_up_within_days=int(f["within_days"]),
        flare_up_advice=str(f["advice"]),
        sources=(
            str(p["consecutive_source"]),
            str(p["order_source"]),
            str(p["reps_step_source"]),
            str(p["hold_step_source"]),
            str(r["order_source"]),
            str(f["source"]),
        ),
    )


def completed_at_target(
    dosage: Dosage, sets: Sequence[SetDone], rules: ProgressionRules | None = None
) -> bool:
    """Were all the dose's sets done in full? Per side when the exercise has sides (not alternating).

    A set counts when it has at least ``dosage.reps`` reps and, for a hold, each hold lasted at least
    ``rules.hold_fraction`` of ``dosage.hold_s`` seconds.
    """
    rules = rules or load_progression_rules()
    full: set[tuple[int, str | None]] = set()
    for s in sets:
        if s.reps < dosage.reps:
            continue
        if dosage.kind == "hold" and s.hold_s < dosage.hold_s * rules.hold_fraction:
            continue
        full.add((s.set_number, s.side))
    needed = dosage.sets * (2 if dosage.per_side and not dosage.alternating else 1)
    return len(full) >= needed


def is_flare_up(outcome: ExerciseOutcome, pain_model: PainModel | None = None) -> bool:
    """Pain above the acceptable limit (5/10), or next-morning pain not settled."""
    pain_model = pain_model or load_pain_model()
    if outcome.pain_max is not None and outcome.pain_max > pain_model.acceptable_max:
        return True
    return outcome.pain_next_morning is not None and not pain_settled(
        outcome.pain_next_morning, outcome.pain_before, pain_model
    )


def _step(dosage: Dosage, rules: ProgressionRules, up: bool) -> tuple[Variable, Dosage, str] | None:
    """The next single change up or down, or None when every variable is at its end of range."""
    order = rules.progress_order if up else rules.regress_order
    for variable in order:
        if variable == "reps":
            low, high = dosage.reps_range
            step = rules.progress_reps_step if up else rules.regress_reps_step
            new = min(high, dosage.reps + step) if up else max(low, dosage.reps - step)
            # A dose already outside the range (a person's own) never moves the wrong way.
            if (new > dosage.reps) if up else (new < dosage.reps):
                what = "reps" if dosage.kind == "reps" else "holds"
                words = (
                    f"{abs(new - dosage.reps)} {'more' if up else 'fewer'} {what} ({dosage.reps} to {new})"
                )
                return "reps", dataclasses.replace(dosage, reps=int(new)), words
        elif variable == "sets":
            low_s, high_s = dosage.sets_range
            step = rules.progress_sets_step if up else rules.regress_sets_step
            new = min(high_s, dosage.sets + step) if up else max(low_s, dosage.sets - step)
            if (new > dosage.sets) if up else (new < dosage.sets):
                words = f"{'one more set' if up else 'one set fewer'} ({dosage.sets} to {new} sets)"
                return "sets", dataclasses.replace(dosage, sets=int(new)), words
        elif variable == "hold_s":
            if dosage.kind != "hold" and dosage.hold_s <= 0:
                continue
            low_h, high_h = dosage.hold_range_s
            step_s = rules.progress_hold_step_s if up else rules.regress_hold_step_s
            new_h = min(high_h, dosage.hold_s + step_s) if up else max(low_h, dosage.hold_s - step_s)
            if new_h > 0 and ((new_h > dosage.hold_s) if up else (new_h < dosage.hold_s)):
                words = f"{'longer' if up else 'shorter'} holds ({dosage.hold_s:g} s to {new_h:g} s)"
                return "hold_s", dataclasses.replace(dosage, hold_s=float(new_h)), words
        elif variable == "variant":
            return "variant", dosage, ""
    return None


def decide_progression(
    exercise_id: str,
    dosage: Dosage,
    outcomes: Sequence[ExerciseOutcome],
    *,
    now: datetime,
    dose_changed_at: datetime | None = None,
    harder_variant: str | None = None,
    easier_variant: str | None = None,
    rules: ProgressionRules | None = None,
    pain_model: PainModel | None = None,
) -> Decision:
    """Decide progress, hold or regress for one exercise from its logged workouts.

    ``outcomes`` are this exercise's workouts, oldest first. Only those started after
    ``dose_changed_at`` (the last accepted change) count towards a step; flare-ups in the last
    ``rules.flare_up_within_days`` days count whatever the dose.
    """
    rules = rules or load_progression_rules()
    pain_model = pain_model or load_pain_model()
    ordered = sorted(outcomes, key=lambda o: o.started_at)
    recent_flare_ups = [
        o
        for o in ordered
        if o.started_at >= now - timedelta(days=rules.flare_up_within_days) and is_flare_up(o, pain_model)
    ]
    clinician = rules.flare_up_advice if len(recent_flare_ups) >= rules.flare_up_count else None
    current = [o for o in ordered if dose_changed_at is None or o.started_at >= dose_changed_at]

    def hold(reason: str, basis: int | None) -> Decision:
        return Decision(exercise_id, "hold", None, dosage, dosage, reason, basis, clinician_advice=clinician)

    if not current:
        return hold("Keep the same dose: there is no workout at this dose yet.", None)
    latest = current[-1]
    limit = pain_model.acceptable_max

    why_down: str | None = None
    above_limit = latest.pain_max is not None and latest.pain_max > limit
    if above_limit:
        why_down = f"your pain reached {latest.pain_max}/10, above the limit of {limit}"
    elif latest.pain_next_morning is not None and not pain_settled(
        latest.pain_next_morning, latest.pain_before, pain_model
    ):
        if latest.pain_before is None:
            why_down = f"your pain was still {latest.pain_next_morning}/10 the next morning"
        else:
            why_down = (
                f"your pain was {latest.pain_next_morning}/10 the next morning, "
                f"higher than the {latest.pain_before}/10 before the workout"
            )
    if why_down is not None:
        step = _step(dosage, rules, up=False)
        if step is None or step[0] == "variant":
            variant = easier_variant or "the easier version"
            return Decision(
                exercise_id,
                "regress",
                "variant",
                dosage,
                dosage,
                f"Because {why_down}, try the easier version next time: {variant}.",
                latest.workout_id,
                variant=variant,
                clinician_advice=clinician,
                after_pain_above_limit=above_limit,
            )
        variable, new, words = step
        return Decision(
            exercise_id,
            "regress",
            variable,
            dosage,
            new,
            f"Because {why_down}, we suggest an easier dose next time: {words}.",
            latest.workout_id,
            clinician_advice=clinician,
            after_pain_above_limit=above_limit,
        )

    if latest.pain_next_morning is None:
        return hold(
            "Keep the same dose for now: backcoach decides after your next-morning pain check-in.",
            latest.workout_id,
        )
    good = 0
    for outcome in reversed(current):
        if (
            not outcome.completed_at_target
            or outcome.pain_next_morning is None
            or is_flare_up(outcome, pain_model)
        ):
            break
        good += 1
    if good == 0:
        return hold(
            "Keep the same dose: last time the full dose was not finished, so build up to it first.",
            latest.workout_id,
        )
    if good < rules.consecutive_good_workouts:
        more = rules.consecutive_good_workouts - good
        return hold(
            f"Keep the same dose: that was a good workout, and after {more} more like it "
            "backcoach will suggest a small step up.",
            latest.workout_id,
        )
    step = _step(dosage, rules, up=True)
    reason = (
        f"you finished the full dose {good} times in a row with pain at {limit}/10 or below "
        "that settled by the next morning"
    )
    if step is None or step[0] == "variant":
        if harder_variant is None:
            return hold(
                f"Keep the same dose: {reason}, and this dose is already the highest backcoach uses.",
                latest.workout_id,
            )
        return Decision(
            exercise_id,
            "progress",
            "variant",
            dosage,
            dosage,
            f"Because {reason} and the dose is at its top, you could try the harder version: "
            f"{harder_variant}.",
            latest.workout_id,
            variant=harder_variant,
            clinician_advice=clinician,
        )
    variable, new, words = step
    return Decision(
        exercise_id,
        "progress",
        variable,
        dosage,
        new,
        f"Because {reason}, we suggest a small step up: {words}.",
        latest.workout_id,
        clinician_advice=clinician,
    )


@dataclass(frozen=True)
class ProposalRecord:
    """A stored progress or regress suggestion and the answer to it.

    ``status`` is pending, accepted, declined, superseded (a newer suggestion replaced it), changed
    (a physiotherapist chose another dose) or applied (an easier dose after pain above the limit,
    applied at once in clinic mode). ``decided_by_name`` and ``decision_reason`` say who answered
    and why.
    """

    id: int
    program_slug: str
    exercise_id: str
    decided_at: datetime
    action: str
    variable: str | None
    sets_before: int
    reps_before: int
    hold_s_before: float
    sets_after: int
    reps_after: int
    hold_s_after: float
    explanation: str
    status: str
    basis_workout_id: int | None = None
    variant: str | None = None
    clinician_advice: str | None = None
    responded_at: datetime | None = None
    decided_by_name: str = ""
    decision_reason: str | None = None
