"""The catalogue and the motion engine agree: every form check the catalogue describes is one the
analyser applies, with the same threshold, and every finding an analyser can raise has words."""

from __future__ import annotations

import pytest

from backcoach.domain.catalogue_loader import load_catalogue
from backcoach.domain.exercises import EXERCISE_IDS
from backcoach.motion.registry import ANALYSED_EXERCISES, create_analyser, default_thresholds

CATALOGUE = load_catalogue()


def test_every_catalogue_exercise_has_an_analyser() -> None:
    assert set(ANALYSED_EXERCISES) == set(EXERCISE_IDS)


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_form_check_thresholds_match_the_analyser(exercise_id: str) -> None:
    defaults = default_thresholds(exercise_id)
    for check in CATALOGUE.get(exercise_id).form_checks:
        assert check.threshold_name in defaults, f"{exercise_id}: {check.threshold_name} unknown"
        assert defaults[check.threshold_name] == pytest.approx(check.threshold_value), (
            f"{exercise_id}.{check.threshold_name}: catalogue {check.threshold_value}, "
            f"analyser {defaults[check.threshold_name]}"
        )


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_the_analyser_accepts_the_catalogue_thresholds(exercise_id: str) -> None:
    thresholds = {c.threshold_name: c.threshold_value for c in CATALOGUE.get(exercise_id).form_checks}
    analyser = create_analyser(exercise_id, thresholds)
    assert analyser.exercise == exercise_id


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_camera_counting_agrees(exercise_id: str) -> None:
    from backcoach.motion.landmarks import PoseFrame

    feedback = create_analyser(exercise_id).update(PoseFrame(0.0, None))
    assert feedback.camera_counts == CATALOGUE.get(exercise_id).camera_counts
