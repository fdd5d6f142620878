"""The pain-monitoring model: pain zones in plain words, and whether pain settled by the next morning.

Thresholds come from ``data/pain.toml`` (Silbernagel et al. 2007). Pain is an integer 0-10.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = [
    "PainModel",
    "PainZone",
    "check_pain_score",
    "exercise_should_stop",
    "load_pain_model",
    "pain_settled",
    "pain_zone",
]

DATA_FILE = Path(__file__).with_name("data") / "pain.toml"


@dataclass(frozen=True)
class PainZone:
    """A band of pain scores (inclusive, 0-10) with its name and meaning for the person."""

    id: str
    low: int
    high: int
    label: str
    meaning: str


@dataclass(frozen=True)
class PainModel:
    zones: tuple[PainZone, ...]
    fallback_settled_max: int
    settling_reason: str
    source: str

    @property
    def acceptable_max(self) -> int:
        """The highest pain (0-10) still acceptable during exercise (5 in the model)."""
        return max(z.high for z in self.zones if z.id != "not_acceptable")


@cache
def load_pain_model(path: Path = DATA_FILE) -> PainModel:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    zones = tuple(
        PainZone(
            id=str(z["id"]),
            low=int(z["low"]),
            high=int(z["high"]),
            label=str(z["label"]),
            meaning=str(z["meaning"]),
        )
        for z in raw["zones"]
    )
    covered = sorted(score for z in zones for score in range(z.low, z.high + 1))
    if covered != list(range(11)):
        raise ValueError(f"{path.name}: zones must cover 0-10 exactly once")
    return PainModel(
        zones=zones,
        fallback_settled_max=int(raw["settling"]["fallback_settled_max"]),
        settling_reason=str(raw["settling"]["reason"]),
        source=str(raw["source"]),
    )


def check_pain_score(score: int) -> int:
    """Return ``score`` if it is a whole number 0-10, else raise ValueError."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"pain must be a whole number from 0 to 10, not {score!r}")
    return score


def pain_zone(score: int, model: PainModel | None = None) -> PainZone:
    """The zone of a pain score 0-10."""
    model = model or load_pain_model()
    check_pain_score(score)
    return next(z for z in model.zones if z.low <= score <= z.high)


def exercise_should_stop(score: int, model: PainModel | None = None) -> bool:
    """True when pain during an exercise (0-10) is above the acceptable limit (5): offer to stop it."""
    model = model or load_pain_model()
    return check_pain_score(score) > model.acceptable_max


def pain_settled(next_morning: int, before: int | None, model: PainModel | None = None) -> bool:
    """Did pain settle by the next morning? No higher than before the workout (0-10 scores).

    Without a rating from before the workout, settled means the next-morning pain is in the safe zone.
    """
    model = model or load_pain_model()
    check_pain_score(next_morning)
    if before is None:
        return next_morning <= model.fallback_settled_max
    return next_morning <= check_pain_score(before)
