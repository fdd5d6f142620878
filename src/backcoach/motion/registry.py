"""Which analyser handles which exercise: lazy lookup of ``backcoach.motion.analysers.<id>``.

Each analyser module exposes ``ANALYSER`` (the class, built with an optional mapping of
threshold overrides) and ``DEFAULT_THRESHOLDS`` (threshold name -> value, the names the
catalogue uses).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import cast

from backcoach.motion.feedback import Analyser

__all__ = ["ANALYSED_EXERCISES", "create_analyser", "default_thresholds"]

# The nine exercise ids, in the order of the source article.
ANALYSED_EXERCISES: tuple[str, ...] = (
    "lower_back_rotation",
    "bridge",
    "glute_bridge_march",
    "pelvic_tilt",
    "superman",
    "cat_stretch",
    "draw_in",
    "dead_bug",
    "forearm_plank",
)


def _module(exercise_id: str) -> ModuleType:
    if exercise_id not in ANALYSED_EXERCISES:
        valid = ", ".join(ANALYSED_EXERCISES)
        raise ValueError(f"unknown exercise {exercise_id!r}; valid ids: {valid}")
    return importlib.import_module(f"backcoach.motion.analysers.{exercise_id}")


def default_thresholds(exercise_id: str) -> dict[str, float]:
    """The analyser's threshold names and default values for ``exercise_id``."""
    return dict(_module(exercise_id).DEFAULT_THRESHOLDS)


def create_analyser(exercise_id: str, thresholds: Mapping[str, float] | None = None) -> Analyser:
    """A fresh analyser of ``exercise_id``; ``thresholds`` override defaults by name.

    Raises ValueError for an unknown exercise id or an unknown threshold name.
    """
    module = _module(exercise_id)
    return cast(Analyser, module.ANALYSER(thresholds))
