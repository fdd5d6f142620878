"""The server-rendered pages through the app (TestClient, a real SQLite file): what a person sees."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.services import workouts
from backcoach.services.context import AppContext, SystemClock, open_app
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
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text


def _screen_form(html: str) -> dict[str, str]:
    """The screen form's hidden fields, and "no" to every question."""
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    questions = set(re.findall(r'name="(q_[a-z_]+)"', html))
    assert len(questions) >= 5
    return {**hidden, **{q: "no" for q in questions}}


def _location(client: TestClient, path: str) -> str:
    location: str = client.get(path, follow_redirects=False).headers["location"]
    return location


def test_the_first_run_welcomes_then_the_screen_leads_back_to_today(client: TestClient) -> None:
    html = client.get("/").text
    assert "Welcome to backcoach" in html and "not a diagnosis" in html
    assert 'href="/about"' in html and 'href="/about/clinician"' in html
    assert "Daily short" in html and 'data-testid="streak">0<' in html
    # no start button yet: the welcome leads to the red-flag screen, which comes back to Today
    assert 'id="start-workout"' not in html
    assert 'href="/safety/screen?next=/"' in html
    screen = client.get("/safety/screen", params={"next": "/"}).text
    assert '<input type="hidden" name="next" value="/">' in screen
    answered = client.post("/safety/screen", data=_screen_form(screen), follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"] == "/?notice=screened"
    today = client.get(answered.headers["location"]).text
    assert "nothing in them stops you exercising" in today
    assert "Start today&#39;s workout" in today or "Start today's workout" in today
    assert 'href="/safety/screen' not in today


def test_the_player_sends_an_unscreened_person_to_the_screen_and_back(client: TestClient) -> None:
    started = client.post("/workout/start", data={"form_token": "t-1"}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"] == "/safety/screen?next=/workout"
    assert _location(client, "/workout") == "/safety/screen?next=/workout"
    assert client.get("/api/workouts/current").json() is None
    screen = client.get(started.headers["location"]).text
    answered = client.post("/safety/screen", data=_screen_form(screen), follow_redirects=False)
    assert answered.headers["location"] == "/workout?notice=screened"
    start_page = client.get(answered.headers["location"])
    assert start_page.status_code == 200 and 'id="start-workout"' in start_page.text
    started = client.post("/workout/start", data={"form_token": "t-2"}, follow_redirects=False)
    assert started.headers["location"].startswith("/workout/")


def test_the_screen_never_sends_anyone_to_another_site(client: TestClient) -> None:
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        screen = client.get("/safety/screen", params={"next": bad}).text
        assert 'name="next"' not in screen
        form = {**_screen_form(screen), "next": bad, "form_token": ""}
        answered = client.post("/safety/screen", data=form, follow_redirects=False)
        # the first screen goes back to Today, later ones to the safety page; never elsewhere
        assert answered.headers["location"] in ("/?notice=screened", "/safety?notice=screened")


def test_starting_twice_with_the_same_form_token_starts_one_workout(screened_client: TestClient) -> None:
    client = screened_client
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


def test_a_finished_workout_shows_its_summary_and_appears_in_history(screened_client: TestClient) -> None:
    client = screened_client
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
    archive = zipfile.ZipFile(io.BytesIO(client.get("/history/export.zip").content))
    assert "bridge" in archive.read("sets.csv").decode()
    assert client.get("/history/export.json").json()["workouts"][0]["id"] == workout["id"]
    assert client.get("/history", params={"month": "2024-02"}).status_code == 200
    assert client.get("/history", params={"month": "2024-13"}).status_code == 404


def _workout_yesterday(web_settings: Settings, screen_all_clear: Callable[[AppContext], object]) -> int:
    """A bridge workout done yesterday (screened all clear first), so the morning check-in is due."""
    yesterday = datetime.now(UTC) - timedelta(days=1)

    class Yesterday(SystemClock):
        def now(self) -> datetime:
            return yesterday

    with open_app(web_settings, clock=Yesterday()) as ctx:
        screen_all_clear(ctx)
        workouts.record_pain(ctx, 2, "before")
        w = workouts.start_workout(ctx)
        workouts.record_set(ctx, w.id, exercise_id="bridge", set_number=1, side=None, reps=8)
        workouts.finish_workout(ctx, w.id)
    return w.id


def test_the_morning_checkin_is_offered_and_saved_once(
    web_settings: Settings, client: TestClient, screen_all_clear: Callable[[AppContext], object]
) -> None:
    workout_id = _workout_yesterday(web_settings, screen_all_clear)
    today = client.get("/").text
    assert "Has the pain spread down a leg" in today
    assert "Morning check-in" in today
    found = re.search(r'name="client_id" value="([^"]+)"', today)
    assert found is not None
    token = found[1]
    for _ in range(2):
        response = client.post(
            "/checkin",
            data={"score": 3, "workout_id": workout_id, "client_id": token, "leg": "no"},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/?notice=checkin"
    ratings = [p for p in client.get("/api/history/pain").json() if p["moment"] == "next_morning"]
    assert [(p["score"], p["workout_id"]) for p in ratings] == [(3, workout_id)]
    today = client.get("/").text
    assert "Morning check-in" not in today and 'id="start-workout"' in today


@pytest.mark.parametrize(("score", "leg"), [(3, "yes"), (8, "no")])
def test_pain_down_a_leg_or_a_sharp_rise_in_the_morning_asks_the_screen_again(
    web_settings: Settings,
    client: TestClient,
    screen_all_clear: Callable[[AppContext], object],
    score: int,
    leg: str,
) -> None:
    workout_id = _workout_yesterday(web_settings, screen_all_clear)
    token = re.search(r'name="client_id" value="([^"]+)"', client.get("/").text)
    assert token is not None
    form = {"score": score, "workout_id": workout_id, "client_id": token[1], "leg": leg}
    for _ in range(2):  # a double post records once and goes to the same place
        response = client.post("/checkin", data=form, follow_redirects=False)
        assert response.headers["location"] == "/safety/screen?next=/"
    ratings = [p for p in client.get("/api/history/pain").json() if p["moment"] == "next_morning"]
    assert [p["score"] for p in ratings] == [score]
    today = client.get("/").text
    assert "please answer the safety questions again" in today.lower()
    assert 'id="start-workout"' not in today
    assert client.post("/api/workouts", json={}).status_code == 409
    assert _location(client, "/workout") == "/safety/screen?next=/workout"


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


def _editor_form(name: str, token: str, **rows: dict[str, object]) -> dict[str, object]:
    """The program editor's form with ``rows`` ticked (exercise id -> dose fields and position)."""
    form: dict[str, object] = {"name": name, "times_per_day": 1, "days_per_week": 6, "form_token": token}
    for exercise_id, fields in rows.items():
        form[f"{exercise_id}.included"] = "yes"
        form.update({f"{exercise_id}.{key}": value for key, value in fields.items()})
    return form


BRIDGE_ROW = {"position": 2, "sets": 2, "reps": 8, "hold_s": 5, "rest_s": 30}
DEAD_BUG_ROW = {"position": 1, "sets": 1, "reps": 6, "hold_s": 0, "rest_s": 20, "variant": "easier"}


def test_a_new_program_posted_twice_is_made_once(client: TestClient) -> None:
    form = _editor_form("Morning", "tok-new", bridge=BRIDGE_ROW, dead_bug=DEAD_BUG_ROW)
    for _ in range(2):
        assert client.post("/programs/new", data=form, follow_redirects=False).status_code == 303
    slugs = [p["slug"] for p in client.get("/api/programs").json()]
    assert slugs.count("morning") == 1
    made = client.get("/api/programs/active").json()
    assert made["slug"] == "morning"
    # in the order chosen, at the doses typed
    assert [i["exercise_id"] for i in made["items"]] == ["dead_bug", "bridge"]
    assert (made["items"][1]["dosage"]["sets"], made["items"][1]["dosage"]["reps"]) == (2, 8)
    # the same name with a new token is a real second attempt, and is refused plainly
    again = client.post("/programs/new", data={**form, "form_token": "tok-other"})
    assert again.status_code == 422 and "already a program called Morning" in again.text


def test_your_own_program_is_changed_in_the_editor_and_the_dose_change_is_kept(client: TestClient) -> None:
    client.post("/programs/new", data=_editor_form("Evening", "tok-a", bridge=BRIDGE_ROW))
    page = client.get("/programs/evening/edit").text
    assert 'value="Evening"' in page and 'name="bridge.included" value="yes" checked' in page
    changed = _editor_form("Evening", "tok-b", bridge={**BRIDGE_ROW, "reps": 10}, superman=BRIDGE_ROW)
    assert client.post("/programs/evening/edit", data=changed, follow_redirects=False).status_code == 303
    program = client.get("/api/programs/evening").json()
    assert [i["exercise_id"] for i in program["items"]] == ["bridge", "superman"]
    assert program["items"][0]["dosage"]["reps"] == 10
    client.post("/settings/program", data={"program_slug": "evening"})
    doses = client.get("/safety/progress").text
    assert "Changes to your doses" in doses and "2 × 8 → 2 × 10" in doses and "changed by you" in doses
    # a dose past the hard limits is refused in words naming the exercise; nothing changes
    bad = client.post(
        "/programs/evening/edit", data=_editor_form("Evening", "tok-c", bridge={**BRIDGE_ROW, "sets": 40})
    )
    assert bad.status_code == 422 and "Bridge" in bad.text
    assert client.get("/api/programs/evening").json()["items"][0]["dosage"]["sets"] == 2
    # the built-in programs are not edited in place
    assert client.get("/programs/core-nine/edit").status_code == 404


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
