"""Receiving a video upload as it streams in: its size and kind checked before anything is kept.

The multipart body is parsed as it arrives (python-multipart's streaming parser), never spooled
whole first. A declared Content-Length over the limit is refused before one byte is read; the
file part's name and first bytes must be a video's before its file is opened; and the bytes are
counted as they are written, so a body that lies about its length is cut off at the limit. A
refused upload leaves nothing behind. Parsing and writing run in a thread, off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import anyio
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from backcoach.pose.video import VIDEO_HEADER_BYTES
from backcoach.services.context import AppContext
from backcoach.services.errors import InvalidInput
from backcoach.services.jobs import check_upload_name, check_upload_start, new_upload_path

__all__ = ["FILE_FIELD", "ReceivedUpload", "UploadRefused", "receive_video_upload"]

FILE_FIELD = "video"
_MAX_FIELD_BYTES = 200
_MULTIPART_SLACK_BYTES = 64 * 1024  # boundaries and the small fields around the file


def _too_big(max_bytes: int) -> str:
    return f"That video is too big: at most {max_bytes // 1_000_000} MB, please (a shorter clip)."


class UploadRefused(InvalidInput):
    """An upload refused before it was kept; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ReceivedUpload:
    """The stored file (its path, the name it had, its size) and the form's other fields."""

    path: Path | None = None
    original_name: str = ""
    size_bytes: int = 0
    fields: dict[str, str] = field(default_factory=dict)


class _Receiver:
    """python-multipart callbacks writing the one video part to disk and keeping the small fields."""

    def __init__(self, ctx: AppContext, max_bytes: int) -> None:
        self._ctx = ctx
        self._max_bytes = max_bytes
        self.upload = ReceivedUpload()
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._filename: str | None = None
        self._value = bytearray()
        self._head = bytearray()
        self._file: IO[bytes] | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers, self._name, self._filename = {}, "", None
        self._value, self._head = bytearray(), bytearray()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        _kind, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._filename = filename.decode("utf-8", "replace") if filename is not None else None
        if self._name == FILE_FIELD:
            self.upload.original_name = check_upload_name(self._filename or "")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._name != FILE_FIELD:
            self._value += chunk
            if len(self._value) > _MAX_FIELD_BYTES:
                raise UploadRefused(f"The form field {self._name[:40]!r} is too long.", 400)
            return
        if self._file is None:
            self._head += chunk
            if len(self._head) < VIDEO_HEADER_BYTES:
                return
            check_upload_start(self.upload.original_name, bytes(self._head))
            self.upload.path = new_upload_path(self._ctx, self.upload.original_name)
            self._file = open(self.upload.path, "wb")  # noqa: SIM115 (closed at the part's end)
            chunk, self._head = bytes(self._head), bytearray()
        self.upload.size_bytes += len(chunk)
        if self.upload.size_bytes > self._max_bytes:
            raise UploadRefused(_too_big(self._max_bytes), 413)
        self._file.write(chunk)

    def _part_end(self) -> None:
        if self._name == FILE_FIELD:
            if self._file is None:  # fewer bytes than a video header: nothing was stored
                check_upload_start(self.upload.original_name, bytes(self._head))
            else:
                self._file.close()
                self._file = None
        elif self._name:
            self.upload.fields[self._name] = self._value.decode("utf-8", "replace")

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.upload.path is not None:
            self.upload.path.unlink(missing_ok=True)
            self.upload.path = None


async def receive_video_upload(request: Request, ctx: AppContext) -> ReceivedUpload:
    """The upload of this request, stored; UploadRefused (nothing kept) when it may not be."""
    max_bytes = ctx.settings.max_upload_mb * 1_000_000
    receiver = _Receiver(ctx, max_bytes)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + _MULTIPART_SLACK_BYTES:
        raise UploadRefused(_too_big(max_bytes), 413)
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused("Send the video with the upload form (multipart/form-data).", 400)
    parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            if chunk:
                await anyio.to_thread.run_sync(parser.write, chunk)
        await anyio.to_thread.run_sync(parser.finalize)
    except InvalidInput:
        await anyio.to_thread.run_sync(receiver.discard)
        raise
    except Exception as exc:  # a malformed body: python-multipart's own errors
        await anyio.to_thread.run_sync(receiver.discard)
        message = f"The upload could not be read ({type(exc).__name__}); please send it again."
        raise UploadRefused(message, 400) from None
    if receiver.upload.path is None:
        raise UploadRefused("Choose a video file to upload.", 400)
    return receiver.upload
