"""Program use cases on real databases: built-ins, making and editing programs, doses and their history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backcoach.config import Settings
from backcoach.services import programs
from backcoach.services.context import AppContext, open_app
from backcoach.services.errors import InvalidInput, NotFound


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[AppContext]:
    with open_app(Settings(data_dir=tmp_path, database_url=database_url, voice=False)) as app:
        yield app


def test_first_run_has_the_two_builtin_programs_and_daily_short_active(ctx: AppContext) -> None:
    slugs = [p.slug for p in programs.list_programs(ctx)]
    assert slugs == ["core-nine", "daily-short"]
    assert programs.active_program(ctx).slug == "daily-short"
    assert len(programs.get_program(ctx, "core-nine").items) == 9
    assert programs.get_program(ctx, "Core nine").slug == "core-nine"


def test_opening_again_keeps_one_user_and_no_duplicate_programs(ctx: AppContext) -> None:
    url = ctx.settings.resolved_database_url
    with open_app(Settings(data_dir=ctx.settings.data_dir, database_url=url, voice=False)) as again:
        assert again.user_id == ctx.user_id
        assert len(programs.list_programs(again)) == 2


def test_create_program_with_doses_then_use_it(ctx: AppContext) -> None:
    bridge = programs.adjusted_dosage(ctx, "bridge", reps=12, sets=2)
    made = programs.create_program(
        ctx, "Morning", ["draw_in", "bridge"], doses={"bridge": bridge}, times_per_day=2, days_per_week=5
    )
    assert made.slug == "morning"
    stored = programs.get_program(ctx, "morning")
    assert stored.exercise_ids == ("draw_in", "bridge")
    assert stored.dosage_for("bridge") == bridge
    assert (stored.times_per_day, stored.days_per_week) == (2, 5)
    programs.set_active_program(ctx, "morning")
    assert programs.active_program(ctx).slug == "morning"


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda c: programs.create_program(c, "X", ["nope"]), NotFound, "unknown exercise 'nope'"),
        (lambda c: programs.create_program(c, "Daily short", ["bridge"]), InvalidInput, "already exists"),
        (lambda c: programs.create_program(c, "Y", []), InvalidInput, "at least one exercise"),
        (
            lambda c: programs.create_program(c, "Y", ["bridge"], days_per_week=8),
            InvalidInput,
            "days a week must be",
        ),
        (lambda c: programs.adjusted_dosage(c, "bridge", reps=500), InvalidInput, "dose out of range"),
        (lambda c: programs.adjusted_dosage(c, "bridge", sets=0), InvalidInput, "sets"),
        (lambda c: programs.get_program(c, "nothing-here"), NotFound, "no program called"),
        (lambda c: programs.set_active_program(c, "nothing-here"), NotFound, "no program called"),
    ],
)
def test_bad_input_gives_one_clear_line(ctx: AppContext, call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        call(ctx)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_editing_a_dose_keeps_the_dose_history(ctx: AppContext) -> None:
    before = programs.get_program(ctx, "daily-short").dosage_for("bridge")
    assert before is not None
    more = programs.adjusted_dosage(ctx, "bridge", base=before, reps=before.reps + 2)
    programs.update_program(ctx, "daily-short", doses={"bridge": more})
    programs.set_dosage(
        ctx, "daily-short", "bridge", programs.adjusted_dosage(ctx, "bridge", base=more, sets=2), "good week"
    )
    history = programs.dose_history(ctx, "daily-short", "bridge")
    assert [(h.reason, h.previous_reps, h.reps, h.sets) for h in history] == [
        ("changed by you", before.reps, before.reps + 2, before.sets),
        ("good week", before.reps + 2, before.reps + 2, 2),
    ]
    assert programs.get_program(ctx, "daily-short").dosage_for("bridge").sets == 2  # type: ignore[union-attr]


def test_renaming_the_active_program_keeps_it_active(ctx: AppContext) -> None:
    renamed = programs.update_program(ctx, "daily-short", name="My daily", exercise_ids=["bridge", "draw_in"])
    assert renamed.slug == "my-daily"
    assert programs.active_program(ctx).exercise_ids == ("bridge", "draw_in")
    with pytest.raises(NotFound):
        programs.get_program(ctx, "daily-short")
    with pytest.raises(InvalidInput, match="already exists"):
        programs.update_program(ctx, "my-daily", name="Core nine")
    with pytest.raises(NotFound):
        programs.set_dosage(ctx, "my-daily", "superman", programs.adjusted_dosage(ctx, "superman"), "x")
