"""Queue workers as real processes: ``backcoach worker`` on Redis, and the worker ``backcoach serve``
starts on the SQLite queue. A worker killed with kill -9 in the middle of a video: the job runs
again on another worker (or the restarted one) and completes, with the right count."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.domain.video_jobs import VideoJob
from backcoach.queue import make_queue
from backcoach.services import jobs
from backcoach.services.context import AppContext, open_app
from backcoach.worker.tasks import declare_tasks

pytestmark = pytest.mark.slow

BRIDGE_CLIP = "dawi_bridge1_side.mp4"  # 20 s, 600 frames: one rep
LEASE_S = "3"
REDIS_URL = os.environ.get("BACKCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(settings.data_dir), BACKCOACH_JOB_LEASE_S=LEASE_S)
    if settings.database_url:
        env["BACKCOACH_DATABASE_URL"] = settings.database_url
    if settings.redis_url:
        env["BACKCOACH_REDIS_URL"] = settings.redis_url
    return env


def _wait_for(
    ctx: AppContext, job_id: int, done: Callable[[VideoJob], bool], timeout_s: float = 180
) -> VideoJob:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = jobs.get_job(ctx, job_id)
        if done(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never got there: {jobs.get_job(ctx, job_id)}")


def _mid_video(job: VideoJob) -> bool:
    return job.status == "running" and job.frames_done >= 60


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_worker_killed_mid_job_on_redis_is_replaced_by_another_that_completes_it(
    tmp_path: Path, database_url: str, clips_dir: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    _redis_or_skip()
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, redis_url=REDIS_URL)
    ctx = open_app(settings)
    try:
        upload = jobs.new_upload_path(ctx, BRIDGE_CLIP)
        upload.write_bytes((clips_dir / BRIDGE_CLIP).read_bytes())
        tasks = declare_tasks(make_queue(settings))
        job = jobs.submit_video(
            ctx,
            tasks.enqueue_video,
            upload_path=upload,
            original_name=BRIDGE_CLIP,
            size_bytes=upload.stat().st_size,
            exercise_id="bridge",
            keep_upload=False,
        )
        command = [sys.executable, "-m", "backcoach", "worker"]
        first = subprocess.Popen(command, env=_environment(settings), stdout=subprocess.DEVNULL)
        processes.append(first)
        _wait_for(ctx, job.id, _mid_video)
        second = subprocess.Popen(command, env=_environment(settings), stdout=subprocess.DEVNULL)
        processes.append(second)
        first.send_signal(signal.SIGKILL)  # mid-video: no clean-up of any kind
        first.wait(timeout=10)
        done = _wait_for(ctx, job.id, lambda j: j.finished)
        assert second.poll() is None  # the second worker finished it
    finally:
        ctx.close()
    assert done.status == "done", done.error
    assert done.attempts == 2
    assert done.report is not None and done.report["reps"] == {"both": 1}
    assert done.frames_done == done.report["frames"] == 600
    assert not upload.exists()


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (started by any of its threads)."""
    return [
        int(c)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for c in (task / "children").read_text().split()
    ]


def test_the_worker_serve_starts_comes_back_after_kill_9_and_completes_the_job(
    tmp_path: Path, clips_dir: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    import socket

    settings = Settings(data_dir=tmp_path / "data")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    serve = subprocess.Popen(
        [sys.executable, "-m", "backcoach", "serve", "--port", str(port), "--no-open"],
        env=_environment(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes.append(serve)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/api/health", timeout=2)
            break
        except OSError:
            assert time.monotonic() < deadline and serve.poll() is None, "serve did not start"
            time.sleep(0.2)
    boundary = "----backcoach-test"
    video = (clips_dir / BRIDGE_CLIP).read_bytes()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="exercise_id"\r\n\r\nbridge\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="{BRIDGE_CLIP}"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + video
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base + "/videos",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        location = response.headers["Location"]
    job_id = int(location.rsplit("/", 1)[1])
    ctx = open_app(settings)
    try:
        _wait_for(ctx, job_id, _mid_video)
        [worker] = _children(serve.pid)
        os.kill(worker, signal.SIGKILL)
        done = _wait_for(ctx, job_id, lambda j: j.finished)
        [again] = _children(serve.pid)
    finally:
        ctx.close()
    assert again != worker
    assert done.status == "done", done.error
    assert done.attempts == 2 and done.report is not None and done.report["reps"] == {"both": 1}
