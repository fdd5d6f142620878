"""The physiotherapist's loop in real Chromium against a real clinic server: Sam prescribes a program
in the editor (from a template, removing, adding and moving exercises, a dose and an instruction);
Pat does the workout with the camera (Chromium's fake webcam playing a real bridge clip) and
reports pain 7 during the bridge; Sam sees Pat at the top of the list with a pain flare, what the
camera saw on Pat's page, and agrees to the easier dose the rules applied; Pat sees the change.
Screenshots of each screen go to docs/screenshots/."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backcoach.config import Settings
from backcoach.services import accounts, safety
from backcoach.services.context import open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long enough passphrase"
QUICK_HASH = {"BACKCOACH_PASSWORD_HASH_TIME_COST": "1", "BACKCOACH_PASSWORD_HASH_MEMORY_KIB": "8192"}
BRIDGE_CLIP = "dawi_bridge1_side.mp4"  # as the live test: starts at the top, lowers, rests, rises once
COUNT_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def bridge_y4m(clips_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    out = tmp_path_factory.mktemp("fake-camera") / "bridge.y4m"
    command = ["ffmpeg", "-v", "error", "-ss", "3.0", "-t", "9.0", "-i", str(clips_dir / BRIDGE_CLIP)]
    command += ["-vf", "scale=640:360,fps=15", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", "-y", str(out)]
    subprocess.run(command, check=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def clinic(start_server: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A clinic server with Sam (a physiotherapist) and two patients who joined and answered the
    safety questions: Pat Able, and Aaron Quiet, whose name comes first but who needs nothing."""
    data = tmp_path_factory.mktemp("workspace-data")
    settings = Settings(
        data_dir=data, mode="clinic", password_hash_time_cost=1, password_hash_memory_kib=8192
    )
    with open_app(settings) as ctx:
        accounts.create_admin(ctx, "admin@clinic.example", "Ada Admin", PASSWORD)
        admin = ctx.acting(accounts.sign_in(ctx, "admin@clinic.example", PASSWORD).actor)
        _sam, token = accounts.add_physio(admin, "sam@clinic.example", "Sam Physio")
        sam = ctx.acting(accounts.use_reset(ctx, token, PASSWORD).actor)
        for name, email in (("Pat Able", "pat@home.example"), ("Aaron Quiet", "aaron@home.example")):
            invitation = accounts.add_patient(sam, name)
            joined = accounts.join(
                ctx, token=invitation.token, email=email, password=PASSWORD, accept_privacy=True
            )
            safety.submit_screen(
                ctx.acting(joined.actor), dict.fromkeys(safety.screen_questions().answer_ids, False)
            )
    return start_server(
        BACKCOACH_MODE="clinic", BACKCOACH_DATA_DIR=str(data), BACKCOACH_CLOCK_SPEED="20", **QUICK_HASH
    )


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/(clinic|\?.*)?$"))


def _patient_row(page: Any, name: str) -> Any:
    return page.get_by_test_id("patients").locator("tbody tr", has_text=name)


