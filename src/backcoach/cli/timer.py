"""Workout time in the terminal: countdown bars that follow the context's clock, and pausing.

Owns the clock side of the guided workout: a countdown runs in workout time (the injected clock,
sped up by ``BACKCOACH_CLOCK_SPEED``) while looking at the keys every ``TICK_S`` real seconds;
p pauses and stops the clock, s or Enter may end it early, q quits, h asks about the pain while
the clock waits.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.console import Console, Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.text import Text

from backcoach.cli.interruptions import QuitWorkout, SkipStep
from backcoach.cli.keys import ENTER, HURT_KEYS, QUIT_KEYS, KeyReader
from backcoach.cli.voice import Voice
from backcoach.services.context import Clock

__all__ = ["TICK_S", "Timer"]

# How often the countdowns look at the keys and redraw, in real seconds.
TICK_S = 0.1


class _Hurt(Exception):
    """The person pressed h during a countdown; carries the seconds left."""

    def __init__(self, remaining_s: float) -> None:
        super().__init__(remaining_s)
        self.remaining_s = remaining_s


class Timer:
    """Countdowns with a bar, and the pause, for one workout in the terminal."""

    def __init__(self, console: Console, keys: KeyReader, voice: Voice, clock: Clock, speed: float) -> None:
        self.console = console
        self.keys = keys
        self.voice = voice
        self.clock = clock
        self.speed = speed

    def pause(self) -> None:
        """Wait, clock stopped, until p (or Enter) carries on; q quits."""
        self.voice.say("Paused.")
        while True:
            key = self.keys.read(None)
            if key in QUIT_KEYS:
                raise QuitWorkout()
            if key in ("p", ENTER):
                self.console.print("Carrying on.")
                return

    def count_down(
        self, label: str, seconds: float, *, on_hurt: Callable[[], None], enter_ends: bool = False
    ) -> None:
        """Count ``seconds`` of workout time down with a bar; p pauses, s (or Enter when
        ``enter_ends``) ends it early by raising SkipStep / returning, q raises QuitWorkout, h calls
        ``on_hurt`` (the clock waits) and carries on, unless ``on_hurt`` raises."""
        remaining_s = seconds
        while True:
            try:
                self._count_down(label, seconds, remaining_s, enter_ends=enter_ends)
                return
            except _Hurt as hurt:
                remaining_s = hurt.remaining_s
                on_hurt()

    def _count_down(self, label: str, seconds: float, remaining_s: float, *, enter_ends: bool) -> None:
        if remaining_s <= 0:
            return
        end = self.clock.monotonic() + remaining_s
        hint = "Enter to go on, " if enter_ends else ""
        bar = ProgressBar(total=seconds, completed=0, width=30)

        def view(remaining: float) -> Group:
            bar.update(seconds - remaining)
            shown = math.ceil(max(0.0, remaining) - 1e-6)  # a countdown shows 1 until the very end
            return Group(Text(f"{label}: {shown:4d} s left  ({hint}p pause, s skip, q quit)"), bar)

        # Transient, and left before any question (h), so the bar never fights with a prompt.
        with Live(view(remaining_s), console=self.console, refresh_per_second=10, transient=True) as live:
            while True:
                remaining = end - self.clock.monotonic()
                if remaining <= 0:
                    break
                live.update(view(remaining))
                key = self.keys.read(min(TICK_S, remaining / self.speed))
                if key in QUIT_KEYS:
                    raise QuitWorkout()
                if key == "s":
                    if enter_ends:
                        return
                    raise SkipStep()
                if key == ENTER and enter_ends:
                    return
                if key in HURT_KEYS:
                    raise _Hurt(remaining)
                if key == "p":
                    paused_at = self.clock.monotonic()
                    live.update(Group(Text(f"{label}: paused - press p to carry on"), bar))
                    self.pause()
                    end += self.clock.monotonic() - paused_at
