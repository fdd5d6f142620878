"""Settings: read from the environment (prefix ``BACKCOACH_``) by entry points and passed down.

Nothing to configure by default: SQLite in the user's data directory (and a SQLite task queue
beside it). A clinic points ``BACKCOACH_DATABASE_URL`` at PostgreSQL and ``BACKCOACH_REDIS_URL``
at Redis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "default_data_dir"]


def default_data_dir() -> Path:
    return Path(user_data_dir("backcoach", appauthor=False))


class Settings(BaseSettings):
    """Everything an entry point needs to know about where and how to run."""

    model_config = SettingsConfigDict(env_prefix="BACKCOACH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    voice: bool = True
    # How many times faster than real time workout timers run (50 = fifty times faster); for tests.
    clock_speed: float = 1.0
    max_ws_message_bytes: int = 2_000_000
    # Where live camera pose runs: in the person's browser (the video never leaves the device;
    # the server falls back to its own pose when the browser cannot run the model), or always
    # on the server (the browser sends JPEG frames).
    live_pose: Literal["browser", "server"] = "browser"
    # The task queue for recorded videos: Redis (a clinic, workers on any machine, each started
    # with ``backcoach worker``); unset, a SQLite queue file in the data directory, consumed by a
    # worker that ``backcoach serve`` starts.
    redis_url: str | None = None
    # The largest video upload accepted, in megabytes.
    max_upload_mb: int = 500
    # A running job whose worker has not said it is alive for this long is given to another worker.
    job_lease_s: float = 30.0

    @field_validator("port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("port must be between 0 and 65535")
        return value

    @field_validator("max_upload_mb", "job_lease_s")
    @classmethod
    def _above_zero(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be above 0")
        return value

    @field_validator("clock_speed")
    @classmethod
    def _speed_positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("clock_speed must be above 0")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'backcoach.sqlite3'}"
