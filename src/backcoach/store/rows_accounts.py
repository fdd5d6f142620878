"""Rows for accounts and their security: sign-in sessions, invitations, password resets, sign-in
attempts (for the rate limit), the append-only audit log, and the server's own secret.

Everything several server processes must agree on lives here, in the database, never in a
process's memory: a session revoked by one process is refused by the next request to another.
``AccountRepository`` reads and writes them and hands back the records of
``backcoach.domain.accounts``; no rules here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from backcoach.domain.accounts import Role, UserRecord
from backcoach.store.base import Base, as_utc
from backcoach.store.rows import UserRow

__all__ = [
    "AccountRepository",
    "AuditEvent",
    "AuditEventRow",
    "AuthSessionRow",
    "InvitationRow",
    "LiveConnectionRow",
    "LoginAttemptRow",
    "PasswordResetRow",
    "ServerSecretRow",
    "SessionRecord",
    "TokenRecord",
]


class AuthSessionRow(Base):
    """A signed-in browser: the cookie names ``id`` (random), signed with the server's secret."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class InvitationRow(Base):
    """An invitation for a patient to join: an 8-letter code and a link token (stored hashed), single
    use, until ``expires_at``."""

    __tablename__ = "invitations"
    __table_args__ = (Index("uq_invitations_code", "code", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PasswordResetRow(Base):
    """A password reset link (the token stored hashed), single use, issued by an admin or the
    patient's physiotherapist and passed on by them (there is no e-mail server)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginAttemptRow(Base):
    """A failed sign-in, counted per account and per address for the rate limit."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEventRow(Base):
    """One line of the append-only audit log: who did what to whom, when, from where.

    No foreign keys: an entry outlives the accounts it names (their names are copied in), and the
    database refuses any change or deletion of an entry (triggers, see the migration)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor", "actor_id"),
        Index("ix_audit_events_subject", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(50))
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    subject_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class LiveConnectionRow(Base):
    """A live camera connection open now, seen by every server process (for the per-person limit);
    ``seen_at`` is refreshed while it lasts, so one left by a killed process expires."""

    __tablename__ = "live_connections"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServerSecretRow(Base):
    """A secret the server processes share (the key that signs session cookies), made once."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class SessionRecord:
    id: str
    user_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class TokenRecord:
    """An invitation or a password reset: whose, by whom, until when, and whether used."""

    id: int
    user_id: int
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    code: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    action: str
    actor_id: int | None
    actor_name: str
    subject_id: int | None
    subject_name: str
    detail: str
    address: str


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def user_record(row: UserRow) -> UserRecord:
    return UserRecord(
        id=row.id,
        name=row.name,
        role=row.role,  # type: ignore[arg-type]
        email=row.email,
        is_local=bool(row.is_local),
        created_at=as_utc(row.created_at),
        physio_id=row.physio_id,
        active=bool(row.active),
        privacy_accepted_at=_utc(row.privacy_accepted_at),
    )


def _session(row: AuthSessionRow) -> SessionRecord:
    return SessionRecord(
        row.id,
        row.user_id,
        row.csrf_token,
        as_utc(row.created_at),
        as_utc(row.expires_at),
        _utc(row.revoked_at),
    )


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        row.id,
        as_utc(row.at),
        row.action,
        row.actor_id,
        row.actor_name,
        row.subject_id,
        row.subject_name,
        row.detail,
        row.address,
    )


class AccountRepository:
    """Accounts, sessions, invitations, resets, sign-in attempts and the audit log, on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- accounts ------------------------------------------------------------------------------

    def get_user(self, user_id: int) -> UserRecord | None:
        row = self.session.get(UserRow, user_id)
        return user_record(row) if row is not None else None

    def user_by_email(self, email: str) -> UserRecord | None:
        row = self.session.scalars(select(UserRow).where(UserRow.email == email)).first()
        return user_record(row) if row is not None else None

    def password_hash(self, user_id: int) -> str | None:
        row = self.session.get(UserRow, user_id)
        return row.password_hash if row is not None else None

    def create_user(
        self,
        *,
        name: str,
        role: Role,
        email: str | None,
        password_hash: str | None,
        created_at: datetime,
        physio_id: int | None = None,
        active: bool = True,
    ) -> UserRecord:
        row = UserRow(
            name=name,
            role=role,
            email=email,
            password_hash=password_hash,
            created_at=created_at,
            physio_id=physio_id,
            active=active,
            is_local=False,
        )
        self.session.add(row)
        self.session.flush()
        return user_record(row)

    def update_user(self, user_id: int, **values: object) -> UserRecord:
        row = self.session.get(UserRow, user_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        self.session.flush()
        return user_record(row)

    def delete_user(self, user_id: int) -> None:
        self.session.execute(delete(UserRow).where(UserRow.id == user_id))
        self.session.flush()

    def list_users(self, *, role: Role | None = None, physio_id: int | None = None) -> list[UserRecord]:
        query = select(UserRow).where(UserRow.is_local.is_(False))
        if role is not None:
            query = query.where(UserRow.role == role)
        if physio_id is not None:
            query = query.where(UserRow.physio_id == physio_id)
        return [user_record(r) for r in self.session.scalars(query.order_by(UserRow.name, UserRow.id))]

    def count_users(self, role: Role) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(UserRow)
                .where(UserRow.role == role, UserRow.is_local.is_(False))
            )
            or 0
        )

    # --- sessions ------------------------------------------------------------------------------

    def create_session(
        self,
        *,
        session_id: str,
        user_id: int,
        csrf_token: str,
        now: datetime,
        expires_at: datetime,
        user_agent: str,
    ) -> SessionRecord:
        row = AuthSessionRow(
            id=session_id,
            user_id=user_id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            user_agent=user_agent[:300],
        )
        self.session.add(row)
        self.session.flush()
        return _session(row)

    def get_session(self, session_id: str) -> SessionRecord | None:
        row = self.session.get(AuthSessionRow, session_id)
        return _session(row) if row is not None else None

    def revoke_session(self, session_id: str, now: datetime) -> None:
        self.session.execute(
            update(AuthSessionRow)
            .where(AuthSessionRow.id == session_id, AuthSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_sessions_of(self, user_id: int, now: datetime, *, keep: str | None = None) -> int:
        query = update(AuthSessionRow).where(
            AuthSessionRow.user_id == user_id, AuthSessionRow.revoked_at.is_(None)
        )
        if keep is not None:
            query = query.where(AuthSessionRow.id != keep)
        return int(self.session.execute(query.values(revoked_at=now)).rowcount or 0)  # type: ignore[attr-defined]

    # --- invitations and resets ----------------------------------------------------------------

    def create_invitation(
        self,
        *,
        code: str,
        token_hash: str,
        patient_id: int,
        created_by: int | None,
        now: datetime,
        expires_at: datetime,
    ) -> TokenRecord:
        row = InvitationRow(
            code=code,
            token_hash=token_hash,
            patient_id=patient_id,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return self._invitation(row)

    @staticmethod
    def _invitation(row: InvitationRow) -> TokenRecord:
        return TokenRecord(
            row.id,
            row.patient_id,
            row.created_by,
            as_utc(row.created_at),
            as_utc(row.expires_at),
            _utc(row.used_at),
            code=row.code,
        )

    def invitation_by_code(self, code: str) -> TokenRecord | None:
        row = self.session.scalars(select(InvitationRow).where(InvitationRow.code == code)).first()
        return self._invitation(row) if row is not None else None

    def invitation_by_token(self, token_hash: str) -> TokenRecord | None:
        row = self.session.scalars(
            select(InvitationRow).where(InvitationRow.token_hash == token_hash)
        ).first()
        return self._invitation(row) if row is not None else None

    def invitations_of(self, patient_id: int) -> list[TokenRecord]:
        rows = self.session.scalars(
            select(InvitationRow).where(InvitationRow.patient_id == patient_id).order_by(InvitationRow.id)
        )
        return [self._invitation(r) for r in rows]

    def use_invitation(self, invitation_id: int, now: datetime) -> bool:
        """Mark an invitation used; False when it was used already (by a request racing this one)."""
        done = self.session.execute(
            update(InvitationRow)
            .where(InvitationRow.id == invitation_id, InvitationRow.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def create_reset(
        self, *, token_hash: str, user_id: int, created_by: int | None, now: datetime, expires_at: datetime
    ) -> TokenRecord:
        row = PasswordResetRow(
            token_hash=token_hash,
            user_id=user_id,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(row)
        self.session.flush()
        return TokenRecord(row.id, user_id, created_by, as_utc(now), as_utc(expires_at), None)

    def reset_by_token(self, token_hash: str) -> TokenRecord | None:
        row = self.session.scalars(
            select(PasswordResetRow).where(PasswordResetRow.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return TokenRecord(
            row.id,
            row.user_id,
            row.created_by,
            as_utc(row.created_at),
            as_utc(row.expires_at),
            _utc(row.used_at),
        )

    def use_reset(self, reset_id: int, now: datetime) -> bool:
        done = self.session.execute(
            update(PasswordResetRow)
            .where(PasswordResetRow.id == reset_id, PasswordResetRow.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    # --- sign-in attempts ----------------------------------------------------------------------

    def add_failed_attempts(self, keys: Sequence[str], at: datetime) -> None:
        self.session.add_all([LoginAttemptRow(key=key[:300], at=at) for key in keys])
        self.session.flush()

    def failed_attempts(self, key: str, since: datetime) -> list[datetime]:
        """The times of failed sign-ins for ``key`` since ``since``, oldest first."""
        rows = self.session.scalars(
            select(LoginAttemptRow.at)
            .where(LoginAttemptRow.key == key[:300], LoginAttemptRow.at >= since)
            .order_by(LoginAttemptRow.at)
        )
        return [as_utc(at) for at in rows]

    def forget_attempts_before(self, before: datetime) -> None:
        self.session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < before))

    # --- audit log -----------------------------------------------------------------------------

    def add_event(
        self,
        *,
        at: datetime,
        action: str,
        actor_id: int | None,
        actor_name: str,
        subject_id: int | None,
        subject_name: str,
        detail: str,
        address: str,
    ) -> None:
        self.session.add(
            AuditEventRow(
                at=at,
                action=action,
                actor_id=actor_id,
                actor_name=actor_name[:200],
                subject_id=subject_id,
                subject_name=subject_name[:200],
                detail=detail,
                address=address[:64],
            )
        )
        self.session.flush()

    def events(
        self,
        *,
        actor_id: int | None = None,
        subject_id: int | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        before_id: int | None = None,
    ) -> list[AuditEvent]:
        """Audit entries, newest first, filtered; ``before_id`` pages back."""
        query = select(AuditEventRow)
        if actor_id is not None:
            query = query.where(AuditEventRow.actor_id == actor_id)
        if subject_id is not None:
            query = query.where(AuditEventRow.subject_id == subject_id)
        if action is not None:
            query = query.where(AuditEventRow.action == action)
        if since is not None:
            query = query.where(AuditEventRow.at >= since)
        if until is not None:
            query = query.where(AuditEventRow.at < until)
        if before_id is not None:
            query = query.where(AuditEventRow.id < before_id)
        rows = self.session.scalars(query.order_by(AuditEventRow.id.desc()).limit(limit))
        return [_event(r) for r in rows]

    # --- live connections ----------------------------------------------------------------------

    def open_live(self, *, connection_id: str, user_id: int, now: datetime) -> None:
        self.session.add(LiveConnectionRow(id=connection_id, user_id=user_id, opened_at=now, seen_at=now))
        self.session.flush()

    def live_count(self, user_id: int, since: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(LiveConnectionRow)
                .where(LiveConnectionRow.user_id == user_id, LiveConnectionRow.seen_at >= since)
            )
            or 0
        )

    def touch_live(self, connection_id: str, now: datetime) -> None:
        self.session.execute(
            update(LiveConnectionRow).where(LiveConnectionRow.id == connection_id).values(seen_at=now)
        )

    def close_live(self, connection_id: str) -> None:
        self.session.execute(delete(LiveConnectionRow).where(LiveConnectionRow.id == connection_id))

    # --- the server's secret -------------------------------------------------------------------

    def secret(self, name: str) -> str | None:
        row = self.session.get(ServerSecretRow, name)
        return row.value if row is not None else None

    def add_secret(self, name: str, value: str, now: datetime) -> None:
        self.session.add(ServerSecretRow(name=name, value=value, created_at=now))
        self.session.flush()
