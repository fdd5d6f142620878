"""Reading video files with OpenCV, frame by frame, with clear errors for files it cannot read.

Frames are yielded one at a time and never kept: the caller turns each into a pose and drops
it. Frame times come from the frame index and the frame rate, so they always increase.
"""

from __future__ import annotations

import math
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

__all__ = [
    "DECODE_AHEAD_FRAMES",
    "DEFAULT_FPS",
    "VIDEO_HEADER_BYTES",
    "VIDEO_SUFFIXES",
    "VideoError",
    "VideoInfo",
    "VideoReader",
    "is_video_header",
    "open_video",
    "probe_video",
]

DEFAULT_FPS = 30.0
# Frames decoded ahead of the pose (640x360: 0.7 MB each).
DECODE_AHEAD_FRAMES = 32

# FFmpeg's own log lines ("moov atom not found") would follow our one clear message on stderr.
# OpenCV reads this once, when the first capture is opened; a person can still override it.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
if "OPENCV_LOG_LEVEL" not in os.environ:  # OpenCV's own "[ WARN ] ... Unable to read codec parameters"
    cv2.setLogLevel(2)  # 2 = errors only

# The first bytes of container formats, to tell "a broken video" from "not a video at all".
_VIDEO_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"),  # mp4, mov, m4v, 3gp
    (0, b"\x1a\x45\xdf\xa3"),  # mkv, webm
    (0, b"RIFF"),  # avi
    (0, b"\x00\x00\x01\xba"),  # mpeg program stream
    (0, b"\x00\x00\x01\xb3"),  # mpeg video
    (0, b"FLV"),
    (0, b"OggS"),
)
_VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".flv", ".ogv", ".3gp"}


class VideoError(ValueError):
    """A video that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class VideoInfo:
    """What OpenCV reports about a video. ``frame_count`` is the container's claim (may be 0)."""

    path: Path
    fps: float
    width: int
    height: int
    frame_count: int

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps > 0 else 0.0


VIDEO_SUFFIXES = frozenset(_VIDEO_SUFFIXES)
# Bytes enough to tell a video container by its start.
VIDEO_HEADER_BYTES = 16


def is_video_header(head: bytes) -> bool:
    """Whether a file's first bytes are those of a video container (mp4, mkv/webm, avi, ...)."""
    return any(head[offset : offset + len(sig)] == sig for offset, sig in _VIDEO_SIGNATURES)


def _looks_like_video(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(VIDEO_HEADER_BYTES)
    except OSError:
        return False
    return is_video_header(head)


def _looks_like_text(path: Path) -> bool:
    """Plain text (FFmpeg would happily render it as an "ansi art" video)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut at the end of the sample
    return True


def _check_file(path: Path) -> None:
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    if not os.access(path, os.R_OK):
        raise VideoError(f"{path}: cannot be read (permission denied)")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: the file is empty")
    if _looks_like_text(path) and not _looks_like_video(path):
        raise VideoError(f"{path}: a text file, not a video format OpenCV can open")


def _cannot_open(path: Path) -> VideoError:
    if _looks_like_video(path):
        return VideoError(f"{path}: the video is corrupt or truncated (OpenCV cannot open it)")
    if path.suffix.lower() in _VIDEO_SUFFIXES:
        return VideoError(
            f"{path}: the file is corrupt or not really a {path.suffix} video (OpenCV cannot open it)"
        )
    return VideoError(f"{path}: not a video format OpenCV can open")


def _fps_of(capture: Any) -> float:
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    # Some containers report 0, nan or absurd rates; fall back to a common one.
    return fps if math.isfinite(fps) and 0.5 <= fps <= 1000 else DEFAULT_FPS


class VideoReader:
    """An open video: ``info`` now, frames by iterating ``frames()`` (each (t_ms, BGR image)).

    Raises VideoError when the file cannot be opened or gives no frame. ``frames_read``
    counts what was decoded so far. ``start_frame`` seeks first (times still count from the
    video's start).
    """

    def __init__(self, path: str | Path, start_frame: int = 0) -> None:
        self.path = Path(path)
        _check_file(self.path)
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise _cannot_open(self.path)
        self._capture: Any = capture
        if start_frame > 0:
            capture.set(cv2.CAP_PROP_POS_FRAMES, start_frame)
        self.start_frame = start_frame
        ok, first = capture.read()
        if not ok or first is None or first.size == 0:
            capture.release()
            if _looks_like_video(self.path):
                raise VideoError(f"{self.path}: the video has no frame that can be read (corrupt or empty)")
            raise _cannot_open(self.path)
        height, width = first.shape[:2]
        self._first: npt.NDArray[np.uint8] | None = np.asarray(first, dtype=np.uint8)
        self.info = VideoInfo(
            path=self.path,
            fps=_fps_of(capture),
            width=int(width),
            height=int(height),
            frame_count=max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)),
        )
        self.frames_read = 0

    def frames(self) -> Iterator[tuple[float, npt.NDArray[np.uint8]]]:
        """Each frame with its time in ms from the start (index / fps)."""
        step_ms = 1000.0 / self.info.fps
        while True:
            if self._first is not None:
                image, self._first = self._first, None
            else:
                ok, image = self._capture.read()
                if not ok or image is None:
                    return
            yield (self.start_frame + self.frames_read) * step_ms, image
            self.frames_read += 1

    def __iter__(self) -> Iterator[tuple[float, npt.NDArray[np.uint8]]]:
        return self.frames()

    def frames_ahead(
        self, buffered: int = DECODE_AHEAD_FRAMES
    ) -> Iterator[tuple[float, npt.NDArray[np.uint8]]]:
        """:meth:`frames`, decoded by a thread of its own up to ``buffered`` frames ahead.

        OpenCV decodes without holding Python's lock, so decoding runs on one core while the
        caller finds the pose on another. Stopping early (``break``) stops the thread.
        """
        slots: queue.Queue[tuple[float, npt.NDArray[np.uint8]] | BaseException | None] = queue.Queue(buffered)
        stop = threading.Event()

        def decode() -> None:
            try:
                for item in self.frames():
                    while not stop.is_set():
                        try:
                            slots.put(item, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                slots.put(None)
            except BaseException as exc:  # handed to the reader, raised there
                slots.put(exc)

        thread = threading.Thread(target=decode, name="backcoach-decode", daemon=True)
        thread.start()
        try:
            while True:
                item = slots.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            thread.join()

    def close(self) -> None:
        self._capture.release()
        self._first = None

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_video(path: str | Path) -> VideoReader:
    """Open a video for reading (a context manager); raises VideoError with a clear message."""
    return VideoReader(path)


def probe_video(path: str | Path) -> VideoInfo:
    """A video's frame rate, size and frame count, checking that a first frame can be read."""
    with open_video(path) as reader:
        return reader.info
