"""``backcoach analyse`` and ``eval`` run as a person runs them: the real command in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from backcoach.motion.traces import read_trace


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command never touches the person's real data folder."""
    monkeypatch.setenv("BACKCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")


def backcoach(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcoach", *map(str, args)], capture_output=True, text=True, timeout=240
    )


def test_analyse_a_real_clip_with_every_output(tmp_path: Path, clips_dir: Path) -> None:
    report_path, trace_path, video_path = tmp_path / "r.json", tmp_path / "p.trace.jsonl", tmp_path / "a.mp4"
    result = backcoach(
        "analyse", clips_dir / "ngo_forearm_plank_side.mp4", "--exercise", "forearm_plank",
        "--json", report_path, "--trace", trace_path, "--annotate", video_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Forearm plank" in out or "forearm_plank" in out
    assert "50 frames at 10 fps; a person in 50 of them" in out
    assert "Holds:\n  1. 0:00." in out
    assert "held " in out
    for what, path in (("report", report_path), ("landmarks", trace_path), ("annotated video", video_path)):
        assert f"Wrote the {what} to {path}" in out
    report = json.loads(report_path.read_text())
    assert report["exercise"] == "forearm_plank"
    assert (report["frames"], report["frames_with_person"], report["fps"]) == (50, 50, 10.0)
    assert len(report["holds"]) == 1 and report["holds"][0]["end_s"] == pytest.approx(5.0, abs=0.5)
    assert set(report) >= {
        "reps",
        "total_reps",
        "findings",
        "framing",
        "confidence",
        "camera_counts",
        "duration_s",
    }
    header, frames = read_trace(trace_path)
    assert (header.width, header.height, len(frames)) == (500, 280, 50)
    capture = cv2.VideoCapture(str(video_path))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 50
    capture.release()


def test_analyse_a_trace_counts_the_bridge(clips_dir: Path) -> None:
    result = backcoach("analyse", clips_dir / "traces" / "dawi_bridge1_side.trace.jsonl", "-e", "bridge")
    assert result.returncode == 0, result.stderr
    assert "Exercise: Bridge (bridge)" in result.stdout or "(bridge)" in result.stdout
    assert "Reps: 1\n" in result.stdout
    assert "600 frames at 29.97 fps" in result.stdout


def test_without_an_exercise_it_is_recognised_first(tmp_path: Path, clips_dir: Path) -> None:
    result = backcoach(
        "analyse", clips_dir / "traces" / "dawi_bridge1_side.trace.jsonl", "--json", tmp_path / "r.json"
    )
    assert result.returncode == 0, result.stderr
    assert "(bridge), recognised" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["recognised"], report["exercise"], report["total_reps"]) == ("bridge", "bridge", 1)
    assert 0.0 < report["recognition_confidence"] <= 1.0


def test_an_exercise_outside_the_nine_is_not_counted(clips_dir: Path) -> None:
    result = backcoach("analyse", clips_dir / "traces" / "polybag_birddog_side.trace.jsonl")
    assert result.returncode == 0, result.stderr
    assert "not one of the nine, or not recognised" in result.stdout
    assert "--exercise" in result.stdout
    assert "Reps:" not in result.stdout


def test_a_pelvic_tilt_is_reported_as_a_timer_not_a_confident_count(tmp_path: Path, clips_dir: Path) -> None:
    trace = clips_dir / "traces" / "polybag_pelvic_tilt_side.trace.jsonl"
    result = backcoach("analyse", trace, "-e", "pelvic_tilt", "--json", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    assert "guided timer" in result.stdout
    assert "Form: not checked" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["camera_counts"] is False
    assert report["confidence"] < 0.5


def test_a_pelvic_tilt_count_is_not_shown_as_a_camera_count(tmp_path: Path, clips_dir: Path) -> None:
    trace = clips_dir / "traces" / "polybag_pelvic_tilt_side.trace.jsonl"
    result = backcoach("analyse", trace, "--json", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["exercise"] == "pelvic_tilt" and report["total_reps"] == 1
    (reps_line,) = [line for line in result.stdout.splitlines() if line.startswith("Reps:")]
    assert reps_line == (
        "Reps: not counted by the camera (it saw about 1 possible rep, "
        f"low confidence {report['confidence']:.2f}); this one runs as a guided timer"
    )


def test_an_uncounted_exercise_with_nothing_seen_still_says_it_is_a_timer(clips_dir: Path) -> None:
    from dataclasses import replace

    from backcoach.cli.analyse_cmd import render_report
    from backcoach.services.analysis import analyse_path

    report = analyse_path(clips_dir / "traces" / "polybag_pelvic_tilt_side.trace.jsonl", "pelvic_tilt")
    nothing = render_report(replace(report, reps={}, total_reps=0))
    assert "Reps: not counted by the camera; this one runs as a guided timer\n" in nothing
    counted = render_report(replace(report, camera_counts=True))
    assert "Reps: 1\n" in counted


def test_findings_show_their_time_and_cue(tmp_path: Path) -> None:
    from backcoach.motion.synthetic import synthesise
    from backcoach.motion.traces import write_trace

    trace = synthesise("forearm_plank", holds=[8.0], faults=["hips_sagging"], seed=1)
    path = tmp_path / "sag.trace.jsonl"
    write_trace(path, trace.header, trace.frames)
    result = backcoach("analyse", path, "-e", "forearm_plank", "--json", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    finding = json.loads((tmp_path / "r.json").read_text())["findings"][0]
    assert finding["code"] == "hips_sagging"
    _minutes, seconds = divmod(finding["t_s"], 60)
    assert f"0:{seconds:04.1f}  hips_sagging: {finding['cue']}" in result.stdout


def _cut(source: Path, target: Path, size: int) -> Path:
    target.write_bytes(source.read_bytes()[:size])
    return target


def _noise(path: Path) -> Path:
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 30_000, dtype=np.uint8).tobytes())
    return path


def _empty_room(path: Path) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (320, 240))
    for i in range(10):
        writer.write(np.full((240, 320, 3), 70 + 6 * i, dtype=np.uint8))
    writer.release()
    return path


