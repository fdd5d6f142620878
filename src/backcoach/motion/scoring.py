"""Scoring analysers against labelled clips, as ../shared/docs/traces.md defines it.

Owns the labels file (``labels.json``: reading and validating it) and the scores:
exact, off by one (OBO), mean relative count error (MAE), hold start/end error in
seconds, and recognition. Pure: the caller runs the analysers and hands in what they
found as ``ClipResult``; nothing here reads video or pose.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "UNKNOWN_EXERCISE",
    "ClipResult",
    "ClipScore",
    "HoldError",
    "LabelError",
    "LabelledClip",
    "ScoreSummary",
    "expected_recognition",
    "load_labels",
    "match_holds",
    "parse_labels",
    "score_clip",
    "score_clips",
    "summarise",
]

UNKNOWN_EXERCISE = "unknown"


class LabelError(ValueError):
    """A labels file that does not follow the format; the message names the entry and field."""


@dataclass(frozen=True)
class LabelledClip:
    """One entry of a labels file.

    ``clip_path`` / ``trace_path`` are resolved against the labels file's folder
    (``trace_path`` is None when the entry has no trace). ``reps`` is None when the
    clip could not be labelled; ``reps_max`` is the highest count that is also right.
    ``holds_s`` are (start_s, end_s) intervals from the clip's start.
    """

    clip: str
    clip_path: Path
    trace_path: Path | None
    exercise: str
    view: str = ""
    reps: int | None = None
    reps_max: int | None = None
    holds_s: tuple[tuple[float, float], ...] = ()
    confidence: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ClipResult:
    """What the engine found in one clip.

    ``reps_counted`` is the total over both sides (None when the analyser was not run),
    ``holds_s`` the detected (start_s, end_s) holds, ``recognised`` the exercise id named
    when the engine was not told it (or ``"unknown"``; None when recognition was not run).
    """

    clip: str
    reps_counted: int | None = None
    holds_s: tuple[tuple[float, float], ...] = ()
    recognised: str | None = None
    recognition_confidence: float | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class HoldError:
    """One labelled hold against the detected hold that overlaps it most (None: no match)."""

    label_start_s: float
    label_end_s: float
    detected_start_s: float | None
    detected_end_s: float | None
    start_error_s: float
    end_error_s: float

    @property
    def matched(self) -> bool:
        return self.detected_start_s is not None


@dataclass(frozen=True)
class ClipScore:
    """The scores of one clip. A field is None when the clip is not scored for it."""

    clip: str
    exercise: str
    reps_expected: int | None
    reps_max: int | None
    reps_counted: int | None
    exact: bool | None
    obo: bool | None
    relative_error: float | None
    hold_errors: tuple[HoldError, ...]
    expected_recognition: str
    recognised: str | None
    recognition_right: bool | None
    confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "clip": self.clip,
            "exercise": self.exercise,
            "reps_expected": self.reps_expected,
            "reps_max": self.reps_max,
            "reps_counted": self.reps_counted,
            "exact": self.exact,
            "obo": self.obo,
            "relative_error": self.relative_error,
            "holds": [
                {
                    "label_s": [h.label_start_s, h.label_end_s],
                    "detected_s": None if not h.matched else [h.detected_start_s, h.detected_end_s],
                    "start_error_s": h.start_error_s,
                    "end_error_s": h.end_error_s,
                }
                for h in self.hold_errors
            ],
            "expected_recognition": self.expected_recognition,
            "recognised": self.recognised,
            "recognition_right": self.recognition_right,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class ScoreSummary:
    """Scores over a set of clips; a score is None when no clip has the field.

    ``hold_error_s_median`` pools every start and end error; the start and end
    medians are also given apart. The ``*_clips`` / ``holds`` fields say how many
    clips or holds each score is over.
    """

    exact: float | None
    obo: float | None
    mae: float | None
    hold_error_s_median: float | None
    hold_start_error_s_median: float | None
    hold_end_error_s_median: float | None
    recognition: float | None
    count_clips: int
    holds: int
    recognition_clips: int

    def to_json(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "obo": self.obo,
            "mae": self.mae,
            "hold_error_s_median": self.hold_error_s_median,
            "hold_start_error_s_median": self.hold_start_error_s_median,
            "hold_end_error_s_median": self.hold_end_error_s_median,
            "recognition": self.recognition,
            "count_clips": self.count_clips,
            "holds": self.holds,
            "recognition_clips": self.recognition_clips,
        }


# --- the labels file ---------------------------------------------------------------------------


def _field_error(where: str, name: str, problem: str) -> LabelError:
    return LabelError(f"{where}: field {name!r} {problem}")


def _optional_count(entry: dict[str, Any], name: str, where: str) -> int | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _field_error(where, name, f"must be a whole number 0 or above, or null (got {value!r})")
    return value


def _text(entry: dict[str, Any], name: str, where: str, required: bool = False) -> str:
    value = entry.get(name)
    if value is None:
        if required:
            raise _field_error(where, name, "is missing")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _field_error(where, name, f"must be a non-empty string (got {value!r})")
    return value


def _holds(entry: dict[str, Any], where: str) -> tuple[tuple[float, float], ...]:
    raw = entry.get("holds_s")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _field_error(where, "holds_s", "must be a list of [start_s, end_s] pairs")
    holds: list[tuple[float, float]] = []
    for number, pair in enumerate(raw, start=1):
        ok = (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)
        )
        if not ok:
            raise _field_error(where, "holds_s", f"hold {number} must be [start_s, end_s] (got {pair!r})")
        start, end = float(pair[0]), float(pair[1])
        if start < 0 or end <= start:
            raise _field_error(
                where, "holds_s", f"hold {number} must have 0 <= start_s < end_s (got {pair!r})"
            )
        holds.append((start, end))
    return tuple(holds)


def _parse_entry(entry: Any, number: int, folder: Path, source: str) -> LabelledClip:
    where = f"{source}, entry {number}"
    if not isinstance(entry, dict):
        raise LabelError(f"{where}: must be a JSON object")
    clip = _text(entry, "clip", where, required=True)
    where = f"{source}, entry {number} ({clip})"
    exercise = _text(entry, "exercise", where, required=True)
    trace = _text(entry, "trace", where)
    reps = _optional_count(entry, "reps", where)
    reps_max = _optional_count(entry, "reps_max", where)
    if reps_max is not None and (reps is None or reps_max < reps):
        raise _field_error(where, "reps_max", f"must be at least reps ({reps_max!r} < {reps!r})")
    return LabelledClip(
        clip=clip,
        clip_path=folder / clip,
        trace_path=folder / trace if trace else None,
        exercise=exercise,
        view=_text(entry, "view", where),
        reps=reps,
        reps_max=reps_max,
        holds_s=_holds(entry, where),
        confidence=_text(entry, "confidence", where),
        notes=_text(entry, "notes", where),
    )


def parse_labels(data: Any, folder: Path, source: str = "labels") -> list[LabelledClip]:
    """Validate already-parsed labels JSON; paths are resolved against ``folder``."""
    if not isinstance(data, list):
        raise LabelError(f"{source}: must be a JSON list of clip objects")
    return [_parse_entry(entry, number, folder, source) for number, entry in enumerate(data, start=1)]


def load_labels(path: str | Path) -> list[LabelledClip]:
    """Read and validate a labels file; clip and trace paths are relative to its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabelError(f"{path}: no such labels file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelError(f"{path}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LabelError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    return parse_labels(data, path.parent, str(path))


# --- scores ------------------------------------------------------------------------------------


def expected_recognition(exercise: str, known_exercises: Collection[str]) -> str:
    """The right answer of recognition: the id itself, or ``unknown`` outside the catalogue."""
    return exercise if exercise in known_exercises else UNKNOWN_EXERCISE


def _overlap_s(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def match_holds(
    labelled_s: Sequence[tuple[float, float]], detected_s: Sequence[tuple[float, float]]
) -> tuple[HoldError, ...]:
    """Match each labelled hold to the detected hold overlapping it most (times in s).

    A labelled hold that no detected hold overlaps scores its full length as both
    its start and its end error.
    """
    errors: list[HoldError] = []
    for label in labelled_s:
        best: tuple[float, float] | None = None
        best_overlap = 0.0
        for hold in detected_s:
            overlap = _overlap_s(label, hold)
            if overlap > best_overlap:
                best, best_overlap = hold, overlap
        if best is None:
            length = label[1] - label[0]
            errors.append(HoldError(label[0], label[1], None, None, length, length))
        else:
            errors.append(
                HoldError(
                    label[0], label[1], best[0], best[1], abs(best[0] - label[0]), abs(best[1] - label[1])
                )
            )
    return tuple(errors)


def _count_error(count: int, low: int, high: int) -> int:
    """How far a count is from the right range [low, high] (0 inside it)."""
    if count < low:
        return low - count
    if count > high:
        return count - high
    return 0


def score_clip(label: LabelledClip, result: ClipResult, known_exercises: Collection[str]) -> ClipScore:
    """Score one clip.

    A clip whose exercise is outside ``known_exercises`` is scored for recognition
    only; one the analyser did not run on (``reps_counted`` None) is not scored for its
    count or holds. A clip with ``reps`` null is not scored for its count. With ``reps_max``,
    every count in [reps, reps_max] is exact, OBO allows one outside that range, and
    the relative error is the distance to the range over ``reps`` (over 1 when reps is 0).
    """
    expected = expected_recognition(label.exercise, known_exercises)
    in_catalogue = expected != UNKNOWN_EXERCISE
    exact = obo = None
    relative_error = None
    if in_catalogue and label.reps is not None and result.reps_counted is not None:
        high = label.reps_max if label.reps_max is not None else label.reps
        miss = _count_error(result.reps_counted, label.reps, high)
        exact, obo = miss == 0, miss <= 1
        relative_error = miss / max(label.reps, 1)
    analysed = result.reps_counted is not None
    hold_errors = match_holds(label.holds_s, result.holds_s) if in_catalogue and analysed else ()
    return ClipScore(
        clip=label.clip,
        exercise=label.exercise,
        reps_expected=label.reps,
        reps_max=label.reps_max,
        reps_counted=result.reps_counted,
        exact=exact,
        obo=obo,
        relative_error=relative_error,
        hold_errors=hold_errors,
        expected_recognition=expected,
        recognised=result.recognised,
        recognition_right=None if result.recognised is None else result.recognised == expected,
        confidence=result.confidence,
    )


def score_clips(
    labels: Sequence[LabelledClip], results: Sequence[ClipResult], known_exercises: Collection[str]
) -> list[ClipScore]:
    """Score clips pairwise (``results`` in the order of ``labels``)."""
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels but {len(results)} results")
    return [score_clip(label, result, known_exercises) for label, result in zip(labels, results, strict=True)]


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(scores: Sequence[ClipScore]) -> ScoreSummary:
    """Exact, OBO, MAE, hold error medians (s) and recognition over the clips that have each."""
    exact = [s.exact for s in scores if s.exact is not None]
    obo = [s.obo for s in scores if s.obo is not None]
    errors = [s.relative_error for s in scores if s.relative_error is not None]
    holds = [h for s in scores for h in s.hold_errors]
    starts = [h.start_error_s for h in holds]
    ends = [h.end_error_s for h in holds]
    recognition = [s.recognition_right for s in scores if s.recognition_right is not None]
    return ScoreSummary(
        exact=_share(exact),
        obo=_share(obo),
        mae=sum(errors) / len(errors) if errors else None,
        hold_error_s_median=_median(starts + ends),
        hold_start_error_s_median=_median(starts),
        hold_end_error_s_median=_median(ends),
        recognition=_share(recognition),
        count_clips=len(exact),
        holds=len(holds),
        recognition_clips=len(recognition),
    )
