"""The live camera WebSocket through the real app: trace landmarks and real JPEG camera frames in,
counted reps out and stored; bad messages answered with an error while the connection goes on."""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from backcoach.config import Settings
from backcoach.motion.traces import read_trace
from backcoach.services.context import AppContext, open_app
from backcoach.services.safety import screen_questions, submit_screen
from backcoach.services.workouts import get_workout, start_workout
from backcoach.web.app import create_app

cv2 = pytest.importorskip("cv2")
np = pytest.importorskip("numpy")

BRIDGE_CLIP = "dawi_bridge1_side.mp4"
BRIDGE_TRACE = "traces/dawi_bridge1_side.trace.jsonl"
MAX_MESSAGE_BYTES = 300_000
HEADER = struct.Struct(">II")
SIZE = {"width": 640, "height": 360}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    # More cameras at once for one person than the default 2: the pose pool test opens several.
    settings = Settings(
        data_dir=tmp_path, max_ws_message_bytes=MAX_MESSAGE_BYTES, live_connections_per_user=8
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


def _ctx(client: TestClient) -> AppContext:
    ctx: AppContext = client.app.state.ctx  # type: ignore[attr-defined]
    return ctx


def _screened_workout(ctx: AppContext) -> int:
    """Answer the red-flag screen (no red flag), as before any first workout, and start a workout."""
    submit_screen(ctx, {a: False for a in screen_questions().answer_ids})
    return start_workout(ctx).id


@pytest.fixture
def workout_id(client: TestClient) -> int:
    return _screened_workout(_ctx(client))


@pytest.fixture(scope="module")
def bridge_jpegs(clips_dir: Path) -> list[tuple[int, bytes]]:
    """(t_ms, JPEG) of the bridge clip from 3.0 s to 12.0 s at 640x360, as a browser would send."""
    capture = cv2.VideoCapture(str(clips_dir / BRIDGE_CLIP))
    frames: list[tuple[int, bytes]] = []
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            t_ms = int(capture.get(cv2.CAP_PROP_POS_MSEC))
            if t_ms < 3000:
                continue
            if t_ms > 12000:
                break
            image = cv2.resize(image, (640, 360), interpolation=cv2.INTER_AREA)
            ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 70])
            assert ok
            frames.append((t_ms, buffer.tobytes()))
    finally:
        capture.release()
    assert len(frames) > 200
    return frames


def _start(
    ws: WebSocketTestSession, workout_id: int, exercise_id: str = "bridge", **extra: Any
) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "start", "workout_id": workout_id, "exercise_id": exercise_id, **extra}))
    reply: dict[str, Any] = ws.receive_json()
    assert reply["type"] == "started", reply
    return reply


def _bridge_sets(client: TestClient, workout_id: int) -> list[tuple[int, str]]:
    return [
        (s.reps, s.source) for s in get_workout(_ctx(client), workout_id).sets if s.exercise_id == "bridge"
    ]


def test_trace_landmarks_count_one_bridge_rep_and_store_it(
    client: TestClient, workout_id: int, clips_dir: Path
) -> None:
    frames = read_trace(clips_dir / BRIDGE_TRACE)[1]
    with client.websocket_connect("ws://127.0.0.1/ws/live") as ws:
        started = _start(ws, workout_id)
        assert started["set"]["reps"] == 0
        replies = []
        for frame_id, frame in enumerate(frames):
            lm = None if frame.landmarks is None else frame.landmarks.tolist()
            ws.send_text(
                json.dumps({"type": "landmarks", "frame_id": frame_id, "t_ms": frame.t_ms, "lm": lm, **SIZE})
            )
            reply = ws.receive_json()
            assert reply["type"] == "feedback" and reply["frame_id"] == frame_id, reply
            replies.append(reply)
            if reply["new_reps"]:
                assert _bridge_sets(client, workout_id) == [(1, "camera")]
        assert replies[-1]["reps"] == 1
        assert sum(r["new_reps"] for r in replies) == 1
        ws.send_text(json.dumps({"type": "stop"}))
        stopped = ws.receive_json()
        assert stopped["type"] == "stopped" and stopped["set"]["reps"] == 1
    assert _bridge_sets(client, workout_id) == [(1, "camera")]


