"""Clinic mode through the real app (TestClient, real SQLite and PostgreSQL when configured): signing
in, roles, invitations, joining, reset links, the audit log, CSRF, the login limit, deleting an
account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from clinic_accounts import BASE_URL, FAST_HASH, PASSWORD, Clinic, csrf_of, make_clinic, sign_in
from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.web.app import create_app


@pytest.fixture
def app_client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=database_url, mode="clinic", **FAST_HASH)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def clinic(app_client: TestClient) -> Clinic:
    return make_clinic(app_client.app.state.ctx)  # type: ignore[attr-defined]


def _fresh(app_client: TestClient) -> TestClient:
    """Another browser on the same server (its own cookies)."""
    return TestClient(app_client.app, base_url=BASE_URL)


def test_every_page_needs_someone_signed_in(app_client: TestClient) -> None:
    for path in (
        "/",
        "/history",
        "/settings",
        "/exercises",
        "/about",
        "/safety",
        "/docs",
        "/clinic",
        "/admin",
    ):
        page = app_client.get(path, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login?next="), path
    for path in ("/api/workouts/current", "/api/export", "/api/exercises", "/openapi.json"):
        answer = app_client.get(path)
        assert answer.status_code == 401 and answer.json()["error"] == "not_signed_in", path
    assert app_client.get("/login").status_code == 200
    assert app_client.get("/api/health").json() == {"status": "ok"}


def test_a_wrong_password_keeps_the_email_and_says_so(app_client: TestClient, clinic: Clinic) -> None:
    refused = app_client.post("/login", data={"email": "pat.a@home.example", "password": "nope nope nope"})
    assert refused.status_code == 422
    assert "do not match an account" in refused.text and 'value="pat.a@home.example"' in refused.text
    assert "backcoach_session" not in refused.cookies


def test_each_role_lands_on_its_own_home(app_client: TestClient, clinic: Clinic) -> None:
    for email, home in (
        ("admin@clinic.example", "/admin"),
        ("sam@clinic.example", "/clinic"),
        ("pat.a@home.example", "/"),
    ):
        client = _fresh(app_client)
        done = client.post("/login", data={"email": email, "password": PASSWORD}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == home
        cookie = done.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert client.get("/", follow_redirects=False).headers.get("location", "/") == home


def test_the_session_cookie_is_secure_when_the_clinic_serves_https(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, mode="clinic", secure_cookies=True, **FAST_HASH)
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        make_clinic(client.app.state.ctx)  # type: ignore[attr-defined]
        done = client.post(
            "/login", data={"email": "pat.a@home.example", "password": PASSWORD}, follow_redirects=False
        )
        assert "Secure" in done.headers["set-cookie"]


def test_a_physio_invites_a_patient_who_joins_with_the_code_and_accepts_privacy(
    app_client: TestClient, clinic: Clinic
) -> None:
    physio = sign_in(_fresh(app_client), "sam@clinic.example")
    added = physio.post("/clinic/patients", data={"name": "New Nora"}, follow_redirects=False)
    assert added.status_code == 303
    sheet = physio.get(added.headers["location"]).text
    code = re.search(r'data-testid="invitation-code">([A-Z]{8})<', sheet)
    assert code is not None
    assert f"/join?code={code[1]}" in sheet and "New Nora" in sheet
    nora = _fresh(app_client)
    asked = nora.get(f"/join?code={code[1].lower()}")
    assert asked.status_code == 200 and "Welcome, New Nora" in asked.text
    form = {"code": code[1], "email": "nora@home.example", "password": PASSWORD, "password_again": PASSWORD}
    refused = nora.post("/join", data=form)
    assert refused.status_code == 422 and "privacy" in refused.text
    joined = nora.post("/join", data={**form, "accept_privacy": "yes"}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == "/?notice=welcome"
    today = nora.get("/")
    assert today.status_code == 200 and "New Nora" in today.text
    # the code is used: a second person cannot use it
    again = _fresh(app_client).get(f"/join?code={code[1]}")
    assert "used already" in again.text
    # the physiotherapist sees Nora joined
    assert "New Nora" in physio.get("/clinic").text


def test_patients_see_only_their_own_record(app_client: TestClient, clinic: Clinic) -> None:
    a = sign_in(_fresh(app_client), "pat.a@home.example")
    b = sign_in(_fresh(app_client), "pat.b@home.example")
    workout = a.post("/api/workouts", json={}).json()
    assert a.get(f"/api/workouts/{workout['id']}").status_code == 200
    assert b.get(f"/api/workouts/{workout['id']}").status_code == 404
    assert b.post(f"/api/workouts/{workout['id']}/finish").status_code == 404
    assert b.get(f"/workout/{workout['id']}").status_code == 404
    assert b.get("/api/workouts/current").json() is None
    assert b.get("/api/export").json()["workouts"] == []
    # staff pages are not for patients
    assert a.get("/clinic").status_code == 403 and a.get("/admin").status_code == 403


def test_staff_do_not_get_patient_pages_and_an_admin_does_not_see_records(
    app_client: TestClient, clinic: Clinic
) -> None:
    physio = sign_in(_fresh(app_client), "sam@clinic.example")
    admin = sign_in(_fresh(app_client), "admin@clinic.example")
    for who in (physio, admin):
        assert who.get("/history").status_code == 403
        assert who.get("/api/workouts/current").status_code == 403
    assert physio.get("/admin").status_code == 403
    assert admin.get("/admin").status_code == 200
    # another physiotherapist's patient is "not found", not "forbidden"
    other = physio.get(f"/clinic/patients/{clinic.patient_b_id}/invitation")
    assert other.status_code == 404


def test_an_admin_adds_a_physio_with_a_link_to_set_their_password(
    app_client: TestClient, clinic: Clinic
) -> None:
    admin = sign_in(_fresh(app_client), "admin@clinic.example")
    page = admin.post("/admin/physios", data={"name": "Lou Physio", "email": "lou@clinic.example"})
    assert page.status_code == 200
    link = re.search(r'data-testid="reset-link">http://[^/]+(/reset/[^<]+)<', page.text)
    assert link is not None
    lou = _fresh(app_client)
    set_form = {"password": PASSWORD, "password_again": PASSWORD}
    done = lou.post(link[1], data=set_form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/clinic")
    assert lou.get("/clinic").status_code == 200
    # the link works once
    assert _fresh(app_client).get(link[1]).status_code == 404
    listed = admin.get("/admin").text
    assert "Lou Physio" in listed and "lou@clinic.example" in listed


def test_a_change_without_the_csrf_token_is_refused(app_client: TestClient, clinic: Clinic) -> None:
    a = sign_in(_fresh(app_client), "pat.a@home.example")
    no_token = a.client.post("/api/workouts", json={})
    assert no_token.status_code == 403 and no_token.json()["error"] == "csrf"
    wrong = a.client.post("/api/workouts", json={}, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    form = a.client.post("/messages", data={"body": "Sent without the token"})
    assert form.status_code == 403 and "expired" in form.text
    assert "Sent without the token" not in a.get("/messages").text
    # the token from the page, as a form field: accepted
    token = csrf_of(a.get("/messages").text)
    ok = a.client.post(
        "/messages", data={"body": "Sent with the token", "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert "Sent with the token" in a.get("/messages").text


def test_signing_out_ends_the_session_for_good(app_client: TestClient, clinic: Clinic) -> None:
    client = _fresh(app_client)
    a = sign_in(client, "pat.a@home.example")
    cookie = client.cookies.get("backcoach_session")
    out = a.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    stolen = _fresh(app_client)
    stolen.cookies.set("backcoach_session", cookie or "")
    assert stolen.get("/api/workouts/current").status_code == 401
    forged = _fresh(app_client)
    forged.cookies.set("backcoach_session", (cookie or "x.y").split(".")[0] + ".forged")
    assert forged.get("/api/workouts/current").status_code == 401


def test_too_many_wrong_passwords_get_429_with_retry_after(app_client: TestClient, clinic: Clinic) -> None:
    client = _fresh(app_client)
    for _ in range(5):
        assert (
            client.post(
                "/login", data={"email": "pat.a@home.example", "password": "wrong wrong!"}
            ).status_code
            == 422
        )
    limited = client.post("/login", data={"email": "pat.a@home.example", "password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert "Too many sign-in attempts" in limited.text


def test_the_audit_log_shows_sign_ins_and_a_clearance_to_the_admin(
    app_client: TestClient, clinic: Clinic
) -> None:
    a = sign_in(_fresh(app_client), "pat.a@home.example")
    a.get("/api/export")
    admin = sign_in(_fresh(app_client), "admin@clinic.example")
    log = admin.get("/admin/audit").text
    assert "Signed in" in log and "Exported a record" in log and "Pat Able" in log
    only_exports = admin.get("/admin/audit", params={"action": "export"}).text
    assert "Exported a record" in only_exports and "Signed in</td>" not in only_exports
    about_a = admin.get("/admin/audit", params={"person": clinic.patient_a_id}).text
    assert "Pat Able" in about_a and "Pat Baker" not in about_a


def test_a_patient_deletes_their_account_after_confirming(app_client: TestClient, clinic: Clinic) -> None:
    client = _fresh(app_client)
    a = sign_in(client, "pat.a@home.example")
    a.post("/api/workouts", json={})
    refused = a.post("/account/delete", data={"password": PASSWORD, "confirm": "no"})
    assert refused.status_code == 422 and "type the word" in refused.text
    done = a.post("/account/delete", data={"password": PASSWORD, "confirm": "delete"}, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/api/workouts/current").status_code == 401
    gone = _fresh(app_client).post("/login", data={"email": "pat.a@home.example", "password": PASSWORD})
    assert gone.status_code == 422
    admin = sign_in(_fresh(app_client), "admin@clinic.example")
    assert "Deleted an account" in admin.get("/admin/audit").text


def test_a_long_patient_list_comes_in_pages_with_those_needing_attention_first(
    app_client: TestClient, clinic: Clinic
) -> None:
    from backcoach.services import accounts, workspace

    ctx = clinic.ctx
    sam = ctx.acting(accounts.sign_in(ctx, "sam@clinic.example", PASSWORD).actor)
    for n in range(59):  # with Pat Able, 60 patients: invited, none has joined
        accounts.add_patient(sam, f"Abe Waiting {n:02d}")
    pat = ctx.acting(accounts.sign_in(ctx, "pat.a@home.example", PASSWORD).actor)
    workspace.send_message(pat, "The bridge hurts my knee.")
    physio = sign_in(_fresh(app_client), "sam@clinic.example")
    first = physio.get("/clinic").text
    assert "60 patients" in first and "showing 1–50" in first
    assert first.count("<tr data-patient=") == 50
    # Pat Able's message needs an answer: first, before the invitations (whose names come first)
    rows = re.findall(r'<tr data-patient="(\d+)"', first)
    assert rows[0] == str(clinic.patient_a_id)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = physio.get("/clinic?page=2").text
    assert second.count("<tr data-patient=") == 10 and 'rel="prev"' in second and 'rel="next"' not in second
    assert not set(rows) & set(re.findall(r'<tr data-patient="(\d+)"', second))
    # past the last page: the last page; a search pages through its matches only
    assert physio.get("/clinic?page=99").text.count("<tr data-patient=") == 10
    found = physio.get("/clinic?q=waiting 0").text
    assert "10 patients matching" in found and 'rel="next"' not in found
