"""Live camera mode in real Chromium against a real server.

Chromium's fake webcam plays a .y4m made here with ffmpeg from the real bridge clip
(../shared/clips/dawi_bridge1_side.mp4, 3.0 s to 12.0 s: starts at the top, lowers, rests and
rises once), and the page has to count exactly one bridge rep, show it in the player and store
it: with pose found in the browser (no request leaves the server's origin, the pose library's
usage metrics are blocked), with a portrait camera, and with pose on the server. Without a
camera the page explains why in plain words and the timer-only player works.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from backcoach.config import Settings
from backcoach.services.context import open_app
from backcoach.services.programs import create_program, set_active_program
from backcoach.services.safety import screen_questions, submit_screen
from backcoach.services.workouts import get_workout, start_workout

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

BRIDGE_CLIP = "dawi_bridge1_side.mp4"
CLIP_START_S = 3.0
CLIP_LENGTH_S = 9.0
# Chromium loops the fake video: the looped clip's next rise comes about 16 s after the camera
# starts, so the count is read (and the camera stopped) the moment the page shows its first rep.
COUNT_TIMEOUT_MS = 120_000


def _fake_camera(clips_dir: Path, out: Path, video_filter: str) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    command = ["ffmpeg", "-v", "error", "-ss", f"{CLIP_START_S}", "-t", f"{CLIP_LENGTH_S}"]
    command += ["-i", str(clips_dir / BRIDGE_CLIP), "-vf", f"{video_filter},fps=15", "-pix_fmt", "yuv420p"]
    command += ["-f", "yuv4mpegpipe", "-y", str(out)]
    subprocess.run(command, check=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def bridge_y4m(clips_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _fake_camera(clips_dir, tmp_path_factory.mktemp("fake-camera") / "bridge.y4m", "scale=640:360")


@pytest.fixture(scope="module")
def portrait_y4m(clips_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same bridge seen by a camera whose picture is taller than wide (640x800): a phone held upright."""
    out = tmp_path_factory.mktemp("fake-camera") / "bridge-portrait.y4m"
    return _fake_camera(clips_dir, out, "scale=640:360,pad=640:800:0:220")


