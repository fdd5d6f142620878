"""Scoring the engine on labels files: shared traces, a clip without a trace (through pose), bad labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcoach.services.errors import InvalidInput
from backcoach.services.evaluation import evaluate_labels


def test_evaluate_labels_scores_shared_traces(tmp_path: Path, clips_dir: Path) -> None:
    traces = clips_dir / "traces"
    labels = [
        {
            "clip": "bridge.mp4",
            "trace": str(traces / "dawi_bridge1_side.trace.jsonl"),
            "exercise": "bridge",
            "reps": 1,
        },
        {
            "clip": "plank.mp4",
            "trace": str(traces / "ngo_forearm_plank_side.trace.jsonl"),
            "exercise": "forearm_plank",
            "holds_s": [[0.0, 5.0]],
        },
        {
            "clip": "march.mp4",
            "trace": str(traces / "fitcircuit_bridge_march_side.trace.jsonl"),
            "exercise": "glute_bridge_march",
            "reps": 1,
            "reps_max": 2,
        },
    ]
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels))
    report = evaluate_labels(path)
    by_clip = {c.score.clip: c for c in report.clips}
    assert by_clip["bridge.mp4"].score.reps_counted == 1
    assert by_clip["bridge.mp4"].score.exact is True
    assert by_clip["march.mp4"].score.reps_counted in (1, 2)
    plank = by_clip["plank.mp4"].score
    assert plank.reps_expected is None and plank.exact is None
    assert len(plank.hold_errors) == 1 and plank.hold_errors[0].matched
    assert report.summary.exact == 1.0 and report.summary.count_clips == 2
    assert report.summary.hold_error_s_median is not None and report.summary.hold_error_s_median <= 0.5
    data = report.to_json()
    assert set(data["summary"]) >= {"exact", "obo", "mae", "hold_error_s_median", "recognition"}


def test_a_broken_labels_file_is_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text('[{"clip": "a.mp4", "exercise": "bridge", "reps": -1}]')
    with pytest.raises(InvalidInput, match=r"entry 1 \(a.mp4\): field 'reps'"):
        evaluate_labels(path)


def test_evaluate_labels_runs_pose_on_a_clip_without_a_trace(tmp_path: Path, clips_dir: Path) -> None:
    (tmp_path / "plank.mp4").write_bytes((clips_dir / "ngo_forearm_plank_side.mp4").read_bytes())
    path = tmp_path / "labels.json"
    path.write_text(json.dumps([{"clip": "plank.mp4", "exercise": "forearm_plank", "holds_s": [[0.0, 5.0]]}]))
    report = evaluate_labels(path)
    (clip,) = report.clips
    assert clip.source == str(tmp_path / "plank.mp4")
    assert clip.score.recognised == "forearm_plank"
    assert report.summary.holds == 1
    assert report.summary.hold_error_s_median is not None and report.summary.hold_error_s_median <= 0.5
