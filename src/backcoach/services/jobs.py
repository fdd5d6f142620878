"""Recorded videos as jobs: an upload becomes a queued job, a queue worker analyses it, the page shows it.

- ``check_upload_name`` / ``check_upload_start``: the file's name and first bytes, checked before
  anything is stored; ``new_upload_path``: where the upload is written.
- ``submit_video``: the job row, then ``enqueue(job_id)`` (the queue task, handed in by the caller).
- ``run_video_job``: what a worker runs. It claims the job (one more attempt), says it is alive
  every few seconds with the frames done, analyses the video (``analysis.analyse_path``: counts,
  holds, findings, an annotated WebM the browser plays, the pose trace), stores the report, and
  deletes the upload unless the person keeps it. A file that cannot be read ends the job as
  failed, with the reason in plain words; nothing else is touched.
- ``requeue_stale_jobs``: a job whose worker died (killed mid-job) goes back on the queue for
  another worker, once its lease has run out.

Uploads live in ``<data dir>/uploads``, results in ``<data dir>/videos/<job id>``; a clinic with
workers on several machines shares the data directory between them.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from backcoach.domain.video_jobs import VideoJob
from backcoach.pose.video import VIDEO_HEADER_BYTES, VIDEO_SUFFIXES, is_video_header
from backcoach.services.analysis import analyse_path
from backcoach.services.context import AppContext
from backcoach.services.errors import BackcoachError, InvalidInput, NotFound, StorageUnavailable
from backcoach.store.rows_jobs import JobRepository

__all__ = [
    "ANNOTATED_NAME",
    "TRACE_NAME",
    "Enqueue",
    "check_upload_name",
    "check_upload_start",
    "delete_job",
    "get_job",
    "list_jobs",
    "new_upload_path",
    "requeue_stale_jobs",
    "run_video_job",
    "submit_video",
]

log = logging.getLogger(__name__)

Enqueue = Callable[[int], None]
ANNOTATED_NAME = "annotated.webm"
TRACE_NAME = "pose.trace.jsonl"
# Progress is written at most this often (and the lease renewed at least this often).
_PROGRESS_EVERY_S = 0.5


def _uploads_dir(ctx: AppContext) -> Path:
    return ctx.settings.data_dir / "uploads"


def _results_dir(ctx: AppContext, job_id: int) -> Path:
    return ctx.settings.data_dir / "videos" / str(job_id)


def check_upload_name(original_name: str) -> str:
    """The upload's name, when it names a video file; InvalidInput otherwise."""
    name = Path(original_name or "").name.strip()
    if not name:
        raise InvalidInput("Choose a video file to upload.")
    if Path(name).suffix.lower() not in VIDEO_SUFFIXES:
        kinds = ", ".join(sorted(s.lstrip(".") for s in VIDEO_SUFFIXES))
        raise InvalidInput(f"“{name[:80]}” is not a video file we can read: send one of {kinds}.")
    return name[:200]


def check_upload_start(original_name: str, head: bytes) -> None:
    """The upload's first bytes must be a video container's; InvalidInput (nothing stored) otherwise."""
    if len(head) < VIDEO_HEADER_BYTES or not is_video_header(head):
        raise InvalidInput(f"“{original_name[:80]}” does not start like a video file: nothing was stored.")


def new_upload_path(ctx: AppContext, original_name: str) -> Path:
    """A fresh path in the uploads folder for a file of this name (the folder is made)."""
    folder = _uploads_dir(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}{Path(original_name).suffix.lower()}"


def submit_video(
    ctx: AppContext,
    enqueue: Enqueue,
    *,
    upload_path: Path,
    original_name: str,
    size_bytes: int,
    exercise_id: str | None,
    keep_upload: bool,
) -> VideoJob:
    """Record the job for an upload already written to ``upload_path``, and put it on the queue.

    NotFound for an unknown exercise id; StorageUnavailable when the queue cannot be reached (the
    job is then marked failed and the upload removed).
    """
    if exercise_id is not None and exercise_id not in ctx.catalogue:
        upload_path.unlink(missing_ok=True)
        raise NotFound(f"unknown exercise {exercise_id!r}")
    with ctx.repository() as repo:
        job = repo.jobs.create(
            ctx.person_id,
            original_name=original_name,
            size_bytes=size_bytes,
            exercise_id=exercise_id,
            keep_upload=keep_upload,
            upload_path=str(upload_path),
            now=ctx.clock.now(),
        )
    try:
        enqueue(job.id)
    except Exception as exc:
        log.exception("could not queue video job %s", job.id)
        with ctx.session() as session:
            jobs = JobRepository(session)
            jobs.claim(job.id, ctx.clock.now())
            jobs.fail(job.id, 1, ctx.clock.now(), "The analysis queue could not be reached.", None)
        upload_path.unlink(missing_ok=True)
        raise StorageUnavailable("the analysis queue cannot be reached; please try again later") from exc
    return job


