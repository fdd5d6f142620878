"""A queue worker process: the Huey consumer for the tasks, and the watch for jobs whose worker died.

Huey takes a task off the queue when a worker starts it, so a worker killed mid-job (kill -9, a
machine gone) would lose it. Every job therefore says it is alive while it runs (see
``services.jobs``), and each worker looks a few times per lease for running jobs that went
silent, and queues them again: another worker finishes them. The conditional updates in
``store.rows_jobs`` make sure only one worker gets each.
"""

from __future__ import annotations

import logging
import threading

from backcoach.config import Settings
from backcoach.queue import make_queue
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import BackcoachError
from backcoach.services.jobs import Enqueue, requeue_stale_jobs
from backcoach.worker.tasks import declare_tasks

__all__ = ["run_worker"]

log = logging.getLogger(__name__)


def _watch_for_stale_jobs(ctx: AppContext, enqueue: Enqueue, stop: threading.Event) -> None:
    while not stop.wait(ctx.settings.job_lease_s / 3):
        try:
            requeue_stale_jobs(ctx, enqueue)
        except BackcoachError as exc:
            log.warning("could not look for stale video jobs: %s", exc)


def run_worker(settings: Settings, threads: int = 1) -> None:
    """Consume the queue until SIGTERM or Ctrl-C (``threads`` jobs at once; each uses every core)."""
    ctx = open_app(settings)
    queue = make_queue(settings)
    tasks = declare_tasks(queue, lambda: ctx)
    stop = threading.Event()
    watch = threading.Thread(
        target=_watch_for_stale_jobs,
        args=(ctx, tasks.enqueue_video, stop),
        name="backcoach-stale-jobs",
        daemon=True,
    )
    watch.start()
    try:
        requeue_stale_jobs(ctx, tasks.enqueue_video)  # jobs left running by a worker that died
        consumer = queue.create_consumer(workers=threads, worker_type="thread", periodic=False)
        consumer.run()
    finally:
        stop.set()
        ctx.close()
