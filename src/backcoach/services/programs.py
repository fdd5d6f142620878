"""Program use cases: list, show, create and edit programs, change one dose, choose the active one.

Programs are built and checked by ``backcoach.domain.programs``; this module stores them for the
user and turns domain errors into ``NotFound`` / ``InvalidInput`` with one line to read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from backcoach.domain.catalogue_loader import Catalogue, UnknownExercise
from backcoach.domain.exercises import Dosage
from backcoach.domain.programs import (
    DosageError,
    Program,
    ProgramError,
    ProgramItem,
    build_program,
    change_dosage,
    check_item,
    slugify,
    validate_dosage,
)
from backcoach.domain.records import DoseChangeRecord
from backcoach.services.context import ACTIVE_PROGRAM_KEY, AppContext
from backcoach.services.errors import InvalidInput, NotAllowed, NotFound
from backcoach.store.repository import Repository

__all__ = [
    "active_program",
    "active_program_in",
    "adjusted_dosage",
    "create_program",
    "dose_history",
    "get_program",
    "list_programs",
    "save_own_program",
    "set_active_program",
    "set_dosage",
    "update_program",
]


# The dose fields in the words a person uses (the CLI's options and the web forms say the same).
DOSE_FIELD_WORDS = {
    "sets": "sets",
    "reps": "reps",
    "hold_s": "the hold (seconds)",
    "rest_s": "the rest between sets (seconds)",
    "times_per_day": "times a day",
}


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the domain's errors about exercises, doses and programs into the services' errors."""
    try:
        yield
    except UnknownExercise as exc:
        raise NotFound(str(exc)) from None
    except DosageError as exc:
        field = DOSE_FIELD_WORDS.get(exc.field, exc.field)
        raise InvalidInput(f"dose out of range for {exc.exercise_id}: {field} {exc.detail}") from None
    except ProgramError as exc:
        raise InvalidInput(str(exc)) from None


def list_programs(ctx: AppContext) -> list[Program]:
    """The user's programs: the built-in ones first, then their own in the order made."""
    with ctx.repository() as repo:
        return repo.list_programs(ctx.catalogue)


def _unknown_program(ctx: AppContext, slug: str) -> NotFound:
    with ctx.repository() as repo:
        slugs = repo.program_slugs()
    return NotFound(f"no program called {slug!r}: choose one of {', '.join(slugs) or '(none yet)'}")


def get_program(ctx: AppContext, slug: str) -> Program:
    """One program by its slug (its name works too); NotFound otherwise."""
    with ctx.repository() as repo:
        program = repo.get_program(slug, ctx.catalogue) or repo.get_program(slugify(slug), ctx.catalogue)
    if program is None:
        raise _unknown_program(ctx, slug)
    return program


def _own_choice(ctx: AppContext) -> None:
    """In a clinic the physiotherapist prescribes: a patient does not make, change or switch programs
    (they write to their physiotherapist instead). Staff and a personal install may."""
    actor = ctx.actor
    if ctx.settings.mode == "clinic" and actor is not None and not actor.is_staff:
        raise NotAllowed("Your physiotherapist prescribes your program: write to them to change it.")


def create_program(
    ctx: AppContext,
    name: str,
    exercise_ids: Iterable[str],
    *,
    doses: Mapping[str, Dosage] | None = None,
    times_per_day: int = 1,
    days_per_week: int = 7,
    description: str = "",
) -> Program:
    """A new program of the user's own. InvalidInput for a taken name or a bad dose."""
    _own_choice(ctx)
    with domain_errors():
        program = build_program(
            name,
            list(exercise_ids),
            ctx.catalogue,
            doses=doses,
            times_per_day=times_per_day,
            days_per_week=days_per_week,
            description=description,
        )
    with ctx.repository() as repo:
        if repo.program_exists(program.slug):
            raise InvalidInput(f"a program called {program.slug!r} already exists: choose another name")
        repo.save_program(program)
    return program


def update_program(
    ctx: AppContext,
    slug: str,
    *,
    name: str | None = None,
    exercise_ids: Iterable[str] | None = None,
    doses: Mapping[str, Dosage] | None = None,
    times_per_day: int | None = None,
    days_per_week: int | None = None,
    description: str | None = None,
) -> Program:
    """Change a program; what is not given stays. A renamed program gets the new name's slug.

    ``doses`` replaces the dose of the exercises it names; exercises kept keep their dose.
    Dose changes are written to the dose history with the reason "changed by you".
    """
    _own_choice(ctx)
    current = get_program(ctx, slug)
    ids = list(exercise_ids) if exercise_ids is not None else list(current.exercise_ids)
    merged: dict[str, Dosage] = {
        item.exercise_id: item.dosage for item in current.items if item.exercise_id in ids
    }
    merged.update(doses or {})
    new_name = name if name is not None else current.name
    new_slug = slugify(new_name) if name is not None else current.slug
    with domain_errors():
        program = build_program(
            new_name,
            ids,
            ctx.catalogue,
            doses={k: v for k, v in merged.items() if k in ids},
            times_per_day=times_per_day if times_per_day is not None else current.times_per_day,
            days_per_week=days_per_week if days_per_week is not None else current.days_per_week,
            slug=new_slug,
            description=description if description is not None else current.description,
            builtin=current.builtin,
        )
    with ctx.repository() as repo:
        if program.slug != current.slug and repo.program_exists(program.slug):
            raise InvalidInput(f"a program called {program.slug!r} already exists: choose another name")
        for item in program.items:
            old = current.dosage_for(item.exercise_id)
            if old is not None and _dose_fields(old) != _dose_fields(item.dosage):
                repo.set_item_dosage(current.slug, item.exercise_id, item.dosage, "changed by you")
        repo.save_program(program, previous_slug=current.slug)
        if program.slug != current.slug and repo.get_setting(ACTIVE_PROGRAM_KEY) == current.slug:
            repo.set_setting(ACTIVE_PROGRAM_KEY, program.slug)
    return program


