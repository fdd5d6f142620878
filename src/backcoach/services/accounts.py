"""Account use cases for clinic mode: the first admin, physiotherapists, patients invited with a code,
joining, signing in and out (rate-limited), passwords and reset links, deleting an account.

Every use case is one transaction and writes its audit entry in it. Passwords are hashed with
argon2id; session ids, invitation links and reset links are random tokens stored only as their
SHA-256, so a copy of the database signs no one in. The web layer signs the session cookie with
``session_key``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backcoach.domain.accounts import (
    Actor,
    UserRecord,
    can_manage_accounts,
    can_read_record,
    check_password,
    clean_email,
    new_invitation_code,
    normalise_code,
)
from backcoach.services import audit
from backcoach.services.context import AppContext, seed_record
from backcoach.services.errors import InvalidInput, NotAllowed, NotFound, NotSignedIn, TooManyAttempts
from backcoach.store.base import Base
from backcoach.store.database import DatabaseUnavailable, open_database
from backcoach.store.repository import Repository
from backcoach.store.rows import UserRow
from backcoach.store.rows_accounts import AccountRepository, SessionRecord, TokenRecord
from backcoach.store.transfer import CopyReport, clear_record, copy_record

__all__ = [
    "Invitation",
    "SignedIn",
    "actor_for_session",
    "add_patient",
    "add_physio",
    "change_password",
    "create_admin",
    "delete_account",
    "find_invitation",
    "get_user",
    "hash_token",
    "import_personal",
    "issue_reset",
    "join",
    "list_staff",
    "open_invitation",
    "patient_of_staff",
    "patients_of",
    "reinvite",
    "reset_target",
    "session_key",
    "sign_in",
    "sign_out",
    "staff_with_patient_counts",
    "use_reset",
]

SESSION_KEY_NAME = "session_signing_key"


@cache
def _hashers(time_cost: int, memory_kib: int) -> tuple[PasswordHasher, str]:
    """An argon2id hasher with these costs, and a hash made with it to verify against when no account
    has the e-mail (so a wrong e-mail takes as long as a wrong password and does not tell which
    e-mails have accounts)."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
    return hasher, hasher.hash(secrets.token_urlsafe(16))


def _hasher(ctx: AppContext) -> PasswordHasher:
    return _hashers(ctx.settings.password_hash_time_cost, ctx.settings.password_hash_memory_kib)[0]