def _bad_line(clips: Path, path: Path) -> Path:
    lines = (clips / "traces" / "ngo_forearm_plank_side.trace.jsonl").read_text().splitlines()
    path.write_text("\n".join([*lines[:3], "{not json", *lines[4:]]) + "\n")
    return path


def _bad_header(clips: Path, path: Path) -> Path:
    lines = (clips / "traces" / "ngo_forearm_plank_side.trace.jsonl").read_text().splitlines()
    path.write_text('{"format": "somebody-else/9", "fps": 10}\n' + "\n".join(lines[1:]) + "\n")
    return path


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        (lambda tmp, clips: tmp / "missing.mp4", (), "no such file"),
        (lambda tmp, clips: _noise(tmp / "noise.mp4"), (), "OpenCV cannot open it"),
        (lambda tmp, clips: _noise(tmp / "noise.dat"), (), "not a video format OpenCV can open"),
        (
            lambda tmp, clips: _cut(clips / "ngo_forearm_plank_side.mp4", tmp / "cut.mp4", 70_000),
            (),
            "truncated",
        ),
        (lambda tmp, clips: _empty_room(tmp / "room.mp4"), (), "no person found in any frame"),
        (lambda tmp, clips: _bad_header(clips, tmp / "h.trace.jsonl"), (), "line 1"),
        (lambda tmp, clips: _bad_line(clips, tmp / "l.trace.jsonl"), (), "line 4"),
        (
            lambda tmp, clips: clips / "traces" / "ngo_forearm_plank_side.trace.jsonl",
            ("--exercise", "squat"),
            "unknown exercise 'squat'",
        ),
        (  # said before the video is read, not after
            lambda tmp, clips: clips / "ngo_forearm_plank_side.mp4",
            ("--json", "no-such-folder/r.json"),
            "cannot write there (no folder no-such-folder)",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    tmp_path: Path, clips_dir: Path, make, extra, message: str
) -> None:
    path = make(tmp_path, clips_dir)
    args = extra if extra else ("--exercise", "bridge")
    result = backcoach("analyse", path, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert result.stdout == ""


def test_eval_json_prints_one_object_with_the_scores(tmp_path: Path, clips_dir: Path) -> None:
    traces = clips_dir / "traces"
    (tmp_path / "t").mkdir()
    for name in ("dawi_bridge1_side", "fitcircuit_superman_side", "gymnai_forearm_plank_side"):
        (tmp_path / "t" / f"{name}.trace.jsonl").write_bytes((traces / f"{name}.trace.jsonl").read_bytes())
    labels = [
        {"clip": "dawi_bridge1_side.mp4", "trace": "t/dawi_bridge1_side.trace.jsonl",
         "exercise": "bridge", "reps": 1},
        {"clip": "fitcircuit_superman_side.mp4", "trace": "t/fitcircuit_superman_side.trace.jsonl",
         "exercise": "superman", "reps": 1},
        {"clip": "gymnai_forearm_plank_side.mp4", "trace": "t/gymnai_forearm_plank_side.trace.jsonl",
         "exercise": "forearm_plank", "holds_s": [[0.0, 8.0]]},
    ]  # fmt: skip
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    result = backcoach("eval", tmp_path / "labels.json", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # the whole of stdout is one JSON object
    assert set(data) == {"summary", "clips"}
    assert set(data["summary"]) >= {"exact", "obo", "mae", "hold_error_s_median", "recognition"}
    clips = {c["clip"]: c for c in data["clips"]}
    assert set(clips) == {c["clip"] for c in labels}
    for clip in clips.values():
        assert set(clip) >= {"clip", "exercise", "reps_expected", "reps_counted", "recognised"}
    assert clips["dawi_bridge1_side.mp4"]["reps_expected"] == 1
    assert clips["dawi_bridge1_side.mp4"]["reps_counted"] == 1
    assert clips["fitcircuit_superman_side.mp4"]["exercise"] == "superman"
    assert clips["gymnai_forearm_plank_side.mp4"]["reps_expected"] is None
    counted_right = [
        c["reps_counted"] == c["reps_expected"] for c in data["clips"] if c["reps_expected"] is not None
    ]
    assert data["summary"]["exact"] == pytest.approx(sum(counted_right) / len(counted_right))
    assert data["summary"]["hold_error_s_median"] is not None


def test_eval_prints_a_table_and_the_scores(tmp_path: Path, clips_dir: Path) -> None:
    labels = [
        {"clip": "b.mp4", "trace": str(clips_dir / "traces" / "dawi_bridge1_side.trace.jsonl"),
         "exercise": "bridge", "reps": 1},
    ]  # fmt: skip
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    result = backcoach("eval", tmp_path / "labels.json")
    assert result.returncode == 0, result.stderr
    assert "b.mp4" in result.stdout
    for word in ("exact: 1.00", "OBO:", "MAE:", "hold error:", "recognition:"):
        assert word in result.stdout


def test_eval_of_a_missing_labels_file_is_exit_2(tmp_path: Path) -> None:
    result = backcoach("eval", tmp_path / "labels.json", "--json")
    assert result.returncode == 2
    assert "no such labels file" in result.stderr
    assert "Traceback" not in result.stderr
