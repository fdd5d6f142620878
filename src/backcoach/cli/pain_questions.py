"""The pain questions of the guided workout, asked in the terminal and sent to the safety check-in.

Owns asking a 0-10 rating and a yes/no with single keys, and what each answer leads to: before the
workout (advice when it is high), during an exercise (h: above 5 offers to stop it; a sharp rise or
pain down a leg stops the workout for the safety questions) and after a quit. Every rating goes
through ``services.safety.check_in``, which stores it.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from backcoach.cli.interruptions import QuitWorkout, RescreenNeeded, StopExercise
from backcoach.cli.keys import ENTER, QUIT_KEYS, KeyReader
from backcoach.cli.safety_cmd import print_checkin
from backcoach.cli.voice import Voice
from backcoach.services import safety
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.workouts import check_pain_score

__all__ = ["PainQuestions"]


class PainQuestions:
    """Pain ratings and yes/no answers for one workout, typed in the terminal."""

    def __init__(
        self, ctx: AppContext, workout_id: int, *, console: Console, keys: KeyReader, voice: Voice
    ) -> None:
        self.ctx = ctx
        self.workout_id = workout_id
        self.console = console
        self.keys = keys
        self.voice = voice

    def ask(self, question: str, *, optional: bool = False) -> int | None:
        """A rating from 0 to 10, asked until it is one. q quits (QuitWorkout) unless ``optional``,
        when Enter or q gives None instead."""
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

    def yes_no(self, question: str, *, default: bool) -> bool:
        """One key: y or n (Enter takes the default); q quits the workout."""
        self.console.print(f"{question} " + escape("[Y/n]" if default else "[y/N]"), end=" ")
        while True:
            key = self.keys.read(None)
            if key in QUIT_KEYS:
                raise QuitWorkout()
            if key in ("y", "Y", "n", "N", ENTER):
                answer = default if key == ENTER else key.lower() == "y"
                self.keys.write(("y" if answer else "n") + "\n")
                return answer

    def before(self) -> None:
        """The rating before the workout; RescreenNeeded when it asks for the safety questions."""
        score = self.ask("How is your back pain right now, from 0 (none) to 10 (worst)?")
        assert score is not None
        result = safety.check_in(self.ctx, score, "before", workout_id=self.workout_id)
        print_checkin(self.console, result, proposals=False, rescreen=False)
        if result.rescreen_reason:
            raise RescreenNeeded()
        if score > 5:
            self.console.print(
                "[yellow]That is a lot of pain. Go very gently, skip anything that makes it worse, and stop "
                "if it goes up or spreads down a leg.[/yellow]"
            )

    def during(self, exercise_id: str | None) -> None:
        """The person says it hurts during an exercise: how much, recorded against the exercise.

        Above 5 offers to stop the exercise (StopExercise); a sharp rise or pain down a leg stops
        the workout for the safety questions (RescreenNeeded); otherwise the exercise carries on.
        """
        name = (
            self.ctx.catalogue.get(exercise_id).name
            if exercise_id is not None and exercise_id in self.ctx.catalogue
            else "this exercise"
        )
        self.voice.say("How bad is the pain?")
        score = self.ask("\nHow bad is the pain right now, from 0 (none) to 10 (worst)?", optional=True)
        if score is None:
            self.console.print("Carrying on.")
            return
        leg = self.yes_no("Is any pain spreading down one or both legs?", default=False)
        result = safety.check_in(
            self.ctx, score, "during", leg_spread=leg, workout_id=self.workout_id, exercise_id=exercise_id
        )
        print_checkin(self.console, result, proposals=False, rescreen=False)
        if result.rescreen_reason:
            raise RescreenNeeded()
        if result.stop_exercise:
            if self.yes_no(
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

    def after_quit(self) -> None:
        """An optional rating when the person stops early."""
        self.console.print("\n[yellow]Stopping here.[/yellow]")
        # Optional: Enter, q or Ctrl-D skips it, so it never raises QuitWorkout.
        score = self.ask("How is your back pain now, from 0 to 10?", optional=True)
        if score is not None:
            result = safety.check_in(self.ctx, score, "after", workout_id=self.workout_id)
            print_checkin(self.console, result, rescreen=False)
