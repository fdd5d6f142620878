"""Rep counting and hold timing from a per-frame signal, with hysteresis.

- :class:`Hysteresis`: in / out of a zone with separate enter and exit thresholds, so a
  signal wobbling around one line never flips the state.
- :class:`RepCounter`: a rep is counted when the target zone is reached from the start
  zone. The start state is decided from the first confident frames, so a clip (or a
  camera) that begins at the target does not count that first, partial rep; pulses that
  never leave the target, and half lifts that never reach it, are not reps.
- :class:`SpeedTracker`: how fast a signal changes (units per second over a short window),
  to tell a person settled in a position from one passing through it.
- :class:`PeakTracker`: the best values reached during one visit to the target, handed
  over once per visit, so form is judged on the whole rep rather than on a passing frame.
- :class:`HoldTracker`: hold intervals from an in-position flag, with a minimum hold time
  and a minimum gap before a hold ends, so a brief wobble does not split one hold.

Thresholds work in either direction: when ``enter`` is above ``exit`` the target is high
values, otherwise low values. Times are the frames' ``t_ms``.
"""

from __future__ import annotations

import math
from collections import deque

from backcoach.motion.feedback import Hold

__all__ = ["HoldTracker", "Hysteresis", "PeakTracker", "RepCounter", "SpeedTracker"]


class Hysteresis:
    """Whether a signal is in a zone: enter at ``enter``, leave only past ``exit``.

    ``state`` is None until a value lands clearly on one side (at or beyond ``enter``,
    or at or beyond ``exit``); a first value between the two says nothing yet.
    """

    def __init__(self, enter: float, exit: float) -> None:
        if enter == exit:
            raise ValueError("enter and exit must differ (the gap between them is the hysteresis)")
        self.enter = enter
        self.exit = exit
        self.high = enter > exit
        self.state: bool | None = None

    def reached(self, value: float) -> bool:
        """True when ``value`` is at or beyond the enter threshold."""
        return value >= self.enter if self.high else value <= self.enter

    def left(self, value: float) -> bool:
        """True when ``value`` is at or beyond the exit threshold (out of the zone)."""
        return value <= self.exit if self.high else value >= self.exit

    def update(self, value: float | None) -> bool | None:
        """Feed one value (None or NaN: unknown, the state is kept) and return the state."""
        if value is None or math.isnan(value):
            return self.state
        if self.state is not True and self.reached(value):
            self.state = True
        elif self.state is not False and self.left(value):
            self.state = False
        return self.state


class RepCounter:
    """Counts reps of a movement from a start zone to a target zone and back.

    ``enter`` / ``exit`` bound the target zone (see :class:`Hysteresis`). The counter
    starts ``unknown`` and settles on ``start`` or ``target`` once ``start_frames``
    confident frames in a row lie in one zone; a first settle on ``target`` is not a rep.
    A rep is counted on reaching the target from ``start``, unless it comes sooner than
    ``min_rep_ms`` after the previous one (then it is taken for noise).

    Optionally the zones are also relative to the movement itself, for people who do not
    go all the way back between reps: with ``rise`` the target is also reached by moving
    that far towards it from the lowest point since leaving it, and with ``drop`` it is
    also left by moving that far back from the best point reached in it.

    ``phase`` names the current phase with ``phase_names`` = (at start, moving towards
    the target, at target, moving back), e.g. ("down", "rising", "top", "lowering").
    """

    def __init__(
        self,
        enter: float,
        exit: float,
        min_rep_ms: float = 600.0,
        start_frames: int = 2,
        phase_names: tuple[str, str, str, str] = ("down", "rising", "top", "lowering"),
        rise: float | None = None,
        drop: float | None = None,
    ) -> None:
        self.zone = Hysteresis(enter, exit)
        self.rise = rise
        self.drop = drop
        self._extreme = math.nan  # lowest since leaving the target, or best since reaching it
        self._been_out = True  # out past the exit threshold since the last time at the target
        self.min_rep_ms = min_rep_ms
        self.start_frames = max(1, start_frames)
        self.phase_names = phase_names
        self.state = "unknown"
        self.count = 0
        self.phase = "unknown"
        self.last_rep_ms = -math.inf
        self.rep_times_ms: list[float] = []
        self._pending: str | None = None
        self._pending_frames = 0

    def _settle(self, value: float) -> None:
        zone = "target" if self.zone.reached(value) else "start" if self.zone.left(value) else None
        if zone is None or zone != self._pending:
            self._pending = zone
            self._pending_frames = 1 if zone is not None else 0
        else:
            self._pending_frames += 1
        if self._pending is not None and self._pending_frames >= self.start_frames:
            self.state = self._pending
            self.zone.state = self.state == "target"

    def _name_phase(self, value: float) -> str:
        at_start, towards, at_target, back = self.phase_names
        if self.state == "start":
            if self.zone.left(value) or (self.rise is not None and value == self._extreme):
                return at_start
            return towards
        if self.state == "target":
            if self.zone.reached(value) or (self.drop is not None and value == self._extreme):
                return at_target
            return back
        return "unknown"

    def update(self, value: float | None, t_ms: float) -> bool:
        """Feed one value (None / NaN when not seen); True when a rep was completed now."""
        if value is None or math.isnan(value):
            return False
        counted = False
        if self.state == "unknown":
            self._settle(value)
        else:
            sign = 1.0 if self.zone.high else -1.0
            if self.state == "start":
                if math.isnan(self._extreme) or sign * value < sign * self._extreme:
                    self._extreme = value
                if self.zone.left(value):
                    self._been_out = True
                risen = self.rise is not None and sign * (value - self._extreme) >= self.rise
                # the fixed zone re-arms only once the value was out past the exit threshold
                if (self.zone.reached(value) and self._been_out) or risen:
                    self._been_out = False
                    self.state, self.zone.state, self._extreme = "target", True, value
                    if t_ms - self.last_rep_ms >= self.min_rep_ms:
                        self.count += 1
                        self.last_rep_ms = t_ms
                        self.rep_times_ms.append(t_ms)
                        counted = True
            else:
                if math.isnan(self._extreme) or sign * value > sign * self._extreme:
                    self._extreme = value
                dropped = self.drop is not None and sign * (self._extreme - value) >= self.drop
                if self.zone.left(value) or dropped:
                    self.state, self.zone.state, self._extreme = "start", False, value
                    self._been_out = self.zone.left(value)
        self.phase = self._name_phase(value)
        return counted


