"""What the guided terminal workout shows between countdowns: the opening lines, each exercise's
instructions, the summary at the end, and what is saved when the workout stops early.

Printing only: nothing here asks a question or stores anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from backcoach.cli.catalogue_cmd import print_list
from backcoach.cli.safety_cmd import print_checkin, print_proposals
from backcoach.domain.catalogue_loader import Catalogue
from backcoach.domain.exercises import Exercise
from backcoach.domain.records import WorkoutRecord
from backcoach.domain.workouts import Step
from backcoach.services.safety import CheckIn

__all__ = ["pluralise", "print_exercise", "print_header", "print_saved", "print_summary"]


def pluralise(count: int, word: str) -> str:
    """``1 set``, ``3 sets``: a count with its word, plural unless it is one."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def print_header(console: Console, workout: WorkoutRecord, steps: Sequence[Step]) -> None:
    """The program's name, how much there is to do, the keys, and any sets already saved."""
    work = [s for s in steps if s.is_work]
    console.rule(f"[bold]{escape(workout.program_name)}[/bold]")
    console.print(
        f"{len({s.exercise_id for s in work})} exercises, {len(work)} sets. "
        "Keys: [bold]Enter[/bold] next or done, [bold]p[/bold] pause, "
        "[bold]s[/bold] skip, [bold]q[/bold] quit, [bold]h[/bold] if it hurts."
    )
    console.print("Move slowly and gently. Stop if pain goes above 5 out of 10, or spreads down a leg.")
    if workout.sets:
        count = len(workout.sets)
        console.print(
            f"[cyan]Carrying on where you stopped: {pluralise(count, 'set')} "
            f"{'is' if count == 1 else 'are'} already saved.[/cyan]"
        )


def print_exercise(console: Console, exercise: Exercise) -> None:
    """An exercise's name, start position, numbered steps and breathing."""
    console.print()
    console.rule(f"[bold cyan]{escape(exercise.name)}[/bold cyan]")
    console.print(escape(exercise.start_position))
    print_list(console, exercise.steps, numbered=True)
    console.print(f"[dim]Breathing: {escape(exercise.breathing)}[/dim]")


def print_summary(
    console: Console, workout: WorkoutRecord, score: int | None, result: CheckIn | None
) -> None:
    """The finished workout in numbers, pain before and after (``score``, checked in as ``result``),
    and any dose suggestions."""
    before = workout.pain_at("before")
    console.print(
        f"[green]Workout complete: {pluralise(len(workout.sets), 'set')}, "
        f"{pluralise(workout.total_reps, 'rep')}, {workout.total_hold_s:.0f} s held.[/green]"
    )
    if score is None or result is None:
        console.print(
            "No pain rating after this workout. To add one: "
            f"backcoach log pain N --moment after --workout {workout.id}"
        )
    else:
        if before is not None:
            console.print(f"Pain before {before}/10, after {score}/10.")
        if score > 5 or (before is not None and score >= before + 2):
            console.print(
                "[yellow]Your pain went up. Rest, and check how it feels tomorrow morning "
                "(backcoach log pain N --moment next_morning). "
                "Do less next time if it has not settled.[/yellow]"
            )
        print_checkin(console, result, proposals=False, rescreen=False)
        print_proposals(console, list(result.proposals))
    console.print("Tomorrow morning, note how your back feels: backcoach log pain N --moment next_morning")


def print_saved(console: Console, catalogue: Catalogue, workout: WorkoutRecord) -> None:
    """Each set saved so far, after a quit or Ctrl-C, and how to carry on."""
    if not workout.sets:
        console.print("No sets were done yet, so nothing else was saved.")
    else:
        console.print(f"[green]Saved so far: {pluralise(len(workout.sets), 'set')}.[/green]")
        for s in workout.sets:
            exercise = catalogue.get(s.exercise_id) if s.exercise_id in catalogue else None
            name = exercise.name if exercise is not None else s.exercise_id
            where = f", {s.side} side" if s.side else ""
            if exercise is not None and exercise.dosage.kind == "hold":
                done = f"{pluralise(s.reps, 'hold')} of {s.hold_s:g} s"
            else:
                done = pluralise(s.reps, "rep") + (f", holding each {s.hold_s:g} s" if s.hold_s else "")
            console.print(f"  {name}: set {s.set_number}{where}, {done}")
    console.print(
        "The workout stays open: run [bold]backcoach workout[/bold] to carry on where you stopped, "
        "or [bold]backcoach workout --new[/bold] to start afresh."
    )
