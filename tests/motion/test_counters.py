"""Rep counting and hold timing: hysteresis, start state, minimum rep time, gaps in holds."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from backcoach.motion.counters import HoldTracker, Hysteresis, PeakTracker, RepCounter, SpeedTracker


def _count(counter: RepCounter, values: list[float], dt_ms: float = 100.0) -> int:
    for i, value in enumerate(values):
        counter.update(value, i * dt_ms)
    return counter.count


def test_hysteresis_needs_both_thresholds() -> None:
    zone = Hysteresis(enter=160.0, exit=145.0)
    assert zone.update(150.0) is None  # between: says nothing yet
    assert zone.update(161.0) is True
    assert zone.update(150.0) is True  # still in: not below the exit
    assert zone.update(144.0) is False
    assert zone.update(159.0) is False
    with pytest.raises(ValueError):
        Hysteresis(1.0, 1.0)


def test_low_target_direction() -> None:
    zone = Hysteresis(enter=10.0, exit=20.0)  # target is low values
    assert zone.update(5.0) is True
    assert zone.update(15.0) is True
    assert zone.update(25.0) is False


def test_counts_full_movements_only() -> None:
    counter = RepCounter(enter=160.0, exit=145.0, min_rep_ms=0.0)
    down, up = [130.0] * 5, [175.0] * 5
    half = [150.0] * 5  # never reaches the top
    assert _count(counter, down + up + down + half + down + up + down) == 2
    assert counter.phase == "down"


def test_clip_starting_at_the_top_does_not_count_the_first_partial_rep() -> None:
    counter = RepCounter(enter=160.0, exit=145.0)
    values = [176.0] * 10 + [125.0] * 10 + [176.0] * 10
    assert _count(counter, values) == 1
    assert counter.rep_times_ms == [pytest.approx(2000.0)]


def test_pulses_at_the_top_are_not_reps() -> None:
    counter = RepCounter(enter=160.0, exit=145.0)
    values = [125.0] * 5 + [176.0] * 5 + [158.0, 176.0, 152.0, 176.0, 157.0, 176.0] * 3
    assert _count(counter, values) == 1


def test_jitter_around_one_threshold_is_not_counted() -> None:
    rng = np.random.default_rng(3)
    counter = RepCounter(enter=160.0, exit=145.0)
    values = list(130.0 + rng.normal(0, 3, 200)) + list(160.0 + rng.normal(0, 3, 200))
    assert _count(counter, values, dt_ms=33.0) == 1


def test_minimum_rep_time_rejects_a_flicker() -> None:
    counter = RepCounter(enter=160.0, exit=145.0, min_rep_ms=600.0)
    values = [130.0, 130.0, 170.0, 140.0, 170.0, 140.0, 170.0]
    assert _count(counter, values, dt_ms=50.0) == 1


def test_unknown_values_are_skipped() -> None:
    counter = RepCounter(enter=160.0, exit=145.0, min_rep_ms=0.0)
    values = [130.0, 130.0, math.nan, 175.0, math.nan, 130.0, 175.0]
    assert _count(counter, values) == 2
    assert counter.update(None, 1000.0) is False


def test_phase_names() -> None:
    counter = RepCounter(enter=160.0, exit=145.0, phase_names=("a", "b", "c", "d"))
    seen = []
    for i, value in enumerate([130.0, 130.0, 150.0, 170.0, 150.0, 130.0]):
        counter.update(value, i * 100.0)
        seen.append(counter.phase)
    assert seen == ["unknown", "a", "b", "c", "d", "a"]


def _holds(
    tracker: HoldTracker, flags: Sequence[bool | None], dt_ms: float = 100.0
) -> list[tuple[float, float]]:
    for i, flag in enumerate(flags):
        tracker.update(flag, i * dt_ms)
    tracker.finish()
    return [(h.start_ms, h.end_ms or -1.0) for h in tracker.holds]


def test_a_short_wobble_does_not_split_a_hold() -> None:
    tracker = HoldTracker(min_hold_ms=1000.0, min_gap_ms=800.0)
    flags = [True] * 20 + [False] * 5 + [True] * 20  # 0.5 s out: a hip rise in a plank
    assert _holds(tracker, flags) == [(0.0, 4400.0)]


def test_a_long_break_ends_the_hold_where_it_began() -> None:
    tracker = HoldTracker(min_hold_ms=1000.0, min_gap_ms=800.0)
    flags = [True] * 20 + [False] * 20 + [True] * 20
    assert _holds(tracker, flags) == [(0.0, 2000.0), (4000.0, 5900.0)]


def test_too_short_a_visit_is_no_hold_and_unknown_frames_do_not_start_one() -> None:
    tracker = HoldTracker(min_hold_ms=1000.0, min_gap_ms=500.0)
    assert _holds(tracker, [True] * 5 + [False] * 10 + [None] * 20) == []


def test_started_and_ended_are_reported_once() -> None:
    tracker = HoldTracker(min_hold_ms=300.0, min_gap_ms=300.0, side="left")
    events = [tracker.update(flag, i * 100.0) for i, flag in enumerate([True] * 6 + [False] * 6)]
    assert [e for e in events if e[0]] == [(True, False)]
    assert [e for e in events if e[1]] == [(False, True)]
    assert tracker.holds[0].side == "left"
    assert tracker.holds[0].held_s(0.0) == pytest.approx(0.6)


def test_speed_and_velocity() -> None:
    speed = SpeedTracker(window_ms=300.0)
    for i in range(10):
        speed.update(10.0 * i, i * 100.0)  # 100 units a second
    assert speed.velocity == pytest.approx(100.0)
    for i in range(10, 20):
        speed.update(90.0, i * 100.0)
    assert speed.speed == pytest.approx(0.0)


def test_peaks_are_handed_over_once_per_visit() -> None:
    peaks = PeakTracker(judge_after_ms=1000.0)
    out = [peaks.update(True, i * 100.0, {"a": float(i)}) for i in range(15)]
    given = [o for o in out if o is not None]
    assert given == [{"a": 10.0}]
    assert peaks.update(False, 1600.0, {"a": 0.0}) is None
    # a short visit is judged when it ends
    assert peaks.update(True, 2000.0, {"a": 3.0}) is None
    assert peaks.update(False, 2100.0, {"a": 0.0}) == {"a": 3.0}


def test_relative_rise_and_drop_count_lifts_that_do_not_go_all_the_way_down() -> None:
    # lifts from a rest that stays above the fixed exit threshold
    values = [0.0] * 5 + [25.0] * 5 + [14.0] * 5 + [26.0] * 5 + [13.0] * 5 + [25.0] * 5
    fixed = RepCounter(enter=10.0, exit=5.0, min_rep_ms=0.0)
    assert _count(fixed, values) == 1
    relative = RepCounter(enter=10.0, exit=5.0, min_rep_ms=0.0, rise=8.0, drop=8.0)
    assert _count(relative, values) == 3
    # a lowering that only crosses the drop does not re-count on the way down
    down = RepCounter(enter=10.0, exit=5.0, min_rep_ms=0.0, rise=8.0, drop=8.0)
    assert _count(down, [0.0] * 3 + [24.0] * 3 + [15.0, 12.0, 10.5, 8.0, 3.0, 0.0]) == 1
