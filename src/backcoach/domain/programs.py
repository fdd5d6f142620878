"""Programs: which exercises, in what order and at what dose; dose limits; time estimates.

A program is a list of exercises, each with its own dosage, plus how often it is done
(times per day, days per week). Two come built in: "Core nine" (all nine, the long option)
and "Daily short" (four gentle ones, the short daily option). A person can build their own.

Dose limits here are hard limits that keep a dose sane whoever sets it (the catalogue, a
person, the progression engine). A catalogue dose must also sit inside its own ranges
(``check_dosage_ranges``); a person's own dose only inside the hard limits.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from backcoach.domain.exercises import Dosage, describe_dose
from backcoach.domain.workouts import plan_workout, step_duration_s

if TYPE_CHECKING:
    from backcoach.domain.catalogue_loader import Catalogue

__all__ = [
    "CORE_NINE_SLUG",
    "DAILY_SHORT_IDS",
    "DAILY_SHORT_SLUG",
    "DAYS_PER_WEEK_LIMITS",
    "DOSAGE_LIMITS",
    "INSTRUCTION_MAX_CHARS",
    "VARIANTS",
    "DosageError",
    "DoseLimit",
    "Prescription",
    "Program",
    "ProgramError",
    "ProgramItem",
    "build_program",
    "builtin_programs",
    "change_dosage",
    "check_dosage_ranges",
    "check_item",
    "describe_changes",
    "describe_length",
    "estimate_minutes",
    "slugify",
    "validate_dosage",
]

# Hard limits on one exercise's dose, whoever sets it: (lowest, highest).
DOSAGE_LIMITS: Mapping[str, tuple[float, float]] = {
    "sets": (1, 10),
    "reps": (1, 100),
    "hold_s": (0, 300),
    "rest_s": (0, 600),
    "times_per_day": (1, 5),
}
DAYS_PER_WEEK_LIMITS = (1, 7)
_WHOLE_FIELDS = ("sets", "reps", "times_per_day")

CORE_NINE_SLUG = "core-nine"
DAILY_SHORT_SLUG = "daily-short"
# Four gentle exercises done lying on the back or on hands and knees, none needing strength to
# hold the body off the floor: a short home program is followed more often than a long list
# (clinical.md, adherence).
DAILY_SHORT_IDS = ("pelvic_tilt", "bridge", "cat_stretch", "draw_in")


class DosageError(ValueError):
    """A dose is out of its limits; ``field`` names it and ``detail`` says what is allowed."""

    def __init__(self, exercise_id: str, field: str, detail: str) -> None:
        self.exercise_id = exercise_id
        self.field = field
        self.detail = detail
        super().__init__(f"{exercise_id}: {field}: {detail}")


class ProgramError(ValueError):
    """A program cannot be built as asked (no exercises, a repeated one, a bad schedule...)."""


VARIANTS: tuple[str, ...] = ("standard", "easier", "harder")
INSTRUCTION_MAX_CHARS = 500


@dataclass(frozen=True)
class DoseLimit:
    """How far a person may step a dose up themselves (a physiotherapist's choice, per exercise)."""

    max_sets: int
    max_reps: int
    max_hold_s: float

    def allows(self, dosage: Dosage) -> bool:
        return (
            dosage.sets <= self.max_sets and dosage.reps <= self.max_reps and dosage.hold_s <= self.max_hold_s
        )


@dataclass(frozen=True)
class ProgramItem:
    """One exercise of a program: the dose to do it at, which version of it (standard, or the
    catalogue's easier or harder variant), a personal instruction, and how far the person may
    accept step ups themselves (None: a physiotherapist decides every step up)."""

    exercise_id: str
    dosage: Dosage
    variant: str = "standard"
    instruction: str = ""
    self_progress_limit: DoseLimit | None = None


@dataclass(frozen=True)
class Prescription:
    """Who prescribed a program and when: the physiotherapist, the version (an edit is a new version
    of the same prescription), and the day it starts."""

    prescribed_by_id: int | None
    prescribed_by_name: str
    prescribed_at: datetime
    version: int
    start_date: date | None = None


@dataclass(frozen=True)
class Program:
    """An ordered list of exercises with doses, and how often the whole is done; with its
    prescription when a physiotherapist prescribed it."""

    slug: str
    name: str
    description: str
    items: tuple[ProgramItem, ...]
    times_per_day: int
    days_per_week: int
    builtin: bool
    prescription: Prescription | None = None

    def item(self, exercise_id: str) -> ProgramItem | None:
        return next((i for i in self.items if i.exercise_id == exercise_id), None)

    @property
    def workouts_per_week(self) -> int:
        """How many workouts a week the program asks for."""
        return self.times_per_day * self.days_per_week

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(item.exercise_id for item in self.items)

    def dosage_for(self, exercise_id: str) -> Dosage | None:
        return next((i.dosage for i in self.items if i.exercise_id == exercise_id), None)


# --- doses ---------------------------------------------------------------------------------------


def _describe(field: str) -> str:
    low, high = DOSAGE_LIMITS[field]
    if field in _WHOLE_FIELDS:
        return f"must be a whole number between {low:g} and {high:g}"
    return f"must be a number of seconds between {low:g} and {high:g}"


def validate_dosage(dosage: Dosage, exercise_id: str) -> None:
    """Check a dose against the hard limits; raise ``DosageError`` naming the field and its range.

    Limits: sets 1-10, reps 1-100, hold_s 0-300 s, rest_s 0-600 s, times_per_day 1-5; a hold
    needs hold_s above 0; ranges must be ordered and inside the same limits.
    """
    if dosage.kind not in ("reps", "hold"):
        raise DosageError(exercise_id, "kind", f'must be "reps" or "hold" (got {dosage.kind!r})')
    for field, (low, high) in DOSAGE_LIMITS.items():
        value = getattr(dosage, field)
        whole = field in _WHOLE_FIELDS
        bad_type = isinstance(value, bool) or not isinstance(value, int if whole else int | float)
        if bad_type or not math.isfinite(value) or not low <= value <= high:
            raise DosageError(exercise_id, field, f"{_describe(field)} (got {value!r})")
    if dosage.kind == "hold" and dosage.hold_s <= 0:
        raise DosageError(
            exercise_id, "hold_s", f"must be above 0 seconds for a hold (got {dosage.hold_s!r})"
        )
    for field, limit in (("sets_range", "sets"), ("reps_range", "reps"), ("hold_range_s", "hold_s")):
        pair = getattr(dosage, field)
        low, high = DOSAGE_LIMITS[limit]
        if (
            not isinstance(pair, tuple)
            or len(pair) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)
            or not low <= pair[0] <= pair[1] <= high
        ):
            raise DosageError(
                exercise_id,
                field,
                f"must be an ordered pair (lowest, highest) within {low:g}-{high:g} (got {pair!r})",
            )
    if not isinstance(dosage.per_side, bool):
        raise DosageError(exercise_id, "per_side", f"must be true or false (got {dosage.per_side!r})")
    if dosage.alternating and not dosage.per_side:
        raise DosageError(exercise_id, "alternating", "can only be true when per_side is true")
    if not isinstance(dosage.source, str):
        raise DosageError(exercise_id, "source", f"must be text (got {dosage.source!r})")


