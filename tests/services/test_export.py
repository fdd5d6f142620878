"""The export is complete: every stored table is exported (or named as not a person's record, with
why), and a person with one of everything finds it all in the JSON and in the zip of CSV files.
Real databases (SQLite, PostgreSQL when configured)."""

from __future__ import annotations

import csv
import importlib
import io
import json
import pkgutil
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import backcoach.store
from backcoach.config import Settings
from backcoach.services import export, jobs, outcomes, programs, progression, safety, workouts
from backcoach.services.context import AppContext, open_app
from backcoach.store.base import Base


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[AppContext]:
    with open_app(Settings(data_dir=tmp_path, database_url=database_url)) as app:
        yield app


def _every_stored_table() -> set[str]:
    for module in pkgutil.iter_modules(backcoach.store.__path__):
        if module.name.startswith("rows"):
            importlib.import_module(f"backcoach.store.{module.name}")
    return set(Base.metadata.tables)


def test_every_stored_table_is_exported_or_said_why_not() -> None:
    exported = set(export.SECTIONS.values())
    left_out = set(export.NOT_EXPORTED)
    missing = _every_stored_table() - exported - left_out
    assert not missing, f"tables neither exported nor listed in NOT_EXPORTED: {sorted(missing)}"
    assert not exported & left_out
    assert all(reason.strip() for reason in export.NOT_EXPORTED.values())


# What only a physiotherapist makes (a prescription's versions, messages, scheduled questionnaires).
CLINIC_ONLY = {"program_versions", "messages", "questionnaire_schedules"}


def _one_of_everything(ctx: AppContext) -> None:
    safety.submit_screen(ctx, {**{a: False for a in safety.screen_questions().answer_ids}, "fever": True})
    safety.confirm_cleared(ctx, "Dr Ada Lee", date.today(), "Fine to exercise")
    workout = workouts.start_workout(ctx, "daily-short")
    safety.check_in(ctx, 5, "before", workout_id=workout.id)
    workouts.record_set(
        ctx,
        workout.id,
        exercise_id="bridge",
        set_number=1,
        side=None,
        reps=8,
        source="camera",
        camera_reps=8,
        findings={"hips_low": 3},
    )
    safety.check_in(ctx, 8, "during", workout_id=workout.id, exercise_id="bridge")
    workouts.add_note(ctx, "Stiff after gardening, ça va", workout.id)
    workouts.finish_workout(ctx, workout.id)  # pain above 5: an easier dose is suggested at once
    outcomes.submit_startback(ctx, [0, 1, 0, 0, 1, 0, 0, 0, 2])
    outcomes.submit_psfs(ctx, {"Putting on socks": 4})
    bridge = programs.get_program(ctx, "daily-short").dosage_for("bridge")
    assert bridge is not None
    programs.set_dosage(ctx, "daily-short", "bridge", bridge, "Changed by hand")
    assert progression.pending_proposals(ctx)
    upload = jobs.new_upload_path(ctx, "bridge.mp4")
    upload.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    jobs.submit_video(
        ctx,
        [].append,
        upload_path=upload,
        original_name="bridge.mp4",
        size_bytes=12,
        exercise_id="bridge",
        keep_upload=True,
    )


def test_a_person_with_one_of_everything_finds_it_all_in_the_json(ctx: AppContext) -> None:
    _one_of_everything(ctx)
    data = json.loads(json.dumps(export.export_json(ctx)))
    assert data["format"] == "backcoach-export" and data["version"] == export.EXPORT_VERSION
    for section in export.SECTIONS:
        if section not in CLINIC_ONLY:
            assert data[section], f"section {section} is empty"
    (screen,) = [s for s in data["safety_screens"] if s["tier"] == "stop"]
    assert screen["answers"]["fever"] is True and screen["cleared_by"] == "Dr Ada Lee"
    assert {q["instrument"] for q in data["questionnaires"]} == {"startback", "psfs"}
    psfs = next(q for q in data["questionnaires"] if q["instrument"] == "psfs")
    assert psfs["answers"]["ratings"] == {"Putting on socks": 4}
    assert [s["action"] for s in data["dose_suggestions"]] == ["regress"]
    assert data["dose_changes"][0]["reason"] == "Changed by hand"
    assert [n["text"] for n in data["notes"]] == ["Stiff after gardening, ça va"]
    assert [(p["moment"], p["score"]) for p in data["pain"]] == [("before", 5), ("during", 8)]
    assert data["safety_rescreens"][0]["pain_score"] == 8
    assert [(v["original_name"], v["status"]) for v in data["video_analyses"]] == [("bridge.mp4", "queued")]
    assert all("user_id" not in row for rows in (data[s] for s in export.SECTIONS) for row in rows)
    assert [e["action"] for e in data["access_log"]] == ["clearance", "export"]
    assert "password_hash" not in data["person"]


def test_the_zip_holds_one_csv_per_section_with_the_same_rows(ctx: AppContext) -> None:
    _one_of_everything(ctx)
    data = export.export_json(ctx)
    archive = zipfile.ZipFile(io.BytesIO(export.export_zip(ctx)))
    names = set(archive.namelist())
    assert names == {"README.txt"} | {f"{s}.csv" for s in export.SECTIONS}
    for section in export.SECTIONS:
        rows = list(csv.DictReader(io.StringIO(archive.read(f"{section}.csv").decode())))
        if section == "access_log":  # the zip notes its own making: one entry more than the JSON saw
            assert [r["action"] for r in rows] == [r["action"] for r in data[section]] + ["export"]
            continue
        assert len(rows) == len(data[section]), section
        assert [int(r["id"]) for r in rows] == [r["id"] for r in data[section]]
    sets = list(csv.DictReader(io.StringIO(archive.read("sets.csv").decode())))
    assert (sets[0]["exercise_id"], sets[0]["reps"], sets[0]["source"]) == ("bridge", "8", "camera")
    assert "Everything backcoach recorded" in archive.read("README.txt").decode()


def test_a_clinic_patients_export_has_their_prescription_messages_and_schedules(
    database_url: str, tmp_path: Path
) -> None:
    from backcoach.domain.programs import ProgramItem
    from backcoach.services import accounts, prescriptions, workspace

    password = "a long enough passphrase"
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, mode="clinic", password_hash_time_cost=1,
        password_hash_memory_kib=8192,
    )  # fmt: skip
    with open_app(settings) as base:
        accounts.create_admin(base, "a@c.example", "Ada", password)
        admin = base.acting(accounts.sign_in(base, "a@c.example", password).actor)
        _physio, token = accounts.add_physio(admin, "s@c.example", "Sam")
        physio = base.acting(accounts.use_reset(base, token, password).actor)
        invitation = accounts.add_patient(physio, "Pat")
        pat = base.acting(
            accounts.join(
                base, token=invitation.token, email="p@x.example", password=password, accept_privacy=True
            ).actor
        )
        mine = physio.acting(physio.actor, subject_id=pat.user_id)
        bridge = base.catalogue.get("bridge").dosage
        prescriptions.prescribe(
            mine, name="Plan", items=[ProgramItem("bridge", bridge)], times_per_day=1, days_per_week=5
        )
        workspace.send_message(pat, "Hello")
        workspace.set_schedule(mine, "odi", 14)
        data = export.export_json(pat)
    for section in CLINIC_ONLY:
        assert data[section], section
    assert data["program_versions"][0]["changed_by_name"] == "Sam"
    assert data["person"]["email"] == "p@x.example" and data["person"]["physio_id"] == physio.actor.user_id  # type: ignore[union-attr]
