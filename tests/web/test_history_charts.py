"""The History charts in real Chromium: seconds held on a whole-second axis, and on a phone no chart
toolbar lying over the chart."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


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
    workout = _api(url, "POST", "/api/workouts", {"program_slug": "daily-short"})
    # three timed holds of 2.5 s: 7.5 s held, a number that would give half-second ticks
    body = {"exercise_id": "draw_in", "set_number": 1, "reps": 3, "hold_s": 2.5, "source": "timer"}
    _api(url, "POST", f"/api/workouts/{workout['id']}/sets", body)
    _api(url, "POST", f"/api/workouts/{workout['id']}/finish")
    return url


def _exercise_chart(browser: Any, server: str, viewport: dict[str, int], **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.goto(server + "/history")
    page.select_option("#exercise-select", "draw_in")
    page.wait_for_selector("#exercise-chart .main-svg")
    return context, page


def _texts(page: Any, selector: str) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")
    return texts


def test_seconds_held_are_on_a_whole_second_axis(browser: Any, server: str) -> None:
    context, page = _exercise_chart(browser, server, {"width": 1280, "height": 900})
    ticks = _texts(page, "#exercise-chart .y2tick text")
    assert ticks, "the seconds-held axis has no ticks"
    assert all(t.replace(",", "").isdigit() for t in ticks), ticks
    reps_ticks = _texts(page, "#exercise-chart .ytick text")
    assert all(t.replace(",", "").isdigit() for t in reps_ticks), reps_ticks
    context.close()


def test_on_a_phone_no_toolbar_covers_the_charts(browser: Any, server: str) -> None:
    context, page = _exercise_chart(
        browser, server, {"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page.locator("#exercise-chart").tap()
    for chart in ("#exercise-chart", "#pain-chart"):
        bars = page.locator(f"{chart} .modebar")
        assert bars.count() == 0 or not bars.first.is_visible(), chart
    context.close()