def _screenshot(page: Any, name: str) -> None:
    """docs/screenshots/<name>.png, as the other browser tests save theirs (the README shows them)."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS_DIR / f"{name}.png"), full_page=True)


def _bridge_workout(data_dir: Path) -> int:
    """A program of only the bridge, and a workout of it, in the server's own data directory
    (the red-flag screen answered first, with no red flag)."""
    ctx = open_app(Settings(data_dir=data_dir))
    try:
        submit_screen(ctx, {a: False for a in screen_questions().answer_ids})
        program = create_program(ctx, "Bridge only", ["bridge"])
        set_active_program(ctx, program.slug)
        return start_workout(ctx, program.slug).id
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def bridge_server(
    start_server: Callable[..., str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, int]]:
    data_dir = tmp_path_factory.mktemp("live-data")
    workout_id = _bridge_workout(data_dir)
    url = start_server(BACKCOACH_DATA_DIR=str(data_dir), BACKCOACH_CLOCK_SPEED="40")
    yield url, data_dir, workout_id


def _open_bridge_set(page: Any, url: str, workout_id: int) -> None:
    """Open the player and get past the pain question and the intro to the first bridge set."""
    page.goto(f"{url}/workout/{workout_id}")
    skip = page.locator("#pain-before-skip")
    if skip.is_visible():
        skip.click()
    page.wait_for_function("() => window.backcoachPlayer && window.backcoachPlayer.currentStep()")
    if page.evaluate("() => window.backcoachPlayer.currentStep().kind") == "intro":
        page.click("#btn-done")
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    assert page.evaluate("() => window.backcoachPlayer.currentStep().exercise_id") == "bridge"
    assert page.locator("#count").inner_text() == "0"


def _fake_camera_page(launch_browser: Callable[..., Any], y4m: Path) -> Any:
    browser = launch_browser(
        [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
        ]
    )
    return browser.new_context(viewport={"width": 1280, "height": 900})


def _count_first_rep(page: Any) -> list[str]:
    """Turn the camera on and wait for the first counted rep; the player's and the camera's counts."""
    page.click("#live-toggle")
    page.wait_for_selector("#live-panel[data-camera='on']")
    page.wait_for_function("() => window.backcoachLive.state.frames.replied > 0", timeout=60_000)
    page.wait_for_function(
        "() => document.getElementById('count').textContent !== '0'", timeout=COUNT_TIMEOUT_MS
    )
    counted: list[str] = page.evaluate(
        "() => [document.getElementById('count').textContent,"
        " document.getElementById('live-reps').dataset.reps]"
    )
    return counted


def _stored_bridge_sets(data_dir: Path, workout_id: int) -> list[tuple[int, int, str]]:
    ctx = open_app(Settings(data_dir=data_dir))
    try:
        return [
            (s.set_number, s.reps, s.source)
            for s in get_workout(ctx, workout_id).sets
            if s.exercise_id == "bridge"
        ]
    finally:
        ctx.close()


def test_live_camera_counts_one_bridge_rep_with_pose_in_the_browser_and_nothing_leaves_the_origin(
    launch_browser: Callable[..., Any], bridge_server: tuple[str, Path, int], bridge_y4m: Path
) -> None:
    url, data_dir, workout_id = bridge_server
    context = _fake_camera_page(launch_browser, bridge_y4m)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        _open_bridge_set(page, url, workout_id)
        page.evaluate(
            "() => { window.blocked = []; document.addEventListener('securitypolicyviolation',"
            " (e) => window.blocked.push([e.blockedURI, e.violatedDirective])); }"
        )
        counted = _count_first_rep(page)
        panel = page.locator("#live-panel")
        # Pose ran here (MediaPipe Tasks on the CPU: WebGL is software in this browser), and the
        # server got landmarks with the picture's size.
        assert panel.get_attribute("data-pose-mode") == "browser"
        assert panel.get_attribute("data-pose-delegate") == "CPU"
        assert page.evaluate("() => window.backcoachLive.state.size") == [640, 360]
        _screenshot(page, "live_camera")
        # Stopping the camera closes the model, and the library sends its usage metrics: blocked.
        page.click("#live-toggle")
        page.wait_for_function("() => window.blocked.length > 0", timeout=10_000)
        blocked = page.evaluate("() => window.blocked")
        assert counted == ["1", "1"]
        assert panel.get_attribute("data-camera") == "off"
        assert page.locator("#count").inner_text() == "1"
        # The person ends the set: the player saves it over the row the camera filled, not beside it.
        page.evaluate(
            "() => { window.setSaved = false;"
            " document.addEventListener('backcoach:set-saved', () => { window.setSaved = true; }); }"
        )
        page.click("#btn-done")
        page.wait_for_function("() => window.setSaved === true", timeout=30_000)
    finally:
        context.close()
    assert all(not uri.startswith(url) and directive.startswith("connect-src") for uri, directive in blocked)
    # Every request the page made (page, scripts, WebAssembly, the model) went to the server itself.
    assert any(u.endswith(".wasm") for u in requests) and any(u.endswith(".task") for u in requests)
    assert [u for u in requests if not u.startswith(url + "/")] == []
    assert _stored_bridge_sets(data_dir, workout_id) == [(1, 1, "camera")]


def test_a_portrait_camera_counts_the_same_rep(
    launch_browser: Callable[..., Any],
    start_server: Callable[..., str],
    tmp_path_factory: pytest.TempPathFactory,
    portrait_y4m: Path,
) -> None:
    data_dir = tmp_path_factory.mktemp("portrait-data")
    workout_id = _bridge_workout(data_dir)
    url = start_server(BACKCOACH_DATA_DIR=str(data_dir), BACKCOACH_CLOCK_SPEED="40")
    context = _fake_camera_page(launch_browser, portrait_y4m)
    page = context.new_page()
    try:
        _open_bridge_set(page, url, workout_id)
        counted = _count_first_rep(page)
        size = page.evaluate("() => window.backcoachLive.state.size")
        page.click("#live-toggle")
    finally:
        context.close()
    assert size == [640, 800]  # the camera's own shape, not cropped to the 640x360 asked for
    assert counted == ["1", "1"]
    assert _stored_bridge_sets(data_dir, workout_id) == [(1, 1, "camera")]


def test_with_pose_on_the_server_the_camera_counts_one_bridge_rep(
    launch_browser: Callable[..., Any],
    start_server: Callable[..., str],
    tmp_path_factory: pytest.TempPathFactory,
    bridge_y4m: Path,
) -> None:
    data_dir = tmp_path_factory.mktemp("server-pose-data")
    workout_id = _bridge_workout(data_dir)
    url = start_server(
        BACKCOACH_DATA_DIR=str(data_dir), BACKCOACH_CLOCK_SPEED="40", BACKCOACH_LIVE_POSE="server"
    )
    context = _fake_camera_page(launch_browser, bridge_y4m)
    page = context.new_page()
    try:
        _open_bridge_set(page, url, workout_id)
        counted = _count_first_rep(page)
        mode = page.locator("#live-panel").get_attribute("data-pose-mode")
        # The skeleton the server found is drawn over the video.
        drawn = page.evaluate(
            "() => { const c = document.getElementById('live-overlay');"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { return true; } } return false; }"
        )
        page.click("#live-toggle")
    finally:
        context.close()
    assert mode == "server"
    assert counted == ["1", "1"]
    assert drawn
    assert _stored_bridge_sets(data_dir, workout_id) == [(1, 1, "camera")]


@pytest.mark.parametrize(
    ("camera", "flags", "explanation"),
    [
        ("refused", ("--use-fake-device-for-media-stream",), "The camera was not allowed"),
        ("missing", (), "We couldn't find a camera"),
    ],
)
def test_a_refused_or_missing_camera_is_explained_and_the_timer_player_works(
    launch_browser: Callable[..., Any],
    start_server: Callable[..., str],
    tmp_path_factory: pytest.TempPathFactory,
    camera: str,
    flags: tuple[str, ...],
    explanation: str,
) -> None:
    data_dir = tmp_path_factory.mktemp(f"camera-{camera}-data")
    workout_id = _bridge_workout(data_dir)
    # Fast enough to see the timer count, slow enough that it cannot finish all 8 reps meanwhile.
    url = start_server(BACKCOACH_DATA_DIR=str(data_dir), BACKCOACH_CLOCK_SPEED="4")
    # Headless Chromium answers the permission prompt with "no"; without a fake device it has no camera.
    browser = launch_browser(list(flags))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _open_bridge_set(page, url, workout_id)
        page.click("#live-toggle")
        page.wait_for_selector("#live-panel[data-camera='unavailable']", timeout=30_000)
        status = page.locator("#live-status").inner_text()
        assert explanation in status
        assert "timer keeps guiding you" in status
        assert "+ and −" in status
        assert page.locator("#live-toggle").inner_text().strip() == "Use camera"
        assert page.locator("#live-body").is_hidden()
        _screenshot(page, f"live_camera_{camera}")
        # The timer-only player still paces and counts the reps (fast clock), and + / − work.
        page.click("#btn-start")
        page.wait_for_function(
            "() => Number(document.getElementById('count').textContent) >= 2", timeout=30_000
        )
        page.click("#btn-start")  # pause
        before = int(page.locator("#count").inner_text())
        page.click("#btn-plus")
        assert int(page.locator("#count").inner_text()) == before + 1
    finally:
        context.close()
