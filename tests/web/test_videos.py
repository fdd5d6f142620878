"""Uploading a video through the real app: checked before anything is kept, then queued as a job.

The queue is the real SQLite Huey queue in the data folder; no worker runs here (see
tests/worker for the workers), so a job stays queued and the tests look at what was stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backcoach.config import Settings
from backcoach.web.app import create_app

SUPERMAN_CLIP = "fitcircuit_superman_side.mp4"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=data_dir, max_upload_mb=2)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as test_client:
        yield test_client


def _stored(data_dir: Path) -> list[str]:
    uploads = data_dir / "uploads"
    return sorted(p.name for p in uploads.iterdir()) if uploads.is_dir() else []


def _queued(client: TestClient) -> int:
    return int(client.app.state.tasks.queue.pending_count())  # type: ignore[attr-defined]


def test_an_uploaded_video_is_stored_and_queued_and_its_page_shows_progress(
    client: TestClient, data_dir: Path, clips_dir: Path
) -> None:
    video = (clips_dir / SUPERMAN_CLIP).read_bytes()
    sent = client.post(
        "/videos",
        files={"video": (SUPERMAN_CLIP, video, "video/mp4")},
        data={"exercise_id": "superman", "keep_upload": "yes"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page_url = sent.headers["location"]
    [stored] = _stored(data_dir)
    assert (data_dir / "uploads" / stored).read_bytes() == video  # every byte, as sent
    assert _queued(client) == 1
    page = client.get(page_url)
    assert page.status_code == 200 and "<progress" in page.text and SUPERMAN_CLIP in page.text
    status = client.get("/api" + page_url).json()
    assert status["status"] == "queued" and status["frames_done"] == 0
    with client.stream("GET", page_url + "/progress") as events:
        first = next(events.iter_lines())
    assert first.startswith("data: ") and '"status": "queued"' in first
    listing = client.get("/videos")
    assert f'href="{page_url}"' in listing.text and "waiting" in listing.text


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("notes.txt", b"hello there, not a film", 422, "not a video file"),
        ("holiday.mp4", b"this is text pretending to be a video", 422, "does not start like a video"),
        ("tiny.mp4", b"\x00\x00", 422, "does not start like a video"),
        ("", b"", 400, "Choose a video file"),
    ],
)
def test_what_is_not_a_video_is_refused_and_nothing_is_kept(
    client: TestClient, data_dir: Path, name: str, content: bytes, status: int, words: str
) -> None:
    files = {"video": (name, content, "video/mp4")} if name else {"other": ("x.bin", b"1", "x/y")}
    refused = client.post("/videos", files=files, follow_redirects=False)
    assert refused.status_code == status, refused.text[:300]
    assert words in refused.text
    assert _stored(data_dir) == [] and _queued(client) == 0


def test_a_video_over_the_size_limit_is_refused_before_it_is_kept(
    client: TestClient, data_dir: Path, clips_dir: Path
) -> None:
    big = (clips_dir / SUPERMAN_CLIP).read_bytes()
    big += b"\x00" * (2_200_000 - len(big))  # a real video's start, past the 2 MB limit set above
    refused = client.post("/videos", files={"video": ("big.mp4", big, "video/mp4")}, follow_redirects=False)
    assert refused.status_code == 413 and "too big" in refused.text
    assert _stored(data_dir) == [] and _queued(client) == 0
    # A declared length over the limit is refused before a byte is read.
    declared = client.post(
        "/videos",
        content=b"--x--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "99000000"},
    )
    assert declared.status_code == 413


def test_an_unknown_or_missing_job_is_a_friendly_404(client: TestClient) -> None:
    assert client.get("/videos/999").status_code == 404
    assert client.get("/api/videos/999").json()["error"] == "not_found"
    assert client.get("/videos/999/annotated.webm").status_code == 404
