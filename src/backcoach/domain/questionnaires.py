"""Outcome questionnaires: their texts and terms as data, scoring, and when they are next due.

Pure. The data file ``data/questionnaires.toml`` records each instrument's source and terms of use:
STarT Back is shown word for word (Keele allows free non-commercial use with its copyright line);
the Roland-Morris (RMDQ) and Oswestry (ODI) texts are not included, so only their scores are stored;
the Patient-Specific Functional Scale (PSFS) uses the person's own activities.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "INSTRUMENTS",
    "Instrument",
    "OdiResult",
    "PsfsResult",
    "ResponseRecord",
    "RmdqResult",
    "StartBackResult",
    "check_interval_days",
    "default_interval_days",
    "load_instruments",
    "next_due",
    "odi_band",
    "score_odi",
    "score_psfs",
    "score_rmdq",
    "score_startback",
    "startback_items",
]

DATA_FILE = Path(__file__).with_name("data") / "questionnaires.toml"
INSTRUMENTS: tuple[str, ...] = ("pain", "startback", "rmdq", "odi", "psfs")


@dataclass(frozen=True)
class Instrument:
    """One outcome measure: its name, score range, direction, terms and meaningful-change rule.

    A change is meaningful when it is at least ``mcid_points`` points, or at least ``mcid_percent``
    percent of the baseline (when ``mcid_percent`` is above 0).
    """

    id: str
    name: str
    short: str
    text_included: bool
    min_score: float
    max_score: float
    lower_is_better: bool
    source: str
    terms: str
    mcid_points: float
    mcid_percent: float
    mcid_source: str
    raw: Mapping[str, Any]


@dataclass(frozen=True)
class StartBackResult:
    total: int
    psych_score: int
    group: str
    label: str
    meaning: str


@dataclass(frozen=True)
class RmdqResult:
    score: int
    functional: bool


@dataclass(frozen=True)
class OdiResult:
    index: float
    sections_answered: int
    band: str


@dataclass(frozen=True)
class PsfsResult:
    mean: float
    ratings: tuple[tuple[str, int], ...]


@cache
def _raw(path: Path = DATA_FILE) -> Mapping[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@cache
def load_instruments() -> Mapping[str, Instrument]:
    """Every instrument by id (pain, startback, rmdq, odi, psfs)."""
    raw = _raw()
    out: dict[str, Instrument] = {}
    for key in INSTRUMENTS:
        table = raw[key]
        mc = table.get("meaningful_change", {})
        out[key] = Instrument(
            id=key,
            name=str(table["name"]),
            short=str(table.get("short", table["name"])),
            text_included=bool(table.get("text_included", True)),
            min_score=float(table.get("min", 0)),
            max_score=float(table.get("max", 12)),
            lower_is_better=bool(table.get("lower_is_better", True)),
            source=str(table["source"]),
            terms=str(table["terms"]).strip(),
            mcid_points=float(mc.get("points", 0)),
            mcid_percent=float(mc.get("percent", 0)),
            mcid_source=str(mc.get("source", "")),
            raw=table,
        )
    return out


def startback_items() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The nine STarT Back items word for word, each with its answer options (index = answer)."""
    sb = _raw()["startback"]
    agree = tuple(str(o) for o in sb["agree_options"])
    items = [(str(text), agree) for text in sb["agree_items"]]
    items.append((str(sb["bothersome_item"]), tuple(str(o) for o in sb["bothersome_options"])))
    return tuple(items)


