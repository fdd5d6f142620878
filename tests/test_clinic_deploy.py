"""A clinic started with the commands of docs/deploy.md on this machine: PostgreSQL, Redis, two web
processes and two queue workers, under a bounded mixed load of pages, live cameras and recorded
videos at once. Nothing fails and nothing is lost: every page answers, every camera frame gets its
feedback and every rep counted is in the database, every video ends analysed with its count.

Runs in the default (personal) mode: the web side of clinic accounts (sign-in) is not there yet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.clinic import REDIS_URL, ClinicLoad, run_clinic

pytestmark = pytest.mark.slow


def test_two_web_processes_and_two_workers_on_postgresql_and_redis_lose_nothing(
    tmp_path: Path, database_url: str, clips_dir: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a clinic runs on PostgreSQL")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    load = ClinicLoad(page_clients=6, seconds=25.0, cameras=8, videos=3)
    result = run_clinic(database_url, REDIS_URL, tmp_path / "shared-data", load)
    assert result.errors == []
    assert result.lost == []
    assert result.pages > 0 and result.frames_sent == 8 * 300
    # Each camera played the bridge trace: one rep, counted and stored.
    assert sorted(result.reps_counted.values()) == [1] * 8
    # Each video (the superman clip: one rep) ended analysed, its count right.
    assert [job["report"]["reps"] for job in result.videos_done] == [{"both": 1}] * 3  # type: ignore[index]
