"""Sending a recorded video in real Chromium against a real server (with the queue worker it starts):
the progress bar fills as the worker reports frames, then the result page shows the count, the
holds, the annotated video (which the browser plays) and the trace to download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPERMAN_CLIP = "fitcircuit_superman_side.mp4"  # one rep, two holds


def test_a_sent_video_shows_its_progress_then_the_result_with_a_playable_video(
    live_server: str, page: Any, clips_dir: Path, save_screenshot: Callable[..., Path]
) -> None:
    page.goto(live_server + "/videos")
    page.set_input_files("#video-file", str(clips_dir / SUPERMAN_CLIP))
    page.select_option("#video-exercise", "superman")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/videos/*")
    # The progress bar is on the page while the worker runs; the page reloads with the result.
    page.wait_for_selector("#job-counts", timeout=120_000)
    assert page.locator("#job-counts dd[data-side='both']").inner_text() == "1"
    assert page.locator("#job-holds li").count() == 2
    assert "deleted once it was analysed" in page.inner_text("#video-job")
    # The annotated video plays in the page: the browser reads its length and its first frame.
    page.wait_for_function(
        "() => { const v = document.getElementById('job-video'); return v && v.readyState >= 2; }",
        timeout=30_000,
    )
    duration = page.evaluate("() => document.getElementById('job-video').duration")
    assert duration == pytest.approx(7.0, abs=0.5)
    save_screenshot(page, "video_result")
    trace = page.request.get(live_server + page.locator("a[download]").get_attribute("href"))
    assert trace.ok and trace.text().startswith('{"format": "backcoach.trace/1"')


def test_the_progress_bar_follows_the_worker(live_server: str, page: Any, clips_dir: Path) -> None:
    page.goto(live_server + "/videos")
    page.set_input_files("#video-file", str(clips_dir / "dawi_bridge1_side.mp4"))  # 600 frames
    page.select_option("#video-exercise", "bridge")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/videos/*")
    page.wait_for_function(
        "() => { const b = document.getElementById('job-progress');"
        " return b !== null && b.value > 0.1 && b.value < 1; }",
        timeout=120_000,
    )
    assert "of 600 frames" in page.inner_text("#job-frames")
    page.wait_for_selector("#job-counts", timeout=120_000)
    assert page.locator("#job-counts dd[data-side='both']").inner_text() == "1"
