"""Scoring on hand-made label and result tables whose right scores are worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcoach.motion.scoring import (
    ClipResult,
    LabelError,
    LabelledClip,
    load_labels,
    match_holds,
    score_clip,
    score_clips,
    summarise,
)

NINE = (
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


def label(
    clip: str, exercise: str, reps: int | None = None, reps_max: int | None = None, holds=()
) -> LabelledClip:
    return LabelledClip(clip, Path(clip), None, exercise, reps=reps, reps_max=reps_max, holds_s=tuple(holds))


def test_a_count_equal_to_the_label_is_exact() -> None:
    score = score_clip(label("a", "bridge", 3), ClipResult("a", reps_counted=3), NINE)
    assert (score.exact, score.obo, score.relative_error) == (True, True, 0.0)


def test_a_count_one_off_is_obo_but_not_exact() -> None:
    score = score_clip(label("a", "bridge", 4), ClipResult("a", reps_counted=3), NINE)
    assert (score.exact, score.obo) == (False, True)
    assert score.relative_error == pytest.approx(0.25)


def test_reps_max_makes_a_range_of_right_counts() -> None:
    march = label("m", "glute_bridge_march", 1, reps_max=2)
    assert score_clip(march, ClipResult("m", reps_counted=2), NINE).exact is True
    three = score_clip(march, ClipResult("m", reps_counted=3), NINE)
    assert (three.exact, three.obo, three.relative_error) == (False, True, 1.0)
    zero = score_clip(march, ClipResult("m", reps_counted=0), NINE)
    assert (zero.exact, zero.obo, zero.relative_error) == (False, True, 1.0)
    five = score_clip(march, ClipResult("m", reps_counted=5), NINE)
    assert (five.exact, five.obo, five.relative_error) == (False, False, 3.0)


def test_a_clip_with_null_reps_is_not_scored_for_its_count() -> None:
    score = score_clip(
        label("p", "pelvic_tilt", None), ClipResult("p", reps_counted=7, recognised="pelvic_tilt"), NINE
    )
    assert (score.exact, score.obo, score.relative_error) == (None, None, None)
    assert score.recognition_right is True


def test_bird_dog_is_scored_for_recognition_only_and_unknown_is_right() -> None:
    bird = label("b", "bird_dog", 2)
    right = score_clip(bird, ClipResult("b", reps_counted=5, recognised="unknown"), NINE)
    assert right.expected_recognition == "unknown"
    assert (right.exact, right.obo, right.recognition_right) == (None, None, True)
    wrong = score_clip(bird, ClipResult("b", recognised="superman"), NINE)
    assert wrong.recognition_right is False
    # Once the catalogue holds bird_dog, naming it is the right answer.
    assert (
        score_clip(bird, ClipResult("b", recognised="bird_dog"), (*NINE, "bird_dog")).recognition_right
        is True
    )


def test_holds_match_the_detected_hold_that_overlaps_most() -> None:
    errors = match_holds([(2.0, 10.0)], [(0.0, 3.0), (3.5, 9.0), (9.5, 12.0)])
    assert len(errors) == 1
    assert (errors[0].detected_start_s, errors[0].detected_end_s) == (3.5, 9.0)
    assert errors[0].start_error_s == pytest.approx(1.5)
    assert errors[0].end_error_s == pytest.approx(1.0)


def test_an_unmatched_hold_scores_its_full_length() -> None:
    (error,) = match_holds([(4.0, 7.5)], [(0.0, 3.9), (8.0, 9.0)])
    assert not error.matched
    assert (error.start_error_s, error.end_error_s) == (3.5, 3.5)


def test_summary_over_a_worked_table() -> None:
    labels = [
        label("bridge", "bridge", 2),  # counted 2: exact
        label("superman", "superman", 4),  # counted 3: OBO, error 1/4
        label("dead_bug", "dead_bug", 2),  # counted 5: miss, error 3/2
        label("pelvic", "pelvic_tilt", None),  # not scored for count
        label("plank", "forearm_plank", holds=[(0.0, 5.0)]),  # detected 0.2-4.6: errors 0.2, 0.4
        label("cat", "cat_stretch", 1, holds=[(3.5, 7.5)]),  # no hold found: 4.0 and 4.0
        label("bird", "bird_dog", 2),  # recognition only
    ]
    results = [
        ClipResult("bridge", 2, recognised="bridge"),
        ClipResult("superman", 3, recognised="superman"),
        ClipResult("dead_bug", 5, recognised="bridge"),
        ClipResult("pelvic", 1, recognised="pelvic_tilt"),
        ClipResult("plank", 0, holds_s=((0.2, 4.6),), recognised="forearm_plank"),
        ClipResult("cat", 1, recognised="cat_stretch"),
        ClipResult("bird", 0, recognised="superman"),
    ]
    summary = summarise(score_clips(labels, results, NINE))
    assert summary.count_clips == 4  # bridge, superman, dead_bug, cat
    assert summary.exact == pytest.approx(2 / 4)
    assert summary.obo == pytest.approx(3 / 4)
    assert summary.mae == pytest.approx((0 + 0.25 + 1.5 + 0) / 4)
    assert summary.holds == 2
    # Errors pooled: 0.2, 0.4, 4.0, 4.0 -> median 2.2.
    assert summary.hold_error_s_median == pytest.approx(2.2)
    assert summary.hold_start_error_s_median == pytest.approx(2.1)
    assert summary.hold_end_error_s_median == pytest.approx(2.2)
    assert summary.recognition == pytest.approx(5 / 7)
    assert summary.recognition_clips == 7


def test_a_clip_the_analyser_did_not_run_on_is_not_scored() -> None:
    score = score_clip(label("c", "cat_stretch", 1, holds=[(1.0, 2.0)]), ClipResult("c"), NINE)
    assert (score.exact, score.hold_errors, score.recognition_right) == (None, (), None)
    summary = summarise([score])
    assert (summary.exact, summary.hold_error_s_median, summary.recognition) == (None, None, None)


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(data))
    return path


def test_labels_load_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            {
                "clip": "a.mp4",
                "trace": "traces/a.trace.jsonl",
                "exercise": "bridge",
                "reps": 1,
                "reps_max": 2,
            },
            {"clip": "b.mp4", "exercise": "forearm_plank", "holds_s": [[0, 5.5]], "reps": None},
        ],
    )
    first, second = load_labels(path)
    assert first.clip_path == tmp_path / "a.mp4"
    assert first.trace_path == tmp_path / "traces" / "a.trace.jsonl"
    assert (first.reps, first.reps_max) == (1, 2)
    assert second.trace_path is None
    assert second.reps is None
    assert second.holds_s == ((0.0, 5.5),)


def test_the_shared_labels_load(clips_dir: Path) -> None:
    labels = load_labels(clips_dir / "labels.json")
    assert len(labels) >= 10
    assert all(lab.trace_path is not None and lab.trace_path.exists() for lab in labels)
    assert {"bridge", "forearm_plank", "bird_dog"} <= {lab.exercise for lab in labels}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"clip": "a.mp4"}, "must be a JSON list"),
        ([{"exercise": "bridge"}], "entry 1: field 'clip' is missing"),
        ([{"clip": "a.mp4"}], "entry 1 (a.mp4): field 'exercise' is missing"),
        ([{"clip": "a.mp4", "exercise": "bridge", "reps": "two"}], "field 'reps' must be a whole number"),
        (
            [{"clip": "a.mp4", "exercise": "bridge", "reps": 3, "reps_max": 2}],
            "field 'reps_max' must be at least",
        ),
        (
            [{"clip": "a.mp4", "exercise": "bridge", "holds_s": [[5, 2]]}],
            "hold 1 must have 0 <= start_s < end_s",
        ),
        ([{"clip": "a.mp4", "exercise": "bridge", "holds_s": [3]}], "hold 1 must be [start_s, end_s]"),
        (["a.mp4"], "entry 1: must be a JSON object"),
    ],
)
def test_bad_labels_name_the_entry_and_field(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(LabelError) as caught:
        load_labels(write(tmp_path, data))
    assert message in str(caught.value)
    assert "labels.json" in str(caught.value)


def test_labels_that_are_not_json_say_where(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text('[{"clip": "a.mp4",\n "exercise": }]')
    with pytest.raises(LabelError, match=r"not JSON \(line 2"):
        load_labels(path)
    with pytest.raises(LabelError, match="no such labels file"):
        load_labels(tmp_path / "missing.json")