def save_own_program(
    ctx: AppContext,
    slug: str | None,
    *,
    name: str,
    items: Sequence[ProgramItem],
    times_per_day: int,
    days_per_week: int,
) -> Program:
    """Make (``slug`` None) or change one of the person's own programs from the program editor: the
    exercises in order, each with its dose (within the hard limits), version and a note to self.
    Changed doses go into the dose history; a new program becomes the active one."""
    _own_choice(ctx)
    ids = [item.exercise_id for item in items]
    with domain_errors():
        built = build_program(
            name,
            ids,
            ctx.catalogue,
            doses={item.exercise_id: item.dosage for item in items},
            times_per_day=times_per_day,
            days_per_week=days_per_week,
            slug=None if slug is None else slug,
        )
        for item in items:
            check_item(item, ctx.catalogue, within_ranges=False)
    program = dataclasses.replace(built, items=tuple(items))
    if slug is None:
        with ctx.repository() as repo:
            if repo.program_exists(program.slug):
                raise InvalidInput(f"There is already a program called {program.name}: choose another name.")
            repo.save_program(program)
            repo.set_setting(ACTIVE_PROGRAM_KEY, program.slug)
        return get_program(ctx, program.slug)
    current = get_program(ctx, slug)
    if current.builtin or current.prescription is not None:
        raise InvalidInput(f"{current.name} is not yours to change here.")
    program = dataclasses.replace(program, description=current.description)
    with ctx.repository() as repo:
        for item in program.items:
            old = current.dosage_for(item.exercise_id)
            if old is not None and _dose_fields(old) != _dose_fields(item.dosage):
                changed_by = ctx.actor.user_id if ctx.actor is not None else None
                repo.set_item_dosage(
                    slug, item.exercise_id, item.dosage, "changed by you", changed_by=changed_by
                )
        repo.save_program(program, previous_slug=slug)
    return get_program(ctx, slug)


def _dose_fields(dosage: Dosage) -> tuple[int, int, float, float]:
    return (dosage.sets, dosage.reps, float(dosage.hold_s), float(dosage.rest_s))


def set_dosage(
    ctx: AppContext, slug: str, exercise_id: str, dosage: Dosage, reason: str, *, by_rules: bool = False
) -> Program:
    """Change one exercise's dose in a program (progression uses this), keeping the dose history with
    who made or approved the change (the acting person; nobody when ``by_rules`` applied it alone)."""
    program = get_program(ctx, slug)
    if program.dosage_for(exercise_id) is None:
        raise NotFound(f"the program {program.slug!r} has no exercise {exercise_id!r}")
    with domain_errors():
        validate_dosage(dosage, exercise_id)
    if not reason.strip():
        raise InvalidInput("a dose change needs a reason")
    with ctx.repository() as repo:
        changed_by = None if by_rules or ctx.actor is None else ctx.actor.user_id
        repo.set_item_dosage(program.slug, exercise_id, dosage, reason.strip(), changed_by=changed_by)
    return get_program(ctx, program.slug)


def dose_history(
    ctx: AppContext, slug: str | None = None, exercise_id: str | None = None
) -> list[DoseChangeRecord]:
    """Every dose change, oldest first, optionally of one program and/or one exercise."""
    with ctx.repository() as repo:
        return repo.dose_changes(slug, exercise_id)


def active_program(ctx: AppContext) -> Program:
    """The program ``backcoach workout`` and the Today page use when none is named."""
    with ctx.repository() as repo:
        return active_program_in(repo, ctx.catalogue)


def active_program_in(repo: Repository, catalogue: Catalogue) -> Program:
    """``active_program`` within a use case's own session (for a view reading several things at once)."""
    slug = repo.get_setting(ACTIVE_PROGRAM_KEY)
    program = repo.get_program(slug, catalogue) if slug else None
    if program is None:
        programs = repo.list_programs(catalogue)
        if not programs:
            raise NotFound("there are no programs yet")
        program = programs[0]
    return program


def set_active_program(ctx: AppContext, slug: str) -> Program:
    """Make ``slug`` the active program; NotFound for an unknown one."""
    _own_choice(ctx)
    program = get_program(ctx, slug)
    with ctx.repository() as repo:
        repo.set_setting(ACTIVE_PROGRAM_KEY, program.slug)
    return program


def adjusted_dosage(
    ctx: AppContext,
    exercise_id: str,
    *,
    base: Dosage | None = None,
    sets: int | None = None,
    reps: int | None = None,
    hold_s: float | None = None,
    rest_s: float | None = None,
) -> Dosage:
    """``base`` (default: the catalogue dose) with the given fields changed and checked.

    NotFound for an unknown exercise, InvalidInput for a dose out of range.
    """
    changes = {
        name: value
        for name, value in (("sets", sets), ("reps", reps), ("hold_s", hold_s), ("rest_s", rest_s))
        if value is not None
    }
    with domain_errors():
        start = base if base is not None else ctx.catalogue.get(exercise_id).dosage
        return change_dosage(start, exercise_id, **changes)
