"""Red-flag screen: three tiers (urgent, stop, advisory), the advice, clearance and when to ask again."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from backcoach.domain.redflags import (
    RescreenRecord,
    ScreenRecord,
    check_clearance,
    evaluate_screen,
    load_red_flags,
    rescreen_needed,
    rescreen_reason,
)

SCREEN = load_red_flags()
URGENT = ["bladder", "bowel", "saddle_numbness", "leg_weakness", "both_legs"]
STOP = [
    "major_trauma",
    "minor_trauma_bones",
    "fever",
    "immune",
    "iv_drugs",
    "recent_infection",
    "cancer_history",
    "weight_loss",
]
ADVISORY = ["age_onset", "night_pain", "no_improvement"]


def _answers(assessed: bool = True, **yes: bool) -> dict[str, bool]:
    answers = {a: False for a in SCREEN.answer_ids}
    answers[SCREEN.assessed_id] = assessed
    answers.update(yes)
    return answers


def test_every_question_is_in_the_tier_clinical_rules_give_it() -> None:
    """The tiers of the clinical rules (NICE CKS, Finucane et al. 2020), question by question."""
    assert sorted(q.id for q in SCREEN.questions) == sorted(URGENT + STOP + ADVISORY)
    for question_id in URGENT:
        assert SCREEN.tier_of(question_id) == "urgent"
    for question_id in STOP:
        assert SCREEN.tier_of(question_id) == "stop"
    for question_id in ADVISORY:
        assert SCREEN.tier_of(question_id) == "advisory"


def test_every_group_has_questions_a_source_and_every_question_a_label() -> None:
    for group in SCREEN.groups:
        assert [q for q in SCREEN.questions if q.group == group.id], group.id
        assert group.source
    for question in SCREEN.questions:
        assert 3 <= len(question.label) <= 90, question.id
    assert any("Finucane" in s for s in SCREEN.sources)


def test_all_no_means_no_stop() -> None:
    result = evaluate_screen(_answers())
    assert not result.stop and not result.urgent
    assert result.tier == "clear" and result.flagged == ()


@pytest.mark.parametrize("question", URGENT)
def test_cauda_equina_signs_are_urgent_same_day(question: str) -> None:
    result = evaluate_screen(_answers(**{question: True}))
    assert result.stop and result.urgent and result.tier == "urgent"
    assert "today" in result.advice
    assert "emergency" in result.advice


@pytest.mark.parametrize("question", STOP)
def test_stop_flags_stop_until_checked_without_urgent_wording(question: str) -> None:
    result = evaluate_screen(_answers(**{question: True}))
    assert result.stop and not result.urgent and result.tier == "stop"
    assert "checked" in result.advice
    assert "emergency" not in result.advice


@pytest.mark.parametrize("question", ADVISORY)
def test_advisory_flags_never_stop(question: str) -> None:
    """Long-standing back pain that a clinician has assessed: mention it, carry on exercising."""
    result = evaluate_screen(_answers(assessed=True, **{question: True}))
    assert result.tier == "advisory" and not result.stop
    assert result.flagged == (question,)
    assert "do not stop you exercising" in result.advice


def test_advisory_without_an_assessment_advises_booking_one_and_still_does_not_stop() -> None:
    result = evaluate_screen(_answers(assessed=False, no_improvement=True, night_pain=True))
    assert result.tier == "advisory" and not result.stop
    assert "book an assessment" in result.advice
    assert "gentle exercise" in result.advice


def test_the_most_serious_tier_wins_when_mixed() -> None:
    urgent = evaluate_screen(_answers(fever=True, bladder=True, night_pain=True))
    assert urgent.tier == "urgent"
    assert urgent.groups == ("cauda_equina", "infection", "advisory")
    assert urgent.title == "Please get this checked today"
    stop = evaluate_screen(_answers(weight_loss=True, age_onset=True))
    assert stop.tier == "stop" and stop.stop
    assert "do not do the exercises" in stop.advice


def test_advice_never_names_a_disease() -> None:
    words = " ".join(g.advice + " " + g.advice_not_assessed + " " + g.title for g in SCREEN.groups).lower()
    for diagnosis in ("cancer", "tumour", "fracture", "cauda equina", "infection", "diagnos"):
        assert diagnosis not in words


def test_unanswered_question_is_refused_including_the_assessment() -> None:
    answers = _answers()
    del answers["fever"]
    with pytest.raises(ValueError, match="fever"):
        evaluate_screen(answers)
    answers = _answers()
    del answers[SCREEN.assessed_id]
    with pytest.raises(ValueError, match=SCREEN.assessed_id):
        evaluate_screen(answers)


def test_a_stored_screen_names_its_yes_answers_in_plain_words() -> None:
    result = evaluate_screen(_answers(bladder=True, weight_loss=True))
    record = ScreenRecord(
        id=1,
        taken_at=datetime(2026, 12, 1, tzinfo=UTC),
        reason="first_run",
        answers=_answers(bladder=True, weight_loss=True),
        flagged=result.flagged,
        tier=result.tier,
        title=result.title,
        advice=result.advice,
    )
    assert record.flagged_labels() == ("New trouble controlling your bladder", "Weight loss without trying")
    assert record.open_stop and record.clinician_assessed is True


@pytest.mark.parametrize(
    ("pain", "before", "leg", "asks_again"),
    [
        (4, 3, False, False),  # +1: not sharp
        (5, 3, False, True),  # +2 over this workout's "before"
        (7, None, False, False),  # 7 is not above 7
        (8, None, False, True),  # above 7
        (8, 8, False, True),  # above 7 even when it was 8 before
        (2, 2, True, True),  # new pain spreading down a leg
    ],
)
def test_rescreen_rule(pain: int, before: int | None, leg: bool, asks_again: bool) -> None:
    reason = rescreen_reason(pain, before_pain=before, leg_spread=leg)
    assert (reason is not None) == asks_again
    if reason:
        assert "safety questions" in reason


def test_an_answered_rescreen_is_not_asked_again_for_the_same_pain() -> None:
    answered = RescreenRecord(
        1, datetime(2026, 12, 1, tzinfo=UTC), "pain 8", 8, datetime(2026, 12, 1, tzinfo=UTC), workout_id=3
    )
    assert rescreen_needed(8, before_pain=2, leg_spread=False, answered=[answered]) is None
    assert rescreen_needed(9, before_pain=2, leg_spread=False, answered=[answered]) is not None
    # Pain down a leg was not part of that answer: asked again.
    assert rescreen_needed(6, before_pain=5, leg_spread=True, answered=[answered]) is not None
    assert rescreen_needed(8, before_pain=2, leg_spread=False, answered=[]) is not None


def test_clearance_needs_a_name_and_a_real_visit_date() -> None:
    today, stop_day = date(2026, 12, 3), date(2026, 12, 1)
    assert check_clearance(
        "  Dr  Ada Lee ", date(2026, 12, 2), today=today, stop_taken_on=stop_day, urgent=True
    ) == ("Dr Ada Lee")
    with pytest.raises(ValueError, match="name"):
        check_clearance(" ", date(2026, 12, 2), today=today, stop_taken_on=stop_day, urgent=False)
    with pytest.raises(ValueError, match="future"):
        check_clearance("Dr Lee", date(2026, 12, 4), today=today, stop_taken_on=stop_day, urgent=False)
    with pytest.raises(ValueError, match="year"):
        check_clearance("Dr Lee", date(2025, 11, 1), today=today, stop_taken_on=stop_day, urgent=False)


def test_an_urgent_stop_needs_a_visit_after_the_signs_were_reported() -> None:
    today, stop_day = date(2026, 12, 3), date(2026, 12, 1)
    with pytest.raises(ValueError, match="again"):
        check_clearance("Dr Lee", date(2026, 11, 20), today=today, stop_taken_on=stop_day, urgent=True)
    # A stop that is not urgent may be cleared by a recent visit about this back pain.
    assert check_clearance("Dr Lee", date(2026, 11, 20), today=today, stop_taken_on=stop_day, urgent=False)
