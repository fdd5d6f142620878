"""A physiotherapist's caseload: 500 patients with 90 days of workouts, sets and pain each, on
PostgreSQL (a fresh database on the local server) behind ``backcoach serve --workers 2``.

The patients are made through the services (accounts, red-flag screen, a prescribed program); their
90 days of history are written straight into the tables, as a clinic's database would hold them
after three months: about five workouts a week, every exercise's sets, pain before and after, now
and then a pain flare, an unread message or a missed week. Then the physiotherapist opens the
patient list (who needs attention first, adherence, pain sparkline) again and again, and one
patient's page. Printed: the p50 and p95 of each beside its target.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import REPO_DIR, heading, target_line
from bench.clinic_sign_in import _drop_database, _fresh_database, _port, _wait_until_up

__all__ = ["run"]

PATIENTS = 500
DAYS = 90
REQUESTS = 60
WORKERS = 2
PASSWORD = "a long enough passphrase"
PHYSIO = "physio@bench.example"


def _make_caseload(url: str, data_dir: Path) -> int:
    """The clinic's accounts and programs through the services; returns one patient's id."""
    from backcoach.config import Settings
    from backcoach.domain.programs import ProgramItem
    from backcoach.services import accounts, prescriptions, safety
    from backcoach.services.context import open_app

    quick = {"password_hash_time_cost": 1, "password_hash_memory_kib": 8192}
    settings = Settings(mode="clinic", database_url=url, data_dir=data_dir, **quick)
    with open_app(settings) as ctx:
        accounts.create_admin(ctx, "admin@bench.example", "Admin", PASSWORD)
        admin = ctx.acting(accounts.sign_in(ctx, "admin@bench.example", PASSWORD).actor)
        _physio, token = accounts.add_physio(admin, PHYSIO, "Physio")
        physio = ctx.acting(accounts.use_reset(ctx, token, PASSWORD).actor)
        no = {a: False for a in safety.screen_questions().answer_ids}
        items = [ProgramItem(e.id, e.dosage) for e in ctx.catalogue.exercises]
        first = 0
        for n in range(PATIENTS):
            invitation = accounts.add_patient(physio, f"Patient {n:03d}")
            signed = accounts.join(
                ctx,
                token=invitation.token,
                email=f"p{n}@bench.example",
                password=PASSWORD,
                accept_privacy=True,
            )
            patient = ctx.acting(signed.actor)
            safety.submit_screen(patient, no)
            prescriptions.prescribe(
                physio.acting(physio.actor, subject_id=patient.user_id),
                name="Core",
                items=items,
                times_per_day=1,
                days_per_week=5,
                start_date=date.today() - timedelta(days=DAYS),
            )
            first = first or patient.person_id
    return first


def _history(url: str, exercise_ids: list[str]) -> int:
    """90 days of workouts, sets and pain for every patient, written in bulk; returns the row count."""
    from sqlalchemy import create_engine, insert, select

    from backcoach.store.rows import PainRatingRow, ProgramRow, SetRow, UserRow, WorkoutRow
    from backcoach.store.rows_workspace import MessageRow

    rng = random.Random(7)
    engine = create_engine(url)
    now = datetime.now(UTC).replace(microsecond=0)
    rows = 0
    with engine.begin() as conn:
        patients = conn.scalars(select(UserRow.id).where(UserRow.role == "patient")).all()
        program_of = dict(conn.execute(select(ProgramRow.user_id, ProgramRow.id)).all())
        workout_id = 1_000_000
        for user_id in patients:
            workouts: list[dict[str, Any]] = []
            sets: list[dict[str, Any]] = []
            pain: list[dict[str, Any]] = []
            regular = rng.random() > 0.15
            for day in range(DAYS, 0, -1):
                if rng.random() > (0.72 if regular else 0.3):
                    continue
                workout_id += 1
                started = now - timedelta(days=day, hours=rng.randint(0, 10))
                workouts.append(
                    {
                        "id": workout_id,
                        "user_id": user_id,
                        "program_id": program_of.get(user_id),
                        "program_slug": "core",
                        "program_name": "Core",
                        "status": "finished",
                        "easier": False,
                        "started_at": started,
                        "finished_at": started + timedelta(minutes=22),
                    }
                )
                for k, exercise_id in enumerate(exercise_ids):
                    for set_number in (1, 2):
                        sets.append(
                            {
                                "user_id": user_id,
                                "workout_id": workout_id,
                                "exercise_id": exercise_id,
                                "set_number": set_number,
                                "reps": rng.randint(6, 10),
                                "hold_s": 0.0,
                                "source": "camera",
                                "camera_reps": rng.randint(6, 10),
                                "recorded_at": started + timedelta(minutes=2 * k + set_number),
                            }
                        )
                flare = rng.random() < 0.02
                moments = (("before", 0), ("during", 8), ("after", 23), ("next_morning", 60 * 14))
                for moment, minutes in moments:
                    pain.append(
                        {
                            "user_id": user_id,
                            "workout_id": None if moment == "next_morning" else workout_id,
                            "score": 7 if flare and moment == "during" else rng.randint(1, 4),
                            "moment": moment,
                            "taken_at": started + timedelta(minutes=minutes),
                        }
                    )
            conn.execute(insert(WorkoutRow), workouts)
            conn.execute(insert(SetRow), sets)
            conn.execute(insert(PainRatingRow), pain)
            rows += len(workouts) + len(sets) + len(pain)
            if rng.random() < 0.1:
                conn.execute(
                    insert(MessageRow),
                    [
                        {
                            "user_id": user_id,
                            "author_id": user_id,
                            "author_name": "Patient",
                            "from_patient": True,
                            "body": "The bridge hurts my knee a little.",
                            "created_at": now - timedelta(days=1),
                        }
                    ],
                )
                rows += 1
    engine.dispose()
    return rows


def _timed_pages(base: str, path: str, count: int) -> tuple[list[float], list[str]]:
    import httpx

    times: list[float] = []
    errors: list[str] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        signed = client.post("/login", data={"email": PHYSIO, "password": PASSWORD})
        if signed.status_code not in (200, 303):
            return [], [f"sign-in {signed.status_code}"]
        client.get(path)  # the first request of a worker warms its templates
        for _ in range(count):
            started = time.perf_counter()
            page = client.get(path)
            times.append(time.perf_counter() - started)
            if page.status_code != 200:
                errors.append(f"{path} {page.status_code}")
    return times, errors


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run() -> None:
    heading(f"clinic: the patient list, {PATIENTS} patients × {DAYS} days (PostgreSQL, {WORKERS} workers)")
    try:
        name, url = _fresh_database()
    except Exception as exc:  # no PostgreSQL server here: say so and go on with the other benchmarks
        print(f"  skipped: PostgreSQL is not reachable ({type(exc).__name__})")
        return
    data_dir = Path(tempfile.mkdtemp(prefix="backcoach-bench-"))
    proc = None
    try:
        started = time.perf_counter()
        patient_id = _make_caseload(url, data_dir)
        from backcoach.domain.catalogue_loader import load_catalogue

        exercise_ids = list(load_catalogue().ids)
        rows = _history(url, exercise_ids)
        print(f"  made {PATIENTS} patients and {rows:,} rows in {time.perf_counter() - started:.0f} s")
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
        listing, errors = _timed_pages(base, "/clinic", REQUESTS)
        page, more = _timed_pages(base, f"/clinic/patients/{patient_id}", REQUESTS)
        errors += more
        target_line("patient list p50", _quantile(listing, 0.5) * 1000, "<=", 100, " ms", 0)
        target_line("patient list p95", _quantile(listing, 0.95) * 1000, "<=", 200, " ms", 0)
        target_line("one patient's page p95", _quantile(page, 0.95) * 1000, "<=", 300, " ms", 0)
        target_line("errors", float(len(errors)), "<=", 0, "", 0)
        if errors:
            print("  first errors:", errors[:3])
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        _drop_database(name)
