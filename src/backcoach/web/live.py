"""The live camera WebSocket (``/ws/live``): pose frames in, counts, cues and framing help out.

Pose normally runs in the person's browser (MediaPipe Tasks, see ``static/js/live.js``), which
sends only the 33 landmarks of each frame and the image's size; the video never leaves the
device. A browser that cannot run the model sends JPEG frames instead, and the server finds the
pose with its shared estimator pool (``backcoach.pose.EstimatorPool``).

Protocol (one connection is one camera in one workout):

- text messages are JSON objects with a ``type``:
  ``{"type": "start", "workout_id": 1, "exercise_id": "bridge", "set_number": 1, "side": null}``
  begins counting a step (reply ``started`` with the set's stored numbers, so a reconnect
  carries on); it may add ``"client_id"`` (the player's id of the set row, so camera and player
  fill one row). ``{"type": "landmarks", "frame_id": 7, "t_ms": 1234.5, "width": 640,
  "height": 360, "lm": [[x, y, z, v], ... 33]}`` is a frame whose pose the client found itself
  (or a recorded trace; ``lm`` null when nobody is seen); ``{"type": "stop"}`` ends the step
  (reply ``stopped``).
- binary messages start with 8 bytes of header (frame id and ``t_ms``, both unsigned 32-bit
  big-endian integers), then either a camera JPEG (it starts with the JPEG marker FF D8) or
  landmarks: ``LM``, the image width and height (unsigned 16-bit big-endian), then 33 x 4
  little-endian float32 (x, y, z, visibility), or nothing when nobody is seen. The binary form
  of landmarks is what the browser sends: no text to parse, 542 bytes a frame.
- every frame gets one reply carrying its ``frame_id``: ``feedback`` (see ``LiveReply``; the
  skeleton is included only for JPEG frames), ``dropped`` (a newer frame came before this one
  was started) or ``error``. The client keeps a frame or two in flight and sends the next when
  a reply comes back, so its frame rate follows the server's pace.

A landmarks frame is analysed on the event loop (about 0.1 ms, less than a thread hop would
cost); the rare frame that changes what is stored waits for its database write in a small
shared thread pool before its reply, so a counted rep is stored before the person sees it.
JPEG frames go to the pose pool's threads. Only the newest waiting frame is kept: an older one
waiting is dropped, so nothing queues up without bound. A malformed or oversized message gets
``{"type": "error", "message": ...}`` and the connection and the workout go on. Frames stay in
memory; nothing is written to disk but the counts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import struct
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from backcoach.motion.landmarks import LANDMARK_COUNT, PoseFrame
from backcoach.pose.pool import EstimatorPool, release_free_memory
from backcoach.services import live_limits
from backcoach.services.context import AppContext
from backcoach.services.errors import BackcoachError, InvalidInput, TooManyAttempts
from backcoach.services.live import LiveCoach, check_image_size, parse_landmarks
from backcoach.web.auth import signed_in

__all__ = ["FRAME_HEADER", "LANDMARKS_HEADER", "LANDMARKS_MARK", "LIVE_PATH", "router"]

log = logging.getLogger(__name__)

LIVE_PATH = "/ws/live"
# frame id, t_ms: unsigned 32-bit big-endian integers before the JPEG or landmark bytes
FRAME_HEADER = struct.Struct(">II")
# After the frame header, landmarks are marked "LM", then the image's width and height.
LANDMARKS_MARK = b"LM"
LANDMARKS_HEADER = struct.Struct(">2sHH")
_LANDMARKS_AT = FRAME_HEADER.size + LANDMARKS_HEADER.size
_LANDMARK_BYTES = LANDMARK_COUNT * 4 * 4
_LANDMARKS_DTYPE = np.dtype("<f4")

router = APIRouter()

T = TypeVar("T")


@dataclass(frozen=True)
class _Frame:
    frame_id: int | None
    t_ms: float
    received_at: float
    jpeg: bytes | None = None
    pose: PoseFrame | None = None


def _same_origin(websocket: WebSocket) -> bool:
    """A page from another site must not drive the camera coach (browsers send Origin)."""
    origin = websocket.headers.get("origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


def _int_field(data: dict[str, Any], name: str, *, default: int | None = None) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f'"{name}" must be a whole number')
    return value


def _optional_frame_id(data: dict[str, Any]) -> int | None:
    if data.get("frame_id") is None:
        return None
    return _int_field(data, "frame_id")


def _binary_landmarks(data: bytes, t_ms: float) -> PoseFrame:
    """A binary landmarks frame (see the module docstring); InvalidInput when malformed."""
    _mark, width, height = LANDMARKS_HEADER.unpack_from(data, FRAME_HEADER.size)
    width, height = check_image_size(width, height)
    body = len(data) - _LANDMARKS_AT
    if body == 0:
        return PoseFrame(t_ms, None, width, height)
    if body != _LANDMARK_BYTES:
        raise InvalidInput(f"landmarks are {LANDMARK_COUNT} x 4 float32 ({_LANDMARK_BYTES} bytes), or none")
    points = np.frombuffer(data, _LANDMARKS_DTYPE, LANDMARK_COUNT * 4, _LANDMARKS_AT).astype(np.float64)
    if not np.isfinite(points).all():
        raise InvalidInput("landmarks must be finite numbers")
    return PoseFrame(t_ms, points.reshape(LANDMARK_COUNT, 4), width, height)


class _Connection:
    """One camera connection: a receive loop, a frame slot and a task that analyses frames in turn."""

    def __init__(
        self,
        websocket: WebSocket,
        ctx: AppContext,
        max_message_bytes: int,
        pose_pool: EstimatorPool,
        store: Executor,
    ) -> None:
        self._ws = websocket
        self._coach = LiveCoach(ctx)
        self._max_bytes = max_message_bytes
        self._pose_pool = pose_pool
        self._in_pool = False
        self._store = store
        self._pending: _Frame | None = None
        # A frame is being answered (by the receive loop or the frames task): one at a time.
        self._busy = False
        self._wake = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._open = True

    @property
    def used_pose_pool(self) -> bool:
        """This camera sent pictures for the server's pose."""
        return self._in_pool

    # ---- running --------------------------------------------------------------------

    async def run(self) -> None:
        worker = asyncio.create_task(self._process_frames())
        try:
            await self._receive_messages()
        except WebSocketDisconnect:
            pass
        finally:
            self._open = False
            self._pending = None
            self._wake.set()
            try:
                # The frame being analysed finishes (and is stored) before the coach closes.
                await asyncio.gather(worker, return_exceptions=True)
            finally:
                # Shielded: the open hold is stored and the pose pool left even when this task is
                # cancelled (the server shutting down).
                closing = asyncio.get_running_loop().run_in_executor(self._store, self._close)
                await asyncio.shield(closing)

    def _close(self) -> None:
        try:
            self._coach.close()
        finally:
            if self._in_pool:
                self._pose_pool.leave()

    async def _blocking(self, call: Callable[[], T]) -> T:
        """Database work for this connection, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._store, call)

    async def _send(self, message: dict[str, Any]) -> None:
        if not self._open:
            return
        async with self._send_lock:
            try:
                await self._ws.send_text(json.dumps(message, separators=(",", ":")))
            except (WebSocketDisconnect, RuntimeError):
                self._open = False

    async def _send_error(self, message: str, frame_id: int | None = None) -> None:
        await self._send({"type": "error", "message": message, "frame_id": frame_id})

    # ---- receiving ------------------------------------------------------------------

    async def _receive_messages(self) -> None:
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            raw_bytes: bytes | None = message.get("bytes")
            raw_text: str | None = message.get("text")
            if raw_bytes is not None:
                await self._on_binary(raw_bytes)
            elif raw_text is not None:
                await self._on_text(raw_text)

    def _too_big(self, size: int) -> str | None:
        if size <= self._max_bytes:
            return None
        return f"That message is too big ({size} bytes; at most {self._max_bytes}). Try a smaller picture."

    async def _on_binary(self, data: bytes) -> None:
        frame_id = FRAME_HEADER.unpack_from(data)[0] if len(data) >= FRAME_HEADER.size else None
        problem = self._too_big(len(data))
        if problem:
            await self._send_error(problem, frame_id)
            return
        if len(data) <= FRAME_HEADER.size:
            await self._send_error(
                "A camera frame is 8 bytes of frame id and time, then a JPEG or landmarks.", frame_id
            )
            return
        frame_id, t_ms = FRAME_HEADER.unpack_from(data)
        received_at = time.perf_counter()
        marked = data[FRAME_HEADER.size : FRAME_HEADER.size + len(LANDMARKS_MARK)] == LANDMARKS_MARK
        if marked and len(data) >= _LANDMARKS_AT:
            try:
                pose = _binary_landmarks(data, float(t_ms))
            except BackcoachError as exc:
                await self._send_error(str(exc), frame_id)
                return
            await self._offer(_Frame(frame_id, float(t_ms), received_at, pose=pose))
            return
        if not self._in_pool:
            self._in_pool = True
            self._pose_pool.join()
        await self._offer(_Frame(frame_id, float(t_ms), received_at, jpeg=data[FRAME_HEADER.size :]))

    async def _on_text(self, text: str) -> None:
        problem = self._too_big(len(text) if len(text) * 4 <= self._max_bytes else len(text.encode()))
        if problem:
            await self._send_error(problem)
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            await self._send_error("That message is not JSON.")
            return
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            await self._send_error('A message must be a JSON object with a "type".')
            return
        kind = data["type"]
        frame_id = data.get("frame_id") if kind == "landmarks" else None
        frame_id = frame_id if isinstance(frame_id, int) and not isinstance(frame_id, bool) else None
        try:
            if kind == "landmarks":
                await self._on_landmarks(data)
            elif kind == "start":
                await self._on_start(data)
            elif kind == "stop":
                await self._on_stop()
            else:
                await self._send_error(f'Unknown message type "{kind}": use start, landmarks or stop.')
        except ValueError as exc:
            await self._send_error(str(exc), frame_id)
        except BackcoachError as exc:
            await self._send_error(str(exc), frame_id)
        except Exception:
            log.exception("live %s message failed", kind)
            await self._send_error("Something went wrong on our side; your counts so far are saved.")

    async def _on_landmarks(self, data: dict[str, Any]) -> None:
        frame_id = _optional_frame_id(data)
        t_ms = data.get("t_ms")
        if isinstance(t_ms, bool) or not isinstance(t_ms, int | float) or not math.isfinite(t_ms):
            raise ValueError('"t_ms" must be a number')
        if "lm" not in data:
            raise ValueError('"lm" is missing: 33 lists of [x, y, z, visibility], or null')
        width, height = check_image_size(data.get("width"), data.get("height"))
        pose = PoseFrame(float(t_ms), parse_landmarks(data["lm"]), width, height)
        await self._offer(_Frame(frame_id, float(t_ms), time.perf_counter(), pose=pose))

    async def _on_start(self, data: dict[str, Any]) -> None:
        workout_id = _int_field(data, "workout_id")
        exercise_id = data.get("exercise_id")
        if not isinstance(exercise_id, str) or not 0 < len(exercise_id) <= 64:
            raise ValueError('"exercise_id" must be an exercise id such as "bridge"')
        set_number = _int_field(data, "set_number", default=1)
        side = data.get("side")
        if side is not None and not isinstance(side, str):
            raise ValueError('"side" must be "left", "right" or null')
        client_id = data.get("client_id")
        if client_id is not None and not isinstance(client_id, str):
            raise ValueError('"client_id" must be text: the player\'s id of this set')
        await self._drop_pending()
        live_set = await self._blocking(
            partial(self._coach.start, workout_id, exercise_id, set_number, side, client_id=client_id)
        )
        await self._send({"type": "started", "set": live_set.to_json()})

    async def _on_stop(self) -> None:
        await self._drop_pending()
        live_set = await self._blocking(self._coach.stop)
        await self._send({"type": "stopped", "set": None if live_set is None else live_set.to_json()})

    # ---- frames ---------------------------------------------------------------------

    async def _offer(self, frame: _Frame) -> None:
        """Analyse a landmarks frame at once when nothing is in hand; otherwise keep only the newest
        waiting frame (an older one waiting is dropped, and told so) for the frames task."""
        if frame.pose is not None and not self._busy and self._pending is None:
            # The common case: no hop to the frames task, the reply goes out from here.
            self._busy = True
            try:
                await self._answer(frame)
            finally:
                self._busy = False
            return
        old, self._pending = self._pending, frame
        self._wake.set()
        if old is not None:
            await self._send({"type": "dropped", "frame_id": old.frame_id})

    async def _drop_pending(self) -> None:
        old, self._pending = self._pending, None
        if old is not None:
            await self._send({"type": "dropped", "frame_id": old.frame_id})

    async def _feedback(self, frame: _Frame) -> dict[str, Any]:
        pose = frame.pose
        if frame.jpeg is not None:
            if self._coach.current_set is None:  # said before the pose is run for nothing
                raise InvalidInput('send {"type": "start", ...} with the workout and exercise before frames')
            try:
                pose = await asyncio.wrap_future(self._pose_pool.submit(frame.jpeg, frame.t_ms))
            except ValueError as exc:  # not a usable picture
                raise InvalidInput(str(exc)) from None
        assert pose is not None
        reply = self._coach.analyse(pose, frame.frame_id, echo_landmarks=frame.jpeg is not None)
        if self._coach.store_due:
            await self._blocking(self._coach.store)
        body = reply.to_json()
        body["server_ms"] = round((time.perf_counter() - frame.received_at) * 1000.0, 1)
        return body

    async def _answer(self, frame: _Frame) -> None:
        try:
            body = await self._feedback(frame)
        except BackcoachError as exc:
            await self._send_error(str(exc), frame.frame_id)
            return
        except Exception:
            log.exception("live frame %s failed", frame.frame_id)
            await self._send_error("That frame could not be analysed; on to the next.", frame.frame_id)
            return
        await self._send(body)

    async def _process_frames(self) -> None:
        while self._open:
            await self._wake.wait()
            self._wake.clear()
            if self._busy:  # the receive loop is answering a frame: it wakes us when done
                continue
            frame, self._pending = self._pending, None
            if frame is None:
                continue
            self._busy = True
            try:
                await self._answer(frame)
            finally:
                self._busy = False
                if self._pending is not None:
                    self._wake.set()


@router.websocket(LIVE_PATH)
async def live_socket(websocket: WebSocket) -> None:
    """The camera coach for one browser tab (see the module docstring for the messages). It needs a
    signed-in patient (the session is checked on connect), and at most
    ``live_connections_per_user`` open per person (across server processes) and
    ``live_connections_per_server`` per server process: past either, a clear message, then closed."""
    if not _same_origin(websocket):
        await websocket.close(code=1008, reason="This page may not use the camera coach.")
        return
    person = signed_in(websocket)
    if person is None or person.actor.role != "patient":
        await websocket.close(code=1008, reason="Please sign in as a patient to use the camera coach.")
        return
    base: AppContext = websocket.app.state.ctx
    client = websocket.client.host if websocket.client else ""
    ctx = base.acting(person.actor, address=client)
    state = websocket.app.state
    settings = state.settings
    await websocket.accept()
    open_here = getattr(state, "live_open", 0)
    if open_here >= settings.live_connections_per_server:
        await _refuse(websocket, "The camera coach is busy right now. Please try again in a minute.")
        return
    try:
        connection_id = await run_in_threadpool(live_limits.open_live, ctx)
    except TooManyAttempts as exc:
        await _refuse(websocket, str(exc))
        return
    state.live_open = getattr(state, "live_open", 0) + 1
    refresher = asyncio.create_task(_keep_fresh(ctx, connection_id))
    connection = _Connection(
        websocket, ctx, int(settings.max_ws_message_bytes), state.pose_pool, state.live_store
    )
    try:
        await connection.run()
    finally:
        refresher.cancel()
        state.live_open -= 1
        await run_in_threadpool(live_limits.close_live, ctx, connection_id)
    if connection.used_pose_pool and state.pose_pool.members == 0:
        del connection  # its frames and buffers go first: then the freed memory goes back to the system
        await asyncio.get_running_loop().run_in_executor(state.live_store, release_free_memory)


async def _refuse(websocket: WebSocket, message: str) -> None:
    await websocket.send_text(json.dumps({"type": "error", "message": message, "frame_id": None}))
    await websocket.close(code=1013, reason="full")


async def _keep_fresh(ctx: AppContext, connection_id: str) -> None:
    while True:
        await asyncio.sleep(live_limits.REFRESH_EVERY.total_seconds())
        try:
            await run_in_threadpool(live_limits.refresh_live, ctx, connection_id)
        except BackcoachError:
            log.warning("could not refresh live connection %s", connection_id)
