"""Catalogue use cases: the nine exercises, listed or one by id."""

from __future__ import annotations

from backcoach.domain.catalogue_loader import UnknownExercise
from backcoach.domain.exercises import Exercise
from backcoach.services.context import AppContext
from backcoach.services.errors import NotFound

__all__ = ["get_exercise", "list_exercises"]


def list_exercises(ctx: AppContext) -> list[Exercise]:
    """The nine exercises in the source article's order."""
    return list(ctx.catalogue.exercises)


def get_exercise(ctx: AppContext, exercise_id: str) -> Exercise:
    """One exercise; NotFound (listing the valid ids) for an unknown id."""
    try:
        return ctx.catalogue.get(exercise_id)
    except UnknownExercise as exc:
        raise NotFound(str(exc)) from None
