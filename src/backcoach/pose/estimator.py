"""MediaPipe Pose (model_complexity=1, video mode) turned into ``PoseFrame``s.

Only ``model_complexity=1`` is used: its model ships inside the mediapipe wheel, while the
lite and heavy models are downloaded at run time (and there may be no internet).

Speed: MediaPipe's Python solution runs its TFLite models on one XNNPACK thread on Linux
(18-20 ms a frame on this 2-core machine). Two threads take 11 ms on two idle cores with the
same landmarks, but XNNPACK's threads wait for each other several times a frame, and on a
busy machine two threads were measured 2-6x slower than one. So by default the estimator
runs a one-thread and a two-thread tracker side by side on the first frames (they give the
same landmarks, so both keep tracking), keeps the faster and closes the other.

Large frames are scaled down before pose: landmarks are normalised to the image, so the
result keeps the original frame's size, and the models work on 224-256 px crops anyway.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from backcoach.motion.landmarks import LANDMARK_COUNT, PoseFrame

__all__ = ["MAX_POSE_WIDTH_PX", "PROBE_FRAMES", "PoseEstimator", "default_pose_threads", "scale_for_pose"]

MAX_POSE_WIDTH_PX = 640
# Frames timed on each tracker before keeping the faster.
PROBE_FRAMES = 8
# Frames timed on the kept tracker between checks that more threads still pay.
_WATCH_FRAMES = 30
# Frames during which MediaPipe's start-up notes on stderr are silenced (and until a person is found).
_QUIET_FRAMES = 15
Image = npt.NDArray[np.uint8]


def default_pose_threads() -> int:
    """The most inference threads worth trying: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def scale_for_pose(image: Image, max_width_px: int = MAX_POSE_WIDTH_PX) -> Image:
    """The image scaled so that neither side passes ``max_width_px`` (unchanged when smaller)."""
    height, width = image.shape[:2]
    longest = max(width, height)
    if longest <= max_width_px:
        return image
    scale = max_width_px / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for a moment.

    TFLite and absl write start-up notes ("Created TensorFlow Lite XNNPACK delegate",
    "Feedback manager requires ...") straight to fd 2, where they would bury the one line
    the CLI prints. Only used while the graph starts: the first frames, and until the first
    person is found.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _make_pose(
    threads: int,
    min_detection_confidence: float,
    min_tracking_confidence: float,
    each_frame_alone: bool = False,
) -> Any:
    import mediapipe as mp  # imported here: it takes a second to load

    solution: Any = mp.solutions.pose.Pose
    try:
        from mediapipe.calculators.tensor import inference_calculator_pb2

        options_ext = inference_calculator_pb2.InferenceCalculatorOptions.ext

        class _ThreadedPose(solution):
            """Pose whose inference nodes use ``threads`` XNNPACK threads (pinned mediapipe 0.10.21)."""

            def _modify_calculator_options(self, config: Any, params: Any) -> None:
                super()._modify_calculator_options(config, params)
                for node in config.node:
                    if node.calculator.startswith("InferenceCalculator"):
                        node.options.Extensions[options_ext].delegate.xnnpack.num_threads = threads

        solution = _ThreadedPose
    except (ImportError, AttributeError):  # another mediapipe: keep its own threading
        pass
    return solution(
        static_image_mode=each_frame_alone,
        model_complexity=1,
        smooth_landmarks=not each_frame_alone,
        enable_segmentation=False,
        min_detection_confidence=min_detection_confidence,
        min_tracking_confidence=min_tracking_confidence,
    )


