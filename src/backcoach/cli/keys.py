"""Keys from the terminal, one at a time: cbreak mode (no Enter needed), a timeout, and typed lines.

Owns what a raw key is (``ENTER``, ``CTRL_D``, Backspace) and which keys mean quit or "it hurts"
everywhere in the guided workout. Works on a pipe too, so tests can feed real keys.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from typing import IO, Any

__all__ = ["BACKSPACE_KEYS", "CTRL_D", "ENTER", "HURT_KEYS", "QUIT_KEYS", "KeyReader"]

ENTER = "\n"
CTRL_D = "\x04"
BACKSPACE_KEYS = ("\x7f", "\b")
# q, or Ctrl-D / the end of input, quits.
QUIT_KEYS = ("q", CTRL_D)
# Keys that say "this hurts" during an exercise.
HURT_KEYS = ("h", "!")


class KeyReader:
    """Single keys from the terminal without waiting for Enter (cbreak mode), with a timeout.

    Works on a pipe too (keys arrive as they are written). The terminal is restored on exit.
    """

    def __init__(self, stream: IO[str] | None = None, echo: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdin
        self.echo = echo or sys.stdout
        self._saved: list[Any] | None = None
        try:
            self.fd: int | None = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None

    def __enter__(self) -> KeyReader:
        if self.fd is not None and os.isatty(self.fd):
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._saved is not None and self.fd is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout_s: float | None) -> str | None:
        """One key, or None when ``timeout_s`` (real seconds) passes first. Ctrl-D or end of input gives
        ``CTRL_D``; Enter and Return both give ``ENTER``."""
        if self.fd is None:
            char = self.stream.read(1)
        else:
            ready, _, _ = select.select([self.fd], [], [], timeout_s)
            if not ready:
                return None
            char = os.read(self.fd, 1).decode("utf-8", errors="ignore")
        if char == "":
            return CTRL_D
        return ENTER if char in ("\r", "\n") else char

    def read_line(self) -> str:
        """A line typed by the person, echoed as typed (Backspace works). Ctrl-D gives "q"."""
        typed: list[str] = []
        while True:
            key = self.read(None)
            if key == ENTER:
                self.write("\n")
                return "".join(typed)
            if key == CTRL_D:
                self.write("\n")
                return "q"
            if key in BACKSPACE_KEYS:
                if typed:
                    typed.pop()
                    self.write("\b \b")
            elif key and key.isprintable():
                typed.append(key)
                self.write(key)

    def write(self, text: str) -> None:
        """Echo ``text`` where the keys are shown (what the person typed, or the answer a key gave)."""
        self.echo.write(text)
        self.echo.flush()
