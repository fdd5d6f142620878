"""The audit log: who did what to whose record, when, from where. Append-only (the database refuses
changes), written in the same transaction as the change it records, and read by admins.

Actions are short codes; the words an admin reads for each are in ``ACTIONS``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from backcoach.domain.accounts import can_manage_accounts
from backcoach.services.context import AppContext
from backcoach.services.errors import NotAllowed
from backcoach.store.rows_accounts import AccountRepository, AuditEvent

__all__ = ["ACTIONS", "list_events", "note"]

ACTIONS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "sign_out": "Signed out",
    "password_changed": "Changed their password",
    "password_reset_issued": "Issued a password reset link",
    "password_reset_used": "Reset their password with a link",
    "account_created": "Created an account",
    "patient_invited": "Invited a patient",
    "invitation_used": "Joined with an invitation",
    "privacy_accepted": "Accepted the privacy notice",
    "record_opened": "Opened a patient's record",
    "program_changed": "Changed a program",
    "dose_changed": "Changed a dose",
    "clearance": "Recorded a clinician's clearance",
    "export": "Exported a record",
    "account_deleted": "Deleted an account",
    "sessions_revoked": "Signed out everywhere",
    "personal_imported": "Moved a personal record into an account",
}


def note(
    session: Session,
    ctx: AppContext,
    action: str,
    *,
    subject_id: int | None = None,
    subject_name: str = "",
    detail: str = "",
) -> None:
    """Add one entry on ``session`` (the use case's own, so it commits with the change).

    The actor is the context's; ``subject_id`` defaults to the record the context is about."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    repo = AccountRepository(session)
    subject = ctx.user_id if subject_id is None else subject_id
    if subject is not None and not subject_name:
        person = repo.get_user(subject)
        subject_name = person.name if person is not None else ""
    repo.add_event(
        at=ctx.clock.now(),
        action=action,
        actor_id=ctx.actor.user_id if ctx.actor is not None else None,
        actor_name=ctx.actor.name if ctx.actor is not None else "",
        subject_id=subject,
        subject_name=subject_name,
        detail=detail,
        address=ctx.address,
    )


def list_events(
    ctx: AppContext,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Audit entries, newest first, filtered. Admins only (NotAllowed otherwise)."""
    if ctx.actor is None or not can_manage_accounts(ctx.actor):
        raise NotAllowed("Only an administrator can read the audit log.")
    with ctx.session() as session:
        return AccountRepository(session).events(
            actor_id=actor_id,
            subject_id=subject_id,
            action=action,
            since=since,
            until=until,
            before_id=before_id,
            limit=limit,
        )