class PoseEstimator:
    """One MediaPipe Pose tracker for one stream of frames (a video or a camera).

    Use as a context manager, or call ``close()``. Frames must come in time order: the
    tracker uses the previous frame to find the person in the next one. ``threads`` fixes
    the number of inference threads; by default the faster of one thread and one per core
    (at most 4) is found on the first frames, and the estimator falls back to one thread if
    the machine gets busy later (``threads`` says which is in use).

    ``each_frame_alone`` finds the person afresh in every frame, with no tracking and no
    smoothing from one frame to the next (the motion engine smooths anyway): slower per frame,
    but frames of any stream may come in any order, so one estimator can serve many cameras.
    """

    def __init__(
        self,
        max_width_px: int = MAX_POSE_WIDTH_PX,
        threads: int | None = None,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        *,
        each_frame_alone: bool = False,
    ) -> None:
        self._max_width_px = max_width_px
        self._confidences = (min_detection_confidence, min_tracking_confidence)
        self._each_frame_alone = each_frame_alone
        choices = [threads] if threads is not None else sorted({default_pose_threads(), 1}, reverse=True)
        self._trackers: dict[int, Any] = {n: self._start_tracker(n) for n in choices}
        self._timings_s: dict[int, list[float]] = {n: [] for n in choices}
        self._race_s: dict[int, float] = {}
        self._recent_s: list[float] = []
        self._fixed = threads is not None
        self.threads = choices[0]
        self._frames = 0
        self._seen_person = False
        self._closed = False

    def _start_tracker(self, threads: int) -> Any:
        with _native_stderr_silenced():
            tracker = _make_pose(threads, *self._confidences, self._each_frame_alone)
            # The graph loads its models in its own threads after starting, writing notes to
            # stderr as it goes; one blank frame waits for that (and finds nobody to track).
            tracker.process(np.zeros((64, 64, 3), dtype=np.uint8))
        return tracker

    def _process(self, rgb: Any) -> Any:
        """Run the tracker(s) on the frame, timing each: the race, then a watch on the winner."""
        result = None
        order = list(self._trackers) if self._frames % 2 == 0 else list(reversed(self._trackers))
        for threads in order:
            start = time.perf_counter()
            out = self._trackers[threads].process(rgb)
            elapsed = time.perf_counter() - start
            if threads == self.threads:
                result = out
            if len(self._trackers) > 1:
                self._timings_s[threads].append(elapsed)
            else:
                self._recent_s.append(elapsed)
        self._frames += 1
        if len(self._trackers) > 1 and self._race_over():
            self._race_s = {n: statistics.median(t) for n, t in self._timings_s.items()}
            fastest = min(self._race_s, key=self._race_s.__getitem__)
            for threads in list(self._trackers):
                if threads != fastest:
                    self._trackers.pop(threads).close()
            self.threads = fastest
        elif len(self._recent_s) >= _WATCH_FRAMES:
            self._watch()
        return result

    def _race_over(self) -> bool:
        """After PROBE_FRAMES frames, or sooner when one tracker is plainly the slower.

        On a busy machine two threads took up to a second a frame: a race run to its end
        would cost more than it could win.
        """
        if self._frames >= PROBE_FRAMES:
            return True
        medians = sorted(statistics.median(t) for t in self._timings_s.values())
        return medians[-1] > (4.0 if self._frames < 2 else 2.0) * medians[0]

    def _watch(self) -> None:
        """Fall back to one thread if the machine got busy and the threads now slow each other.

        The new tracker starts afresh (it finds the person again on the next frame): a small
        seam, worth it against frames several times slower.
        """
        recent = statistics.median(self._recent_s)
        self._recent_s.clear()
        one_thread_s = self._race_s.get(1)
        if self._fixed or self.threads == 1 or one_thread_s is None or recent <= 1.5 * one_thread_s:
            return
        self._trackers.pop(self.threads).close()
        self.threads = 1
        self._trackers[1] = self._start_tracker(1)

    def estimate(self, image: Image, t_ms: float, *, bgr: bool = True) -> PoseFrame:
        """The pose in one frame (BGR as OpenCV reads it, or RGB with ``bgr=False``).

        The PoseFrame carries the original image size and ``t_ms`` as given.
        """
        if self._closed:
            raise RuntimeError("the pose estimator is closed")
        height, width = image.shape[:2]
        small = scale_for_pose(image, self._max_width_px)
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB) if bgr else np.ascontiguousarray(small)
        rgb.flags.writeable = False
        # The graph's threads may still be starting when process() returns: stay quiet a while.
        if self._frames < _QUIET_FRAMES or not self._seen_person:
            with _native_stderr_silenced():
                result = self._process(rgb)
        else:
            result = self._process(rgb)
        landmarks = result.pose_landmarks
        if landmarks is None:
            return PoseFrame(float(t_ms), None, width, height)
        self._seen_person = True
        points = np.array(
            [[p.x, p.y, p.z, p.visibility] for p in landmarks.landmark[:LANDMARK_COUNT]], dtype=np.float64
        )
        return PoseFrame(float(t_ms), points, width, height)

    def close(self) -> None:
        if not self._closed:
            for tracker in self._trackers.values():
                tracker.close()
            self._trackers.clear()
            self._closed = True

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
