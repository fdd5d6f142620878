"""Clinic accounts through the services on real databases (SQLite, PostgreSQL when configured): the
first admin, a physiotherapist, a patient invited with a code who joins, signing in (rate-limited in
the database), passwords and reset links, who may see whom, deleting an account."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from step_clock import StepClock

from backcoach.config import Settings
from backcoach.domain.accounts import INVITATION_ALPHABET
from backcoach.services import accounts, audit, workouts
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, NotAllowed, NotFound, TooManyAttempts

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough passphrase"


@pytest.fixture
def clinic(database_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, StepClock]]:
    clock = StepClock(NOW)
    # Cheap argon2 in these tests (one test below checks the standard cost).
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        mode="clinic",
        password_hash_time_cost=1,
        password_hash_memory_kib=8192,
    )
    with open_app(settings, clock=clock) as ctx:
        yield ctx, clock


def _admin(ctx: AppContext) -> AppContext:
    admin = accounts.create_admin(ctx, "Admin@Clinic.example ", "Ada Admin", PASSWORD)
    return ctx.acting(accounts.sign_in(ctx, admin.email or "", PASSWORD).actor, address="10.0.0.1")


def _physio(ctx: AppContext, admin: AppContext, email: str = "sam@clinic.example") -> AppContext:
    physio, token = accounts.add_physio(admin, email, "Sam Physio")
    signed = accounts.use_reset(ctx, token, PASSWORD)
    assert signed.actor.user_id == physio.id and signed.actor.role == "physio"
    return ctx.acting(signed.actor, address="10.0.0.2")


def test_a_clinic_starts_with_nobody_acting_and_no_local_person(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, _ = clinic
    assert ctx.actor is None and ctx.user_id is None
    with pytest.raises(Exception, match="signed-in person"):
        workouts.current_workout(ctx)


def test_admin_adds_a_physio_who_invites_a_patient_who_joins(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    admin = _admin(ctx)
    physio = _physio(ctx, admin)
    invitation = accounts.add_patient(physio, "Pat Patient")
    assert len(invitation.code) == 8 and set(invitation.code) <= set(INVITATION_ALPHABET)
    assert invitation.expires_at == NOW + timedelta(days=14)
    assert not invitation.patient.active and invitation.patient.physio_id == physio.actor.user_id  # type: ignore[union-attr]
    # The code as typed from a printed sheet, in lower case and with a space.
    code = invitation.code.lower()[:4] + " " + invitation.code.lower()[4:]
    assert accounts.find_invitation(ctx, code=code).name == "Pat Patient"
    clock.current += timedelta(days=2)
    signed = accounts.join(
        ctx, code=code, email="pat@home.example", password=PASSWORD, accept_privacy=True, user_agent="phone"
    )
    assert signed.actor.role == "patient" and signed.actor.name == "Pat Patient"
    patient = accounts.get_user(ctx, signed.actor.user_id)
    assert (
        patient.active
        and patient.email == "pat@home.example"
        and patient.privacy_accepted_at == clock.current
    )
    # single use
    with pytest.raises(InvalidInput, match="used already"):
        accounts.join(ctx, code=code, email="x@home.example", password=PASSWORD, accept_privacy=True)
    # the patient has a record of their own, ready to start
    mine = ctx.acting(signed.actor)
    assert workouts.current_workout(mine) is None
    assert [p.name for p in accounts.patients_of(physio)] == ["Pat Patient"]


def test_an_invitation_expires_and_needs_the_privacy_notice(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    physio = _physio(ctx, _admin(ctx))
    invitation = accounts.add_patient(physio, "Late Lee")
    with pytest.raises(InvalidInput, match="privacy"):
        accounts.join(
            ctx, token=invitation.token, email="lee@x.example", password=PASSWORD, accept_privacy=False
        )
    clock.current += timedelta(days=14, seconds=1)
    with pytest.raises(InvalidInput, match="expired"):
        accounts.join(
            ctx, token=invitation.token, email="lee@x.example", password=PASSWORD, accept_privacy=True
        )
    fresh = accounts.reinvite(physio, invitation.patient.id)
    assert (
        accounts.join(
            ctx, token=fresh.token, email="lee@x.example", password=PASSWORD, accept_privacy=True
        ).actor.name
        == "Late Lee"
    )
    with pytest.raises(NotFound):
        accounts.find_invitation(ctx, code="ZZZZZZZZ")


def test_roles_decide_who_can_add_whom(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, _ = clinic
    admin = _admin(ctx)
    physio = _physio(ctx, admin)
    with pytest.raises(NotAllowed):
        accounts.add_physio(physio, "other@clinic.example", "Other")
    invitation = accounts.add_patient(physio, "Pat")
    patient = ctx.acting(
        accounts.join(
            ctx, token=invitation.token, email="pat@x.example", password=PASSWORD, accept_privacy=True
        ).actor
    )
    with pytest.raises(NotAllowed):
        accounts.add_patient(patient, "Friend")
    with pytest.raises(NotAllowed):
        audit.list_events(physio)
    # another physiotherapist cannot issue a reset for someone else's patient
    other = _physio(ctx, admin, "other@clinic.example")
    with pytest.raises(NotAllowed):
        accounts.issue_reset(other, invitation.patient.id)
    assert accounts.issue_reset(physio, invitation.patient.id)
    assert accounts.issue_reset(admin, invitation.patient.id)


def test_wrong_passwords_are_limited_per_account_in_the_database(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, clock = clinic
    _admin(ctx)
    attempt = ctx.acting(None, address="192.0.2.7")
    for _ in range(5):
        with pytest.raises(InvalidInput, match="do not match"):
            accounts.sign_in(attempt, "admin@clinic.example", "wrong password!")
    # the right password is refused too now, with how long to wait
    with pytest.raises(TooManyAttempts) as limited:
        accounts.sign_in(attempt, "admin@clinic.example", PASSWORD)
    assert 1 <= limited.value.retry_after_s <= 15 * 60 + 1
    # from another address the account is still limited (per account), and an unknown e-mail
    # counts against the address
    with pytest.raises(TooManyAttempts):
        accounts.sign_in(ctx.acting(None, address="198.51.100.9"), "admin@clinic.example", PASSWORD)
    clock.current += timedelta(minutes=16)
    assert accounts.sign_in(attempt, "admin@clinic.example", PASSWORD).actor.role == "admin"
    failed = [e for e in audit.list_events(_admin_ctx(ctx)) if e.action == "sign_in_failed"]
    assert len(failed) == 5 and failed[0].address == "192.0.2.7"


def _admin_ctx(ctx: AppContext) -> AppContext:
    return ctx.acting(
        accounts.sign_in(ctx.acting(None, address="127.0.0.9"), "admin@clinic.example", PASSWORD).actor
    )


def test_a_session_ends_on_sign_out_and_on_a_password_change(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, clock = clinic
    _admin(ctx)
    phone = accounts.sign_in(ctx, "admin@clinic.example", PASSWORD)
    laptop = accounts.sign_in(ctx, "admin@clinic.example", PASSWORD)
    assert accounts.actor_for_session(ctx, phone.token) is not None
    assert accounts.actor_for_session(ctx, "not-a-session") is None
    accounts.sign_out(ctx.acting(phone.actor), phone.token)
    assert accounts.actor_for_session(ctx, phone.token) is None
    accounts.change_password(
        ctx.acting(laptop.actor), PASSWORD, "another long passphrase", keep_token=laptop.token
    )
    assert accounts.actor_for_session(ctx, laptop.token) is not None
    with pytest.raises(InvalidInput):
        accounts.sign_in(ctx, "admin@clinic.example", PASSWORD)
    clock.current += timedelta(days=15)
    assert accounts.actor_for_session(ctx, laptop.token) is None  # expired after 14 days


def test_a_weak_password_or_a_taken_email_is_refused_in_plain_words(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, _ = clinic
    with pytest.raises(InvalidInput, match="at least 10"):
        accounts.create_admin(ctx, "a@b.example", "A", "short")
    with pytest.raises(InvalidInput, match="too easy"):
        accounts.create_admin(ctx, "a@b.example", "A", "password123")
    with pytest.raises(InvalidInput, match="e-mail address such as"):
        accounts.create_admin(ctx, "not an address", "A", PASSWORD)
    accounts.create_admin(ctx, "a@b.example", "A", PASSWORD)
    with pytest.raises(InvalidInput, match="already an account"):
        accounts.create_admin(ctx, "A@B.example", "B", PASSWORD)


def test_deleting_an_account_removes_the_record_and_keeps_the_audit(
    clinic: tuple[AppContext, StepClock],
) -> None:
    ctx, _ = clinic
    admin = _admin(ctx)
    physio = _physio(ctx, admin)
    invitation = accounts.add_patient(physio, "Gone Soon")
    signed = accounts.join(
        ctx, token=invitation.token, email="gone@x.example", password=PASSWORD, accept_privacy=True
    )
    patient = ctx.acting(signed.actor)
    from backcoach.services import safety

    safety.submit_screen(patient, {a: False for a in safety.screen_questions().answer_ids})
    workouts.start_workout(patient)
    with pytest.raises(InvalidInput, match="nothing was deleted"):
        accounts.delete_account(patient, "wrong")
    accounts.delete_account(patient, PASSWORD)
    with pytest.raises(NotFound):
        accounts.get_user(ctx, signed.actor.user_id)
    assert accounts.actor_for_session(ctx, signed.token) is None
    assert accounts.patients_of(physio) == []
    events = audit.list_events(admin, subject_id=signed.actor.user_id)
    assert {"account_deleted", "invitation_used", "patient_invited"} <= {e.action for e in events}
    assert all(e.subject_name == "Gone Soon" for e in events)


def test_the_audit_log_refuses_changes(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, _ = clinic
    _admin(ctx)
    from sqlalchemy import text

    for statement in ("UPDATE audit_events SET detail = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), ctx.session() as session:
            session.execute(text(statement))


def test_two_joins_with_one_code_at_once_make_one_account(clinic: tuple[AppContext, StepClock]) -> None:
    ctx, _ = clinic
    physio = _physio(ctx, _admin(ctx))
    invitation = accounts.add_patient(physio, "Racer")
    results: list[str] = []

    def join(n: int) -> None:
        try:
            accounts.join(
                ctx, code=invitation.code, email=f"r{n}@x.example", password=PASSWORD, accept_privacy=True
            )
            results.append("joined")
        except InvalidInput as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=join, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("joined") == 1, results
    assert accounts.get_user(ctx, invitation.patient.id).email in {f"r{n}@x.example" for n in range(4)}


def test_passwords_are_stored_as_argon2id_with_the_standard_cost(tmp_path: Path) -> None:
    from sqlalchemy import text

    with open_app(Settings(data_dir=tmp_path, mode="clinic")) as ctx:
        accounts.create_admin(ctx, "a@b.example", "A", PASSWORD)
        with ctx.session() as session:
            stored = session.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored
