"""``backcoach workout [PROGRAM]`` (the guided terminal workout) and ``backcoach log set|pain|note``.

Before the first workout (and whenever the safety questions are asked again) ``workout`` shows the
red-flag screen; a red flag shows the advice and stops (exit status 2). Pain ratings go through the
safety service's check-in, so a sharp rise or pain down a leg asks the screen again and the
after-workout and next-morning ratings bring the dose suggestions.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from backcoach.cli.context import app_context
from backcoach.cli.safety_cmd import print_checkin, run_screen
from backcoach.cli.terminal_player import KeyReader, Voice, WorkoutPlayer
from backcoach.domain.records import PAIN_MOMENTS
from backcoach.services import safety
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.programs import get_program
from backcoach.services.workouts import add_note, check_pain_score, current_workout, log_set
from backcoach.services.workouts import start_workout as start_workout_service

__all__ = ["register"]

log_app = typer.Typer(help="Record by hand: a set you did, a pain rating, or a note.", no_args_is_help=True)


def workout(
    program: str | None = typer.Argument(None, help="The program to do (default: the active one)."),
    new: bool = typer.Option(
        False, "--new", help="Start afresh instead of carrying on an unfinished workout."
    ),
) -> None:
    """A guided workout in the terminal: steps, countdowns, rep prompts, spoken cues, pain before and after.

    Keys: Enter next/done, p pause, s skip, q quit, h when it hurts. Each set is saved as soon as \
it is done; after q or Ctrl-C, run this again to carry on. The first time, a few safety \
questions come first.
    """
    if not sys.stdin.isatty():
        raise InvalidInput(
            "the guided workout needs a terminal to read your keys; "
            "to record a set by hand, use backcoach log set"
        )
    console = Console(highlight=False)
    with app_context() as ctx:
        if program:
            get_program(ctx, program)  # an unknown program is one line before any question
        if safety.safety_status(ctx).needs_screen and not _screen_first(ctx, console):
            raise typer.Exit(2)
        record = start_workout_service(ctx, program, new=new)
        voice = Voice(ctx.settings.voice)
        outcome = None
        try:
            with KeyReader(sys.stdin, sys.stdout) as keys:
                outcome = WorkoutPlayer(ctx, record, console=console, keys=keys, voice=voice).run()
        finally:
            voice.close(wait=outcome is not None and outcome.status != "interrupted")
        if outcome.status != "interrupted" and safety.safety_status(ctx).needs_screen:
            # Pain rose sharply or spread down a leg: the safety questions now, any more exercise later.
            if not _screen_first(ctx, console):
                raise typer.Exit(2)
            if outcome.status != "finished":
                console.print(
                    "Your workout is saved. Rest for now; when your back feels ready, run "
                    "[bold]backcoach workout[/bold] to carry on, and go gently."
                )
    if outcome.status == "interrupted":
        raise typer.Exit(130)


def _screen_first(ctx: AppContext, console: Console) -> bool:
    """Ask the red-flag screen (first run, or asked again); False when a red flag stops the workout."""
    status = safety.safety_status(ctx)
    if status.rescreen is not None:
        console.print(f"[bold]{escape(status.rescreen.reason)}[/bold]")
    elif not status.screened:
        console.print("[bold]Before your first workout: a few short safety questions.[/bold]")
    if run_screen(ctx, console).stop:
        return False
    after = safety.safety_status(ctx)
    if not after.ready_to_exercise:  # an older red flag still waits for a clinician's clearance
        console.print(escape(after.message))
        return False
    return True


@log_app.command("set")
def log_set_command(
    exercise: str = typer.Argument(..., help="The exercise id, e.g. bridge."),
    reps: int = typer.Option(..., "--reps", help="Reps done (or holds, for a hold exercise)."),
    hold: float = typer.Option(0.0, "--hold", help="Seconds held per hold, if any."),
    side: str | None = typer.Option(None, "--side", help="left or right, for a one-side exercise."),
) -> None:
    """Record a set done without the guided workout, e.g. backcoach log set bridge --reps 10."""
    with app_context() as ctx:
        record = log_set(ctx, exercise, reps=reps, hold_s=hold, side=side)
        held = f", {record.hold_s:g} s each" if record.hold_s else ""
        where = f", {record.side} side" if record.side else ""
        Console().print(
            f"Saved: {escape(ctx.catalogue.get(record.exercise_id).name)}, set {record.set_number}{where}, "
            f"{record.reps} reps{held} (workout {record.workout_id})."
        )


@log_app.command("pain")
def log_pain_command(
    score: str = typer.Argument(..., help="Pain from 0 (none) to 10 (worst)."),
    moment: str = typer.Option(
        "next_morning", "--moment", help=f"When: {', '.join(PAIN_MOMENTS)}.", show_default=True
    ),
    workout_id: int | None = typer.Option(None, "--workout", help="The workout number it belongs to."),
    leg: bool = typer.Option(False, "--leg", help="The pain is spreading down one or both legs."),
) -> None:
    """Record a pain rating, e.g. backcoach log pain 4 --moment next_morning.

    A sharp rise, or --leg, asks the safety questions again; an after-workout or next-morning rating \
brings any suggested dose changes.
    """
    value = check_pain_score(score)
    if moment not in PAIN_MOMENTS:
        raise InvalidInput(f"--moment must be one of {', '.join(PAIN_MOMENTS)} (got {moment!r})")
    console = Console(highlight=False)
    with app_context() as ctx:
        if workout_id is None and moment in ("before", "during", "after"):
            open_workout = current_workout(ctx)
            workout_id = open_workout.id if open_workout else None
        result = safety.check_in(ctx, value, moment, leg_spread=leg, workout_id=workout_id)
        record = result.pain
        tied = f" (workout {record.workout_id})" if record.workout_id else ""
        console.print(f"Saved: pain {record.score}/10, {record.moment.replace('_', ' ')}{tied}.")
        print_checkin(console, result)


@log_app.command("note")
def log_note_command(
    text: str = typer.Argument(..., help="The note."),
    workout_id: int | None = typer.Option(None, "--workout", help="The workout number it belongs to."),
) -> None:
    """Record a note, e.g. backcoach log note "Stiff after gardening"."""
    with app_context() as ctx:
        record = add_note(ctx, text, workout_id)
        Console().print(f"Saved the note ({record.created_at.astimezone():%Y-%m-%d %H:%M}).")


def register(app: typer.Typer) -> None:
    """Add ``workout`` and ``log`` to the app."""
    app.command("workout")(workout)
    app.add_typer(log_app, name="log")
