"""The pain-monitoring zones (Silbernagel 2007) and the next-morning settling rule."""

from __future__ import annotations

import pytest

from backcoach.domain.pain import exercise_should_stop, load_pain_model, pain_settled, pain_zone


@pytest.mark.parametrize(
    ("score", "zone"),
    [
        (0, "safe"),
        (3, "safe"),
        (4, "acceptable"),
        (5, "acceptable"),
        (6, "not_acceptable"),
        (10, "not_acceptable"),
    ],
)
def test_zones(score: int, zone: str) -> None:
    assert pain_zone(score).id == zone
    assert pain_zone(score).meaning


@pytest.mark.parametrize(("score", "stop"), [(5, False), (6, True), (0, False), (9, True)])
def test_pain_above_five_during_exercise_offers_to_stop(score: int, stop: bool) -> None:
    assert exercise_should_stop(score) is stop


@pytest.mark.parametrize(
    ("next_morning", "before", "settled"),
    [(3, 3, True), (2, 4, True), (5, 4, False), (3, None, True), (4, None, False)],
)
def test_settled_by_next_morning(next_morning: int, before: int | None, settled: bool) -> None:
    assert pain_settled(next_morning, before) is settled


@pytest.mark.parametrize("bad", [-1, 11, 3.5, True])
def test_bad_scores_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="0 to 10"):
        pain_zone(bad)  # type: ignore[arg-type]


def test_model_cites_its_source() -> None:
    assert "Silbernagel" in load_pain_model().source
    assert load_pain_model().acceptable_max == 5
