"""Pelvic tilt: an honest guided timer; tilts it can see are counted with low confidence only."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from backcoach.motion.analysers.pelvic_tilt import PelvicTiltAnalyser
from backcoach.motion.feedback import Feedback
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.synthetic import synthesise, synthesise_still
from backcoach.motion.traces import read_trace


def _run(frames: Iterable[PoseFrame]) -> tuple[list[Feedback], Feedback]:
    analyser = PelvicTiltAnalyser()
    feedbacks = [analyser.update(frame) for frame in frames]
    return feedbacks, analyser.finish()


def _label(clips_dir: Path, clip: str) -> dict[str, object]:
    return next(e for e in json.loads((clips_dir / "labels.json").read_text()) if e["clip"] == clip)


def test_the_unlabelled_side_clip_gets_no_confident_count(clips_dir: Path) -> None:
    entry = _label(clips_dir, "polybag_pelvic_tilt_side.mp4")
    assert entry["reps"] is None
    _, frames = read_trace(clips_dir / str(entry["trace"]))
    feedbacks, final = _run(frames)
    assert final.camera_counts is False
    assert max(fb.confidence for fb in feedbacks) < 0.5
    info = [f for fb in feedbacks for f in fb.findings]
    assert [(f.code, f.severity) for f in info] == [("camera_cannot_see", "info")]


def test_the_physio_clip_tilts_are_counted_with_low_confidence(clips_dir: Path) -> None:
    entry = _label(clips_dir, "adaptx_pelvic_tilt_supine.mp4")
    _, frames = read_trace(clips_dir / str(entry["trace"]))
    feedbacks, final = _run(frames)
    assert int(str(entry["reps"])) <= final.total_reps <= int(str(entry["reps_max"]))
    assert max(fb.confidence for fb in feedbacks) < 0.5
    # each labelled tilt is matched by a timed hold starting within half a second
    starts = [h.start_ms / 1000.0 for h in final.holds]
    for start_s, _ in entry["holds_s"]:  # type: ignore[attr-defined]
        assert min(abs(s - start_s) for s in starts) <= 0.6


def test_generated_tilts_are_counted_and_timed() -> None:
    trace = synthesise("pelvic_tilt", reps=6, seed=2)
    _, final = _run(trace.frames)
    assert final.reps == trace.expected_reps == {"both": 6}
    for hold, (start_s, end_s) in zip(final.holds, trace.expected_holds_s, strict=True):
        assert abs(hold.start_ms / 1000.0 - start_s) <= 0.3
        assert abs((hold.end_ms or 0.0) / 1000.0 - end_s) <= 0.3


def test_lying_still_or_doing_something_else_counts_nothing() -> None:
    for frames in (
        synthesise_still("crook_lying", 15.0, seed=3).frames,
        synthesise("bridge", reps=3, seed=3).frames,
        synthesise_still("standing", 5.0).frames,
    ):
        _, final = _run(frames)
        assert final.total_reps == 0