def score_startback(answers: Sequence[int]) -> StartBackResult:
    """Score the nine STarT Back answers (option indexes; items 1-8: 0 disagree / 1 agree; item 9: 0-4).

    Item 9 scores 1 for "Very much" or "Extremely". Total 0-9; the distress subscale is items 5-9.
    Group: total <= 3 low; items 5-9 >= 4 high; otherwise medium (Keele scoring).
    """
    sb = _raw()["startback"]
    items = startback_items()
    if len(answers) != len(items):
        raise ValueError(f"STarT Back needs {len(items)} answers, got {len(answers)}")
    points: list[int] = []
    for number, (answer, (_, options)) in enumerate(zip(answers, items, strict=True), start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(options):
            raise ValueError(f"STarT Back item {number}: answer must be 0-{len(options) - 1}, not {answer!r}")
        if number == len(items):
            points.append(1 if answer >= int(sb["bothersome_scores_one_from"]) else 0)
        else:
            points.append(answer)
    total = sum(points)
    psych = sum(points[i - 1] for i in sb["psych_items"])
    if total <= int(sb["low_max_total"]):
        group = "low"
    elif psych >= int(sb["high_min_psych"]):
        group = "high"
    else:
        group = "medium"
    g = sb["groups"][group]
    return StartBackResult(total, psych, group, str(g["label"]), str(g["meaning"]))


def score_rmdq(score: int) -> RmdqResult:
    """Check an RMDQ total (0-24 statements ticked); 4 or less is "functional"."""
    rmdq = _raw()["rmdq"]
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= int(rmdq["max"]):
        raise ValueError(
            f"the Roland-Morris score must be a whole number from 0 to {rmdq['max']}, not {score!r}"
        )
    return RmdqResult(score, score <= int(rmdq["functional_max"]))


def score_odi(sections: Sequence[int | None]) -> OdiResult:
    """ODI index (0-100) from the 10 section scores (0-5 each, None for unanswered).

    index = total / (5 x sections answered) x 100 (Fairbank & Pynsent 2000).
    """
    odi = _raw()["odi"]
    n, top = int(odi["sections"]), int(odi["section_max"])
    if len(sections) != n:
        raise ValueError(
            f"the Oswestry index needs {n} section scores (None for a skipped one), got {len(sections)}"
        )
    answered = [s for s in sections if s is not None]
    for s in answered:
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= top:
            raise ValueError(f"each Oswestry section score must be a whole number from 0 to {top}, not {s!r}")
    if not answered:
        raise ValueError("answer at least one Oswestry section")
    index = sum(answered) / (top * len(answered)) * 100
    return OdiResult(round(index, 1), len(answered), odi_band(index))


def odi_band(index: float) -> str:
    """The ODI band label for an index 0-100 (0-20 minimal ... 81-100 bed-bound)."""
    if not 0 <= index <= 100 or math.isnan(index):
        raise ValueError(f"the Oswestry index must be from 0 to 100, not {index!r}")
    whole = round(index)
    return next(str(b["label"]) for b in _raw()["odi"]["bands"] if whole <= int(b["max"]))


def score_psfs(ratings: Mapping[str, int]) -> PsfsResult:
    """Mean of up to three activity ratings (0 cannot do - 10 as before the pain)."""
    psfs = _raw()["psfs"]
    if not 1 <= len(ratings) <= int(psfs["max_activities"]):
        raise ValueError(f"name between 1 and {psfs['max_activities']} activities")
    clean: list[tuple[str, int]] = []
    for name, value in ratings.items():
        activity = " ".join(str(name).split())
        if not activity or len(activity) > 120:
            raise ValueError("each activity needs a short name (1-120 characters)")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ValueError(f"rate '{activity}' with a whole number from 0 to 10, not {value!r}")
        clean.append((activity, value))
    return PsfsResult(round(sum(v for _, v in clean) / len(clean), 2), tuple(clean))


def check_interval_days(days: int) -> int:
    """Return the questionnaire interval if it is allowed (7-56 days), else raise ValueError."""
    sched = _raw()["schedule"]
    low, high = int(sched["min_days"]), int(sched["max_days"])
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        raise ValueError(f"the questionnaire interval must be a whole number of days from {low} to {high}")
    return days


def default_interval_days() -> int:
    return int(_raw()["schedule"]["repeat_every_days"])


def next_due(last_taken: date | None, today: date, interval_days: int | None = None) -> date:
    """When the questionnaires are next due: today if never taken, else ``interval_days`` after the last."""
    if last_taken is None:
        return today
    days = check_interval_days(interval_days) if interval_days is not None else default_interval_days()
    return last_taken + timedelta(days=days)


@dataclass(frozen=True)
class ResponseRecord:
    """A stored questionnaire response: the score, its band or group, and the answers given.

    ``score`` is the total (STarT Back, RMDQ), the index (ODI), the mean (PSFS) or the rating (pain).
    """

    id: int
    instrument: str
    taken_at: datetime
    score: float
    band: str | None
    answers: Mapping[str, Any]
