"""Red-flag screening: the questions, scoring the answers in three tiers, the advice, clearance and
when to ask again.

Pure rules over ``data/redflags.toml`` (NICE CKS; Finucane et al., JOSPT 2020). A screen never
diagnoses. The tiers: ``urgent`` (signs that the nerves at the bottom of the spine may be squeezed:
stop and get help today), ``stop`` (stop until a clinician has checked: possible fracture, infection,
cancer history with new pain, weight loss) and ``advisory`` (mention it to a clinician; recorded but
never blocking exercise). A stop is lifted only by a recorded clearance: the clinician's name and the
date of the visit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

__all__ = [
    "TIERS",
    "Clearance",
    "RedFlagGroup",
    "RedFlagQuestion",
    "RedFlagScreen",
    "RescreenRecord",
    "RescreenRule",
    "ScreenRecord",
    "ScreenResult",
    "Tier",
    "check_clearance",
    "evaluate_screen",
    "load_red_flags",
    "rescreen_needed",
    "rescreen_reason",
]

DATA_FILE = Path(__file__).with_name("data") / "redflags.toml"

Tier = Literal["urgent", "stop", "advisory", "clear"]
# From the most to the least serious; "clear" is a screen with no flag.
TIERS: tuple[Tier, ...] = ("urgent", "stop", "advisory", "clear")
BLOCKING_TIERS: frozenset[str] = frozenset({"urgent", "stop"})
# A clearance names a visit no longer ago than this (a year-old visit did not check today's answers).
CLEARANCE_MAX_AGE = timedelta(days=365)


@dataclass(frozen=True)
class RedFlagGroup:
    """A family of red flags (cauda equina, fracture, infection, cancer, advisory) and its advice.

    ``advice_not_assessed`` (advisory only) replaces ``advice`` when no clinician has assessed
    this back pain yet.
    """

    id: str
    tier: Tier
    title: str
    advice: str
    source: str
    advice_not_assessed: str = ""

    @property
    def urgent(self) -> bool:
        return self.tier == "urgent"


@dataclass(frozen=True)
class RedFlagQuestion:
    """One yes/no question in plain words; ``group`` is the id of its RedFlagGroup; ``label`` names
    the answer in a few words on the advice page ("New trouble controlling your bladder")."""

    id: str
    group: str
    text: str
    label: str


@dataclass(frozen=True)
class RescreenRule:
    """When the screen is asked again: pain ``pain_rise_points`` over this workout's "before" rating,
    above ``pain_above`` (0-10 scale), or new pain spreading down a leg below the knee."""

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
    # The question (not a flag) whether a clinician has assessed this back pain.
    assessed_id: str = "clinician_assessed"
    assessed_text: str = ""
    # How tiers and the reasons a screen was asked are named to a person.
    tier_words: Mapping[str, str] = field(default_factory=dict)
    reason_words: Mapping[str, str] = field(default_factory=dict)

    def group(self, group_id: str) -> RedFlagGroup:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def question(self, question_id: str) -> RedFlagQuestion:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def tier_of(self, question_id: str) -> Tier:
        return self.group(self.question(question_id).group).tier

    @property
    def answer_ids(self) -> tuple[str, ...]:
        """Every answer a screen needs: the red-flag questions, then whether a clinician assessed it."""
        return (*(q.id for q in self.questions), self.assessed_id)


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of one screen: which questions were answered yes, the most serious tier among
    them, and what to tell the person. ``stop`` (urgent or stop tier) pauses the program."""

    flagged: tuple[str, ...]
    groups: tuple[str, ...]
    tier: Tier
    title: str
    advice: str

    @property
    def urgent(self) -> bool:
        return self.tier == "urgent"

    @property
    def stop(self) -> bool:
        return self.tier in BLOCKING_TIERS


def _require(table: Mapping[str, object], key: str, where: str) -> object:
    if key not in table:
        raise ValueError(f"{DATA_FILE.name}: {where} has no '{key}'")
    return table[key]


