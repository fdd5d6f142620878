"""The application context every service takes first: settings, database, catalogue, clock, and who.

``open_app(settings)`` loads the catalogue, opens (and upgrades, under a lock) the database and, in
personal mode, makes the one local person and their built-in programs; the CLI and the web app each
build one at start-up. Who is acting is never fixed there for a clinic: each request gets its own
context (``ctx.acting(actor, subject_id)``) naming the signed-in person (``actor``) and whose record
the use case reads or writes (``user_id``: the actor's own, or a patient of the physiotherapist
acting). The clock is injectable: ``Settings.clock_speed`` makes workout time run faster in tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backcoach.config import Settings
from backcoach.domain.accounts import Actor
from backcoach.domain.catalogue_loader import Catalogue, CatalogueError, default_catalogue
from backcoach.domain.programs import DAILY_SHORT_SLUG, builtin_programs
from backcoach.services.errors import BackcoachError, InvalidInput, StorageUnavailable
from backcoach.store.database import Database, DatabaseUnavailable, open_database
from backcoach.store.repository import Repository, ensure_local_user

__all__ = [
    "ACTIVE_PROGRAM_KEY",
    "AppContext",
    "Clock",
    "SystemClock",
    "open_app",
    "seed_record",
]

ACTIVE_PROGRAM_KEY = "active_program"


class Clock(Protocol):
    """Where time comes from. ``now`` is the wall clock (stored times); ``monotonic`` and ``sleep``
    are workout time (holds, rests), which a test clock may run faster than real time."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class SystemClock:
    """The real clock; with ``speed`` above 1 workout seconds pass that many times faster."""

    speed: float = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic() * self.speed

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


@dataclass(frozen=True)
class AppContext:
    """What a service needs: settings, the open database, the catalogue, a clock; whose record
    (``user_id``) and who is acting (``actor``). Both are None in a clinic's start-up context: only a
    request (or a command run as someone) has a person."""

    settings: Settings
    database: Database
    catalogue: Catalogue
    user_id: int | None
    clock: Clock = field(default_factory=SystemClock)
    actor: Actor | None = None
    # Where the request came from (a network address), for the audit log.
    address: str = ""

    def acting(self, actor: Actor | None, subject_id: int | None = None, *, address: str = "") -> AppContext:
        """This context for one request: ``actor`` acting on the record of ``subject_id`` (their own
        by default). Whether they may is decided before (``backcoach.domain.accounts``)."""
        if actor is None:
            return replace(self, actor=None, user_id=subject_id, address=address)
        subject = actor.user_id if subject_id is None else subject_id
        return replace(self, actor=actor, user_id=subject, address=address)

    @property
    def person_id(self) -> int:
        """Whose record: raises when there is none (a clinic's start-up context)."""
        if self.user_id is None:
            raise BackcoachError("this needs a signed-in person")
        return self.user_id

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database session for use cases that are about no one person's record (accounts, the
        audit log): committed at the end, errors turned into BackcoachError."""
        try:
            with self.database.session() as session:
                yield session
        except DatabaseUnavailable as exc:
            raise StorageUnavailable(str(exc)) from None
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint failed"
            raise InvalidInput(f"the database refused a value: {detail}") from None

    @contextmanager
    def repository(self) -> Iterator[Repository]:
        """A repository of this person's record on a fresh session: committed at the end, rolled back
        on an error."""
        person = self.person_id
        try:
            with self.database.session() as session:
                yield Repository(session, person)
        except DatabaseUnavailable as exc:
            raise StorageUnavailable(str(exc)) from None
        except IntegrityError as exc:
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint failed"
            raise InvalidInput(f"the database refused a value: {detail}") from None

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def seed_record(repo: Repository, catalogue: Catalogue) -> None:
    """Give a person the built-in programs (the words refreshed from the code, the doses left as they
    are) and an active program. Safe to run twice at once: the database keeps one of each."""
    present = set(repo.program_slugs())
    for program in builtin_programs(catalogue):
        if program.slug not in present:
            repo.save_program_once(program)
        else:
            repo.set_program_description(program.slug, program.description)
    if repo.get_setting(ACTIVE_PROGRAM_KEY) is None:
        repo.set_setting_once(ACTIVE_PROGRAM_KEY, DAILY_SHORT_SLUG)


def open_app(settings: Settings, *, clock: Clock | None = None) -> AppContext:
    """Load the catalogue and open the database (upgraded to the newest migration, under a lock so
    that several processes starting at once all come up). In personal mode, make the one local person
    and their programs on first run; in clinic mode nobody is acting until a request says who.

    Raises StorageUnavailable when the database cannot be opened, BackcoachError for a broken
    catalogue file (naming the file and the field).
    """
    try:
        catalogue = default_catalogue()
    except CatalogueError as exc:
        raise BackcoachError(f"the exercise catalogue is broken: {exc}") from None
    try:
        database = open_database(settings.resolved_database_url)
    except DatabaseUnavailable as exc:
        raise StorageUnavailable(str(exc)) from None
    base = AppContext(
        settings=settings,
        database=database,
        catalogue=catalogue,
        user_id=None,
        clock=clock or SystemClock(settings.clock_speed),
    )
    if settings.mode == "clinic":
        return base
    try:
        with database.session() as session:
            local = ensure_local_user(session)
            seed_record(Repository(session, local.id), catalogue)
    except DatabaseUnavailable as exc:
        database.close()
        raise StorageUnavailable(str(exc)) from None
    return base.acting(Actor(local.id, "patient", local.name, is_local=True))
