"""Spoken cues for the guided workout: espeak-ng in a child process, never blocking the workout.

Owns starting, cutting off and cleaning up the speech process; says nothing when the voice is off
(``BACKCOACH_VOICE``) or espeak-ng is not installed.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess

__all__ = ["Voice"]


class Voice:
    """Spoken cues through espeak-ng, when it is installed and the voice is on. Never blocks:
    a new cue cuts off one still being said."""

    def __init__(self, enabled: bool) -> None:
        self.program = shutil.which("espeak-ng") if enabled else None
        self._speaking: subprocess.Popen[bytes] | None = None

    @property
    def enabled(self) -> bool:
        return self.program is not None

    def say(self, text: str) -> None:
        if self.program is None:
            return
        self._stop()
        with contextlib.suppress(OSError):
            self._speaking = subprocess.Popen(
                [self.program, "-s", "150", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )

    def _stop(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
        self._speaking = None

    def close(self, *, wait: bool = True) -> None:
        """Let the last cue finish (briefly, unless ``wait`` is False: after Ctrl-C the person wants
        the terminal back at once), then make sure nothing is left running."""
        if wait and self._speaking is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._speaking.wait(timeout=3)
        self._stop()
