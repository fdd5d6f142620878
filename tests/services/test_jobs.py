"""Video jobs through the real services, on real databases and real clips.

What a person would check: a sent video ends with its counts, holds, the annotated video and the
trace, and the upload is gone unless kept; a corrupt file ends as a failed job saying why, and
the next job is not affected; a job whose worker died is queued again and finished by another,
whose results are the only ones that count.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from step_clock import StepClock

from backcoach.config import Settings
from backcoach.services import jobs
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import NotFound
from backcoach.store.rows_jobs import JobRepository

SUPERMAN_CLIP = "fitcircuit_superman_side.mp4"  # 7 s: one rep, two holds

pytestmark = pytest.mark.slow


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[AppContext]:
    context = open_app(Settings(data_dir=tmp_path / "data", database_url=database_url, job_lease_s=30))
    try:
        yield context
    finally:
        context.close()


def _upload(ctx: AppContext, source: Path, name: str | None = None) -> Path:
    """A file in the uploads folder, as the web app writes it after its checks."""
    target = jobs.new_upload_path(ctx, name or source.name)
    shutil.copyfile(source, target)
    return target


def _submit(
    ctx: AppContext, upload: Path, name: str, *, keep: bool = False, exercise: str | None = None
) -> int:
    queued: list[int] = []
    job = jobs.submit_video(
        ctx,
        queued.append,
        upload_path=upload,
        original_name=name,
        size_bytes=upload.stat().st_size,
        exercise_id=exercise,
        keep_upload=keep,
    )
    assert queued == [job.id] and job.status == "queued"
    return job.id


def test_a_sent_video_ends_with_counts_holds_the_annotated_video_and_the_trace(
    ctx: AppContext, clips_dir: Path
) -> None:
    upload = _upload(ctx, clips_dir / SUPERMAN_CLIP)
    job_id = _submit(ctx, upload, SUPERMAN_CLIP, exercise="superman")
    done = jobs.run_video_job(ctx, job_id)
    assert done is not None and done.status == "done", done
    assert done.report is not None
    assert done.report["reps"] == {"both": 1} and len(done.report["holds"]) == 2
    assert done.report["source"] == SUPERMAN_CLIP  # the person's name for it, not the server's copy
    assert done.frames_done == done.frames_total == done.report["frames"] == 70
    assert done.annotated_path and Path(done.annotated_path).read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # WebM
    assert done.trace_path and Path(done.trace_path).read_text().startswith('{"format": "backcoach.trace/1"')
    # Deleted once analysed: the person did not ask to keep it.
    assert not upload.exists() and done.upload_path is None
    # Run again (a duplicate delivery): nothing happens, the result stays.
    assert jobs.run_video_job(ctx, job_id) is None
    assert jobs.get_job(ctx, job_id).status == "done"


def test_a_kept_upload_stays_and_deleting_the_analysis_removes_everything(
    ctx: AppContext, clips_dir: Path
) -> None:
    upload = _upload(ctx, clips_dir / SUPERMAN_CLIP)
    job_id = _submit(ctx, upload, SUPERMAN_CLIP, keep=True, exercise="superman")
    done = jobs.run_video_job(ctx, job_id)
    assert done is not None and done.status == "done" and done.upload_path == str(upload) and upload.exists()
    jobs.delete_job(ctx, job_id)
    assert not upload.exists() and not Path(done.annotated_path or "").exists()
    with pytest.raises(NotFound):
        jobs.get_job(ctx, job_id)


def test_a_corrupt_upload_fails_with_its_reason_and_the_next_job_runs(
    ctx: AppContext, clips_dir: Path, tmp_path: Path
) -> None:
    truncated = tmp_path / "holiday.mp4"
    truncated.write_bytes((clips_dir / SUPERMAN_CLIP).read_bytes()[:4000])  # a real start, then nothing
    bad = _upload(ctx, truncated)
    bad_id = _submit(ctx, bad, "holiday.mp4")
    good_id = _submit(ctx, _upload(ctx, clips_dir / SUPERMAN_CLIP), SUPERMAN_CLIP, exercise="superman")
    failed = jobs.run_video_job(ctx, bad_id)
    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and "holiday.mp4" in failed.error and "corrupt" in failed.error
    assert str(ctx.settings.data_dir) not in failed.error  # no server paths in what the person reads
    assert not bad.exists()
    done = jobs.run_video_job(ctx, good_id)
    assert done is not None and done.status == "done" and done.report is not None
    assert done.report["reps"] == {"both": 1}


def test_a_job_whose_worker_went_silent_is_queued_again_and_only_the_new_attempt_counts(
    tmp_path: Path, database_url: str, clips_dir: Path
) -> None:
    clock = StepClock(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    ctx = open_app(
        Settings(data_dir=tmp_path / "data", database_url=database_url, job_lease_s=10), clock=clock
    )
    try:
        upload = _upload(ctx, clips_dir / SUPERMAN_CLIP)
        job_id = _submit(ctx, upload, SUPERMAN_CLIP, exercise="superman")
        with ctx.repository() as repo:  # a worker took it, then died (no more heartbeats)
            first = JobRepository(repo.session).claim(job_id, clock.now())
        assert first is not None and first.attempts == 1
        queued: list[int] = []
        assert jobs.requeue_stale_jobs(ctx, queued.append) == []  # its lease has not run out yet
        clock.sleep(11)
        assert jobs.requeue_stale_jobs(ctx, queued.append) == [job_id]
        assert queued == [job_id]
        assert jobs.requeue_stale_jobs(ctx, queued.append) == []  # queued once, not by every worker
        done = jobs.run_video_job(ctx, job_id)
        assert done is not None and done.status == "done" and done.attempts == 2
        # The dead worker's attempt, were it to wake up, can no longer change anything.
        with ctx.repository() as repo:
            assert not JobRepository(repo.session).fail(job_id, 1, clock.now(), "late", None)
        assert jobs.get_job(ctx, job_id).status == "done"
    finally:
        ctx.close()


def test_an_unknown_exercise_is_refused_and_its_upload_removed(ctx: AppContext, clips_dir: Path) -> None:
    upload = _upload(ctx, clips_dir / SUPERMAN_CLIP)
    with pytest.raises(NotFound):
        _submit(ctx, upload, SUPERMAN_CLIP, exercise="headstand")
    assert not upload.exists()


def test_a_person_sees_only_their_own_jobs(ctx: AppContext, clips_dir: Path) -> None:
    from dataclasses import replace

    job_id = _submit(ctx, _upload(ctx, clips_dir / SUPERMAN_CLIP), SUPERMAN_CLIP)
    someone_else = replace(ctx, user_id=ctx.user_id + 1000)
    with pytest.raises(NotFound):
        jobs.get_job(someone_else, job_id)
    assert jobs.list_jobs(someone_else) == []
