"""The safety pages through the real app (TestClient, real SQLite): the red-flag path blocks the
workout player and the API, the advice stays visible until clearance; questionnaires, check-ins,
suggestions, outcome charts and reminders."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from backcoach.config import Settings
from backcoach.services import safety
from backcoach.web.app import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}"))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def _token(html: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]+)"', html)
    return found.group(1) if found else ""


def _answers(**yes: bool) -> dict[str, str]:
    form = {f"q_{a}": "no" for a in safety.screen_questions().answer_ids}
    form.update({f"q_{k}": "yes" for k, v in yes.items() if v})
    return form


def test_first_run_shows_the_screen_with_every_question(client: TestClient) -> None:
    today = client.get("/")
    assert today.status_code == 200
    page = client.get("/safety/screen")
    assert page.status_code == 200
    for question in safety.screen_questions().questions:
        assert f'name="q_{question.id}"' in page.text
    assert "Have you recently had new trouble controlling your bladder" in page.text


def test_red_flag_blocks_the_player_and_api_until_cleared(client: TestClient) -> None:
    page = client.get("/safety/screen")
    sent = client.post(
        "/safety/screen",
        data={**_answers(bladder=True), "form_token": _token(page.text)},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/safety/advice"
    advice = client.get("/safety/advice")
    assert "Please get this checked today" in advice.text
    assert "emergency" in advice.text
    # the advice names the answer that caused the stop
    flagged = advice.text.split('data-testid="flagged"')[1].split("</ul>")[0]
    assert "New trouble controlling your bladder" in flagged
    # the web player sends the person to the advice instead of starting a workout
    start = client.post("/workout/start", data={"program_slug": ""}, follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"] == "/safety/advice"
    followed = client.post("/workout/start", data={"program_slug": ""})
    assert "Please get this checked today" in followed.text
    # the JSON API answers 409 with the advice
    api = client.post("/api/workouts", json={})
    assert api.status_code == 409
    assert "today" in api.json()["advice"]
    assert client.get("/api/safety/status").json()["can_exercise"] is False
    # the stop stays visible on other pages
    assert "Your workouts are paused" in client.get("/safety").text
    # one tick box never lifts it: the clinician's name and the date of the visit are needed
    today = date.today().isoformat()
    for missing in (
        {"confirm": "yes"},
        {"confirm": "yes", "clinician": "Dr Ada Lee"},
        {"confirm": "yes", "visit_date": today},
        {"clinician": "Dr Ada Lee", "visit_date": today},
    ):
        refused = client.post("/safety/cleared", data=missing)
        assert refused.status_code == 422, missing
        assert 'role="alert"' in refused.text and 'name="clinician"' in refused.text
        assert client.post("/api/workouts", json={}).status_code == 409
    kept = client.post("/safety/cleared", data={"visit_date": today, "clinician": "Dr Ada Lee"})
    assert 'value="Dr Ada Lee"' in kept.text  # what was typed stays in the form
    cleared = client.post(
        "/safety/cleared",
        data={"confirm": "yes", "clinician": "Dr Ada Lee", "visit_date": today, "note": ""},
        follow_redirects=False,
    )
    assert cleared.status_code == 303
    history = client.get("/safety").text.split('data-testid="safety-history"')[1].split("</table>")[0]
    assert "Dr Ada Lee, visit on" in history and "New trouble controlling your bladder" in history
    started = client.post("/api/workouts", json={})
    assert started.status_code == 201


def test_long_standing_pain_already_assessed_is_advice_and_the_workout_starts(client: TestClient) -> None:
    page = client.get("/safety/screen")
    answers = _answers(no_improvement=True, clinician_assessed=True)
    sent = client.post(
        "/safety/screen", data={**answers, "form_token": _token(page.text)}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/?notice=screened")
    assert client.post("/api/workouts", json={}).status_code == 201
    overview = client.get("/safety").text
    advisory = overview.split('data-testid="advisory"')[1].split("</ul>")[0]
    assert "No improvement after 4 to 6 weeks of care" in advisory
    assert "Your workouts are paused" not in overview


def test_the_screen_asks_whether_a_clinician_has_assessed_the_pain(client: TestClient) -> None:
    page = client.get("/safety/screen")
    assert 'name="q_clinician_assessed"' in page.text
    answers = _answers()
    del answers["q_clinician_assessed"]
    refused = client.post("/safety/screen", data={**answers, "form_token": _token(page.text)})
    assert refused.status_code == 422 and 'id="q-clinician_assessed" class="missing"' in refused.text


def test_all_no_screen_goes_back_to_today(client: TestClient) -> None:
    page = client.get("/safety/screen")
    sent = client.post(
        "/safety/screen", data={**_answers(), "form_token": _token(page.text)}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/?notice=screened")
    assert client.get("/api/safety/status").json() == {
        "can_exercise": True,
        "needs_screen": False,
        "message": "",
        "urgent": False,
    }


def test_unanswered_screen_is_shown_again(client: TestClient) -> None:
    form = _answers()
    del form["q_fever"]
    response = client.post("/safety/screen", data=form)
    assert response.status_code == 422
    assert "Please answer every question" in response.text


def test_checkin_shows_the_zone_and_asks_again_after_a_sharp_rise(client: TestClient) -> None:
    page = client.get("/safety/screen")
    client.post("/safety/screen", data={**_answers(), "form_token": _token(page.text)})
    calm = client.post("/safety/checkin", data={"score": "2", "moment": "now", "leg": "no"})
    assert "2 out of 10: Safe" in calm.text
    sore = client.post("/safety/checkin", data={"score": "8", "moment": "now", "leg": "no"})
    assert "Too much" in sore.text
    assert "answer the safety questions again" in sore.text
    assert client.get("/api/safety/status").json()["can_exercise"] is False


def test_a_checkin_while_a_red_flag_is_open_says_exercise_is_paused(client: TestClient) -> None:
    page = client.get("/safety/screen")
    client.post("/safety/screen", data={**_answers(), "q_bladder": "yes", "form_token": _token(page.text)})
    result = client.post("/safety/checkin", data={"score": "1", "moment": "now", "leg": "no"})
    assert "Your exercises are paused" in result.text
    assert "Carry on" not in result.text
    api = client.post("/api/safety/checkin", json={"score": 1, "moment": "next_morning"}).json()
    assert api["stop_advice"] and "emergency" in api["stop_advice"]


def test_startback_form_scores_and_explains_the_group(client: TestClient) -> None:
    page = client.get("/safety/questionnaires/startback")
    assert "My back pain has spread down my leg(s)" in page.text
    assert "Keele University" in page.text
    answers = {f"item_{n}": v for n, v in zip(range(1, 10), [0, 0, 0, 0, 1, 1, 1, 1, 0], strict=True)}
    result = client.post(
        "/safety/questionnaires/startback", data={**answers, "form_token": _token(page.text)}
    )
    assert result.status_code == 200
    assert "High risk" in result.text and "score 4 of 9" in result.text


def test_rmdq_is_scores_only_and_outcomes_mark_meaningful_change(client: TestClient) -> None:
    page = client.get("/safety/questionnaires/rmdq")
    assert "scores only" in page.text
    assert 'name="score"' in page.text
    client.post("/safety/questionnaires/rmdq", data={"score": "14", "form_token": _token(page.text)})
    page = client.get("/safety/questionnaires/rmdq")
    client.post("/safety/questionnaires/rmdq", data={"score": "8", "form_token": _token(page.text)})
    data = client.get("/api/outcomes").json()
    points = data["series"]["rmdq"]["points"]
    assert [p["value"] for p in points] == [14, 8]
    assert [p["meaningful"] for p in points] == [False, True]
    charts = client.get("/outcomes")
    assert charts.status_code == 200
    assert "/vendor/plotly.js-dist-min/plotly.min.js" in charts.text
    assert "★ meaningful, better" in charts.text
    assert client.get("/vendor/plotly.js-dist-min/plotly.min.js").status_code == 200


def test_progress_page_lists_every_exercise_with_a_reason(client: TestClient) -> None:
    page = client.get("/safety/progress")
    assert page.status_code == 200
    assert "Keep the same dose: there is no workout at this dose yet." in page.text


def test_reminders_ics_and_notification_script(client: TestClient) -> None:
    saved = client.post("/safety/reminders", data={"times": "07:30, 18:00"}, follow_redirects=False)
    assert saved.status_code == 303
    ics = client.get("/reminders.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert sorted(e.decoded("dtstart").strftime("%H:%M") for e in events) == ["07:30", "18:00"]
    assert client.get("/api/reminders").json()["times"] == ["07:30", "18:00"]
    page = client.get("/safety/reminders")
    assert "/static/js/reminders.js" in page.text
    script = client.get("/static/js/reminders.js")
    assert script.status_code == 200 and "Notification.requestPermission" in script.text


def _good_workout(client: TestClient, program: dict) -> None:  # type: ignore[type-arg]
    workout = client.post("/api/workouts", json={"program_slug": program["slug"], "new": True}).json()
    wid = workout["id"]
    client.post(f"/api/workouts/{wid}/pain", json={"score": 2, "moment": "before"})
    for item in program["items"]:
        d = item["dosage"]
        sides = ["left", "right"] if d["per_side"] and not d.get("alternating") else [None]
        for n in range(1, d["sets"] + 1):
            for side in sides:
                body = {"exercise_id": item["exercise_id"], "set_number": n, "side": side, "reps": d["reps"]}
                sent = client.post(f"/api/workouts/{wid}/sets", json={**body, "hold_s": d["hold_s"]})
                assert sent.status_code == 201, sent.text
    client.post(f"/api/workouts/{wid}/pain", json={"score": 3, "moment": "after"})
    client.post(f"/api/workouts/{wid}/finish")
    client.post(f"/api/workouts/{wid}/pain", json={"score": 2, "moment": "next_morning"})


def test_two_good_workouts_offer_a_step_up_that_can_be_accepted(client: TestClient) -> None:
    page = client.get("/safety/screen")
    client.post("/safety/screen", data={**_answers(), "form_token": _token(page.text)})
    program = client.get("/api/programs/active").json()
    bridge_before = next(i for i in program["items"] if i["exercise_id"] == "bridge")["dosage"]["reps"]
    _good_workout(client, program)
    _good_workout(client, program)
    progress = client.get("/safety/progress")
    assert "we suggest a small step up: 2 more reps" in progress.text
    proposal_ids = re.findall(r"/safety/progress/(\d+)/accept", progress.text)
    assert proposal_ids
    for pid in proposal_ids:
        done = client.post(f"/safety/progress/{pid}/accept", follow_redirects=False)
        assert done.status_code == 303
    after = client.get("/api/programs/active").json()
    assert (
        next(i for i in after["items"] if i["exercise_id"] == "bridge")["dosage"]["reps"] == bridge_before + 2
    )
    assert "accepted" in client.get("/safety/progress").text


def test_every_questionnaire_form_saves(client: TestClient) -> None:
    forms = {
        "pain": {"score": "6"},
        "psfs": {
            "activity_1": "Putting on socks",
            "rating_1": "3",
            "activity_2": "Gardening",
            "rating_2": "5",
        },
        "odi": {
            "section_1": "2",
            "section_2": "2",
            "section_3": "",
            **{f"section_{n}": "2" for n in range(4, 11)},
        },
    }
    expected = {
        "pain": "6 out of 10",
        "psfs": "Average 4 of 10",
        "odi": "Index 40 of 100: Moderate disability",
    }
    for name, data in forms.items():
        page = client.get(f"/safety/questionnaires/{name}")
        assert page.status_code == 200
        result = client.post(f"/safety/questionnaires/{name}", data={**data, "form_token": _token(page.text)})
        assert result.status_code == 200, result.text
        assert expected[name] in result.text
    overview = client.get("/safety/questionnaires")
    assert "Last: 40" in overview.text
    again = client.get("/safety/questionnaires/psfs")
    assert 'value="Putting on socks"' in again.text  # the same activities next time
    bad = client.post("/safety/questionnaires/pain", data={"score": "11"})
    assert bad.status_code == 422
    assert client.get("/safety/questionnaires/nope").status_code == 404


def test_pain_above_five_during_an_exercise_offers_to_stop_through_the_api(client: TestClient) -> None:
    page = client.get("/safety/screen")
    client.post("/safety/screen", data={**_answers(), "form_token": _token(page.text)})
    workout = client.post("/api/workouts", json={}).json()
    body = {"moment": "during", "workout_id": workout["id"], "exercise_id": "bridge"}
    ok = client.post("/api/safety/checkin", json={**body, "score": 4})
    assert ok.status_code == 201
    assert ok.json()["zone"]["label"] == "Acceptable" and not ok.json()["stop_exercise"]
    sore = client.post("/api/safety/checkin", json={**body, "score": 6}).json()
    assert sore["stop_exercise"] is True
    assert "Stop this exercise" in sore["zone"]["meaning"]


def test_today_shows_the_first_run_screen_then_questionnaires_due(client: TestClient) -> None:
    assert "please answer a few" in client.get("/").text
    page = client.get("/safety/screen")
    client.post("/safety/screen", data={**_answers(), "form_token": _token(page.text)})
    today = client.get("/").text
    assert "please answer a few" not in today
    assert "questionnaires are due" in today
    page = client.get("/safety/questionnaires/pain")
    client.post("/safety/questionnaires/pain", data={"score": "4", "form_token": _token(page.text)})
    assert "questionnaires are due" not in client.get("/").text


def test_pain_above_five_during_an_exercise_marks_it_for_an_easier_dose(client: TestClient) -> None:
    page = client.get("/safety/screen")
    client.post("/safety/screen", data={**_answers(), "form_token": _token(page.text)})
    workout = client.post("/api/workouts", json={}).json()
    client.post(f"/api/workouts/{workout['id']}/pain", json={"score": 2, "moment": "before"})
    during = {"moment": "during", "workout_id": workout["id"], "exercise_id": "bridge", "score": 7}
    sore = client.post("/api/safety/checkin", json=during).json()
    assert sore["stop_exercise"] is True and "answer the safety questions again" in sore["rescreen_reason"]
    client.post(
        f"/api/workouts/{workout['id']}/sets", json={"exercise_id": "bridge", "set_number": 1, "reps": 3}
    )
    client.post(f"/api/workouts/{workout['id']}/finish")
    progress = client.get("/safety/progress").text
    assert "Because your pain reached 7/10, above the limit of 5, we suggest an easier dose" in progress
    # and the rise in pain holds the next workout until the screen is answered again
    again = client.post("/api/workouts", json={})
    assert again.status_code == 409 and again.json()["see"] == "/safety/screen"


def test_a_waiting_suggestion_stays_on_the_doses_page_after_another_program_is_made_active(
    client: TestClient,
) -> None:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    safety.submit_screen(ctx, {a: False for a in safety.screen_questions().answer_ids})
    from backcoach.services import programs, progression, workouts

    workout = workouts.start_workout(ctx, "daily-short")
    safety.check_in(ctx, 5, "before", workout_id=workout.id)
    safety.check_in(ctx, 6, "during", workout_id=workout.id, exercise_id="bridge")
    workouts.finish_workout(ctx, workout.id)
    safety.check_in(ctx, 4, "after", workout_id=workout.id)
    (waiting,) = [p for p in progression.pending_proposals(ctx) if p.exercise_id == "bridge"]
    assert waiting.action == "regress"
    programs.set_active_program(ctx, "core-nine")
    page = client.get("/safety/progress").text
    card = page.split(f'id="proposal-{waiting.id}"')[1].split("</li>")[0]
    assert "Bridge" in card and "in Daily short" in card
    # the overview and the doses page agree, and answering it works from here
    assert "1 suggested change waiting" in client.get("/safety").text
    accepted = client.post(f"/safety/progress/{waiting.id}/accept", follow_redirects=False)
    assert accepted.status_code == 303
    bridge = programs.get_program(ctx, "daily-short").dosage_for("bridge")
    assert bridge is not None and bridge.reps < 8
    assert f'id="proposal-{waiting.id}"' not in client.get("/safety/progress").text


def test_showing_the_doses_page_stores_nothing(client: TestClient) -> None:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    safety.submit_screen(ctx, {a: False for a in safety.screen_questions().answer_ids})
    from backcoach.services import progression, workouts

    workout = workouts.start_workout(ctx, "daily-short")
    workouts.finish_workout(ctx, workout.id)
    before = len(progression.list_proposals(ctx))
    for _ in range(2):
        assert client.get("/safety/progress").status_code == 200
    assert len(progression.list_proposals(ctx)) == before
