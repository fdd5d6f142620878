"""What an analyser says after each frame: counts, phase, holds, findings, framing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from backcoach.motion.landmarks import PoseFrame

__all__ = [
    "Analyser",
    "Feedback",
    "Finding",
    "FramingProblem",
    "Hold",
    "Severity",
]

Severity = Literal["info", "warning", "error"]

# Framing problem codes (the words a person sees live in the catalogue / templates).
FRAMING_CODES = ("no_person", "partly_out_of_frame", "not_side_on", "too_small")


@dataclass(frozen=True)
class Finding:
    """A form fault seen at ``t_ms`` (a code such as ``hips_sagging``)."""

    code: str
    severity: Severity
    t_ms: float
    side: str | None = None
    value: float | None = None


@dataclass(frozen=True)
class FramingProblem:
    """Something about the camera view that stops the coach from seeing well."""

    code: str
    t_ms: float


@dataclass(frozen=True)
class Hold:
    """A hold interval in ms from the start; ``end_ms`` is None while it goes on."""

    start_ms: float
    end_ms: float | None
    side: str | None = None

    def held_s(self, now_ms: float) -> float:
        end = self.end_ms if self.end_ms is not None else now_ms
        return max(0.0, (end - self.start_ms) / 1000.0)


@dataclass(frozen=True)
class Feedback:
    """The analyser's view after one frame.

    ``reps`` maps a side ("left", "right") or "both" to completed reps.
    ``new_reps`` lists the sides whose count went up at this frame (one entry a rep).
    ``holds`` are all holds so far (the last may be open); ``hold_started`` /
    ``hold_ended`` flag that one began or ended at this frame.
    ``findings`` are the faults seen at this frame (new ones only), ``framing``
    the framing problems now. ``confidence`` (0..1) says how much the counts can be
    trusted; ``camera_counts`` is False when the exercise cannot be seen by a
    camera and the analyser is only a guided timer.
    """

    t_ms: float
    exercise: str
    phase: str
    reps: dict[str, int]
    new_reps: tuple[str, ...] = ()
    holds: tuple[Hold, ...] = ()
    hold_started: bool = False
    hold_ended: bool = False
    findings: tuple[Finding, ...] = ()
    framing: tuple[FramingProblem, ...] = ()
    confidence: float = 0.0
    camera_counts: bool = True
    extras: dict[str, float] = field(default_factory=dict)

    @property
    def total_reps(self) -> int:
        return sum(self.reps.values())


class Analyser(Protocol):
    """A streaming analyser of one exercise: one call per frame, time from the frame."""

    exercise: str

    def update(self, frame: PoseFrame) -> Feedback: ...
