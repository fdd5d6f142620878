"""A video's pose on every core: cut into parts run side by side, it reads every frame once, in order,
and the analysis counts what one tracker over the whole video counts."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from backcoach.pose import probe_video
from backcoach.pose.video_pose import estimate_video, plan_parts
from backcoach.services.analysis import analyse_frames

BRIDGE_CLIP = "dawi_bridge1_side.mp4"


def test_a_long_video_is_cut_into_consecutive_parts(clips_dir: Path) -> None:
    info = probe_video(clips_dir / BRIDGE_CLIP)
    plan = plan_parts(info, 2)
    assert plan[0][0] == 0 and plan[-1][1] is None
    assert all(stop == start for (_, stop), (start, _) in itertools.pairwise(plan))
    short = probe_video(clips_dir / "fitcircuit_deadbug_side.mp4")  # 25 frames: not worth two models
    assert plan_parts(short, 2) == [(0, None)]


@pytest.mark.slow
def test_two_parts_read_every_frame_once_and_count_the_same_rep(clips_dir: Path) -> None:
    path = clips_dir / BRIDGE_CLIP
    seen: list[tuple[int, int]] = []
    whole = estimate_video(path, parts=1)
    halves = estimate_video(path, on_progress=lambda done, total: seen.append((done, total)), parts=2)
    assert halves.parts == 2
    assert len(halves.frames) == len(whole.frames) == whole.info.frame_count
    assert [f.t_ms for f in halves.frames] == [f.t_ms for f in whole.frames]
    assert seen[-1] == (len(halves.frames), len(halves.frames))
    counted = [analyse_frames(v.frames, "bridge", fps=v.info.fps).reps for v in (whole, halves)]
    assert counted == [{"both": 1}, {"both": 1}]