def _binary_landmarks(frame_id: int, t_ms: int, frame: Any, width: int = 640, height: int = 360) -> bytes:
    """A landmarks frame as the browser sends it: header, "LM", size, 33 x 4 little-endian float32."""
    head = HEADER.pack(frame_id, t_ms) + b"LM" + struct.pack(">HH", width, height)
    if frame.landmarks is None:
        return head
    return head + np.asarray(frame.landmarks, dtype="<f4").tobytes()


def test_binary_landmark_frames_from_the_browser_count_one_bridge_rep(
    client: TestClient, workout_id: int, clips_dir: Path
) -> None:
    frames = read_trace(clips_dir / BRIDGE_TRACE)[1]
    with client.websocket_connect("ws://127.0.0.1/ws/live") as ws:
        _start(ws, workout_id, client_id="browser-set")
        replies = []
        for frame_id, frame in enumerate(frames, start=1):
            ws.send_bytes(_binary_landmarks(frame_id, round(frame.t_ms) + 1, frame))
            reply = ws.receive_json()
            assert reply["type"] == "feedback" and reply["frame_id"] == frame_id, reply
            replies.append(reply)
    assert replies[-1]["reps"] == 1
    assert sum(r["new_reps"] for r in replies) == 1
    # The browser drew the skeleton itself: nothing of it comes back.
    assert all(r["landmarks"] is None for r in replies)
    assert _bridge_sets(client, workout_id) == [(1, "camera")]
    # No camera picture came, so the server never loaded a pose estimator.
    assert client.app.state.pose_pool.estimators == 0  # type: ignore[attr-defined]


def test_real_jpeg_camera_frames_count_one_bridge_rep(
    client: TestClient, workout_id: int, bridge_jpegs: list[tuple[int, bytes]], tmp_path: Path
) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws/live") as ws:
        _start(ws, workout_id)
        replies = []
        for frame_id, (t_ms, jpeg) in enumerate(bridge_jpegs, start=1):
            ws.send_bytes(HEADER.pack(frame_id, t_ms) + jpeg)
            reply = ws.receive_json()
            assert reply["type"] == "feedback" and reply["frame_id"] == frame_id, reply
            replies.append(reply)
    with_person = [r for r in replies if r["landmarks"] is not None]
    assert len(with_person) >= 0.9 * len(replies)
    assert all(len(r["landmarks"]) == 33 for r in with_person)
    assert replies[-1]["reps"] == 1
    assert sum(r["new_reps"] for r in replies) == 1
    assert _bridge_sets(client, workout_id) == [(1, "camera")]
    # Frames are never written to disk: the data folder holds the database and nothing else.
    written = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    databases = {
        f"{name}{end}" for name in ("backcoach.sqlite3", "queue.sqlite3") for end in ("", "-wal", "-shm")
    }
    assert written <= databases | {"backcoach.sqlite3.migrate-lock"}


def test_cameras_share_a_few_pose_estimators_freed_when_the_last_one_closes(
    client: TestClient, workout_id: int, bridge_jpegs: list[tuple[int, bytes]]
) -> None:
    pool = client.app.state.pose_pool  # type: ignore[attr-defined]
    cameras = pool.size + 2
    with ExitStack() as stack:
        url = "ws://127.0.0.1/ws/live"
        sockets = [stack.enter_context(client.websocket_connect(url)) for _ in range(cameras)]
        for number, ws in enumerate(sockets, start=1):
            _start(ws, workout_id, client_id=f"camera-{number}")
        for frame_id, (t_ms, jpeg) in enumerate(bridge_jpegs[:6], start=1):
            for ws in sockets:
                ws.send_bytes(HEADER.pack(frame_id, t_ms) + jpeg)
            for ws in sockets:
                reply = ws.receive_json()
                assert reply["type"] == "feedback" and reply["landmarks"] is not None, reply
        assert pool.members == cameras
        assert 1 <= pool.estimators <= pool.size
    # The sockets are closed: their connections leave the pool, the last one frees the estimators.
    deadline = time.monotonic() + 20
    while (pool.members or pool.estimators) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (pool.members, pool.estimators) == (0, 0)


