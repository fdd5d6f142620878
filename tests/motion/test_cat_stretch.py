"""Cat stretch: roundings with their holds on the real clips (seated, all fours, cow first), faults."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from pathlib import Path

import pytest

from backcoach.motion.analysers.cat_stretch import CatStretchAnalyser
from backcoach.motion.feedback import Feedback
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.synthetic import synthesise
from backcoach.motion.traces import read_trace


def _run(frames: Iterable[PoseFrame]) -> tuple[CatStretchAnalyser, list[Feedback], Feedback]:
    analyser = CatStretchAnalyser()
    feedbacks = [analyser.update(frame) for frame in frames]
    return analyser, feedbacks, analyser.finish()


def _hold_errors_s(labels: list[list[float]], holds: list[tuple[float, float]]) -> list[float]:
    errors = []
    for start, end in labels:
        best = max(holds, key=lambda h: min(h[1], end) - max(h[0], start))
        assert min(best[1], end) - max(best[0], start) > 0, "a labelled hold was missed"
        errors += [abs(best[0] - start), abs(best[1] - end)]
    return errors


def test_real_clips_counts_and_holds(clips_dir: Path) -> None:
    entries = [
        e for e in json.loads((clips_dir / "labels.json").read_text()) if e["exercise"] == "cat_stretch"
    ]
    assert len(entries) == 2
    errors: list[float] = []
    for entry in entries:
        _, frames = read_trace(clips_dir / entry["trace"])
        analyser, _, final = _run(frames)
        assert final.reps == {"both": entry["reps"]}, entry["clip"]
        holds = [(h.start_ms / 1000.0, (h.end_ms or 0.0) / 1000.0) for h in final.holds]
        assert len(holds) == len(entry["holds_s"]), entry["clip"]
        errors += _hold_errors_s(entry["holds_s"], holds)
        assert not analyser.all_findings, entry["clip"]
    assert statistics.median(errors) <= 0.5
    assert max(errors) <= 1.0


def test_cow_before_cat_is_not_a_rep(clips_dir: Path) -> None:
    _, frames = read_trace(clips_dir / "traces" / "workoutapp_cat_cow_side.trace.jsonl")
    _, feedbacks, _ = _run(frames)
    # cow (back arched, head up) 0-2 s: rounding is negative, the counter is at the start
    cow = [fb for fb in feedbacks if fb.t_ms <= 2000]
    assert all(fb.extras["rounding_deg"] < 0 for fb in cow[5:])
    assert all(fb.reps == {"both": 0} for fb in cow)
    (rep_fb,) = [fb for fb in feedbacks if fb.new_reps]
    assert 2.5 <= rep_fb.t_ms / 1000.0 <= 4.0  # on the way from cow (to 2 s) into cat (3.5 s)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"start_in_target": True},
        {"fps": 5.0, "seed": 1},
        {"jitter": 0.01, "dropout": 0.15, "seed": 2},
        {"side_view": "right", "seed": 3},
    ],
)
def test_synthetic_cat_stretches(kwargs: dict[str, object]) -> None:
    trace = synthesise("cat_stretch", **kwargs)
    analyser, _, final = _run(trace.frames)
    assert final.reps == trace.expected_reps
    assert len(final.holds) == len(trace.expected_holds_s)
    holds = [(h.start_ms / 1000.0, (h.end_ms or 0.0) / 1000.0) for h in final.holds]
    assert max(_hold_errors_s([list(h) for h in trace.expected_holds_s], holds)) <= 0.6
    assert not analyser.all_findings


def test_too_little_rounding_is_found_once_a_rep() -> None:
    trace = synthesise("cat_stretch", faults=["too_little_rounding"], seed=4)
    analyser, _, final = _run(trace.frames)
    assert final.reps == trace.expected_reps
    codes = [f.code for f in analyser.all_findings]
    assert codes == ["too_little_rounding"] * len(codes) and 1 <= len(codes) <= trace.total_reps
