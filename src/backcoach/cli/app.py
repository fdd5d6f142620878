"""The ``backcoach`` command: a Typer app whose commands live in one module per area.

Each command module has ``register(app)``. Errors meant for the person
(``BackcoachError``) and mistakes on the command line (an unknown option, a word where a number
goes) print one line and exit with status 2, never a traceback or a boxed panel.
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
    users_cmd,
    worker_cmd,
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

for _module in (
    catalogue_cmd,
    program_cmd,
    workout_cmd,
    history_cmd,
    analyse_cmd,
    safety_cmd,
    serve_cmd,
    users_cmd,
    worker_cmd,
):
    _module.register(app)


def _usage_line(exc: typer.TyperException) -> str:
    """A command-line mistake as one line, with where to find the right way to write it."""
    message = exc.format_message().strip().replace("\n", " ")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (see: {ctx.command_path} --help)"
    return f"backcoach: {message}"


def main(args: list[str] | None = None) -> None:
    """Run the command line; exits with the command's status (2 for anything typed wrong)."""
    try:
        code = app(args=args, standalone_mode=False)
    except BackcoachError as exc:
        print(f"backcoach: {exc}", file=sys.stderr)
        sys.exit(2)
    except typer.TyperException as exc:  # click's usage errors: an unknown option, a bad number
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help is already on the screen
            sys.exit(exc.exit_code)
        print(_usage_line(exc), file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:  # Ctrl-C or the end of input at a question
        print("\nStopped.", file=sys.stderr)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
