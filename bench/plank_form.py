"""Plank form on ../shared/datasets/plank_form/test.csv: precision and recall of hips high / hips low.

Each row is one frame's landmarks (17 of MediaPipe's 33 points, x, y, z, visibility) and a
label: C correct, H hips high (piking), L hips low (sagging). Every row goes through
``judge_plank_frame``, the same rule the forearm plank analyser applies to each frame.

The CSV gives no image size; its frames come from landscape videos, so 16:9 is assumed for
the aspect correction (the figures for a square image are printed too, to show how much
that assumption matters).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from backcoach.motion.landmarks import LANDMARK_COUNT, Landmark
from bench import SHARED_DIR, heading, target_line

__all__ = ["CLASSES", "confusion", "load_rows", "run"]

TEST_CSV = SHARED_DIR / "datasets" / "plank_form" / "test.csv"
CLASSES = ("C", "H", "L")
VERDICT_CLASS = {None: "C", "hips_piking": "H", "hips_sagging": "L"}
# Points the CSV leaves out, copied from a near point with its visibility (never used by the rule).
_STAND_IN = {
    Landmark.NOSE: range(1, 11),
    Landmark.LEFT_WRIST: (Landmark.LEFT_PINKY, Landmark.LEFT_INDEX, Landmark.LEFT_THUMB),
    Landmark.RIGHT_WRIST: (Landmark.RIGHT_PINKY, Landmark.RIGHT_INDEX, Landmark.RIGHT_THUMB),
}


def load_rows(path: Path = TEST_CSV) -> tuple[list[str], list[np.ndarray]]:
    """The labels and (33, 4) landmark arrays of the CSV."""
    labels: list[str] = []
    arrays: list[np.ndarray] = []
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns: dict[int, int] = {}
        for index, name in enumerate(header[1:], start=1):
            part = name.rsplit("_", 1)[0].upper()
            if part in Landmark.__members__ and name.endswith("_x"):
                columns[Landmark[part]] = index
        for row in reader:
            points = np.zeros((LANDMARK_COUNT, 4))
            for landmark, index in columns.items():
                points[landmark] = [float(v) for v in row[index : index + 4]]
            for source, targets in _STAND_IN.items():
                for target in targets:
                    points[target] = points[source]
            labels.append(row[0])
            arrays.append(points)
    return labels, arrays


def confusion(
    labels: list[str],
    arrays: list[np.ndarray],
    width: int,
    height: int,
    thresholds: dict[str, float] | None = None,
) -> np.ndarray:
    """3x3 counts: rows the label (C, H, L), columns the verdict."""
    from backcoach.motion.analysers.forearm_plank import judge_plank_frame

    matrix = np.zeros((3, 3), dtype=int)
    for label, points in zip(labels, arrays, strict=True):
        verdict = VERDICT_CLASS[judge_plank_frame(points, width, height, thresholds)]
        matrix[CLASSES.index(label), CLASSES.index(verdict)] += 1
    return matrix


def _precision_recall(matrix: np.ndarray, cls: str) -> tuple[float, float]:
    i = CLASSES.index(cls)
    said = matrix[:, i].sum()
    real = matrix[i, :].sum()
    return (matrix[i, i] / said if said else 0.0), (matrix[i, i] / real if real else 0.0)


def _report(
    labels: list[str], arrays: list[np.ndarray], thresholds: dict[str, float] | None, title: str
) -> None:
    matrix = confusion(labels, arrays, 1280, 720, thresholds)
    print(f"  {title}")
    print("  rows = label, columns = verdict")
    print("            " + "".join(f"{c:>8}" for c in CLASSES))
    for cls, row in zip(CLASSES, matrix, strict=True):
        print(f"  label {cls}   " + "".join(f"{n:>8}" for n in row))
    for cls, name in (("H", "hips high (piking)"), ("L", "hips low (sagging)")):
        precision, recall = _precision_recall(matrix, cls)
        target_line(f"{name} precision", precision, ">=", 0.9)
        target_line(f"{name} recall", recall, ">=", 0.8)
    square = confusion(labels, arrays, 720, 720, thresholds)
    shown = ", ".join(
        f"{cls} p {_precision_recall(square, cls)[0]:.3f} r {_precision_recall(square, cls)[1]:.3f}"
        for cls in "HL"
    )
    print(f"  (if the images were square: {shown})")


def run() -> None:
    from backcoach.motion.registry import default_thresholds
    from backcoach.services.analysis import catalogue_thresholds

    heading("plank form (judge_plank_frame on plank_form/test.csv)")
    if not TEST_CSV.exists():
        print(f"  {TEST_CSV} not found: skipped")
        return
    labels, arrays = load_rows()
    print(f"  {len(labels)} frames, image taken as 16:9")
    app = catalogue_thresholds("forearm_plank")
    defaults = default_thresholds("forearm_plank")
    used = {**defaults, **app}
    _report(labels, arrays, used, f"thresholds the app uses (catalogue over defaults): {_shown(used)}")
    if used != defaults:
        _report(labels, arrays, None, f"the analyser's own defaults: {_shown(defaults)}")


def _shown(thresholds: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in thresholds.items() if k in ("hip_sag_deg", "hip_pike_deg"))
