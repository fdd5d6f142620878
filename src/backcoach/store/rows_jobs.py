"""Video analysis jobs: the row and its queries, shared by the web processes and the queue workers.

Every change a worker makes is one conditional UPDATE on the attempt it claimed, so two workers
can never both run or finish the same job: a worker that lost its lease (another worker took the
job over) finds its updates refused and stops. ``JobRepository`` hands back ``VideoJob`` records.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from backcoach.domain.video_jobs import VideoJob
from backcoach.store.base import Base, as_utc

__all__ = ["JobRepository", "VideoJobRow"]


class VideoJobRow(Base):
    """One uploaded video and its analysis: state, progress, and the results once done."""

    __tablename__ = "video_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        Index("ix_video_jobs_user_created", "user_id", "created_at"),
        Index("ix_video_jobs_status_heartbeat", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10))
    original_name: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    keep_upload: Mapped[bool] = mapped_column(Boolean, default=False)
    upload_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    frames_done: Mapped[int] = mapped_column(Integer, default=0)
    frames_total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    report: Mapped[str | None] = mapped_column(Text, nullable=True)
    annotated_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    trace_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def _record(row: VideoJobRow) -> VideoJob:
    return VideoJob(
        id=row.id,
        user_id=row.user_id,
        status=row.status,
        original_name=row.original_name,
        size_bytes=row.size_bytes,
        exercise_id=row.exercise_id,
        keep_upload=row.keep_upload,
        upload_path=row.upload_path,
        frames_done=row.frames_done,
        frames_total=row.frames_total,
        attempts=row.attempts,
        created_at=as_utc(row.created_at),
        started_at=as_utc(row.started_at) if row.started_at else None,
        finished_at=as_utc(row.finished_at) if row.finished_at else None,
        error=row.error,
        report=json.loads(row.report) if row.report else None,
        annotated_path=row.annotated_path,
        trace_path=row.trace_path,
    )


class JobRepository:
    """Queries on video jobs in one session. Reads for a person name the user; a worker's
    updates name the job and the attempt it claimed."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- a person's jobs ----------------------------------------------------------------------

    def create(
        self,
        user_id: int,
        *,
        original_name: str,
        size_bytes: int,
        exercise_id: str | None,
        keep_upload: bool,
        upload_path: str,
        now: datetime,
    ) -> VideoJob:
        row = VideoJobRow(
            user_id=user_id,
            status="queued",
            original_name=original_name,
            size_bytes=size_bytes,
            exercise_id=exercise_id,
            keep_upload=keep_upload,
            upload_path=upload_path,
            frames_done=0,
            frames_total=0,
            attempts=0,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _record(row)

    def get(self, job_id: int, user_id: int | None = None) -> VideoJob | None:
        """The job (only when it is ``user_id``'s, when given)."""
        query = select(VideoJobRow).where(VideoJobRow.id == job_id)
        if user_id is not None:
            query = query.where(VideoJobRow.user_id == user_id)
        row = self.session.scalars(query).first()
        return _record(row) if row is not None else None

    def list_for(self, user_id: int, limit: int = 50) -> list[VideoJob]:
        query = (
            select(VideoJobRow)
            .where(VideoJobRow.user_id == user_id)
            .order_by(VideoJobRow.created_at.desc(), VideoJobRow.id.desc())
            .limit(limit)
        )
        return [_record(row) for row in self.session.scalars(query)]

    def delete(self, job_id: int, user_id: int) -> bool:
        result = self.session.execute(
            delete(VideoJobRow).where(VideoJobRow.id == job_id, VideoJobRow.user_id == user_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # --- a worker's updates -------------------------------------------------------------------

    def _update(self, job_id: int, *conditions: object, **values: object) -> bool:
        result = self.session.execute(
            update(VideoJobRow).where(VideoJobRow.id == job_id, *conditions).values(**values)  # type: ignore[arg-type]
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def claim(self, job_id: int, now: datetime) -> VideoJob | None:
        """Take a queued job: running, one more attempt. None when it is not queued (done, failed,
        or running on another worker)."""
        row = self.session.scalars(
            select(VideoJobRow).where(VideoJobRow.id == job_id, VideoJobRow.status == "queued")
        ).first()
        if row is None:
            return None
        taken = self._update(
            job_id,
            VideoJobRow.status == "queued",
            VideoJobRow.attempts == row.attempts,
            status="running",
            attempts=row.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            frames_done=0,
        )
        return self.get(job_id) if taken else None

    def heartbeat(
        self, job_id: int, attempt: int, now: datetime, done: int | None, total: int | None
    ) -> bool:
        """Say the attempt is alive (with its progress); False when the job was taken over."""
        values: dict[str, object] = {"heartbeat_at": now}
        if done is not None and total is not None:
            values.update(frames_done=done, frames_total=total)
        return self._update(
            job_id, VideoJobRow.status == "running", VideoJobRow.attempts == attempt, **values
        )

    def finish(
        self,
        job_id: int,
        attempt: int,
        now: datetime,
        *,
        report: dict[str, object],
        annotated_path: str | None,
        trace_path: str | None,
        upload_path: str | None,
    ) -> bool:
        frames = int(report.get("frames", 0))  # type: ignore[call-overload]
        return self._update(
            job_id,
            VideoJobRow.status == "running",
            VideoJobRow.attempts == attempt,
            status="done",
            report=json.dumps(report),
            annotated_path=annotated_path,
            trace_path=trace_path,
            upload_path=upload_path,
            frames_done=frames,
            frames_total=frames,
            finished_at=now,
            heartbeat_at=now,
        )

    def fail(self, job_id: int, attempt: int, now: datetime, reason: str, upload_path: str | None) -> bool:
        return self._update(
            job_id,
            VideoJobRow.status == "running",
            VideoJobRow.attempts == attempt,
            status="failed",
            error=reason[:2000],
            upload_path=upload_path,
            finished_at=now,
            heartbeat_at=now,
        )

    def requeue_stale(self, cutoff: datetime) -> list[int]:
        """Running jobs not heard of since ``cutoff`` go back to queued; their ids (each given to
        one caller only, however many workers look at once)."""
        stale = self.session.scalars(
            select(VideoJobRow.id).where(VideoJobRow.status == "running", VideoJobRow.heartbeat_at < cutoff)
        ).all()
        return [
            job_id
            for job_id in stale
            if self._update(
                job_id,
                VideoJobRow.status == "running",
                VideoJobRow.heartbeat_at < cutoff,
                status="queued",
            )
        ]
