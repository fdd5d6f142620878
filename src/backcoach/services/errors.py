"""Errors a person can act on: the CLI prints the message in one line (exit 2), the web app shows it."""

from __future__ import annotations

__all__ = ["BackcoachError", "InvalidInput", "NotFound", "SafetyStop", "StorageUnavailable"]


class BackcoachError(Exception):
    """Base for every error whose message is meant for the person using backcoach."""


class NotFound(BackcoachError):
    """An exercise, program or workout that does not exist."""


class InvalidInput(BackcoachError):
    """A value out of range or malformed (a dose, a pain rating, a file)."""


class StorageUnavailable(BackcoachError):
    """The database cannot be reached or opened."""


class SafetyStop(BackcoachError):
    """A red flag is open: workouts are stopped until a clinician has cleared the person."""