def get_job(ctx: AppContext, job_id: int) -> VideoJob:
    """One of the person's jobs; NotFound otherwise."""
    with ctx.repository() as repo:
        job = repo.jobs.get(job_id, ctx.person_id)
    if job is None:
        raise NotFound(f"no video analysis number {job_id}")
    return job


def list_jobs(ctx: AppContext, limit: int = 50) -> list[VideoJob]:
    """The person's video analyses, newest first."""
    with ctx.repository() as repo:
        return repo.jobs.list_for(ctx.person_id, limit)


def delete_job(ctx: AppContext, job_id: int) -> None:
    """Forget an analysis and remove its files (the upload, if kept, too). A running one is refused."""
    job = get_job(ctx, job_id)
    if not job.finished:
        raise InvalidInput("This video is still being analysed: delete it once it is done.")
    with ctx.repository() as repo:
        repo.jobs.delete(job_id, ctx.person_id)
    shutil.rmtree(_results_dir(ctx, job_id), ignore_errors=True)
    if job.upload_path:
        Path(job.upload_path).unlink(missing_ok=True)


# --- the worker's side ----------------------------------------------------------------------


class _Lease:
    """Says every few seconds that the attempt is alive, with the frames done; notices a takeover."""

    def __init__(self, ctx: AppContext, job_id: int, attempt: int) -> None:
        self._ctx = ctx
        self._job_id = job_id
        self._attempt = attempt
        self._progress: tuple[int, int] | None = None
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._beat, name=f"backcoach-job-{job_id}", daemon=True)

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def progress(self, done: int, total: int) -> None:
        self._progress = (done, total)

    def _beat(self) -> None:
        interval_s = min(_PROGRESS_EVERY_S, self._ctx.settings.job_lease_s / 4)
        sent: tuple[int, int] | None = None
        while not self._stop.wait(interval_s):
            progress = self._progress
            try:
                with self._ctx.session() as session:
                    alive = JobRepository(session).heartbeat(
                        self._job_id,
                        self._attempt,
                        self._ctx.clock.now(),
                        *(progress if progress is not None and progress != sent else (None, None)),
                    )
            except BackcoachError:
                continue  # the database blinked: try again at the next beat
            sent = progress
            if not alive:
                self.lost = True
                return


def _reason(exc: BaseException, job: VideoJob) -> str:
    """The failure in the person's words, naming their file rather than the server's copy of it."""
    text = str(exc)
    if job.upload_path:
        text = text.replace(job.upload_path, f"“{job.original_name}”")
    return text[:1].upper() + text[1:] if text else "The video could not be analysed."


def run_video_job(ctx: AppContext, job_id: int) -> VideoJob | None:
    """Analyse one queued video (what a queue worker runs). None when the job is not queued any more
    (done, failed, or running on another worker)."""
    with ctx.session() as session:
        job = JobRepository(session).claim(job_id, ctx.clock.now())
    if job is None:
        return None
    owner = ctx.acting(None, job.user_id)  # the job's person's record, whoever runs the worker
    results = _results_dir(owner, job_id)
    upload = Path(job.upload_path) if job.upload_path else None
    try:
        if upload is None or not upload.is_file():
            raise InvalidInput("The uploaded video is no longer on the server: please send it again.")
        results.mkdir(parents=True, exist_ok=True)
        with _Lease(owner, job_id, job.attempts) as lease:
            report = analyse_path(
                upload,
                exercise_id=job.exercise_id,
                on_progress=lease.progress,
                trace_out=results / TRACE_NAME,
                annotate_out=results / ANNOTATED_NAME,
            )
        if lease.lost:  # another worker took the job over: its results count, not ours
            return None
    except (InvalidInput, NotFound) as exc:
        kept = str(upload) if upload is not None and job.keep_upload else None
        with ctx.session() as session:
            JobRepository(session).fail(job_id, job.attempts, ctx.clock.now(), _reason(exc, job), kept)
        if upload is not None and not job.keep_upload:
            upload.unlink(missing_ok=True)
        shutil.rmtree(results, ignore_errors=True)
        return get_job(owner, job_id)
    body = report.to_json()
    body["source"] = job.original_name
    kept = str(upload) if job.keep_upload else None
    with ctx.session() as session:
        finished = JobRepository(session).finish(
            job_id,
            job.attempts,
            ctx.clock.now(),
            report=body,
            annotated_path=str(results / ANNOTATED_NAME),
            trace_path=str(results / TRACE_NAME),
            upload_path=kept,
        )
    if finished and not job.keep_upload:
        upload.unlink(missing_ok=True)
    return get_job(owner, job_id)


def requeue_stale_jobs(ctx: AppContext, enqueue: Enqueue) -> list[int]:
    """Put back on the queue the running jobs whose worker went silent for a lease (it died)."""
    cutoff = ctx.clock.now() - timedelta(seconds=ctx.settings.job_lease_s)
    with ctx.session() as session:
        ids = JobRepository(session).requeue_stale(cutoff)
    for job_id in ids:
        log.warning("video job %s: its worker went silent; queued again", job_id)
        enqueue(job_id)
    return ids
