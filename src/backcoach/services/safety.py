"""Safety use cases: the red-flag screen, the stop it puts on workouts, clearance, and pain check-ins.

The screen is asked before the first workout: until it has been answered, starting a workout raises
``SafetyStop`` asking for it (``screen_required`` tells a page or command to show the screen first).
A red flag (any "yes" on the screen) stops the program with calm advice to get checked; workouts
stay blocked (``ensure_can_exercise`` raises ``SafetyStop``) until the person confirms a clinician
has cleared them. A sharp rise in pain or pain spreading down a leg asks for the screen again, and
workouts wait until it is answered. The rules live in ``backcoach.domain.redflags`` and ``pain``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from backcoach.domain.pain import PainZone, exercise_should_stop, pain_zone
from backcoach.domain.progression import ProposalRecord
from backcoach.domain.records import PainRecord
from backcoach.domain.redflags import (
    RedFlagScreen,
    RescreenRecord,
    ScreenRecord,
    evaluate_screen,
    load_red_flags,
    rescreen_reason,
)
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, SafetyStop
from backcoach.store.rows_safety import SafetyRepository

__all__ = [
    "CHECKIN_MOMENTS",
    "CheckIn",
    "SafetyStatus",
    "baseline_pain",
    "check_can_start_workout",
    "check_in",
    "confirm_cleared",
    "ensure_can_exercise",
    "safety_repository",
    "safety_status",
    "screen_questions",
    "screen_required",
    "submit_screen",
]

CHECKIN_MOMENTS: tuple[str, ...] = ("next_morning", "before", "during", "after")
SCREEN_REASONS: tuple[str, ...] = ("first_run", "pain_rise", "leg_spread", "manual")


@contextmanager
def safety_repository(ctx: AppContext) -> Iterator[SafetyRepository]:
    """Safety rows on the context's session (committed at the end, errors turned into BackcoachError)."""
    with ctx.repository() as repo:
        yield SafetyRepository(repo.session, repo.user_id)


@dataclass(frozen=True)
class SafetyStatus:
    """Where the person stands: screened or not, an open red flag, a re-screen waiting."""

    screened: bool
    last_screen: ScreenRecord | None
    open_stop: ScreenRecord | None
    rescreen: RescreenRecord | None

    @property
    def can_exercise(self) -> bool:
        """No red flag open and no re-screen waiting (the first-run screen is ``ready_to_exercise``)."""
        return self.open_stop is None and self.rescreen is None

    @property
    def ready_to_exercise(self) -> bool:
        """A workout may start: the screen has been answered and nothing stops or waits."""
        return self.screened and self.can_exercise

    @property
    def needs_screen(self) -> bool:
        """The screen should be shown: never answered (first run) or asked again."""
        return not self.screened or self.rescreen is not None

    @property
    def message(self) -> str:
        """What to tell the person when they try to exercise (empty when they can)."""
        if self.open_stop is not None:
            return (
                f"{self.open_stop.title}. {self.open_stop.advice} When a clinician has checked you and "
                "said you can exercise, confirm it with `backcoach screen --cleared` or on the safety page."
            )
        if self.rescreen is not None:
            return (
                f"{self.rescreen.reason} Run `backcoach screen` or open the safety page; "
                "your workouts wait until then."
            )
        if not self.screened:
            return (
                "Before your first workout, please answer a few short safety questions (about 2 minutes): "
                "run `backcoach screen`, or open the safety page (/safety/screen)."
            )
        return ""


def screen_questions() -> RedFlagScreen:
    """The screen's questions in plain words, with the intro and the clearance wording."""
    return load_red_flags()


def _rescreen_from_ratings(ctx: AppContext, since: ScreenRecord) -> None:
    """Pain ratings stored since the last screen (by any path: the player, the CLI) that rose sharply
    ask for the screen again, so the rule holds whoever recorded the pain."""
    with ctx.repository() as repo:
        ratings = [r for r in repo.list_pain(since=since.taken_at) if r.taken_at > since.taken_at]
    if not ratings:
        return
    baseline = baseline_pain(ctx)
    for rating in ratings:
        reason = rescreen_reason(rating.score, baseline_pain=baseline)
        if reason is not None:
            with safety_repository(ctx) as srepo:
                if not srepo.open_rescreens():
                    srepo.add_rescreen(requested_at=rating.taken_at, reason=reason, pain_score=rating.score)
            return


def safety_status(ctx: AppContext) -> SafetyStatus:
    with safety_repository(ctx) as srepo:
        screens = srepo.screens()
        rescreens = srepo.open_rescreens()
    if screens and not rescreens:
        _rescreen_from_ratings(ctx, screens[-1])
        with safety_repository(ctx) as srepo:
            rescreens = srepo.open_rescreens()
    open_stops = [s for s in screens if s.open_stop]
    return SafetyStatus(
        screened=bool(screens),
        last_screen=screens[-1] if screens else None,
        open_stop=open_stops[-1] if open_stops else None,
        rescreen=rescreens[-1] if rescreens else None,
    )


