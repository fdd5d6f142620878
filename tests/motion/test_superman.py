"""Superman: lifts with their holds on the real clip (starting lifted) and synthetic motion, faults."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from backcoach.motion.analysers.superman import SupermanAnalyser
from backcoach.motion.feedback import Feedback
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.synthetic import synthesise
from backcoach.motion.traces import read_trace


def _run(frames: Iterable[PoseFrame]) -> tuple[SupermanAnalyser, list[Feedback], Feedback]:
    analyser = SupermanAnalyser()
    feedbacks = [analyser.update(frame) for frame in frames]
    return analyser, feedbacks, analyser.finish()


def test_real_clip_starting_lifted_counts_the_second_lift_only(clips_dir: Path) -> None:
    entries = json.loads((clips_dir / "labels.json").read_text())
    entry = next(e for e in entries if e["clip"] == "fitcircuit_superman_side.mp4")
    _, frames = read_trace(clips_dir / entry["trace"])
    analyser, feedbacks, final = _run(frames)
    assert final.reps == {"both": entry["reps"]} == {"both": 1}
    (rep_fb,) = [fb for fb in feedbacks if fb.new_reps]
    assert 4.2 <= rep_fb.t_ms / 1000.0 <= 6.0  # lifts again 4.2-5.9 s
    assert any(fb.phase == "down" for fb in feedbacks if 3000 <= fb.t_ms <= 4200)
    # the last lift is held to the end of the clip
    assert final.holds[-1].start_ms >= 4200
    assert not analyser.all_findings


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
def test_synthetic_supermans_with_their_holds(kwargs: dict[str, object]) -> None:
    trace = synthesise("superman", **kwargs)
    analyser, _, final = _run(trace.frames)
    assert final.reps == trace.expected_reps
    assert len(final.holds) == len(trace.expected_holds_s)
    for hold, (start_s, end_s) in zip(final.holds, trace.expected_holds_s, strict=True):
        assert abs(hold.start_ms / 1000.0 - start_s) <= 0.5
        assert hold.end_ms is not None and abs(hold.end_ms / 1000.0 - end_s) <= 0.5
    assert not analyser.all_findings


@pytest.mark.parametrize("fault", ["arms_not_lifted", "legs_not_lifted"])
def test_limbs_not_lifted_are_found(fault: str) -> None:
    trace = synthesise("superman", faults=[fault], seed=4)
    analyser, _, final = _run(trace.frames)
    assert final.reps == trace.expected_reps  # still reps, with a cue
    codes = [f.code for f in analyser.all_findings]
    assert fault in codes
    assert set(codes) == {fault}
    assert codes.count(fault) <= trace.total_reps