def test_prescribe_follow_and_adjust(
    launch_browser: Callable[..., Any],
    clinic: str,
    bridge_y4m: Path,
    save_screenshot: Callable[..., Path],
) -> None:
    base = clinic
    browser = launch_browser(
        [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={bridge_y4m}",
        ]
    )
    # --- Sam prescribes Pat's program, starting from Daily short.
    sam_context = browser.new_context(viewport={"width": 1280, "height": 900})
    sam = sam_context.new_page()
    _sign_in(sam, base, "sam@clinic.example")
    _patient_row(sam, "Pat Able").get_by_role("link", name="Pat Able").click()
    sam.get_by_role("link", name="Prescribe a program").click()
    sam.get_by_label("Start from").select_option(label="Daily short")
    sam.get_by_role("button", name="Use").click()
    editor = sam.get_by_test_id("editor")
    for exercise in ("Pelvic tilt", "Cat stretch", "Draw-in stretch"):
        editor.get_by_role("button", name=f"Remove {exercise}").click()
    sam.get_by_label("Add an exercise").select_option(label="Superman pose")
    sam.get_by_role("button", name="Add", exact=True).click()
    editor.get_by_role("button", name="Move Superman pose up").click()
    editor.get_by_role("button", name="Move Superman pose down").click()
    shown = editor.locator(".editor-row:not([hidden]) strong").all_inner_texts()
    assert shown == ["Bridge", "Superman pose"]
    bridge = editor.locator(".editor-row[data-exercise='bridge']")
    bridge.get_by_label("Sets", exact=True).fill("1")
    bridge.get_by_label("Reps", exact=True).fill("8")
    bridge.get_by_label("Instruction for this person").fill("Squeeze your buttocks as you lift.")
    superman = editor.locator(".editor-row[data-exercise='superman']")
    superman.get_by_label("Sets", exact=True).fill("1")
    sam.get_by_label("Name of the program").fill("Pat's core")
    save_screenshot(sam, "workspace-program-editor")
    sam.get_by_role("button", name="Save the program").click()
    sam.wait_for_url(re.compile(r".*/clinic/patients/\d+\?notice=prescribed"))
    patient_url = sam.url.split("?")[0]
    assert "Version 1, by Sam Physio" in sam.get_by_role("main").inner_text()

    # --- Pat sees the new program and works out with the camera; the bridge hurts.
    pat_context = browser.new_context(viewport={"width": 1280, "height": 900})
    pat = pat_context.new_page()
    _sign_in(pat, base, "pat@home.example")
    update = pat.get_by_test_id("program-update")
    assert "Updated by Sam Physio" in update.inner_text()
    pat.goto(base + "/workout")
    pat.get_by_role("button", name="Start").click()
    pat.wait_for_url(re.compile(r".*/workout/\d+$"))
    pat.locator("#screen-pain-before button[data-pain='2']").click()
    pat.get_by_role("button", name="I'm ready").click()
    pat.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    assert pat.get_by_test_id("instruction").inner_text() == "Squeeze your buttocks as you lift."
    pat.click("#live-toggle")
    pat.wait_for_selector("#live-panel[data-camera='on']")
    pat.wait_for_function(
        "() => document.getElementById('count').textContent !== '0'", timeout=COUNT_TIMEOUT_MS
    )
    pat.click("#live-toggle")
    assert pat.locator("#count").inner_text() == "1"
    pat.locator("#btn-hurts").click()
    pat.locator("#pain-during button[data-pain='7']").click()
    pat.get_by_role("button", name="Stop this exercise").click()
    pat.wait_for_function("() => window.backcoachPlayer.currentStep().exercise_id === 'superman'")
    pat.locator("#btn-finish").click()
    pat.locator("#screen-pain-after button[data-pain='3']").click()
    pat.wait_for_url(re.compile(r".*/workout/\d+\?notice=finished"))

    # --- Sam: Pat is at the top of the list with a flare; the camera's count is on Pat's page.
    sam.goto(base + "/clinic")
    rows = sam.get_by_test_id("patients").locator("tbody tr")
    assert "Pat Able" in rows.nth(0).inner_text() and "Aaron Quiet" in rows.nth(1).inner_text()
    assert rows.nth(0).locator("[data-flag='pain_flare']").count() == 1
    assert rows.nth(0).locator("[data-flag='dose_eased']").count() == 1
    assert rows.nth(1).locator(".badge").all_inner_texts() == ["No program yet"]
    save_screenshot(sam, "workspace-patient-list")
    sam.goto(patient_url)
    camera = sam.get_by_test_id("camera").locator("tbody tr", has_text="Bridge")
    assert camera.locator("td").nth(1).inner_text() == "1"  # counted by the camera
    eased = sam.get_by_test_id("eased")
    assert "Bridge" in eased.inner_text() and "1 × 8 → 1 × 6" in eased.inner_text()
    sam.wait_for_selector("#pain-chart .main-svg")
    save_screenshot(sam, "workspace-patient")
    eased.get_by_label("Your reason (kept in the dose history)").fill("Ease off for a week, then we review.")
    eased.get_by_role("button", name="Agree to the easier dose").click()
    sam.wait_for_url(re.compile(r".*notice=answered"))
    assert sam.get_by_test_id("eased").count() == 0
    assert "Ease off for a week" in sam.get_by_test_id("dose-history").inner_text()
    sam.goto(base + "/clinic")
    assert _patient_row(sam, "Pat Able").locator("[data-flag='dose_eased']").count() == 0

    # --- Pat sees the change on Today and on Your doses.
    pat.goto(base + "/")
    update = pat.get_by_test_id("program-update").inner_text()
    assert "Updated by Sam Physio" in update and "Bridge: kept at 6 reps after pain" in update
    save_screenshot(pat, "workspace-patient-today")
    pat.goto(base + "/safety/progress")
    doses = pat.get_by_role("main").inner_text()
    assert "agreed by Sam Physio" in doses and "Ease off for a week" in doses
    # --- On a tablet held upright, the list and the patient's page fit the screen's width.
    tablet = browser.new_context(viewport={"width": 768, "height": 1024}, is_mobile=True, has_touch=True)
    page = tablet.new_page()
    _sign_in(page, base, "sam@clinic.example")
    for url in (base + "/clinic", patient_url, patient_url + "/program"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
    save_screenshot(page, "workspace-tablet", full_page=False)
    tablet.close()
    sam_context.close()
    pat_context.close()
