"""Two server processes on one PostgreSQL database, as a clinic runs them: both come up when started
together on a new database, concurrent workout starts across both leave exactly one in progress, a
session signed out on one is refused by the other, and the sign-in limit holds across both."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from clinic_accounts import FAST_HASH, PASSWORD, make_clinic

from backcoach.config import Settings
from backcoach.services.context import open_app

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share one server database: PostgreSQL")
    return database_url


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env |= {
        "BACKCOACH_MODE": "clinic",
        "BACKCOACH_DATABASE_URL": postgres_url,
        "BACKCOACH_DATA_DIR": str(tmp_path),
        "BACKCOACH_PASSWORD_HASH_TIME_COST": str(FAST_HASH["password_hash_time_cost"]),
        "BACKCOACH_PASSWORD_HASH_MEMORY_KIB": str(FAST_HASH["password_hash_memory_kib"]),
    }
    ports = [_port(), _port()]
    # Started at the same moment on a database with no tables yet: both must come up.
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "backcoach", "serve", "--no-open", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for url, proc in zip(urls, procs, strict=True):
            while True:
                if proc.poll() is not None:
                    output = proc.stdout.read().decode() if proc.stdout else ""
                    raise AssertionError(f"a server died at start: {output}")
                try:
                    if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "a server did not come up"
                time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def _signed_in(url: str, email: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=10)
    done = client.post("/login", data={"email": email, "password": PASSWORD})
    assert done.status_code == 303, done.text
    page = client.get("/")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    return client, token[1]


def _clinic(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(mode="clinic", database_url=postgres_url, data_dir=tmp_path, **FAST_HASH)
    with open_app(settings) as ctx:
        make_clinic(ctx)


def test_concurrent_workout_starts_across_both_leave_one_in_progress(
    two_servers: list[str], postgres_url: str, tmp_path: Path
) -> None:
    _clinic(postgres_url, tmp_path)
    clients = [_signed_in(url, "pat.a@home.example") for url in two_servers]
    answers: list[tuple[int, int]] = []
    barrier = threading.Barrier(8)

    def start(n: int) -> None:
        client, token = clients[n % 2]
        barrier.wait()
        done = client.post("/api/workouts", json={}, headers={"X-CSRF-Token": token})
        answers.append((done.status_code, done.json().get("id", -1)))

    threads = [threading.Thread(target=start, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {status for status, _ in answers} <= {200, 201}, answers
    assert len({workout_id for _, workout_id in answers}) == 1, answers
    for client, _ in clients:
        history = client.get("/api/history").json()["workouts"]
        assert [w["status"] for w in history].count("in_progress") == 1


def test_a_session_signed_out_on_one_is_refused_by_the_other(
    two_servers: list[str], postgres_url: str, tmp_path: Path
) -> None:
    _clinic(postgres_url, tmp_path)
    first, token = _signed_in(two_servers[0], "pat.a@home.example")
    second = httpx.Client(base_url=two_servers[1], cookies=first.cookies, timeout=10)
    assert second.get("/api/workouts/current").status_code == 200
    assert first.post("/logout", headers={"X-CSRF-Token": token}).status_code == 303
    assert second.get("/api/workouts/current").status_code == 401


def test_the_sign_in_limit_holds_across_both(
    two_servers: list[str], postgres_url: str, tmp_path: Path
) -> None:
    _clinic(postgres_url, tmp_path)
    for n in range(5):
        wrong = httpx.post(
            two_servers[n % 2] + "/login", data={"email": "pat.b@home.example", "password": "not it, no"}
        )
        assert wrong.status_code == 422
    for url in two_servers:
        limited = httpx.post(url + "/login", data={"email": "pat.b@home.example", "password": PASSWORD})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
