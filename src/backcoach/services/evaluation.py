"""Scoring the motion engine on labelled clips: a labels file in, an ``EvalReport`` out.

The use case behind ``backcoach eval`` and ``make bench``: each entry of a labels file
(../shared/docs/traces.md) is read from its trace (or its clip, through pose), named by the
streaming recogniser without being told the exercise, analysed told it (the same engine
``backcoach analyse`` runs, from ``services.analysis``), and scored against its label with
``motion.scoring``. The report holds the per-clip scores and the summary (exact, OBO, MAE,
hold error, recognition).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backcoach.motion.landmarks import PoseFrame
from backcoach.motion.registry import ANALYSED_EXERCISES
from backcoach.motion.scoring import (
    ClipResult,
    ClipScore,
    LabelError,
    LabelledClip,
    ScoreSummary,
    load_labels,
    score_clip,
    summarise,
)
from backcoach.motion.traces import TraceHeader
from backcoach.services.analysis import (
    ProgressCallback,
    analyse_frames,
    read_trace_frames,
    read_video_frames,
    recognise_exercise,
)
from backcoach.services.errors import InvalidInput

__all__ = ["ClipEvaluation", "EvalReport", "evaluate_clip", "evaluate_labels"]


@dataclass(frozen=True)
class ClipEvaluation:
    """One labelled clip: its scores, and what the engine said about it."""

    score: ClipScore
    source: str
    holds_s: tuple[tuple[float, float], ...]
    recognition_confidence: float | None
    camera_counts: bool | None
    recognised_after_s: float | None = None

    def to_json(self) -> dict[str, Any]:
        data = self.score.to_json()
        data["source"] = self.source
        data["holds_detected_s"] = [list(h) for h in self.holds_s]
        data["recognition_confidence"] = self.recognition_confidence
        data["recognised_after_s"] = self.recognised_after_s
        data["camera_counts"] = self.camera_counts
        return data


@dataclass(frozen=True)
class EvalReport:
    """The scores of the engine on a labels file."""

    labels: str
    summary: ScoreSummary
    clips: tuple[ClipEvaluation, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "summary": self.summary.to_json(),
            "clips": [clip.to_json() for clip in self.clips],
        }


def _clip_frames(label: LabelledClip) -> tuple[str, TraceHeader, list[PoseFrame]]:
    if label.trace_path is not None and label.trace_path.exists():
        header, frames = read_trace_frames(label.trace_path)
        return str(label.trace_path), header, frames
    if label.clip_path.exists():
        header, frames = read_video_frames(label.clip_path)
        return str(label.clip_path), header, frames
    missing = label.trace_path if label.trace_path is not None else label.clip_path
    raise InvalidInput(f"{label.clip}: neither its trace nor its clip can be found ({missing})")


def evaluate_clip(
    label: LabelledClip, frames: Sequence[PoseFrame], fps: float, source: str
) -> ClipEvaluation:
    """Recognise (not told the exercise), then analyse told it, and score against the label."""
    named = recognise_exercise(frames)
    reps_counted: int | None = None
    holds_s: tuple[tuple[float, float], ...] = ()
    confidence: float | None = None
    camera_counts: bool | None = None
    if label.exercise in ANALYSED_EXERCISES and any(f.landmarks is not None for f in frames):
        report = analyse_frames(frames, label.exercise, fps=fps, source=source)
        reps_counted = report.total_reps
        holds_s = tuple((h.start_s, h.end_s) for h in report.holds)
        confidence = report.confidence
        camera_counts = report.camera_counts
    result = ClipResult(label.clip, reps_counted, holds_s, named.exercise_id, named.confidence, confidence)
    score = score_clip(label, result, ANALYSED_EXERCISES)
    return ClipEvaluation(score, source, holds_s, named.confidence, camera_counts, named.after_s)


def evaluate_labels(labels_path: str | Path, on_progress: ProgressCallback | None = None) -> EvalReport:
    """Score the engine on every clip of a labels file (each entry's trace, or its clip via pose)."""
    try:
        labels = load_labels(labels_path)
    except LabelError as exc:
        raise InvalidInput(str(exc)) from None
    clips: list[ClipEvaluation] = []
    for number, label in enumerate(labels):
        if on_progress is not None:
            on_progress(number, len(labels))
        source, header, frames = _clip_frames(label)
        clips.append(evaluate_clip(label, frames, header.fps, source))
    if on_progress is not None:
        on_progress(len(labels), len(labels))
    return EvalReport(str(labels_path), summarise([c.score for c in clips]), tuple(clips))
