"""The task queue for heavy work (a recorded video), built from Settings: Huey on SQLite or Redis.

One person: a SQLite queue file in the data directory, consumed by the worker ``backcoach serve``
starts. A clinic sets ``BACKCOACH_REDIS_URL``: the queue lives in Redis and ``backcoach worker``
processes on any number of machines consume it. The tasks themselves (``backcoach.worker``) are
the same either way.
"""

from __future__ import annotations

import hashlib

from huey import Huey, RedisHuey, SqliteHuey

from backcoach.config import Settings

__all__ = ["QUEUE_FILE", "make_queue", "queue_name"]

QUEUE_FILE = "queue.sqlite3"


def queue_name(settings: Settings) -> str:
    """The queue's name: one per database, so two installations sharing a Redis never mix jobs."""
    digest = hashlib.sha256(settings.resolved_database_url.encode()).hexdigest()[:12]
    return f"backcoach-{digest}"


def make_queue(settings: Settings) -> Huey:
    """The queue these settings name (nothing is connected until it is used)."""
    if settings.redis_url:
        return RedisHuey(queue_name(settings), url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(queue_name(settings), filename=str(settings.data_dir / QUEUE_FILE), results=False)
