"""Analysing one recorded exercise: a video or a trace in, an ``AnalysisReport`` out.

The use case behind ``backcoach analyse`` (and the video benchmark):

- ``analyse_path``: video (through pose) or ``.trace.jsonl`` -> ``AnalysisReport``; optionally
  saves the landmarks as a trace and writes an annotated copy of the video.
- ``analyse_frames``: pose frames -> ``AnalysisReport``. Without an exercise id the
  recogniser names the exercise first (or says "unknown"), then the analyser runs.

It also holds what scoring on labelled clips (``services.evaluation``) builds on: reading a
recording's frames, naming the exercise, and the catalogue's thresholds and cue words.

Video frames are processed one at a time and dropped; only the small pose frames are kept.
An annotated video is made by reading the video a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcoach.motion.feedback import Feedback
from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.registry import ANALYSED_EXERCISES, create_analyser, default_thresholds
from backcoach.motion.scoring import UNKNOWN_EXERCISE
from backcoach.motion.traces import TraceError, TraceHeader, iter_trace, write_trace
from backcoach.services.errors import InvalidInput, NotFound

if TYPE_CHECKING:  # the catalogue itself is read only when an analysis runs
    from backcoach.domain.catalogue_loader import Catalogue

__all__ = [
    "FRAMING_HELP",
    "AnalysisReport",
    "FindingReport",
    "FramingReport",
    "HoldReport",
    "NamedExercise",
    "ProgressCallback",
    "analyse_frames",
    "analyse_path",
    "catalogue_thresholds",
    "finding_cues",
    "format_time_s",
    "is_trace_path",
    "load_frames",
    "read_trace_frames",
    "read_video_frames",
    "recognise_exercise",
]

ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(done, total)``; ``total`` is 0 when the length is not known."""

# Plain words for the framing problems (the codes come from motion.framing).
FRAMING_HELP: dict[str, str] = {
    "no_person": "Nobody in view: step into the picture.",
    "partly_out_of_frame": "Part of the body is out of the picture: step back or move the camera.",
    "not_side_on": "The camera is not side-on: turn so the camera sees your side.",
    "too_small": "You look small in the picture: move closer to the camera.",
}

# A finding of the same code and side within this time of the last one is the same fault going on.
_FINDING_MERGE_S = 6.0
# Framing problem frames closer than this are one span.
_FRAMING_GAP_S = 0.5
# How long a cue stays on an annotated frame after its finding.
_CUE_SHOW_MS = 2500.0


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldReport:
    """One hold, in seconds from the start of the video."""

    start_s: float
    end_s: float
    held_s: float
    side: str | None = None


@dataclass(frozen=True)
class FindingReport:
    """A form fault: first seen at ``t_s``, seen ``times`` times until ``last_t_s``."""

    code: str
    t_s: float
    severity: str
    side: str | None = None
    cue: str | None = None
    last_t_s: float = 0.0
    times: int = 1


@dataclass(frozen=True)
class FramingReport:
    """A framing problem and when it was seen (seconds)."""

    code: str
    start_s: float
    end_s: float
    help: str = ""


