"""``backcoach exercises [ID]``: the nine exercises in a table, or one of them in full."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from backcoach.cli.context import app_context
from backcoach.domain.exercises import Exercise, describe_dose
from backcoach.services.catalogue import get_exercise, list_exercises

__all__ = ["print_list", "register", "show_exercise"]


def print_list(console: Console, items: Sequence[str], *, numbered: bool) -> None:
    """Items one a line ("1." or "-"), indented, with a long item wrapping under its own text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for number, item in enumerate(items, 1):
        grid.add_row(f"{number}." if numbered else "-", escape(item))
    console.print(Padding(grid, (0, 0, 0, 2)))


def show_exercise(console: Console, exercise: Exercise) -> None:
    """Print one exercise: what it is for, how to do it, the dose, cues, mistakes, safety, variants."""
    dosage = exercise.dosage
    console.rule(f"[bold]{escape(exercise.name)}[/bold] ({exercise.id})")
    console.print(escape(exercise.summary))
    console.print(f"\n[bold]Why it helps[/bold]\n{escape(exercise.why)}")
    console.print(f"\n[bold]Starting position[/bold]\n{escape(exercise.start_position)}")
    console.print("\n[bold]Steps[/bold]")
    print_list(console, exercise.steps, numbered=True)
    console.print(f"\n[bold]Breathing[/bold]: {escape(exercise.breathing)}")
    console.print(f"[bold]Tempo[/bold]: {escape(exercise.tempo)}")
    per_day = f", {dosage.times_per_day} times a day" if dosage.times_per_day > 1 else ""
    console.print(f"\n[bold]Dose[/bold]: {escape(describe_dose(dosage))}{per_day}")
    console.print(Padding(f"[dim]{escape(dosage.source)}[/dim]", (0, 0, 0, 2)))
    console.print("\n[bold]Common mistakes[/bold]")
    print_list(console, exercise.mistakes, numbered=False)
    console.print("\n[bold]Safety[/bold]")
    print_list(console, exercise.safety, numbered=False)
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
            table.add_row(
                exercise.id,
                exercise.name,
                describe_dose(exercise.dosage, with_rest=False),
                exercise.camera_view,
            )
        console.print(table)
        console.print("Show one with: backcoach exercises ID")


def register(app: typer.Typer) -> None:
    """Add ``exercises`` to the app."""
    app.command("exercises")(exercises)
