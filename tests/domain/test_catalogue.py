"""The exercise catalogue: all nine present and complete, doses as the article gives them, and
broken catalogue files failing loudly with the file and the field named."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from backcoach.domain.catalogue_loader import (
    CATALOGUE_DIR,
    FLOOR_Y,
    POSE_BOX,
    REQUIRED_JOINTS,
    Catalogue,
    CatalogueError,
    UnknownExercise,
    load_catalogue,
)
from backcoach.domain.exercises import EXERCISE_IDS, Exercise
from backcoach.domain.programs import validate_dosage

CATALOGUE = load_catalogue()


def exercise(exercise_id: str) -> Exercise:
    return CATALOGUE.get(exercise_id)


def test_all_nine_ids_in_article_order() -> None:
    assert [e.id for e in CATALOGUE] == list(EXERCISE_IDS)
    assert len(CATALOGUE) == 9
    assert CATALOGUE.ids == EXERCISE_IDS
    assert sorted(p.stem for p in CATALOGUE_DIR.glob("*.toml")) == sorted(EXERCISE_IDS)


def test_loading_twice_gives_equal_exercises_and_no_shared_state() -> None:
    again = load_catalogue()
    assert again is not CATALOGUE
    assert again.exercises == CATALOGUE.exercises


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_every_field_is_filled_in(exercise_id: str) -> None:
    e = exercise(exercise_id)
    assert e.name and e.name[0].isupper()
    for field in ("summary", "why", "start_position", "breathing", "tempo", "camera_note"):
        value = getattr(e, field)
        assert isinstance(value, str) and len(value) >= 15, f"{exercise_id}.{field} is too short: {value!r}"
    assert len(e.steps) >= 3
    assert len(e.mistakes) >= 2
    assert len(e.safety) >= 2
    assert all(len(s) >= 10 for s in (*e.steps, *e.mistakes, *e.safety))
    for variant in (e.easier, e.harder):
        assert variant.name and len(variant.description) >= 20
    assert e.easier.name != e.harder.name
    assert e.camera_view == "side"
    assert e.dosage.source


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_safety_notes_say_when_to_stop(exercise_id: str) -> None:
    safety = " ".join(exercise(exercise_id).safety).lower()
    assert "5 out of 10" in safety
    assert "down your leg" in safety


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_dose_lies_within_its_ranges_and_the_hard_limits(exercise_id: str) -> None:
    d = exercise(exercise_id).dosage
    validate_dosage(d, exercise_id)
    assert d.sets_range[0] <= d.sets <= d.sets_range[1]
    assert d.reps_range[0] <= d.reps <= d.reps_range[1]
    assert d.hold_range_s[0] <= d.hold_s <= d.hold_range_s[1]
    if d.kind == "hold":
        assert d.hold_s > 0


# (id, kind, sets, reps, hold_s, per_side): the numbers the source article gives, or our stated start.
ARTICLE_DOSES = [
    ("lower_back_rotation", "hold", None, None, 10.0, True),
    ("glute_bridge_march", "reps", 2, 10, None, True),
    ("cat_stretch", "reps", None, 10, 5.0, False),
    ("superman", "reps", None, 10, None, False),
    ("bridge", "reps", 1, 8, None, False),
    ("draw_in", "hold", None, None, 10.0, False),
    ("forearm_plank", "hold", None, None, None, False),
    ("dead_bug", "reps", None, None, None, True),
    ("pelvic_tilt", "reps", None, None, None, False),
]


@pytest.mark.parametrize(("exercise_id", "kind", "sets", "reps", "hold_s", "per_side"), ARTICLE_DOSES)
def test_dose_follows_the_source_article(
    exercise_id: str, kind: str, sets: int | None, reps: int | None, hold_s: float | None, per_side: bool
) -> None:
    d = exercise(exercise_id).dosage
    assert d.kind == kind
    assert d.per_side is per_side
    if sets is not None:
        assert d.sets == sets
    if reps is not None:
        assert d.reps == reps
    if hold_s is not None:
        assert d.hold_s == hold_s


def test_article_details_beyond_sets_and_reps() -> None:
    rotation = exercise("lower_back_rotation").dosage
    assert 2 <= rotation.times_per_day <= 3
    superman = exercise("superman").dosage
    assert 2 <= superman.hold_s <= 5, "a few seconds' hold"
    tilt = exercise("pelvic_tilt").dosage
    assert tilt.sets * tilt.reps * tilt.times_per_day <= 30
    assert tilt.sets_range[1] * tilt.reps_range[1] * tilt.times_per_day <= 30, "never past 30 a day"
    assert exercise("dead_bug").dosage.alternating
    assert exercise("glute_bridge_march").dosage.alternating


@pytest.mark.parametrize("exercise_id", ["bridge", "draw_in", "dead_bug", "forearm_plank"])
def test_a_dose_the_article_leaves_open_records_why(exercise_id: str) -> None:
    source = exercise(exercise_id).dosage.source.lower()
    assert "no number" in source or "no starting number" in source
    assert "we start" in source


def test_core_holds_cite_mcgill() -> None:
    assert "McGill" in exercise("draw_in").dosage.source
    assert "McGill" in exercise("forearm_plank").dosage.source


SIDES = {
    "lower_back_rotation": ("left", "right"),
    "glute_bridge_march": ("left", "right"),
    "dead_bug": ("left", "right"),
}


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_sides_and_camera_counting(exercise_id: str) -> None:
    e = exercise(exercise_id)
    assert e.sides == SIDES.get(exercise_id, ())
    assert e.has_sides is (exercise_id in SIDES)
    assert e.camera_counts is (exercise_id not in ("draw_in", "pelvic_tilt"))


FORM_CHECKS = {
    "forearm_plank": {"hips_sagging": "hip_sag_deg", "hips_piking": "hip_pike_deg"},
    "bridge": {
        "hips_not_high_enough": "bridge_min_hip_extension_deg",
        "back_over_arched": "bridge_over_arch_deg",
    },
    "glute_bridge_march": {"hips_dropping": "march_hip_drop_deg"},
    "superman": {"arms_not_lifted": "superman_arm_lift_deg", "legs_not_lifted": "superman_leg_lift_deg"},
    "dead_bug": {"limbs_not_extended": "dead_bug_min_extension_deg", "moving_too_fast": "dead_bug_min_rep_s"},
    "cat_stretch": {"too_little_rounding": "cat_min_rounding_deg"},
    "lower_back_rotation": {"shoulders_lifting": "rotation_shoulder_lift_ratio"},
    "pelvic_tilt": {},
    "draw_in": {},
}


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_form_checks_use_the_motion_engines_codes(exercise_id: str) -> None:
    e = exercise(exercise_id)
    assert {c.code: c.threshold_name for c in e.form_checks} == FORM_CHECKS[exercise_id]
    for check in e.form_checks:
        assert check.cue and check.reason and len(check.reason) > 40
        assert check.threshold_name.endswith("_" + check.unit)
        assert check.threshold_value > 0
        assert e.form_check(check.code) is check
    assert e.form_check("no_such_code") is None


def test_a_few_thresholds_have_sensible_values() -> None:
    assert 140 <= exercise("bridge").form_check("hips_not_high_enough").threshold_value < 180  # type: ignore[union-attr]
    assert exercise("lower_back_rotation").form_checks[0].unit == "ratio"
    assert exercise("dead_bug").form_check("moving_too_fast").unit == "s"  # type: ignore[union-attr]


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_key_poses_fit_the_drawing_box_and_look_like_a_body(exercise_id: str) -> None:
    poses = exercise(exercise_id).key_poses
    assert len(poses) >= 2
    joint_sets = {frozenset(p.joints) for p in poses}
    assert len(joint_sets) == 1, "every pose names the same joints, so the drawing can move between them"
    assert len({tuple(sorted(p.joints.items())) for p in poses}) >= 2, "the poses differ"
    for pose in poses:
        assert set(REQUIRED_JOINTS) <= set(pose.joints)
        assert pose.hold_s >= 0
        for joint, (x, y) in pose.joints.items():
            assert 0 <= x <= POSE_BOX[0] and 0 <= y <= FLOOR_Y, (exercise_id, pose.name, joint)
        torso = math.dist(pose.joints["shoulder"], pose.joints["hip"])
        upper_arm = math.dist(pose.joints["shoulder"], pose.joints["elbow"])
        shin = math.dist(pose.joints["knee"], pose.joints["ankle"])
        assert 15 <= torso <= 28, (exercise_id, pose.name, torso)
        assert upper_arm < torso and shin < torso
        # Something rests on the floor in every pose (nobody floats): joints sit a body's
        # half-thickness above it at most.
        assert max(y for _, y in pose.joints.values()) >= FLOOR_Y - 4


@pytest.mark.parametrize("exercise_id", ["dead_bug", "glute_bridge_march"])
def test_poses_show_the_far_limbs_where_the_sides_differ(exercise_id: str) -> None:
    poses = exercise(exercise_id).key_poses
    assert {"far_knee", "far_ankle"} <= set(poses[0].joints)
    assert any(p.joints["far_knee"] != p.joints["knee"] for p in poses)


def test_catalogue_is_read_only_and_unknown_ids_are_explained() -> None:
    with pytest.raises(AttributeError):
        CATALOGUE._exercises = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        CATALOGUE.extra = 1  # type: ignore[attr-defined]
    assert "bridge" in CATALOGUE and "bird_dog" not in CATALOGUE
    assert CATALOGUE["bridge"] is CATALOGUE.get("bridge")
    with pytest.raises(UnknownExercise) as info:
        CATALOGUE.get("bird_dog")
    assert isinstance(info.value, KeyError) and isinstance(info.value, LookupError)
    message = str(info.value)
    assert "bird_dog" in message
    assert all(i in message for i in EXERCISE_IDS)


# --- broken catalogues ---------------------------------------------------------------------------


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def _edit(folder: Path, file: str, pattern: str, replacement: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE | re.DOTALL)
    assert count == 1, f"pattern {pattern!r} not found in {file}"
    path.write_text(new, encoding="utf-8")


# (file, pattern, replacement, expected message parts)
BROKEN = [
    (
        "bridge.toml",
        r"^reps = 8$",
        "reps = 'ten'",
        ["bridge.toml: dosage.reps: must be a whole number between 1 and 100 (got 'ten')"],
    ),
    ("bridge.toml", r"^reps = 8$", "reps = 150", ["bridge.toml: dosage.reps:", "between 1 and 100", "150"]),
    ("cat_stretch.toml", r"^reps = 10$", "reps = 20", ["cat_stretch.toml: dosage.reps:", "reps_range 5-12"]),
    ("superman.toml", r"^why = .*?\n", "", ["superman.toml: why: is missing"]),
    ("dead_bug.toml", r"^steps = \[.*?^\]\n", "steps = []\n", ["dead_bug.toml: steps: must not be empty"]),
    ("draw_in.toml", r"^name = .*?\n", 'name = "   "\n', ["draw_in.toml: name: must not be empty"]),
    ("cat_stretch.toml", r"^tempo = ", "tempo = = ", ["cat_stretch.toml: is not valid TOML"]),
    ("forearm_plank.toml", r"^hold_s = 15$", "hold_s = 0", ["forearm_plank.toml: dosage.hold_s:", "above 0"]),
    (
        "forearm_plank.toml",
        r"^sets_range = \[1, 4\]$",
        "sets_range = [4, 1]",
        ["forearm_plank.toml: dosage.sets_range:", "lowest must not be above highest"],
    ),
    (
        "pelvic_tilt.toml",
        r"^\[dosage\]\n",
        "[dosage]\nsetz = 2\n",
        ["pelvic_tilt.toml: dosage.setz: is not a known field"],
    ),
    (
        "bridge.toml",
        r"^camera_counts = true$",
        'camera_counts = "yes"',
        ["bridge.toml: camera_counts: must be true or false"],
    ),
    (
        "lower_back_rotation.toml",
        r'^sides = \["left", "right"\]$',
        'sides = ["left"]',
        ["lower_back_rotation.toml: sides:"],
    ),
    ("bridge.toml", r"^per_side = false$", "per_side = true", ["bridge.toml: dosage.per_side:", "sides"]),
    ("dead_bug.toml", r"^per_side = true$", "per_side = false", ["dead_bug.toml: dosage.alternating:"]),
    (
        "bridge.toml",
        r"^threshold_value = 165$",
        'threshold_value = "high"',
        ["bridge.toml: form_checks[1].threshold_value: must be a number"],
    ),
    (
        "bridge.toml",
        r'^threshold_name = "bridge_over_arch_deg"$',
        'threshold_name = "bridge_over_arch"',
        ["bridge.toml: form_checks[2].threshold_name:", "_deg"],
    ),
    (
        "superman.toml",
        r"^head = \[[^\]]*\]$",
        "head = [120.0, 30.0]",
        ["superman.toml: key_poses[1].joints.head: must lie in the drawing box"],
    ),
    ("superman.toml", r"^toe = \[[^\]]*\]\n", "", ["superman.toml: key_poses[1].joints.toe: is missing"]),
    (
        "dead_bug.toml",
        r"^far_toe = \[[^\]]*\]\n",
        "",
        ["dead_bug.toml: key_poses[2].joints:", "same joints as key_poses[1]"],
    ),
    ("superman.toml", r"^hold_s = 3$", "hold_s = -1", ["superman.toml: dosage.hold_s:", "between 0 and 300"]),
    ("superman.toml", r'^kind = "reps"$', 'kind = "sets"', ["superman.toml: dosage.kind:"]),
]


@pytest.mark.parametrize(("file", "pattern", "replacement", "expected"), BROKEN)
def test_a_broken_file_names_the_file_and_the_field(
    catalogue_copy: Path, file: str, pattern: str, replacement: str, expected: list[str]
) -> None:
    _edit(catalogue_copy, file, pattern, replacement)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    for part in expected:
        assert part in str(info.value)


def test_a_missing_file_is_named(catalogue_copy: Path) -> None:
    (catalogue_copy / "dead_bug.toml").unlink()
    with pytest.raises(CatalogueError, match=r"^dead_bug\.toml: file is missing"):
        load_catalogue(catalogue_copy)


def test_an_extra_exercise_file_is_refused(catalogue_copy: Path) -> None:
    shutil.copy(catalogue_copy / "bridge.toml", catalogue_copy / "bird_dog.toml")
    with pytest.raises(CatalogueError, match=r"^bird_dog\.toml: not one of the nine"):
        load_catalogue(catalogue_copy)


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(tmp_path / "nowhere")


def test_the_untouched_copy_loads(catalogue_copy: Path) -> None:
    assert isinstance(load_catalogue(catalogue_copy), Catalogue)
