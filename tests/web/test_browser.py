"""The web app in real Chromium against a real server: a whole workout by keyboard, the moving
drawings, a phone-sized screen, and screenshots of the main pages (saved to docs/screenshots/)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAIN_PAGES = {
    "today": "/",
    "library": "/exercises",
    "exercise": "/exercises/bridge",
    "history": "/history",
    "about": "/about/clinician",
    "settings": "/settings",
}


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
def short_program(live_server: str) -> str:
    """A two-exercise program (two bridge reps, two 3 s draw-in holds) made the active one."""
    doses = {
        "bridge": {"sets": 1, "reps": 2, "rest_s": 5},
        "draw_in": {"sets": 1, "reps": 2, "hold_s": 3, "rest_s": 5},
    }
    _api(
        live_server,
        "POST",
        "/api/programs",
        {"name": "Quick test", "exercise_ids": ["bridge", "draw_in"], "doses": doses},
    )
    _api(live_server, "PUT", "/api/programs/active?slug=quick-test")
    return "quick-test"


def _heading(page: Any) -> str:
    return str(page.locator("#step-heading").inner_text())


def test_finish_a_whole_workout_by_keyboard_and_find_it_in_history(
    page: Any, live_server: str, short_program: str, save_screenshot: Callable[..., Any]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/")
    page.focus("#start-workout")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workout/*")
    workout_id = int(page.url.rsplit("/", 1)[1])

    # pain before, by keyboard: Tab to "3" and press it
    page.locator("#screen-pain-before button[data-pain='3']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('step-heading').textContent === 'Bridge'")
    page.keyboard.press("Enter")  # "I'm ready": on to the reps
    page.wait_for_function("window.backcoachPlayer.currentStep().kind === 'reps'")
    for key in ("+", "+", "+", "-"):
        page.keyboard.press(key)
    assert page.locator("#count").inner_text() == "2"
    save_screenshot(page, "player", full_page=False)
    page.keyboard.press("Enter")  # set done; the rest counts down by itself with the fast clock

    page.wait_for_function("document.getElementById('step-heading').textContent === 'Draw-in stretch'")
    page.keyboard.press("Enter")
    page.wait_for_function("window.backcoachPlayer.currentStep().kind === 'hold'")
    page.keyboard.press(" ")  # start the timed holds: two holds with a relax between, then done
    page.wait_for_selector("#screen-pain-after:not([hidden])", timeout=20_000)
    page.locator("#screen-pain-after button[data-pain='2']").click()
    page.wait_for_url(f"**/workout/{workout_id}?notice=finished")
    assert "Workout finished and saved" in page.content()

    workout = _api(live_server, "GET", f"/api/workouts/{workout_id}")
    assert workout["status"] == "finished"
    sets = [(s["exercise_id"], s["reps"], s["hold_s"], s["source"]) for s in workout["sets"]]
    assert sets == [("bridge", 2, 0.0, "manual"), ("draw_in", 2, 3.0, "timer")]
    assert sorted((p["moment"], p["score"]) for p in workout["pain"]) == [("after", 2), ("before", 3)]

    page.goto(live_server + "/history")
    row = page.locator("#workout-table tbody tr", has_text="Quick test").first
    assert "Finished" in row.inner_text()
    assert page.locator(".calendar td.done").count() >= 1
    page.wait_for_selector("#pain-chart .main-svg")  # Plotly drew the pain chart from /vendor
    assert errors == []


def test_a_reloaded_player_resumes_where_it_was(browser: Any, live_server: str, short_program: str) -> None:
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program, "new": True})
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/workout/{workout['id']}")
    page.locator("#pain-before-skip").click()
    page.keyboard.press("Enter")
    page.wait_for_function("window.backcoachPlayer.currentStep().kind === 'reps'")
    page.locator("#btn-plus").click()
    page.locator("#btn-plus").click()
    page.locator("#btn-done").click()
    page.wait_for_function("window.backcoachPlayer.currentStep().exercise_id === 'draw_in'")
    page.reload()
    page.wait_for_function("window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    assert page.evaluate("window.backcoachPlayer.currentStep().exercise_id") == "draw_in"
    context.close()
    # a browser that never saw this workout resumes from the server's record of the sets done
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    page = fresh.new_page()
    page.goto(f"{live_server}/workout/{workout['id']}")
    page.wait_for_function("window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    assert page.evaluate("window.backcoachPlayer.currentStep().exercise_id") == "draw_in"
    assert _api(live_server, "GET", f"/api/workouts/{workout['id']}")["sets"][0]["reps"] == 2
    fresh.close()


def test_the_library_shows_a_moving_figure_that_can_be_paused(page: Any, live_server: str) -> None:
    page.goto(live_server + "/exercises/bridge")
    leg = "document.querySelector('svg.figure polyline.leg')"
    first = page.evaluate(f"{leg}.animatedPoints[0].y")
    page.wait_for_function(f"Math.abs({leg}.animatedPoints[0].y - {first}) > 1", timeout=10_000)
    page.locator(".figure-toggle").click()
    assert page.evaluate("document.querySelector('svg.figure').animationsPaused()")
    assert page.locator(".figure-toggle").inner_text() == "Play the drawing"


def test_reduced_motion_keeps_the_figures_still(browser: Any, live_server: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server + "/exercises")
    assert page.evaluate("[...document.querySelectorAll('svg.figure')].every(s => s.animationsPaused())")
    context.close()


def test_keyboard_users_get_a_skip_link_with_visible_focus(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.className, e.getBoundingClientRect().top >= 0, s.outlineStyle]; })()"
    )
    assert focused == ["skip-link", True, "solid"]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_a_phone_screen_never_scrolls_sideways(
    browser: Any, live_server: str, short_program: str, save_screenshot: Callable[..., Any]
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program})
    for path in [*MAIN_PAGES.values(), "/about", f"/workout/{workout['id']}", "/docs"]:
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.goto(f"{live_server}/workout/{workout['id']}")
    save_screenshot(page, "player-phone", full_page=False)
    context.close()


def test_screenshots_of_the_main_pages(
    page: Any, live_server: str, save_screenshot: Callable[..., Any]
) -> None:
    for name, path in MAIN_PAGES.items():
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        if name == "history":
            page.wait_for_timeout(500)  # Plotly draws after load
        shot = save_screenshot(page, name, full_page=name == "history")
        assert shot.stat().st_size > 10_000


def test_settings_find_the_camera_and_remember_the_choices(
    launch_browser: Callable[..., Any], live_server: str, short_program: str
) -> None:
    browser = launch_browser(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/settings")
    page.wait_for_function(
        "document.getElementById('camera-select').options.length > 1"
        " || !document.getElementById('camera-list').hidden"
    )
    if page.locator("#camera-list").is_visible():
        page.locator("#camera-list").click()  # asks for the camera once, so the list gets names
    page.wait_for_function("document.getElementById('camera-select').options.length > 1")
    device = page.locator("#camera-select option").nth(1).get_attribute("value")
    page.select_option("#camera-select", device)
    page.locator("#voice-setting").uncheck()
    page.reload()
    assert page.evaluate("localStorage.getItem('backcoach.camera')") == device
    assert not page.locator("#voice-setting").is_checked()
    # the player takes the voice choice from here
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program})
    page.goto(f"{live_server}/workout/{workout['id']}")
    assert not page.locator("#voice-toggle").is_checked()
    page.locator("#voice-toggle").check()
    page.goto(live_server + "/settings")
    assert page.locator("#voice-setting").is_checked()
    context.close()
