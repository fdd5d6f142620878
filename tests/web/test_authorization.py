"""Every route of the app, and the live WebSocket, against every role: one table says who may call
each, and the test asks the real app (clinic mode, a real database) as each person. A route that is
not in the table fails the test, so a new route cannot ship without saying who may use it.

Roles: nobody signed in, patient A, patient B, A's physiotherapist, another physiotherapist, an
admin (who is nobody's physiotherapist). Paths name A's things (A's workout, A's suggestion...), so
"patient B" and "another physiotherapist" check that nobody reaches someone else's record.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from clinic_accounts import BASE_URL, FAST_HASH, PASSWORD, Browser, Clinic, make_clinic, sign_in
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from starlette.websockets import WebSocketDisconnect

from backcoach.config import Settings
from backcoach.services import accounts, jobs, safety, workouts
from backcoach.store.rows_jobs import JobRepository
from backcoach.web.app import POSE_MODEL_URL, create_app

ROLES = ("anonymous", "patient_a", "patient_b", "physio_of_a", "other_physio", "admin")

# What each kind of route answers each role: ok (allowed: any answer but 401/403/404 and 5xx),
# login (401, or 303 to the sign-in page), forbidden (403), missing (404: not yours, not even said).
EXPECT: dict[str, dict[str, str]] = {
    "public": dict.fromkeys(ROLES, "ok"),
    "signed_in": {"anonymous": "login"} | dict.fromkeys(ROLES[1:], "ok"),
    "patient": {
        "anonymous": "login",
        "patient_a": "ok",
        "patient_b": "ok",
        "physio_of_a": "forbidden",
        "other_physio": "forbidden",
        "admin": "forbidden",
    },
    # a patient's route naming A's own things (a workout, a suggestion, a questionnaire answer)
    "patient_own": {
        "anonymous": "login",
        "patient_a": "ok",
        "patient_b": "missing",
        "physio_of_a": "forbidden",
        "other_physio": "forbidden",
        "admin": "forbidden",
    },
    "staff": {
        "anonymous": "login",
        "patient_a": "forbidden",
        "patient_b": "forbidden",
        "physio_of_a": "ok",
        "other_physio": "ok",
        "admin": "ok",
    },
    # a physiotherapist's route naming patient A
    "staff_patient": {
        "anonymous": "login",
        "patient_a": "forbidden",
        "patient_b": "forbidden",
        "physio_of_a": "ok",
        "other_physio": "missing",
        "admin": "missing",
    },
    # a patient choosing or changing their own program: in a clinic the physiotherapist prescribes
    "personal_only": {"anonymous": "login"} | dict.fromkeys(ROLES[1:], "forbidden"),
    "admin": {
        "anonymous": "login",
        "patient_a": "forbidden",
        "patient_b": "forbidden",
        "physio_of_a": "forbidden",
        "other_physio": "forbidden",
        "admin": "ok",
    },
}

# (method, path) -> (who may call it, the body or query to send: JSON for /api, a form otherwise)
ROUTES: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {
    # --- meta and the app's own files
    ("GET", "/api/health"): ("public", None),
    ("GET", "/openapi.json"): ("signed_in", None),
    ("GET", "/docs"): ("signed_in", None),
    ("MOUNT", "/static"): ("public", None),
    ("MOUNT", "/vendor/@mediapipe/tasks-vision"): ("public", None),
    ("MOUNT", "/models"): ("public", None),
    ("MOUNT", "/vendor/plotly.js-dist-min"): ("public", None),
    ("MOUNT", "/vendor/swagger-ui-dist"): ("public", None),
    # --- accounts
    ("GET", "/login"): ("public", None),
    ("POST", "/login"): ("public", {"email": "nobody@x.example", "password": "wrong password"}),
    ("POST", "/logout"): ("public", {}),
    ("GET", "/join"): ("public", None),
    ("POST", "/join"): (
        "public",
        {"code": "ZZZZZZZZ", "email": "z@x.example", "password": "x", "password_again": "y"},
    ),
    ("GET", "/reset/{token}"): ("public", None),
    ("POST", "/reset/{token}"): ("public", {"password": PASSWORD, "password_again": "not the same"}),
    ("GET", "/privacy"): ("public", None),
    ("GET", "/account"): ("signed_in", None),
    ("POST", "/account/password"): (
        "signed_in",
        {"current": "wrong", "password": "x", "password_again": "x"},
    ),
    # staff accounts are removed by the clinic, not deleted by their owner
    ("POST", "/account/delete"): ("patient", {"password": "wrong", "confirm": "delete"}),
    # --- the exercise library and About pages: anyone signed in
    ("GET", "/api/exercises"): ("signed_in", None),
    ("GET", "/api/exercises/{exercise_id}"): ("signed_in", None),
    ("GET", "/exercises"): ("signed_in", None),
    ("GET", "/exercises/{exercise_id}"): ("signed_in", None),
    ("GET", "/about"): ("signed_in", None),
    ("GET", "/about/{slug}"): ("signed_in", None),
    ("GET", "/"): ("signed_in", None),  # Today for a patient; staff are sent to their own home
    # --- a patient's own record
    ("GET", "/api/programs"): ("patient", None),
    ("GET", "/api/programs/active"): ("patient", None),
    ("PUT", "/api/programs/active"): ("personal_only", {"query": {"slug": "daily-short"}}),
    ("GET", "/api/programs/{slug}"): ("patient", None),
    ("POST", "/api/programs"): ("personal_only", {"name": "Matrix", "exercise_ids": ["bridge"]}),
    ("PATCH", "/api/programs/{slug}"): ("personal_only", {"days_per_week": 6}),
    ("POST", "/api/workouts"): ("patient", {}),
    ("GET", "/api/workouts/current"): ("patient", None),
    ("GET", "/api/workouts/{workout_id}"): ("patient_own", None),
    ("GET", "/api/workouts/{workout_id}/plan"): ("patient_own", None),
    ("POST", "/api/workouts/{workout_id}/sets"): (
        "patient_own",
        {"exercise_id": "bridge", "set_number": 9, "reps": 1},
    ),
    ("POST", "/api/workouts/{workout_id}/pain"): ("patient_own", {"score": 2, "moment": "during"}),
    ("POST", "/api/workouts/{workout_id}/easier"): ("patient_own", {}),
    ("POST", "/api/workouts/{workout_id}/stop"): ("patient_own", {}),
    ("POST", "/api/workouts/{workout_id}/finish"): ("patient_own", {}),
    ("POST", "/api/pain"): ("patient", {"score": 2, "moment": "next_morning"}),
    ("GET", "/api/history"): ("patient", None),
    ("GET", "/api/history/pain"): ("patient", None),
    ("GET", "/api/history/exercises/{exercise_id}"): ("patient", None),
    ("GET", "/api/export"): ("patient", None),
    ("GET", "/api/outcomes"): ("patient", None),
    ("GET", "/api/safety/status"): ("patient", None),
    ("POST", "/api/safety/checkin"): ("patient", {"score": 2}),
    ("GET", "/api/reminders"): ("patient", None),
    ("POST", "/checkin"): ("patient_own", {"score": 2, "workout_id": "{workout_id}"}),
    ("GET", "/workout"): ("patient", None),
    ("POST", "/workout/start"): ("patient", {}),
    ("GET", "/workout/{workout_id}"): ("patient_own", None),
    ("POST", "/workout/{workout_id}/finish"): ("patient_own", {}),
    ("GET", "/history"): ("patient", None),
    ("GET", "/history/export.zip"): ("patient", None),
    ("GET", "/history/export.json"): ("patient", None),
    ("GET", "/settings"): ("patient", None),
    ("POST", "/settings/program"): ("personal_only", {"program_slug": "daily-short"}),
    ("POST", "/settings/schedule"): ("personal_only", {"times_per_day": 1, "days_per_week": 7}),
    ("GET", "/programs/new"): ("personal_only", None),
    ("POST", "/programs/new"): ("personal_only", {"name": "Mine", "bridge.included": "yes"}),
    ("GET", "/programs/{slug}/edit"): ("personal_only", None),
    ("POST", "/programs/{slug}/edit"): ("personal_only", {"name": "Mine", "bridge.included": "yes"}),
    ("GET", "/safety"): ("patient", None),
    ("GET", "/safety/screen"): ("patient", None),
    ("POST", "/safety/screen"): ("patient", {"q_bladder": "no"}),
    ("GET", "/safety/advice"): ("patient", None),
    ("POST", "/safety/cleared"): ("patient", {"clinician": "Dr Lee", "visit_date": "2026-01-01"}),
    ("GET", "/safety/checkin"): ("patient", None),
    ("POST", "/safety/checkin"): ("patient", {"score": 2}),
    ("GET", "/safety/questionnaires"): ("patient", None),
    ("POST", "/safety/questionnaires/schedule"): ("patient", {"every_days": 14}),
    ("GET", "/safety/questionnaires/{name}"): ("patient", None),
    ("POST", "/safety/questionnaires/{name}"): ("patient", {"score": 3}),
    ("GET", "/safety/questionnaires/{name}/result/{response_id}"): ("patient_own", None),
    ("GET", "/safety/progress"): ("patient", None),
    ("POST", "/safety/progress/{proposal_id}/{answer}"): ("patient_own", {}),
    ("GET", "/outcomes"): ("patient", None),
    ("GET", "/safety/reminders"): ("patient", None),
    ("POST", "/safety/reminders"): ("patient", {"times": "08:00"}),
    ("GET", "/reminders.ics"): ("patient", None),
    ("WS", "/ws/live"): ("patient", None),
    ("GET", "/videos"): ("patient", None),
    ("POST", "/videos"): ("patient", {}),
    ("GET", "/videos/{job_id}"): ("patient_own", None),
    ("GET", "/api/videos/{job_id}"): ("patient_own", None),
    ("GET", "/videos/{job_id}/progress"): ("patient_own", None),
    ("GET", "/videos/{job_id}/annotated.webm"): ("patient_own", None),
    ("GET", "/videos/{job_id}/trace"): ("patient_own", None),
    ("POST", "/videos/{job_id}/delete"): ("patient_own", {}),
    ("GET", "/messages"): ("patient", None),
    ("POST", "/messages"): ("patient", {"body": "Hello"}),
    ("POST", "/messages/read"): ("patient", {"up_to": 1}),
    # --- physiotherapists
    ("GET", "/clinic"): ("staff", None),
    ("POST", "/clinic/patients"): ("staff", {"name": "Matrix Patient"}),
    ("GET", "/clinic/patients/{patient_id}/invitation"): ("staff_patient", None),
    ("POST", "/clinic/patients/{patient_id}/invitation"): ("staff_patient", {}),
    ("POST", "/clinic/patients/{patient_id}/reset"): ("staff_patient", {}),
    ("GET", "/clinic/patients/{patient_id}"): ("staff_patient", None),
    ("GET", "/clinic/patients/{patient_id}/program"): ("staff_patient", None),
    ("POST", "/clinic/patients/{patient_id}/program"): (
        "staff_patient",
        {"name": "Plan", "bridge.included": "yes"},
    ),
    ("POST", "/clinic/patients/{patient_id}/suggestions/{proposal_id}"): (
        "staff_patient",
        {"decision": "decline"},
    ),
    ("POST", "/clinic/patients/{patient_id}/clearance"): ("staff_patient", {"visit_date": "2026-01-01"}),
    ("POST", "/clinic/patients/{patient_id}/questionnaires"): (
        "staff_patient",
        {"instrument": "odi", "every_days": 14},
    ),
    ("POST", "/clinic/patients/{patient_id}/messages"): ("staff_patient", {"body": "Hello"}),
    ("POST", "/clinic/patients/{patient_id}/messages/read"): ("staff_patient", {"up_to": 1}),
    # --- admins
    ("GET", "/admin"): ("admin", None),
    ("POST", "/admin/physios"): ("admin", {"name": "Matrix Physio", "email": "matrix@clinic.example"}),
    ("POST", "/admin/users/{user_id}/reset"): ("admin", {}),
    ("GET", "/admin/audit"): ("admin", None),
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, the WebSocket as WS and static mounts as MOUNT."""
    found: set[tuple[str, str]] = set()

    def walk(routes: Any) -> None:
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                walk(original.routes)
            elif isinstance(route, APIRoute):
                found.update((m, route.path) for m in route.methods if m != "HEAD")
            elif isinstance(route, APIWebSocketRoute):
                found.add(("WS", route.path))
            elif isinstance(route, Mount):
                found.add(("MOUNT", route.path))

    walk(app.routes)
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Clinic, dict[str, str]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("matrix"), mode="clinic", **FAST_HASH)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        clinic = make_clinic(client.app.state.ctx)  # type: ignore[attr-defined]
        ctx = clinic.ctx
        a = ctx.acting(accounts.sign_in(ctx, "pat.a@home.example", PASSWORD).actor)
        workout = workouts.start_workout(a)
        safety.check_in(a, 5, "before", workout_id=workout.id)
        safety.check_in(a, 7, "during", workout_id=workout.id, exercise_id="bridge")
        from backcoach.services import outcomes, progression

        response = outcomes.submit_pain(a, 3)
        workouts.finish_workout(a, workout.id)
        proposal = progression.list_proposals(a)[0]
        admin = ctx.acting(accounts.sign_in(ctx, "admin@clinic.example", PASSWORD).actor)
        video = _analysed_video(a)
        values = {
            "workout_id": str(workout.id),
            "proposal_id": str(proposal.id),
            "answer": "decline",
            "response_id": str(response.id),
            "name": "pain",
            "exercise_id": "bridge",
            "slug": "daily-short",
            "patient_id": str(clinic.patient_a_id),
            "user_id": str(clinic.patient_a_id),
            "token": accounts.issue_reset(admin, clinic.patient_b_id),
            "job_id": str(video),
        }
        yield client, clinic, values


