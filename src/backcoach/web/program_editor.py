"""The program editor, shared by a physiotherapist prescribing and a person making their own program
(personal mode): the rows it shows, and reading the posted form back into program items.

Every exercise of the catalogue is a row: ticked to be in the program, a position (the order), the
dose (sets, reps, hold, rest), which version (usual, easier, harder), a personal instruction, and
for a physiotherapist a step-up limit. The page's script turns the positions into up/down buttons
and dragging, and hides the rows not ticked behind "Add an exercise"; without the script the same
form works as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.datastructures import FormData

from backcoach.domain.catalogue_loader import Catalogue
from backcoach.domain.exercises import Dosage, Exercise, describe_dose
from backcoach.domain.programs import DOSAGE_LIMITS, DoseLimit, ProgramItem
from backcoach.services.errors import InvalidInput

__all__ = ["EditorRow", "editor_rows", "read_items"]


@dataclass(frozen=True)
class EditorRow:
    """One exercise in the editor: whether it is in, where, at what dose, and the input bounds."""

    exercise: Exercise
    included: bool
    position: int
    dosage: Dosage
    variant: str
    instruction: str
    limit: DoseLimit | None
    bounds: dict[str, tuple[float, float]]

    @property
    def dose_words(self) -> str:
        return describe_dose(self.dosage)


def _bounds(exercise: Exercise, within_ranges: bool) -> dict[str, tuple[float, float]]:
    d = exercise.dosage
    if within_ranges:
        return {
            "sets": (float(d.sets_range[0]), float(d.sets_range[1])),
            "reps": (float(d.reps_range[0]), float(d.reps_range[1])),
            "hold_s": (float(d.hold_range_s[0]), float(d.hold_range_s[1])),
            "rest_s": DOSAGE_LIMITS["rest_s"],
        }
    return {k: DOSAGE_LIMITS[k] for k in ("sets", "reps", "hold_s", "rest_s")}


def editor_rows(
    catalogue: Catalogue, items: Sequence[ProgramItem], *, within_ranges: bool
) -> list[EditorRow]:
    """The rows for ``items`` (in their order), then every other exercise, not ticked."""
    chosen = {item.exercise_id: (n, item) for n, item in enumerate(items)}
    rows: list[EditorRow] = []
    for exercise in catalogue.exercises:
        found = chosen.get(exercise.id)
        item = found[1] if found else ProgramItem(exercise.id, exercise.dosage)
        rows.append(
            EditorRow(
                exercise=exercise,
                included=found is not None,
                position=found[0] + 1 if found else len(items) + 1 + len(rows),
                dosage=item.dosage,
                variant=item.variant,
                instruction=item.instruction,
                limit=item.self_progress_limit,
                bounds=_bounds(exercise, within_ranges),
            )
        )
    rows.sort(key=lambda r: (not r.included, r.position))
    return rows


def _number(form: FormData, key: str, name: str, *, whole: bool) -> float:
    raw = str(form.get(key, "")).strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number") from None
    if whole and value != int(value):
        raise InvalidInput(f"{name} must be a whole number")
    return value


def read_items(form: FormData, catalogue: Catalogue, *, with_limits: bool) -> list[ProgramItem]:
    """The ticked exercises of a posted editor form, in the order of their positions. Out-of-range
    numbers are left for the services to refuse, in words that name the exercise."""
    picked: list[tuple[float, int, ProgramItem]] = []
    for order, exercise in enumerate(catalogue.exercises):
        prefix = f"{exercise.id}."
        if form.get(prefix + "included") != "yes":
            continue
        name = exercise.name
        position = _number(form, prefix + "position", f"{name}: the position", whole=False)
        dosage = dataclasses.replace(
            exercise.dosage,
            sets=int(_number(form, prefix + "sets", f"{name}: sets", whole=True)),
            reps=int(_number(form, prefix + "reps", f"{name}: reps", whole=True)),
            hold_s=_number(form, prefix + "hold_s", f"{name}: the hold", whole=False),
            rest_s=_number(form, prefix + "rest_s", f"{name}: the rest", whole=False),
        )
        limit = None
        if with_limits and form.get(prefix + "limit") == "yes":
            limit = DoseLimit(
                int(_number(form, prefix + "limit_sets", f"{name}: the most sets", whole=True)),
                int(_number(form, prefix + "limit_reps", f"{name}: the most reps", whole=True)),
                _number(form, prefix + "limit_hold_s", f"{name}: the longest hold", whole=False),
            )
        item = ProgramItem(
            exercise.id,
            dosage,
            str(form.get(prefix + "variant", "standard"))[:20],
            " ".join(str(form.get(prefix + "instruction", "")).split())[:1000],
            limit,
        )
        picked.append((position, order, item))
    picked.sort(key=lambda p: (p[0], p[1]))
    return [item for _, _, item in picked]
