"""The queue's tasks, declared on a Huey queue: ``declare_tasks(queue, context)``.

The web app declares them to put jobs on the queue; a worker declares them with an open
``AppContext`` to run them. Each task is one call into ``backcoach.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huey import Huey

from backcoach.services.context import AppContext
from backcoach.services.jobs import run_video_job

__all__ = ["ANALYSE_VIDEO", "Tasks", "declare_tasks"]

ANALYSE_VIDEO = "analyse_video"


@dataclass(frozen=True)
class Tasks:
    """The tasks of one queue. ``enqueue_video(job_id)`` puts a video job on it."""

    queue: Huey
    analyse_video: Any

    def enqueue_video(self, job_id: int) -> None:
        self.analyse_video(job_id)


def _no_context() -> AppContext:
    raise RuntimeError("this process only puts tasks on the queue; run them with `backcoach worker`")


def declare_tasks(queue: Huey, context: Callable[[], AppContext] = _no_context) -> Tasks:
    """The tasks on ``queue``; ``context`` gives the worker's application context when a task runs."""

    @queue.task(name=ANALYSE_VIDEO)
    def analyse_video(job_id: int) -> None:
        run_video_job(context(), job_id)

    return Tasks(queue=queue, analyse_video=analyse_video)
