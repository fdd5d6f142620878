"""Live camera coaching: one :class:`LiveCoach` per camera connection.

The coach turns each pose frame (landmarks from the person's browser, which runs pose itself,
or the pose the server's estimator pool found in a camera JPEG) into a :class:`LiveReply`:
the reps and hold seconds of the set being done, new cues in the catalogue's words and
framing help. Every rep or hold is stored the moment it is counted, as one set row per step
(``record_set`` with source ``camera`` and a stable ``client_id``), so a server killed mid-set
loses nothing already counted; a new coach on the same set carries on from the stored numbers.

Analysing a frame (:meth:`LiveCoach.analyse`) does no I/O and costs about 0.1 ms, so the web
layer runs it on its event loop; only the rare frame that changes what is stored needs
:meth:`LiveCoach.store` (the database), which it runs in a thread. A coach is not thread-safe:
one caller at a time. Frames are only held in memory, never written to disk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from backcoach.domain.exercises import Exercise
from backcoach.motion.feedback import Analyser, Feedback, Hold
from backcoach.motion.landmarks import LANDMARK_COUNT, PoseFrame
from backcoach.motion.registry import create_analyser, default_thresholds
from backcoach.services.catalogue import get_exercise
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.safety import ensure_can_exercise
from backcoach.services.workouts import record_set, stored_step

__all__ = [
    "FRAMING_WORDS",
    "MAX_IMAGE_SIDE_PX",
    "LiveCoach",
    "LiveCue",
    "LiveReply",
    "LiveSet",
    "camera_client_id",
    "check_image_size",
    "parse_landmarks",
]

# What a person is told for each framing problem code of the motion engine.
FRAMING_WORDS: dict[str, str] = {
    "no_person": "We can't see you",
    "partly_out_of_frame": "Step back so your feet are in view",
    "not_side_on": "Turn side-on to the camera",
    "too_small": "Move closer",
}

# While a hold goes on, its seconds so far are stored at most this often.
_HOLD_STORE_EVERY_MS = 1000.0
# A hold that began this soon after the step's first frame was a start already in position.
_ALREADY_IN_POSITION_MS = 500.0
# The same cue is not repeated sooner than this.
_CUE_COOLDOWN_MS = 5000.0


# The largest camera image side a client may report (a 4K camera held either way).
MAX_IMAGE_SIDE_PX = 4096
_LANDMARKS_MESSAGE = f"lm must be null or {LANDMARK_COUNT} lists of 4 numbers"


def _pixels(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_IMAGE_SIDE_PX:
        raise InvalidInput(
            f"width and height must be the camera image's size in pixels (1 to {MAX_IMAGE_SIDE_PX}):"
            " every angle depends on it"
        )
    return value


def check_image_size(width: object, height: object) -> tuple[int, int]:
    """The camera image's (width, height) in pixels, which every angle needs; InvalidInput if unusable."""
    return _pixels(width), _pixels(height)


def camera_client_id(workout_id: int, exercise_id: str, set_number: int, side: str | None) -> str:
    """The camera's own stable id of the set row for one step (when the player gives none)."""
    return f"camera:{workout_id}:{exercise_id}:{set_number}:{side or 'none'}"


def parse_landmarks(raw: object) -> npt.NDArray[np.float64] | None:
    """33 x [x, y, z, visibility] from JSON (or None for "no person"); InvalidInput otherwise.

    numpy checks the shape and the numbers in one pass (a Python loop over the 132 values
    cost more than the analyser itself).
    """
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != LANDMARK_COUNT:
        raise InvalidInput(_LANDMARKS_MESSAGE)
    try:
        points = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError):  # text, null or a ragged row among the numbers
        raise InvalidInput(_LANDMARKS_MESSAGE) from None
    if points.shape != (LANDMARK_COUNT, 4) or not np.isfinite(points).all():
        raise InvalidInput(_LANDMARKS_MESSAGE)
    return points