def check_dosage_ranges(dosage: Dosage, exercise_id: str) -> None:
    """Check that sets, reps and hold_s lie inside the dose's own ranges (a catalogue rule)."""
    for field, range_field in (("sets", "sets_range"), ("reps", "reps_range"), ("hold_s", "hold_range_s")):
        value = getattr(dosage, field)
        low, high = getattr(dosage, range_field)
        if not low <= value <= high:
            raise DosageError(
                exercise_id, field, f"must lie within {range_field} {low:g}-{high:g} (got {value!r})"
            )


def change_dosage(dosage: Dosage, exercise_id: str = "dosage", **changes: Any) -> Dosage:
    """A copy of ``dosage`` with ``changes`` applied, checked with ``validate_dosage``.

    Unknown field names raise ``DosageError`` too. ``exercise_id`` only names the dose in messages.
    """
    known = {f.name for f in dataclasses.fields(Dosage)}
    for name in changes:
        if name not in known:
            raise DosageError(exercise_id, name, f"is not a dose field (known: {', '.join(sorted(known))})")
    for name in ("hold_s", "rest_s"):
        if name in changes and isinstance(changes[name], int) and not isinstance(changes[name], bool):
            changes[name] = float(changes[name])
    for name in ("sets_range", "reps_range", "hold_range_s"):
        if name in changes and isinstance(changes[name], list):
            changes[name] = tuple(changes[name])
    new = dataclasses.replace(dosage, **changes)
    validate_dosage(new, exercise_id)
    return new


# --- programs ------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    """A URL- and file-safe id from a name: "My Morning Routine!" -> "my-morning-routine"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].rstrip("-")


