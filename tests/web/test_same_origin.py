"""Another website cannot post to backcoach (CSRF): forms and API changes from other origins get 403
and change nothing; the app's own pages, and scripts that send no Origin, work as before."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backcoach.web.same_origin import is_same_origin

EVIL = "https://evil.example"


def _workouts(client: TestClient) -> list[object]:
    workouts: list[object] = client.get("/api/history").json()["workouts"]
    return workouts


def test_a_cross_site_form_is_refused_with_a_page_and_changes_nothing(screened_client: TestClient) -> None:
    client = screened_client
    for headers in ({"Origin": EVIL}, {"Referer": EVIL + "/prize.html"}, {"Origin": "null"}):
        refused = client.post("/workout/start", data={"form_token": "x"}, headers=headers)
        assert refused.status_code == 403, headers
        assert "text/html" in refused.headers["content-type"]
        assert (
            "That request came from another website" in refused.text and "Nothing was changed" in refused.text
        )
    assert _workouts(client) == []
    # a program change and a red-flag clearance from elsewhere are refused just the same
    assert (
        client.post(
            "/settings/program", data={"program_slug": "core-nine"}, headers={"Origin": EVIL}
        ).status_code
        == 403
    )
    assert client.get("/api/programs/active").json()["slug"] == "daily-short"
    cleared = client.post("/safety/cleared", data={"confirm": "yes"}, headers={"Origin": EVIL})
    assert cleared.status_code == 403


def test_a_cross_site_api_call_gets_json_403(screened_client: TestClient) -> None:
    client = screened_client
    for method, path in (("POST", "/api/workouts"), ("PUT", "/api/programs/active?slug=core-nine")):
        refused = client.request(method, path, json={}, headers={"Origin": EVIL})
        assert refused.status_code == 403
        assert refused.json()["error"] == "cross_site_request"
    patched = client.patch("/api/programs/daily-short", json={"days_per_week": 2}, headers={"Origin": EVIL})
    assert patched.status_code == 403
    assert client.get("/api/programs/daily-short").json()["days_per_week"] != 2
    assert _workouts(client) == []


def test_the_apps_own_pages_and_plain_scripts_still_work(screened_client: TestClient) -> None:
    client = screened_client
    own = {"Origin": "http://127.0.0.1", "Referer": "http://127.0.0.1/"}
    started = client.post("/workout/start", data={"form_token": "ok"}, headers=own, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/workout/")
    workout_id = int(started.headers["location"].rsplit("/", 1)[1])
    by_referer = client.post(
        f"/api/workouts/{workout_id}/pain",
        json={"score": 2, "moment": "before"},
        headers={"Referer": f"http://127.0.0.1/workout/{workout_id}"},
    )
    assert by_referer.status_code == 201
    # no Origin and no Referer: a script or curl, not a browser page
    assert client.post(f"/api/workouts/{workout_id}/finish").json()["status"] == "finished"
    # reading is never blocked, wherever the link was
    assert client.get("/", headers={"Origin": EVIL, "Referer": EVIL}).status_code == 200


@pytest.mark.parametrize(
    ("source", "host", "same"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("http://127.0.0.1:8000/workout/3?x=1", "127.0.0.1:8000", True),
        ("http://LOCALHOST:8000", "localhost:8000", True),
        ("http://example.org", "example.org:80", True),
        ("https://example.org", "example.org", True),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("http://localhost:8000", "127.0.0.1:8000", False),
        ("https://evil.example", "127.0.0.1:8000", False),
        ("http://127.0.0.1.evil.example:8000", "127.0.0.1:8000", False),
        ("null", "127.0.0.1:8000", False),
        ("file:///home/me/page.html", "127.0.0.1:8000", False),
        ("", "127.0.0.1:8000", False),
        ("http://[::1]:8000", "[::1]:8000", True),
        ("http://127.0.0.1:99999", "127.0.0.1:8000", False),
    ],
)
def test_same_origin_table(source: str, host: str, same: bool) -> None:
    assert is_same_origin(source, host) is same
