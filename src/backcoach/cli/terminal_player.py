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

This module owns the flow (steps, sets, storing each set); its parts live beside it: ``keys``
(terminal keys), ``voice`` (espeak-ng), ``timer`` (countdowns and pause), ``pain_questions`` (the
pain ratings and what they lead to), ``workout_screen`` (what is printed) and ``interruptions``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from backcoach.cli.interruptions import QuitWorkout, RescreenNeeded, SkipStep, StopExercise
from backcoach.cli.keys import BACKSPACE_KEYS, CTRL_D, ENTER, HURT_KEYS, QUIT_KEYS, KeyReader
from backcoach.cli.pain_questions import PainQuestions
from backcoach.cli.timer import Timer
from backcoach.cli.voice import Voice
from backcoach.cli.workout_screen import pluralise, print_exercise, print_header, print_saved, print_summary
from backcoach.domain.records import WorkoutRecord
from backcoach.domain.workouts import Step
from backcoach.services import safety
from backcoach.services.context import AppContext
from backcoach.services.workouts import finish_workout, get_workout, next_step_index, record_set, workout_plan

# KeyReader, Voice, ENTER and CTRL_D are imported from here by the workout command and older code.
__all__ = ["CTRL_D", "ENTER", "KeyReader", "PlayerOutcome", "Voice", "WorkoutPlayer"]

# Seconds for the way back after a held rep (lowering, letting go), in workout time.
RETURN_S = 2.0


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
        self.timer = Timer(console, keys, voice, ctx.clock, ctx.settings.clock_speed)
        self.pain = PainQuestions(ctx, workout.id, console=console, keys=keys, voice=voice)
        self.steps = workout_plan(ctx, workout.id)
        self.saved_sets = 0
        self.exercise_id: str | None = None
        # Reps (or holds) finished so far in the set being played, so a set cut short keeps them.
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
            print_saved(self.console, self.ctx.catalogue, workout)
        return PlayerOutcome(status, workout)

    def _run(self) -> str:
        start = next_step_index(self.ctx, self.workout.id, self.steps)
        print_header(self.console, self.workout, self.steps)
        if self.voice.enabled:
            self.voice.say(f"Let's begin {self.workout.program_name}.")
        try:
            if self.workout.pain_at("before") is None:
                self.pain.before()
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
            self.pain.after_quit()
            return "quit"
        except RescreenNeeded:
            self.console.print("[yellow]Stopping the workout here: the safety questions come first.[/yellow]")
            return "rescreen"
        self._finish()
        return "finished"

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
        print_exercise(self.console, exercise)
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
        counted = step.kind == "reps" and step.hold_s <= 0
        held_s, source = (0.0, "manual") if counted else (step.hold_s, "timer")
        self._done_in_set = 0
        try:
            if step.kind == "hold":
                done = self._holds(step)
            elif counted:
                done = self._counted_reps(step)
            else:
                done = self._timed_reps(step)
        except SkipStep:
            # What was done of the set is kept, counted as before (the person's own count is "manual").
            done = self._done_in_set
            self.console.print("[yellow]Skipped the rest of this set.[/yellow]")
        except (QuitWorkout, StopExercise, RescreenNeeded, KeyboardInterrupt):
            # q, a stop for pain and Ctrl-C all keep what was done of the set.
            if self._done_in_set > 0:
                self._save(step, self._done_in_set, held_s, source)
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
        where = f", {step.side} side" if step.side else ""
        self.console.print(
            f"[green]Saved: set {step.set_number} of {step.sets}{where}, "
            f"{pluralise(reps, 'hold' if step.kind == 'hold' else 'rep')}.[/green]"
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
            key = self._key(None, after_hurt=f"Rep {count + 1} of {total}{self._side_of(step, count)}.")
            if key == "s":
                raise SkipStep()
            if key and key.isdigit():
                typed += key
                self.keys.write(key)
                continue
            if key in BACKSPACE_KEYS and typed:
                typed = typed[:-1]
                self.keys.write("\b \b")
                continue
            if key != ENTER:
                continue
            if typed:
                self.keys.write("\n")
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
            self._countdown(f"Rep {rep + 1} of {total}{side}: hold", step.hold_s)
            self._countdown(f"Rep {rep + 1} of {total}{side}: slowly back", RETURN_S)
            self._done_in_set = rep + 1
            self.console.print(f"Rep {rep + 1} of {total} done.")
        return total

    def _holds(self, step: Step) -> int:
        total = step.total_reps
        for hold in range(total):
            side = self._side_of(step, hold)
            self.voice.say("Hold." if total == 1 else f"Hold {hold + 1}.")
            self._countdown("Hold" if total == 1 else f"Hold {hold + 1} of {total}{side}", step.hold_s)
            self._done_in_set = hold + 1
            count = "" if total == 1 else f" ({hold + 1} of {total})"
            self.console.print(f"Held {step.hold_s:g} s{count}.")
            if hold + 1 < total and step.relax_s > 0:
                self.voice.say("And relax.")
                self._countdown("Relax", step.relax_s, enter_ends=True)
        return total

    # --- keys, time and pain during the workout ------------------------------------------------

    def _key(
        self, timeout_s: float | None, *, after_hurt: str = "Press Enter when you are ready."
    ) -> str | None:
        """A key, with q and Ctrl-D quitting, p pausing and h asking about the pain handled here
        (None then; ``after_hurt`` tells the person how to go on)."""
        key = self.keys.read(timeout_s)
        if key in QUIT_KEYS:
            raise QuitWorkout()
        if key == "p":
            self.console.print("Paused. Press p to carry on.")
            self.timer.pause()
            return None
        if key in HURT_KEYS:
            self._hurt()
            self.console.print(after_hurt)
            return None
        return key

    def _countdown(self, label: str, seconds: float, *, enter_ends: bool = False) -> None:
        self.timer.count_down(label, seconds, on_hurt=self._hurt, enter_ends=enter_ends)

    def _hurt(self) -> None:
        self.pain.during(self.exercise_id)

    # --- the end ------------------------------------------------------------------------------

    def _finish(self) -> None:
        self.console.print()
        self.console.rule("[bold green]All done[/bold green]")
        self.voice.say("All done. Well done for looking after your back today.")
        try:
            score = self.pain.ask("How is your back pain now, from 0 (none) to 10 (worst)?")
        except QuitWorkout:  # q or Ctrl-D here: every set is done, only the rating is left out
            score = None
        # Finished first, so the progression review the after-workout check-in runs counts this workout.
        finish_workout(self.ctx, self.workout.id)
        result = None
        if score is not None:
            result = safety.check_in(self.ctx, score, "after", workout_id=self.workout.id)
        print_summary(self.console, get_workout(self.ctx, self.workout.id), score, result)
