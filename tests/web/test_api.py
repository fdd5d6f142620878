"""The JSON API through the app (TestClient, a real SQLite file): status codes, bodies, idempotency."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.domain.exercises import EXERCISE_IDS
from backcoach.services.errors import SafetyStop
from backcoach.web.app import create_app, node_modules_dir


def test_exercises(client: TestClient) -> None:
    body = client.get("/api/exercises").json()
    assert [e["id"] for e in body] == list(EXERCISE_IDS)
    bridge = client.get("/api/exercises/bridge").json()
    assert bridge["dosage"]["kind"] == "reps" and bridge["steps"]
    missing = client.get("/api/exercises/handstand")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found" and "handstand" in missing.json()["detail"]


def test_programs_create_update_and_errors(client: TestClient) -> None:
    assert {p["slug"] for p in client.get("/api/programs").json()} >= {"core-nine", "daily-short"}
    created = client.post(
        "/api/programs",
        json={
            "name": "Lunch break",
            "exercise_ids": ["bridge", "forearm_plank"],
            "doses": {"bridge": {"reps": 12}},
        },
    )
    assert created.status_code == 201
    program = created.json()
    assert program["slug"] == "lunch-break"
    assert [i["dosage"]["reps"] for i in program["items"] if i["exercise_id"] == "bridge"] == [12]
    # the same name again is refused, so a repeated POST never makes two
    again = client.post("/api/programs", json={"name": "Lunch break", "exercise_ids": ["bridge"]})
    assert again.status_code == 422 and again.json()["error"] == "invalid_input"
    updated = client.patch(
        "/api/programs/lunch-break", json={"days_per_week": 3, "doses": {"forearm_plank": {"hold_s": 20}}}
    ).json()
    assert updated["days_per_week"] == 3
    plank = next(i for i in updated["items"] if i["exercise_id"] == "forearm_plank")
    assert plank["dosage"]["hold_s"] == 20
    assert client.get("/api/programs/lunch-break").json()["days_per_week"] == 3
    # bad input: out of range, unknown exercise, unknown program, unknown field
    assert client.patch("/api/programs/lunch-break", json={"days_per_week": 9}).status_code == 422
    unknown = client.post("/api/programs", json={"name": "X", "exercise_ids": ["handstand"]})
    assert unknown.status_code == 404
    assert client.get("/api/programs/nothing").status_code == 404
    assert (
        client.post("/api/programs", json={"name": "Y", "exercise_ids": ["bridge"], "colour": 1}).status_code
        == 422
    )
    assert client.put("/api/programs/active", params={"slug": "lunch-break"}).json()["slug"] == "lunch-break"


def test_no_workout_starts_before_the_safety_questions(client: TestClient) -> None:
    refused = client.post("/api/workouts", json={})
    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "safety_stop" and body["screen_required"] is True
    assert "safety questions" in body["advice"] and body["see"] == "/safety/screen"
    assert client.get("/api/workouts/current").json() is None
    assert client.get("/api/safety/status").json()["needs_screen"] is True


def test_a_workout_through_the_api(screened_client: TestClient) -> None:
    client = screened_client
    started = client.post("/api/workouts", json={"program_slug": "daily-short"})
    assert started.status_code == 201
    workout_id = started.json()["id"]
    resumed = client.post("/api/workouts", json={})
    assert resumed.status_code == 200 and resumed.json()["id"] == workout_id
    assert client.get("/api/workouts/current").json()["id"] == workout_id

    plan = client.get(f"/api/workouts/{workout_id}/plan").json()
    assert plan["next_step_index"] == 0
    first_work = next(i for i, s in enumerate(plan["steps"]) if s["kind"] in ("reps", "hold"))
    step = plan["steps"][first_work]

    body = {
        "exercise_id": step["exercise_id"],
        "set_number": 1,
        "reps": step["target_reps"],
        "hold_s": step["hold_s"],
        "source": "timer",
        "client_id": "set-1",
    }
    for _ in range(3):  # a retried POST never doubles the set
        assert client.post(f"/api/workouts/{workout_id}/sets", json=body).status_code == 201
    fixed = client.post(f"/api/workouts/{workout_id}/sets", json={**body, "reps": 9, "source": "manual"})
    assert fixed.json()["reps"] == 9
    assert (
        client.post(f"/api/workouts/{workout_id}/pain", json={"score": 2, "moment": "before"}).status_code
        == 201
    )

    workout = client.get(f"/api/workouts/{workout_id}").json()
    assert [(s["exercise_id"], s["reps"], s["source"]) for s in workout["sets"]] == [
        (step["exercise_id"], 9, "manual")
    ]
    assert [p["score"] for p in workout["pain"]] == [2]

    finished = client.post(f"/api/workouts/{workout_id}/finish").json()
    assert finished["status"] == "finished"
    assert client.get("/api/workouts/current").json() is None
    history = client.get("/api/history").json()
    assert history["workouts"][0]["id"] == workout_id and history["adherence"]["done_today"]
    series = client.get(f"/api/history/exercises/{step['exercise_id']}").json()
    assert series[0]["total_reps"] == 9

    zipped = client.get("/api/export", params={"format": "csv"})
    assert zipped.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    rows = list(csv.DictReader(io.StringIO(archive.read("sets.csv").decode())))
    assert any(r["exercise_id"] == step["exercise_id"] for r in rows)
    assert client.get("/api/export").json()["sets"][0]["reps"] == 9


def test_bad_workout_input_gets_a_clear_error(screened_client: TestClient) -> None:
    client = screened_client
    workout_id = client.post("/api/workouts", json={}).json()["id"]
    pain = client.post(f"/api/workouts/{workout_id}/pain", json={"score": 11, "moment": "after"})
    assert pain.status_code == 422
    assert pain.json()["error"] == "invalid_input" and pain.json()["fields"][0]["field"] == "score"
    bad_set = client.post(
        f"/api/workouts/{workout_id}/sets", json={"exercise_id": "handstand", "set_number": 1, "reps": 3}
    )
    assert bad_set.status_code == 404
    assert client.post("/api/workouts/999/finish").status_code == 404
    assert client.post("/api/workouts", json={"program_slug": "nothing"}).status_code == 404


def test_a_safety_stop_is_409_with_the_advice(web_settings: Settings) -> None:
    app = create_app(web_settings)

    def stopped() -> None:
        raise SafetyStop("Please see a clinician today before you exercise again.")

    app.add_api_route("/api/stopped", stopped, methods=["POST"])
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = client.post("/api/stopped")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "safety_stop"
    assert body["advice"] == "Please see a clinician today before you exercise again."


def test_an_open_red_flag_blocks_starting_a_workout(client: TestClient) -> None:
    from backcoach.services import safety

    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    answers = {a: a == "bladder" for a in safety.screen_questions().answer_ids}
    safety.submit_screen(ctx, answers)
    response = client.post("/api/workouts", json={})
    assert response.status_code == 409
    assert response.json()["error"] == "safety_stop" and response.json()["advice"]
    assert response.json()["see"] == "/safety/advice" and response.json()["screen_required"] is False
    assert client.get("/api/workouts/current").json() is None
    assert "Workouts are paused" in client.get("/").text
    page = client.post("/workout/start", data={"form_token": "t"}, follow_redirects=True)
    assert "clinician" in page.text.lower()
    assert client.get("/api/workouts/current").json() is None


def test_api_docs_work_offline(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    spec = client.get("/openapi.json").json()
    assert "/api/workouts/{workout_id}/sets" in spec["paths"]
    if not (node_modules_dir() / "swagger-ui-dist").is_dir():
        pytest.skip("node_modules is not installed (npm ci)")
    assert client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    assert client.get("/vendor/plotly.js-dist-min/plotly.min.js").status_code == 200
