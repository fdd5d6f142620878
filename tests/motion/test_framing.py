"""Framing problems: no person, partly out of frame, not side-on, too small; debounced."""

from __future__ import annotations

import numpy as np

from backcoach.motion.framing import FramingChecker, FramingRules, find_framing_problems
from backcoach.motion.geometry import side_landmark

RULES = FramingRules(key_parts=("shoulder", "hip", "knee", "ankle"), max_width_ratio=0.4)


def _side_view(scale: float = 1.0, width_ratio: float = 0.1, shift_x: float = 0.0) -> np.ndarray:
    """A person lying on their side of the image: head left, feet right."""
    lm = np.zeros((33, 4))
    lm[:, 3] = 0.95
    torso = 0.3 * scale
    lm[:, 0], lm[:, 1] = 0.2 + shift_x, 0.6  # every other point at the shoulders
    parts = {"shoulder": 0.2, "hip": 0.2 + torso, "knee": 0.2 + 1.8 * torso, "ankle": 0.2 + 2.6 * torso}
    for part, x in parts.items():
        for side, dy in (("left", 0.0), ("right", width_ratio * torso * 640 / 360)):
            lm[side_landmark(side, part), 0] = x + shift_x
            lm[side_landmark(side, part), 1] = 0.6 - dy
    lm[0, :2] = (0.2 - 0.1 * scale + shift_x, 0.55)
    return lm


def test_a_good_side_view_has_no_problem() -> None:
    assert find_framing_problems(_side_view(), 640, 360, RULES) == ()


def test_each_problem_is_found() -> None:
    assert find_framing_problems(None, 640, 360, RULES) == ("no_person",)
    feet_out = _side_view(shift_x=0.3)
    assert "partly_out_of_frame" in find_framing_problems(feet_out, 640, 360, RULES)
    hidden = _side_view()
    for side in ("left", "right"):
        hidden[side_landmark(side, "ankle"), 3] = 0.1
    assert "partly_out_of_frame" in find_framing_problems(hidden, 640, 360, RULES)
    facing = _side_view(width_ratio=0.8)
    assert "not_side_on" in find_framing_problems(facing, 640, 360, RULES)
    tiny = _side_view(scale=0.25)
    assert "too_small" in find_framing_problems(tiny, 640, 360, RULES)
    any_view = FramingRules(max_width_ratio=None)
    assert "not_side_on" not in find_framing_problems(facing, 640, 360, any_view)


def test_problems_are_debounced_and_do_not_flicker() -> None:
    checker = FramingChecker(RULES, raise_ms=400.0, clear_ms=800.0)
    good, t = _side_view(), 0.0
    for _ in range(10):
        assert checker.update(t, good, 640, 360) == ()
        t += 100.0
    # one frame without a person is not worth a message
    assert checker.update(t, None, 640, 360) == ()
    t += 100.0
    assert checker.update(t, good, 640, 360) == ()
    t += 100.0
    # half a second without a person is
    raised = []
    for _ in range(6):
        raised = [p.code for p in checker.update(t, None, 640, 360)]
        t += 100.0
    assert raised == ["no_person"]
    # and it stays up through a single good frame, clearing only after a while
    assert [p.code for p in checker.update(t, good, 640, 360)] == ["no_person"]
    t += 100.0
    assert [p.code for p in checker.update(t, None, 640, 360)] == ["no_person"]
    for _ in range(10):
        t += 100.0
        last = checker.update(t, good, 640, 360)
    assert last == ()
