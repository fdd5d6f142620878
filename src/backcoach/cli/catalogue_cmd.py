"""``backcoach exercises [ID]``: the nine exercises in a table, or one of them in full."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backcoach.cli.context import app_context
from backcoach.domain.exercises import Exercise
from backcoach.domain.progression import describe_dosage
from backcoach.services.catalogue import get_exercise, list_exercises

__all__ = ["register", "show_exercise"]


def show_exercise(console: Console, exercise: Exercise) -> None:
    """Print one exercise: what it is for, how to do it, the dose, cues, mistakes, safety, variants."""
    dosage = exercise.dosage
    console.rule(f"[bold]{escape(exercise.name)}[/bold] ({exercise.id})")
    console.print(escape(exercise.summary))
    console.print(f"\n[bold]Why it helps[/bold]\n{escape(exercise.why)}")
    console.print(f"\n[bold]Starting position[/bold]\n{escape(exercise.start_position)}")
    console.print("\n[bold]Steps[/bold]")
    for number, step in enumerate(exercise.steps, 1):
        console.print(f"  {number}. {escape(step)}")
    console.print(f"\n[bold]Breathing[/bold]: {escape(exercise.breathing)}")
    console.print(f"[bold]Tempo[/bold]: {escape(exercise.tempo)}")
    rest = f", resting {dosage.rest_s:g} s between sets" if dosage.rest_s else ""
    console.print(
        f"\n[bold]Dose[/bold]: {escape(describe_dosage(dosage))}{rest}, {dosage.times_per_day}x a day"
    )
    console.print(f"  [dim]{escape(dosage.source)}[/dim]")
    console.print("\n[bold]Common mistakes[/bold]")
    for mistake in exercise.mistakes:
        console.print(f"  - {escape(mistake)}")
    console.print("\n[bold]Safety[/bold]")
    for note in exercise.safety:
        console.print(f"  - {escape(note)}")
    console.print(
        f"\n[bold]Easier[/bold]: {escape(exercise.easier.name)}: {escape(exercise.easier.description)}"
    )
    console.print(
        f"[bold]Harder[/bold]: {escape(exercise.harder.name)}: {escape(exercise.harder.description)}"
    )
    console.print(f"\n[bold]Camera[/bold]: {exercise.camera_view} view. {escape(exercise.camera_note)}")


def exercises(
    exercise_id: str | None = typer.Argument(None, metavar="[ID]", help="Show one exercise in full."),
) -> None:
    """The nine exercises, or one exercise with its steps, dose, cues and safety notes."""
    console = Console()
    with app_context() as ctx:
        if exercise_id is not None:
            show_exercise(console, get_exercise(ctx, exercise_id))
            return
        table = Table(title="The nine exercises")
        table.add_column("ID", style="cyan", no_wrap=True)
        table.add_column("Name")
        table.add_column("Dose")
        table.add_column("Camera view")
        for exercise in list_exercises(ctx):
            table.add_row(exercise.id, exercise.name, describe_dosage(exercise.dosage), exercise.camera_view)
        console.print(table)
        console.print("Show one with: backcoach exercises ID")


def register(app: typer.Typer) -> None:
    """Add ``exercises`` to the app."""
    app.command("exercises")(exercises)
