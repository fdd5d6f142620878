"""Reading and checking the exercise catalogue: one TOML file per exercise in ``catalogue/``.

The catalogue is loaded once at start-up by whoever needs it (a service, a CLI command, a test)
and kept by that caller: nothing is cached here. A broken file fails loudly with a
``CatalogueError`` naming the file and the field, e.g.
``bridge.toml: dosage.reps: must be a whole number between 1 and 100 (got 'ten')``.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, fields
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from backcoach.domain.exercises import (
    EXERCISE_IDS,
    Dosage,
    Exercise,
    FormCheck,
    KeyPose,
    Variant,
)
from backcoach.domain.programs import DOSAGE_LIMITS, DosageError, check_dosage_ranges, validate_dosage

__all__ = [
    "ALLOWED_SIDES",
    "CAMERA_VIEWS",
    "CATALOGUE_DIR",
    "FAR_JOINTS",
    "FLOOR_Y",
    "FORM_CHECK_UNITS",
    "OPTIONAL_JOINTS",
    "POSE_BOX",
    "REQUIRED_JOINTS",
    "Catalogue",
    "CatalogueError",
    "UnknownExercise",
    "default_catalogue",
    "load_catalogue",
    "load_exercise_file",
]

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"

CAMERA_VIEWS = ("side", "front", "oblique")
ALLOWED_SIDES = ("left", "right")
FORM_CHECK_UNITS = ("deg", "s", "ratio")

# Key poses are drawn in a 100 x 60 box, y downwards, the floor at y = 55.
POSE_BOX = (100.0, 60.0)
FLOOR_Y = 55.0
REQUIRED_JOINTS = ("head", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "toe")
# Limbs on the far side, given only where the two sides do different things (a dead bug, a march).
FAR_JOINTS = ("far_elbow", "far_wrist", "far_knee", "far_ankle", "far_toe")
# A point halfway down the spine, for exercises about the shape of the back (cat stretch, pelvic tilt).
OPTIONAL_JOINTS = (*FAR_JOINTS, "mid_back")

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _keys(cls: type, *, skip: tuple[str, ...] = (), required: tuple[str, ...] = ()) -> dict[str, bool]:
    """A table's keys from its dataclass: True if required (no default), False if optional."""
    return {
        f.name: f.name in required or (f.default is MISSING and f.default_factory is MISSING)
        for f in fields(cls)
        if f.name not in skip
    }


# Each file spells out its sides, checks and poses, even though the dataclass has defaults for them.
_TOP_KEYS = _keys(Exercise, skip=("id",), required=("sides", "form_checks", "key_poses"))
_DOSAGE_KEYS = _keys(Dosage)
_VARIANT_KEYS = _keys(Variant)
_FORM_CHECK_KEYS = _keys(FormCheck)
_KEY_POSE_KEYS = _keys(KeyPose)


class CatalogueError(ValueError):
    """A catalogue file is missing, unreadable or has a wrong field; the message names both."""


class UnknownExercise(KeyError):
    """No exercise has this id (a KeyError, so a LookupError); the message lists the ids there are."""

    def __init__(self, exercise_id: str, valid_ids: tuple[str, ...]) -> None:
        self.exercise_id = exercise_id
        self.valid_ids = valid_ids
        super().__init__(f"unknown exercise {exercise_id!r}: choose one of {', '.join(valid_ids)}")

    def __str__(self) -> str:
        return str(self.args[0])


