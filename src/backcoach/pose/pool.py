"""Server-side pose shared by every live camera of a process: a few estimators, about one per core.

Pose normally runs in the person's browser; this pool serves the cameras whose browser cannot
(or a server set to do pose itself). An estimator holds about 115 MB, so one per connection
does not scale: ten cameras took a server past 2 GB. The pool keeps ``size`` estimators
(default: one per core) and a thread for each; any connection's JPEG goes to whichever is free.
Estimators here find the person afresh in each frame (``each_frame_alone``), since consecutive
frames of one estimator may come from different cameras.

The estimators are made on the first frame after a connection joins (:meth:`join`) and closed
when the last one leaves (:meth:`leave`), and the C library is then asked to hand the freed
memory back to the system, so a server's memory falls back once its cameras close.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from backcoach.motion.landmarks import PoseFrame
from backcoach.pose.estimator import PoseEstimator
from backcoach.pose.jpeg import decode_jpeg

__all__ = ["EstimatorPool", "default_pool_size", "release_free_memory"]


def default_pool_size() -> int:
    """One estimator per core (at least one)."""
    return max(1, os.cpu_count() or 1)


def release_free_memory() -> None:
    """Ask glibc to return freed heap pages to the system (a no-op elsewhere).

    Without it the memory of closed estimators stays in the process's malloc arenas.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


class _Generation:
    """The estimators and threads of one busy spell (from the first connection in to the last out)."""

    def __init__(self, size: int) -> None:
        self.executor = ThreadPoolExecutor(size, thread_name_prefix="backcoach-pose")
        self.idle: queue.SimpleQueue[PoseEstimator] = queue.SimpleQueue()
        self.loaded: list[PoseEstimator] = []

    def estimate(self, data: bytes, t_ms: float) -> PoseFrame:
        image = decode_jpeg(data)
        try:
            estimator = self.idle.get_nowait()
        except queue.Empty:  # one thread per estimator: a thread that finds none idle makes one
            estimator = PoseEstimator(threads=1, each_frame_alone=True)
            self.loaded.append(estimator)
        try:
            return estimator.estimate(image, t_ms)
        finally:
            self.idle.put(estimator)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        for estimator in self.loaded:
            estimator.close()
        self.loaded.clear()


class EstimatorPool:
    """``size`` pose estimators behind ``size`` threads; :meth:`submit` runs a JPEG's pose on a free one.

    Connections :meth:`join` before their first frame and :meth:`leave` when they close;
    ``leave`` blocks while the last one out waits for frames in flight and frees the estimators.
    """

    def __init__(self, size: int | None = None) -> None:
        self.size = size or default_pool_size()
        self._lock = threading.Lock()
        self._members = 0
        self._generation: _Generation | None = None

    @property
    def estimators(self) -> int:
        """How many estimators are loaded now (at most ``size``)."""
        generation = self._generation
        return len(generation.loaded) if generation is not None else 0

    @property
    def members(self) -> int:
        """How many connections have joined and not left."""
        return self._members

    def join(self) -> None:
        """A connection will send camera frames."""
        with self._lock:
            self._members += 1

    def leave(self) -> None:
        """A connection closed; the last one out frees the estimators and their memory."""
        with self._lock:
            self._members = max(0, self._members - 1)
            if self._members or self._generation is None:
                return
            spent, self._generation = self._generation, None
        spent.close()
        release_free_memory()

    def submit(self, data: bytes, t_ms: float) -> Future[PoseFrame]:
        """The pose in one JPEG (decoded in memory), on the next free estimator.

        The future fails with ImageError (a ValueError, in plain words) for a bad picture.
        """
        with self._lock:
            if self._generation is None:
                self._generation = _Generation(self.size)
            return self._generation.executor.submit(self._generation.estimate, data, t_ms)

    def estimate_jpeg(self, data: bytes, t_ms: float) -> PoseFrame:
        """:meth:`submit` and wait for the answer."""
        return self.submit(data, t_ms).result()

    def close(self) -> None:
        """Free everything now (the app is shutting down)."""
        with self._lock:
            self._members = 0
            spent, self._generation = self._generation, None
        if spent is not None:
            spent.close()
