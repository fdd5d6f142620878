"""The analyser registry: the nine ids, lazy lookup, thresholds by name."""

from __future__ import annotations

import pytest

from backcoach.motion.analysers.base import BaseAnalyser
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.registry import ANALYSED_EXERCISES, create_analyser, default_thresholds

MINE = ("forearm_plank", "bridge", "glute_bridge_march", "superman", "cat_stretch")

# The form checks' threshold names, as the catalogue names them.
CATALOGUE_NAMES = {
    "forearm_plank": ("hip_sag_deg", "hip_pike_deg"),
    "bridge": ("bridge_min_hip_extension_deg", "bridge_over_arch_deg"),
    "glute_bridge_march": ("march_hip_drop_deg",),
    "superman": ("superman_arm_lift_deg", "superman_leg_lift_deg"),
    "cat_stretch": ("cat_min_rounding_deg",),
}


def test_the_nine_ids_in_the_article_order() -> None:
    assert ANALYSED_EXERCISES == (
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


@pytest.mark.parametrize("exercise", MINE)
def test_each_analyser_is_created_with_its_catalogue_thresholds(exercise: str) -> None:
    thresholds = default_thresholds(exercise)
    for name in CATALOGUE_NAMES[exercise]:
        assert name in thresholds
    analyser = create_analyser(exercise)
    assert analyser.exercise == exercise
    feedback = analyser.update(PoseFrame(0.0, None))
    assert feedback.exercise == exercise
    assert feedback.camera_counts is True
    assert feedback.reps == ({"left": 0, "right": 0} if exercise == "glute_bridge_march" else {"both": 0})


def test_threshold_override_by_name() -> None:
    analyser = create_analyser("forearm_plank", {"hip_sag_deg": 12.0})
    assert isinstance(analyser, BaseAnalyser)
    assert analyser.thresholds["hip_sag_deg"] == 12.0
    # the defaults are a copy: changing what is returned changes nothing
    defaults = default_thresholds("forearm_plank")
    defaults["hip_sag_deg"] = 99.0
    assert default_thresholds("forearm_plank")["hip_sag_deg"] != 99.0


def test_unknown_exercise_names_the_valid_ids() -> None:
    with pytest.raises(ValueError, match="forearm_plank") as err:
        create_analyser("bird_dog")
    assert "bird_dog" in str(err.value)
    with pytest.raises(ValueError):
        default_thresholds("plank")


def test_unknown_threshold_name_is_refused() -> None:
    with pytest.raises(ValueError, match="hip_sag_degrees"):
        create_analyser("forearm_plank", {"hip_sag_degrees": 10.0})
