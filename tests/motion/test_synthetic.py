"""The synthetic trace generator: a believable side-view body, the right answer, noise and faults."""

from __future__ import annotations

import io
import itertools
import math

import numpy as np
import pytest

from backcoach.motion.geometry import compute_angle_deg
from backcoach.motion.landmarks import Landmark, PoseFrame
from backcoach.motion.synthetic import FAULTS, STILL_POSES, SYNTHETIC_EXERCISES, synthesise, synthesise_still
from backcoach.motion.traces import read_trace, write_trace

L = Landmark


def _angle(frame: PoseFrame, a: Landmark, b: Landmark, c: Landmark) -> float:
    lm = frame.landmarks
    assert lm is not None
    return compute_angle_deg(lm[a, :2], lm[b, :2], lm[c, :2], frame.width, frame.height)


def _at(frames: tuple[PoseFrame, ...], t_s: float) -> PoseFrame:
    return min(frames, key=lambda f: abs(f.t_ms / 1000.0 - t_s))


@pytest.mark.parametrize("exercise", SYNTHETIC_EXERCISES)
def test_every_exercise_makes_a_well_formed_trace(exercise: str) -> None:
    trace = synthesise(exercise, seed=1)
    times = [f.t_ms for f in trace.frames]
    assert all(b > a for a, b in itertools.pairwise(times))
    assert times[1] - times[0] == pytest.approx(1000.0 / 30.0, abs=1e-3)
    for frame in trace.frames[:: max(1, len(trace.frames) // 20)]:
        assert frame.landmarks is not None and frame.landmarks.shape == (33, 4)
        assert np.all(np.isfinite(frame.landmarks))
        vis = frame.landmarks[:, 3]
        assert np.all((vis >= 0) & (vis <= 1))
        # the body fits the picture
        xy = frame.landmarks[:, :2]
        assert xy.min() > -0.05 and xy.max() < 1.05
    assert trace.duration_s == pytest.approx(times[-1] / 1000.0, abs=0.05)


def test_a_left_side_view_shows_the_left_side_nearer_and_the_far_side_higher() -> None:
    for view, near, far in (("left", "LEFT", "RIGHT"), ("right", "RIGHT", "LEFT")):
        frame = synthesise("bridge", side_view=view, jitter=0.0).frames[0]
        lm = frame.landmarks
        assert lm is not None
        for part in ("SHOULDER", "HIP", "KNEE"):
            n, f = L[f"{near}_{part}"], L[f"{far}_{part}"]
            assert lm[n, 2] < lm[f, 2]  # MediaPipe: nearer is more negative
            assert lm[n, 1] > lm[f, 1]  # the camera looks a little down
        assert lm[L[f"{near}_ELBOW"], 3] > 0.9 > lm[L[f"{far}_ELBOW"], 3]
    # lying on the back seen from the left, the head is on the right of the picture
    left = synthesise("bridge", side_view="left", jitter=0.0).frames[0].landmarks
    right = synthesise("bridge", side_view="right", jitter=0.0).frames[0].landmarks
    assert left is not None and right is not None
    assert left[L.NOSE, 0] > left[L.LEFT_HIP, 0]
    assert right[L.NOSE, 0] < right[L.RIGHT_HIP, 0]
    # face up: the nose is above the ears
    assert left[L.NOSE, 1] < left[L.LEFT_EAR, 1]


def test_key_poses_have_the_joint_angles_of_a_real_body() -> None:
    bridge = synthesise("bridge", jitter=0.0, reps=1, rest_s=2.0, rep_s=1.0, hold_s=2.0)
    crook, top = _at(bridge.frames, 1.0), _at(bridge.frames, 4.0)
    assert 70 <= _angle(crook, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) <= 95  # knees bent, feet flat
    assert 115 <= _angle(crook, L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE) <= 140  # hips flexed lying down
    assert _angle(top, L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE) >= 170  # a straight bridge
    assert 90 <= _angle(top, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) <= 115

    plank = synthesise("forearm_plank", jitter=0.0, holds=(6.0,), rest_s=2.0)
    kneeling, held = _at(plank.frames, 1.0), _at(plank.frames, 5.0)
    assert _angle(held, L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_ANKLE) >= 172  # a straight line
    assert _angle(held, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST) == pytest.approx(90, abs=8)
    assert _angle(kneeling, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) < 160  # on the knees

    sag = synthesise("forearm_plank", jitter=0.0, holds=(6.0,), rest_s=2.0, faults=["hips_sagging"])
    pike = synthesise("forearm_plank", jitter=0.0, holds=(6.0,), rest_s=2.0, faults=["hips_piking"])
    for trace in (sag, pike):
        assert _angle(_at(trace.frames, 5.0), L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_ANKLE) < 165
    sag_hip = _at(sag.frames, 5.0).landmarks
    pike_hip = _at(pike.frames, 5.0).landmarks
    assert sag_hip is not None and pike_hip is not None
    assert sag_hip[L.LEFT_HIP, 1] > pike_hip[L.LEFT_HIP, 1]  # sagging hips are lower in the picture

    standing = synthesise_still("standing", 2.0, jitter=0.0).frames[0]
    assert _angle(standing, L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_ANKLE) >= 170
    sitting = synthesise_still("sitting", 2.0, jitter=0.0).frames[0]
    assert _angle(sitting, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) == pytest.approx(90, abs=10)


def test_dead_bug_reaches_out_with_opposite_arm_and_leg() -> None:
    trace = synthesise("dead_bug", reps=2, jitter=0.0, rest_s=1.0, rep_s=1.0, hold_s=0.5)
    rest, first = trace.frames[0], _at(trace.frames, 2.25)  # first rep: right leg, left arm
    assert _angle(rest, L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_WRIST) == pytest.approx(90, abs=8)
    assert _angle(first, L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_WRIST) > 150
    assert _angle(first, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE) > 160
    assert _angle(first, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) == pytest.approx(90, abs=8)
    assert trace.expected_reps == {"left": 1, "right": 1}


def test_known_answers_follow_the_rep_and_hold_rules() -> None:
    superman = synthesise("superman", reps=3, rep_s=1.0, hold_s=2.0, rest_s=2.0)
    assert superman.expected_reps == {"both": 3}
    # from half-way up to half-way down
    assert superman.expected_holds_s[0] == pytest.approx((2.5, 5.5))
    started = synthesise("superman", reps=3, start_in_target=True, rep_s=1.0, hold_s=2.0, rest_s=2.0)
    assert started.expected_reps == {"both": 3}  # the first, partial rep is not a rep
    assert started.expected_holds_s[0][0] == 0.0 and len(started.expected_holds_s) == 4
    plank = synthesise("forearm_plank", holds=(8.0, 5.0))
    assert [round(b - a, 3) for a, b in plank.expected_holds_s] == [8.0, 5.0]
    rotation = synthesise("lower_back_rotation", holds=(6.0, 6.0, 6.0))
    assert rotation.expected_hold_sides == ("left", "right", "left")
    march = synthesise("glute_bridge_march", reps=5)
    assert march.expected_reps == {"right": 3, "left": 2}
    assert synthesise("bridge", faults=["hips_not_high_enough"]).expected_findings == (
        "hips_not_high_enough",
    )


def test_noise_dropout_and_seed() -> None:
    a = synthesise("cat_stretch", seed=3, dropout=0.1)
    b = synthesise("cat_stretch", seed=3, dropout=0.1)
    assert [f.t_ms for f in a.frames] == [f.t_ms for f in b.frames]
    assert all(
        (x.landmarks is None and y.landmarks is None) or np.array_equal(x.landmarks, y.landmarks)
        for x, y in zip(a.frames, b.frames, strict=True)
    )
    dropped = sum(f.landmarks is None for f in a.frames) / len(a.frames)
    assert 0.05 <= dropped <= 0.15
    clean = synthesise("cat_stretch", seed=3, jitter=0.0)
    noisy = synthesise("cat_stretch", seed=3, jitter=0.01)
    diffs = [
        float(np.std(n.landmarks[:, 0] - c.landmarks[:, 0]))
        for c, n in zip(clean.frames[:50], noisy.frames[:50], strict=True)
        if c.landmarks is not None and n.landmarks is not None
    ]
    assert 0.005 <= float(np.mean(diffs)) <= 0.02


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ValueError, match="no synthetic plan"):
        synthesise("jumping_jacks")
    with pytest.raises(ValueError, match="unknown fault"):
        synthesise("bridge", faults=["hips_sagging"])
    with pytest.raises(ValueError, match="side_view"):
        synthesise("bridge", side_view="front")
    with pytest.raises(ValueError, match="unknown pose"):
        synthesise_still("handstand")
    assert set(FAULTS) == set(SYNTHETIC_EXERCISES)
    assert {"standing", "sitting", "kneeling"} <= set(STILL_POSES)


def test_a_synthetic_trace_survives_the_trace_file_format(tmp_path: object) -> None:
    trace = synthesise("dead_bug", reps=2, dropout=0.1, seed=2)
    buffer = io.StringIO()
    write_trace(buffer, trace.header, trace.frames)
    path = f"{tmp_path}/dead_bug.trace.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())
    header, frames = read_trace(path)
    assert header == trace.header
    assert len(frames) == len(trace.frames)
    for got, want in zip(frames, trace.frames, strict=True):
        assert math.isclose(got.t_ms, want.t_ms, abs_tol=1e-3)
        assert (got.landmarks is None) == (want.landmarks is None)
