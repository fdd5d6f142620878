"""``backcoach history`` (workouts, the adherence streak, a pain trend, and the outcomes over time:
pain and questionnaire scores with meaningful changes marked) and ``backcoach export``."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backcoach.cli.context import app_context
from backcoach.cli.safety_cmd import show_outcomes
from backcoach.domain.records import Adherence, PainRecord, WorkoutRecord
from backcoach.services.errors import InvalidInput
from backcoach.services.export import export_json, export_zip
from backcoach.services.history import (
    adherence,
    list_workouts,
    local_day,
    morning_checkin_due,
    pain_series,
)
from backcoach.services.workouts import LOGGED_PROGRAM_SLUG

__all__ = ["pain_bars", "register", "sparkline"]

SPARK_CHARS = "▁▂▃▄▅▆▇█"
STATUS_WORDS = {"finished": "finished", "in_progress": "in progress", "abandoned": "stopped early"}


def sparkline(scores: list[int]) -> str:
    """Pain scores 0-10 as one line of block characters, one per rating (0 the lowest block)."""
    return "".join(
        SPARK_CHARS[min(len(SPARK_CHARS) - 1, round(s * (len(SPARK_CHARS) - 1) / 10))] for s in scores
    )


def pain_bars(pain: list[PainRecord], days: int, today: date) -> Table:
    """Per day of the last ``days``: the highest pain rating as a bar, coloured by zone."""
    by_day: dict[date, list[int]] = {}
    for record in pain:
        by_day.setdefault(local_day(record.taken_at), []).append(record.score)
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column("day", style="dim")
    table.add_column("bar")
    table.add_column("score", justify="right")
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        scores = by_day.get(day)
        if not scores:
            continue
        worst = max(scores)
        colour = "green" if worst <= 3 else "yellow" if worst <= 5 else "red"
        table.add_row(f"{day:%a %d %b}", f"[{colour}]{'█' * (worst * 2) or '·'}[/{colour}]", f"{worst}/10")
    return table


def _duration(workout: WorkoutRecord) -> str:
    # Sets logged by hand have no length of their own.
    if workout.finished_at is None or workout.program_slug == LOGGED_PROGRAM_SLUG:
        return ""
    minutes = (workout.finished_at - workout.started_at).total_seconds() / 60
    return f"{minutes:.0f} min"


def _pain_text(workout: WorkoutRecord) -> str:
    before, after = workout.pain_at("before"), workout.pain_at("after")
    morning = workout.pain_at("next_morning")
    parts = [f"{before if before is not None else '-'} -> {after if after is not None else '-'}"]
    if morning is not None:
        parts.append(f"morning {morning}")
    return ", ".join(parts)


def history(
    days: int = typer.Option(30, "--days", help="How many days back to show.", min=1, max=3650),
) -> None:
    """Your workouts, your streak, how your pain has gone, and your scores over time."""
    console = Console(highlight=False)
    today = date.today()
    since = today - timedelta(days=days - 1)
    with app_context() as ctx:
        stats = adherence(ctx, today)
        workouts = list_workouts(ctx, since=since)
        pain = pain_series(ctx, since=since)
        due = morning_checkin_due(ctx, today)
        _print_history(console, days, today, stats, workouts, pain, due)
        console.print()
        console.rule("[bold]How you are doing over time[/bold]")
        show_outcomes(console, ctx, today)


def _print_history(
    console: Console,
    days: int,
    today: date,
    stats: Adherence,
    workouts: list[WorkoutRecord],
    pain: list[PainRecord],
    due: WorkoutRecord | None,
) -> None:
    streak = f"{stats.streak_days} day{'s' if stats.streak_days != 1 else ''} in a row"
    console.print(
        f"[bold]Streak:[/bold] {streak}. "
        f"[bold]Last 7 days:[/bold] {stats.days_done_last_7} of {stats.target_per_week} planned days "
        f"({stats.workouts_last_7_days} workout{'' if stats.workouts_last_7_days == 1 else 's'})."
        + (" Done today." if stats.done_today else "")
    )
    if due is not None:
        console.print(
            "[cyan]How is your back this morning, after yesterday's workout? "
            "Record it with: backcoach log pain N --moment next_morning[/cyan]"
        )
    if not workouts:
        console.print(f"No workouts in the last {days} days yet. Start one with: backcoach workout")
    else:
        table = Table(title=f"Workouts, last {days} days")
        table.add_column("#", justify="right")
        table.add_column("When", no_wrap=True)
        table.add_column("Program")
        table.add_column("Status", min_width=8)
        table.add_column("Sets", justify="right")
        table.add_column("Reps", justify="right")
        table.add_column("Held", justify="right")
        table.add_column("Time", justify="right")
        table.add_column("Pain")
        for w in workouts:
            table.add_row(
                str(w.id),
                f"{w.started_at.astimezone():%d %b %H:%M}",
                escape(w.program_name),
                STATUS_WORDS.get(w.status, w.status),
                str(len(w.sets)),
                str(w.total_reps),
                f"{w.total_hold_s:.0f} s",
                _duration(w),
                _pain_text(w),
            )
        console.print(table)
    if pain:
        console.print(
            f"[bold]Pain trend[/bold] (every rating, oldest first): {sparkline([p.score for p in pain])}"
        )
        console.print("[bold]Highest pain each day[/bold] (0-3 fine, 4-5 take care, above 5 too much):")
        console.print(pain_bars(pain, days, today))
    else:
        console.print("No pain ratings yet.")


def export(
    format: str = typer.Option("csv", "--format", "-f", help="csv (a zip of CSV files) or json."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="The file to write (default: backcoach-export-DATE.zip, or JSON on the screen).",
    ),
) -> None:
    """Everything recorded about you: a zip with one CSV per kind of record, or one JSON document."""
    if format not in ("csv", "json"):
        raise InvalidInput(f"--format must be csv or json (got {format!r})")
    with app_context() as ctx:
        if format == "json" and output is None:
            json.dump(export_json(ctx), sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
            return
        if output is None:
            output = Path(f"backcoach-export-{ctx.clock.now().astimezone():%Y%m%d}.zip")
        data = (
            export_zip(ctx)
            if format == "csv"
            else (json.dumps(export_json(ctx), indent=2, ensure_ascii=False) + "\n").encode()
        )
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    Console(stderr=True).print(f"Wrote everything recorded to {output}.")


def register(app: typer.Typer) -> None:
    """Add ``history`` and ``export`` to the app."""
    app.command("history")(history)
    app.command("export")(export)
