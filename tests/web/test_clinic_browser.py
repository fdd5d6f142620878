"""A clinic in real Chromium against a real server: the admin adds a physiotherapist, who invites a
patient; the patient joins with the code on a phone-sized screen, does a set and signs out; the
audit log shows it all. Screenshots of each screen go to docs/screenshots/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "a long enough passphrase"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def clinic_server(start_server: Callable[..., str], tmp_path_factory: pytest.TempPathFactory) -> str:
    data = tmp_path_factory.mktemp("clinic-data")
    url = start_server(
        BACKCOACH_MODE="clinic",
        BACKCOACH_DATA_DIR=str(data),
        BACKCOACH_PASSWORD_HASH_TIME_COST="1",
        BACKCOACH_PASSWORD_HASH_MEMORY_KIB="8192",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env |= {
        "BACKCOACH_MODE": "clinic",
        "BACKCOACH_DATA_DIR": str(data),
        "BACKCOACH_PASSWORD_HASH_TIME_COST": "1",
        "BACKCOACH_PASSWORD_HASH_MEMORY_KIB": "8192",
    }
    command = ["users", "create-admin", "admin@clinic.example", "--name", "Ada Admin", "--password-stdin"]
    made = subprocess.run(
        [sys.executable, "-m", "backcoach", *command],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    return url


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_admin_physio_and_patient_walk_through_a_clinic(
    browser: Any, clinic_server: str, save_screenshot: Callable[..., Path]
) -> None:
    base = clinic_server
    # The admin adds a physiotherapist and gets the link to pass on.
    admin = browser.new_context(viewport={"width": 1280, "height": 800})
    page = admin.new_page()
    page.goto(base + "/")
    page.wait_for_url("**/login?next=/")
    save_screenshot(page, "clinic-sign-in", full_page=False)
    _sign_in(page, base, "admin@clinic.example")
    page.wait_for_url(base + "/admin")
    page.get_by_label("Name").fill("Sam Physio")
    page.get_by_label("E-mail").fill("sam@clinic.example")
    page.get_by_role("button", name="Add, and make a link to set a password").click()
    link = page.get_by_test_id("reset-link").inner_text()
    assert re.match(rf"{re.escape(base)}/reset/\S+$", link)

    # The physiotherapist sets a password with the link and invites a patient.
    physio = browser.new_context(viewport={"width": 1024, "height": 768})
    page = physio.new_page()
    page.goto(link)
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_url("**/clinic?notice=reset")
    page.get_by_label("Name").fill("Pat Able")
    page.get_by_role("button", name="Add and make an invitation").click()
    code = page.get_by_test_id("invitation-code").inner_text()
    assert re.fullmatch(r"[A-Z]{8}", code)
    save_screenshot(page, "clinic-invitation", full_page=True)

    # The patient joins with the code on a phone.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(base + "/join")
    page.get_by_label("Your 8-letter code").fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your e-mail").fill("pat@home.example")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_label("I have read the privacy notice and accept it.").check()
    save_screenshot(page, "clinic-join-phone", full_page=False)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url("**/?notice=welcome")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # The safety questions, then a workout: one set of bridges counted by hand.
    page.goto(base + "/safety/screen")
    questions = page.locator("fieldset[id^='q-']")
    for i in range(questions.count()):
        questions.nth(i).get_by_label("No").check()
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url("**/?notice=screened")
    page.goto(base + "/workout")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r".*/workout/\d+$"))
    page.locator("#pain-before-skip").click()
    page.get_by_role("button", name="I'm ready").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind === 'reps'")
    for _ in range(5):
        page.locator("#btn-plus").click()
    page.locator("#btn-done").click()
    page.wait_for_function("() => window.backcoachPlayer.currentStep().kind !== 'reps'")
    save_screenshot(page, "clinic-patient-phone", full_page=False)
    page.goto(base + "/history")
    assert "Bridge" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?notice=signed_out")
    page.goto(base + "/history")
    page.wait_for_url("**/login?next=/history")

    # The audit log shows who did what.
    page = admin.pages[0]
    page.goto(base + "/admin/audit")
    log = page.get_by_test_id("audit").inner_text()
    for words in (
        "Created an account",
        "Invited a patient",
        "Joined with an invitation",
        "Accepted the privacy notice",
        "Signed in",
        "Signed out",
    ):
        assert words in log, words
    assert "Pat Able" in log and "Sam Physio" in log
    save_screenshot(page, "clinic-audit", full_page=False)
    for context in (admin, physio, phone):
        context.close()
