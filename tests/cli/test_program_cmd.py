"""``backcoach program list|show|create|edit|use`` as a person runs it, and what is stored."""

from __future__ import annotations

import pytest

from backcoach.domain.exercises import describe_dose
from backcoach.domain.programs import describe_length
from backcoach.services import programs

from .conftest import Cli


def test_list_and_show_the_builtin_programs(cli: Cli) -> None:
    out = cli.ok("program", "list")
    assert "core-nine" in out and "daily-short" in out
    assert any(line.lstrip("│ ").startswith("*") and "daily-short" in line for line in out.splitlines())
    shown = cli.ok("program", "show", "core-nine")
    assert "Core nine" in shown and "Forearm plank" in shown
    with cli.app() as ctx:
        core = programs.get_program(ctx, "core-nine")
        length = describe_length(core, ctx.catalogue)
        doses = [describe_dose(i.dosage) for i in core.items]
    assert length.capitalize() in shown and length in out
    flat = " ".join(shown.replace("│", " ").split())
    for words in doses:  # one wording of a dose, as everywhere else
        assert all(w in flat for w in words.split(", ")), words


def test_create_edit_and_use_a_program(cli: Cli) -> None:
    out = cli.ok(
        "program",
        "create",
        "Evening",
        "--exercise",
        "draw_in",
        "--exercise",
        "bridge",
        "--reps",
        "bridge=12",
        "--sets",
        "bridge=2",
        "--hold",
        "draw_in=8",
        "--times-per-day",
        "2",
        "--days-per-week",
        "5",
    )
    assert "Created the program evening" in out
    assert "12 reps, 2 sets" in " ".join(out.replace("│", " ").split())
    with cli.app() as ctx:
        made = programs.get_program(ctx, "evening")
        assert made.exercise_ids == ("draw_in", "bridge")
        assert (made.dosage_for("bridge").reps, made.dosage_for("bridge").sets) == (12, 2)  # type: ignore[union-attr]
        assert made.dosage_for("draw_in").hold_s == 8.0  # type: ignore[union-attr]
        assert (made.times_per_day, made.days_per_week) == (2, 5)
    edited = cli.ok("program", "edit", "evening", "--reps", "bridge=14", "--name", "Late evening")
    assert "late-evening" in edited
    assert "Now following late-evening" in cli.ok("program", "use", "late-evening")
    with cli.app() as ctx:
        assert programs.active_program(ctx).slug == "late-evening"
        assert programs.active_program(ctx).dosage_for("bridge").reps == 14  # type: ignore[union-attr]
        (change,) = programs.dose_history(ctx, "late-evening", "bridge")
        assert (change.previous_reps, change.reps, change.reason) == (12, 14, "changed by you")


def test_a_hold_on_each_rep_shows_in_the_dose(cli: Cli) -> None:
    out = cli.ok("program", "create", "Held", "-e", "bridge", "--hold", "bridge=5")
    assert "8 reps, holding each 5 s" in out
    pelvic = " ".join(cli.ok("program", "show", "daily-short").replace("│", " ").split())
    assert "10 reps, holding each 2 s, 2 sets" in pelvic


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("program", "create", "X", "-e", "bridge", "--reps", "bridge=500"),
            "dose out of range for bridge: reps",
        ),
        (("program", "create", "X", "-e", "bridge", "--reps", "bridge"), "--reps expects EXERCISE=NUMBER"),
        (("program", "create", "X", "-e", "bridge", "--reps", "bridge=ten"), "not a whole number"),
        (("program", "create", "X", "-e", "bridge", "--hold", "draw_in=5"), "not in the program"),
        (("program", "create", "X", "-e", "superplank"), "unknown exercise 'superplank'"),
        (("program", "create", "X"), "choose at least one exercise"),
        (("program", "create", "X", "-e", "bridge", "--times-per-day", "9"), "times a day must be"),
        (("program", "create", "X", "-e", "bridge", "--hold", "bridge=999"), "the hold (seconds) must be"),
        (("program", "create", "Daily short", "-e", "bridge"), "already exists"),
        (("program", "show", "nope"), "no program called 'nope'"),
        (("program", "use", "nope"), "no program called 'nope'"),
        (("program", "edit", "daily-short", "--sets", "bridge=0"), "sets"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: tuple[str, ...], words: str) -> None:
    assert words in cli.fails(*args)
