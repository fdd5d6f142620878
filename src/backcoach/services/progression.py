"""Progression use cases: review the logged workouts, suggest progress or regress, accept or decline.

After each workout and next-morning check-in, every exercise of the active program gets a decision
from ``backcoach.domain.progression`` (progress, hold or regress, with one sentence why). Progress
and regress decisions are stored as suggestions; the person accepts (the dose changes through
``services.programs.set_dosage``, which keeps the dose history) or declines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from backcoach.domain.programs import DosageError, Program, change_dosage
from backcoach.domain.progression import (
    Decision,
    ExerciseOutcome,
    ProposalRecord,
    SetDone,
    completed_at_target,
    decide_progression,
)
from backcoach.domain.records import WorkoutRecord
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput, NotFound
from backcoach.services.programs import active_program, dose_history, get_program, set_dosage
from backcoach.services.safety import safety_repository

__all__ = [
    "ProgressReview",
    "accept_proposal",
    "decline_proposal",
    "exercise_outcomes",
    "list_proposals",
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
                new.append(srepo.add_proposal(program.slug, decision, now))
    return ProgressReview(program, tuple(decisions), tuple(new), tuple(pending_proposals(ctx)))


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


def accept_proposal(ctx: AppContext, proposal_id: int) -> ProposalRecord:
    """Accept a suggestion: change the dose (kept in the dose history with the explanation as reason).

    A variant suggestion changes no numbers; it is recorded as accepted.
    """
    proposal = _pending(ctx, proposal_id)
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
        try:
            new = change_dosage(
                current,
                proposal.exercise_id,
                sets=proposal.sets_after,
                reps=proposal.reps_after,
                hold_s=proposal.hold_s_after,
            )
        except DosageError as exc:
            raise InvalidInput(str(exc)) from None
        set_dosage(ctx, program.slug, proposal.exercise_id, new, proposal.explanation)
    with safety_repository(ctx) as srepo:
        answered = srepo.answer_proposal(proposal_id, "accepted", ctx.clock.now())
    assert answered is not None
    return answered


def decline_proposal(ctx: AppContext, proposal_id: int) -> ProposalRecord:
    """Decline a suggestion: the dose stays as it is."""
    _pending(ctx, proposal_id)
    with safety_repository(ctx) as srepo:
        answered = srepo.answer_proposal(proposal_id, "declined", ctx.clock.now())
    assert answered is not None
    return answered