def _check_schedule(times_per_day: int, days_per_week: int) -> None:
    low, high = DOSAGE_LIMITS["times_per_day"]
    if (
        isinstance(times_per_day, bool)
        or not isinstance(times_per_day, int)
        or not low <= times_per_day <= high
    ):
        raise ProgramError(
            f"times a day must be a whole number between {low:g} and {high:g} (got {times_per_day!r})"
        )
    low_d, high_d = DAYS_PER_WEEK_LIMITS
    if (
        isinstance(days_per_week, bool)
        or not isinstance(days_per_week, int)
        or not low_d <= days_per_week <= high_d
    ):
        raise ProgramError(
            f"days a week must be a whole number between {low_d} and {high_d} (got {days_per_week!r})"
        )


def build_program(
    name: str,
    exercise_ids: Iterable[str],
    catalogue: Catalogue,
    *,
    doses: Mapping[str, Dosage] | None = None,
    times_per_day: int = 1,
    days_per_week: int = 7,
    slug: str | None = None,
    description: str = "",
    builtin: bool = False,
) -> Program:
    """A person's own program: these exercises in this order, at the catalogue dose unless ``doses`` says.

    Raises ``UnknownExercise`` for an id not in the catalogue, ``DosageError`` for a dose out of
    limits, ``ProgramError`` for an empty name or list, a repeated exercise, or a bad schedule.
    """
    clean_name = " ".join(str(name).split())
    if not clean_name:
        raise ProgramError("name: a program needs a name")
    if len(clean_name) > 80:
        raise ProgramError(f"name: must be at most 80 characters (got {len(clean_name)})")
    ids = tuple(exercise_ids)
    if not ids:
        raise ProgramError("exercises: choose at least one exercise")
    seen: set[str] = set()
    for exercise_id in ids:
        catalogue.get(exercise_id)  # raises UnknownExercise, listing the valid ids
        if exercise_id in seen:
            raise ProgramError(f"exercises: {exercise_id} is listed twice")
        seen.add(exercise_id)
    doses = dict(doses or {})
    stray = sorted(set(doses) - seen)
    if stray:
        raise ProgramError(f"doses: {', '.join(stray)} is not one of this program's exercises")
    _check_schedule(times_per_day, days_per_week)
    items = []
    for exercise_id in ids:
        exercise = catalogue.get(exercise_id)
        dosage = doses.get(exercise_id, exercise.dosage)
        validate_dosage(dosage, exercise_id)
        if dosage.per_side != exercise.dosage.per_side:
            raise DosageError(
                exercise_id,
                "per_side",
                f"must stay {str(exercise.dosage.per_side).lower()} for this exercise",
            )
        items.append(ProgramItem(exercise_id, dosage))
    final_slug = slugify(slug if slug is not None else clean_name)
    if not final_slug:
        raise ProgramError(f"name: cannot make an id from {name!r}; use some letters or digits")
    return Program(
        slug=final_slug,
        name=clean_name,
        description=description,
        items=tuple(items),
        times_per_day=times_per_day,
        days_per_week=days_per_week,
        builtin=builtin,
    )


def builtin_programs(catalogue: Catalogue) -> tuple[Program, ...]:
    """The two programs that come with backcoach: "Core nine" and "Daily short"."""
    core = build_program(
        "Core nine",
        catalogue.ids,
        catalogue,
        slug=CORE_NINE_SLUG,
        description=(
            "All nine exercises in the order of the source article, at their starting doses. "
            "The full routine, for days with more time and less pain."
        ),
        builtin=True,
    )
    daily = build_program(
        "Daily short",
        DAILY_SHORT_IDS,
        catalogue,
        slug=DAILY_SHORT_SLUG,
        description=(
            "Four gentle exercises for every day: pelvic tilt, bridge, cat stretch and draw-in. "
            "All are done lying down or on hands and knees and wake up the deep tummy and bottom "
            "muscles without straining the back, so they suit a beginner. A short routine is "
            "easier to keep up every day than a long one."
        ),
        builtin=True,
    )
    return (core, daily)


def estimate_minutes(program: Program, catalogue: Catalogue) -> float:
    """Estimated minutes for one workout of ``program``: the planned steps' durations added up."""
    return sum(step_duration_s(step) for step in plan_workout(program, catalogue)) / 60.0


def describe_length(program: Program, catalogue: Catalogue) -> str:
    """The one wording of how long a workout of ``program`` takes: "about 9 minutes"."""
    minutes = max(1, round(estimate_minutes(program, catalogue)))
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


