"""The ways a step of the guided workout ends early.

q quits the workout (keeping what is done), s skips the rest of a step, pain above 5 may stop an
exercise, and a sharp rise or pain down a leg stops the workout for the safety questions. The
player keeps count of the reps (or holds) done, so a set cut short is still stored.
"""

from __future__ import annotations

__all__ = ["QuitWorkout", "RescreenNeeded", "SkipStep", "StopExercise"]


class QuitWorkout(Exception):
    """The person pressed q: stop here, keeping what is done."""


class SkipStep(Exception):
    """The person pressed s: skip the rest of this step."""


class StopExercise(Exception):
    """Pain above 5 during an exercise and the person chose to stop it: on to the next exercise."""


class RescreenNeeded(Exception):
    """Pain rose sharply or spread down a leg: stop here, the safety questions come first."""
