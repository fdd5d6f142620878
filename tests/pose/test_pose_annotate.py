"""The annotated video: one frame out for each frame in, readable by OpenCV, with the skeleton drawn."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from backcoach.motion.traces import read_trace
from backcoach.pose import AnnotatedVideoWriter, Overlay, open_video


def test_annotated_video_has_every_frame_and_the_skeleton(tmp_path: Path, clips_dir: Path) -> None:
    _, frames = read_trace(clips_dir / "traces" / "ngo_forearm_plank_side.trace.jsonl")
    out = tmp_path / "annotated.mp4"
    originals = []
    with (
        open_video(clips_dir / "ngo_forearm_plank_side.mp4") as reader,
        AnnotatedVideoWriter(out, reader.info.fps, reader.info.width, reader.info.height) as writer,
    ):
        for (_t_ms, image), frame in zip(reader, frames, strict=True):
            originals.append(image)
            writer.write(image, frame, Overlay("plank | hold 1.0 s", ("Lift your hips",), ("Step back",)))
    capture = cv2.VideoCapture(str(out))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 50
    ok, first = capture.read()
    capture.release()
    assert ok and first.shape == originals[0].shape
    # Drawing changed the picture along the body, not only the text boxes.
    assert frames[0].landmarks is not None
    hip = frames[0].landmarks[23, :2] * [500, 280]
    x, y = int(hip[0]), int(hip[1])
    patch_diff = np.abs(
        first[y - 4 : y + 5, x - 4 : x + 5].astype(int) - originals[0][y - 4 : y + 5, x - 4 : x + 5]
    )
    assert patch_diff.mean() > 20
