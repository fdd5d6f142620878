"""The shared pose pool: a picture that is not a usable JPEG is refused in plain words, before any
pose model is loaded; a real frame gets its pose, and the estimators go when the last camera leaves."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.pose.jpeg import ImageError
from backcoach.pose.pool import EstimatorPool

cv2 = pytest.importorskip("cv2")


def test_a_bad_picture_is_refused_without_loading_a_model() -> None:
    pool = EstimatorPool(size=1)
    try:
        with pytest.raises(ImageError, match="JPEG"):
            pool.estimate_jpeg(b"certainly not a picture", 10.0)
        assert pool.estimators == 0
    finally:
        pool.close()


def test_a_frame_gets_its_pose_and_the_last_camera_out_frees_the_estimators(clips_dir: Path) -> None:
    capture = cv2.VideoCapture(str(clips_dir / "dawi_bridge1_side.mp4"))
    ok, image = capture.read()
    capture.release()
    assert ok
    jpeg = cv2.imencode(".jpg", image)[1].tobytes()
    pool = EstimatorPool(size=2)
    pool.join()
    frame = pool.estimate_jpeg(jpeg, 0.0)
    assert frame.landmarks is not None and (frame.width, frame.height) == (image.shape[1], image.shape[0])
    assert pool.estimators == 1
    pool.leave()
    assert (pool.members, pool.estimators) == (0, 0)
