"""Every response tells the browser to connect only to backcoach itself, and the pose model and its
library are served by backcoach (never a CDN): what the live camera's browser pose needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.web.app import create_app, pose_model_file


def test_pages_api_and_errors_allow_connections_to_our_origin_only(client: TestClient) -> None:
    for path in ("/", "/exercises", "/api/health", "/no-such-page", "/static/js/live.js"):
        response = client.get(path)
        assert "connect-src 'self'" in response.headers["content-security-policy"].split("; "), path


def test_the_pose_library_its_webassembly_and_the_model_come_from_our_origin(client: TestClient) -> None:
    bundle = client.get("/vendor/@mediapipe/tasks-vision/vision_bundle.mjs")
    assert bundle.status_code == 200 and "javascript" in bundle.headers["content-type"]
    wasm = client.get("/vendor/@mediapipe/tasks-vision/wasm/vision_wasm_internal.wasm")
    assert wasm.status_code == 200 and wasm.content[:4] == b"\0asm"
    model = client.get("/models/pose_landmarker_full.task")
    assert model.status_code == 200
    assert model.content == pose_model_file().read_bytes()


def test_the_player_offers_pose_in_the_browser_with_our_model(screened_client: TestClient) -> None:
    workout = screened_client.post("/api/workouts", json={}).json()
    page = screened_client.get(f"/workout/{workout['id']}")
    assert 'data-pose-model="/models/pose_landmarker_full.task"' in page.text
    assert "the pictures never leave this device" in page.text


def test_a_server_set_to_do_pose_itself_offers_no_model(tmp_path: Path, screen_all_clear: Any) -> None:
    settings = Settings(data_dir=tmp_path, live_pose="server")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        screen_all_clear(client.app.state.ctx)  # type: ignore[attr-defined]
        workout = client.post("/api/workouts", json={}).json()
        page = client.get(f"/workout/{workout['id']}")
    assert 'data-pose-model=""' in page.text
    assert "Pictures stay between your browser and this computer" in page.text
