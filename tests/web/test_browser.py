"""The web app in real Chromium against a real server: the first run through the red-flag screen and
a whole workout by keyboard, "It hurts" during an exercise, the moving drawings, a phone-sized screen,
reminders that never ask uninvited, another site's form refused, and screenshots of the main pages
(saved to docs/screenshots/)."""

from __future__ import annotations

import json
import re
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


def _make_short_program(base: str) -> str:
    """A two-exercise program (two bridge reps, two 3 s draw-in holds) made the active one."""
    doses = {
        "bridge": {"sets": 1, "reps": 2, "rest_s": 5},
        "draw_in": {"sets": 1, "reps": 2, "hold_s": 3, "rest_s": 5},
    }
    _api(
        base,
        "POST",
        "/api/programs",
        {"name": "Quick test", "exercise_ids": ["bridge", "draw_in"], "doses": doses},
    )
    _api(base, "PUT", "/api/programs/active?slug=quick-test")
    return "quick-test"


@pytest.fixture(scope="module")
def short_program(live_server: str, answer_screen: Callable[[str], None]) -> str:
    """The short program on ``live_server``, whose red-flag screen was answered all clear (over HTTP)."""
    answer_screen(live_server)
    return _make_short_program(live_server)


def _heading(page: Any) -> str:
    return str(page.locator("#step-heading").inner_text())


def test_first_run_through_the_safety_questions_then_a_whole_workout_by_keyboard(
    page: Any, start_server: Callable[..., str], save_screenshot: Callable[..., Any]
) -> None:
    live_server = start_server()  # a first run of its own: nobody has answered the screen
    _make_short_program(live_server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + "/")
    # the welcome says what backcoach is, the safety note, and leads to the red-flag screen
    welcome = page.locator(".welcome")
    assert "not a diagnosis" in welcome.inner_text()
    assert welcome.locator("a[href='/about']").count() >= 1
    assert page.locator("#start-workout").count() == 0
    save_screenshot(page, "first-run", full_page=False)
    page.locator("#answer-screen").click()
    page.wait_for_url("**/safety/screen?next=/")
    questions = page.locator("fieldset[id^='q-']")
    assert questions.count() >= 5
    for i in range(questions.count()):
        questions.nth(i).get_by_label("No").check()
    save_screenshot(page, "safety-screen")
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/?notice=screened")
    assert "nothing in them stops you exercising" in page.locator("main > p.notice").inner_text()

    page.focus("#start-workout")
    page.keyboard.press("Enter")
    page.wait_for_url("**/workout/*")
    workout_id = int(page.url.rsplit("/", 1)[1])

    # pain before, by keyboard: Tab to "3" and press it
    page.locator("#screen-pain-before button[data-pain='3']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('step-heading').textContent === 'Bridge'")
    page.keyboard.press("Enter")  # "I'm ready": on to the reps
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    for key in ("+", "+", "+", "-"):
        page.keyboard.press(key)
    assert page.locator("#count").inner_text() == "2"
    save_screenshot(page, "player", full_page=False)
    page.keyboard.press("Enter")  # set done; the rest counts down by itself with the fast clock

    page.wait_for_function("() => document.getElementById('step-heading').textContent === 'Draw-in stretch'")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'hold'")
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
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    page.locator("#btn-plus").click()
    page.locator("#btn-plus").click()
    page.locator("#btn-done").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'draw_in'")
    page.reload()
    page.wait_for_function("() => window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    assert page.evaluate("window.backcoachPlayer.currentStep().exercise_id") == "draw_in"
    context.close()
    # a browser that never saw this workout resumes from the server's record of the sets done
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})
    page = fresh.new_page()
    page.goto(f"{live_server}/workout/{workout['id']}")
    page.wait_for_function("() => window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    assert page.evaluate("window.backcoachPlayer.currentStep().exercise_id") == "draw_in"
    assert _api(live_server, "GET", f"/api/workouts/{workout['id']}")["sets"][0]["reps"] == 2
    fresh.close()


def test_the_library_shows_a_moving_figure_that_can_be_paused(page: Any, live_server: str) -> None:
    page.goto(live_server + "/exercises/bridge")
    leg = "document.querySelector('svg.figure polyline.leg')"
    first = page.evaluate(f"{leg}.animatedPoints[0].y")
    page.wait_for_function(f"() => Math.abs({leg}.animatedPoints[0].y - {first}) > 1", timeout=10_000)
    # far limbs are as dark as the near ones (a pale limb reads as a ghost)
    stroke = "(sel) => getComputedStyle(document.querySelector('svg.figure ' + sel)).stroke"
    assert page.evaluate(stroke, "polyline.far-leg") == page.evaluate(stroke, "polyline.leg")
    assert page.evaluate(stroke, "polyline.far-arm") == page.evaluate(stroke, "polyline.arm")
    page.locator(".figure-toggle").click()
    assert page.evaluate("document.querySelector('svg.figure').animationsPaused()")
    assert page.locator(".figure-toggle").inner_text() == "Play the drawing"


def test_reduced_motion_keeps_the_figures_still(browser: Any, live_server: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server + "/exercises")
    assert page.evaluate("[...document.querySelectorAll('svg.figure')].every(s => s.animationsPaused())")
    context.close()


FOCUSED = (
    "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
    " return [e.tagName, e.className, e.getBoundingClientRect().top >= 0, s.outlineStyle,"
    " parseFloat(s.outlineWidth)]; })()"
)


def test_keyboard_users_get_a_skip_link_with_visible_focus(
    page: Any, live_server: str, short_program: str
) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    tag, css_class, on_screen, outline, _ = page.evaluate(FOCUSED)
    assert (css_class, on_screen, outline) == ("skip-link", True, "solid")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # every link and button reached by Tab shows a clear ring (on Today, the player and the screen)
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program})
    for path in ("/", f"/workout/{workout['id']}", "/safety/screen", "/settings"):
        page.goto(live_server + path)
        seen = set()
        for _ in range(14):
            page.keyboard.press("Tab")
            tag, css_class, _, outline, width = page.evaluate(FOCUSED)
            if tag == "BODY":
                break
            seen.add(tag)
            assert outline == "solid" and width >= 2, (
                f"{path}: <{tag} class={css_class}> has no visible focus"
            )
        assert seen & {"A", "BUTTON", "INPUT"}, path


