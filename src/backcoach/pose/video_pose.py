"""The pose of every frame of a video, on every core: the video cut into consecutive parts.

One MediaPipe tracker cannot use two cores well: its two-thread mode waits on itself several
times a frame and loses to one thread as soon as anything else runs (decoding, another job).
So a video long enough is cut into one part per core (at most ``MAX_PARTS``); each part has its
own decoder, seeking to its first frame, and its own one-thread tracker, and the parts run side by
side. The person is found afresh at the start of each part, as at the start of the video.

Seeking must land on the very frame: the part before decodes one frame past its end and compares
it with the next part's first frame. If they differ (a file whose seeking is not exact), the
parts after are thrown away and the first part reads on to the end alone.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backcoach.motion.landmarks import PoseFrame
from backcoach.pose.estimator import PoseEstimator, default_pose_threads
from backcoach.pose.video import VideoInfo, VideoReader, open_video

__all__ = ["MAX_PARTS", "MIN_PART_FRAMES", "VideoPose", "estimate_video", "plan_parts"]

MAX_PARTS = 4
# Parts shorter than this are not worth a second model (about a second to load).
MIN_PART_FRAMES = 90

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class VideoPose:
    """A video's facts and the pose of each frame read, in order; ``parts`` run side by side."""

    info: VideoInfo
    frames: list[PoseFrame]
    parts: int


@dataclass
class _Part:
    start: int
    stop: int | None  # None: to the end of the video
    frames: list[PoseFrame]
    next_first: np.ndarray | None = None  # the frame just past ``stop``, decoded to check the seam
    first: np.ndarray | None = None
    error: BaseException | None = None


def plan_parts(info: VideoInfo, parts: int | None = None) -> list[tuple[int, int | None]]:
    """(first frame, frame after the last or None for the end) of each part the video is cut into."""
    count = info.frame_count
    wanted = parts if parts is not None else min(MAX_PARTS, default_pose_threads())
    wanted = max(1, min(wanted, count // MIN_PART_FRAMES if count > 0 else 1))
    if wanted == 1:
        return [(0, None)]
    bounds = [round(i * count / wanted) for i in range(wanted)]
    return [(start, bounds[i + 1] if i + 1 < wanted else None) for i, start in enumerate(bounds)]


def estimate_video(
    path: str | Path, on_progress: ProgressCallback | None = None, parts: int | None = None
) -> VideoPose:
    """The pose of every readable frame of ``path``; VideoError when it cannot be read.

    ``on_progress(done, total)`` is called as frames are done (from the parts' threads, one at a
    time). ``parts`` fixes how many parts run side by side (default: one per core, when the video
    is long enough).
    """
    with open_video(path) as probe:
        info = probe.info
    plan = plan_parts(info, parts)
    total = max(info.frame_count, 1)
    done = [0]
    lock = threading.Lock()

    def tick() -> None:
        with lock:
            done[0] += 1
            if on_progress is not None:
                on_progress(done[0], max(total, done[0]))

    results = [_Part(start, stop, []) for start, stop in plan]

    def run(part: _Part, threads: int | None, seek: bool = True) -> None:
        """Pose of the part's frames; without ``seek`` the frames before it are decoded and skipped."""
        try:
            with (
                VideoReader(path, part.start if seek else 0) as reader,
                PoseEstimator(threads=threads) as estimator,
            ):
                for index, (t_ms, image) in enumerate(reader.frames_ahead(), start=part.start if seek else 0):
                    if index < part.start:
                        continue
                    if index == part.start:
                        part.first = image
                    if part.stop is not None and index >= part.stop:
                        part.next_first = image
                        return
                    part.frames.append(estimator.estimate(image, t_ms))
                    tick()
        except BaseException as exc:  # raised in the caller's thread
            part.error = exc

    if len(results) == 1:
        run(results[0], None)  # one tracker: let it choose its threads
    else:
        workers = [threading.Thread(target=run, args=(part, 1), daemon=True) for part in results]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if results[0].error is not None:
        raise results[0].error
    frames = list(results[0].frames)
    for previous, part in itertools.pairwise(results):
        if previous.next_first is None:  # the video ended before this part (its length was wrong)
            break
        seam_ok = (
            part.error is None and part.first is not None and np.array_equal(previous.next_first, part.first)
        )
        if not seam_ok:
            # Seeking in this file is not exact: decode up to here and read on in one go.
            rest = _Part(len(frames), None, [])
            run(rest, None, seek=False)
            if rest.error is not None:
                raise rest.error
            return VideoPose(info, frames + rest.frames, 1)
        frames += part.frames
    return VideoPose(info, frames, len(results))
