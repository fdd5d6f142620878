"""Accounts and who may see what: roles, the acting person, invitation codes, password rules, and
the authorization rules every route and service applies.

Pure rules. Three roles (clinic mode): a ``patient`` sees and changes only their own record; a
``physio`` (physiotherapist) only their own patients' records; an ``admin`` manages accounts and
reads the audit log, not clinical records, unless they are also that patient's physiotherapist.
Used alone (personal mode) there is one local person, a patient of no one, who needs no sign-in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = [
    "INVITATION_ALPHABET",
    "INVITATION_CODE_LENGTH",
    "PASSWORD_MAX_CHARS",
    "PASSWORD_MIN_CHARS",
    "ROLES",
    "Actor",
    "Role",
    "UserRecord",
    "can_manage_accounts",
    "can_read_record",
    "can_write_record",
    "check_password",
    "clean_email",
    "new_invitation_code",
    "normalise_code",
]

Role = Literal["patient", "physio", "admin"]
ROLES: tuple[Role, ...] = ("patient", "physio", "admin")

# 8 letters a person reads out and types without confusion (no I, L, O; capitals only).
INVITATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ"
INVITATION_CODE_LENGTH = 8
# NIST SP 800-63B: at least 8 characters, long passphrases allowed, no composition rules.
PASSWORD_MIN_CHARS = 10
PASSWORD_MAX_CHARS = 200
_TOO_COMMON = frozenset(
    {"password", "password1", "password123", "1234567890", "0123456789", "qwertyuiop", "backcoach"}
)


@dataclass(frozen=True)
class UserRecord:
    """An account: its role, name, sign-in e-mail and, for a patient, their physiotherapist.

    ``active`` is False for a patient invited who has not joined yet (no password set)."""

    id: int
    name: str
    role: Role
    email: str | None
    is_local: bool
    created_at: datetime
    physio_id: int | None = None
    active: bool = True
    privacy_accepted_at: datetime | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting in a request or a command: their account id, role and name."""

    user_id: int
    role: Role
    name: str
    is_local: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role in ("physio", "admin")


def can_read_record(actor: Actor, patient: UserRecord) -> bool:
    """Whether ``actor`` may see ``patient``'s clinical record: their own, or as their physiotherapist."""
    if patient.role != "patient":
        return False
    if actor.user_id == patient.id:
        return True
    return actor.is_staff and patient.physio_id == actor.user_id


def can_write_record(actor: Actor, patient: UserRecord) -> bool:
    """Who may change a patient's record: the same people who may read it."""
    return can_read_record(actor, patient)


def can_manage_accounts(actor: Actor) -> bool:
    """Adding physiotherapists, reading the audit log: admins only."""
    return actor.role == "admin"


def new_invitation_code() -> str:
    """A fresh 8-letter invitation code from ``INVITATION_ALPHABET`` (about 36 bits)."""
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_CODE_LENGTH))


def normalise_code(text: str) -> str:
    """An invitation code as typed ("abcd efgh", "ABCD-EFGH") in its stored form ("ABCDEFGH")."""
    return "".join(ch for ch in text.upper() if ch.isalpha())


def clean_email(text: str) -> str:
    """An e-mail address trimmed and lower-cased; ValueError in plain words when it cannot be one."""
    email = text.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > 254:
        raise ValueError("Please give an e-mail address such as name@example.org.")
    return email


def check_password(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """ValueError (in plain words) for a password that is too short, too long or too easy to guess."""
    if len(password) < PASSWORD_MIN_CHARS:
        raise ValueError(f"Please choose a password of at least {PASSWORD_MIN_CHARS} characters.")
    if len(password) > PASSWORD_MAX_CHARS:
        raise ValueError(f"A password can be at most {PASSWORD_MAX_CHARS} characters.")
    lowered = password.lower()
    guesses = set(_TOO_COMMON)
    if email:
        guesses.add(email.lower())
        guesses.add(email.lower().partition("@")[0])
    if name:
        guesses.add(name.lower().replace(" ", ""))
    if lowered in guesses or len(set(password)) < 4:
        raise ValueError("That password is too easy to guess: please choose another.")
