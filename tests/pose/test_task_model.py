"""The browser's pose model, built from the mediapipe wheel: a bundle MediaPipe Tasks loads, finding the
same person the server's pose finds on a real clip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from backcoach.pose import PoseEstimator, open_video
from backcoach.pose.task_model import build_pose_task

BRIDGE_CLIP = "dawi_bridge1_side.mp4"


def test_the_bundle_holds_the_detector_and_the_landmark_model(tmp_path: Path) -> None:
    task = build_pose_task(tmp_path / "models" / "pose.task")
    with zipfile.ZipFile(task) as bundle:
        names = sorted(bundle.namelist())
        assert names == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        # Stored, not compressed: Tasks maps the files straight from the bundle.
        assert {info.compress_type for info in bundle.infolist()} == {zipfile.ZIP_STORED}
    assert not list(task.parent.glob(".*"))  # no half-written temporary left beside it


@pytest.mark.slow
def test_tasks_pose_landmarker_finds_the_same_body_as_the_server(tmp_path: Path, clips_dir: Path) -> None:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    task = build_pose_task(tmp_path / "pose.task")
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(task)), running_mode=vision.RunningMode.VIDEO
    )
    differences = []
    with (
        vision.PoseLandmarker.create_from_options(options) as landmarker,
        open_video(clips_dir / BRIDGE_CLIP) as reader,
        PoseEstimator(threads=1) as estimator,
    ):
        for index, (t_ms, image) in enumerate(reader):
            if index >= 60:
                break
            server = estimator.estimate(image, t_ms)
            rgb = np.ascontiguousarray(image[:, :, ::-1])
            found = landmarker.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), int(t_ms)
            )
            if server.landmarks is None or not found.pose_landmarks:
                continue
            tasks_xy = np.array([[p.x, p.y] for p in found.pose_landmarks[0]])
            differences.append(np.abs(tasks_xy - server.landmarks[:, :2]).mean())
    assert len(differences) >= 50  # the person is found in (nearly) every frame
    # Same models, a different pipeline around them: within about a pixel on a 640-wide picture.
    assert float(np.median(differences)) < 0.01
