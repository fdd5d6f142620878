"""Progression use cases: review the logged workouts, suggest progress or regress, accept or decline.

After each workout and next-morning check-in, every exercise of the active program gets a decision
from ``backcoach.domain.progression`` (progress, hold or regress, with one sentence why). Progress
and regress decisions are stored as suggestions; the person accepts (the dose changes through
``services.programs.set_dosage``, which keeps the dose history) or declines them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from backcoach.domain.exercises import describe_dose
from backcoach.domain.programs import DosageError, Program, change_dosage, check_dosage_ranges
from backcoach.domain.progression import (
    Decision,
    ExerciseOutcome,
    ProposalRecord,
    SetDone,
    completed_at_target,
    decide_progression,
)
from backcoach.domain.records import WorkoutRecord
from backcoach.services import audit
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, NotAllowed, NotFound
from backcoach.services.prescriptions import note_dose_change
from backcoach.services.programs import active_program, dose_history, get_program, set_dosage
from backcoach.services.safety import safety_repository

__all__ = [
    "ProgressReview",
    "accept_proposal",
    "change_proposal",
    "decline_proposal",
    "exercise_outcomes",
    "keep_applied",
    "list_proposals",
    "may_answer",
    "pending_proposals",
    "progress_overview",
    "review_progress",
]


@dataclass(frozen=True)
class ProgressReview:
    """Every exercise's decision now, and the suggestions waiting for an answer."""

    program: Program
    decisions: tuple[Decision, ...]
    new_proposals: tuple[ProposalRecord, ...]
    pending: tuple[ProposalRecord, ...]

    @property
    def clinician_advice(self) -> str | None:
        return next((d.clinician_advice for d in self.decisions if d.clinician_advice), None)


def _pain_max(workout: WorkoutRecord, exercise_id: str) -> int | None:
    scores = [
        p.score
        for p in workout.pain
        if (p.moment == "during" and p.exercise_id in (exercise_id, None)) or p.moment == "after"
    ]
    return max(scores) if scores else None


def exercise_outcomes(
    program: Program, exercise_id: str, workouts: list[WorkoutRecord]
) -> list[ExerciseOutcome]:
    """How each past workout of ``program`` went for one exercise (oldest first).

    Only workouts no longer in progress that included the exercise count.
    """
    dosage = program.dosage_for(exercise_id)
    if dosage is None:
        return []
    ordered = sorted(workouts, key=lambda w: w.started_at)
    # With more than one workout a day, the next-morning rating (tied to the day's last workout)
    # speaks for every workout of that day.
    morning_by_day: dict[date, int] = {}
    for workout in ordered:
        morning = workout.pain_at("next_morning")
        if morning is not None:
            morning_by_day[workout.started_at.astimezone().date()] = morning
    outcomes = []
    for workout in ordered:
        if workout.program_slug != program.slug or workout.status == "in_progress":
            continue
        sets = [s for s in workout.sets if s.exercise_id == exercise_id]
        marked = any(p.moment == "during" and p.exercise_id == exercise_id for p in workout.pain)
        if not sets and not marked:
            continue
        done = completed_at_target(dosage, [SetDone(s.set_number, s.side, s.reps, s.hold_s) for s in sets])
        outcomes.append(
            ExerciseOutcome(
                workout_id=workout.id,
                started_at=workout.started_at,
                completed_at_target=done,
                pain_before=workout.pain_at("before"),
                pain_max=_pain_max(workout, exercise_id),
                pain_next_morning=morning_by_day.get(workout.started_at.astimezone().date()),
            )
        )
    return outcomes


def _dose_changed_at(
    ctx: AppContext, program: Program, exercise_id: str, accepted: list[ProposalRecord]
) -> datetime | None:
    times = [c.changed_at for c in dose_history(ctx, program.slug, exercise_id)]
    times += [p.responded_at for p in accepted if p.exercise_id == exercise_id and p.responded_at is not None]
    return max(times) if times else None


