"""The guided workout in the terminal: one step at a time, with countdowns, rep prompts and voice.

Keys (no Enter needed): Enter next / done, p pause or carry on, s skip, q quit, h (or !) when it
hurts. Reps without a hold are counted by the person (Enter after each rep, or type the number done
and Enter); holds, reps with a hold, rests and side changes are timed. Every set is stored the
moment it ends, so quitting (q) or Ctrl-C keeps everything done so far. Quitting leaves the workout
in progress: ``backcoach workout`` carries on from the first set not yet done.

Pain goes through ``services.safety.check_in``: before and after the workout, and during an exercise
(h): above 5 offers to stop that exercise, and the rating, stored with the exercise, marks it for an
easier dose. A sharp rise or pain down a leg ends the workout with status ``rescreen`` so the
command asks the safety questions again. The after-workout rating brings the dose suggestions.

Time comes from the context's clock: ``BACKCOACH_CLOCK_SPEED`` makes workout time run faster.
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import shutil
import subprocess
import sys
import termios
import tty
from dataclasses import dataclass
from typing import IO, Any

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.text import Text

from backcoach.cli.catalogue_cmd import print_list
from backcoach.cli.safety_cmd import print_checkin, print_proposals
from backcoach.domain.records import WorkoutRecord
from backcoach.domain.workouts import Step
from backcoach.services import safety
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.workouts import (
    check_pain_score,
    finish_workout,
    get_workout,
    next_step_index,
    record_set,
    workout_plan,
)

__all__ = ["KeyReader", "PlayerOutcome", "Voice", "WorkoutPlayer"]

ENTER = "\n"
CTRL_D = "\x04"
# Keys that say "this hurts" during an exercise.
HURT_KEYS = ("h", "!")
# Seconds for the way back after a held rep (lowering, letting go), in workout time.
RETURN_S = 2.0
# How often the countdowns look at the keys and redraw, in real seconds.
TICK_S = 0.1


class QuitWorkout(Exception):
    """The person pressed q: stop here, keeping what is done."""


class SkipStep(Exception):
    """The person pressed s: skip the rest of this step."""


class StopExercise(Exception):
    """Pain above 5 during an exercise and the person chose to stop it: on to the next exercise."""


class RescreenNeeded(Exception):
    """Pain rose sharply or spread down a leg: stop here, the safety questions come first."""


class _Hurt(Exception):
    """The person pressed h during a countdown; carries the seconds left."""

    def __init__(self, remaining_s: float) -> None:
        super().__init__(remaining_s)
        self.remaining_s = remaining_s


class KeyReader:
    """Single keys from the terminal without waiting for Enter (cbreak mode), with a timeout.

    Works on a pipe too (keys arrive as they are written). The terminal is restored on exit.
    """

    def __init__(self, stream: IO[str] | None = None, echo: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdin
        self.echo = echo or sys.stdout
        self._saved: list[Any] | None = None
        try:
            self.fd: int | None = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None

    def __enter__(self) -> KeyReader:
        if self.fd is not None and os.isatty(self.fd):
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._saved is not None and self.fd is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout_s: float | None) -> str | None:
        """One key, or None when ``timeout_s`` (real seconds) passes first. Ctrl-D or end of input gives
        ``CTRL_D``; Enter and Return both give ``ENTER``."""
        if self.fd is None:
            char = self.stream.read(1)
        else:
            ready, _, _ = select.select([self.fd], [], [], timeout_s)
            if not ready:
                return None
            char = os.read(self.fd, 1).decode("utf-8", errors="ignore")
        if char == "":
            return CTRL_D
        return ENTER if char in ("\r", "\n") else char

    def read_line(self) -> str:
        """A line typed by the person, echoed as typed (Backspace works). Ctrl-D gives "q"."""
        typed: list[str] = []
        while True:
            key = self.read(None)
            if key == ENTER:
                self._write("\n")
                return "".join(typed)
            if key == CTRL_D:
                self._write("\n")
                return "q"
            if key in ("\x7f", "\b"):
                if typed:
                    typed.pop()
                    self._write("\b \b")
            elif key and key.isprintable():
                typed.append(key)
                self._write(key)

    def _write(self, text: str) -> None:
        self.echo.write(text)
        self.echo.flush()


class Voice:
    """Spoken cues through espeak-ng, when it is installed and the voice is on. Never blocks:
    a new cue cuts off one still being said."""

    def __init__(self, enabled: bool) -> None:
        self.program = shutil.which("espeak-ng") if enabled else None
        self._speaking: subprocess.Popen[bytes] | None = None

    @property
    def enabled(self) -> bool:
        return self.program is not None

    def say(self, text: str) -> None:
        if self.program is None:
            return
        self._stop()
        with contextlib.suppress(OSError):
            self._speaking = subprocess.Popen(
                [self.program, "-s", "150", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )

    def _stop(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
        self._speaking = None

    def close(self, *, wait: bool = True) -> None:
        """Let the last cue finish (briefly, unless ``wait`` is False: after Ctrl-C the person wants
        the terminal back at once), then make sure nothing is left running."""
        if wait and self._speaking is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._speaking.wait(timeout=3)
        self._stop()


@dataclass(frozen=True)
class PlayerOutcome:
    """How the workout ended: ``finished``, ``quit`` (q), ``interrupted`` (Ctrl-C) or ``rescreen`` (pain
    asks for the safety questions again), and what is stored."""

    status: str
    workout: WorkoutRecord


class WorkoutPlayer:
    """Walks the person through a workout's steps, storing each set as it ends."""

    def __init__(
        self,
        ctx: AppContext,
        workout: WorkoutRecord,
        *,
        console: Console,
        keys: KeyReader,
        voice: Voice,
    ) -> None:
        self.ctx = ctx
        self.workout = workout
        self.console = console
        self.keys = keys
        self.voice = voice
        self.clock = ctx.clock
        self.speed = ctx.settings.clock_speed
        self.steps = workout_plan(ctx, workout.id)
        self.saved_sets = 0
        self.exercise_id: str | None = None
        # Reps (or holds) finished so far in the set being played, so Ctrl-C can keep them.
        self._done_in_set = 0

    # --- the whole workout -------------------------------------------------------------------

    def run(self) -> PlayerOutcome:
        try:
            status = self._run()
        except KeyboardInterrupt:
            self.console.print("\n[yellow]Stopped (Ctrl-C).[/yellow]")
            status = "interrupted"
        workout = get_workout(self.ctx, self.workout.id)
        if status != "finished":
            self._print_saved(workout)
        return PlayerOutcome(status, workout)

    def _run(self) -> str:
        start = next_step_index(self.ctx, self.workout.id, self.steps)
        self._header(start)
        try:
            if self.workout.pain_at("before") is None:
                score = self._ask_pain("How is your back pain right now, from 0 (none) to 10 (worst)?")
                assert score is not None
                result = safety.check_in(self.ctx, score, "before", workout_id=self.workout.id)
                print_checkin(self.console, result, proposals=False, rescreen=False)
                if result.rescreen_reason:
                    raise RescreenNeeded()
                self._pain_advice(score)
            index = start
            if self.steps[index].is_work:
                # Carrying on in the middle of an exercise: get into position before the clock runs.
                index = self._intro(index, self.steps[index], then=index)
            while index < len(self.steps):
                step = self.steps[index]
                if step.kind == "done":
                    break
                index = self._play(index, step)
        except QuitWorkout:
            self._quit_questions()
            return "quit"
        except RescreenNeeded:
            self.console.print("[yellow]Stopping the workout here: the safety questions come first.[/yellow]")
            return "rescreen"
        self._finish()
        return "finished"

    def _header(self, start: int) -> None:
        work = [s for s in self.steps if s.is_work]
        self.console.rule(f"[bold]{escape(self.workout.program_name)}[/bold]")
        self.console.print(
            f"{len({s.exercise_id for s in work})} exercises, {len(work)} sets. "
            "Keys: [bold]Enter[/bold] next or done, [bold]p[/bold] pause, "
            "[bold]s[/bold] skip, [bold]q[/bold] quit, [bold]h[/bold] if it hurts."
        )
        self.console.print(
            "Move slowly and gently. Stop if pain goes above 5 out of 10, or spreads down a leg."
        )
        if self.workout.sets:
            count = len(self.workout.sets)
            self.console.print(
                f"[cyan]Carrying on where you stopped: {count} set{'' if count == 1 else 's'} "
                f"{'is' if count == 1 else 'are'} already saved.[/cyan]"
            )
        if self.voice.enabled:
            self.voice.say(f"Let's begin {self.workout.program_name}.")

    def _play(self, index: int, step: Step) -> int:
        """Play one step; returns the index of the next step (the next exercise after a stop for pain)."""
        self.exercise_id = step.exercise_id
        try:
            return self._play_step(index, step)
        except StopExercise:
            return self._next_exercise(index)

    def _play_step(self, index: int, step: Step) -> int:
        if step.kind == "intro":
            return self._intro(index, step)
        if step.kind in ("reps", "hold"):
            self._work(step)
        elif step.kind == "rest":
            self.console.print(f"[dim]{escape(step.text)}[/dim]")
            self.voice.say("Rest.")
            self._countdown("Rest", step.rest_s, enter_ends=True)
        elif step.kind == "side_change":
            self.console.print(f"[bold]{escape(step.text)}[/bold]")
            self.voice.say(step.text)
            self._countdown("Switch sides", step.rest_s, enter_ends=True)
        return index + 1

    def _intro(self, index: int, step: Step, *, then: int | None = None) -> int:
        """Show the exercise and wait for Enter; returns ``then`` (default: the next step), or the
        next exercise's first step when the person skips it."""
        assert step.exercise_id is not None
        exercise = self.ctx.catalogue.get(step.exercise_id)
        self.console.print()
        self.console.rule(f"[bold cyan]{escape(exercise.name)}[/bold cyan]")
        self.console.print(escape(exercise.start_position))
        print_list(self.console, exercise.steps, numbered=True)
        self.console.print(f"[dim]Breathing: {escape(exercise.breathing)}[/dim]")
        self.voice.say(f"{exercise.name}. {exercise.start_position}")
        self.console.print("Press Enter when you are in position (s skips this exercise, q quits).")
        while True:
            key = self._key(None)
            if key == ENTER:
                return index + 1 if then is None else then
            if key == "s":
                self.console.print(f"[yellow]Skipped {escape(exercise.name)}.[/yellow]")
                return self._next_exercise(index)

    def _next_exercise(self, index: int) -> int:
        exercise_id = self.steps[index].exercise_id
        for later in range(index + 1, len(self.steps)):
            if self.steps[later].exercise_id != exercise_id:
                return later
        return len(self.steps) - 1

    # --- sets ---------------------------------------------------------------------------------

    def _work(self, step: Step) -> None:
        self.console.print(f"[bold]{escape(step.text)}[/bold]")
        self.voice.say(step.text)
        done, held_s, source = 0, step.hold_s, "timer"
        self._done_in_set = 0
        try:
            if step.kind == "hold":
                done = self._holds(step)
            elif step.hold_s > 0:
                done = self._timed_reps(step)
            else:
                done, source = self._counted_reps(step), "manual"
                held_s = 0.0
        except SkipStep as skipped:
            done = int(skipped.args[0]) if skipped.args else 0
            self.console.print("[yellow]Skipped the rest of this set.[/yellow]")
        except (QuitWorkout, StopExercise, RescreenNeeded) as ending:
            partial = int(ending.args[0]) if ending.args else self._done_in_set
            if partial > 0:
                self._save(
                    step, partial, held_s, "manual" if step.hold_s == 0 and step.kind == "reps" else source
                )
            raise type(ending)() from None
        except KeyboardInterrupt:
            # Ctrl-C keeps what was done, as q does.
            if self._done_in_set > 0:
                self._save(
                    step,
                    self._done_in_set,
                    held_s,
                    "manual" if step.hold_s == 0 and step.kind == "reps" else source,
                )
            raise
        if done > 0:
            self._save(step, done, held_s, source)

    def _save(self, step: Step, reps: int, hold_s: float, source: str) -> None:
        assert step.exercise_id is not None
        record_set(
            self.ctx,
            self.workout.id,
            exercise_id=step.exercise_id,
            set_number=step.set_number,
            side=step.side,
            reps=reps,
            hold_s=hold_s,
            source=source,
            client_id=self._client_id(step),
        )
        self.saved_sets += 1
        unit = ("hold" if step.kind == "hold" else "rep") + ("" if reps == 1 else "s")
        where = f", {step.side} side" if step.side else ""
        self.console.print(
            f"[green]Saved: set {step.set_number} of {step.sets}{where}, {reps} {unit}.[/green]"
        )

    def _client_id(self, step: Step) -> str:
        # The same set always gets the same id, so a resumed or repeated set updates its row.
        return f"terminal-{self.workout.id}-{step.exercise_id}-{step.set_number}-{step.side or 'both'}"

    def _side_of(self, step: Step, rep_index: int) -> str:
        if step.alternating and step.sides:
            return f" ({step.sides[rep_index % len(step.sides)]} side)"
        return ""

    def _counted_reps(self, step: Step) -> int:
        total = step.total_reps
        count = 0
        typed = ""
        how_many = "how many you did on both sides together" if step.alternating else "how many you did"
        self.console.print(
            f"Do each rep slowly. Press Enter after each rep, or type {how_many} and press Enter. "
            f"Rep 1 of {total}{self._side_of(step, 0)}."
        )
        while count < total:
            key = self.keys.read(None)
            if key == CTRL_D:
                key = "q"
            if key == "q":
                raise QuitWorkout(count)
            if key == "s":
                raise SkipStep(count)
            if key == "p":
                self.console.print("Paused. Press p to carry on.")
                self._wait_for_resume()
                continue
            if key in HURT_KEYS:
                try:
                    self._hurt()
                except (StopExercise, RescreenNeeded) as ending:
                    raise type(ending)(count) from None
                self.console.print(f"Rep {count + 1} of {total}{self._side_of(step, count)}.")
                continue
            if key and key.isdigit():
                typed += key
                self.keys._write(key)
                continue
            if key in ("\x7f", "\b") and typed:
                typed = typed[:-1]
                self.keys._write("\b \b")
                continue
            if key != ENTER:
                continue
            if typed:
                self.keys._write("\n")
                number = int(typed)
                typed = ""
                if number > 1000:
                    self.console.print("[red]That is more than 1000: type the number of reps you did.[/red]")
                    continue
                self.console.print(f"{number} reps.")
                return number
            count += 1
            self._done_in_set = count
            self.voice.say(str(count))
            nxt = f" Rep {count + 1} of {total}{self._side_of(step, count)}." if count < total else ""
            self.console.print(f"{count} of {total}.{nxt}")
        return count

    def _timed_reps(self, step: Step) -> int:
        total = step.total_reps
        for rep in range(total):
            side = self._side_of(step, rep)
            self.voice.say(f"Rep {rep + 1}. Hold.")
            try:
                self._countdown(f"Rep {rep + 1} of {total}{side}: hold", step.hold_s)
                self._countdown(f"Rep {rep + 1} of {total}{side}: slowly back", RETURN_S)
            except (SkipStep, QuitWorkout, StopExercise, RescreenNeeded) as ending:
                raise type(ending)(rep) from None
            self._done_in_set = rep + 1
            self.console.print(f"Rep {rep + 1} of {total} done.")
        return total

    def _holds(self, step: Step) -> int:
        total = step.total_reps
        for hold in range(total):
            side = self._side_of(step, hold)
            self.voice.say("Hold." if total == 1 else f"Hold {hold + 1}.")
            try:
                self._countdown("Hold" if total == 1 else f"Hold {hold + 1} of {total}{side}", step.hold_s)
            except (SkipStep, QuitWorkout, StopExercise, RescreenNeeded) as ending:
                raise type(ending)(hold) from None
            self._done_in_set = hold + 1
            count = "" if total == 1 else f" ({hold + 1} of {total})"
            self.console.print(f"Held {step.hold_s:g} s{count}.")
            if hold + 1 < total and step.relax_s > 0:
                self.voice.say("And relax.")
                try:
                    self._countdown("Relax", step.relax_s, enter_ends=True)
                except (SkipStep, QuitWorkout, StopExercise, RescreenNeeded) as ending:
                    raise type(ending)(hold + 1) from None
        return total

    # --- time and keys -----------------------------------------------------------------------

    def _key(self, timeout_s: float | None) -> str | None:
        """A key, with q and Ctrl-D quitting and p pausing handled here."""
        key = self.keys.read(timeout_s)
        if key in ("q", CTRL_D):
            raise QuitWorkout()
        if key == "p":
            self.console.print("Paused. Press p to carry on.")
            self._wait_for_resume()
            return None
        if key in HURT_KEYS:
            self._hurt()
            self.console.print("Press Enter when you are ready.")
            return None
        return key

    def _wait_for_resume(self) -> None:
        self.voice.say("Paused.")
        while True:
            key = self.keys.read(None)
            if key in ("q", CTRL_D):
                raise QuitWorkout()
            if key in ("p", ENTER):
                self.console.print("Carrying on.")
                return

    def _countdown(self, label: str, seconds: float, *, enter_ends: bool = False) -> None:
        """Count ``seconds`` of workout time down with a bar; p pauses, s (or Enter when
        ``enter_ends``) ends it early by raising SkipStep / returning, q raises QuitWorkout, h asks
        about the pain (the clock waits) and carries on, unless the exercise or workout stops."""
        remaining_s = seconds
        while True:
            try:
                self._count_down(label, seconds, remaining_s, enter_ends=enter_ends)
                return
            except _Hurt as hurt:
                remaining_s = hurt.remaining_s
                self._hurt()

    def _count_down(self, label: str, seconds: float, remaining_s: float, *, enter_ends: bool) -> None:
        if remaining_s <= 0:
            return
        end = self.clock.monotonic() + remaining_s
        hint = "Enter to go on, " if enter_ends else ""
        bar = ProgressBar(total=seconds, completed=0, width=30)

        def view(remaining: float) -> Group:
            bar.update(seconds - remaining)
            shown = math.ceil(max(0.0, remaining) - 1e-6)  # a countdown shows 1 until the very end
            return Group(Text(f"{label}: {shown:4d} s left  ({hint}p pause, s skip, q quit)"), bar)

        with Live(view(remaining_s), console=self.console, refresh_per_second=10, transient=True) as live:
            while True:
                remaining = end - self.clock.monotonic()
                if remaining <= 0:
                    break
                live.update(view(remaining))
                key = self.keys.read(min(TICK_S, remaining / self.speed))
                if key in ("q", CTRL_D):
                    raise QuitWorkout()
                if key == "s":
                    if enter_ends:
                        return
                    raise SkipStep()
                if key == ENTER and enter_ends:
                    return
                if key in HURT_KEYS:
                    raise _Hurt(remaining)
                if key == "p":
                    paused_at = self.clock.monotonic()
                    live.update(Group(Text(f"{label}: paused - press p to carry on"), bar))
                    self._wait_for_resume()
                    end += self.clock.monotonic() - paused_at

    # --- pain and the end ---------------------------------------------------------------------

    def _ask_pain(self, question: str, *, optional: bool = False) -> int | None:
        while True:
            self.console.print(question + (" (Enter to skip)" if optional else ""), end=" ")
            answer = self.keys.read_line().strip()
            if answer.lower() == "q" and not optional:
                raise QuitWorkout()
            if optional and answer in ("", "q"):
                return None
            try:
                return check_pain_score(answer)
            except InvalidInput:
                self.console.print(
                    "[red]Please type a whole number from 0 (no pain) to 10 (worst pain).[/red]"
                )

    def _yes_no(self, question: str, *, default: bool) -> bool:
        """One key: y or n (Enter takes the default); q quits the workout."""
        self.console.print(f"{question} " + escape("[Y/n]" if default else "[y/N]"), end=" ")
        while True:
            key = self.keys.read(None)
            if key in ("q", CTRL_D):
                raise QuitWorkout()
            if key in ("y", "Y", "n", "N", ENTER):
                answer = default if key == ENTER else key.lower() == "y"
                self.keys._write(("y" if answer else "n") + "\n")
                return answer

    def _hurt(self) -> None:
        """The person says it hurts during an exercise: how much, recorded against the exercise.

        Above 5 offers to stop the exercise (StopExercise); a sharp rise or pain down a leg stops
        the workout for the safety questions (RescreenNeeded); otherwise the exercise carries on.
        """
        exercise_id = self.exercise_id
        name = (
            self.ctx.catalogue.get(exercise_id).name
            if exercise_id is not None and exercise_id in self.ctx.catalogue
            else "this exercise"
        )
        self.voice.say("How bad is the pain?")
        score = self._ask_pain("\nHow bad is the pain right now, from 0 (none) to 10 (worst)?", optional=True)
        if score is None:
            self.console.print("Carrying on.")
            return
        leg = self._yes_no("Is any pain spreading down one or both legs?", default=False)
        result = safety.check_in(
            self.ctx, score, "during", leg_spread=leg, workout_id=self.workout.id, exercise_id=exercise_id
        )
        print_checkin(self.console, result, proposals=False, rescreen=False)
        if result.rescreen_reason:
            raise RescreenNeeded()
        if result.stop_exercise:
            if self._yes_no(
                f"Pain above 5 out of 10 during an exercise is a sign to stop it. Stop {escape(name)} now?",
                default=True,
            ):
                self.console.print(
                    f"[yellow]Stopped {escape(name)}. It is marked for an easier dose: after this workout "
                    "backcoach will suggest one.[/yellow]"
                )
                raise StopExercise()
            self.console.print("Carrying on. Go very gently, and stop if it gets worse.")
        else:
            self.console.print("Carrying on. Go gently.")

    def _pain_advice(self, score: int) -> None:
        if score > 5:
            self.console.print(
                "[yellow]That is a lot of pain. Go very gently, skip anything that makes it worse, and stop "
                "if it goes up or spreads down a leg.[/yellow]"
            )

    def _quit_questions(self) -> None:
        self.console.print("\n[yellow]Stopping here.[/yellow]")
        score = self._ask_pain_quietly()
        if score is not None:
            result = safety.check_in(self.ctx, score, "after", workout_id=self.workout.id)
            print_checkin(self.console, result, rescreen=False)

    def _ask_pain_quietly(self) -> int | None:
        try:
            return self._ask_pain("How is your back pain now, from 0 to 10?", optional=True)
        except QuitWorkout:
            return None

    def _finish(self) -> None:
        self.console.print()
        self.console.rule("[bold green]All done[/bold green]")
        self.voice.say("All done. Well done for looking after your back today.")
        try:
            score = self._ask_pain("How is your back pain now, from 0 (none) to 10 (worst)?")
        except QuitWorkout:  # q or Ctrl-D here: every set is done, only the rating is left out
            score = None
        # Finished first, so the progression review the after-workout check-in runs counts this workout.
        finish_workout(self.ctx, self.workout.id)
        result = None
        if score is not None:
            result = safety.check_in(self.ctx, score, "after", workout_id=self.workout.id)
        workout = get_workout(self.ctx, self.workout.id)
        before = workout.pain_at("before")
        sets, reps = len(workout.sets), workout.total_reps
        self.console.print(
            f"[green]Workout complete: {sets} set{'' if sets == 1 else 's'}, "
            f"{reps} rep{'' if reps == 1 else 's'}, {workout.total_hold_s:.0f} s held.[/green]"
        )
        if score is None or result is None:
            self.console.print(
                "No pain rating after this workout. To add one: "
                f"backcoach log pain N --moment after --workout {workout.id}"
            )
        else:
            if before is not None:
                self.console.print(f"Pain before {before}/10, after {score}/10.")
            if score > 5 or (before is not None and score >= before + 2):
                self.console.print(
                    "[yellow]Your pain went up. Rest, and check how it feels tomorrow morning "
                    "(backcoach log pain N --moment next_morning). "
                    "Do less next time if it has not settled.[/yellow]"
                )
            print_checkin(self.console, result, proposals=False, rescreen=False)
            print_proposals(self.console, list(result.proposals))
        self.console.print(
            "Tomorrow morning, note how your back feels: backcoach log pain N --moment next_morning"
        )

    def _print_saved(self, workout: WorkoutRecord) -> None:
        if not workout.sets:
            self.console.print("No sets were done yet, so nothing else was saved.")
        else:
            count = len(workout.sets)
            self.console.print(f"[green]Saved so far: {count} set{'' if count == 1 else 's'}.[/green]")
            for s in workout.sets:
                catalogue = self.ctx.catalogue
                exercise = catalogue.get(s.exercise_id) if s.exercise_id in catalogue else None
                name = exercise.name if exercise is not None else s.exercise_id
                where = f", {s.side} side" if s.side else ""
                if exercise is not None and exercise.dosage.kind == "hold":
                    done = f"{s.reps} hold{'' if s.reps == 1 else 's'} of {s.hold_s:g} s"
                else:
                    done = f"{s.reps} rep{'' if s.reps == 1 else 's'}" + (
                        f", holding each {s.hold_s:g} s" if s.hold_s else ""
                    )
                self.console.print(f"  {name}: set {s.set_number}{where}, {done}")
        self.console.print(
            "The workout stays open: run [bold]backcoach workout[/bold] to carry on where you stopped, "
            "or [bold]backcoach workout --new[/bold] to start afresh."
        )
