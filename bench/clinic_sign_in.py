"""Clinic mode under load: 20 people signing in at once and then opening Today again and again, on
``backcoach serve --workers 2`` with PostgreSQL (a fresh database on the local server) and the
standard argon2id cost.

First all 20 sign in together (the argon2 check is the cost of a sign-in, on purpose); then each
asks for its Today page again and again for ten seconds. Printed: sign-ins per second and their
p95, Today pages per second and their p95, and errors (which must be 0).
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import REPO_DIR, heading, target_line

__all__ = ["run"]

CLIENTS = 20
WORKERS = 2
SECONDS = 10.0
PASSWORD = "a long enough passphrase"
BASE_DB = os.environ.get("BACKCOACH_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _admin_engine() -> Any:
    from sqlalchemy import create_engine

    return create_engine(BASE_DB, isolation_level="AUTOCOMMIT")


def _fresh_database() -> tuple[str, str]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"backcoach_bench_{uuid.uuid4().hex[:10]}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name, make_url(BASE_DB).set(database=name).render_as_string(hide_password=False)


def _drop_database(name: str) -> None:
    from sqlalchemy import text

    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


def _make_patients(url: str, data_dir: Path) -> list[str]:
    from backcoach.config import Settings
    from backcoach.services import accounts, safety
    from backcoach.services.context import open_app

    emails = []
    with open_app(Settings(mode="clinic", database_url=url, data_dir=data_dir)) as ctx:
        accounts.create_admin(ctx, "admin@bench.example", "Admin", PASSWORD)
        admin = ctx.acting(accounts.sign_in(ctx, "admin@bench.example", PASSWORD).actor)
        _physio, token = accounts.add_physio(admin, "physio@bench.example", "Physio")
        physio = ctx.acting(accounts.use_reset(ctx, token, PASSWORD).actor)
        no = {a: False for a in safety.screen_questions().answer_ids}
        for n in range(CLIENTS):
            invitation = accounts.add_patient(physio, f"Patient {n}")
            email = f"p{n}@bench.example"
            signed = accounts.join(
                ctx, token=invitation.token, email=email, password=PASSWORD, accept_privacy=True
            )
            safety.submit_screen(ctx.acting(signed.actor), no)
            emails.append(email)
    return emails


async def _sign_in(client: Any, email: str, times: list[float], errors: list[str]) -> None:
    started = time.perf_counter()
    done = await client.post("/login", data={"email": email, "password": PASSWORD})
    times.append(time.perf_counter() - started)
    if done.status_code != 303:
        errors.append(f"sign-in {done.status_code}")


async def _today(client: Any, stop_at: float, times: list[float], errors: list[str]) -> None:
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        page = await client.get("/")
        times.append(time.perf_counter() - started)
        if page.status_code != 200:
            errors.append(f"today {page.status_code}")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


def _wait_until_up(base: str) -> bool:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def _load(base: str, emails: list[str]) -> tuple[list[float], list[float], list[str], dict[str, float]]:
    import httpx

    sign_ins: list[float] = []
    pages: list[float] = []
    errors: list[str] = []
    took: dict[str, float] = {}

    async def everyone() -> None:
        clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in emails]
        try:
            started = time.perf_counter()
            await asyncio.gather(
                *(_sign_in(c, e, sign_ins, errors) for c, e in zip(clients, emails, strict=True))
            )
            took["sign_in"] = time.perf_counter() - started
            started = time.perf_counter()
            await asyncio.gather(*(_today(c, started + SECONDS, pages, errors) for c in clients))
            took["today"] = time.perf_counter() - started
        finally:
            for c in clients:
                await c.aclose()

    asyncio.run(everyone())
    return sign_ins, pages, errors, took


def run() -> None:
    heading(f"clinic: sign-in and Today, {CLIENTS} clients at once on {WORKERS} workers (PostgreSQL)")
    try:
        name, url = _fresh_database()
    except Exception as exc:  # no PostgreSQL server here: say so and go on with the other benchmarks
        print(f"  skipped: PostgreSQL is not reachable at {BASE_DB} ({type(exc).__name__})")
        return
    data_dir = Path(tempfile.mkdtemp(prefix="backcoach-bench-"))
    proc = None
    try:
        emails = _make_patients(url, data_dir)
        port = _port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
        env |= {
            "BACKCOACH_MODE": "clinic",
            "BACKCOACH_DATABASE_URL": url,
            "BACKCOACH_DATA_DIR": str(data_dir),
        }
        command = ["serve", "--no-open", "--port", str(port), "--workers", str(WORKERS)]
        with (data_dir / "server.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "backcoach", *command], env=env, cwd=REPO_DIR, stdout=log, stderr=log
            )
        base = f"http://127.0.0.1:{port}"
        if not _wait_until_up(base):
            print("  the server did not come up:", (data_dir / "server.log").read_text()[-2000:])
            return
        try:
            sign_ins, pages, errors, took = _load(base, emails)
        except Exception as exc:  # the server fell over: show why
            print(f"  failed: {exc!r}\n{(data_dir / 'server.log').read_text()[-3000:]}")
            return
        print(f"  {len(sign_ins)} sign-ins at once, then {len(pages)} Today pages in {SECONDS:g} s")
        target_line(
            "sign-ins per second (argon2id, standard)", len(sign_ins) / took["sign_in"], ">=", 5, "/s", 1
        )
        target_line("sign-in p95 (20 at once)", _p95(sign_ins) * 1000, "<=", 4000, " ms", 0)
        target_line("Today pages per second", len(pages) / took["today"], ">=", 200, "/s", 1)
        target_line("Today p95", _p95(pages) * 1000, "<=", 100, " ms", 1)
        target_line("errors", float(len(errors)), "<=", 0, "", 0)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        _drop_database(name)
