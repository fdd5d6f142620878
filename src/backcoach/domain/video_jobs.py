"""A recorded video sent for analysis: the job's record, and the states it goes through.

queued -> running -> done | failed. A running job whose worker stops saying it is alive goes
back to queued (another worker takes it); ``attempts`` counts the runs begun.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["JOB_STATUSES", "VideoJob"]

JOB_STATUSES = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class VideoJob:
    """One video analysis. ``report`` is the analysis report's JSON once done; ``error`` says why it
    failed, in words for the person. Paths are where the files are on the server (None: not kept)."""

    id: int
    user_id: int
    status: str
    original_name: str
    size_bytes: int
    exercise_id: str | None
    keep_upload: bool
    upload_path: str | None
    frames_done: int
    frames_total: int
    attempts: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    report: dict[str, Any] | None = None
    annotated_path: str | None = None
    trace_path: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def progress(self) -> float:
        """Frames done as a share of the total (0..1)."""
        if self.status == "done":
            return 1.0
        return min(1.0, self.frames_done / self.frames_total) if self.frames_total > 0 else 0.0
