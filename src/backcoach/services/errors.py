"""Errors a person can act on: the CLI prints the message in one line (exit 2), the web app shows it."""

from __future__ import annotations

__all__ = [
    "BackcoachError",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "NotSignedIn",
    "SafetyStop",
    "StorageUnavailable",
    "TooManyAttempts",
]


class BackcoachError(Exception):
    """Base for every error whose message is meant for the person using backcoach."""


class NotFound(BackcoachError):
    """An exercise, program or workout that does not exist."""


class InvalidInput(BackcoachError):
    """A value out of range or malformed (a dose, a pain rating, a file)."""


class StorageUnavailable(BackcoachError):
    """The database cannot be reached or opened."""


class SafetyStop(BackcoachError):
    """Workouts are stopped: a red flag is open until a clinician has cleared the person, or the
    safety questions must be answered (``screen_required``) first."""

    def __init__(self, message: str, *, screen_required: bool = False) -> None:
        super().__init__(message)
        self.screen_required = screen_required


class NotSignedIn(BackcoachError):
    """Nobody is signed in (or the session ended) where a signed-in person is needed."""


class NotAllowed(BackcoachError):
    """The person signed in may not do this or see this (another patient's record, an admin page)."""


class TooManyAttempts(BackcoachError):
    """Too many failed sign-ins: try again after ``retry_after_s`` seconds."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