def test_a_phone_screen_never_scrolls_sideways(
    browser: Any, live_server: str, short_program: str, save_screenshot: Callable[..., Any]
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program})
    pages = [
        *MAIN_PAGES.values(),
        "/about",
        f"/workout/{workout['id']}",
        "/docs",
        "/safety/screen",
        "/safety",
    ]
    pages += [
        "/safety/checkin",
        "/safety/questionnaires",
        "/safety/questionnaires/startback",
        "/safety/progress",
    ]
    pages += ["/outcomes", "/safety/reminders", "/exercises/dead_bug"]
    for path in pages:
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.goto(f"{live_server}/workout/{workout['id']}")
    save_screenshot(page, "player-phone", full_page=False)
    context.close()


def test_screenshots_of_the_main_pages(
    page: Any, live_server: str, short_program: str, save_screenshot: Callable[..., Any]
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
        "() => document.getElementById('camera-select').options.length > 1"
        " || !document.getElementById('camera-list').hidden"
    )
    if page.locator("#camera-list").is_visible():
        page.locator("#camera-list").click()  # asks for the camera once, so the list gets names
    page.wait_for_function("() => document.getElementById('camera-select').options.length > 1")
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


def test_it_hurts_offers_to_stop_and_asks_the_safety_questions_again(
    page: Any,
    start_server: Callable[..., str],
    answer_screen: Callable[[str], None],
    save_screenshot: Callable[..., Any],
) -> None:
    server = start_server()
    answer_screen(server)
    _make_short_program(server)
    workout = _api(server, "POST", "/api/workouts", {"program_slug": "quick-test"})
    page.goto(f"{server}/workout/{workout['id']}")
    page.locator("#screen-pain-before button[data-pain='3']").click()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    # a mild pain: noted, carry on, no stop offer
    page.keyboard.press("h")
    page.locator("#pain-during button[data-pain='4']").click()
    page.wait_for_function(
        "() => document.getElementById('pain-during-result').textContent.includes('4 out of 10')"
    )
    assert page.locator("#pain-during-stop").is_hidden()
    page.locator("#btn-hurts").click()  # closes the panel
    assert page.locator("#pain-during").is_hidden()
    # above 5: the stop offer, with the way to carry on
    page.locator("#btn-hurts").click()
    page.locator("#pain-during button[data-pain='7']").click()
    page.wait_for_selector("#pain-during-stop:not([hidden])")
    assert page.get_by_role("button", name="Carry on gently").is_visible()
    assert "safety questions again" in page.locator("#pain-during-rescreen").inner_text()
    page.locator("#pain-during").scroll_into_view_if_needed()
    save_screenshot(page, "player-it-hurts", full_page=False)
    page.get_by_role("button", name="Stop this exercise").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'draw_in'")
    stored = _api(server, "GET", f"/api/workouts/{workout['id']}")
    during = [(p["moment"], p["score"], p["exercise_id"]) for p in stored["pain"] if p["moment"] == "during"]
    assert during == [("during", 4, "bridge"), ("during", 7, "bridge")]
    # 7, four points above this workout's 3 before, asks the red-flag questions again: the player
    # waits for them, then comes back
    page.reload()
    page.wait_for_url(f"**/safety/screen?next=/workout/{workout['id']}")
    questions = page.locator("fieldset[id^='q-']")
    for i in range(questions.count()):
        questions.nth(i).get_by_label("No").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(f"**/workout/{workout['id']}?notice=screened")
    page.wait_for_function("() => window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    assert page.evaluate("window.backcoachPlayer.currentStep().exercise_id") == "draw_in"


def test_reminders_ask_for_notifications_only_on_a_click(browser: Any, live_server: str) -> None:
    context = browser.new_context()
    context.add_init_script(
        "window.__asked = 0;"
        "if ('Notification' in window) { const ask = Notification.requestPermission.bind(Notification);"
        " Notification.requestPermission = function () { window.__asked += 1; return ask(); }; }"
    )
    page = context.new_page()
    for path in ("/", "/exercises", "/history", "/safety/reminders"):
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        assert page.locator("script[src='/static/js/reminders.js']").count() == 1
        assert page.evaluate("window.__asked") == 0, path
    button = page.locator("#notify-enable")
    assert page.evaluate("Notification.permission") == "default"  # a fresh browser: not decided yet
    button.click()
    page.wait_for_function("() => window.__asked === 1")
    context.close()


def test_a_form_on_another_website_is_refused(page: Any, live_server: str, short_program: str) -> None:
    workouts_before = len(_api(live_server, "GET", "/api/history")["workouts"])
    times_before = _api(live_server, "GET", "/api/reminders")["times"]
    evil = (
        "<!doctype html><title>Win a prize</title>"
        f"<form id='start' method='post' action='{live_server}/workout/start'>"
        "<input name='program_slug' value='quick-test'><button>Claim</button></form>"
        f"<form id='times' method='post' action='{live_server}/safety/reminders'>"
        "<input name='times' value='03:00'><button>Also claim</button></form>"
    )
    page.route("http://evil.example/**", lambda route: route.fulfill(body=evil, content_type="text/html"))
    for form in ("#start", "#times"):
        page.goto("http://evil.example/prize.html")
        page.locator(f"{form} button").click()
        page.wait_for_load_state("load")
        assert "That request came from another website" in page.locator("h1").inner_text()
    assert len(_api(live_server, "GET", "/api/history")["workouts"]) == workouts_before
    assert _api(live_server, "GET", "/api/reminders")["times"] == times_before
    # the same kind of form on backcoach's own page works
    page.goto(live_server + "/safety/reminders")
    page.fill("#times", "07:15")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/safety/reminders?notice=saved")
    assert _api(live_server, "GET", "/api/reminders")["times"] == ["07:15"]


def test_a_first_outcome_score_gets_a_date_axis_not_milliseconds(page: Any, live_server: str) -> None:
    """One pain score on the outcome charts: the time axis shows days ("24 Nov"), as on History,
    never "07:59:59.9995" ticks around a single instant."""
    page.goto(live_server + "/safety/questionnaires/pain")
    page.fill("#score", "6")
    page.locator("form.card button[type=submit]").first.click()
    page.wait_for_url("**/result/*")
    page.goto(live_server + "/outcomes")
    page.wait_for_selector("#chart-pain .xtick text")
    ticks = page.eval_on_selector_all("#chart-pain .xtick text", "els => els.map(e => e.textContent.trim())")
    assert ticks and all(":" not in t for t in ticks), ticks
    assert any(re.fullmatch(r"\d{2} [A-Z][a-z]{2}", t) for t in ticks), ticks


def test_on_a_phone_the_drawing_comes_before_the_long_text(browser: Any, live_server: str) -> None:
    """A person on a phone sees what the exercise looks like first, not after five cards of text."""
    for width, height in ((375, 667), (1280, 800)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(live_server + "/exercises/bridge")
        figure = page.locator("svg.figure").bounding_box()
        dose = page.locator("#dose-title").bounding_box()
        assert figure is not None and dose is not None
        assert figure["y"] < height, "the drawing is on the first screen"
        if width < 800:
            assert figure["y"] < dose["y"]
        else:
            assert figure["x"] > dose["x"] + dose["width"] / 2  # the right-hand column
        context.close()


def test_skip_on_an_introduction_skips_the_exercise_and_a_rest_has_one_way_on(
    browser: Any, live_server: str, short_program: str
) -> None:
    """Skip on "Bridge" (its introduction) goes to the next exercise, not into the bridge's first set;
    a rest shows "Skip rest" only, not a second button that does the same."""
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program, "new": True})
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/workout/{workout['id']}")
    page.locator("#pain-before-skip").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'intro'")
    assert page.evaluate("window.backcoachPlayer.currentStep().exercise_id") == "bridge"
    # the heading says "Bridge"; the text under it does not say it again (speech still does)
    assert page.locator("#step-heading").inner_text() == "Bridge"
    assert page.locator("#step-text").inner_text().startswith("Lie on your back")
    skip = page.locator("#btn-skip")
    assert skip.inner_text() == "Skip this exercise"
    skip.click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'draw_in'")
    assert page.evaluate("window.backcoachPlayer.currentStep().kind") == "intro"
    assert _api(live_server, "GET", f"/api/workouts/{workout['id']}")["sets"] == []
    context.close()

    # a rest: the bridge set done (with a pause so the rest does not run out at once)
    workout = _api(live_server, "POST", "/api/workouts", {"program_slug": short_program, "new": True})
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/workout/{workout['id']}?speed=1")
    page.locator("#pain-before-skip").click()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    page.locator("#btn-plus").click()
    page.locator("#btn-done").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'rest'")
    assert page.locator("#btn-done").inner_text() == "Skip rest"
    assert page.locator("#btn-skip").is_hidden()
    page.locator("#btn-done").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'draw_in'")
    assert page.locator("#btn-skip").is_visible()
    context.close()