def _matches(ctx: AppContext, stored: str | None, password: str) -> bool:
    hasher, dummy = _hashers(ctx.settings.password_hash_time_cost, ctx.settings.password_hash_memory_kib)
    try:
        return hasher.verify(stored or dummy, password[:1000]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token for the cookie (shown once, stored hashed) and who it is."""

    token: str
    session: SessionRecord
    actor: Actor


@dataclass(frozen=True)
class Invitation:
    """A patient's invitation as the physiotherapist hands it on: the code and the link's token."""

    patient: UserRecord
    code: str
    token: str
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor(user: UserRecord) -> Actor:
    return Actor(user.id, user.role, user.name, is_local=user.is_local)


def _require_actor(ctx: AppContext) -> Actor:
    if ctx.actor is None:
        raise NotSignedIn("Please sign in first.")
    return ctx.actor


def _check_password(ctx: AppContext, password: str, *, email: str | None, name: str | None) -> str:
    try:
        check_password(password, email=email, name=name)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return _hasher(ctx).hash(password)


def _email(text: str) -> str:
    try:
        return clean_email(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not 1 <= len(name) <= 100:
        raise InvalidInput("Please give a name of 1 to 100 characters.")
    return name


def _create(repo: AccountRepository, ctx: AppContext, **values: object) -> UserRecord:
    try:
        with repo.session.begin_nested():
            return repo.create_user(created_at=ctx.clock.now(), **values)  # type: ignore[arg-type]
    except IntegrityError:
        raise InvalidInput("There is already an account with that e-mail address.") from None


# --- the server's session key --------------------------------------------------------------------


def session_key(ctx: AppContext) -> bytes:
    """The key that signs session cookies: the configured one, else one made once and kept in the
    database so every server process signs and checks with the same key."""
    if ctx.settings.secret_key:
        return ctx.settings.secret_key.encode()
    with ctx.session() as session:
        repo = AccountRepository(session)
        value = repo.secret(SESSION_KEY_NAME)
        if value is None:
            try:
                with session.begin_nested():
                    repo.add_secret(SESSION_KEY_NAME, secrets.token_urlsafe(48), ctx.clock.now())
            except IntegrityError:
                pass  # another process made it first
            value = repo.secret(SESSION_KEY_NAME)
    assert value is not None
    return value.encode()


# --- accounts ------------------------------------------------------------------------------------


def create_admin(ctx: AppContext, email: str, name: str, password: str) -> UserRecord:
    """The first (or another) administrator, from the command line on the server."""
    address = _email(email)
    person = _name(name)
    hashed = _check_password(ctx, password, email=address, name=person)
    with ctx.session() as session:
        repo = AccountRepository(session)
        user = _create(repo, ctx, name=person, role="admin", email=address, password_hash=hashed)
        audit.note(session, ctx, "account_created", subject_id=user.id, detail="administrator (command line)")
    return user


def add_physio(ctx: AppContext, email: str, name: str) -> tuple[UserRecord, str]:
    """An admin adds a physiotherapist; returns the account and the token of a link to set their
    password (valid ``invitation_days``), for the admin to pass on."""
    actor = _require_actor(ctx)
    if not can_manage_accounts(actor):
        raise NotAllowed("Only an administrator can add physiotherapists.")
    address, person = _email(email), _name(name)
    token = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    with ctx.session() as session:
        repo = AccountRepository(session)
        user = _create(repo, ctx, name=person, role="physio", email=address, password_hash=None, active=False)
        repo.create_reset(
            token_hash=hash_token(token),
            user_id=user.id,
            created_by=actor.user_id,
            now=now,
            expires_at=now + timedelta(days=ctx.settings.invitation_days),
        )
        audit.note(session, ctx, "account_created", subject_id=user.id, detail="physiotherapist")
    return user, token


def add_patient(ctx: AppContext, name: str, email: str | None = None) -> Invitation:
    """A physiotherapist (or an admin) adds a patient, who becomes theirs, and gets an invitation: an
    8-letter code and a link, single use, valid ``invitation_days``. The patient's record starts with
    the built-in programs, as a personal one does."""
    actor = _require_actor(ctx)
    if not actor.is_staff:
        raise NotAllowed("Only a physiotherapist can add a patient.")
    person = _name(name)
    address = _email(email) if email and email.strip() else None
    now = ctx.clock.now()
    token = secrets.token_urlsafe(32)
    with ctx.session() as session:
        repo = AccountRepository(session)
        patient = _create(
            repo,
            ctx,
            name=person,
            role="patient",
            email=address,
            password_hash=None,
            physio_id=actor.user_id,
            active=False,
        )
        seed_record(Repository(session, patient.id), ctx.catalogue)
        for _attempt in range(5):
            code = new_invitation_code()
            try:
                with session.begin_nested():
                    record = repo.create_invitation(
                        code=code,
                        token_hash=hash_token(token),
                        patient_id=patient.id,
                        created_by=actor.user_id,
                        now=now,
                        expires_at=now + timedelta(days=ctx.settings.invitation_days),
                    )
                break
            except IntegrityError:
                continue  # the same 8 letters drawn twice: draw again
        else:
            raise InvalidInput("Could not make an invitation code; please try again.")
        audit.note(session, ctx, "patient_invited", subject_id=patient.id)
    return Invitation(patient, code, token, record.expires_at)


def reinvite(ctx: AppContext, patient_id: int) -> Invitation:
    """A fresh invitation for a patient who has not joined yet (the old one is no longer needed)."""
    actor = _require_actor(ctx)
    now = ctx.clock.now()
    token = secrets.token_urlsafe(32)
    with ctx.session() as session:
        repo = AccountRepository(session)
        patient = repo.get_user(patient_id)
        if patient is None or not can_read_record(actor, patient):
            raise NotFound("There is no such patient among yours.")
        if patient.active:
            raise InvalidInput(f"{patient.name} has joined already.")
        code = new_invitation_code()
        record = repo.create_invitation(
            code=code,
            token_hash=hash_token(token),
            patient_id=patient.id,
            created_by=actor.user_id,
            now=now,
            expires_at=now + timedelta(days=ctx.settings.invitation_days),
        )
        audit.note(session, ctx, "patient_invited", subject_id=patient.id, detail="a new invitation")
    return Invitation(patient, code, token, record.expires_at)


class _WrongCode(NotFound):
    """An invitation code or link that matches nothing (counted against the address)."""


def _valid_invitation(
    repo: AccountRepository, ctx: AppContext, *, code: str | None, token: str | None
) -> TokenRecord:
    """The invitation for a code or link; a wrong one is counted per address, like a failed sign-in,
    so codes cannot be guessed by trying them all."""
    now = ctx.clock.now()
    key = f"invitation:{ctx.address or 'unknown'}"
    _check_attempts(repo, ctx, {key: ctx.settings.login_attempts_per_address})
    found = None
    if token:
        found = repo.invitation_by_token(hash_token(token))
    elif code:
        found = repo.invitation_by_code(normalise_code(code))
    if found is None:
        raise _WrongCode("That invitation code is not right. Please check it with your physiotherapist.")
    if found.used_at is not None:
        raise InvalidInput("That invitation has been used already: please sign in instead.")
    if found.expires_at <= now:
        raise InvalidInput("That invitation has expired: please ask your physiotherapist for a new one.")
    return found


def find_invitation(ctx: AppContext, *, code: str | None = None, token: str | None = None) -> UserRecord:
    """The patient an unused, unexpired invitation is for (NotFound / InvalidInput otherwise)."""
    try:
        with ctx.session() as session:
            repo = AccountRepository(session)
            invitation = _valid_invitation(repo, ctx, code=code, token=token)
            patient = repo.get_user(invitation.user_id)
    except _WrongCode:
        _count_wrong_code(ctx)
        raise
    assert patient is not None
    return patient


def _count_wrong_code(ctx: AppContext) -> None:
    with ctx.session() as session:
        AccountRepository(session).add_failed_attempts(
            [f"invitation:{ctx.address or 'unknown'}"], ctx.clock.now()
        )


def _new_session(repo: AccountRepository, ctx: AppContext, user: UserRecord, user_agent: str) -> SignedIn:
    token = secrets.token_urlsafe(32)
    now = ctx.clock.now()
    record = repo.create_session(
        session_id=hash_token(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        now=now,
        expires_at=now + timedelta(days=ctx.settings.session_days),
        user_agent=user_agent,
    )
    return SignedIn(token, record, _actor(user))


def join(
    ctx: AppContext,
    *,
    code: str | None = None,
    token: str | None = None,
    email: str,
    password: str,
    accept_privacy: bool,
    user_agent: str = "",
) -> SignedIn:
    """A patient joins with their invitation: sets their sign-in e-mail and password, accepts the
    privacy notice, and is signed in. The invitation is used once, even by two requests at once."""
    if not accept_privacy:
        raise InvalidInput("Please read the privacy notice and tick the box to accept it.")
    address = _email(email)
    now = ctx.clock.now()
    try:
        return _join(ctx, code, token, address, password, now, user_agent)
    except _WrongCode:
        _count_wrong_code(ctx)
        raise


def _join(
    ctx: AppContext,
    code: str | None,
    token: str | None,
    address: str,
    password: str,
    now: datetime,
    user_agent: str,
) -> SignedIn:
    with ctx.session() as session:
        repo = AccountRepository(session)
        invitation = _valid_invitation(repo, ctx, code=code, token=token)
        patient = repo.get_user(invitation.user_id)
        assert patient is not None
        hashed = _check_password(ctx, password, email=address, name=patient.name)
        if not repo.use_invitation(invitation.id, now):
            raise InvalidInput("That invitation has been used already: please sign in instead.")
        try:
            with session.begin_nested():
                patient = repo.update_user(
                    patient.id, email=address, password_hash=hashed, active=True, privacy_accepted_at=now
                )
        except IntegrityError:
            raise InvalidInput("There is already an account with that e-mail address.") from None
        joined = ctx.acting(_actor(patient), address=ctx.address)
        audit.note(session, joined, "invitation_used")
        audit.note(session, joined, "privacy_accepted")
        return _new_session(repo, ctx, patient, user_agent)


# --- signing in and out --------------------------------------------------------------------------


def _check_attempts(repo: AccountRepository, ctx: AppContext, keys: dict[str, int]) -> None:
    window = timedelta(minutes=ctx.settings.login_window_minutes)
    now = ctx.clock.now()
    for key, limit in keys.items():
        failures = repo.failed_attempts(key, now - window)
        if len(failures) >= limit:
            retry = max(1, int((failures[-limit] + window - now).total_seconds()) + 1)
            raise TooManyAttempts(
                "Too many sign-in attempts. Please wait a few minutes and try again.", retry_after_s=retry
            )


def _attempt_keys(ctx: AppContext, email: str) -> dict[str, int]:
    return {
        f"account:{email}": ctx.settings.login_attempts_per_account,
        f"address:{ctx.address or 'unknown'}": ctx.settings.login_attempts_per_address,
    }


def sign_in(ctx: AppContext, email: str, password: str, *, user_agent: str = "") -> SignedIn:
    """Check the e-mail and password; a new session. Failed sign-ins are counted per account and per
    address in the database (so the limit holds across server processes): past the limit,
    TooManyAttempts with the seconds to wait, checked before the password is."""
    address = email.strip().lower()[:254]
    keys = _attempt_keys(ctx, address)
    with ctx.session() as session:
        repo = AccountRepository(session)
        _check_attempts(repo, ctx, keys)
        user = repo.user_by_email(address)
        stored = repo.password_hash(user.id) if user is not None else None
        ok = _matches(ctx, stored, password)
        if not ok or user is None or not user.active:
            repo.add_failed_attempts(list(keys), ctx.clock.now())
            audit.note(session, ctx, "sign_in_failed", subject_id=user.id if user else None, detail=address)
            failed = True
        else:
            failed = False
            signed = _new_session(repo, ctx, user, user_agent)
            audit.note(session, ctx.acting(signed.actor, address=ctx.address), "sign_in")
    if failed:  # the failure is stored (committed) before the error goes out
        raise InvalidInput("That e-mail and password do not match an account.")
    return signed


def actor_for_session(ctx: AppContext, token: str) -> tuple[Actor, SessionRecord] | None:
    """Who a session token signs in, or None when it is unknown, revoked, expired or the account is
    gone. A read: it never writes."""
    with ctx.session() as session:
        repo = AccountRepository(session)
        record = repo.get_session(hash_token(token))
        if record is None or record.revoked_at is not None or record.expires_at <= ctx.clock.now():
            return None
        user = repo.get_user(record.user_id)
    if user is None or not user.active:
        return None
    return _actor(user), record


def sign_out(ctx: AppContext, token: str) -> None:
    with ctx.session() as session:
        AccountRepository(session).revoke_session(hash_token(token), ctx.clock.now())
        if ctx.actor is not None:
            audit.note(session, ctx, "sign_out")


def change_password(ctx: AppContext, current: str, new: str, *, keep_token: str | None = None) -> None:
    """Change the signed-in person's password; every other session of theirs is signed out."""
    actor = _require_actor(ctx)
    with ctx.session() as session:
        repo = AccountRepository(session)
        user = repo.get_user(actor.user_id)
        stored = repo.password_hash(actor.user_id)
        assert user is not None
        if not _matches(ctx, stored, current):
            raise InvalidInput("Your current password is not right.")
        hashed = _check_password(ctx, new, email=user.email, name=user.name)
        repo.update_user(actor.user_id, password_hash=hashed)
        repo.revoke_sessions_of(
            actor.user_id, ctx.clock.now(), keep=hash_token(keep_token) if keep_token else None
        )
        audit.note(session, ctx, "password_changed")


def issue_reset(ctx: AppContext, user_id: int) -> str:
    """A password reset link's token for ``user_id``, issued by an admin or the patient's
    physiotherapist (there is no e-mail server: they pass it on). Valid ``reset_link_hours``."""
    actor = _require_actor(ctx)
    now = ctx.clock.now()
    token = secrets.token_urlsafe(32)
    with ctx.session() as session:
        repo = AccountRepository(session)
        user = repo.get_user(user_id)
        if user is None or user.is_local:
            raise NotFound("There is no such account.")
        allowed = can_manage_accounts(actor) or (user.role == "patient" and user.physio_id == actor.user_id)
        if not allowed:
            raise NotAllowed("Only an administrator or the patient's physiotherapist can issue a reset link.")
        repo.create_reset(
            token_hash=hash_token(token),
            user_id=user.id,
            created_by=actor.user_id,
            now=now,
            expires_at=now + timedelta(hours=ctx.settings.reset_link_hours),
        )
        audit.note(session, ctx, "password_reset_issued", subject_id=user.id)
    return token


def reset_target(ctx: AppContext, token: str) -> UserRecord:
    """Whose password a reset (or set-your-password) link sets; NotFound / InvalidInput when spent."""
    with ctx.session() as session:
        repo = AccountRepository(session)
        reset = repo.reset_by_token(hash_token(token))
        if reset is None:
            raise NotFound("That link is not right: please ask for a new one.")
        if reset.used_at is not None or reset.expires_at <= ctx.clock.now():
            raise InvalidInput("That link has been used or has expired: please ask for a new one.")
        user = repo.get_user(reset.user_id)
    if user is None:
        raise NotFound("That link is not right: please ask for a new one.")
    return user


def use_reset(ctx: AppContext, token: str, new_password: str, *, user_agent: str = "") -> SignedIn:
    """Set a new password with a reset link (single use); every session of the account is signed
    out, and a new one is started."""
    now = ctx.clock.now()
    with ctx.session() as session:
        repo = AccountRepository(session)
        reset = repo.reset_by_token(hash_token(token))
        if reset is None:
            raise NotFound("That link is not right: please ask for a new one.")
        if reset.used_at is not None or reset.expires_at <= now:
            raise InvalidInput("That link has been used or has expired: please ask for a new one.")
        user = repo.get_user(reset.user_id)
        assert user is not None
        hashed = _check_password(ctx, new_password, email=user.email, name=user.name)
        if not repo.use_reset(reset.id, now):
            raise InvalidInput("That link has been used already: please ask for a new one.")
        user = repo.update_user(user.id, password_hash=hashed, active=True)
        repo.revoke_sessions_of(user.id, now)
        audit.note(session, ctx.acting(_actor(user), address=ctx.address), "password_reset_used")
        return _new_session(repo, ctx, user, user_agent)


def delete_account(ctx: AppContext, password: str) -> None:
    """A patient deletes their own account and everything recorded about them, after confirming with
    their password. The audit log keeps its entries (who saw and changed the record, and this
    deletion), with the names copied in; nothing else about them is kept."""
    actor = _require_actor(ctx)
    if actor.role != "patient" or actor.is_local:
        raise NotAllowed("Only a patient's own account can be deleted this way.")
    with ctx.session() as session:
        repo = AccountRepository(session)
        stored = repo.password_hash(actor.user_id)
        if not _matches(ctx, stored, password):
            raise InvalidInput("That password is not right, so nothing was deleted.")
        audit.note(session, ctx, "account_deleted", subject_name=actor.name)
        repo.delete_user(actor.user_id)


# --- who is who ----------------------------------------------------------------------------------


def get_user(ctx: AppContext, user_id: int) -> UserRecord:
    with ctx.session() as session:
        user = AccountRepository(session).get_user(user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


def list_staff(ctx: AppContext) -> list[UserRecord]:
    """Physiotherapists and admins, for the admin's page."""
    actor = _require_actor(ctx)
    if not can_manage_accounts(actor):
        raise NotAllowed("Only an administrator can list the accounts.")
    with ctx.session() as session:
        repo = AccountRepository(session)
        return repo.list_users(role="admin") + repo.list_users(role="physio")


def patient_of_staff(ctx: AppContext, patient_id: int) -> UserRecord:
    """A patient the acting physiotherapist may see (their own); NotFound otherwise, so another
    physiotherapist's patient is not even said to exist."""
    actor = _require_actor(ctx)
    with ctx.session() as session:
        patient = AccountRepository(session).get_user(patient_id)
    if patient is None or not can_read_record(actor, patient) or actor.user_id == patient.id:
        raise NotFound("There is no such patient among yours.")
    return patient


def open_invitation(ctx: AppContext, patient_id: int) -> TokenRecord | None:
    """The patient's newest invitation not yet used or expired, to show or print again."""
    patient = patient_of_staff(ctx, patient_id)
    with ctx.session() as session:
        invitations = AccountRepository(session).invitations_of(patient.id)
    now = ctx.clock.now()
    open_ones = [i for i in invitations if i.used_at is None and i.expires_at > now]
    return open_ones[-1] if open_ones else None


def staff_with_patient_counts(ctx: AppContext) -> list[tuple[UserRecord, int]]:
    """Every admin and physiotherapist with how many patients they have (the server's command line)."""
    with ctx.session() as session:
        repo = AccountRepository(session)
        staff = repo.list_users(role="admin") + repo.list_users(role="physio")
        return [(user, len(repo.list_users(role="patient", physio_id=user.id))) for user in staff]


def patients_of(ctx: AppContext, physio_id: int | None = None) -> list[UserRecord]:
    """The patients of ``physio_id`` (default: the acting physiotherapist), by name."""
    actor = _require_actor(ctx)
    physio = actor.user_id if physio_id is None else physio_id
    if physio != actor.user_id and not can_manage_accounts(actor):
        raise NotAllowed("You can only list your own patients.")
    with ctx.session() as session:
        return AccountRepository(session).list_users(role="patient", physio_id=physio)


# --- moving a personal record into a clinic account ------------------------------------------------


def import_personal(ctx: AppContext, source_url: str, email: str) -> CopyReport:
    """Move the one person's record of a personal database (``source_url``, e.g. the SQLite file of
    ``backcoach serve`` on their computer) into the clinic patient account with ``email``, so nobody
    loses their history. The account must not have any workout yet; its starting programs are
    replaced by the person's own. One transaction on the clinic database."""
    from backcoach.services.export import SECTIONS  # the tables that make up a person's record

    address = _email(email)
    try:
        source_db = open_database(source_url)
    except DatabaseUnavailable as exc:
        raise InvalidInput(f"cannot open the personal database: {exc}") from None
    try:
        with source_db.session() as source:
            local = source.scalars(select(UserRow).where(UserRow.is_local.is_(True))).first()
            if local is None:
                raise InvalidInput("That database has no personal record to move (no local person in it).")
            with ctx.session() as session:
                repo = AccountRepository(session)
                target = repo.user_by_email(address)
                if target is None or target.role != "patient":
                    raise NotFound(f"There is no patient account with the e-mail {address}.")
                mine = Repository(session, target.id)
                if mine.list_workouts(limit=1):
                    raise InvalidInput(
                        f"{target.name}'s account has workouts already: a personal record can only be moved "
                        "into a new account."
                    )
                tables = [t for t in SECTIONS.values() if "user_id" in Base.metadata.tables[t].c]
                clear_record(session, target.id, tables)
                report = copy_record(
                    source, session, source_user=local.id, target_user=target.id, table_names=tables
                )
                audit.note(
                    session,
                    ctx,
                    "personal_imported",
                    subject_id=target.id,
                    detail=f"{report.rows.get('workouts', 0)} workouts, {report.total} rows",
                )
    finally:
        source_db.close()
    return report