def screen_required(ctx: AppContext) -> bool:
    """Whether the red-flag screen must be shown before a workout: never answered (first run), or asked
    again after a sharp rise in pain or pain down a leg. A page or command shows the screen when True."""
    return safety_status(ctx).needs_screen


def ensure_can_exercise(ctx: AppContext) -> None:
    """Raise SafetyStop (with the advice) while a red flag is open, the screen must be answered again,
    or it has never been answered."""
    status = safety_status(ctx)
    if not status.ready_to_exercise:
        raise SafetyStop(status.message)


# The name the workouts service's hook was written against.
check_can_start_workout = ensure_can_exercise


def submit_screen(ctx: AppContext, answers: Mapping[str, bool], *, reason: str | None = None) -> ScreenRecord:
    """Store a screen. Every question must be answered yes (True) or no (False).

    ``reason`` defaults to first_run for the first screen, the re-screen's trigger when one is
    waiting, else manual. Answering resolves any waiting re-screen request.
    """
    try:
        result = evaluate_screen({str(k): bool(v) for k, v in answers.items()})
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if reason is not None and reason not in SCREEN_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(SCREEN_REASONS)} (got {reason!r})")
    now = ctx.clock.now()
    with safety_repository(ctx) as srepo:
        if reason is None:
            waiting = srepo.open_rescreens()
            if not srepo.screens():
                reason = "first_run"
            elif waiting:
                reason = "leg_spread" if "leg" in waiting[-1].reason else "pain_rise"
            else:
                reason = "manual"
        record = srepo.add_screen(
            taken_at=now,
            reason=reason,
            answers=answers,
            flagged=result.flagged,
            urgent=result.urgent,
            title=result.title,
            advice=result.advice,
        )
        srepo.resolve_rescreens(now)
    return record


def confirm_cleared(ctx: AppContext, note: str = "") -> int:
    """The person confirms a clinician has checked them: every open red flag is cleared (with the time).

    Returns how many were cleared; InvalidInput when there is nothing to clear.
    """
    clean = " ".join(note.split())[:500]
    with safety_repository(ctx) as srepo:
        cleared = srepo.clear_open_stops(ctx.clock.now(), clean or load_red_flags().clearance_text)
    if not cleared:
        raise InvalidInput("there is no open safety stop to clear")
    return cleared


def baseline_pain(ctx: AppContext) -> int | None:
    """The person's baseline pain (0-10): the latest pain questionnaire, else their first pain rating."""
    with safety_repository(ctx) as srepo:
        answers = srepo.responses("pain")
    if answers:
        return round(answers[-1].score)
    with ctx.repository() as repo:
        ratings = repo.list_pain()
    return ratings[0].score if ratings else None


@dataclass(frozen=True)
class CheckIn:
    """The result of a pain check-in: the zone in plain words, whether to stop the current exercise,
    whether the screen is asked again, and any new progression suggestions."""

    pain: PainRecord
    zone: PainZone
    stop_exercise: bool
    rescreen_reason: str | None
    proposals: tuple[ProposalRecord, ...] = ()
    # The open red flag's advice: while it is open, no rating means "carry on".
    stop_advice: str | None = None


def check_in(
    ctx: AppContext,
    score: int,
    moment: str = "next_morning",
    *,
    leg_spread: bool = False,
    workout_id: int | None = None,
    exercise_id: str | None = None,
) -> CheckIn:
    """Record a pain rating with the safety checks around it.

    Pain above 5 during an exercise says to stop it (the rating, stored with ``exercise_id``, marks
    that exercise so progression suggests an easier dose); a sharp rise or pain down a leg asks for
    the screen again; an after-workout or next-morning rating runs the progression review (record the
    after-workout pain once the workout is finished, so the review counts it).
    """
    from backcoach.services import progression, workouts

    if moment not in CHECKIN_MOMENTS:
        raise InvalidInput(f"moment must be one of {', '.join(CHECKIN_MOMENTS)} (got {moment!r})")
    baseline = baseline_pain(ctx)
    pain = workouts.record_pain(ctx, score, moment, workout_id=workout_id, exercise_id=exercise_id)
    reason = rescreen_reason(pain.score, baseline_pain=baseline, leg_spread=leg_spread)
    if reason is not None:
        with safety_repository(ctx) as srepo:
            if not srepo.open_rescreens():
                srepo.add_rescreen(requested_at=ctx.clock.now(), reason=reason, pain_score=pain.score)
    proposals: tuple[ProposalRecord, ...] = ()
    if moment in ("after", "next_morning"):
        proposals = tuple(progression.review_progress(ctx).new_proposals)
    status = safety_status(ctx)
    return CheckIn(
        pain=pain,
        zone=pain_zone(pain.score),
        stop_exercise=moment == "during" and exercise_should_stop(pain.score),
        rescreen_reason=reason,
        proposals=proposals,
        stop_advice=status.message if status.open_stop is not None else None,
    )