def _analysed_video(a: Any) -> int:
    """A's video analysis, done, with its files (written here: what is checked is who may see them)."""
    upload = jobs.new_upload_path(a, "bridge.mp4")
    upload.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    job = jobs.submit_video(
        a,
        [].append,
        upload_path=upload,
        original_name="bridge.mp4",
        size_bytes=12,
        exercise_id="bridge",
        keep_upload=False,
    )
    folder = upload.parent.parent / "videos" / str(job.id)
    folder.mkdir(parents=True)
    (folder / "annotated.webm").write_bytes(b"\x1a\x45\xdf\xa3")
    (folder / "trace.jsonl").write_text('{"format": "backcoach.trace/1"}\n')
    with a.session() as session:
        claimed = JobRepository(session).claim(job.id, a.clock.now())
        assert claimed is not None
        JobRepository(session).finish(
            job.id,
            claimed.attempts,
            a.clock.now(),
            report={"frames": 1, "reps": {"both": 1}},
            annotated_path=str(folder / "annotated.webm"),
            trace_path=str(folder / "trace.jsonl"),
            upload_path=None,
        )
    return job.id


def _browser(client: TestClient, role: str) -> Browser:
    fresh = TestClient(client.app, base_url=BASE_URL)
    emails = {
        "patient_a": "pat.a@home.example",
        "patient_b": "pat.b@home.example",
        "physio_of_a": "sam@clinic.example",
        "other_physio": "kim@clinic.example",
        "admin": "admin@clinic.example",
    }
    return Browser(fresh) if role == "anonymous" else sign_in(fresh, emails[role])