def test_frames_sent_faster_than_pose_are_dropped_not_queued(
    client: TestClient, workout_id: int, bridge_jpegs: list[tuple[int, bytes]]
) -> None:
    burst = bridge_jpegs[:40]
    with client.websocket_connect("ws://127.0.0.1/ws/live") as ws:
        _start(ws, workout_id)
        for frame_id, (t_ms, jpeg) in enumerate(burst, start=1):
            ws.send_bytes(HEADER.pack(frame_id, t_ms) + jpeg)
        answered: dict[int, str] = {}
        while len(answered) < len(burst):
            reply = ws.receive_json()
            assert reply["frame_id"] not in answered
            answered[reply["frame_id"]] = reply["type"]
    # Every frame is answered exactly once; the newest is always analysed, many waiting ones dropped.
    assert set(answered) == set(range(1, len(burst) + 1))
    assert answered[len(burst)] == "feedback"
    assert list(answered.values()).count("dropped") >= 10
    assert set(answered.values()) <= {"feedback", "dropped"}


def _claiming_size(jpeg: bytes, width: int, height: int) -> bytes:
    """A real JPEG whose header claims another size (a tiny file asking for a huge image)."""
    sof = jpeg.index(b"\xff\xc0")
    return jpeg[: sof + 5] + struct.pack(">HH", height, width) + jpeg[sof + 9 :]


def _expect_error(ws: WebSocketTestSession, contains: str, frame_id: int | None = None) -> None:
    reply = ws.receive_json()
    assert reply["type"] == "error", reply
    assert contains.lower() in reply["message"].lower(), reply
    assert reply["frame_id"] == frame_id


def test_bad_messages_get_an_error_and_the_workout_goes_on(
    client: TestClient, workout_id: int, clips_dir: Path, bridge_jpegs: list[tuple[int, bytes]]
) -> None:
    frames = [f for f in read_trace(clips_dir / BRIDGE_TRACE)[1] if f.landmarks is not None]
    with client.websocket_connect("ws://127.0.0.1/ws/live") as ws:
        ws.send_text("{not json")
        _expect_error(ws, "not JSON")
        ws.send_text("[" * 200_000)
        _expect_error(ws, "not JSON")
        ws.send_text(json.dumps([1, 2, 3]))
        _expect_error(ws, "type")
        ws.send_text(json.dumps({"type": "dance"}))
        _expect_error(ws, "unknown message type")
        ws.send_text(json.dumps({"type": "start", "workout_id": "one", "exercise_id": "bridge"}))
        _expect_error(ws, "workout_id")
        ws.send_text(json.dumps({"type": "start", "workout_id": workout_id, "exercise_id": "headstand"}))
        _expect_error(ws, "headstand")
        ws.send_bytes(HEADER.pack(1, 10) + bridge_jpegs[0][1])
        _expect_error(ws, "start", frame_id=1)

        _start(ws, workout_id)
        ws.send_text(
            json.dumps({"type": "landmarks", "frame_id": 2, "t_ms": 5, "lm": [[0.1, 0.2]] * 33, **SIZE})
        )
        _expect_error(ws, "33 lists", frame_id=2)
        ws.send_text(json.dumps({"type": "landmarks", "frame_id": 3, "t_ms": "soon", "lm": None, **SIZE}))
        _expect_error(ws, "t_ms", frame_id=3)
        ws.send_text(json.dumps({"type": "landmarks", "frame_id": 31, "t_ms": 6, "lm": None}))
        _expect_error(ws, "width and height", frame_id=31)
        ws.send_bytes(HEADER.pack(32, 7) + b"LM" + struct.pack(">HH", 640, 360) + b"\x00" * 100)
        _expect_error(ws, "float32", frame_id=32)
        ws.send_bytes(HEADER.pack(33, 8) + b"LM" + struct.pack(">HH", 0, 360))
        _expect_error(ws, "width and height", frame_id=33)
        nan = np.full((33, 4), np.nan, dtype="<f4").tobytes()
        ws.send_bytes(HEADER.pack(34, 9) + b"LM" + struct.pack(">HH", 640, 360) + nan)
        _expect_error(ws, "finite", frame_id=34)
        ws.send_bytes(HEADER.pack(4, 20) + b"\xff\xd8 this is not really a picture")
        _expect_error(ws, "JPEG", frame_id=4)
        ws.send_bytes(b"\x00\x01")
        _expect_error(ws, "8 bytes")
        ws.send_bytes(HEADER.pack(40, 25) + _claiming_size(bridge_jpegs[0][1], 30_000, 30_000))
        _expect_error(ws, "at most 1920 pixels", frame_id=40)
        ws.send_bytes(HEADER.pack(5, 30) + b"\x00" * MAX_MESSAGE_BYTES)
        _expect_error(ws, "too big", frame_id=5)
        ws.send_text(json.dumps({"type": "landmarks", "t_ms": 1, "lm": None, "pad": "x" * MAX_MESSAGE_BYTES}))
        _expect_error(ws, "too big")

        # Still the same connection, still counting: a real camera frame and trace landmarks.
        ws.send_bytes(HEADER.pack(6, 40) + bridge_jpegs[0][1])
        reply = ws.receive_json()
        assert reply["type"] == "feedback" and reply["frame_id"] == 6 and reply["landmarks"] is not None
        for frame_id, frame in enumerate(frames[:5], start=7):
            lm = frame.landmarks.tolist() if frame.landmarks is not None else None
            ws.send_text(
                json.dumps(
                    {"type": "landmarks", "frame_id": frame_id, "t_ms": 100 + frame.t_ms, "lm": lm, **SIZE}
                )
            )
            assert ws.receive_json()["type"] == "feedback"
    assert get_workout(_ctx(client), workout_id).status == "in_progress"


