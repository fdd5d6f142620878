"""MediaPipe pose on a real clip gives the landmarks of the shared trace made from the same clip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backcoach.motion.traces import read_trace
from backcoach.pose import PoseEstimator, open_video
from backcoach.pose.estimator import scale_for_pose


def test_pose_of_a_real_clip_matches_the_shared_trace(clips_dir: Path) -> None:
    _, expected = read_trace(clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl")
    with open_video(clips_dir / "ngo_forearm_plank_side.mp4") as reader, PoseEstimator() as estimator:
        frames = [estimator.estimate(image, t_ms) for t_ms, image in reader]
    assert len(frames) == len(expected) == 50
    assert all(f.landmarks is not None for f in frames)
    assert (frames[0].width, frames[0].height) == (500, 280)
    for got, want in zip(frames, expected, strict=True):
        assert got.t_ms == pytest.approx(want.t_ms, abs=0.1)
        assert got.landmarks is not None and want.landmarks is not None
        seen = want.landmarks[:, 3] > 0.5
        # x, y within 1% of the image; the shared trace rounds to 5 decimals.
        assert np.abs(got.landmarks[seen, :2] - want.landmarks[seen, :2]).max() < 0.01


def test_a_frame_with_nobody_has_no_landmarks() -> None:
    blank = np.full((360, 640, 3), 90, dtype=np.uint8)
    with PoseEstimator() as estimator:
        frame = estimator.estimate(blank, 0.0)
    assert frame.landmarks is None
    assert (frame.width, frame.height) == (640, 360)


def test_large_frames_are_scaled_down_keeping_their_shape() -> None:
    big = np.zeros((1920, 1080, 3), dtype=np.uint8)
    small = scale_for_pose(big, 640)
    assert small.shape == (640, 360, 3)
    little = np.zeros((280, 500, 3), dtype=np.uint8)
    assert scale_for_pose(little, 640) is little


def test_thread_counts_give_the_same_landmarks_so_the_race_is_fair(clips_dir: Path) -> None:
    runs = {}
    for threads in (1, 2, None):
        with (
            open_video(clips_dir / "ngo_forearm_plank_side.mp4") as reader,
            PoseEstimator(threads=threads) as est,
        ):
            runs[threads] = [
                est.estimate(image, t_ms).landmarks
                for _, (t_ms, image) in zip(range(15), reader, strict=False)
            ]
            if threads is None:
                assert est.threads in (1, 2)  # the race is over after its first frames
    for threads in (2, None):
        for a, b in zip(runs[1], runs[threads], strict=True):
            assert a is not None and b is not None
            assert np.abs(a - b).max() < 1e-5