@dataclass(frozen=True)
class LiveSet:
    """The step the camera is counting, and what is stored for it so far.

    ``reps`` counts reps, or holds for a hold exercise; ``hold_s`` is the seconds per hold.
    """

    workout_id: int
    exercise_id: str
    exercise_name: str
    set_number: int
    side: str | None
    kind: str
    reps: int
    hold_s: float
    camera_counts: bool
    client_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "workout_id": self.workout_id,
            "exercise_id": self.exercise_id,
            "exercise_name": self.exercise_name,
            "set_number": self.set_number,
            "side": self.side,
            "kind": self.kind,
            "reps": self.reps,
            "hold_s": round(self.hold_s, 1),
            "camera_counts": self.camera_counts,
            "client_id": self.client_id,
        }


@dataclass(frozen=True)
class LiveCue:
    """A form fault seen now, with the words the person is told."""

    code: str
    cue: str
    severity: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "cue": self.cue, "severity": self.severity}


@dataclass(frozen=True)
class LiveReply:
    """The coach's answer to one frame.

    ``reps`` is the set's count so far (stored + counted by this coach) for the step's side;
    for a hold exercise it counts holds. ``new_reps`` are the reps counted at this frame.
    ``hold_s`` is the seconds of the hold going on now (0 when none), ``set_hold_s`` the
    seconds held per hold in the set, ``hold_ended_s`` the length of a hold that ended at this
    frame (None otherwise). ``cues`` are new form cues in the catalogue's words, ``framing``
    the framing help now. ``landmarks`` are (x, y, visibility) per landmark for drawing, or
    None when nobody is seen. ``stored`` says this frame's count was written to the database.
    """

    frame_id: int | None
    t_ms: float
    exercise_id: str
    phase: str
    reps: int
    new_reps: int
    holding: bool
    hold_s: float
    holds_done: int
    set_hold_s: float
    cues: tuple[LiveCue, ...]
    framing: tuple[str, ...]
    confidence: float
    camera_counts: bool
    stored: bool
    landmarks: tuple[tuple[float, float, float], ...] | None = None
    reps_by_side: dict[str, int] = field(default_factory=dict)
    hold_ended_s: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "feedback",
            "frame_id": self.frame_id,
            "t_ms": round(self.t_ms, 1),
            "exercise_id": self.exercise_id,
            "phase": self.phase,
            "reps": self.reps,
            "new_reps": self.new_reps,
            "reps_by_side": self.reps_by_side,
            "holding": self.holding,
            "hold_s": round(self.hold_s, 1),
            "holds_done": self.holds_done,
            "hold_ended_s": None if self.hold_ended_s is None else round(self.hold_ended_s, 1),
            "set_hold_s": round(self.set_hold_s, 1),
            "cues": [cue.to_json() for cue in self.cues],
            "framing": list(self.framing),
            "confidence": round(self.confidence, 2),
            "camera_counts": self.camera_counts,
            "stored": self.stored,
            "landmarks": None if self.landmarks is None else [list(p) for p in self.landmarks],
        }


def _skeleton(frame: PoseFrame) -> tuple[tuple[float, float, float], ...] | None:
    if frame.landmarks is None:
        return None
    return tuple(
        (round(float(x), 4), round(float(y), 4), round(float(v), 2)) for x, y, _z, v in frame.landmarks
    )


def _analyser_thresholds(exercise: Exercise) -> dict[str, float]:
    """The catalogue's form-check limits, for the names this exercise's analyser knows."""
    known = default_thresholds(exercise.id)
    return {c.threshold_name: c.threshold_value for c in exercise.form_checks if c.threshold_name in known}


