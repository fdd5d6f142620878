"""Questionnaire scoring on worked examples, terms recorded, meaningful change, and the schedule."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from backcoach.domain.outcomes import compare_scores, mark_series
from backcoach.domain.questionnaires import (
    load_instruments,
    next_due,
    score_odi,
    score_psfs,
    score_rmdq,
    score_startback,
    startback_items,
)


# STarT Back: items 1-8 are 0 disagree / 1 agree; item 9 is 0-4 (very much = 3, extremely = 4 score 1).
@pytest.mark.parametrize(
    ("answers", "total", "psych", "group"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low"),
        ([1, 1, 1, 0, 0, 0, 0, 0, 2], 3, 0, "low"),  # total 3: low
        ([1, 1, 1, 0, 0, 0, 0, 0, 3], 4, 1, "medium"),  # "very much" bothersome scores 1
        ([1, 1, 1, 1, 1, 1, 1, 0, 1], 7, 3, "medium"),  # psych 3: still medium
        ([0, 0, 0, 0, 1, 1, 1, 1, 0], 4, 4, "high"),  # psych 4: high
        ([1, 1, 1, 1, 1, 1, 1, 1, 4], 9, 5, "high"),
    ],
)
def test_startback_worked_examples(answers: list[int], total: int, psych: int, group: str) -> None:
    result = score_startback(answers)
    assert (result.total, result.psych_score, result.group) == (total, psych, group)
    assert result.meaning


def test_startback_text_is_the_keele_tool_with_its_copyright() -> None:
    items = startback_items()
    assert len(items) == 9
    assert items[0][0].startswith("My back pain has spread down my leg(s)")
    assert items[8][1] == ("Not at all", "Slightly", "Moderately", "Very much", "Extremely")
    inst = load_instruments()["startback"]
    assert "Keele" in inst.raw["copyright"]
    assert "non-commercial" in inst.terms


def test_startback_refuses_bad_answers() -> None:
    with pytest.raises(ValueError, match="9 answers"):
        score_startback([0] * 8)
    with pytest.raises(ValueError, match="item 1"):
        score_startback([2, 0, 0, 0, 0, 0, 0, 0, 0])


def test_licensed_texts_are_scores_only_and_say_so() -> None:
    inst = load_instruments()
    assert not inst["rmdq"].text_included
    assert "scores only" in inst["rmdq"].terms
    assert not inst["odi"].text_included
    assert "scores only" in inst["odi"].terms


@pytest.mark.parametrize(("score", "functional"), [(0, True), (4, True), (5, False), (24, False)])
def test_rmdq(score: int, functional: bool) -> None:
    assert score_rmdq(score).functional is functional


@pytest.mark.parametrize("bad", [-1, 25])
def test_rmdq_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="0 to 24"):
        score_rmdq(bad)


@pytest.mark.parametrize(
    ("sections", "index", "band"),
    [
        ([0] * 10, 0.0, "Minimal disability"),
        ([2] * 10, 40.0, "Moderate disability"),  # 20 / 50 x 100
        ([3, 3, 3, 3, 3, 3, 3, 3, 3, None], 60.0, "Severe disability"),  # 27 / 45 x 100
        ([5] * 10, 100.0, "Bed-bound"),
        ([1, 2, 3, 4, 5, 0, 1, 2, 3, 4], 50.0, "Severe disability"),
    ],
)
def test_odi_worked_examples(sections: list[int | None], index: float, band: str) -> None:
    result = score_odi(sections)
    assert result.index == index
    assert result.band == band


def test_psfs_mean_of_own_activities() -> None:
    result = score_psfs({"Putting on socks": 3, "Lifting my daughter": 4, "Sitting through a film": 8})
    assert result.mean == 5.0
    with pytest.raises(ValueError, match="between 1 and 3"):
        score_psfs({"a": 1, "b": 2, "c": 3, "d": 4})
    with pytest.raises(ValueError, match="0 to 10"):
        score_psfs({"a": 11})


@pytest.mark.parametrize(
    ("instrument", "baseline", "value", "meaningful", "direction"),
    [
        ("pain", 6, 4, True, "better"),  # 2 points
        ("pain", 6, 5, False, "better"),  # 1 point, 17%
        ("pain", 3, 2, True, "better"),  # 1 point but 33%
        ("pain", 4, 6, True, "worse"),
        ("rmdq", 12, 8, True, "better"),  # 4 points but 33%
        ("rmdq", 20, 16, False, "better"),  # 4 points, 20%
        ("odi", 40, 31, False, "better"),  # ODI: 10 points only
        ("odi", 40, 30, True, "better"),
        ("psfs", 3, 5, True, "better"),  # higher is better
    ],
)
def test_meaningful_change(
    instrument: str, baseline: float, value: float, meaningful: bool, direction: str
) -> None:
    change = compare_scores(instrument, baseline, value)
    assert change.meaningful is meaningful
    assert change.direction == direction


def test_series_marks_changes_from_the_first_reading() -> None:
    series = mark_series(
        "pain", [(datetime(2026, 1, 15), 4), (datetime(2026, 1, 1), 7), (datetime(2026, 1, 8), 6)]
    )
    assert [p.value for p in series.points] == [7, 6, 4]
    assert [p.change.meaningful for p in series.points] == [False, False, True]
    assert series.mcid_text == "2 points or 30%"


def test_schedule_every_two_weeks_and_changeable() -> None:
    today = date(2026, 3, 1)
    assert next_due(None, today) == today
    assert next_due(date(2026, 3, 1), today) == date(2026, 3, 15)
    assert next_due(date(2026, 3, 1), today, 28) == date(2026, 3, 29)
    with pytest.raises(ValueError, match="7 to 56"):
        next_due(date(2026, 3, 1), today, 3)