def _decisions(
    ctx: AppContext, program: Program, known: list[ProposalRecord], now: datetime
) -> list[Decision]:
    with ctx.repository() as repo:
        workouts = repo.list_workouts(newest_first=False)
    accepted = [p for p in known if p.status == "accepted"]
    decisions = []
    for item in program.items:
        exercise = ctx.catalogue.get(item.exercise_id)
        decisions.append(
            decide_progression(
                item.exercise_id,
                item.dosage,
                exercise_outcomes(program, item.exercise_id, workouts),
                now=now,
                dose_changed_at=_dose_changed_at(ctx, program, item.exercise_id, accepted),
                harder_variant=exercise.harder.name,
                easier_variant=exercise.easier.name,
            )
        )
    return decisions


def progress_overview(ctx: AppContext) -> ProgressReview:
    """Where each exercise of the active program stands now, and every suggestion still waiting for
    an answer, whichever program it was made for (a suggestion stays until answered). A read: it
    stores nothing (the check-ins after a workout and the next morning store suggestions)."""
    program = active_program(ctx)
    with safety_repository(ctx) as srepo:
        known = srepo.proposals(program_slug=program.slug)
    decisions = _decisions(ctx, program, known, ctx.clock.now())
    return ProgressReview(program, tuple(decisions), (), tuple(pending_proposals(ctx)))


def review_progress(ctx: AppContext, program_slug: str | None = None) -> ProgressReview:
    """Decide for every exercise of the program (default: the active one) and store new suggestions.

    A suggestion is stored once per exercise, workout and direction: reviewing again adds nothing new.
    A newer suggestion for the same exercise supersedes an older one still waiting. ``pending`` lists
    every suggestion waiting, of any program.
    """
    program = get_program(ctx, program_slug) if program_slug else active_program(ctx)
    now = ctx.clock.now()
    with safety_repository(ctx) as srepo:
        known = srepo.proposals(program_slug=program.slug)
    decisions = _decisions(ctx, program, known, now)
    new: list[ProposalRecord] = []
    for decision in decisions:
        if decision.action == "hold":
            continue
        seen = any(
            p.exercise_id == decision.exercise_id
            and p.basis_workout_id == decision.basis_workout_id
            and p.action == decision.action
            for p in known
        )
        if decision.variable == "variant":
            # Suggest a variant once: after the person answered, repeating it every two days would nag.
            seen = seen or any(
                p.exercise_id == decision.exercise_id
                and p.variable == "variant"
                and p.action == decision.action
                and p.status in ("accepted", "declined")
                for p in known
            )
        if not seen:
            with safety_repository(ctx) as srepo:
                stored = srepo.add_proposal(program.slug, decision, now)
            if _applies_at_once(ctx, decision):
                stored = _apply_at_once(ctx, program, stored)
            new.append(stored)
    return ProgressReview(program, tuple(decisions), tuple(new), tuple(pending_proposals(ctx)))


def _applies_at_once(ctx: AppContext, decision: Decision) -> bool:
    """In clinic mode an easier dose after pain above the limit applies at once (safety first) and
    is shown to the physiotherapist; every other suggestion waits for them."""
    return (
        ctx.settings.mode == "clinic"
        and decision.action == "regress"
        and decision.after_pain_above_limit
        and decision.variable != "variant"
    )


def _apply_at_once(ctx: AppContext, program: Program, proposal: ProposalRecord) -> ProposalRecord:
    current = program.dosage_for(proposal.exercise_id)
    assert current is not None
    new = change_dosage(
        current,
        proposal.exercise_id,
        sets=proposal.sets_after,
        reps=proposal.reps_after,
        hold_s=proposal.hold_s_after,
    )
    set_dosage(ctx, program.slug, proposal.exercise_id, new, proposal.explanation, by_rules=True)
    with safety_repository(ctx) as srepo:
        applied = srepo.answer_proposal(
            proposal.id, "applied", ctx.clock.now(), reason="applied at once: pain above the limit"
        )
    assert applied is not None
    return applied


def list_proposals(ctx: AppContext, program_slug: str | None = None) -> list[ProposalRecord]:
    """Every suggestion ever made (oldest first), with its answer."""
    with safety_repository(ctx) as srepo:
        return srepo.proposals(program_slug=program_slug)


