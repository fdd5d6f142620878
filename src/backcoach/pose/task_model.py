"""The browser's pose model: a MediaPipe Tasks ``.task`` bundle built from the models in the mediapipe wheel.

The live coach runs MediaPipe's PoseLandmarker in the person's browser. Its npm package has no
model, and the model is never fetched from a CDN or Google's storage: the pinned mediapipe
wheel already ships the full pose model the server uses (``pose_detection.tflite`` and
``pose_landmark_full.tflite``, the ``model_complexity=1`` pair). Tasks needs each TFLite file
to carry its input normalisation as metadata (image mean and std), and both zipped together
as ``pose_detector.tflite`` + ``pose_landmarks_detector.tflite``; this module does that with
mediapipe 0.10.21's own metadata writers. ``scripts/setup.sh`` runs it once; the file is built,
never committed.

``python -m backcoach.pose.task_model OUT.task`` builds the bundle (a fraction of a second).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

__all__ = ["TASK_FILE_NAME", "build_pose_task", "main"]

TASK_FILE_NAME = "pose_landmarker_full.task"

# (file in mediapipe/modules, name inside the bundle, model name, input mean, input std):
# the detector takes pixels scaled to [-1, 1], the landmark model pixels scaled to [0, 1].
_PARTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("pose_detection/pose_detection.tflite", "pose_detector.tflite", "pose_detector", 127.5, 127.5),
    (
        "pose_landmark/pose_landmark_full.tflite",
        "pose_landmarks_detector.tflite",
        "pose_landmarks_detector",
        0.0,
        255.0,
    ),
)


def _with_metadata(model: bytes, name: str, mean: float, std: float) -> bytes:
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, writer_utils

    buffer = bytearray(model)
    writer = metadata_writer.MetadataWriter.create(buffer)
    writer.add_general_info(name, "MediaPipe Pose (full), from the mediapipe wheel")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in writer_utils.get_output_tensor_types(buffer):
        writer.add_feature_output()
    content, _json = writer.populate()
    return bytes(content)


def build_pose_task(out: str | Path) -> Path:
    """Write the PoseLandmarker bundle to ``out`` (atomically: another process never sees half a file)."""
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

    modules = Path(mediapipe.__file__).resolve().parent / "modules"
    parts = {
        inner: _with_metadata((modules / source).read_bytes(), name, mean, std)
        for source, inner, name, mean, std in _PARTS
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        model_asset_bundle_utils.create_model_asset_bundle(parts, temporary)
        os.chmod(temporary, 0o644)  # served to browsers by any user's server
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m backcoach.pose.task_model OUT.task", file=sys.stderr)
        return 2
    path = build_pose_task(args[0])
    print(f"wrote the browser pose model to {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
