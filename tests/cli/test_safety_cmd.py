"""The safety commands run as a person would: the real ``backcoach`` entry point in a subprocess,
a real SQLite file in a temporary data directory, answers typed on stdin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from icalendar import Calendar

from backcoach.domain.redflags import load_red_flags

# The red-flag questions and whether a clinician has assessed this back pain.
N_QUESTIONS = len(load_red_flags().answer_ids)


def run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update({"BACKCOACH_DATA_DIR": str(data_dir), "BACKCOACH_VOICE": "false", "COLUMNS": "160"})
    return subprocess.run(
        [sys.executable, "-c", "from backcoach.cli.app import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def spawn_in_terminal(data_dir: Path, *args: str) -> pexpect.spawn:
    """A command in a pseudo-terminal (the guided workout needs one), to answer as a person would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update({"BACKCOACH_DATA_DIR": str(data_dir), "BACKCOACH_VOICE": "false", "NO_COLOR": "1"})
    return pexpect.spawn(
        sys.executable,
        ["-c", "from backcoach.cli.app import main; main()", *args],
        env=env,
        encoding="utf-8",
        dimensions=(40, 160),
        timeout=120,
    )


def run_in_terminal(data_dir: Path, *args: str) -> tuple[int | None, str]:
    """Run a command in a pseudo-terminal (the guided workout needs one); its exit status and output."""
    child = spawn_in_terminal(data_dir, *args)
    try:
        child.expect(pexpect.EOF)
    except pexpect.TIMEOUT:
        child.terminate(force=True)
        raise AssertionError(f"backcoach {' '.join(args)} did not stop: {child.before}") from None
    output = child.before or ""
    child.close()
    return child.exitstatus, " ".join(output.split())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_red_flag_blocks_the_workout_with_the_advice_until_cleared(data_dir: Path) -> None:
    screen = run(data_dir, "screen", stdin="y\n" + "n\n" * (N_QUESTIONS - 1))
    assert screen.returncode == 0, screen.stderr
    assert "Please get this checked today" in screen.stdout
    assert "New trouble controlling your bladder" in screen.stdout  # the answer that stopped it
    assert "backcoach screen --cleared" in screen.stdout

    status, output = run_in_terminal(data_dir, "workout")
    assert status == 2
    assert "Traceback" not in output
    assert "Please get this checked today" in output
    assert "emergency" in output

    paused = run(data_dir, "checkin", "--pain", "2", stdin="n\n")
    assert paused.returncode == 0, paused.stderr
    assert "Your exercises are paused" in paused.stdout and "Carry on" not in paused.stdout

    kept = run(data_dir, "screen", "--cleared", stdin="n\n")
    assert kept.returncode == 0 and "stay paused" in kept.stdout
    assert run_in_terminal(data_dir, "workout")[0] == 2
    # An urgent stop cannot be lifted by a visit from before the signs were reported.
    old_visit = run(
        data_dir,
        "screen",
        "--cleared",
        "--clinician",
        "Dr Ada Lee",
        "--visit-date",
        "2020-01-01",
        stdin="y\n",
    )
    assert old_visit.returncode == 2 and "Traceback" not in old_visit.stderr
    assert run_in_terminal(data_dir, "workout")[0] == 2

    cleared = run(data_dir, "screen", "--cleared", "--note", "Examined, fine", stdin="y\nDr Ada Lee\ntoday\n")
    assert cleared.returncode == 0, cleared.stderr
    assert "open again" in cleared.stdout
    log = run(data_dir, "log", "pain", "2", "--moment", "before")
    assert log.returncode == 0, log.stderr


def test_all_no_screen_then_checkin_and_progress(data_dir: Path) -> None:
    screen = run(data_dir, "screen", stdin="n\n" * N_QUESTIONS)
    assert screen.returncode == 0 and "No warning signs" in screen.stdout
    checkin = run(data_dir, "checkin", "--pain", "3", "--no-leg", "--now")
    assert checkin.returncode == 0, checkin.stderr
    assert "3/10: Safe" in checkin.stdout
    leg = run(data_dir, "checkin", "--pain", "3", "--leg")
    assert "spreading down a leg" in leg.stdout
    # the workout asks the safety questions again before it starts
    child = spawn_in_terminal(data_dir, "workout")
    child.expect_exact("spreading down a leg, so please answer the safety questions again")
    for _ in range(N_QUESTIONS):
        child.expect_exact("[y/N]:")
        child.send("n\r")
    child.expect_exact("No warning signs")
    child.expect_exact("from 0 (none) to 10 (worst)?")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None and child.exitstatus == 130
    progress = run(data_dir, "progress")
    assert progress.returncode == 0, progress.stderr
    assert "no workout at this dose yet" in progress.stdout


