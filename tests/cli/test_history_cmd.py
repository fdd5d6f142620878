"""``backcoach log``, ``history`` and ``export`` as a person runs them, and what is stored."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from backcoach.services import history, outcomes, programs, progression, safety, workouts
from backcoach.services.errors import SafetyStop

from .conftest import Cli


def test_log_then_history_shows_the_workout_and_the_pain_trend(cli: Cli) -> None:
    assert "Saved: Bridge, set 1, 10 reps" in cli.ok("log", "set", "bridge", "--reps", "10")
    assert "set 2" in cli.ok("log", "set", "bridge", "--reps", "8")
    assert "left side" in cli.ok(
        "log", "set", "lower_back_rotation", "--reps", "1", "--hold", "10", "--side", "left"
    )
    assert "pain 4/10, before" in cli.ok("log", "pain", "4", "--moment", "before")
    assert "pain 7/10" in cli.ok("log", "pain", "7", "--moment", "after")
    assert "Saved the note" in cli.ok("log", "note", "Stiff after gardening")
    out = cli.ok("history")
    assert "Streak: 1 day in a row" in out
    assert "Last 7 days: 1 of 7 planned days (1 workout)." in out
    assert "Logged by hand" in out
    assert "0 min" not in out  # sets typed in by hand have no workout length to show
    assert "Pain trend" in out and "▄▆" in out  # 4 then 7 as blocks
    assert "7/10" in out
    with cli.app() as ctx:
        (logged,) = history.list_workouts(ctx)
        assert [(s.exercise_id, s.set_number, s.reps, s.side) for s in logged.sets] == [
            ("bridge", 1, 10, None),
            ("bridge", 2, 8, None),
            ("lower_back_rotation", 1, 1, "left"),
        ]
        assert [p.score for p in history.pain_series(ctx)] == [4, 7]


def test_history_with_nothing_yet(cli: Cli) -> None:
    out = cli.ok("history")
    assert "No workouts in the last 30 days yet" in out
    assert "No pain ratings yet" in out


def test_export_csv_and_json(cli: Cli, tmp_path: Path) -> None:
    cli.ok("log", "set", "bridge", "--reps", "10")
    cli.ok("log", "pain", "3", "--moment", "after")
    target_zip = tmp_path / "out.zip"
    done = cli.run("export", "--format", "csv", "--output", str(target_zip))
    assert done.returncode == 0 and f"Wrote everything recorded to {target_zip}" in done.stderr
    archive = zipfile.ZipFile(target_zip)
    sets = list(csv.DictReader(io.StringIO(archive.read("sets.csv").decode())))
    assert [(r["exercise_id"], r["reps"], r["source"]) for r in sets] == [("bridge", "10", "manual")]
    pain = list(csv.DictReader(io.StringIO(archive.read("pain.csv").decode())))
    assert [(r["moment"], r["score"]) for r in pain] == [("after", "3")]
    target = tmp_path / "out.json"
    done = cli.run("export", "--format", "json", "--output", str(target))
    assert done.returncode == 0, done.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["sets"][0]["reps"] == 10
    assert data["pain"][0]["score"] == 3
    assert json.loads(cli.ok("export", "--format", "json"))["format"] == "backcoach-export"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("log", "pain", "12"), "pain must be a whole number from 0"),
        (("log", "pain", "bad"), "pain must be a whole number from 0"),
        (("log", "pain", "3", "--moment", "lunch"), "--moment must be one of"),
        (("log", "set", "plank", "--reps", "3"), "unknown exercise 'plank'"),
        (("log", "set", "bridge", "--reps", "-2"), "reps must be a whole number"),
        (("log", "set", "bridge", "--reps", "3", "--side", "up"), "side must be left or right"),
        (("log", "note", "  "), "a note needs some text"),
        (("export", "--format", "xml"), "--format must be csv or json"),
        (("log", "set", "bridge", "--reps", "0"), "a set needs at least 1 rep"),
        (
            ("log", "set", "bridge", "--reps", "3", "--side", "left"),
            "Bridge is done with both sides together",
        ),
        # mistakes the command line itself catches: one line too, not a boxed panel
        (("log", "set", "bridge", "--reps", "abc"), "Invalid value for '--reps'"),
        (("log", "set", "bridge"), "Missing option '--reps'"),
        (("log", "pain", "-1"), "No such option: -1"),
        (("history", "--days", "0"), "Invalid value for '--days'"),
        (("histroy",), "No such command 'histroy'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: tuple[str, ...], words: str) -> None:
    assert words in cli.fails(*args)
    with cli.app() as ctx:
        assert history.pain_series(ctx) == []
        assert workouts.current_workout(ctx) is None


def test_a_command_group_alone_shows_its_commands(cli: Cli) -> None:
    for group, command in (("program", "create"), ("log", "pain")):
        done = cli.run(group)
        assert "Traceback" not in done.stderr
        assert f"backcoach {group}" in done.stdout and command in done.stdout
        assert "Missing command" not in done.stderr


def test_an_unreachable_database_or_bad_setting_is_one_line(cli: Cli) -> None:
    line = cli.fails("history", env={"BACKCOACH_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/backcoach"})
    assert "cannot open the database" in line and "127.0.0.1:1" in line
    line = cli.fails("history", env={"BACKCOACH_CLOCK_SPEED": "-5"})
    assert line == "backcoach: BACKCOACH_CLOCK_SPEED=-5: clock_speed must be above 0"
    line = cli.fails("exercises", env={"BACKCOACH_DATABASE_URL": "nonsense"})
    assert "not a valid URL" in line


def test_the_cli_on_each_database(cli: Cli, database_url: str) -> None:
    """The same commands on SQLite and, when configured, on PostgreSQL via BACKCOACH_DATABASE_URL."""
    on_db = {"BACKCOACH_DATABASE_URL": database_url}
    for args in (("log", "set", "bridge", "--reps", "9"), ("log", "pain", "3", "--moment", "after")):
        done = cli.run(*args, env=on_db)
        assert done.returncode == 0, done.stderr
    done = cli.run("history", env=on_db)
    assert done.returncode == 0 and "Logged by hand" in done.stdout and "3/10" in done.stdout


def test_history_shows_the_outcomes_over_time_with_meaningful_changes(cli: Cli) -> None:
    out = cli.ok("history")
    assert "How you are doing over time" in out
    assert "Nothing to chart yet" in out
    with cli.app() as ctx:
        outcomes.submit_pain(ctx, 7)
        outcomes.submit_rmdq(ctx, 14)
        outcomes.submit_pain(ctx, 3)
        outcomes.submit_rmdq(ctx, 8)
    out = cli.ok("history")
    assert "Nothing to chart yet" not in out
    assert "Roland-Morris" in out
    assert out.count("★ meaningful change, better") == 2  # pain 7 -> 3 and Roland-Morris 14 -> 8
    assert "Questionnaires:" in out


def test_log_pain_goes_through_the_safety_check_in(cli: Cli) -> None:
    cli.screen_all_clear()
    assert "3/10: Safe" in cli.ok("log", "pain", "3", "--moment", "before")
    with cli.app() as ctx:
        assert not safety.safety_status(ctx).needs_screen
    sore = cli.ok("log", "pain", "7", "--moment", "after")
    assert "Saved: pain 7/10, after" in sore
    assert "Your pain has gone up from 3 before you started to 7" in sore and "Run: backcoach screen" in sore
    with cli.app() as ctx:
        assert safety.safety_status(ctx).needs_screen
        with pytest.raises(SafetyStop, match="safety questions again"):
            workouts.start_workout(ctx)


def test_log_pain_down_a_leg_asks_the_safety_questions_again(cli: Cli) -> None:
    cli.screen_all_clear()
    out = cli.ok("log", "pain", "2", "--leg")
    assert "2/10: Safe" in out and "spreading down a leg" in out
    with cli.app() as ctx:
        assert safety.safety_status(ctx).needs_screen


def test_next_morning_pain_logged_brings_the_dose_suggestions(cli: Cli) -> None:
    cli.screen_all_clear()
    with cli.app() as ctx:
        program = programs.active_program(ctx)
        exercise_id = program.items[0].exercise_id
        exercise_name = ctx.catalogue.get(exercise_id).name
        workout = workouts.start_workout(ctx)
        safety.check_in(ctx, 4, "before", workout_id=workout.id)
        safety.check_in(ctx, 6, "during", workout_id=workout.id, exercise_id=exercise_id)
        workouts.finish_workout(ctx, workout.id)
    out = cli.ok("log", "pain", "3", "--moment", "next_morning")
    assert "3/10: Safe" in out
    assert "Suggested changes to your doses" in out
    assert f"{exercise_name}: ease off" in out and "Because your pain reached 6/10" in out
    with cli.app() as ctx:
        (proposal,) = progression.pending_proposals(ctx)
    assert f"To accept: backcoach progress --accept {proposal.id}" in out