class Catalogue:
    """The nine exercises, read-only, iterating in the source article's order."""

    __slots__ = ("_by_id", "_exercises")
    _exercises: tuple[Exercise, ...]
    _by_id: Mapping[str, Exercise]

    def __init__(self, exercises: tuple[Exercise, ...]) -> None:
        by_id = {e.id: e for e in exercises}
        if len(by_id) != len(exercises):
            raise CatalogueError("catalogue: the same exercise id appears twice")
        object.__setattr__(self, "_exercises", tuple(exercises))
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("the catalogue cannot be changed")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("the catalogue cannot be changed")

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return self._exercises

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self._exercises)

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id; raises ``UnknownExercise`` (a KeyError) otherwise."""
        try:
            return self._by_id[exercise_id]
        except (KeyError, TypeError):
            raise UnknownExercise(str(exercise_id), self.ids) from None

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self.get(exercise_id)

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises)

    def __len__(self) -> int:
        return len(self._exercises)

    def __repr__(self) -> str:
        return f"Catalogue({', '.join(self.ids)})"


@cache
def default_catalogue() -> Catalogue:
    """The package's own catalogue, read and checked once per process (the files ship with it)."""
    return load_catalogue()


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Read and check every exercise file in ``directory`` (default: the package's catalogue).

    There must be exactly one ``<id>.toml`` per id in ``EXERCISE_IDS`` and no other ``.toml``
    file. Raises ``CatalogueError`` naming the file and the field at the first problem.
    """
    folder = Path(directory) if directory is not None else CATALOGUE_DIR
    if not folder.is_dir():
        raise CatalogueError(f"catalogue: directory {folder} does not exist")
    present = {p.stem: p for p in folder.glob("*.toml")}
    extra = sorted(set(present) - set(EXERCISE_IDS))
    if extra:
        raise CatalogueError(
            f"{extra[0]}.toml: not one of the nine exercises "
            f"(expected only files named after: {', '.join(EXERCISE_IDS)})"
        )
    exercises = []
    for exercise_id in EXERCISE_IDS:
        path = present.get(exercise_id)
        if path is None:
            raise CatalogueError(f"{exercise_id}.toml: file is missing from {folder}")
        exercises.append(load_exercise_file(path))
    return Catalogue(tuple(exercises))


def load_exercise_file(path: Path) -> Exercise:
    """Read and check one exercise file; its id is the file name without ``.toml``."""
    file = path.name
    try:
        raw = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise CatalogueError(f"{file}: cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{file}: is not UTF-8 text ({exc.reason})") from exc
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{file}: is not valid TOML: {exc}") from exc
    return _ExerciseReader(file, path.stem).read(data)


class _ExerciseReader:
    """Turns one parsed TOML document into an Exercise, with errors naming file and field."""

    def __init__(self, file: str, exercise_id: str) -> None:
        self.file = file
        self.exercise_id = exercise_id

    def fail(self, where: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.file}: {where}: {problem}")

    # --- typed getters -------------------------------------------------------------------------

    def keys(self, table: Mapping[str, Any], spec: Mapping[str, bool], where: str) -> None:
        prefix = f"{where}." if where else ""
        for key, required in spec.items():
            if required and key not in table:
                raise self.fail(f"{prefix}{key}", "is missing")
        for key in table:
            if key not in spec:
                raise self.fail(f"{prefix}{key}", f"is not a known field (known: {', '.join(spec)})")

    def text(self, table: Mapping[str, Any], key: str, where: str) -> str:
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(where, f"must be text (got {value!r})")
        if not value.strip():
            raise self.fail(where, "must not be empty")
        return " ".join(value.split())

    def texts(
        self, table: Mapping[str, Any], key: str, where: str, *, allow_empty: bool = False
    ) -> tuple[str, ...]:
        value = table[key]
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of text (got {value!r})")
        if not value and not allow_empty:
            raise self.fail(where, "must not be empty")
        out = []
        for i, item in enumerate(value, start=1):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}[{i}]", f"must be non-empty text (got {item!r})")
            out.append(" ".join(item.split()))
        return tuple(out)

    def boolean(self, table: Mapping[str, Any], key: str, where: str) -> bool:
        value = table[key]
        if not isinstance(value, bool):
            raise self.fail(where, f"must be true or false (got {value!r})")
        return value

    def whole(self, table: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(where, f"must be a whole number between {low} and {high} (got {value!r})")
        return value

    def number(self, table: Mapping[str, Any], key: str, where: str, low: float, high: float) -> float:
        value = table[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise self.fail(where, f"must be a number between {low:g} and {high:g} (got {value!r})")
        return float(value)

    def pair(self, table: Mapping[str, Any], key: str, where: str, *, whole: bool) -> tuple[float, float]:
        value = table[key]
        kind = "whole numbers" if whole else "numbers"
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(
                not isinstance(v, bool) and (isinstance(v, int) if whole else isinstance(v, int | float))
                for v in value
            )
        )
        if not ok:
            raise self.fail(where, f"must be a pair [lowest, highest] of {kind} (got {value!r})")
        low, high = value
        if low > high:
            raise self.fail(where, f"lowest must not be above highest (got {value!r})")
        return (low, high)

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data[key]
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a table (got {value!r})")
        return value

    def tables(self, data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(where, f"must be a list of tables ([[{key}]]) (got {value!r})")
        return value

    # --- sections ------------------------------------------------------------------------------

    def read(self, data: Mapping[str, Any]) -> Exercise:
        self.keys(data, _TOP_KEYS, "")
        sides = self.texts(data, "sides", "sides", allow_empty=True)
        for i, side in enumerate(sides, start=1):
            if side not in ALLOWED_SIDES:
                raise self.fail(f"sides[{i}]", f"must be one of {', '.join(ALLOWED_SIDES)} (got {side!r})")
        if sides and tuple(sides) != ALLOWED_SIDES:
            raise self.fail("sides", f'must be [] or ["left", "right"] (got {list(sides)!r})')
        camera_view = self.text(data, "camera_view", "camera_view")
        if camera_view not in CAMERA_VIEWS:
            raise self.fail("camera_view", f"must be one of {', '.join(CAMERA_VIEWS)} (got {camera_view!r})")
        dosage = self.dosage(self.table(data, "dosage", "dosage"))
        if dosage.per_side != bool(sides):
            raise self.fail(
                "dosage.per_side",
                "must be true exactly when the exercise has sides "
                f"(sides = {list(sides)!r}, per_side = {str(dosage.per_side).lower()})",
            )
        camera_counts = self.boolean(data, "camera_counts", "camera_counts")
        form_checks = tuple(
            self.form_check(t, f"form_checks[{i}]")
            for i, t in enumerate(self.tables(data, "form_checks", "form_checks"), start=1)
        )
        codes = [c.code for c in form_checks]
        if len(set(codes)) != len(codes):
            raise self.fail("form_checks", f"a code appears twice ({codes!r})")
        key_poses = self.key_poses(self.tables(data, "key_poses", "key_poses"))
        return Exercise(
            id=self.exercise_id,
            name=self.text(data, "name", "name"),
            summary=self.text(data, "summary", "summary"),
            why=self.text(data, "why", "why"),
            start_position=self.text(data, "start_position", "start_position"),
            steps=self.texts(data, "steps", "steps"),
            breathing=self.text(data, "breathing", "breathing"),
            tempo=self.text(data, "tempo", "tempo"),
            mistakes=self.texts(data, "mistakes", "mistakes"),
            safety=self.texts(data, "safety", "safety"),
            dosage=dosage,
            easier=self.variant(self.table(data, "easier", "easier"), "easier"),
            harder=self.variant(self.table(data, "harder", "harder"), "harder"),
            camera_view=camera_view,
            camera_note=self.text(data, "camera_note", "camera_note"),
            camera_counts=camera_counts,
            sides=sides,
            form_checks=form_checks,
            key_poses=key_poses,
        )

    def dosage(self, t: Mapping[str, Any]) -> Dosage:
        self.keys(t, _DOSAGE_KEYS, "dosage")
        kind = t["kind"]
        if kind not in ("reps", "hold"):
            raise self.fail("dosage.kind", f'must be "reps" or "hold" (got {kind!r})')
        # Types first (a clear message for 'ten'); value limits come from programs.validate_dosage
        # so the catalogue and a person's own program obey the same hard limits.
        for key in ("sets", "reps", "times_per_day", "hold_s", "rest_s"):
            value = t[key]
            whole = key in ("sets", "reps", "times_per_day")
            low, high = DOSAGE_LIMITS[key]
            if (
                isinstance(value, bool)
                or not isinstance(value, int if whole else int | float)
                or not math.isfinite(value)
            ):
                what = "a whole number" if whole else "a number of seconds"
                raise self.fail(
                    f"dosage.{key}", f"must be {what} between {low:g} and {high:g} (got {value!r})"
                )
        sets_range = self.pair(t, "sets_range", "dosage.sets_range", whole=True)
        reps_range = self.pair(t, "reps_range", "dosage.reps_range", whole=True)
        hold_range = self.pair(t, "hold_range_s", "dosage.hold_range_s", whole=False)
        alternating = self.boolean(t, "alternating", "dosage.alternating") if "alternating" in t else False
        dosage = Dosage(
            kind=kind,
            sets=t["sets"],
            reps=t["reps"],
            hold_s=float(t["hold_s"]),
            rest_s=float(t["rest_s"]),
            per_side=self.boolean(t, "per_side", "dosage.per_side"),
            times_per_day=t["times_per_day"],
            sets_range=(int(sets_range[0]), int(sets_range[1])),
            reps_range=(int(reps_range[0]), int(reps_range[1])),
            hold_range_s=(float(hold_range[0]), float(hold_range[1])),
            source=self.text(t, "source", "dosage.source"),
            alternating=alternating,
        )
        try:
            validate_dosage(dosage, self.exercise_id)
            check_dosage_ranges(dosage, self.exercise_id)
        except DosageError as exc:
            raise self.fail(f"dosage.{exc.field}", exc.detail) from None
        return dosage

    def variant(self, t: Mapping[str, Any], where: str) -> Variant:
        self.keys(t, _VARIANT_KEYS, where)
        return Variant(
            name=self.text(t, "name", f"{where}.name"),
            description=self.text(t, "description", f"{where}.description"),
        )

    def form_check(self, t: Mapping[str, Any], where: str) -> FormCheck:
        self.keys(t, _FORM_CHECK_KEYS, where)
        code = self.text(t, "code", f"{where}.code")
        if not _SNAKE.match(code):
            raise self.fail(f"{where}.code", f"must be a snake_case code (got {code!r})")
        unit = self.text(t, "unit", f"{where}.unit")
        if unit not in FORM_CHECK_UNITS:
            raise self.fail(f"{where}.unit", f"must be one of {', '.join(FORM_CHECK_UNITS)} (got {unit!r})")
        name = self.text(t, "threshold_name", f"{where}.threshold_name")
        if not _SNAKE.match(name) or not name.endswith(f"_{unit}"):
            raise self.fail(
                f"{where}.threshold_name",
                f"must be snake_case and end with its unit '_{unit}' (got {name!r})",
            )
        high = {"deg": 180.0, "s": 60.0, "ratio": 1.0}[unit]
        return FormCheck(
            code=code,
            cue=self.text(t, "cue", f"{where}.cue"),
            threshold_name=name,
            threshold_value=self.number(t, "threshold_value", f"{where}.threshold_value", 0.0, high),
            unit=unit,
            reason=self.text(t, "reason", f"{where}.reason"),
        )

    def key_poses(self, tables: list[Mapping[str, Any]]) -> tuple[KeyPose, ...]:
        if len(tables) < 2:
            raise self.fail("key_poses", f"needs at least 2 poses to move between (got {len(tables)})")
        poses = []
        first_joints: tuple[str, ...] | None = None
        for i, t in enumerate(tables, start=1):
            where = f"key_poses[{i}]"
            self.keys(t, _KEY_POSE_KEYS, where)
            joints_raw = self.table(t, "joints", f"{where}.joints")
            joints: dict[str, tuple[float, float]] = {}
            for joint in REQUIRED_JOINTS:
                if joint not in joints_raw:
                    raise self.fail(f"{where}.joints.{joint}", "is missing")
            for joint, xy in joints_raw.items():
                jwhere = f"{where}.joints.{joint}"
                if joint not in REQUIRED_JOINTS and joint not in OPTIONAL_JOINTS:
                    known = ", ".join((*REQUIRED_JOINTS, *OPTIONAL_JOINTS))
                    raise self.fail(jwhere, f"is not a known joint (known: {known})")
                if (
                    not isinstance(xy, list)
                    or len(xy) != 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in xy)
                ):
                    raise self.fail(jwhere, f"must be a pair [x, y] of numbers (got {xy!r})")
                x, y = float(xy[0]), float(xy[1])
                if not (0.0 <= x <= POSE_BOX[0] and 0.0 <= y <= FLOOR_Y):
                    raise self.fail(
                        jwhere,
                        f"must lie in the drawing box, x 0-{POSE_BOX[0]:g} and y 0-{FLOOR_Y:g} "
                        f"(the floor) (got {xy!r})",
                    )
                joints[joint] = (x, y)
            names = tuple(sorted(joints))
            if first_joints is None:
                first_joints = names
            elif names != first_joints:
                raise self.fail(
                    f"{where}.joints",
                    f"must name the same joints as key_poses[1] so the drawing can move between them "
                    f"(got {', '.join(names)}; expected {', '.join(first_joints)})",
                )
            poses.append(
                KeyPose(
                    name=self.text(t, "name", f"{where}.name"),
                    joints=joints,
                    hold_s=self.number(t, "hold_s", f"{where}.hold_s", 0.0, 30.0),
                )
            )
        return tuple(poses)