@dataclass(frozen=True)
class AnalysisReport:
    """What the coach saw in one recording.

    ``exercise`` is the id analysed (None when it was not given and could not be
    recognised); ``recognised`` / ``recognition_confidence`` / ``recognised_after_s`` (when
    the recogniser decided; None: only at the end) are set when the exercise was not given.
    ``reps`` maps a side ("left", "right") or "both" to the count.
    ``camera_counts`` is False when the exercise cannot be seen by a camera (the counts
    are then not to be trusted); ``confidence`` (0..1) is the analyser's mean over the frames
    with a person. ``notes`` are things a person should know about the reading (a video
    that ends early).
    """

    source: str
    exercise: str | None
    recognised: str | None
    recognition_confidence: float | None
    recognised_after_s: float | None
    reps: dict[str, int]
    total_reps: int
    holds: tuple[HoldReport, ...]
    findings: tuple[FindingReport, ...]
    framing: tuple[FramingReport, ...]
    confidence: float
    camera_counts: bool
    fps: float
    frames: int
    duration_s: float
    frames_with_person: int
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "exercise": self.exercise,
            "recognised": self.recognised,
            "recognition_confidence": self.recognition_confidence,
            "recognised_after_s": self.recognised_after_s,
            "reps": dict(self.reps),
            "total_reps": self.total_reps,
            "holds": [
                {"start_s": h.start_s, "end_s": h.end_s, "held_s": h.held_s, "side": h.side}
                for h in self.holds
            ],
            "findings": [
                {
                    "code": f.code,
                    "t_s": f.t_s,
                    "severity": f.severity,
                    "side": f.side,
                    "cue": f.cue,
                    "last_t_s": f.last_t_s,
                    "times": f.times,
                }
                for f in self.findings
            ],
            "framing": [
                {"code": p.code, "start_s": p.start_s, "end_s": p.end_s, "help": p.help} for p in self.framing
            ],
            "confidence": self.confidence,
            "camera_counts": self.camera_counts,
            "fps": self.fps,
            "frames": self.frames,
            "duration_s": self.duration_s,
            "frames_with_person": self.frames_with_person,
            "notes": list(self.notes),
        }