class HoldTracker:
    """Hold intervals from a per-frame in-position flag.

    A hold starts at the first frame in position and is confirmed (``started`` is
    reported) once it has lasted ``min_hold_ms``; a shorter visit to the position is no
    hold. It ends only after ``min_gap_ms`` out of position (or unseen), at the time it
    was first out, so a brief wobble or a dropped frame does not split it.
    """

    def __init__(
        self, min_hold_ms: float = 1000.0, min_gap_ms: float = 800.0, side: str | None = None
    ) -> None:
        self.min_hold_ms = min_hold_ms
        self.min_gap_ms = min_gap_ms
        self.side = side
        self.holds: list[Hold] = []
        self._start_ms: float | None = None  # candidate or confirmed hold start
        self._confirmed = False
        self._out_since_ms: float | None = None
        self._last_t_ms = 0.0

    @property
    def holding(self) -> bool:
        """True while a confirmed hold goes on."""
        return self._confirmed

    @property
    def active(self) -> bool:
        """True while in a hold, confirmed or not yet (and during a short gap in one)."""
        return self._start_ms is not None

    def current(self) -> Hold | None:
        """The confirmed hold going on now, if any (end None)."""
        if self._confirmed and self._start_ms is not None:
            return Hold(self._start_ms, None, self.side)
        return None

    def all_holds(self) -> tuple[Hold, ...]:
        """Finished holds, then the one going on."""
        now = self.current()
        return tuple(self.holds) + ((now,) if now is not None else ())

    def update(self, in_position: bool | None, t_ms: float) -> tuple[bool, bool]:
        """Feed one frame (None: not seen); returns (a hold was confirmed now, a hold ended now)."""
        self._last_t_ms = t_ms
        started = ended = False
        if in_position:
            if self._start_ms is None:
                self._start_ms = t_ms
            self._out_since_ms = None
            if not self._confirmed and t_ms - self._start_ms >= self.min_hold_ms:
                self._confirmed = started = True
            return started, ended
        if self._start_ms is None:
            return started, ended
        if self._out_since_ms is None:
            self._out_since_ms = t_ms
        if t_ms - self._out_since_ms >= self.min_gap_ms:
            if self._confirmed:
                self.holds.append(Hold(self._start_ms, self._out_since_ms, self.side))
                ended = True
            self._reset()
        return started, ended

    def _reset(self) -> None:
        self._start_ms = None
        self._confirmed = False
        self._out_since_ms = None

    def finish(self, t_ms: float | None = None) -> bool:
        """Close a hold still going on at ``t_ms`` (default: the last frame); True if one was closed."""
        end = self._last_t_ms if t_ms is None else t_ms
        if self._confirmed and self._start_ms is not None:
            stop = self._out_since_ms if self._out_since_ms is not None else end
            self.holds.append(Hold(self._start_ms, stop, self.side))
            self._reset()
            return True
        self._reset()
        return False


class SpeedTracker:
    """Speed of a signal in units per second, measured over the last ``window_ms``.

    Uses the oldest sample inside the window (or the one just before it, so that at a low
    frame rate there are still two samples); NaN values are skipped.
    """

    def __init__(self, window_ms: float = 300.0) -> None:
        self.window_ms = window_ms
        self._samples: deque[tuple[float, float]] = deque()
        self.speed = 0.0
        self.velocity = 0.0  # signed: units per second, positive when rising

    def update(self, value: float, t_ms: float) -> float:
        if math.isnan(value):
            return self.speed
        samples = self._samples
        samples.append((t_ms, value))
        while len(samples) > 2 and t_ms - samples[1][0] >= self.window_ms:
            samples.popleft()
        t0, v0 = samples[0]
        self.velocity = (value - v0) / ((t_ms - t0) / 1000.0) if t_ms > t0 else 0.0
        self.speed = abs(self.velocity)
        return self.speed


class PeakTracker:
    """The highest value of each named measure during one visit to the target position.

    :meth:`update` returns the peaks once per visit: after ``judge_after_ms`` in the target
    (so a cue can come while the position is held), or on leaving it sooner. NaN values
    are ignored.
    """

    def __init__(self, judge_after_ms: float = 2000.0) -> None:
        self.judge_after_ms = judge_after_ms
        self._since_ms: float | None = None
        self._peaks: dict[str, float] = {}
        self._judged = False

    def update(self, in_target: bool, t_ms: float, values: dict[str, float]) -> dict[str, float] | None:
        if in_target:
            if self._since_ms is None:
                self._since_ms, self._peaks, self._judged = t_ms, {}, False
            for name, value in values.items():
                if not math.isnan(value) and value > self._peaks.get(name, -math.inf):
                    self._peaks[name] = value
            if not self._judged and t_ms - self._since_ms >= self.judge_after_ms:
                self._judged = True
                return dict(self._peaks)
            return None
        if self._since_ms is None:
            return None
        self._since_ms = None
        if self._judged:
            return None
        self._judged = True
        return dict(self._peaks)
