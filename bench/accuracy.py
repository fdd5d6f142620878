"""Accuracy on ../shared/clips/labels.json through ``evaluate_labels`` (the same as ``backcoach eval``).

Prints the per-clip table, then each score beside its target. The pelvic tilt clip that
could not be labelled must not get a confident count: its confidence is printed too.
"""

from __future__ import annotations

import statistics

from rich.console import Console

from backcoach.cli.analyse_cmd import render_eval
from backcoach.services.evaluation import evaluate_labels
from bench import SHARED_DIR, heading, target_line

__all__ = ["CONFIDENT", "run"]

LABELS = SHARED_DIR / "clips" / "labels.json"
CONFIDENT = 0.5  # a count with confidence at or above this is "confident"


def run() -> None:
    heading("accuracy on ../shared/clips/labels.json")
    if not LABELS.exists():
        print(f"  {LABELS} not found: skipped")
        return
    report = evaluate_labels(LABELS)
    render_eval(report, Console(width=150, highlight=False))
    s = report.summary
    target_line("exact", s.exact, ">=", 0.85)
    target_line("OBO", s.obo, ">=", 0.95)
    print(f"  {'MAE':<44} {'n/a' if s.mae is None else f'{s.mae:.3f}':>10}")
    target_line("hold start/end error, median (s)", s.hold_error_s_median, "<=", 0.5, " s", 2)
    target_line("recognition", s.recognition, ">=", 0.9)
    decided = [c.recognised_after_s for c in report.clips if c.recognised_after_s is not None]
    if decided:
        print(
            f"  recognition decided in {len(decided)} of {len(report.clips)} clips, "
            f"after a median {statistics.median(decided):.1f} s (slowest {max(decided):.1f} s); "
            "the rest were named at the clip's end"
        )
    for clip in report.clips:
        score = clip.score
        if score.exercise == "pelvic_tilt" and score.reps_expected is None:
            confident = (score.confidence or 0.0) >= CONFIDENT and bool(clip.camera_counts)
            verdict = "MISS (a confident count)" if confident else "PASS (no confident count)"
            print(
                f"  {score.clip}: counted {score.reps_counted}, confidence {score.confidence}, "
                f"camera counts {clip.camera_counts}   {verdict}"
            )
