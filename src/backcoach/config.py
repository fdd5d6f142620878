"""Settings: read from the environment (prefix ``BACKCOACH_``) by entry points and passed down.

Nothing to configure by default: SQLite in the user's data directory (and a SQLite task queue
beside it). A clinic points ``BACKCOACH_DATABASE_URL`` at PostgreSQL and ``BACKCOACH_REDIS_URL``
at Redis.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["LOOPBACK_HOSTS", "Settings", "default_data_dir", "is_loopback"]

# The names that always reach this computer: allowed as a Host in every mode.
LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is this computer only."""
    if host.strip("[]").lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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

    # personal: one person on their own computer, no sign-in, loopback only.
    # clinic: accounts and roles (patients, physiotherapists, admins), sign-in on every page.
    mode: Literal["personal", "clinic"] = "personal"
    # Host names the server answers to besides the address it listens on and localhost (a
    # comma-separated list in the environment: BACKCOACH_ALLOWED_HOSTS=clinic.example.org).
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Mark the session cookie Secure: set it when the clinic server is reached over HTTPS.
    secure_cookies: bool = False
    # The key that signs session cookies; made and kept in the database when not given.
    secret_key: str | None = None
    session_days: int = 14
    invitation_days: int = 14
    reset_link_hours: int = 24
    # Failed sign-ins allowed in ``login_window_minutes`` per account and per address, then 429.
    login_attempts_per_account: int = 5
    login_attempts_per_address: int = 20
    login_window_minutes: int = 15
    # Live camera connections open at once, per person and per server process.
    live_connections_per_user: int = 2
    live_connections_per_server: int = 60
    # A patient with no workout for this many days (when some were prescribed) needs attention.
    inactive_days: int = 7
    # argon2id cost (RFC 9106's second recommended option by default). Lower only to make tests fast.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536

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

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("secret_key must be at least 32 characters (or leave it unset)")
        return value

    @field_validator(
        "session_days",
        "invitation_days",
        "reset_link_hours",
        "login_attempts_per_account",
        "login_attempts_per_address",
        "login_window_minutes",
        "live_connections_per_user",
        "live_connections_per_server",
        "inactive_days",
        "password_hash_time_cost",
    )
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be 1 or more")
        return value

    @field_validator("password_hash_memory_kib")
    @classmethod
    def _enough_memory(cls, value: int) -> int:
        if value < 1024:
            raise ValueError("must be at least 1024 (1 MiB)")
        return value

    @model_validator(mode="after")
    def _personal_stays_on_this_computer(self) -> Settings:
        if self.mode == "personal" and not is_loopback(self.host):
            raise ValueError(
                f"personal mode has no sign-in, so it only listens on this computer (not {self.host}); "
                "to serve other computers, run a clinic server: BACKCOACH_MODE=clinic (see docs/deploy.md)"
            )
        return self

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every Host name the server answers to: the one it listens on, loopback, and the allowed."""
        return tuple(dict.fromkeys([self.host.lower(), *LOOPBACK_HOSTS, *self.allowed_hosts]))

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