def pending_proposals(ctx: AppContext, program_slug: str | None = None) -> list[ProposalRecord]:
    with safety_repository(ctx) as srepo:
        return srepo.proposals(program_slug=program_slug, status="pending")


def _pending(ctx: AppContext, proposal_id: int) -> ProposalRecord:
    with safety_repository(ctx) as srepo:
        proposal = srepo.get_proposal(proposal_id)
    if proposal is None:
        raise NotFound(f"no suggestion number {proposal_id}")
    if proposal.status != "pending":
        raise InvalidInput(f"suggestion {proposal_id} was already {proposal.status}")
    return proposal


def _who_decides(ctx: AppContext, proposal: ProposalRecord) -> str:
    """Who answers this suggestion: "person" (the person themself) or "physio".

    Used alone, the person decides everything. In clinic mode the physiotherapist does, except a
    step up within the limit they set for that exercise."""
    if ctx.settings.mode != "clinic" or ctx.actor is None:
        return "person"
    if ctx.actor.user_id != ctx.user_id:
        return "physio"  # the physiotherapist acting on their patient's record
    if proposal.action == "progress" and proposal.variable != "variant":
        program = get_program(ctx, proposal.program_slug)
        item = program.item(proposal.exercise_id)
        if item is not None and item.self_progress_limit is not None:
            after = dataclasses.replace(
                item.dosage, sets=proposal.sets_after, reps=proposal.reps_after, hold_s=proposal.hold_s_after
            )
            if item.self_progress_limit.allows(after):
                return "person"
    return "physio"


def may_answer(ctx: AppContext, proposal: ProposalRecord) -> bool:
    """Whether the acting person may answer this suggestion (the patient, in clinic mode, only a
    step up within their physiotherapist's limit)."""
    if ctx.actor is not None and ctx.actor.user_id != ctx.user_id:
        return True
    return _who_decides(ctx, proposal) == "person"


def _check_may_answer(ctx: AppContext, proposal: ProposalRecord) -> None:
    if not may_answer(ctx, proposal):
        raise NotAllowed("Your physiotherapist decides this change: it is waiting for them.")


def _change_dose(
    ctx: AppContext, proposal: ProposalRecord, sets: int, reps: int, hold_s: float, reason: str
) -> None:
    program = get_program(ctx, proposal.program_slug)
    current = program.dosage_for(proposal.exercise_id)
    if current is None:
        raise NotFound(f"the program {program.slug!r} no longer has {proposal.exercise_id!r}")
    try:
        new = change_dosage(current, proposal.exercise_id, sets=sets, reps=reps, hold_s=hold_s)
        if ctx.settings.mode == "clinic":
            check_dosage_ranges(new, proposal.exercise_id)
    except DosageError as exc:
        raise InvalidInput(str(exc)) from None
    set_dosage(ctx, program.slug, proposal.exercise_id, new, reason)


def accept_proposal(ctx: AppContext, proposal_id: int, reason: str | None = None) -> ProposalRecord:
    """Accept a suggestion: change the dose (kept in the dose history with the explanation as reason,
    and who approved it). A variant suggestion changes no numbers; it is recorded as accepted."""
    proposal = _pending(ctx, proposal_id)
    _check_may_answer(ctx, proposal)
    program = get_program(ctx, proposal.program_slug)
    current = program.dosage_for(proposal.exercise_id)
    if current is None:
        raise NotFound(f"the program {program.slug!r} no longer has {proposal.exercise_id!r}")
    if proposal.variable != "variant":
        if (current.sets, current.reps, float(current.hold_s)) != (
            proposal.sets_before,
            proposal.reps_before,
            proposal.hold_s_before,
        ):
            raise InvalidInput(
                f"the dose of {proposal.exercise_id} changed since suggestion {proposal_id}; "
                "run `backcoach progress` for a fresh one"
            )
        before = _dose_words(ctx, proposal)
        _change_dose(
            ctx,
            proposal,
            proposal.sets_after,
            proposal.reps_after,
            proposal.hold_s_after,
            proposal.explanation,
        )
        if ctx.actor is not None and ctx.actor.user_id != ctx.user_id:
            after = _dose_words(ctx, proposal)
            note_dose_change(ctx, proposal.program_slug, [f"{_name(ctx, proposal)}: {before} → {after}"])
    return _answer(ctx, proposal_id, "accepted", reason)


