"""The ``backcoach`` command: a Typer app whose commands live in one module per area.

Each command module has ``register(app)``. Errors meant for the person
(``BackcoachError``) print one line and exit with status 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from backcoach.cli import (
    analyse_cmd,
    catalogue_cmd,
    history_cmd,
    program_cmd,
    safety_cmd,
    serve_cmd,
    workout_cmd,
)
from backcoach.services.errors import BackcoachError

__all__ = ["app", "main"]

app = typer.Typer(
    name="backcoach",
    help="A coach at home for lower back pain core exercises. Not a diagnosis: see a clinician if in doubt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (catalogue_cmd, program_cmd, workout_cmd, history_cmd, analyse_cmd, safety_cmd, serve_cmd):
    _module.register(app)


def main() -> None:
    try:
        app(standalone_mode=True)
    except BackcoachError as exc:
        print(f"backcoach: {exc}", file=sys.stderr)
        sys.exit(2)