def test_questionnaires_and_outcomes_chart(data_dir: Path) -> None:
    startback = run(data_dir, "questionnaire", "startback", stdin="n\nn\nn\nn\ny\ny\ny\ny\n4\n")
    assert startback.returncode == 0, startback.stderr
    assert "High risk" in startback.stdout
    assert "Keele University" in startback.stdout
    first = run(data_dir, "questionnaire", "rmdq", stdin="14\n")
    assert first.returncode == 0 and "scores only" in first.stdout
    run(data_dir, "questionnaire", "rmdq", stdin="8\n")
    psfs = run(data_dir, "questionnaire", "psfs", stdin="Putting on socks\nLifting my son\n\n3\n5\n")
    assert psfs.returncode == 0 and "average 4/10" in psfs.stdout
    chart = run(data_dir, "outcomes")
    assert chart.returncode == 0, chart.stderr
    assert "Roland-Morris" in chart.stdout
    assert "★ meaningful change, better" in chart.stdout
    assert "STarT Back" in chart.stdout


def test_reminders_ics_file(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "reminders.ics"
    done = run(
        data_dir, "reminders", "--ics", str(out), "--time", "18:00", "--time", "07:30", "--days", "MO,WE,FR"
    )
    assert done.returncode == 0, done.stderr
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert sorted(e.decoded("dtstart").strftime("%H:%M") for e in events) == ["07:30", "18:00"]
    assert all(e["rrule"]["BYDAY"] == ["MO", "WE", "FR"] for e in events)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("questionnaire", "nope"), "choose one of"),
        (("reminders", "--ics", "x.ics", "--time", "25:00"), "HH:MM"),
        (("progress", "--accept", "999"), "no suggestion number 999"),
        (("screen", "--cleared"), "no open safety stop"),
        (("questionnaire", "--every", "3"), "7 to 56"),
        (("checkin", "--pain", "12"), "pain must be a whole number from 0 (none) to 10 (worst), not 12"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(data_dir: Path, args: tuple[str, ...], message: str) -> None:
    result = run(data_dir, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_interactive_checkin_and_all_questionnaires(data_dir: Path) -> None:
    run(data_dir, "screen", stdin="n\n" * N_QUESTIONS)
    checkin = run(data_dir, "checkin", stdin="4\nn\n")
    assert checkin.returncode == 0, checkin.stderr
    assert "4/10: Acceptable" in checkin.stdout
    wrong_then_right = run(data_dir, "checkin", "--no-leg", stdin="eleven\n11\n2\n")
    assert "Please type a whole number from 0 to 10" in wrong_then_right.stdout
    assert "2/10: Safe" in wrong_then_right.stdout
    # all: pain, STarT Back (9), PSFS (activities then ratings), RMDQ score
    answers = "5\n" + "n\n" * 8 + "2\n" + "Walking the dog\n\n6\n" + "10\n"
    everything = run(data_dir, "questionnaire", stdin=answers)
    assert everything.returncode == 0, everything.stderr
    assert "Low risk" in everything.stdout
    assert "average 6/10" in everything.stdout
    assert "Roland-Morris 10/24" in everything.stdout
    assert "every 14 days" in everything.stdout


def test_a_score_typed_wrong_in_a_questionnaire_is_asked_again(data_dir: Path) -> None:
    rmdq = run(data_dir, "questionnaire", "rmdq", stdin="30\nlots\n14\n")
    assert rmdq.returncode == 0, rmdq.stderr
    assert rmdq.stdout.count("Please type a whole number from 0 to 24.") == 2
    assert "Saved: Roland-Morris 14/24." in rmdq.stdout
    odi = run(data_dir, "questionnaire", "odi", stdin="1\n6\n2\n" + "\n" * 8)
    assert odi.returncode == 0, odi.stderr
    assert "Please type a whole number from 0 to 5." in odi.stdout
    assert "Saved: Oswestry index" in odi.stdout
    assert "Next time:" in odi.stdout


def test_long_questions_break_between_words_in_an_80_column_terminal(data_dir: Path) -> None:
    child = spawn_in_terminal(data_dir, "screen")
    child.setwinsize(24, 80)
    seen = io.StringIO()
    child.logfile_read = seen
    for _ in range(N_QUESTIONS):
        child.expect_exact("[y/N]:")
        child.send("n\r")
    child.expect(pexpect.EOF)
    child.close()
    lines = seen.getvalue().replace("\r", "").split("\n")
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    text = " ".join(" ".join(lines).split())
    # every question reads whole, e.g. no "botto" / "m" broken over two lines
    for question in load_red_flags().questions:
        assert " ".join(question.text.split()) in text


def test_reminder_days_typed_in_lower_case_or_twice_count_once(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "reminders.ics"
    done = run(data_dir, "reminders", "--ics", str(out), "--days", "mo,we,MO")
    assert done.returncode == 0, done.stderr
    assert "on MO,WE." in done.stdout
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert event["rrule"]["BYDAY"] == ["MO", "WE"]