def change_proposal(
    ctx: AppContext, proposal_id: int, *, sets: int, reps: int, hold_s: float, reason: str
) -> ProposalRecord:
    """A physiotherapist answers a suggestion with another dose of their choosing (within the
    catalogue's ranges), with their reason."""
    if ctx.actor is None or ctx.actor.user_id == ctx.user_id:
        raise NotAllowed("Only a physiotherapist can choose another dose.")
    proposal = _awaiting_physio(ctx, proposal_id)
    words = " ".join(reason.split())
    if not words:
        raise InvalidInput("Please say why, in a few words.")
    before = _dose_words(ctx, proposal)
    _change_dose(ctx, proposal, sets, reps, hold_s, f"changed by {ctx.actor.name}: {words}")
    after = _dose_words(ctx, proposal)
    note_dose_change(ctx, proposal.program_slug, [f"{_name(ctx, proposal)}: {before} → {after} ({words})"])
    return _answer(ctx, proposal_id, "changed", words)


def keep_applied(ctx: AppContext, proposal_id: int, reason: str | None = None) -> ProposalRecord:
    """A physiotherapist agrees with an easier dose the rules applied at once after pain: it stays,
    marked as seen and agreed by them (with their reason), and no longer flags the patient."""
    if ctx.actor is None or ctx.actor.user_id == ctx.user_id:
        raise NotAllowed("Only a physiotherapist can agree to this change.")
    proposal = _awaiting_physio(ctx, proposal_id)
    if proposal.status != "applied":
        raise InvalidInput("This suggestion is waiting for an answer: accept, change or decline it.")
    words = " ".join((reason or "").split())
    note_dose_change(
        ctx,
        proposal.program_slug,
        [
            f"{_name(ctx, proposal)}: kept at {_dose_words(ctx, proposal)} after pain"
            + (f" ({words})" if words else "")
        ],
    )
    return _answer(ctx, proposal_id, "applied", words or "agreed")


def _awaiting_physio(ctx: AppContext, proposal_id: int) -> ProposalRecord:
    """A suggestion waiting for an answer, or an easier dose applied at once not yet looked at."""
    with safety_repository(ctx) as srepo:
        proposal = srepo.get_proposal(proposal_id)
    if proposal is None:
        raise NotFound(f"no suggestion number {proposal_id}")
    if proposal.status == "applied" and not proposal.decided_by_name:
        return proposal
    return _pending(ctx, proposal_id)


def _name(ctx: AppContext, proposal: ProposalRecord) -> str:
    return ctx.catalogue.get(proposal.exercise_id).name


def _dose_words(ctx: AppContext, proposal: ProposalRecord) -> str:
    dosage = get_program(ctx, proposal.program_slug).dosage_for(proposal.exercise_id)
    return describe_dose(dosage) if dosage is not None else "not in the program"


def decline_proposal(ctx: AppContext, proposal_id: int, reason: str | None = None) -> ProposalRecord:
    """Decline a suggestion: the dose stays as it is."""
    proposal = _pending(ctx, proposal_id)
    _check_may_answer(ctx, proposal)
    return _answer(ctx, proposal_id, "declined", reason)


def _answer(ctx: AppContext, proposal_id: int, status: str, reason: str | None) -> ProposalRecord:
    words = " ".join((reason or "").split())[:500] or None
    with safety_repository(ctx) as srepo:
        answered = srepo.answer_proposal(
            proposal_id,
            status,
            ctx.clock.now(),
            decided_by=ctx.actor.user_id if ctx.actor is not None else None,
            reason=words,
        )
        assert answered is not None
        if ctx.actor is not None and ctx.actor.user_id != ctx.user_id:
            audit.note(srepo.session, ctx, "dose_changed", detail=f"{answered.exercise_id}: {status}")
    return answered
