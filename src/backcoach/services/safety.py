"""Safety use cases: the red-flag screen, the stop it puts on workouts, clearance, and pain check-ins.

The screen is asked before the first workout: until it has been answered, starting a workout raises
``SafetyStop`` asking for it (``needs_screen`` tells a page or command to show the screen first).
Answers come in three tiers (``backcoach.domain.redflags``): an urgent or stop answer pauses the
program with calm advice until a clearance is recorded (the clinician's name and the date of the
visit); advisory answers are recorded and shown, and never block. A sharp rise in pain or new pain
down a leg asks for the screen again (``backcoach.services.workouts.record_pain`` notes it as the
pain is stored), and workouts wait until it is answered. Reading the status never writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from backcoach.domain.pain import PainZone, exercise_should_stop, pain_zone
from backcoach.domain.progression import ProposalRecord
from backcoach.domain.records import PainRecord
from backcoach.domain.redflags import (
    RedFlagScreen,
    RescreenRecord,
    ScreenRecord,
    check_clearance,
    evaluate_screen,
    load_red_flags,
)
from backcoach.services import audit
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, NotAllowed, SafetyStop
from backcoach.store.rows_safety import SafetyRepository

__all__ = [
    "CHECKIN_MOMENTS",
    "CheckIn",
    "SafetyStatus",
    "check_in",
    "confirm_cleared",
    "ensure_can_exercise",
    "list_screens",
    "safety_repository",
    "safety_status",
    "screen_questions",
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
    """Where the person stands: screened or not, an open stop, a re-screen waiting, advice to mention."""

    screened: bool
    last_screen: ScreenRecord | None
    open_stop: ScreenRecord | None
    rescreen: RescreenRecord | None
    # The latest screen's advisory answers (never blocking): to mention to a clinician.
    advisory: ScreenRecord | None = None

    @property
    def can_exercise(self) -> bool:
        """No stop open and no re-screen waiting (the first-run screen is ``ready_to_exercise``)."""
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
                f"{self.open_stop.title}. {self.open_stop.advice} When a clinician has checked you, "
                "record their name and the date of the visit with `backcoach screen --cleared` or on the "
                "safety page."
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


def safety_status(ctx: AppContext) -> SafetyStatus:
    """The person's safety status. A read: it never writes."""
    with safety_repository(ctx) as srepo:
        screens = srepo.screens()
        rescreens = srepo.open_rescreens()
    open_stops = [s for s in screens if s.open_stop]
    last = screens[-1] if screens else None
    return SafetyStatus(
        screened=bool(screens),
        last_screen=last,
        open_stop=open_stops[-1] if open_stops else None,
        rescreen=rescreens[-1] if rescreens else None,
        advisory=last if last is not None and last.advisory else None,
    )


def list_screens(ctx: AppContext) -> list[ScreenRecord]:
    """Every screen answered, oldest first, with its tier and clearance (the safety history)."""
    with safety_repository(ctx) as srepo:
        return srepo.screens()


def ensure_can_exercise(ctx: AppContext) -> None:
    """Raise SafetyStop (with the advice) while a stop is open, the screen must be answered again,
    or it has never been answered."""
    status = safety_status(ctx)
    if not status.ready_to_exercise:
        raise SafetyStop(status.message, screen_required=status.open_stop is None and status.needs_screen)


def submit_screen(ctx: AppContext, answers: Mapping[str, bool], *, reason: str | None = None) -> ScreenRecord:
    """Store a screen. Every question, and whether a clinician has assessed this back pain, must be
    answered yes (True) or no (False).

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
                reason = "leg_spread" if waiting[-1].leg_spread else "pain_rise"
            else:
                reason = "manual"
        record = srepo.add_screen(
            taken_at=now,
            reason=reason,
            answers=answers,
            flagged=result.flagged,
            tier=result.tier,
            title=result.title,
            advice=result.advice,
        )
        srepo.resolve_rescreens(now)
    return record


def confirm_cleared(ctx: AppContext, clinician: str, visit_date: date, note: str = "") -> int:
    """Record that a clinician has checked the person: their name and the date of the visit lift every
    open stop. Never one tick box: an urgent stop also needs a visit on or after the day it was
    recorded (``backcoach.domain.redflags.check_clearance``).

    Returns how many stops were cleared; InvalidInput when there is nothing to clear or the
    clearance cannot stand (the message says why, in plain words).
    """
    if ctx.settings.mode == "clinic" and (ctx.actor is None or not ctx.actor.is_staff):
        raise NotAllowed("Your physiotherapist records the clearance, after they have checked you.")
    clean_note = " ".join(note.split())[:500] or None
    now = ctx.clock.now()
    with safety_repository(ctx) as srepo:
        rows = srepo.open_stop_rows()
        if not rows:
            raise InvalidInput("There is no open safety stop to clear.")
        try:
            name = check_clearance(
                clinician,
                visit_date,
                today=now.astimezone().date(),
                stop_taken_on=max(r.taken_at for r in rows).astimezone().date(),
                urgent=any(r.tier == "urgent" for r in rows),
            )
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        srepo.clear_stops(
            rows,
            cleared_at=now,
            clinician=name,
            visit_date=visit_date,
            note=clean_note,
            cleared_by_user_id=ctx.actor.user_id if ctx.actor is not None else None,
        )
        audit.note(srepo.session, ctx, "clearance", detail=f"{name}, visit on {visit_date.isoformat()}")
    return len(rows)


@dataclass(frozen=True)
class CheckIn:
    """The result of a pain check-in: the zone in plain words, whether to stop the current exercise,
    whether the screen is asked again, and (after a workout or the next morning) the dose
    suggestions waiting for an answer."""

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
    client_id: str | None = None,
) -> CheckIn:
    """Record a pain rating with the safety checks around it.

    Pain above 5 during an exercise says to stop it (the rating, stored with ``exercise_id``, marks
    that exercise so progression suggests an easier dose); a sharp rise over this workout's
    "before" rating, pain above 7 or new pain down a leg asks for the screen again (once: an answered
    re-screen covers the same pain); an after-workout or next-morning rating runs the progression
    review (a workout is reviewed again when it is finished, so the order does not matter).
    ``client_id`` makes a re-sent rating harmless.
    """
    from backcoach.services import progression, workouts

    if moment not in CHECKIN_MOMENTS:
        raise InvalidInput(f"moment must be one of {', '.join(CHECKIN_MOMENTS)} (got {moment!r})")
    pain = workouts.record_pain(
        ctx,
        score,
        moment,
        workout_id=workout_id,
        exercise_id=exercise_id,
        client_id=client_id,
        leg_spread=leg_spread,
    )
    proposals: tuple[ProposalRecord, ...] = ()
    if moment in ("after", "next_morning"):
        proposals = progression.review_progress(ctx).pending
    status = safety_status(ctx)
    return CheckIn(
        pain=pain,
        zone=pain_zone(pain.score),
        stop_exercise=moment == "during" and exercise_should_stop(pain.score),
        rescreen_reason=status.rescreen.reason if status.rescreen is not None else None,
        proposals=proposals,
        stop_advice=status.message if status.open_stop is not None else None,
    )
