"""Recorded videos: upload one, watch its analysis progress, then see the result.

``/videos`` has the upload form and the person's analyses; the upload is checked as it streams in
(``backcoach.web.uploads``) and becomes a job on the task queue (``backcoach.worker``). The job's
page shows a progress bar fed by ``/videos/{id}/progress`` (server-sent events, from the job's row
as the worker updates it), then the counts per side, holds, form findings with their times, the
annotated video and the trace to download. ``/api/videos/{id}`` is the same as JSON.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse

from backcoach.domain.video_jobs import VideoJob
from backcoach.services import catalogue, jobs
from backcoach.services.analysis import FRAMING_HELP, format_time_s
from backcoach.web.deps import CtxDep
from backcoach.web.templating import templates
from backcoach.web.uploads import UploadRefused, receive_video_upload

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# How often the progress stream looks at the job's row.
_PROGRESS_POLL_S = 0.5
# A progress stream ends after this long even if the job has not (the page reconnects).
_PROGRESS_STREAM_S = 600.0


def _status_json(job: VideoJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status,
        "frames_done": job.frames_done,
        "frames_total": job.frames_total,
        "progress": round(job.progress, 3),
        "error": job.error,
        "attempts": job.attempts,
    }


def _result(job: VideoJob, names: dict[str, str]) -> dict[str, Any] | None:
    """What the result page shows, in the person's words."""
    report = job.report
    if report is None:
        return None
    exercise = report.get("exercise")
    return {
        "exercise": names.get(exercise, exercise) if exercise else None,
        "recognised": report.get("recognised"),
        "reps": report.get("reps", {}),
        "total_reps": report.get("total_reps", 0),
        "camera_counts": report.get("camera_counts", True),
        "holds": [
            {**h, "start": format_time_s(h["start_s"]), "end": format_time_s(h["end_s"])}
            for h in report.get("holds", [])
        ],
        "findings": [
            {**f, "at": format_time_s(f["t_s"]), "until": format_time_s(f["last_t_s"])}
            for f in report.get("findings", [])
        ],
        "framing": [
            {**p, "from": format_time_s(p["start_s"]), "to": format_time_s(p["end_s"])}
            for p in report.get("framing", [])
            if p.get("code") in FRAMING_HELP
        ],
        "duration_s": report.get("duration_s", 0.0),
        "confidence": report.get("confidence", 0.0),
        "notes": report.get("notes", []),
    }


@router.get("/videos")
def videos_page(request: Request, ctx: CtxDep) -> Response:
    return templates.TemplateResponse(
        request,
        "videos.html",
        {
            "title": "Recorded videos",
            "jobs": jobs.list_jobs(ctx),
            "exercises": catalogue.list_exercises(ctx),
            "max_upload_mb": ctx.settings.max_upload_mb,
            "notice": "The analysis and its files are deleted."
            if request.query_params.get("notice") == "deleted"
            else None,
        },
    )


@router.post("/videos")
async def upload_video(request: Request, ctx: CtxDep) -> Response:
    try:
        upload = await receive_video_upload(request, ctx)
    except UploadRefused as exc:
        return _refused(request, ctx, str(exc), exc.status)
    exercise_id = upload.fields.get("exercise_id") or None
    assert upload.path is not None
    job = await run_in_threadpool(
        jobs.submit_video,
        ctx,
        request.app.state.tasks.enqueue_video,
        upload_path=upload.path,
        original_name=upload.original_name,
        size_bytes=upload.size_bytes,
        exercise_id=exercise_id,
        keep_upload=upload.fields.get("keep_upload") == "yes",
    )
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        return JSONResponse(_status_json(job), status_code=201, headers={"Location": f"/videos/{job.id}"})
    return RedirectResponse(f"/videos/{job.id}", status_code=303)


def _refused(request: Request, ctx: Any, message: str, status: int) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": "invalid_input", "detail": message}, status_code=status)
    return templates.TemplateResponse(
        request,
        "videos.html",
        {
            "title": "Recorded videos",
            "jobs": jobs.list_jobs(ctx),
            "exercises": catalogue.list_exercises(ctx),
            "max_upload_mb": ctx.settings.max_upload_mb,
            "upload_error": message,
        },
        status_code=status,
    )


@router.get("/videos/{job_id}")
def video_page(request: Request, ctx: CtxDep, job_id: int) -> Response:
    job = jobs.get_job(ctx, job_id)
    names = {e.id: e.name for e in catalogue.list_exercises(ctx)}
    return templates.TemplateResponse(
        request,
        "video.html",
        {
            "title": f"Video: {job.original_name}",
            "job": job,
            "status": _status_json(job),
            "result": _result(job, names),
            "has_video": bool(job.annotated_path and Path(job.annotated_path).is_file()),
            "has_trace": bool(job.trace_path and Path(job.trace_path).is_file()),
        },
    )


@router.get("/api/videos/{job_id}")
def video_status(ctx: CtxDep, job_id: int) -> dict[str, Any]:
    job = jobs.get_job(ctx, job_id)
    return {**_status_json(job), "report": job.report}


@router.get("/videos/{job_id}/progress")
async def video_progress(ctx: CtxDep, job_id: int) -> Response:
    """Server-sent events: the job's status and frames done, each time they change, until it ends."""
    first = await run_in_threadpool(jobs.get_job, ctx, job_id)

    async def events() -> AsyncIterator[str]:
        job, sent = first, None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _PROGRESS_STREAM_S
        while True:
            body = json.dumps(_status_json(job))
            if body != sent:
                yield f"data: {body}\n\n"
                sent = body
            if job.finished or loop.time() > deadline:
                return
            await asyncio.sleep(_PROGRESS_POLL_S)
            job = await run_in_threadpool(jobs.get_job, ctx, job_id)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


def _file(path: str | None, media_type: str, download: str | None = None) -> Response:
    if not path or not Path(path).is_file():
        raise HTTPException(404, "That file is not kept for this video.")
    return FileResponse(path, media_type=media_type, filename=download)


@router.get("/videos/{job_id}/annotated.webm")
def annotated_video(ctx: CtxDep, job_id: int) -> Response:
    return _file(jobs.get_job(ctx, job_id).annotated_path, "video/webm")


@router.get("/videos/{job_id}/trace")
def trace_file(ctx: CtxDep, job_id: int) -> Response:
    job = jobs.get_job(ctx, job_id)
    name = f"{Path(job.original_name).stem}.trace.jsonl"
    return _file(job.trace_path, "application/x-ndjson", download=name)


@router.post("/videos/{job_id}/delete")
def delete_video(ctx: CtxDep, job_id: int) -> Response:
    jobs.delete_job(ctx, job_id)
    return RedirectResponse("/videos?notice=deleted", status_code=303)
