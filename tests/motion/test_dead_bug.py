"""Dead bug: reps per side on the real clip (6.7 fps) and generated motion, the resting diagonal, faults."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from backcoach.motion.analysers.dead_bug import DEFAULT_THRESHOLDS, DeadBugAnalyser
from backcoach.motion.feedback import Feedback
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.synthetic import synthesise, synthesise_still
from backcoach.motion.traces import read_trace


def _run(frames: Iterable[PoseFrame]) -> tuple[list[Feedback], Feedback]:
    analyser = DeadBugAnalyser()
    feedbacks = [analyser.update(frame) for frame in frames]
    return feedbacks, analyser.finish()


def test_the_real_clip_counts_two_reps_one_each_side(clips_dir: Path) -> None:
    entry = next(
        e for e in json.loads((clips_dir / "labels.json").read_text()) if e["exercise"] == "dead_bug"
    )
    _, frames = read_trace(clips_dir / entry["trace"])
    feedbacks, final = _run(frames)
    assert final.total_reps == entry["reps"] == 2
    # the left arm and right leg go out first (0.15-1.35 s), then the right arm and left leg (2.1-3.3 s)
    reps = [(fb.t_ms / 1000.0, fb.new_reps) for fb in feedbacks if fb.new_reps]
    assert [sides for _, sides in reps] == [("right",), ("left",)]
    assert 1.35 <= reps[0][0] <= 1.9 and 3.3 <= reps[1][0] <= 3.6
    assert [f for fb in feedbacks for f in fb.findings] == []  # a controlled, full dead bug
    assert 0.5 <= final.confidence <= 0.9
    assert 0.5 <= final.extras["side_confidence"] < 0.9


def test_alternating_reps_are_counted_per_side_from_either_view() -> None:
    for view in ("left", "right"):
        trace = synthesise("dead_bug", reps=7, side_view=view, seed=3)
        feedbacks, final = _run(trace.frames)
        assert final.reps == trace.expected_reps == {"right": 4, "left": 3}
        # a rep is counted when the limbs come back, not when they go out
        assert feedbacks[0].phase == "start"


def test_lying_in_the_start_position_is_not_a_rep() -> None:
    # the resting diagonal (arms up, knees bent) is always "one arm and the opposite leg up"
    trace = synthesise("dead_bug", reps=0, rest_s=8.0, seed=4)
    _, final = _run(trace.frames)
    assert final.total_reps == 0
    _, still = _run(synthesise_still("crook_lying", 5.0).frames)
    assert still.total_reps == 0


def test_starting_with_limbs_out_does_not_count_that_rep() -> None:
    trace = synthesise("dead_bug", reps=4, start_in_target=True, seed=5)
    _, final = _run(trace.frames)
    assert final.reps == trace.expected_reps == {"right": 2, "left": 2}


def test_half_reached_limbs_and_rushed_reps_are_found() -> None:
    bent = synthesise("dead_bug", reps=4, faults=["limbs_not_extended"], seed=6)
    feedbacks, final = _run(bent.frames)
    codes = [f.code for fb in feedbacks for f in fb.findings]
    assert "limbs_not_extended" in codes and "moving_too_fast" not in codes
    finding = next(f for fb in feedbacks for f in fb.findings if f.code == "limbs_not_extended")
    assert finding.value is not None and finding.value < DEFAULT_THRESHOLDS["dead_bug_min_extension_deg"]
    fast = synthesise("dead_bug", reps=4, faults=["moving_too_fast"], seed=7)
    feedbacks, final = _run(fast.frames)
    rushed = [f for fb in feedbacks for f in fb.findings if f.code == "moving_too_fast"]
    assert rushed and all(
        f.value is not None and f.value < DEFAULT_THRESHOLDS["dead_bug_min_rep_s"] for f in rushed
    )
    assert final.reps == fast.expected_reps


def test_thresholds_can_be_overridden_by_name() -> None:
    strict = DeadBugAnalyser({"dead_bug_min_rep_s": 5.0})
    trace = synthesise("dead_bug", reps=2, seed=8)
    codes = [f.code for frame in trace.frames for f in strict.update(frame).findings]
    assert "moving_too_fast" in codes