class LiveCoach:
    """Counts and coaches one camera stream, storing each rep and hold as it happens.

    Call :meth:`start` for each step (exercise, set, side), then :meth:`handle_jpeg` or
    :meth:`handle_landmarks` per frame, :meth:`stop` when the step ends and :meth:`close`
    when the connection goes. The camera writes only while it counts: once the player has
    moved on (stop, or a new start), the set's final numbers are the player's.
    """

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx
        self._set: LiveSet | None = None
        self._exercise: Exercise | None = None
        self._analyser: Analyser | None = None
        # stored before this coach started (a resumed set), added to what this coach counts
        self._base_reps = 0
        self._base_hold_total_s = 0.0
        self._t0_ms: float | None = None
        self._last_t_ms = -math.inf
        self._last_stored: tuple[int, float] = (0, 0.0)
        self._latest: tuple[int, float, float] = (0, 0.0, 0.0)
        self._last_hold_store_ms = -math.inf
        self._cue_last_ms: dict[str, float] = {}
        # (reps, hold seconds per hold, total seconds held) that analyse() found worth storing
        self._due: tuple[int, float, float] | None = None

    @property
    def current_set(self) -> LiveSet | None:
        return self._set

    # ---- steps ------------------------------------------------------------------------

    def start(
        self,
        workout_id: int,
        exercise_id: str,
        set_number: int,
        side: str | None,
        *,
        client_id: str | None = None,
    ) -> LiveSet:
        """Begin counting one step; the set's stored numbers (if any) are carried on from.

        ``client_id`` is the player's id of this set's row, so the camera and the player's
        +/- buttons fill one row; without it the camera's own stable id is used.
        Raises NotFound for an unknown workout or exercise, InvalidInput for a bad set or side,
        SafetyStop (with the advice) while a red flag is open.
        """
        if isinstance(set_number, bool) or not 1 <= set_number <= 100:
            raise InvalidInput("set_number must be a whole number from 1 to 100")
        if side not in (None, "left", "right"):
            raise InvalidInput('side must be "left", "right" or null')
        if client_id is not None and not 1 <= len(client_id) <= 100:
            raise InvalidInput("client_id must be 1 to 100 characters")
        exercise = get_exercise(self._ctx, exercise_id)
        # A red flag raised mid-workout (pain spreading down a leg...) stops the camera coach too.
        ensure_can_exercise(self._ctx)
        row_id = client_id or camera_client_id(workout_id, exercise.id, set_number, side)
        status, stored = stored_step(self._ctx, workout_id, row_id)
        if status != "in_progress":
            raise InvalidInput("this workout is already over: start or resume one to use the camera")
        self._base_reps = stored.reps if stored else 0
        self._base_hold_total_s = stored.total_hold_s if stored else 0.0
        self._exercise = exercise
        self._analyser = create_analyser(exercise.id, _analyser_thresholds(exercise))
        self._t0_ms = None
        self._last_t_ms = -math.inf
        self._last_stored = (self._base_reps, self._base_hold_total_s)
        self._latest = (self._base_reps, stored.hold_s if stored else 0.0, self._base_hold_total_s)
        self._last_hold_store_ms = -math.inf
        self._cue_last_ms = {}
        self._due = None
        self._set = LiveSet(
            workout_id=workout_id,
            exercise_id=exercise.id,
            exercise_name=exercise.name,
            set_number=set_number,
            side=side,
            kind=exercise.dosage.kind,
            reps=self._base_reps,
            hold_s=stored.hold_s if stored else 0.0,
            camera_counts=exercise.camera_counts,
            client_id=row_id,
        )
        return self._set

    def stop(self) -> LiveSet | None:
        """End the step. Nothing more is written: the player has just saved the set's final
        numbers (perhaps with the person's own corrections). Returns the set as the camera stored it."""
        finished = self._set
        self._set = None
        self._analyser = None
        self._exercise = None
        self._due = None
        return finished

    def close(self) -> None:
        """The connection went away mid-step: store what is due and an open hold's last seconds."""
        self.store()
        self._finish_open_hold()
        self.stop()

    # ---- frames -----------------------------------------------------------------------

    def handle_landmarks(
        self, lm: object, t_ms: float, frame_id: int | None = None, *, width: int, height: int
    ) -> LiveReply:
        """A frame whose pose the client found itself (or a recorded trace), on an image of
        ``width`` x ``height`` pixels (landmarks are fractions of it: the angles need its shape)."""
        self._require_set()
        width, height = check_image_size(width, height)
        return self.handle_frame(PoseFrame(float(t_ms), parse_landmarks(lm), width, height), frame_id)

    def handle_frame(self, frame: PoseFrame, frame_id: int | None = None) -> LiveReply:
        """Analyse one pose frame, store any new rep or hold, and say what to show."""
        reply = self.analyse(frame, frame_id)
        self.store()
        return reply

    @property
    def store_due(self) -> bool:
        """The last analysed frame changed what is stored: call :meth:`store` before replying."""
        return self._due is not None

    def store(self) -> None:
        """Write what the last analysed frame counted (a new rep or hold, a hold's seconds); blocking."""
        if self._due is None or self._set is None:
            return
        reps, per_hold_s, total_hold_s = self._due
        self._write(reps, per_hold_s)
        self._last_stored = (reps, total_hold_s)
        self._due = None

    def analyse(
        self, frame: PoseFrame, frame_id: int | None = None, *, echo_landmarks: bool = False
    ) -> LiveReply:
        """Analyse one pose frame and say what to show; no I/O (see :meth:`store`).

        ``echo_landmarks`` puts the skeleton in the reply, for a client that did not find
        the pose itself. ``stored`` in the reply means :meth:`store` has something to write.
        """
        live_set = self._require_set()
        assert self._analyser is not None and self._exercise is not None
        if not math.isfinite(frame.t_ms) or frame.t_ms <= self._last_t_ms:
            raise InvalidInput("frame times must go up from one frame to the next")
        self._last_t_ms = frame.t_ms
        if self._t0_ms is None:
            self._t0_ms = frame.t_ms
        # The analyser's clock starts at the step's first frame.
        rel_ms = frame.t_ms - self._t0_ms
        feedback = self._analyser.update(PoseFrame(rel_ms, frame.landmarks, frame.width, frame.height))
        reps, set_hold_s, total_hold_s, open_hold = self._set_numbers(feedback, live_set)
        self._latest = (reps, set_hold_s, total_hold_s)
        stored = self._mark_if_changed(reps, set_hold_s, total_hold_s, open_hold is not None, rel_ms)
        hold_now = open_hold.held_s(rel_ms) if open_hold is not None else 0.0
        closed = [h for h in self._side_holds(feedback, live_set) if h.end_ms is not None]
        hold_ended_s = closed[-1].held_s(rel_ms) if feedback.hold_ended and closed else None
        return LiveReply(
            frame_id=frame_id,
            t_ms=frame.t_ms,
            exercise_id=live_set.exercise_id,
            phase=feedback.phase,
            reps=reps,
            new_reps=self._new_reps_for(feedback, live_set),
            holding=open_hold is not None,
            hold_s=hold_now,
            holds_done=len(closed),
            set_hold_s=set_hold_s,
            cues=self._cues(feedback, rel_ms),
            framing=tuple(FRAMING_WORDS.get(p.code, p.code) for p in feedback.framing),
            confidence=feedback.confidence,
            camera_counts=feedback.camera_counts,
            stored=stored,
            landmarks=_skeleton(frame) if echo_landmarks else None,
            reps_by_side=dict(feedback.reps),
            hold_ended_s=hold_ended_s,
        )

    # ---- internals --------------------------------------------------------------------

    def _require_set(self) -> LiveSet:
        if self._set is None:
            raise InvalidInput('send {"type": "start", ...} with the workout and exercise before frames')
        return self._set

    @staticmethod
    def _side_holds(feedback: Feedback, live_set: LiveSet) -> list[Hold]:
        if live_set.side is None:
            return list(feedback.holds)
        return [h for h in feedback.holds if h.side in (None, live_set.side)]

    @staticmethod
    def _new_reps_for(feedback: Feedback, live_set: LiveSet) -> int:
        if live_set.side is None or live_set.side not in feedback.reps:
            return len(feedback.new_reps)
        return sum(1 for side in feedback.new_reps if side == live_set.side)

    def _set_numbers(self, feedback: Feedback, live_set: LiveSet) -> tuple[int, float, float, Hold | None]:
        """(reps, hold seconds per hold, total seconds held, the open hold) of the set so far."""
        now_ms = feedback.t_ms
        holds = self._side_holds(feedback, live_set)
        open_hold = next((h for h in reversed(holds) if h.end_ms is None), None)
        held_total_s = sum(h.held_s(now_ms) for h in holds)
        if live_set.kind == "hold":
            count = self._base_reps + len(holds)
            total_s = self._base_hold_total_s + held_total_s
        else:
            if live_set.side is not None and live_set.side in feedback.reps:
                counted = feedback.reps[live_set.side]
            else:
                counted = feedback.total_reps
            count = self._base_reps + counted
            total_s = self._base_hold_total_s
            assert self._exercise is not None
            if self._exercise.dosage.hold_s > 0:
                # Reps held at the top (superman, cat stretch): the finished holds. A hold the
                # person was already in when the camera started is not a rep's hold.
                reps_holds = [
                    h for h in holds if h.end_ms is not None and h.start_ms > _ALREADY_IN_POSITION_MS
                ]
                total_s += sum(h.held_s(now_ms) for h in reps_holds)
        per_hold_s = total_s / count if count and total_s else 0.0
        return count, per_hold_s, total_s, open_hold

    def _mark_if_changed(
        self, reps: int, per_hold_s: float, total_hold_s: float, holding: bool, rel_ms: float
    ) -> bool:
        """Note the numbers for :meth:`store` when they moved enough to be worth a write."""
        last_reps, last_total_s = self._due[0::2] if self._due is not None else self._last_stored
        if reps == last_reps and abs(total_hold_s - last_total_s) < 0.05:
            return self._due is not None
        # An open hold's growing seconds are stored once a second, a new rep or hold at once.
        if reps == last_reps and holding and rel_ms - self._last_hold_store_ms < _HOLD_STORE_EVERY_MS:
            return self._due is not None
        self._due = (reps, per_hold_s, total_hold_s)
        self._last_hold_store_ms = rel_ms
        return True

    def _write(self, reps: int, per_hold_s: float) -> None:
        live_set = self._require_set()
        record_set(
            self._ctx,
            live_set.workout_id,
            exercise_id=live_set.exercise_id,
            set_number=live_set.set_number,
            side=live_set.side,
            reps=reps,
            hold_s=round(per_hold_s, 1),
            source="camera",
            client_id=live_set.client_id,
            camera_reps=reps,
        )
        self._set = replace(live_set, reps=reps, hold_s=per_hold_s)

    def _finish_open_hold(self) -> None:
        """Store the last frame's numbers if they moved since the last write (an open hold's seconds)."""
        if self._set is None:
            return
        reps, per_hold_s, total_s = self._latest
        last_reps, last_total_s = self._last_stored
        if reps != last_reps or abs(total_s - last_total_s) >= 0.05:
            self._write(reps, per_hold_s)
            self._last_stored = (reps, total_s)

    def _cues(self, feedback: Feedback, rel_ms: float) -> tuple[LiveCue, ...]:
        assert self._exercise is not None
        cues: list[LiveCue] = []
        for finding in feedback.findings:
            check = self._exercise.form_check(finding.code)
            if check is None:
                continue
            last = self._cue_last_ms.get(finding.code, -math.inf)
            if rel_ms - last < _CUE_COOLDOWN_MS:
                continue
            self._cue_last_ms[finding.code] = rel_ms
            cues.append(LiveCue(finding.code, check.cue, finding.severity))
        return tuple(cues)
