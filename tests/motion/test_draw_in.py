"""Draw-in: a guided timer; holds are the person keeping still in the start position."""

from __future__ import annotations

from collections.abc import Iterable

from backcoach.motion.analysers.draw_in import DrawInAnalyser
from backcoach.motion.feedback import Feedback
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.synthetic import synthesise, synthesise_still


def _run(frames: Iterable[PoseFrame]) -> tuple[list[Feedback], Feedback]:
    analyser = DrawInAnalyser()
    feedbacks = [analyser.update(frame) for frame in frames]
    return feedbacks, analyser.finish()


def test_holds_are_still_spells_in_the_start_position() -> None:
    for view in ("left", "right"):
        trace = synthesise("draw_in", holds=(8.0, 12.0, 6.0), side_view=view, seed=1)
        feedbacks, final = _run(trace.frames)
        assert len(final.holds) == 3
        for hold, (start_s, end_s) in zip(final.holds, trace.expected_holds_s, strict=True):
            assert abs(hold.start_ms / 1000.0 - start_s) <= 0.3
            assert abs((hold.end_ms or 0.0) / 1000.0 - end_s) <= 0.3
        assert final.total_reps == 0
        assert any(fb.hold_started for fb in feedbacks) and any(fb.hold_ended for fb in feedbacks)


def test_it_says_the_camera_cannot_judge_it() -> None:
    feedbacks, final = _run(synthesise("draw_in", seed=2).frames)
    assert final.camera_counts is False
    assert max(fb.confidence for fb in feedbacks) < 0.5
    assert [(f.code, f.severity) for fb in feedbacks for f in fb.findings] == [("camera_cannot_see", "info")]


def test_no_hold_while_moving_or_out_of_position() -> None:
    for frames in (
        synthesise("bridge", reps=4, rest_s=0.5, seed=3).frames,
        synthesise_still("standing", 6.0).frames,
        synthesise_still("supine", 6.0).frames,  # legs straight: not the start position
    ):
        _, final = _run(frames)
        assert final.holds == ()


def test_framing_is_still_reported() -> None:
    trace = synthesise("draw_in", seed=4, dropout=0.0)
    analyser = DrawInAnalyser()
    assert analyser.update(trace.frames[0]).framing == ()
    gone = [analyser.update(type(frame)(frame.t_ms + 60_000.0, None)) for frame in trace.frames[:40]]
    assert any(problem.code == "no_person" for problem in gone[-1].framing)
