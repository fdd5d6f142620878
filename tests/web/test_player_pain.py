"""Pain in the web player, in real Chromium against a real server: pain above 5 before starting is a
choice that cannot be missed on a phone (stop for today, an easier version, carry on gently), rest
screens have "It hurts" too, and the summary tells what was skipped and never invents time held."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 800}


def _api(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def server(start_server: Callable[..., str], answer_screen: Callable[[str], None]) -> str:
    url = start_server()
    answer_screen(url)
    doses = {
        "bridge": {"sets": 2, "reps": 12, "rest_s": 30},
        "superman": {"sets": 2, "reps": 8, "hold_s": 3, "rest_s": 30},
    }
    _api(
        url,
        "POST",
        "/api/programs",
        {"name": "Pain test", "exercise_ids": ["bridge", "superman"], "doses": doses},
    )
    _api(url, "PUT", "/api/programs/active?slug=pain-test")
    return url


def _open_player(browser: Any, server: str, *, viewport: dict[str, int] = PHONE) -> tuple[Any, Any, int]:
    workout = _api(server, "POST", "/api/workouts", {"program_slug": "pain-test", "new": True})
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    page.goto(f"{server}/workout/{workout['id']}?speed=1")
    page.wait_for_selector("#screen-pain-before:not([hidden])")
    return context, page, int(workout["id"])


def _in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_high_pain_before_starting_offers_an_easier_version_on_a_phone(
    browser: Any, server: str, save_screenshot: Callable[..., Any]
) -> None:
    context, page, workout_id = _open_player(browser, server)
    page.locator("#screen-pain-before button[data-pain='7']").click()
    dialog = page.get_by_role("dialog", name="That is a lot of pain to start with")
    dialog.wait_for()
    # All three choices are on the phone's screen without scrolling, and nothing else can be pressed.
    for name in ("Stop for today", "An easier version", "Carry on gently"):
        button = dialog.get_by_role("button", name=name)
        assert button.is_visible()
        assert _in_view(page, f"#pain-high button:has-text('{name}')"), name
    assert page.evaluate("document.getElementById('pain-high').matches(':modal')")
    save_screenshot(page, "player-pain-high", full_page=False)
    dialog.get_by_role("button", name="An easier version").click()
    page.wait_for_function("() => window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    assert page.locator(".tag-easier").is_visible()
    stored = _api(server, "GET", f"/api/workouts/{workout_id}")
    assert stored["easier"] is True
    assert [(p["moment"], p["score"]) for p in stored["pain"]] == [("before", 7)]
    plan = _api(server, "GET", f"/api/workouts/{workout_id}/plan")["steps"]
    bridge_sets = [s for s in plan if s["exercise_id"] == "bridge" and s["kind"] == "reps"]
    # the gentle end of the bridge's ranges: 1 set of 5 reps, not 2 sets of 12
    assert [(s["set_number"], s["target_reps"]) for s in bridge_sets] == [(1, 5)]
    assert "easier version" in page.locator("#step-text").inner_text().lower()
    context.close()


def test_stop_for_today_ends_the_workout_and_keeps_the_pain_rating(browser: Any, server: str) -> None:
    context, page, workout_id = _open_player(browser, server)
    page.locator("#screen-pain-before button[data-pain='7']").click()
    page.get_by_role("dialog").get_by_role("button", name="Stop for today").click()
    page.wait_for_url(f"{server}/?notice=rest")
    assert "Rest today" in page.locator("main").inner_text()
    stored = _api(server, "GET", f"/api/workouts/{workout_id}")
    assert stored["status"] == "abandoned"
    assert [(p["moment"], p["score"]) for p in stored["pain"]] == [("before", 7)]
    assert _api(server, "GET", "/api/workouts/current") is None
    context.close()


def test_carry_on_gently_closes_the_choice_and_a_rest_has_it_hurts(browser: Any, server: str) -> None:
    context, page, _ = _open_player(browser, server)
    page.locator("#screen-pain-before button[data-pain='6']").click()
    page.get_by_role("dialog").get_by_role("button", name="Carry on gently").click()
    assert page.get_by_role("dialog").count() == 0 or page.locator("#pain-high").is_hidden()
    assert "Carry on gently" in page.locator("#status").inner_text()
    page.get_by_role("button", name="I'm ready").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    page.locator("#btn-plus").click()
    page.locator("#btn-done").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'rest'")
    hurts = page.locator("#btn-hurts")
    assert hurts.is_visible()
    hurts.click()
    page.locator("#pain-during button[data-pain='7']").click()
    page.wait_for_selector("#pain-during-stop:not([hidden])")
    page.get_by_role("button", name="Stop this exercise").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'superman'")
    # the message about stopping goes when the next exercise starts
    page.get_by_role("button", name="I'm ready").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    assert page.locator("#status").inner_text() == ""
    context.close()


def test_the_summary_lists_what_was_skipped_and_invents_no_time_held(browser: Any, server: str) -> None:
    context, page, workout_id = _open_player(browser, server, viewport={"width": 1280, "height": 800})
    page.locator("#pain-before-skip").click()
    page.get_by_role("button", name="Skip this exercise").click()  # no bridge today
    page.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'superman'")
    page.get_by_role("button", name="I'm ready").click()
    for _ in range(8):  # counted by hand: the 3 s holds were never timed
        page.locator("#btn-plus").click()
    page.locator("#btn-done").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'rest'")
    page.locator("#btn-finish").click()
    page.locator("#pain-after-skip").click()
    page.wait_for_url(f"**/workout/{workout_id}?notice=finished")
    summary = page.locator("main").inner_text()
    assert "Not done this time: Bridge." in summary
    assert "held, timed" not in summary and "24 s" not in summary
    assert "were not timed" in summary
    context.close()
