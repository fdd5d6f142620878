"""The server-rendered pages through the app (TestClient, a real SQLite file): what a person sees."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.services import workouts
from backcoach.services.context import SystemClock, open_app
from backcoach.web.app import create_app

MAIN_PAGES = ["/", "/exercises", "/exercises/bridge", "/workout", "/history", "/about", "/settings"]


@pytest.mark.parametrize(
    "path", [*MAIN_PAGES, "/about/core", "/about/trunk", "/about/causes", "/about/clinician"]
)
def test_every_page_is_accessible_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert re.search(r"<h1[^>]*>", html)
    # every visible form control has a label
    for control_id in re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html
    ):
        assert f'for="{control_id}"' in html, f"{path}: #{control_id} has no label"


def test_unknown_pages_get_a_friendly_page_not_a_traceback(client: TestClient) -> None:
    for path in ("/no-such-page", "/exercises/handstand", "/about/nothing", "/workout/9999"):
        response = client.get(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "Back to Today" in response.text
        assert "Traceback" not in response.text


def test_an_unexpected_error_shows_the_friendly_page(web_settings: Settings) -> None:
    app = create_app(web_settings)

    def broken() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text


def test_today_shows_the_program_and_a_start_button(client: TestClient) -> None:
    html = client.get("/").text
    assert "Daily short" in html
    assert "Start today&#39;s workout" in html or "Start today's workout" in html
    assert "Welcome to backcoach" in html and 'href="/about/clinician"' in html
    assert 'data-testid="streak">0<' in html


def test_starting_twice_with_the_same_form_token_starts_one_workout(client: TestClient) -> None:
    form = {"program_slug": "daily-short", "form_token": "tok-1"}
    first = client.post("/workout/start", data=form, follow_redirects=False)
    second = client.post("/workout/start", data=form, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    workout_id = int(first.headers["location"].rsplit("/", 1)[1])
    assert [w["id"] for w in client.get("/api/history").json()["workouts"]] == [workout_id]
    # the player page carries the plan, the resume point and the clock speed
    page = client.get(first.headers["location"], params={"speed": 25})
    found = re.search(r'<script id="player-data" type="application/json">(.*?)</script>', page.text, re.S)
    assert found is not None
    data = json.loads(found[1])
    assert data["workout_id"] == workout_id
    assert data["start_index"] == 0
    assert data["clock_speed"] == 25
    assert data["steps"][0]["kind"] == "intro" and data["steps"][-1]["kind"] == "done"
    assert set(data["exercises"]) == {"pelvic_tilt", "bridge", "cat_stretch", "draw_in"}
    # /workout now leads back to the workout in progress
    assert client.get("/workout", follow_redirects=False).headers["location"] == f"/workout/{workout_id}"


def test_a_finished_workout_shows_its_summary_and_appears_in_history(client: TestClient) -> None:
    workout = client.post("/api/workouts", json={}).json()
    client.post(
        f"/api/workouts/{workout['id']}/sets",
        json={"exercise_id": "bridge", "set_number": 1, "reps": 8, "source": "manual", "client_id": "a"},
    )
    client.post(f"/workout/{workout['id']}/finish")
    summary = client.get(f"/workout/{workout['id']}")
    assert "Workout summary" in summary.text and "Bridge" in summary.text
    history = client.get("/history").text
    assert "Finished" in history
    assert 'class="calendar"' in history and " done" in history
    csv_text = client.get("/history/export.csv").text
    assert "bridge" in csv_text
    assert client.get("/history", params={"month": "2024-02"}).status_code == 200
    assert client.get("/history", params={"month": "2024-13"}).status_code == 404


def test_the_morning_checkin_is_offered_and_saved_once(web_settings: Settings, client: TestClient) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1)

    class Yesterday(SystemClock):
        def now(self) -> datetime:
            return yesterday

    with open_app(web_settings, clock=Yesterday()) as ctx:
        w = workouts.start_workout(ctx)
        workouts.record_set(ctx, w.id, exercise_id="bridge", set_number=1, side=None, reps=8)
        workouts.finish_workout(ctx, w.id)
    today = client.get("/").text
    assert "Morning check-in" in today
    found = re.search(r'name="client_id" value="([^"]+)"', today)
    assert found is not None
    token = found[1]
    for _ in range(2):
        response = client.post(
            "/checkin", data={"score": 3, "workout_id": w.id, "client_id": token}, follow_redirects=False
        )
        assert response.status_code == 303
    ratings = [p for p in client.get("/api/history/pain").json() if p["moment"] == "next_morning"]
    assert [(p["score"], p["workout_id"]) for p in ratings] == [(3, w.id)]
    assert "Morning check-in" not in client.get("/").text


def test_settings_change_the_program_and_its_schedule(client: TestClient) -> None:
    response = client.post("/settings/program", data={"program_slug": "core-nine"}, follow_redirects=False)
    assert response.status_code == 303
    assert "Your program: Core nine" in client.get("/").text
    client.post("/settings/schedule", data={"times_per_day": 2, "days_per_week": 5})
    program = client.get("/api/programs/core-nine").json()
    assert (program["times_per_day"], program["days_per_week"]) == (2, 5)
    # a schedule out of range is refused with a readable page, and nothing changes
    bad = client.post("/settings/schedule", data={"times_per_day": 9, "days_per_week": 5})
    assert bad.status_code == 400 and "Traceback" not in bad.text
    assert client.get("/api/programs/core-nine").json()["times_per_day"] == 2


def test_a_new_program_posted_twice_is_made_once(client: TestClient) -> None:
    form = {
        "name": "Morning",
        "exercise_ids": ["bridge", "dead_bug"],
        "times_per_day": 1,
        "days_per_week": 6,
        "form_token": "tok-new",
    }
    for _ in range(2):
        assert client.post("/settings/programs", data=form, follow_redirects=False).status_code == 303
    slugs = [p["slug"] for p in client.get("/api/programs").json()]
    assert slugs.count("morning") == 1
    assert client.get("/api/programs/active").json()["slug"] == "morning"
    # the same name with a new token is a real second attempt, and is refused plainly
    again = client.post("/settings/programs", data={**form, "form_token": "tok-other"})
    assert again.status_code == 422 and "already exists" in again.text


def test_the_library_links_to_the_about_pages_and_draws_each_exercise(client: TestClient) -> None:
    html = client.get("/exercises").text
    assert html.count('<svg class="figure"') == 9
    assert "<animate " in html
    assert 'href="/about/core"' in html and 'href="/about/clinician"' in html
    page = client.get("/exercises/forearm_plank").text
    assert "Common mistakes" in page and "Stay safe" in page and "Easier" in page and "Harder" in page


def test_the_about_pages_never_diagnose_and_name_the_red_flags(client: TestClient) -> None:
    html = client.get("/about/clinician").text.lower()
    for sign in ("bladder", "saddle", "both legs", "weight", "fever"):
        assert sign in html
    assert "cannot diagnose" in html
