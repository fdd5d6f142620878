"""Analysing one recording on real traces and clips, synthetic motion with known answers, and bad input."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from backcoach.motion.synthetic import synthesise
from backcoach.motion.traces import read_trace
from backcoach.services.analysis import analyse_frames, analyse_path, format_time_s
from backcoach.services.errors import InvalidInput, NotFound


def test_a_plank_trace_is_one_hold_over_the_whole_clip(clips_dir: Path) -> None:
    report = analyse_path(clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl", "forearm_plank")
    assert report.exercise == "forearm_plank"
    assert (report.frames, report.frames_with_person, report.fps) == (50, 50, 10.0)
    assert report.duration_s == pytest.approx(5.0)
    assert len(report.holds) == 1
    hold = report.holds[0]
    assert hold.start_s == pytest.approx(0.0, abs=0.5)
    assert hold.end_s == pytest.approx(5.0, abs=0.5)
    assert hold.held_s == pytest.approx(hold.end_s - hold.start_s)
    assert report.recognised is None
    assert report.to_json()["holds"][0]["held_s"] == hold.held_s


def test_synthetic_bridges_are_counted_and_timed() -> None:
    trace = synthesise("bridge", reps=3, seed=2)
    report = analyse_frames(trace.frames, "bridge", fps=trace.header.fps)
    assert report.reps == {"both": 3}
    assert report.total_reps == 3
    assert report.camera_counts


def test_a_fault_held_for_seconds_is_one_finding_with_the_catalogue_cue() -> None:
    trace = synthesise("forearm_plank", holds=[8.0], faults=["hips_sagging"], seed=1)
    report = analyse_frames(trace.frames, "forearm_plank", fps=trace.header.fps)
    sagging = [f for f in report.findings if f.code == "hips_sagging"]
    assert len(sagging) == 1
    assert sagging[0].cue and "hips" in sagging[0].cue.lower()
    assert 0.0 <= sagging[0].t_s <= sagging[0].last_t_s <= trace.duration_s


def test_frames_without_a_person_show_as_a_framing_problem() -> None:
    trace = synthesise("bridge", reps=2, seed=3)
    frames = list(trace.frames)
    gap = [type(f)(f.t_ms, None, f.width, f.height) if 30 <= i < 60 else f for i, f in enumerate(frames)]
    report = analyse_frames(gap, "bridge", fps=trace.header.fps)
    nobody = [p for p in report.framing if p.code == "no_person"]
    assert nobody and nobody[0].start_s == pytest.approx(1.0, abs=0.1)
    assert nobody[0].end_s == pytest.approx(59 / 30, abs=0.1)
    assert "step into" in nobody[0].help.lower()
    assert report.frames_with_person == len(frames) - 30


def test_a_real_clip_through_pose_saves_a_trace_and_an_annotated_video(
    tmp_path: Path, clips_dir: Path
) -> None:
    trace_out, video_out = tmp_path / "plank.trace.jsonl", tmp_path / "plank.mp4"
    seen: list[tuple[int, int]] = []
    report = analyse_path(
        clips_dir / "ngo_forearm_plank_side.mp4",
        "forearm_plank",
        on_progress=lambda done, total: seen.append((done, total)),
        trace_out=trace_out,
        annotate_out=video_out,
    )
    assert report.frames == 50 and report.frames_with_person == 50
    assert len(report.holds) == 1
    assert seen[-1] == (50, 50)
    header, frames = read_trace(trace_out)
    assert (header.fps, header.width, header.height, len(frames)) == (10.0, 500, 280, 50)
    _, shared = read_trace(clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl")
    assert frames[10].landmarks is not None and shared[10].landmarks is not None
    assert np.abs(frames[10].landmarks[:, :2] - shared[10].landmarks[:, :2]).max() < 0.01
    capture = cv2.VideoCapture(str(video_out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 50
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (500, 280)
    capture.release()


def test_a_trace_can_be_drawn_on_a_blank_video(tmp_path: Path, clips_dir: Path) -> None:
    out = tmp_path / "drawn.mp4"
    analyse_path(
        clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl", "forearm_plank", annotate_out=out
    )
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 50
    capture.release()


def _empty_room_video(path: Path, frames: int = 12) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (320, 240))
    for i in range(frames):
        image = np.full((240, 320, 3), 60 + 5 * i, dtype=np.uint8)
        cv2.rectangle(image, (40, 150), (280, 230), (120, 90, 60), -1)  # a sofa, nobody on it
        writer.write(image)
    writer.release()
    return path


def test_a_video_with_nobody_in_it_says_so(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no person found in any frame"):
        analyse_path(_empty_room_video(tmp_path / "room.mp4"), "bridge")


def test_an_unknown_exercise_is_not_found(clips_dir: Path) -> None:
    with pytest.raises(NotFound, match=r"unknown exercise 'squat'.*bridge"):
        analyse_path(clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl", "squat")


def test_bad_traces_name_the_line(tmp_path: Path, clips_dir: Path) -> None:
    lines = (clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl").read_text().splitlines()
    broken = tmp_path / "broken.trace.jsonl"
    broken.write_text("\n".join([*lines[:5], '{"t_ms": 900.0, "lm": [1, 2]}', *lines[6:]]) + "\n")
    with pytest.raises(InvalidInput, match="line 6"):
        analyse_path(broken, "forearm_plank")
    wrong_header = tmp_path / "header.trace.jsonl"
    wrong_header.write_text('{"format": "other/2"}\n' + "\n".join(lines[1:]))
    with pytest.raises(InvalidInput, match="line 1"):
        analyse_path(wrong_header, "forearm_plank")


def test_missing_and_corrupt_files_are_invalid_input(tmp_path: Path, clips_dir: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        analyse_path(tmp_path / "nothing.mp4", "bridge")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes((clips_dir / "ngo_forearm_plank_side.mp4").read_bytes()[:50_000])
    with pytest.raises(InvalidInput, match="corrupt or truncated"):
        analyse_path(cut, "bridge")


def test_time_in_the_video_reads_as_minutes_and_seconds() -> None:
    assert format_time_s(0.0) == "0:00.0"
    assert format_time_s(65.34) == "1:05.3"
    assert format_time_s(9.96) == "0:10.0"


def test_recognition_names_the_exercise_when_not_told(clips_dir: Path) -> None:
    pytest.importorskip("backcoach.motion.recognition")
    report = analyse_path(clips_dir / "traces" / "dawi_bridge1_side.trace.jsonl")
    assert report.recognised == "bridge"
    assert report.exercise == "bridge"
    assert report.recognition_confidence is not None and 0.0 < report.recognition_confidence <= 1.0
    assert report.total_reps == 1


def test_a_video_cut_short_is_analysed_with_a_note(tmp_path: Path, clips_dir: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    whole = tmp_path / "faststart.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(clips_dir / "ngo_forearm_plank_side.mp4"),
         "-c", "copy", "-movflags", "+faststart", str(whole)],
        check=True,
    )  # fmt: skip
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[:90_000])  # the index is at the front: the start still plays
    report = analyse_path(cut, "forearm_plank")
    assert 0 < report.frames < 50
    assert any("ends early" in note and "of its 50 frames" in note for note in report.notes)


def test_every_catalogue_threshold_reaches_its_analyser() -> None:
    from backcoach.domain.catalogue_loader import load_catalogue
    from backcoach.motion.registry import default_thresholds
    from backcoach.services.analysis import catalogue_thresholds

    for exercise in load_catalogue():
        names = {check.threshold_name for check in exercise.form_checks}
        assert names <= set(default_thresholds(exercise.id)), exercise.id
        passed = catalogue_thresholds(exercise.id)
        assert passed == {c.threshold_name: c.threshold_value for c in exercise.form_checks}