def check_item(item: ProgramItem, catalogue: Catalogue, *, within_ranges: bool) -> None:
    """Check one prescribed or edited exercise: its dose (inside the catalogue's ranges when
    ``within_ranges``, as a physiotherapist prescribes), its variant, instruction and limit."""
    exercise = catalogue.get(item.exercise_id)
    validate_dosage(item.dosage, item.exercise_id)
    if within_ranges:
        check_dosage_ranges(item.dosage, item.exercise_id)
    if item.variant not in VARIANTS:
        raise ProgramError(
            f"variant: {item.exercise_id} must be standard, easier or harder (got {item.variant!r})"
        )
    if len(item.instruction) > INSTRUCTION_MAX_CHARS:
        raise ProgramError(f"instruction: at most {INSTRUCTION_MAX_CHARS} characters for {exercise.name}")
    limit = item.self_progress_limit
    if limit is not None:
        base = exercise.dosage
        if not (
            item.dosage.sets <= limit.max_sets <= base.sets_range[1]
            and item.dosage.reps <= limit.max_reps <= base.reps_range[1]
            and item.dosage.hold_s <= limit.max_hold_s <= base.hold_range_s[1]
        ):
            raise ProgramError(
                f"limit: the step-up limit for {exercise.name} must lie between today's dose and the top "
                f"of its range ({base.sets_range[1]} sets, {base.reps_range[1]} reps, "
                f"{base.hold_range_s[1]:g} s)"
            )


def _dose_words(dosage: Dosage) -> str:
    return describe_dose(dosage)


def describe_changes(old: Program | None, new: Program, catalogue: Catalogue) -> tuple[str, ...]:
    """What changed between two versions of a program, one line each, in a person's words:
    "Bridge: 10 reps, 2 sets (was 8 reps)", "Added Dead bug", "Days a week: 5 (was 7)"."""
    if old is None:
        return (f"New program: {', '.join(catalogue.get(i).name for i in new.exercise_ids)}",)
    lines: list[str] = []
    name = {eid: catalogue.get(eid).name for eid in {*old.exercise_ids, *new.exercise_ids}}
    for exercise_id in new.exercise_ids:
        if exercise_id not in old.exercise_ids:
            added = new.item(exercise_id)
            assert added is not None
            lines.append(f"Added {name[exercise_id]}: {_dose_words(added.dosage)}")
    for exercise_id in old.exercise_ids:
        if exercise_id not in new.exercise_ids:
            lines.append(f"Removed {name[exercise_id]}")
    kept_old = [e for e in old.exercise_ids if e in new.exercise_ids]
    kept_new = [e for e in new.exercise_ids if e in old.exercise_ids]
    if kept_old != kept_new:
        lines.append("New order: " + ", ".join(name[e] for e in new.exercise_ids))
    for item in new.items:
        before = old.item(item.exercise_id)
        if before is None:
            continue
        label = name[item.exercise_id]
        if _dose_words(before.dosage) != _dose_words(item.dosage):
            lines.append(f"{label}: {_dose_words(item.dosage)} (was {_dose_words(before.dosage)})")
        if before.variant != item.variant:
            variant = catalogue.get(item.exercise_id)
            words = {
                "easier": variant.easier.name,
                "harder": variant.harder.name,
                "standard": "the usual way",
            }
            lines.append(f"{label}: {words[item.variant]}")
        if before.instruction != item.instruction:
            lines.append(f"{label}: new instruction" if item.instruction else f"{label}: instruction removed")
        if before.self_progress_limit != item.self_progress_limit:
            limit = item.self_progress_limit
            if limit is None:
                lines.append(f"{label}: step ups wait for your physiotherapist")
            else:
                top = dataclasses.replace(
                    item.dosage, sets=limit.max_sets, reps=limit.max_reps, hold_s=limit.max_hold_s
                )
                lines.append(f"{label}: you may accept step ups yourself, up to {_dose_words(top)}")
    if (old.times_per_day, old.days_per_week) != (new.times_per_day, new.days_per_week):
        lines.append(
            f"{new.times_per_day} time{'s' if new.times_per_day != 1 else ''} a day, "
            f"{new.days_per_week} day{'s' if new.days_per_week != 1 else ''} a week "
            f"(was {old.times_per_day} and {old.days_per_week})"
        )
    old_start = old.prescription.start_date if old.prescription else None
    new_start = new.prescription.start_date if new.prescription else None
    if new_start is not None and new_start != old_start:
        lines.append(f"Starts on {new_start.day} {new_start:%B %Y}")
    return tuple(lines)
