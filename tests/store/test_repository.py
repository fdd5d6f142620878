"""The repository on real SQLite and PostgreSQL: programs, dose history, workouts, sets, pain, notes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backcoach.domain.catalogue_loader import Catalogue, load_catalogue
from backcoach.domain.programs import builtin_programs
from backcoach.store.database import Database, open_database
from backcoach.store.repository import Repository, ensure_local_user
from backcoach.store.rows import UserRow

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def test_local_user_is_made_once(database: Database) -> None:
    with database.session() as session:
        first = ensure_local_user(session)
    with database.session() as session:
        again = ensure_local_user(session)
    assert first == again and first.is_local and first.role == "patient"


def test_programs_round_trip_with_dose_history(database: Database, catalogue: Catalogue) -> None:
    core, daily = builtin_programs(catalogue)
    with database.session() as session:
        user_id = ensure_local_user(session).id
        repo = Repository(session, user_id)
        repo.save_program(core)
        repo.save_program(daily)
    with database.session() as session:
        repo = Repository(session, user_id)
        assert repo.get_program("core-nine", catalogue) == core
        assert [p.slug for p in repo.list_programs(catalogue)] == ["core-nine", "daily-short"]
        bridge = daily.dosage_for("bridge")
        assert bridge is not None
        more = dataclasses.replace(bridge, reps=bridge.reps + 2)
        assert repo.set_item_dosage("daily-short", "bridge", more, "two good workouts in a row")
    with database.session() as session:
        repo = Repository(session, user_id)
        stored = repo.get_program("daily-short", catalogue)
        assert stored is not None
        assert stored.dosage_for("bridge") == more
        (change,) = repo.dose_changes("daily-short", "bridge")
        assert (change.previous_reps, change.reps) == (bridge.reps, bridge.reps + 2)
        assert change.reason == "two good workouts in a row"


def test_sets_upsert_on_client_id_and_stay_with_their_user(database: Database) -> None:
    with database.session() as session:
        user_id = ensure_local_user(session).id
        other = UserRow(name="someone else", is_local=False, created_at=T0)
        session.add(other)
        session.flush()
        other_id = other.id
        repo = Repository(session, user_id)
        workout = repo.create_workout("daily-short", "Daily short", T0)
        for reps in (1, 2, 3):  # a camera counting rep by rep updates one set
            repo.upsert_set(
                workout.id,
                exercise_id="bridge",
                set_number=1,
                side=None,
                reps=reps,
                hold_s=0.0,
                source="camera",
                client_id="cam-1",
                recorded_at=T0 + timedelta(seconds=reps),
            )
        repo.upsert_set(
            workout.id,
            exercise_id="draw_in",
            set_number=1,
            side=None,
            reps=5,
            hold_s=10.0,
            source="timer",
            client_id=None,
            recorded_at=T0 + timedelta(minutes=2),
        )
        repo.add_pain(
            score=3, moment="before", taken_at=T0, workout_id=workout.id, exercise_id=None, client_id=None
        )
        repo.add_note("Felt good", workout_id=workout.id, created_at=T0)
    with database.session() as session:
        stored = Repository(session, user_id).get_workout(workout.id)
        assert stored is not None
        assert [(s.exercise_id, s.reps, s.source) for s in stored.sets] == [
            ("bridge", 3, "camera"),
            ("draw_in", 5, "timer"),
        ]
        assert stored.started_at == T0
        assert stored.pain_at("before") == 3
        assert stored.notes[0].text == "Felt good"
        stranger = Repository(session, other_id)
        assert stranger.get_workout(workout.id) is None
        assert stranger.list_workouts() == []
        assert stranger.find_set("cam-1") is None