def format_time_s(t_s: float) -> str:
    """A time in the video as m:ss.s (e.g. 1:05.3)."""
    t_s = max(0.0, t_s)
    minutes = int(t_s // 60)
    return f"{minutes}:{t_s - 60 * minutes:04.1f}"


# --- the catalogue: thresholds and cue words -------------------------------------------------------


def _catalogue() -> Catalogue:
    """The exercise catalogue; a broken one is InvalidInput."""
    from backcoach.domain.catalogue_loader import CatalogueError, default_catalogue

    try:
        return default_catalogue()
    except CatalogueError as exc:
        raise InvalidInput(f"the exercise catalogue is broken: {exc}") from None


def catalogue_thresholds(exercise_id: str) -> dict[str, float]:
    """The catalogue's form-check thresholds for the analyser of ``exercise_id``.

    Only names the analyser knows are passed on (the rest keep the analyser's default).
    """
    catalogue = _catalogue()
    if exercise_id not in catalogue:
        return {}
    known = default_thresholds(exercise_id)
    return {
        check.threshold_name: float(check.threshold_value)
        for check in catalogue.get(exercise_id).form_checks
        if check.threshold_name in known
    }


def finding_cues(exercise_id: str) -> dict[str, str]:
    """Finding code -> the cue words the catalogue gives for it."""
    catalogue = _catalogue()
    if exercise_id not in catalogue:
        return {}
    return {check.code: check.cue for check in catalogue.get(exercise_id).form_checks}


def _check_exercise(exercise_id: str) -> None:
    if exercise_id not in ANALYSED_EXERCISES:
        raise NotFound(f"unknown exercise {exercise_id!r}: choose one of {', '.join(ANALYSED_EXERCISES)}")


# --- running the engine -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """The engine's pass over one recording: the report, and each frame's feedback (for drawing)."""

    report: AnalysisReport
    feedbacks: tuple[Feedback | None, ...] = field(default=(), repr=False)
    cues: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class NamedExercise:
    """What the recogniser said: the id (or "unknown"), its confidence, and when it decided (s)."""

    exercise_id: str
    confidence: float
    after_s: float | None


def recognise_exercise(frames: Sequence[PoseFrame]) -> NamedExercise:
    """The exercise named by the streaming recogniser: as soon as it decides, else at the end.

    Streaming on purpose (not the whole recording at once): it measures what the live coach
    can do, naming the exercise within a few seconds.
    """
    from backcoach.motion.recognition import ExerciseRecogniser

    recogniser = ExerciseRecogniser()
    recognition = None
    for frame in frames:
        recognition = recogniser.update(frame)
        if recognition.decided:
            name = recognition.exercise_id or UNKNOWN_EXERCISE
            return NamedExercise(name, float(recognition.confidence), frame.t_ms / 1000.0)
    if recognition is None or not recognition.exercise_id:
        return NamedExercise(UNKNOWN_EXERCISE, 0.0, None)
    return NamedExercise(recognition.exercise_id, float(recognition.confidence), None)


def _finding_reports(feedbacks: Iterable[Feedback], cues: Mapping[str, str]) -> tuple[FindingReport, ...]:
    merged: list[FindingReport] = []
    open_by_key: dict[tuple[str, str | None], int] = {}
    for feedback in feedbacks:
        for finding in feedback.findings:
            t_s = round(finding.t_ms / 1000.0, 3)
            key = (finding.code, finding.side)
            index = open_by_key.get(key)
            if index is not None and t_s - merged[index].last_t_s <= _FINDING_MERGE_S:
                old = merged[index]
                merged[index] = FindingReport(
                    old.code, old.t_s, old.severity, old.side, old.cue, t_s, old.times + 1
                )
                continue
            open_by_key[key] = len(merged)
            merged.append(
                FindingReport(finding.code, t_s, finding.severity, finding.side, cues.get(finding.code), t_s)
            )
    return tuple(merged)


def _framing_reports(
    frames: Sequence[PoseFrame], feedbacks: Sequence[Feedback | None]
) -> tuple[FramingReport, ...]:
    spans: list[list[Any]] = []  # [code, start_s, end_s]
    last_span: dict[str, int] = {}
    for frame, feedback in zip(frames, feedbacks, strict=True):
        # "no_person" straight from the frames: the analyser's own is debounced for live advice.
        codes = {p.code for p in feedback.framing if p.code != "no_person"} if feedback is not None else set()
        if frame.landmarks is None:
            codes.add("no_person")
        t_s = frame.t_ms / 1000.0
        for code in sorted(codes):
            index = last_span.get(code)
            if index is not None and t_s - spans[index][2] <= _FRAMING_GAP_S:
                spans[index][2] = t_s
            else:
                last_span[code] = len(spans)
                spans.append([code, t_s, t_s])
    return tuple(
        FramingReport(code, round(start, 3), round(end, 3), FRAMING_HELP.get(code, ""))
        for code, start, end in spans
    )


def _run(
    frames: Sequence[PoseFrame],
    exercise_id: str | None,
    thresholds: Mapping[str, float] | None,
    fps: float,
    source: str,
    notes: tuple[str, ...] = (),
) -> _Run:
    if exercise_id is not None:
        _check_exercise(exercise_id)
    with_person = sum(1 for f in frames if f.landmarks is not None)
    if not frames or with_person == 0:
        raise InvalidInput(f"{source}: no person found in any frame")
    fps = fps if fps > 0 else 30.0
    duration_s = round(frames[-1].t_ms / 1000.0 + 1.0 / fps, 3)
    recognised: str | None = None
    recognition_confidence: float | None = None
    recognised_after_s: float | None = None
    exercise = exercise_id
    if exercise is None:
        named = recognise_exercise(frames)
        recognised, recognition_confidence, recognised_after_s = (
            named.exercise_id,
            named.confidence,
            named.after_s,
        )
        exercise = recognised if recognised in ANALYSED_EXERCISES else None

    feedbacks: list[Feedback | None] = [None] * len(frames)
    cues: dict[str, str] = {}
    reps: dict[str, int] = {}
    holds: tuple[HoldReport, ...] = ()
    findings: tuple[FindingReport, ...] = ()
    confidence = 0.0
    camera_counts = True
    if exercise is not None:
        if thresholds is None:
            thresholds = catalogue_thresholds(exercise)
        cues = finding_cues(exercise)
        try:
            analyser = create_analyser(exercise, thresholds)
        except ValueError as exc:  # a threshold name the analyser does not know
            raise InvalidInput(str(exc)) from None
        feedbacks = [analyser.update(frame) for frame in frames]
        last = feedbacks[-1]
        assert last is not None
        reps = dict(last.reps)
        end_ms = duration_s * 1000.0
        holds = tuple(
            HoldReport(
                round(h.start_ms / 1000.0, 3),
                round((h.end_ms if h.end_ms is not None else end_ms) / 1000.0, 3),
                round(h.held_s(end_ms), 3),
                h.side,
            )
            for h in last.holds
        )
        findings = _finding_reports((f for f in feedbacks if f is not None), cues)
        # Over the frames with a person: a person walking out at the end is not a doubt about the counts.
        seen = [
            f.confidence
            for f, frame in zip(feedbacks, frames, strict=True)
            if f and frame.landmarks is not None
        ]
        confidence = float(sum(seen) / len(seen)) if seen else 0.0
        camera_counts = bool(last.camera_counts)
    report = AnalysisReport(
        source=source,
        exercise=exercise,
        recognised=recognised,
        recognition_confidence=recognition_confidence,
        recognised_after_s=None if recognised_after_s is None else round(recognised_after_s, 3),
        reps=reps,
        total_reps=sum(reps.values()),
        holds=holds,
        findings=findings,
        framing=_framing_reports(frames, feedbacks),
        confidence=round(confidence, 3),
        camera_counts=camera_counts,
        fps=round(fps, 3),
        frames=len(frames),
        duration_s=duration_s,
        frames_with_person=with_person,
        notes=notes,
    )
    return _Run(report, tuple(feedbacks), cues)


def analyse_frames(
    frames: Iterable[PoseFrame],
    exercise_id: str | None = None,
    thresholds: Mapping[str, float] | None = None,
    *,
    fps: float = 30.0,
    source: str = "frames",
) -> AnalysisReport:
    """Analyse pose frames (in time order) of one recording.

    Without ``exercise_id`` the exercise is recognised first; ``thresholds`` default to the
    catalogue's. Raises NotFound for an unknown exercise id and InvalidInput when no frame
    has a person.
    """
    return _run(list(frames), exercise_id, thresholds, fps, source).report


# --- reading recordings ---------------------------------------------------------------------------


def is_trace_path(path: Path) -> bool:
    """A trace file by its name (``.jsonl``) or, failing that, by a first byte of ``{``."""
    if path.name.endswith(".jsonl"):
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(64).lstrip()[:1] == b"{"
    except OSError:
        return False


def read_trace_frames(
    path: Path, on_progress: ProgressCallback | None = None
) -> tuple[TraceHeader, list[PoseFrame]]:
    """The header and pose frames of a trace file; a bad one is InvalidInput naming the line."""
    try:
        header, stream = iter_trace(path)
        frames: list[PoseFrame] = []
        for frame in stream:
            frames.append(frame)
            if on_progress is not None and len(frames) % 50 == 0:
                on_progress(len(frames), 0)
    except TraceError as exc:
        raise InvalidInput(f"bad trace file: {exc}") from None
    if on_progress is not None:
        on_progress(len(frames), len(frames))
    return header, frames


def read_video_frames(
    path: Path, on_progress: ProgressCallback | None = None, notes: list[str] | None = None
) -> tuple[TraceHeader, list[PoseFrame]]:
    """The pose frames of a video (through MediaPipe), with a trace header made from the video.

    A video that ends early is read as far as it goes, with a note appended to ``notes``.
    """
    from backcoach.pose import VideoError
    from backcoach.pose.video_pose import estimate_video

    try:
        # On every core: the video in consecutive parts, each with its own decoder and tracker.
        video = estimate_video(path, on_progress)
    except VideoError as exc:
        raise InvalidInput(str(exc)) from None
    info, frames = video.info, video.frames
    if notes is not None and info.frame_count > len(frames) + 1:
        notes.append(
            f"the video ends early: {len(frames)} of its {info.frame_count} frames could be read "
            "(the file may be cut short or damaged)"
        )
    header = TraceHeader(fps=round(info.fps, 3), width=info.width, height=info.height, source=path.name)
    return header, frames


def load_frames(
    path: str | Path, on_progress: ProgressCallback | None = None, notes: list[str] | None = None
) -> tuple[TraceHeader, list[PoseFrame]]:
    """The pose frames of a video (through MediaPipe) or a trace file, with a trace header.

    Anything a person should know about the reading (a video that ends early) is appended
    to ``notes``.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder, not a video or trace file")
    if is_trace_path(path):
        return read_trace_frames(path, on_progress)
    return read_video_frames(path, on_progress, notes)


def _status_line(feedback: Feedback | None, exercise: str | None, t_ms: float) -> str:
    if exercise is None:
        return "exercise not recognised"
    if feedback is None:
        return exercise
    parts = [exercise.replace("_", " ")]
    reps = feedback.reps
    if reps:
        parts.append(
            "reps " + " ".join(f"{side} {n}" if side != "both" else str(n) for side, n in reps.items())
        )
    if feedback.holds and feedback.holds[-1].end_ms is None:
        parts.append(f"hold {feedback.holds[-1].held_s(t_ms):.1f} s")
    if feedback.phase:
        parts.append(feedback.phase)
    return " | ".join(parts)


def _write_annotated(
    path: Path, out: Path, header: TraceHeader, frames: Sequence[PoseFrame], run: _Run
) -> None:
    """Draw the analysis onto the video (read again), or onto a blank picture for a trace."""
    import numpy as np

    from backcoach.pose import AnnotatedVideoWriter, Overlay, VideoError, open_video

    cue_until: dict[str, tuple[float, str]] = {}

    def overlay(index: int) -> Overlay:
        feedback = run.feedbacks[index] if index < len(run.feedbacks) else None
        t_ms = frames[index].t_ms
        if feedback is not None:
            for finding in feedback.findings:
                words = run.cues.get(finding.code, finding.code.replace("_", " "))
                cue_until[finding.code] = (t_ms + _CUE_SHOW_MS, words)
        cues = tuple(words for until, words in cue_until.values() if until >= t_ms)
        framing = tuple(FRAMING_HELP.get(p.code, p.code) for p in feedback.framing) if feedback else ()
        if frames[index].landmarks is None and not framing:
            framing = (FRAMING_HELP["no_person"],)
        return Overlay(_status_line(feedback, run.report.exercise, t_ms), cues, framing)

    try:
        with AnnotatedVideoWriter(out, header.fps, header.width, header.height) as writer:
            if is_trace_path(path):
                blank = np.zeros((header.height, header.width, 3), dtype=np.uint8)
                for index, frame in enumerate(frames):
                    writer.write(blank, frame, overlay(index))
                return
            with open_video(path) as reader:
                for index, (_t_ms, image) in enumerate(reader):
                    if index >= len(frames):
                        break
                    writer.write(image, frames[index], overlay(index))
    except VideoError as exc:
        raise InvalidInput(str(exc)) from None


def analyse_path(
    path: str | Path,
    exercise_id: str | None = None,
    on_progress: ProgressCallback | None = None,
    trace_out: str | Path | None = None,
    annotate_out: str | Path | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> AnalysisReport:
    """Analyse a video file or a ``.trace.jsonl`` file.

    ``trace_out`` saves the landmarks as a trace; ``annotate_out`` writes an mp4 with the
    skeleton, counts and cues drawn on. Raises InvalidInput (unreadable, corrupt or
    unsupported file, bad trace line, nobody in the video) or NotFound (unknown exercise).
    """
    path = Path(path)
    if exercise_id is not None:
        _check_exercise(exercise_id)
    notes: list[str] = []
    header, frames = load_frames(path, on_progress, notes)
    if trace_out is not None:
        try:
            write_trace(trace_out, header, frames)
        except OSError as exc:
            raise InvalidInput(f"{trace_out}: cannot write the trace ({exc.strerror})") from None
    run = _run(frames, exercise_id, thresholds, header.fps, str(path), tuple(notes))
    if annotate_out is not None:
        _write_annotated(path, Path(annotate_out), header, frames, run)
    return run.report