@cache
def load_red_flags(path: Path = DATA_FILE) -> RedFlagScreen:
    """Read and check the screen data; a broken file fails loudly naming the field."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    groups = []
    for g in raw["groups"]:
        tier = str(_require(g, "tier", f"group {g.get('id')}"))
        if tier not in TIERS[:3]:
            raise ValueError(
                f"{path.name}: group {g.get('id')} has tier {tier!r}: use urgent, stop or advisory"
            )
        groups.append(
            RedFlagGroup(
                id=str(_require(g, "id", "a group")),
                tier=tier,
                title=str(_require(g, "title", f"group {g.get('id')}")),
                advice=str(_require(g, "advice", f"group {g.get('id')}")).strip(),
                source=str(_require(g, "source", f"group {g.get('id')}")),
                advice_not_assessed=str(g.get("advice_not_assessed", "")).strip(),
            )
        )
    group_ids = {g.id for g in groups}
    questions = []
    for q in raw["questions"]:
        question = RedFlagQuestion(
            id=str(_require(q, "id", "a question")),
            group=str(_require(q, "group", f"question {q.get('id')}")),
            text=str(_require(q, "text", f"question {q.get('id')}")),
            label=str(_require(q, "label", f"question {q.get('id')}")),
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
    assessed = raw["assessed"]
    return RedFlagScreen(
        intro=str(raw["intro"]).strip(),
        groups=tuple(groups),
        questions=tuple(questions),
        rescreen=rescreen,
        clearance_text=str(raw["clearance"]["text"]),
        sources=tuple(str(s) for s in raw["sources"]),
        assessed_id=str(assessed["id"]),
        assessed_text=str(assessed["text"]),
        tier_words={t: str(raw["tier_words"][t]) for t in TIERS},
        reason_words={str(k): str(v) for k, v in raw["reason_words"].items()},
    )


def evaluate_screen(answers: Mapping[str, bool], screen: RedFlagScreen | None = None) -> ScreenResult:
    """Score a screen. Every question, and whether a clinician has assessed this back pain, must be
    answered.

    The tier is the most serious among the yes answers. Urgent advice alone when any urgent sign
    is present; otherwise each stop group's advice, in the order of the data file. Advisory flags
    alone never stop: their advice depends on whether a clinician has assessed this back pain.
    """
    screen = screen or load_red_flags()
    missing = [a for a in screen.answer_ids if a not in answers]
    if missing:
        raise ValueError(f"unanswered red-flag questions: {', '.join(missing)}")
    unknown = sorted(set(answers) - set(screen.answer_ids))
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
            tier="clear",
            title="No warning signs",
            advice="Thank you. None of your answers needs checking before you exercise. "
            "If anything changes, for example new pain down a leg, tell backcoach and it will ask again.",
        )
    groups = [screen.group(g) for g in flagged_groups]
    tier = next(t for t in TIERS if any(g.tier == t for g in groups))
    if tier == "advisory":
        group = groups[0]
        assessed = bool(answers[screen.assessed_id])
        advice = group.advice if assessed or not group.advice_not_assessed else group.advice_not_assessed
        return ScreenResult(flagged, flagged_groups, tier, group.title, advice)
    chosen = [g for g in groups if g.tier == tier]
    advice = " ".join(dict.fromkeys(g.advice for g in chosen))
    return ScreenResult(flagged, flagged_groups, tier, chosen[0].title, advice)


def rescreen_reason(
    pain: int,
    *,
    before_pain: int | None,
    leg_spread: bool = False,
    rule: RescreenRule | None = None,
) -> str | None:
    """Why the screen must be asked again after this pain report (0-10), or None.

    Triggers: new pain spreading down a leg below the knee; pain above ``rule.pain_above``; pain at
    least ``rule.pain_rise_points`` above this workout's "before" rating (``before_pain``).
    """
    rule = rule or load_red_flags().rescreen
    if leg_spread and rule.leg_spread:
        return "You said pain is spreading down a leg, so please answer the safety questions again."
    if pain > rule.pain_above:
        return f"Your pain is {pain} out of 10, so please answer the safety questions again."
    if before_pain is not None and pain - before_pain >= rule.pain_rise_points:
        return (
            f"Your pain has gone up from {before_pain} before you started to {pain} out of 10, "
            "so please answer the safety questions again."
        )
    return None


def rescreen_needed(
    pain: int,
    *,
    before_pain: int | None,
    leg_spread: bool,
    answered: Sequence[RescreenRecord],
    rule: RescreenRule | None = None,
) -> str | None:
    """``rescreen_reason``, unless a re-screen already answered for this workout (``answered``)
    covers this report: the person is not asked the same questions again for the same pain."""
    reason = rescreen_reason(pain, before_pain=before_pain, leg_spread=leg_spread, rule=rule)
    if reason is None or any(r.covers(pain, leg_spread) for r in answered):
        return None
    return reason


@dataclass(frozen=True)
class Clearance:
    """Who cleared a stop and when: the clinician's name and the date of the visit, with an
    optional note. ``recorded_at`` is when it was entered (UTC)."""

    clinician: str
    visit_date: date
    recorded_at: datetime
    note: str | None = None
    recorded_by: str | None = None


def check_clearance(
    clinician: str, visit_date: date, *, today: date, stop_taken_on: date, urgent: bool
) -> str:
    """The clinician's name cleaned up; ValueError (in plain words) for a clearance that cannot stand.

    A clearance needs a name and a visit date that is not in the future and not over a year ago;
    an urgent stop (new signs) needs a visit on or after the day the stop was recorded.
    """
    name = " ".join(clinician.split())
    if len(name) < 2:
        raise ValueError("Please write the name of the clinician who checked you.")
    if len(name) > 200:
        raise ValueError("The clinician's name can be at most 200 characters.")
    if visit_date > today:
        raise ValueError("The date of the visit cannot be in the future.")
    if today - visit_date > CLEARANCE_MAX_AGE:
        raise ValueError("The visit was more than a year ago: please see a clinician about these answers.")
    if urgent and visit_date < stop_taken_on:
        raise ValueError(
            "These signs are new since that visit: a clinician needs to check you again, on or after "
            f"{stop_taken_on:%-d %B %Y}."
        )
    return name


@dataclass(frozen=True)
class ScreenRecord:
    """A stored screen: answers, the tier and what the person was told, and the clearance.

    ``reason`` says why it was asked: first_run, pain_rise, leg_spread or manual. Times are UTC.
    """

    id: int
    taken_at: datetime
    reason: str
    answers: Mapping[str, bool]
    flagged: tuple[str, ...]
    tier: Tier
    title: str
    advice: str
    clearance: Clearance | None = None

    @property
    def urgent(self) -> bool:
        return self.tier == "urgent"

    @property
    def stop(self) -> bool:
        return self.tier in BLOCKING_TIERS

    @property
    def advisory(self) -> bool:
        """Flags worth mentioning to a clinician, none of them blocking."""
        return self.tier == "advisory"

    @property
    def open_stop(self) -> bool:
        """A stop not yet cleared by a clinician: workouts stay blocked."""
        return self.stop and self.clearance is None

    @property
    def clinician_assessed(self) -> bool | None:
        value = self.answers.get(load_red_flags().assessed_id)
        return None if value is None else bool(value)

    def flagged_labels(self, screen: RedFlagScreen | None = None) -> tuple[str, ...]:
        """The yes answers in a few words each, for the advice page ("Weight loss without trying")."""
        screen = screen or load_red_flags()
        labels = []
        for question_id in self.flagged:
            try:
                labels.append(screen.question(question_id).label)
            except KeyError:  # a question retired from the screen since: its id still says what it was
                labels.append(question_id.replace("_", " "))
        return tuple(labels)


@dataclass(frozen=True)
class RescreenRecord:
    """A request to answer the screen again (pain rose sharply, or spread down a leg), with the
    workout it came from, if any."""

    id: int
    requested_at: datetime
    reason: str
    pain_score: int | None = None
    resolved_at: datetime | None = None
    workout_id: int | None = None
    leg_spread: bool = False

    def covers(self, pain: int, leg_spread: bool) -> bool:
        """Whether this request, already answered, covers a new report: the same or lower pain, and
        no leg pain that it did not already ask about. Such a report does not ask again."""
        return (
            self.resolved_at is not None
            and (self.pain_score or 0) >= pain
            and (self.leg_spread or not leg_spread)
        )
