"""Building the settings and the application context for a CLI command, from the environment.

A bad ``BACKCOACH_*`` value becomes one line naming the variable (exit status 2), never a
pydantic traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from backcoach.config import Settings
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput

__all__ = ["app_context", "load_settings"]


def load_settings() -> Settings:
    """Settings from the ``BACKCOACH_*`` environment variables; InvalidInput (one line) when one is bad."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
        if not first.get("loc"):  # a rule about several settings together: its message says it all
            raise InvalidInput(message) from None
        field = str(first["loc"][0])
        value = first.get("input")
        raise InvalidInput(f"BACKCOACH_{field.upper()}={value!s}: {message}") from None


@contextmanager
def app_context(settings: Settings | None = None) -> Iterator[AppContext]:
    """An open application context for one command, closed at the end."""
    ctx = open_app(settings or load_settings())
    try:
        yield ctx
    finally:
        ctx.close()
