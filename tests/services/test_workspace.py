"""The physiotherapist's workspace through the services on real databases (SQLite, PostgreSQL when
configured): prescribing and editing a program (versions, what changed, who), dose suggestions that
wait for the physiotherapist, easier doses applied at once after pain, who needs attention first,
messages, what the camera saw, scheduled questionnaires, clearance by the physiotherapist."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from step_clock import StepClock

from backcoach.config import Settings
from backcoach.domain.programs import DoseLimit, ProgramItem
from backcoach.services import (
    accounts,
    audit,
    outcomes,
    prescriptions,
    programs,
    progression,
    safety,
    workouts,
    workspace,
)
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, NotAllowed

PASSWORD = "a long enough passphrase"
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
def clinic(database_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, StepClock]]:
    clock = StepClock(NOW)
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        mode="clinic",
        password_hash_time_cost=1,
        password_hash_memory_kib=8192,
    )
    with open_app(settings, clock=clock) as ctx:
        yield ctx, clock


def _people(ctx: AppContext, names: tuple[str, ...] = ("Pat Able",)) -> tuple[AppContext, list[AppContext]]:
    accounts.create_admin(ctx, "admin@c.example", "Ada", PASSWORD)
    admin = ctx.acting(accounts.sign_in(ctx, "admin@c.example", PASSWORD).actor)
    _physio, token = accounts.add_physio(admin, "sam@c.example", "Sam Physio")
    physio = ctx.acting(accounts.use_reset(ctx, token, PASSWORD).actor)
    patients = []
    for n, name in enumerate(names):
        invitation = accounts.add_patient(physio, name)
        signed = accounts.join(
            ctx, token=invitation.token, email=f"p{n}@x.example", password=PASSWORD, accept_privacy=True
        )
        patient = ctx.acting(signed.actor)
        safety.submit_screen(patient, {a: False for a in safety.screen_questions().answer_ids})
        patients.append(patient)
    return physio, patients


def _as_physio(physio: AppContext, patient: AppContext) -> AppContext:
    return physio.acting(physio.actor, subject_id=patient.user_id)


def _items(ctx: AppContext, **reps: int) -> list[ProgramItem]:
    chosen = []
    for exercise_id, count in reps.items():
        base = ctx.catalogue.get(exercise_id).dosage
        chosen.append(ProgramItem(exercise_id, dataclasses.replace(base, reps=count)))
    return chosen


def test_a_prescription_becomes_the_patients_program_and_an_edit_is_a_new_version(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, clock = clinic
    physio, (pat,) = _people(ctx)
    mine = _as_physio(physio, pat)
    first = prescriptions.prescribe(
        mine,
        name="Back basics",
        items=_items(ctx, bridge=8, pelvic_tilt=10),
        times_per_day=1,
        days_per_week=5,
    )
    assert first.prescription is not None and first.prescription.version == 1
    assert first.prescription.prescribed_by_name == "Sam Physio"
    assert programs.active_program(pat).slug == first.slug
    clock.current += timedelta(days=3)
    bridge = dataclasses.replace(ctx.catalogue.get("bridge").dosage, reps=10, sets=2)
    edited = prescriptions.prescribe(
        mine,
        name="Back basics",
        items=[
            ProgramItem("pelvic_tilt", ctx.catalogue.get("pelvic_tilt").dosage),
            ProgramItem("bridge", bridge, "easier", "Keep your knees hip-width apart."),
            ProgramItem("dead_bug", ctx.catalogue.get("dead_bug").dosage),
        ],
        times_per_day=1,
        days_per_week=5,
        start_date=date(2026, 12, 7),
    )
    assert edited.slug == first.slug and edited.prescription is not None and edited.prescription.version == 2
    update = prescriptions.latest_update(pat)
    assert (
        update is not None and update.changed_by_name == "Sam Physio" and update.changed_at == clock.current
    )
    assert "Added Dead bug: 5 reps on each side" in update.changes[0]
    assert any(
        line.startswith("Bridge: 10 reps, 2 sets") and "(was 8 reps)" in line for line in update.changes
    )
    assert "Bridge: Half bridge" in update.changes or any(
        "Bridge: " in c and "bridge" in c.lower() for c in update.changes
    )
    assert "Bridge: new instruction" in update.changes
    assert any(line.startswith("New order") for line in update.changes)
    history = programs.dose_history(pat, edited.slug, "bridge")
    assert [(h.reps, h.changed_by_name) for h in history] == [(10, "Sam Physio")]
    assert [v.version for v in prescriptions.program_versions(pat)] == [1, 2]


def test_a_prescribed_dose_must_lie_within_the_catalogues_ranges(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, _ = clinic
    physio, (pat,) = _people(ctx)
    with pytest.raises(InvalidInput, match="Bridge: reps"):
        prescriptions.prescribe(_as_physio(physio, pat), name="Too much", items=_items(ctx, bridge=40),
                                times_per_day=1, days_per_week=7)  # fmt: skip
    with pytest.raises(NotAllowed):
        prescriptions.prescribe(
            pat, name="Mine", items=_items(ctx, bridge=8), times_per_day=1, days_per_week=7
        )


def _good_day(patient: AppContext, clock: StepClock, slug: str, *, during: int | None = None) -> int:
    program = programs.get_program(patient, slug)
    workout = workouts.start_workout(patient, slug)
    safety.check_in(patient, 2, "before", workout_id=workout.id)
    for item in program.items:
        d = item.dosage
        sides = ["left", "right"] if d.per_side and not d.alternating else [None]
        for n in range(1, d.sets + 1):
            for side in sides:
                workouts.record_set(
                    patient,
                    workout.id,
                    exercise_id=item.exercise_id,
                    set_number=n,
                    side=side,
                    reps=d.reps,
                    hold_s=d.hold_s,
                    source="timer",
                )
    if during is not None:
        safety.check_in(
            patient, during, "during", workout_id=workout.id, exercise_id=program.items[0].exercise_id
        )
    workouts.finish_workout(patient, workout.id)
    clock.current += timedelta(hours=14)
    safety.check_in(patient, 2, "next_morning")
    clock.current += timedelta(hours=10)
    return workout.id


def test_suggestions_wait_for_the_physio_unless_a_step_up_is_within_their_limit(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, clock = clinic
    physio, (pat,) = _people(ctx)
    mine = _as_physio(physio, pat)
    program = prescriptions.prescribe(
        mine, name="Plan", items=_items(ctx, bridge=8), times_per_day=1, days_per_week=7
    )
    _good_day(pat, clock, program.slug)
    _good_day(pat, clock, program.slug)
    (waiting,) = progression.pending_proposals(pat)
    assert waiting.action == "progress"
    assert not progression.may_answer(pat, waiting)
    with pytest.raises(NotAllowed, match="physiotherapist decides"):
        progression.accept_proposal(pat, waiting.id)
    changed = progression.change_proposal(
        mine, waiting.id, sets=1, reps=9, hold_s=0.0, reason="one more rep only"
    )
    assert changed.status == "changed" and changed.decision_reason == "one more rep only"
    assert programs.get_program(pat, program.slug).dosage_for("bridge").reps == 9  # type: ignore[union-attr]
    (change,) = programs.dose_history(pat, program.slug, "bridge")
    assert change.changed_by_name == "Sam Physio" and "one more rep only" in change.reason
    # now the physiotherapist lets the patient step up on their own, up to 12 reps
    item = dataclasses.replace(
        programs.get_program(pat, program.slug).items[0], self_progress_limit=DoseLimit(1, 12, 0.0)
    )
    prescriptions.prescribe(mine, name="Plan", items=[item], times_per_day=1, days_per_week=7)
    _good_day(pat, clock, program.slug)
    _good_day(pat, clock, program.slug)
    (own,) = progression.pending_proposals(pat)
    assert progression.may_answer(pat, own)
    assert progression.accept_proposal(pat, own.id).status == "accepted"
    assert programs.get_program(pat, program.slug).dosage_for("bridge").reps == 11  # type: ignore[union-attr]


def test_pain_above_five_eases_the_dose_at_once_and_flags_it(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    physio, (pat,) = _people(ctx)
    program = prescriptions.prescribe(
        _as_physio(physio, pat), name="Plan", items=_items(ctx, bridge=10), times_per_day=1, days_per_week=7
    )
    _good_day(pat, clock, program.slug, during=7)
    assert programs.get_program(pat, program.slug).dosage_for("bridge").reps == 8  # type: ignore[union-attr]
    applied = [p for p in progression.list_proposals(pat) if p.status == "applied"]
    assert len(applied) == 1 and applied[0].action == "regress"
    (row,) = workspace.patient_summaries(physio)
    codes = [f.code for f in row.flags]
    assert "pain_flare" in codes and "dose_eased" in codes
    # the patient may not answer it; the physiotherapist agrees, and it no longer flags the patient
    with pytest.raises(NotAllowed):
        progression.keep_applied(pat, applied[0].id)
    kept = progression.keep_applied(_as_physio(physio, pat), applied[0].id, "ease off for a week")
    assert kept.status == "applied" and kept.decided_by_name == "Sam Physio"
    assert kept.decision_reason == "ease off for a week"
    (row,) = workspace.patient_summaries(physio)
    assert "dose_eased" not in [f.code for f in row.flags]
    # the patient's Today says so: a new version of the prescription, by the physiotherapist
    update = prescriptions.latest_update(pat)
    assert update is not None and update.changed_by_name == "Sam Physio" and update.version == 2
    assert list(update.changes) == ["Bridge: kept at 8 reps after pain (ease off for a week)"]
    # and it is answered once
    with pytest.raises(InvalidInput):
        progression.keep_applied(_as_physio(physio, pat), applied[0].id)


def test_the_physio_can_choose_another_dose_than_the_one_eased_after_pain(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, clock = clinic
    physio, (pat,) = _people(ctx)
    mine = _as_physio(physio, pat)
    program = prescriptions.prescribe(
        mine, name="Plan", items=_items(ctx, bridge=10), times_per_day=1, days_per_week=7
    )
    _good_day(pat, clock, program.slug, during=7)
    (eased,) = [p for p in progression.list_proposals(pat) if p.status == "applied"]
    changed = progression.change_proposal(mine, eased.id, sets=1, reps=5, hold_s=0.0, reason="knee sore too")
    assert changed.status == "changed"
    assert programs.get_program(pat, program.slug).dosage_for("bridge").reps == 5  # type: ignore[union-attr]
    update = prescriptions.latest_update(pat)
    assert update is not None
    assert list(update.changes) == ["Bridge: 8 reps → 5 reps (knee sore too)"]


def test_the_patient_list_puts_who_needs_attention_first(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    names = ("Quiet Quinn", "Urgent Una", "Idle Ida", "Flare Flo", "Chatty Cal")
    physio, patients = _people(ctx, names)
    quinn, una, _ida, flo, cal = patients
    for patient in patients:
        prescriptions.prescribe(
            _as_physio(physio, patient),
            name="Plan",
            items=_items(ctx, bridge=8),
            times_per_day=1,
            days_per_week=7,
        )
    start = clock.current
    for day in range(10):
        clock.current = start + timedelta(days=day)
        for patient in (quinn, flo, cal):
            _good_day(patient, clock, "plan")
    clock.current = start + timedelta(days=10)
    _good_day(flo, clock, "plan", during=8)
    safety.submit_screen(una, {**{a: False for a in safety.screen_questions().answer_ids}, "bladder": True})
    workspace.send_message(cal, "Is it fine to do it in the evening?")
    rows = workspace.patient_summaries(physio)
    order = [r.patient.name for r in rows]
    assert order[0] == "Urgent Una"
    assert order.index("Flare Flo") < order.index("Quiet Quinn")
    assert order.index("Idle Ida") < order.index("Quiet Quinn")
    assert order.index("Chatty Cal") < order.index("Quiet Quinn")
    ida_row = next(r for r in rows if r.patient.name == "Idle Ida")
    assert {f.code for f in ida_row.flags} >= {"inactive", "low_adherence"}
    quinn_row = next(r for r in rows if r.patient.name == "Quiet Quinn")
    # ten good days: only a step up waiting for the physiotherapist
    assert [f.code for f in quinn_row.flags] == ["suggestion_waiting"]
    assert quinn_row.adherence_14 is not None and quinn_row.adherence_14 >= 0.6
    assert len(quinn_row.pain_days) == 14
    assert [r.patient.name for r in workspace.patient_summaries(physio, "flo")] == ["Flare Flo"]


def test_messages_have_unread_counts_on_both_sides(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, _ = clinic
    physio, (pat,) = _people(ctx)
    mine = _as_physio(physio, pat)
    sent = workspace.send_message(pat, "  My bridge feels easy now.  ")
    assert sent.body == "My bridge feels easy now." and sent.from_patient and sent.author_name == "Pat Able"
    assert workspace.unread_count(mine) == 1 and workspace.unread_count(pat) == 0
    workspace.mark_read(mine, sent.id)
    assert workspace.unread_count(mine) == 0
    workspace.send_message(mine, "Great: I will add a rep.")
    assert workspace.unread_count(pat) == 1
    assert [m.author_name for m in workspace.thread(pat)] == ["Pat Able", "Sam Physio"]
    with pytest.raises(InvalidInput):
        workspace.send_message(pat, "   ")


def test_what_the_camera_saw_per_exercise(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, _clock = clinic
    physio, (pat,) = _people(ctx)
    workout = workouts.start_workout(pat)
    workouts.record_set(
        pat,
        workout.id,
        exercise_id="bridge",
        set_number=1,
        side=None,
        reps=10,
        source="camera",
        camera_reps=10,
        findings={"hips_low": 4},
    )
    workouts.record_set(
        pat, workout.id, exercise_id="bridge", set_number=2, side=None, reps=6, source="manual"
    )
    (bridge,) = workspace.camera_summary(_as_physio(physio, pat))
    assert (bridge.exercise_id, bridge.camera_reps, bridge.hand_reps) == ("bridge", 10, 6)
    assert bridge.findings == (("hips_low", 4),)


def test_scheduled_questionnaires_come_due(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    physio, (pat,) = _people(ctx)
    mine = _as_physio(physio, pat)
    workspace.set_schedule(mine, "startback", None)
    workspace.set_schedule(mine, "odi", 14)
    today = clock.current.astimezone().date()
    assert sorted(workspace.due_questionnaires(pat, today)) == ["odi", "startback"]
    outcomes.submit_startback(pat, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    outcomes.submit_odi(pat, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    assert workspace.due_questionnaires(pat, today) == []
    assert workspace.due_questionnaires(pat, today + timedelta(days=14)) == ["odi"]


def test_in_a_clinic_the_physio_records_the_clearance(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    physio, (pat,) = _people(ctx)
    safety.submit_screen(pat, {**{a: False for a in safety.screen_questions().answer_ids}, "fever": True})
    today = clock.current.astimezone().date()
    with pytest.raises(NotAllowed, match="physiotherapist records"):
        safety.confirm_cleared(pat, "Dr Me", today)
    safety.confirm_cleared(_as_physio(physio, pat), "Sam Physio", today, "Examined, fine")
    cleared = next(s for s in safety.list_screens(pat) if s.stop).clearance
    assert cleared is not None and cleared.recorded_by == "Sam Physio"
    admin = ctx.acting(accounts.sign_in(ctx, "admin@c.example", PASSWORD).actor)
    assert any(e.action == "clearance" and e.actor_name == "Sam Physio" for e in audit.list_events(admin))