def test_a_page_from_another_site_cannot_use_the_coach(client: TestClient) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("ws://127.0.0.1/ws/live", headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 1008


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env["BACKCOACH_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "backcoach", "serve", "--port", str(port), "--no-open"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped while starting"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


def test_a_server_killed_mid_set_loses_no_counted_rep_and_the_set_carries_on(
    tmp_path: Path, clips_dir: Path
) -> None:
    from websockets.sync.client import connect

    data_dir = tmp_path / "data"
    ctx = open_app(Settings(data_dir=data_dir))
    try:
        workout_id = _screened_workout(ctx)
    finally:
        ctx.close()
    frames = read_trace(clips_dir / BRIDGE_TRACE)[1]
    start = {"type": "start", "workout_id": workout_id, "exercise_id": "bridge", "client_id": "set-1"}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"ws://127.0.0.1:{port}/ws/live"

    server = _serve(data_dir, port)
    try:
        with connect(url, max_size=None) as ws:
            ws.send(json.dumps(start))
            assert json.loads(ws.recv())["set"]["reps"] == 0
            for frame_id, frame in enumerate(frames):
                lm = None if frame.landmarks is None else frame.landmarks.tolist()
                ws.send(
                    json.dumps(
                        {"type": "landmarks", "frame_id": frame_id, "t_ms": frame.t_ms, "lm": lm, **SIZE}
                    )
                )
                if json.loads(ws.recv())["new_reps"]:
                    break
            else:
                pytest.fail("the bridge rep was never counted")
            server.send_signal(signal.SIGKILL)  # mid-set, nothing stopped or closed
            server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)

    server = _serve(data_dir, port)
    try:
        with connect(url, max_size=None) as ws:
            ws.send(json.dumps(start))
            resumed = json.loads(ws.recv())
            assert resumed["type"] == "started" and resumed["set"]["reps"] == 1
    finally:
        server.terminate()
        server.wait(timeout=10)
    ctx = open_app(Settings(data_dir=data_dir))
    try:
        sets = get_workout(ctx, workout_id).sets
    finally:
        ctx.close()
    stored = [(s.exercise_id, s.reps, s.source, s.client_id) for s in sets]
    assert stored == [("bridge", 1, "camera", "set-1")]
