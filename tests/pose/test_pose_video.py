"""Reading videos with OpenCV: frame times, sizes, and a clear error for every file it cannot read."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from backcoach.pose import VideoError, open_video, probe_video


def test_a_real_clip_gives_every_frame_with_increasing_times(clips_dir: Path) -> None:
    with open_video(clips_dir / "ngo_forearm_plank_side.mp4") as reader:
        assert (reader.info.width, reader.info.height) == (500, 280)
        assert reader.info.fps == pytest.approx(10.0)
        frames = list(reader)
    assert len(frames) == 50 == reader.info.frame_count
    times = [t for t, _ in frames]
    assert times[:3] == pytest.approx([0.0, 100.0, 200.0])
    assert all(b > a for a, b in itertools.pairwise(times))
    assert frames[0][1].shape == (280, 500, 3)


def _cut(source: Path, target: Path, size: int) -> Path:
    target.write_bytes(source.read_bytes()[:size])
    return target


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp, clips: tmp / "missing.mp4", "no such file"),
        (lambda tmp, clips: tmp, "is a folder"),
        (
            lambda tmp, clips: _cut(clips / "ngo_forearm_plank_side.mp4", tmp / "empty.mp4", 0),
            "the file is empty",
        ),
        (
            lambda tmp, clips: _cut(clips / "ngo_forearm_plank_side.mp4", tmp / "cut.mp4", 60_000),
            "corrupt or truncated",
        ),
        (lambda tmp, clips: _random(tmp / "noise.mp4"), "corrupt or not really a .mp4 video"),
        (lambda tmp, clips: _random(tmp / "noise.bin"), "not a video format OpenCV can open"),
        (lambda tmp, clips: _text(tmp / "notes.txt"), "a text file, not a video format OpenCV can open"),
    ],
)
def test_files_that_cannot_be_read_say_why(tmp_path: Path, clips_dir: Path, make, message: str) -> None:
    path = make(tmp_path, clips_dir)
    with pytest.raises(VideoError) as caught:
        probe_video(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def _random(path: Path) -> Path:
    import numpy as np

    path.write_bytes(np.random.default_rng(3).integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    return path


def _text(path: Path) -> Path:
    path.write_text("squats, bridges and planks\n" * 100)
    return path


def test_a_clip_copied_under_another_name_still_opens(tmp_path: Path, clips_dir: Path) -> None:
    copy = tmp_path / "plank.video"
    shutil.copy(clips_dir / "ngo_forearm_plank_side.mp4", copy)
    assert probe_video(copy).frame_count == 50