def _fill(text: str, values: dict[str, str]) -> str:
    if text.startswith("/about/"):
        values = {**values, "slug": "core"}
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _outcome(status: int, location: str) -> str:
    if status >= 500:
        return f"server error {status}"
    if status == 401 or (status == 303 and location.startswith("/login?next=")):
        return "login"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "missing"
    return "ok"


def _call(
    who: Browser, method: str, path: str, spec: dict[str, Any] | None, values: dict[str, str]
) -> tuple[int, str]:
    url = _fill(path, values)
    if method == "MOUNT":
        file = {"/static": "/static/css/app.css", "/models": POSE_MODEL_URL}.get(path, path + "/package.json")
        answer = who.get(file)
        return answer.status_code, ""
    if method == "GET":
        answer = who.get(url, follow_redirects=False)
    else:
        body = dict(spec or {})
        query = body.pop("query", None)
        body = {k: _fill(v, values) if isinstance(v, str) else v for k, v in body.items()}
        if url.startswith("/api/"):
            answer = who.request(method, url, json=body, params=query, follow_redirects=False)
        else:
            answer = who.request(method, url, data=body, params=query, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", "")


def _live(who: Browser) -> str:
    try:
        with who.client.websocket_connect("ws://127.0.0.1/ws/live") as ws:
            ws.send_json({"type": "stop"})
            ws.receive_json()
            return "ok"
    except WebSocketDisconnect as closed:
        return "login" if closed.code == 1008 else f"closed {closed.code}"


def test_every_route_is_in_the_table(world: tuple[TestClient, Clinic, dict[str, str]]) -> None:
    client, _, _ = world
    served = app_routes(client.app)
    missing = sorted(served - set(ROUTES))
    assert not missing, f"routes with no line in the authorization table: {missing}"
    gone = sorted(set(ROUTES) - served)
    assert not gone, f"lines in the table for routes that no longer exist: {gone}"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(
    world: tuple[TestClient, Clinic, dict[str, str]], role: str
) -> None:
    client, _, values = world
    who = _browser(client, role)
    wrong = []
    # Sign-out and sign-in change who is signed in: they go last, on their own browser.
    last = {("POST", "/logout"), ("POST", "/login")}
    order = sorted(ROUTES, key=lambda r: (r in last, r))
    for method, path in order:
        access, spec = ROUTES[(method, path)]
        expected = EXPECT[access][role]
        if method == "WS":
            got = _live(who)
            # the live coach is a patient's: anyone else is refused at the handshake
            expected = "ok" if expected == "ok" else "login"
        else:
            caller = _browser(client, role) if (method, path) in last else who
            status, location = _call(caller, method, path, spec, values)
            got = _outcome(status, location)
        if got != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_no_role_gets_a_server_error_anywhere(world: tuple[TestClient, Clinic, dict[str, str]]) -> None:
    """The same calls with nothing in the body: refused or answered, never a 5xx."""
    client, _, values = world
    errors = []
    for role, (method, path) in itertools.product(("anonymous", "patient_b", "other_physio"), ROUTES):
        if method in ("WS", "MOUNT"):
            continue
        status, _ = _call(
            _browser(client, role) if path == "/logout" else _browser_cache(client, role),
            method,
            path,
            {},
            values,
        )
        if status >= 500:
            errors.append(f"{role} {method} {path}: {status}")
    assert not errors, errors


_BROWSERS: dict[str, Browser] = {}


def _browser_cache(client: TestClient, role: str) -> Browser:
    if role not in _BROWSERS:
        _BROWSERS[role] = _browser(client, role)
    return _BROWSERS[role]
