"""Red-flag screen: the data is complete, any yes stops with advice, urgent wording for cauda equina."""

from __future__ import annotations

import pytest

from backcoach.domain.redflags import evaluate_screen, load_red_flags, rescreen_reason

SCREEN = load_red_flags()


def _answers(**yes: bool) -> dict[str, bool]:
    answers = {q.id: False for q in SCREEN.questions}
    answers.update(yes)
    return answers


def test_every_clinical_group_has_questions_and_a_source() -> None:
    groups = {g.id for g in SCREEN.groups}
    assert groups == {"cauda_equina", "cancer", "infection", "fracture"}
    for group in SCREEN.groups:
        assert [q for q in SCREEN.questions if q.group == group.id], group.id
        assert group.source
    assert any("Finucane" in s for s in SCREEN.sources)


def test_all_no_means_no_stop() -> None:
    result = evaluate_screen(_answers())
    assert not result.stop
    assert not result.urgent
    assert result.flagged == ()


@pytest.mark.parametrize("question", ["bladder", "bowel", "saddle_numbness", "leg_weakness", "both_legs"])
def test_cauda_equina_signs_are_urgent_same_day(question: str) -> None:
    result = evaluate_screen(_answers(**{question: True}))
    assert result.stop and result.urgent
    assert "today" in result.advice
    assert "emergency" in result.advice


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("cancer_history", "cancer"),
        ("fever", "infection"),
        ("major_trauma", "fracture"),
        ("night_pain", "cancer"),
    ],
)
def test_other_flags_stop_without_urgent_wording(question: str, group: str) -> None:
    result = evaluate_screen(_answers(**{question: True}))
    assert result.stop and not result.urgent
    assert result.groups == (group,)
    assert "checked" in result.advice


def test_urgent_advice_wins_when_mixed() -> None:
    result = evaluate_screen(_answers(fever=True, bladder=True))
    assert result.urgent
    assert result.groups == ("cauda_equina", "infection")
    assert result.title == "Please get this checked today"


def test_advice_never_names_a_disease() -> None:
    words = " ".join(g.advice + " " + g.title for g in SCREEN.groups).lower()
    for diagnosis in ("cancer", "tumour", "fracture", "cauda equina", "infection", "diagnos"):
        assert diagnosis not in words


def test_unanswered_question_is_refused() -> None:
    answers = _answers()
    del answers["fever"]
    with pytest.raises(ValueError, match="fever"):
        evaluate_screen(answers)


@pytest.mark.parametrize(
    ("pain", "baseline", "leg", "asks_again"),
    [
        (5, 3, False, False),  # +2: not sharp
        (6, 3, False, True),  # +3 over baseline
        (7, None, False, False),  # 7 is not above 7
        (8, None, False, True),  # above 7
        (8, 8, False, True),  # above 7 even at baseline
        (2, 2, True, True),  # spreading down a leg
    ],
)
def test_rescreen_rule(pain: int, baseline: int | None, leg: bool, asks_again: bool) -> None:
    reason = rescreen_reason(pain, baseline_pain=baseline, leg_spread=leg)
    assert (reason is not None) == asks_again
    if reason:
        assert "safety questions" in reason
