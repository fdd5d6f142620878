"""``backcoach program list|show|create|edit|use``: the person's programs and their doses."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backcoach.cli.context import app_context
from backcoach.domain.exercises import Dosage, describe_dose
from backcoach.domain.programs import Program, describe_length
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.programs import (
    active_program,
    adjusted_dosage,
    create_program,
    get_program,
    list_programs,
    set_active_program,
    update_program,
)

__all__ = ["parse_assignments", "register"]

program_app = typer.Typer(
    help="List, show, create and edit programs, and choose the one to follow.", no_args_is_help=True
)

EXERCISE_OPT = typer.Option(None, "--exercise", "-e", help="An exercise id, in order; repeat for each.")
REPS_OPT = typer.Option(None, "--reps", help="Reps (or holds) per set: ID=N, e.g. bridge=12. Repeatable.")
SETS_OPT = typer.Option(None, "--sets", help="Sets: ID=N, e.g. bridge=2. Repeatable.")
HOLD_OPT = typer.Option(None, "--hold", help="Seconds per hold: ID=S, e.g. forearm_plank=20. Repeatable.")
REST_OPT = typer.Option(None, "--rest", help="Seconds of rest between sets: ID=S. Repeatable.")


def parse_assignments(values: Sequence[str] | None, option: str, *, whole: bool) -> dict[str, float]:
    """``["bridge=12"]`` -> ``{"bridge": 12}``; InvalidInput naming the option for anything else."""
    parsed: dict[str, float] = {}
    for value in values or ():
        name, equals, number = value.partition("=")
        name, number = name.strip(), number.strip()
        if not equals or not name or not number:
            raise InvalidInput(f"{option} expects EXERCISE=NUMBER, e.g. {option} bridge=10 (got {value!r})")
        try:
            parsed[name] = int(number) if whole else float(number)
        except ValueError:
            kind = "a whole number" if whole else "a number of seconds"
            raise InvalidInput(f"{option} {name}: {number!r} is not {kind}") from None
    return parsed


def _doses(
    ctx: AppContext,
    exercise_ids: Sequence[str],
    bases: dict[str, Dosage],
    reps: Sequence[str] | None,
    sets: Sequence[str] | None,
    hold: Sequence[str] | None,
    rest: Sequence[str] | None,
) -> dict[str, Dosage]:
    changes: dict[str, dict[str, float]] = {}
    for option, values, field, whole in (
        ("--reps", reps, "reps", True),
        ("--sets", sets, "sets", True),
        ("--hold", hold, "hold_s", False),
        ("--rest", rest, "rest_s", False),
    ):
        for exercise_id, number in parse_assignments(values, option, whole=whole).items():
            if exercise_id not in exercise_ids:
                raise InvalidInput(
                    f"{option} {exercise_id}: that exercise is not in the program ({', '.join(exercise_ids)})"
                )
            changes.setdefault(exercise_id, {})[field] = number
    return {
        exercise_id: adjusted_dosage(ctx, exercise_id, base=bases.get(exercise_id), **fields)  # type: ignore[arg-type]
        for exercise_id, fields in changes.items()
    }


def _show(console: Console, ctx: AppContext, program: Program, *, active: bool) -> None:
    length = describe_length(program, ctx.catalogue)
    title = f"{program.name} ({program.slug})" + (" - active" if active else "")
    table = Table(title=escape(title), caption=f"{length[0].upper()}{length[1:]}")
    table.add_column("#", justify="right")
    table.add_column("Exercise", style="cyan")
    table.add_column("Dose")
    for number, item in enumerate(program.items, 1):
        name = ctx.catalogue.get(item.exercise_id).name
        table.add_row(
            str(number),
            f"{escape(name)} [dim]({item.exercise_id})[/dim]",
            describe_dose(item.dosage),
        )
    console.print(table)
    console.print(f"{program.times_per_day}x a day, {program.days_per_week} days a week.")
    if program.description:
        console.print(f"[dim]{escape(program.description)}[/dim]")


@program_app.command("list")
def list_command() -> None:
    """Every program, with its length and schedule; the active one is marked."""
    console = Console()
    with app_context() as ctx:
        active = active_program(ctx).slug
        table = Table(title="Programs")
        table.add_column("", width=1)
        table.add_column("Slug", style="cyan", no_wrap=True)
        table.add_column("Name")
        table.add_column("Exercises", justify="right")
        table.add_column("Length")
        table.add_column("Schedule")
        for program in list_programs(ctx):
            table.add_row(
                "*" if program.slug == active else "",
                program.slug,
                escape(program.name),
                str(len(program.items)),
                describe_length(program, ctx.catalogue),
                f"{program.times_per_day}x a day, {program.days_per_week} days a week",
            )
        console.print(table)
        console.print("* the active program (change it with: backcoach program use SLUG)")


@program_app.command("show")
def show_command(slug: str = typer.Argument(..., help="The program's slug, e.g. daily-short.")) -> None:
    """One program: its exercises in order with their doses."""
    with app_context() as ctx:
        program = get_program(ctx, slug)
        _show(Console(), ctx, program, active=active_program(ctx).slug == program.slug)


@program_app.command("create")
def create_command(
    name: str = typer.Argument(..., help="A name for the program, e.g. 'Morning'."),
    exercise: list[str] | None = EXERCISE_OPT,
    reps: list[str] | None = REPS_OPT,
    sets: list[str] | None = SETS_OPT,
    hold: list[str] | None = HOLD_OPT,
    rest: list[str] | None = REST_OPT,
    times_per_day: int = typer.Option(1, "--times-per-day", help="How many times a day (1-5)."),
    days_per_week: int = typer.Option(7, "--days-per-week", help="How many days a week (1-7)."),
    use: bool = typer.Option(False, "--use", help="Make it the active program."),
) -> None:
    """Make your own program: choose the exercises, their order and doses, and how often."""
    if not exercise:
        raise InvalidInput("choose at least one exercise with --exercise ID (see: backcoach exercises)")
    with app_context() as ctx:
        doses = _doses(ctx, exercise, {}, reps, sets, hold, rest)
        program = create_program(
            ctx, name, exercise, doses=doses, times_per_day=times_per_day, days_per_week=days_per_week
        )
        if use:
            set_active_program(ctx, program.slug)
        console = Console()
        console.print(f"Created the program [cyan]{program.slug}[/cyan].")
        _show(console, ctx, program, active=use)


@program_app.command("edit")
def edit_command(
    slug: str = typer.Argument(..., help="The program to change."),
    name: str | None = typer.Option(None, "--name", help="A new name."),
    exercise: list[str] | None = EXERCISE_OPT,
    reps: list[str] | None = REPS_OPT,
    sets: list[str] | None = SETS_OPT,
    hold: list[str] | None = HOLD_OPT,
    rest: list[str] | None = REST_OPT,
    times_per_day: int | None = typer.Option(None, "--times-per-day", help="How many times a day (1-5)."),
    days_per_week: int | None = typer.Option(None, "--days-per-week", help="How many days a week (1-7)."),
) -> None:
    """Change a program: its name, exercises (all of them, in order), doses or schedule."""
    with app_context() as ctx:
        current = get_program(ctx, slug)
        ids = list(exercise) if exercise else list(current.exercise_ids)
        bases = {item.exercise_id: item.dosage for item in current.items}
        doses = _doses(ctx, ids, bases, reps, sets, hold, rest)
        program = update_program(
            ctx,
            current.slug,
            name=name,
            exercise_ids=ids,
            doses=doses,
            times_per_day=times_per_day,
            days_per_week=days_per_week,
        )
        console = Console()
        console.print(f"Saved the program [cyan]{program.slug}[/cyan].")
        _show(console, ctx, program, active=active_program(ctx).slug == program.slug)


@program_app.command("use")
def use_command(slug: str = typer.Argument(..., help="The program to follow from now on.")) -> None:
    """Choose the program that 'backcoach workout' runs when none is named."""
    with app_context() as ctx:
        program = set_active_program(ctx, slug)
        Console().print(f"Now following [cyan]{program.slug}[/cyan] ({escape(program.name)}).")


def register(app: typer.Typer) -> None:
    """Add ``program`` and its commands to the app."""
    app.add_typer(program_app, name="program")
