"""``backcoach workout`` driven through a real pseudo-terminal with pexpect, on a fast clock.

The first-run safety questions (all clear, or a red flag that stops); a full short program to the
end; quitting half-way with q (then carrying on); Ctrl-C; pain during an exercise (h) that stops it
and brings an easier dose, or that asks the safety questions again. Each time we check what the
person sees, and then what is stored.
"""

from __future__ import annotations

import sys

import pexpect
import pytest

from backcoach.domain.redflags import load_red_flags
from backcoach.services import history, progression, safety, workouts

from .conftest import Cli

pytestmark = pytest.mark.slow

QUICK = (
    "program",
    "create",
    "Quick",
    "--use",
    "-e",
    "bridge",
    "-e",
    "lower_back_rotation",
    "-e",
    "draw_in",
    "--reps",
    "bridge=3",
    "--sets",
    "lower_back_rotation=1",
    "--reps",
    "draw_in=2",
    "--hold",
    "draw_in=5",
)


def _spawn(cli: Cli, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "backcoach", "workout", *args],
        env=cli.env,
        encoding="utf-8",
        dimensions=(40, 200),
        timeout=60,
    )
    return child


N_QUESTIONS = len(load_red_flags().answer_ids)


def _start(cli: Cli) -> pexpect.spawn:
    cli.ok(*QUICK)
    cli.screen_all_clear()
    child = _spawn(cli)
    child.expect_exact("from 0 (none) to 10 (worst)?")
    return child


def _bridge_by_enter(child: pexpect.spawn) -> None:
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 3")
    child.send("\r")
    child.expect_exact("1 of 3. Rep 2 of 3.")
    child.send("\r")
    child.expect_exact("2 of 3. Rep 3 of 3.")
    child.send("\r")
    child.expect_exact("Saved: set 1 of 1, 3 reps.")


def _finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)


def test_a_full_workout_to_the_end(cli: Cli) -> None:
    child = _start(cli)
    child.send("eleven\r")
    child.expect_exact("Please type a whole number from 0 (no pain) to 10 (worst pain).")
    child.send("3\r")
    _bridge_by_enter(child)
    # lower back rotation: one hold per side, a side change between them
    child.expect_exact("Lower back rotational stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Saved: set 1 of 1, left side, 1 hold.")
    child.expect_exact("Now switch to your right side.")
    child.expect_exact("Saved: set 1 of 1, right side, 1 hold.")
    # draw-in: pause during the first hold, carry on, both holds done
    child.expect_exact("Press Enter when you are in position")
    child.send("\rp")
    child.expect_exact("paused - press p to carry on")
    child.send("p")
    child.expect_exact("Carrying on.")
    child.expect_exact("Saved: set 1 of 1, 2 holds.")
    child.expect_exact("How is your back pain now, from 0 (none) to 10 (worst)?")
    child.send("11\r")
    child.expect_exact("Please type a whole number")
    child.send("2\r")
    child.expect_exact("Workout complete: 4 sets, 7 reps, 30 s held.")
    child.expect_exact("Pain before 3/10, after 2/10.")
    assert _finish(child) == 0

    with cli.app() as ctx:
        (done,) = history.list_workouts(ctx)
        assert done.status == "finished" and done.program_slug == "quick"
        assert [(s.exercise_id, s.side, s.reps, s.hold_s, s.source) for s in done.sets] == [
            ("bridge", None, 3, 0.0, "manual"),
            ("lower_back_rotation", "left", 1, 10.0, "timer"),
            ("lower_back_rotation", "right", 1, 10.0, "timer"),
            ("draw_in", None, 2, 5.0, "timer"),
        ]
        assert (done.pain_at("before"), done.pain_at("after")) == (3, 2)
    out = cli.ok("history")
    assert "Quick" in out and "finished" in out and "3 -> 2" in out
    assert "Streak: 1 day in a row" in out


