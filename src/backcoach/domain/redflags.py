"""Red-flag screening: the questions, scoring the answers, the advice, and when to ask again.

Pure rules over ``data/redflags.toml`` (NICE CKS; Finucane et al., JOSPT 2020). A screen never
diagnoses: any "yes" gives calm advice to get checked, urgent (same day) for the signs that the
nerves at the bottom of the spine may be squeezed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

__all__ = [
    "RedFlagGroup",
    "RedFlagQuestion",
    "RedFlagScreen",
    "RescreenRecord",
    "RescreenRule",
    "ScreenRecord",
    "ScreenResult",
    "evaluate_screen",
    "load_red_flags",
    "rescreen_reason",
]

DATA_FILE = Path(__file__).with_name("data") / "redflags.toml"


@dataclass(frozen=True)
class RedFlagGroup:
    """A family of red flags (cauda equina, cancer, infection, fracture) and its advice."""

    id: str
    urgent: bool
    title: str
    advice: str
    source: str


@dataclass(frozen=True)
class RedFlagQuestion:
    """One yes/no question in plain words; ``group`` is the id of its RedFlagGroup."""

    id: str
    group: str
    text: str


@dataclass(frozen=True)
class RescreenRule:
    """When the screen is asked again: pain ``pain_rise_points`` over baseline, above ``pain_above``
    (0-10 scale), or pain spreading down a leg."""

    pain_rise_points: int
    pain_above: int
    leg_spread: bool
    reason: str
    source: str


@dataclass(frozen=True)
class RedFlagScreen:
    """The whole screen as data."""

    intro: str
    groups: tuple[RedFlagGroup, ...]
    questions: tuple[RedFlagQuestion, ...]
    rescreen: RescreenRule
    clearance_text: str
    sources: tuple[str, ...]

    def group(self, group_id: str) -> RedFlagGroup:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of one screen: which questions were answered yes and what to tell the person."""

    flagged: tuple[str, ...]
    groups: tuple[str, ...]
    urgent: bool
    title: str
    advice: str

    @property
    def stop(self) -> bool:
        return bool(self.flagged)


def _require(table: Mapping[str, object], key: str, where: str) -> object:
    if key not in table:
        raise ValueError(f"{DATA_FILE.name}: {where} has no '{key}'")
    return table[key]


@cache
def load_red_flags(path: Path = DATA_FILE) -> RedFlagScreen:
    """Read and check the screen data; a broken file fails loudly naming the field."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    groups = tuple(
        RedFlagGroup(
            id=str(_require(g, "id", "a group")),
            urgent=bool(_require(g, "urgent", f"group {g.get('id')}")),
            title=str(_require(g, "title", f"group {g.get('id')}")),
            advice=str(_require(g, "advice", f"group {g.get('id')}")).strip(),
            source=str(_require(g, "source", f"group {g.get('id')}")),
        )
        for g in raw["groups"]
    )
    group_ids = {g.id for g in groups}
    questions = []
    for q in raw["questions"]:
        question = RedFlagQuestion(
            id=str(_require(q, "id", "a question")),
            group=str(_require(q, "group", f"question {q.get('id')}")),
            text=str(_require(q, "text", f"question {q.get('id')}")),
        )
        if question.group not in group_ids:
            raise ValueError(f"{path.name}: question {question.id} names unknown group {question.group}")
        questions.append(question)
    if len({q.id for q in questions}) != len(questions):
        raise ValueError(f"{path.name}: question ids must be unique")
    r = raw["rescreen"]
    rescreen = RescreenRule(
        pain_rise_points=int(r["pain_rise_points"]),
        pain_above=int(r["pain_above"]),
        leg_spread=bool(r["leg_spread"]),
        reason=str(r["reason"]).strip(),
        source=str(r["source"]),
    )
    return RedFlagScreen(
        intro=str(raw["intro"]).strip(),
        groups=groups,
        questions=tuple(questions),
        rescreen=rescreen,
        clearance_text=str(raw["clearance"]["text"]),
        sources=tuple(str(s) for s in raw["sources"]),
    )


def evaluate_screen(answers: Mapping[str, bool], screen: RedFlagScreen | None = None) -> ScreenResult:
    """Score a screen: any yes is a red flag. Every question must be answered.

    The advice is the urgent group's when any urgent sign is present, otherwise the advice of each
    group with a yes, in the order of the data file.
    """
    screen = screen or load_red_flags()
    missing = [q.id for q in screen.questions if q.id not in answers]
    if missing:
        raise ValueError(f"unanswered red-flag questions: {', '.join(missing)}")
    unknown = sorted(set(answers) - {q.id for q in screen.questions})
    if unknown:
        raise ValueError(f"unknown red-flag questions: {', '.join(unknown)}")
    flagged = tuple(q.id for q in screen.questions if answers[q.id])
    flagged_groups = tuple(
        g.id for g in screen.groups if any(q.group == g.id for q in screen.questions if q.id in flagged)
    )
    if not flagged:
        return ScreenResult(
            flagged=(),
            groups=(),
            urgent=False,
            title="No warning signs",
            advice="Thank you. None of your answers needs checking before you exercise. "
            "If anything changes, for example new pain down a leg, tell backcoach and it will ask again.",
        )
    urgent_groups = [screen.group(g) for g in flagged_groups if screen.group(g).urgent]
    chosen = urgent_groups or [screen.group(g) for g in flagged_groups]
    advice = chosen[0].advice if len(chosen) == 1 else " ".join(dict.fromkeys(g.advice for g in chosen))
    return ScreenResult(
        flagged=flagged,
        groups=flagged_groups,
        urgent=bool(urgent_groups),
        title=chosen[0].title,
        advice=advice,
    )


def rescreen_reason(
    pain: int,
    *,
    baseline_pain: int | None,
    leg_spread: bool = False,
    rule: RescreenRule | None = None,
) -> str | None:
    """Why the screen must be asked again after this pain report (0-10), or None.

    Triggers: pain spreading down a leg; pain above ``rule.pain_above``; pain at least
    ``rule.pain_rise_points`` above the baseline rating.
    """
    rule = rule or load_red_flags().rescreen
    if leg_spread and rule.leg_spread:
        return "You said pain is spreading down a leg, so please answer the safety questions again."
    if pain > rule.pain_above:
        return f"Your pain is {pain} out of 10, so please answer the safety questions again."
    if baseline_pain is not None and pain - baseline_pain >= rule.pain_rise_points:
        return (
            f"Your pain has gone up from {baseline_pain} to {pain} out of 10, "
            "so please answer the safety questions again."
        )
    return None


@dataclass(frozen=True)
class ScreenRecord:
    """A stored screen: answers, what the person was told, and when a clinician cleared them.

    ``reason`` says why it was asked: first_run, pain_rise, leg_spread or manual. Times are UTC.
    """

    id: int
    taken_at: datetime
    reason: str
    answers: Mapping[str, bool]
    flagged: tuple[str, ...]
    urgent: bool
    title: str
    advice: str
    cleared_at: datetime | None = None
    cleared_note: str | None = None

    @property
    def stop(self) -> bool:
        return bool(self.flagged)

    @property
    def open_stop(self) -> bool:
        """A red flag not yet cleared by a clinician: workouts stay blocked."""
        return self.stop and self.cleared_at is None


@dataclass(frozen=True)
class RescreenRecord:
    """A request to answer the screen again (pain rose sharply, or spread down a leg)."""

    id: int
    requested_at: datetime
    reason: str
    pain_score: int | None = None
    resolved_at: datetime | None = None
