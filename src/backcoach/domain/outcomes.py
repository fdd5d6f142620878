"""Outcomes over time: change from the baseline and whether it is a meaningful change.

Pure. The meaningful-change rules (pain 2 points or 30%; RMDQ 5 points or 30%; ODI 10 points;
PSFS 2 points) come from ``data/questionnaires.toml`` with their sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from backcoach.domain.questionnaires import Instrument, load_instruments

__all__ = ["Change", "OutcomePoint", "OutcomeSeries", "compare_scores", "mark_series", "mcid_text"]

Direction = Literal["better", "worse", "same"]


@dataclass(frozen=True)
class Change:
    """The change of a score from its baseline: points, percent of the baseline, and its meaning."""

    delta: float
    percent: float | None
    direction: Direction
    meaningful: bool


@dataclass(frozen=True)
class OutcomePoint:
    taken_at: datetime
    value: float
    change: Change


@dataclass(frozen=True)
class OutcomeSeries:
    """One measure over time; the first point is the baseline."""

    instrument: str
    name: str
    lower_is_better: bool
    mcid_text: str
    points: tuple[OutcomePoint, ...]

    @property
    def latest(self) -> OutcomePoint | None:
        return self.points[-1] if self.points else None


def compare_scores(instrument: Instrument | str, baseline: float, value: float) -> Change:
    """Change from ``baseline`` to ``value`` on this instrument's scale, and whether it is meaningful.

    Meaningful: at least ``mcid_points`` points, or at least ``mcid_percent`` % of the baseline.
    """
    inst = load_instruments()[instrument] if isinstance(instrument, str) else instrument
    delta = value - baseline
    percent = (abs(delta) / baseline * 100) if baseline else None
    if delta == 0:
        direction: Direction = "same"
    elif (delta < 0) == inst.lower_is_better:
        direction = "better"
    else:
        direction = "worse"
    meaningful = delta != 0 and (
        (inst.mcid_points > 0 and abs(delta) >= inst.mcid_points)
        or (inst.mcid_percent > 0 and percent is not None and percent >= inst.mcid_percent)
    )
    return Change(round(delta, 2), None if percent is None else round(percent, 1), direction, meaningful)


def mcid_text(inst: Instrument) -> str:
    """The meaningful-change rule in words: "2 points or 30%"."""
    text = f"{inst.mcid_points:g} points"
    if inst.mcid_percent > 0:
        text += f" or {inst.mcid_percent:g}%"
    return text


def mark_series(instrument: str, readings: Sequence[tuple[datetime, float]]) -> OutcomeSeries:
    """Put readings in time order and mark each one's change from the first (the baseline)."""
    inst = load_instruments()[instrument]
    ordered = sorted(readings, key=lambda r: r[0])
    points: list[OutcomePoint] = []
    if ordered:
        baseline = ordered[0][1]
        points = [OutcomePoint(t, v, compare_scores(inst, baseline, v)) for t, v in ordered]
    return OutcomeSeries(instrument, inst.name, inst.lower_is_better, mcid_text(inst), tuple(points))