def test_quitting_half_way_keeps_the_sets_and_carries_on_later(cli: Cli) -> None:
    child = _start(cli)
    child.send("4\r")
    _bridge_by_enter(child)
    child.expect_exact("Press Enter when you are in position")
    child.send("q")
    child.expect_exact("Stopping here.")
    child.expect_exact("(Enter to skip)")
    child.send("\r")
    child.expect_exact("Saved so far: 1 set.")
    child.expect_exact("Bridge: set 1, 3 reps")
    assert _finish(child) == 0
    with cli.app() as ctx:
        (stopped,) = history.list_workouts(ctx)
        assert stopped.status == "in_progress"
        assert [(s.exercise_id, s.reps) for s in stopped.sets] == [("bridge", 3)]
        assert stopped.pain_at("before") == 4
    assert "in progress" in cli.ok("history")

    # Carrying on: no second pain question, straight to the first exercise not yet done.
    child = _spawn(cli)
    child.expect_exact("Carrying on where you stopped: 1 set is already saved.")
    child.expect_exact("Lower back rotational stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("s")  # skip this exercise
    child.expect_exact("Skipped Lower back rotational stretch.")
    child.expect_exact("Draw-in stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Saved: set 1 of 1, 2 holds.")
    child.expect_exact("How is your back pain now")
    child.send("4\r")
    child.expect_exact("Workout complete: 2 sets, 5 reps, 10 s held.")
    assert _finish(child) == 0
    with cli.app() as ctx:
        (done,) = history.list_workouts(ctx)
        assert done.id == stopped.id and done.status == "finished"
        assert [p.moment for p in done.pain] == ["before", "after"]


def test_ctrl_c_keeps_the_sets_done_so_far(cli: Cli) -> None:
    child = _start(cli)
    child.send("2\r")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 3")
    child.send("2\r")  # typed the number done instead of pressing Enter after each rep
    child.expect_exact("2 reps.")
    child.expect_exact("Saved: set 1 of 1, 2 reps.")
    child.expect_exact("Lower back rotational stretch")
    child.expect_exact("Press Enter when you are in position")
    child.sendintr()
    child.expect_exact("Stopped (Ctrl-C).")
    child.expect_exact("Saved so far: 1 set.")
    assert _finish(child) == 130
    with cli.app() as ctx:
        workout = workouts.current_workout(ctx)
        assert workout is not None
        assert [(s.exercise_id, s.reps, s.source) for s in workout.sets] == [("bridge", 2, "manual")]


def test_skipping_the_rest_of_a_set_keeps_the_reps_counted_by_the_person(cli: Cli) -> None:
    child = _start(cli)
    child.send("2\r")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 3")
    child.send("\r")
    child.expect_exact("1 of 3. Rep 2 of 3.")
    child.send("s")
    child.expect_exact("Skipped the rest of this set.")
    child.expect_exact("Saved: set 1 of 1, 1 rep.")
    child.expect_exact("Lower back rotational stretch")
    child.sendintr()
    assert _finish(child) == 130
    with cli.app() as ctx:
        workout = workouts.current_workout(ctx)
        assert workout is not None
        assert [(s.exercise_id, s.reps, s.source) for s in workout.sets] == [("bridge", 1, "manual")]


def _answer_screen(child: pexpect.spawn, answers: list[str]) -> None:
    for answer in answers:
        child.expect_exact("[y/N]:")
        child.send(answer + "\r")


def test_the_first_workout_asks_the_safety_questions_first(cli: Cli) -> None:
    cli.ok(*QUICK)
    child = _spawn(cli)
    child.expect_exact("Before your first workout: a few short safety questions.")
    _answer_screen(child, ["n"] * N_QUESTIONS)
    child.expect_exact("No warning signs")
    child.expect_exact("from 0 (none) to 10 (worst)?")
    child.send("q\r")
    child.expect_exact("(Enter to skip)")
    child.send("\r")
    assert _finish(child) == 0
    with cli.app() as ctx:
        status = safety.safety_status(ctx)
        assert status.screened and status.ready_to_exercise
        assert status.last_screen is not None and status.last_screen.reason == "first_run"
        assert workouts.current_workout(ctx) is not None
    # screened once: the next workout goes straight to the pain question
    child = _spawn(cli)
    child.expect_exact("from 0 (none) to 10 (worst)?")
    child.sendintr()
    assert _finish(child) == 130


def test_a_red_flag_on_the_first_run_stops_before_any_workout(cli: Cli) -> None:
    child = _spawn(cli)
    _answer_screen(child, ["y"] + ["n"] * (N_QUESTIONS - 1))
    child.expect_exact("Please get this checked today")
    child.expect_exact("backcoach screen --cleared")
    assert _finish(child) == 2
    with cli.app() as ctx:
        assert workouts.current_workout(ctx) is None
        assert history.list_workouts(ctx) == []
    # and it stays stopped: the next try shows the advice in one line, exit 2
    assert "Please get this checked today" in _run_to_end(cli)[1]


def _run_to_end(cli: Cli) -> tuple[int, str]:
    child = _spawn(cli)
    child.expect(pexpect.EOF)
    output = child.before or ""
    child.close()
    return (child.exitstatus if child.exitstatus is not None else -1), output


def test_pain_above_five_during_an_exercise_stops_it_and_suggests_an_easier_dose(cli: Cli) -> None:
    child = _start(cli)
    child.send("5\r")  # 6 later is 1 above this: not a sharp rise, so no safety questions
    child.expect_exact("5/10: Acceptable")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 3")
    child.send("\r")
    child.expect_exact("1 of 3. Rep 2 of 3.")
    child.send("h")  # it hurts
    child.expect_exact("How bad is the pain right now")
    child.send("6\r")
    child.expect_exact("spreading down one or both legs?")
    child.send("n")
    child.expect_exact("6/10: Too much")
    child.expect_exact("Stop Bridge now?")
    child.send("y")
    child.expect_exact("Stopped Bridge. It is marked for an easier dose")
    child.expect_exact("Saved: set 1 of 1, 1 rep.")
    # on to the next exercise, then the end
    child.expect_exact("Lower back rotational stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Draw-in stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("How is your back pain now, from 0 (none) to 10 (worst)?")
    child.send("3\r")
    child.expect_exact("Workout complete")
    child.expect_exact("Suggested changes to your doses")
    # 1 set of 3 is already below the usual range: the easier version is the step down
    child.expect(r"#(\d+)\S* Bridge: ease off \(try Half bridge\)\. Because your pain reached 6/10")
    proposal_id = int(child.match.group(1))
    child.expect_exact(f"To accept: backcoach progress --accept {proposal_id}")
    assert _finish(child) == 0

    with cli.app() as ctx:
        (done,) = history.list_workouts(ctx)
        during = [(p.score, p.exercise_id) for p in done.pain if p.moment == "during"]
        assert during == [(6, "bridge")]
        assert [(s.exercise_id, s.reps) for s in done.sets if s.exercise_id == "bridge"] == [("bridge", 1)]
        (pending,) = progression.pending_proposals(ctx)
        assert pending.id == proposal_id and pending.exercise_id == "bridge" and pending.action == "regress"
    assert f"Accepted #{proposal_id}: bridge (ease off)" in cli.ok("progress", "--accept", str(proposal_id))


def test_a_little_pain_during_a_hold_is_noted_and_the_hold_carries_on(cli: Cli) -> None:
    child = _start(cli)
    child.send("3\r")
    for name in ("Bridge", "Lower back rotational stretch"):
        child.expect_exact(name)
        child.expect_exact("Press Enter when you are in position")
        child.send("s")
    child.expect_exact("Draw-in stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\rh")  # in position, and at once: it hurts
    child.expect_exact("How bad is the pain right now")
    child.send("3\r")
    child.expect_exact("spreading down one or both legs?")
    child.send("\r")  # Enter: the default, no
    child.expect_exact("3/10: Safe")
    child.expect_exact("Carrying on. Go gently.")
    child.expect_exact("Saved: set 1 of 1, 2 holds.")
    child.expect_exact("How is your back pain now")
    child.send("3\r")
    child.expect_exact("Workout complete: 1 set, 2 reps, 10 s held.")
    assert _finish(child) == 0
    with cli.app() as ctx:
        (done,) = history.list_workouts(ctx)
        assert [(p.moment, p.score, p.exercise_id) for p in done.pain] == [
            ("before", 3, None),
            ("during", 3, "draw_in"),
            ("after", 3, None),
        ]
        assert progression.pending_proposals(ctx) == []
        assert safety.safety_status(ctx).ready_to_exercise


def test_a_sharp_rise_during_an_exercise_asks_the_safety_questions_again(cli: Cli) -> None:
    child = _start(cli)
    child.send("2\r")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 3")
    child.send("!")
    child.expect_exact("How bad is the pain right now")
    child.send("8\r")
    child.expect_exact("spreading down one or both legs?")
    child.send("n")
    child.expect_exact("Stopping the workout here: the safety questions come first.")
    child.expect_exact("please answer the safety questions again")
    _answer_screen(child, ["n"] * N_QUESTIONS)
    child.expect_exact("No warning signs")
    child.expect_exact("Your workout is saved.")
    assert _finish(child) == 0
    with cli.app() as ctx:
        status = safety.safety_status(ctx)
        assert status.ready_to_exercise and status.last_screen is not None
        assert status.last_screen.reason == "pain_rise"
        workout = workouts.current_workout(ctx)
        assert workout is not None and [p.score for p in workout.pain] == [2, 8]


def test_without_a_terminal_the_workout_explains_itself(cli: Cli) -> None:
    assert "needs a terminal" in cli.fails("workout")
    with cli.app() as ctx:
        assert workouts.current_workout(ctx) is None


def test_an_unknown_program_is_one_line(cli: Cli) -> None:
    child = _spawn(cli, "no-such-program")
    child.expect_exact("no program called 'no-such-program'")
    assert _finish(child) == 2


def test_ctrl_c_in_the_middle_of_a_set_keeps_the_reps_done(cli: Cli) -> None:
    child = _start(cli)
    child.send("2\r")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 3")
    child.send("\r")
    child.expect_exact("1 of 3. Rep 2 of 3.")
    child.send("\r")
    child.expect_exact("2 of 3. Rep 3 of 3.")
    child.sendintr()
    child.expect_exact("Saved: set 1 of 1, 2 reps.")
    child.expect_exact("Stopped (Ctrl-C).")
    assert _finish(child) == 130
    with cli.app() as ctx:
        workout = workouts.current_workout(ctx)
        assert workout is not None
        assert [(s.exercise_id, s.reps, s.source) for s in workout.sets] == [("bridge", 2, "manual")]


def test_carrying_on_in_the_middle_of_an_exercise_waits_until_you_are_in_position(cli: Cli) -> None:
    cli.ok("program", "create", "Two", "--use", "-e", "bridge", "--sets", "bridge=2", "--reps", "bridge=2")
    cli.screen_all_clear()
    child = _spawn(cli)
    child.expect_exact("from 0 (none) to 10 (worst)?")
    child.send("2\r")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Rep 1 of 2")
    child.send("\r\r")
    child.expect_exact("Saved: set 1 of 2, 2 reps.")
    child.expect_exact("Rest")
    child.send("q")
    child.expect_exact("(Enter to skip)")
    child.send("\r")
    assert _finish(child) == 0

    child = _spawn(cli)
    child.expect_exact("Carrying on where you stopped: 1 set is already saved.")
    # set 2 does not start counting before the person is lying down again
    child.expect_exact("Press Enter when you are in position")
    assert "Set 2 of 2" not in (child.before or "")
    child.send("\r")
    child.expect_exact("Set 2 of 2")
    child.expect_exact("Rep 1 of 2")
    child.send("\r\r")
    child.expect_exact("Saved: set 2 of 2, 2 reps.")
    child.expect_exact("How is your back pain now, from 0 (none) to 10 (worst)?")
    child.send("2\r")
    child.expect_exact("Workout complete: 2 sets, 4 reps, 0 s held.")
    assert _finish(child) == 0


def test_the_sets_kept_after_quitting_name_holds_as_holds(cli: Cli) -> None:
    child = _start(cli)
    child.send("2\r")
    child.expect_exact("Press Enter when you are in position")
    child.send("s")  # skip the bridge
    child.expect_exact("Lower back rotational stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Saved: set 1 of 1, left side, 1 hold.")
    child.send("q")
    child.expect_exact("(Enter to skip)")
    child.send("\r")
    child.expect_exact("Saved so far: 1 set.")
    child.expect_exact("Lower back rotational stretch: set 1, left side, 1 hold of 10 s")
    assert _finish(child) == 0


def test_q_at_the_last_pain_question_still_finishes_the_workout(cli: Cli) -> None:
    child = _start(cli)
    child.send("3\r")
    for name in ("Bridge", "Lower back rotational stretch"):
        child.expect_exact(name)
        child.expect_exact("Press Enter when you are in position")
        child.send("s")
    child.expect_exact("Draw-in stretch")
    child.expect_exact("Press Enter when you are in position")
    child.send("\r")
    child.expect_exact("Saved: set 1 of 1, 2 holds.")
    child.expect_exact("How is your back pain now, from 0 (none) to 10 (worst)?")
    child.send("q\r")
    child.expect_exact("Workout complete: 1 set, 2 reps, 10 s held.")
    child.expect_exact("No pain rating after this workout. To add one: backcoach log pain N --moment after")
    assert _finish(child) == 0
    with cli.app() as ctx:
        (done,) = history.list_workouts(ctx)
        assert done.status == "finished"
        assert [p.moment for p in done.pain] == ["before"]
