"""Prescriptions (clinic mode): a physiotherapist builds or edits a patient's program; every edit is a
new version of the same prescription (the patient keeps their program, their history stays
attached) and says what changed and who changed it. Templates to start from: Core nine, Daily short,
or the physiotherapist's own.

The context names the physiotherapist acting (``ctx.actor``) and the patient (``ctx.user_id``);
the route checked that this is their patient. One transaction per use case, with its audit entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from backcoach.domain.programs import (
    DosageError,
    DoseLimit,
    Prescription,
    Program,
    ProgramError,
    ProgramItem,
    builtin_programs,
    check_item,
    describe_changes,
    slugify,
)
from backcoach.domain.records import ProgramVersionRecord
from backcoach.services import audit
from backcoach.services.context import ACTIVE_PROGRAM_KEY, AppContext
from backcoach.services.errors import InvalidInput, NotAllowed, NotFound
from backcoach.services.programs import DOSE_FIELD_WORDS
from backcoach.store.workspace import WorkspaceRepository

__all__ = [
    "PRESCRIPTION_KEY",
    "Template",
    "current_prescription",
    "latest_update",
    "list_templates",
    "note_dose_change",
    "prescribe",
    "program_versions",
    "save_template",
    "template_items",
]

# The setting that names a patient's prescribed program (its slug).
PRESCRIPTION_KEY = "prescribed_program"


@dataclass(frozen=True)
class Template:
    """Somewhere to start a prescription: ``key`` is ``builtin:<slug>`` or ``own:<id>``."""

    key: str
    name: str
    items: tuple[ProgramItem, ...]
    times_per_day: int
    days_per_week: int


def _staff(ctx: AppContext) -> None:
    if ctx.actor is None or not ctx.actor.is_staff:
        raise NotAllowed("Only a physiotherapist can prescribe.")


def _check(items: Sequence[ProgramItem], ctx: AppContext) -> None:
    if not items:
        raise InvalidInput("Please choose at least one exercise.")
    seen: set[str] = set()
    for item in items:
        if item.exercise_id not in ctx.catalogue:
            raise NotFound(f"There is no exercise {item.exercise_id!r}.")
        if item.exercise_id in seen:
            raise InvalidInput(f"{ctx.catalogue.get(item.exercise_id).name} is in the program twice.")
        seen.add(item.exercise_id)
        try:
            check_item(item, ctx.catalogue, within_ranges=True)
        except DosageError as exc:
            name = ctx.catalogue.get(exc.exercise_id).name
            field = DOSE_FIELD_WORDS.get(exc.field, exc.field)
            raise InvalidInput(f"{name}: {field} {exc.detail}") from None
        except ProgramError as exc:
            raise InvalidInput(str(exc).partition(": ")[2] or str(exc)) from None


def current_prescription(ctx: AppContext) -> Program | None:
    """The patient's prescribed program, or None before the first prescription."""
    with ctx.repository() as repo:
        slug = repo.get_setting(PRESCRIPTION_KEY)
        return repo.get_program(slug, ctx.catalogue) if slug else None


def prescribe(
    ctx: AppContext,
    *,
    name: str,
    items: Sequence[ProgramItem],
    times_per_day: int,
    days_per_week: int,
    start_date: date | None = None,
) -> Program:
    """Prescribe (or change) the patient's program; it becomes the one their Today shows.

    Doses must lie within the catalogue's ranges. An edit keeps the program (and its history) and
    adds a version saying what changed; each changed dose goes into the dose history, approved by
    the physiotherapist."""
    _staff(ctx)
    assert ctx.actor is not None
    _check(items, ctx)
    clean = " ".join(name.split())[:80] or "Your program"
    if not 1 <= times_per_day <= 5 or not 1 <= days_per_week <= 7:
        raise InvalidInput("The schedule must be 1 to 5 times a day, 1 to 7 days a week.")
    now = ctx.clock.now()
    with ctx.repository() as repo:
        slug = repo.get_setting(PRESCRIPTION_KEY)
        old = repo.get_program(slug, ctx.catalogue) if slug else None
        if old is None:
            slug = slugify(clean) or "prescription"
            taken = set(repo.program_slugs())
            base, n = slug, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
        assert slug is not None
        version = (old.prescription.version + 1) if old is not None and old.prescription else 1
        program = Program(
            slug=slug,
            name=clean,
            description=old.description if old is not None else "",
            items=tuple(items),
            times_per_day=times_per_day,
            days_per_week=days_per_week,
            builtin=False,
            prescription=Prescription(
                prescribed_by_id=ctx.actor.user_id,
                prescribed_by_name=ctx.actor.name,
                prescribed_at=now,
                version=version,
                start_date=start_date,
            ),
        )
        changes = describe_changes(old, program, ctx.catalogue)
        if old is not None and not changes:
            return old
        if old is not None:
            for item in program.items:
                before = old.item(item.exercise_id)
                if before is not None and _dose(before) != _dose(item):
                    repo.set_item_dosage(
                        slug,
                        item.exercise_id,
                        item.dosage,
                        f"prescribed by {ctx.actor.name}",
                        changed_by=ctx.actor.user_id,
                    )
        repo.save_program(program)
        repo.set_setting(PRESCRIPTION_KEY, slug)
        repo.set_setting(ACTIVE_PROGRAM_KEY, slug)
        program_id = repo.program_id(slug)
        assert program_id is not None
        repo.workspace.add_version(
            program_id=program_id,
            version=version,
            changed_at=now,
            changed_by=ctx.actor.user_id,
            changed_by_name=ctx.actor.name,
            changes=changes,
            snapshot=_snapshot(program),
        )
        audit.note(repo.session, ctx, "program_changed", detail="; ".join(changes)[:500])
        saved = repo.get_program(slug, ctx.catalogue)
    assert saved is not None
    return saved


def note_dose_change(ctx: AppContext, slug: str, lines: Sequence[str]) -> None:
    """A physiotherapist changed (or agreed to) a dose of their patient's prescribed program outside
    the editor, by answering a suggestion: a new version of the prescription saying what changed,
    so the patient's Today page shows "Updated by ..." as after an edit. Nothing for a program that
    is not prescribed, or a change made by the patient themself."""
    if ctx.actor is None or not ctx.actor.is_staff or not lines:
        return
    with ctx.repository() as repo:
        program = repo.get_program(slug, ctx.catalogue)
        if program is None or program.prescription is None:
            return
        version = program.prescription.version + 1
        changed = dataclasses.replace(
            program, prescription=dataclasses.replace(program.prescription, version=version)
        )
        repo.save_program(changed)
        program_id = repo.program_id(slug)
        assert program_id is not None
        repo.workspace.add_version(
            program_id=program_id,
            version=version,
            changed_at=ctx.clock.now(),
            changed_by=ctx.actor.user_id,
            changed_by_name=ctx.actor.name,
            changes=list(lines),
            snapshot=_snapshot(changed),
        )


def _dose(item: ProgramItem) -> tuple[int, int, float, float]:
    d = item.dosage
    return (d.sets, d.reps, float(d.hold_s), float(d.rest_s))


def _item_dict(item: ProgramItem) -> dict[str, Any]:
    d = item.dosage
    limit = item.self_progress_limit
    return {
        "exercise_id": item.exercise_id,
        "sets": d.sets,
        "reps": d.reps,
        "hold_s": d.hold_s,
        "rest_s": d.rest_s,
        "variant": item.variant,
        "instruction": item.instruction,
        "limit": [limit.max_sets, limit.max_reps, limit.max_hold_s] if limit else None,
    }


def _snapshot(program: Program) -> dict[str, Any]:
    return {
        "name": program.name,
        "times_per_day": program.times_per_day,
        "days_per_week": program.days_per_week,
        "start_date": program.prescription.start_date if program.prescription else None,
        "items": [_item_dict(i) for i in program.items],
    }


def _item_from(ctx: AppContext, data: dict[str, Any]) -> ProgramItem | None:
    exercise_id = str(data.get("exercise_id", ""))
    if exercise_id not in ctx.catalogue:
        return None
    base = ctx.catalogue.get(exercise_id).dosage
    dosage = dataclasses.replace(
        base,
        sets=int(data.get("sets", base.sets)),
        reps=int(data.get("reps", base.reps)),
        hold_s=float(data.get("hold_s", base.hold_s)),
        rest_s=float(data.get("rest_s", base.rest_s)),
    )
    limit = data.get("limit")
    return ProgramItem(
        exercise_id,
        dosage,
        str(data.get("variant", "standard")),
        str(data.get("instruction", "")),
        DoseLimit(int(limit[0]), int(limit[1]), float(limit[2])) if limit else None,
    )


def program_versions(ctx: AppContext) -> list[ProgramVersionRecord]:
    """Every version of the patient's prescription, oldest first."""
    with ctx.repository() as repo:
        slug = repo.get_setting(PRESCRIPTION_KEY)
        program_id = repo.program_id(slug) if slug else None
        return repo.workspace.versions(program_id) if program_id is not None else []


def latest_update(ctx: AppContext) -> ProgramVersionRecord | None:
    """The newest version of the patient's prescription, for their Today page ("Updated by ... on
    ..., what changed"); None before any."""
    versions = program_versions(ctx)
    return versions[-1] if versions else None


# --- templates -----------------------------------------------------------------------------------


def list_templates(ctx: AppContext) -> list[Template]:
    """Core nine, Daily short, then the acting physiotherapist's own templates."""
    _staff(ctx)
    assert ctx.actor is not None
    found = [
        Template(f"builtin:{p.slug}", p.name, p.items, p.times_per_day, p.days_per_week)
        for p in builtin_programs(ctx.catalogue)
    ]
    with ctx.session() as session:
        for own in WorkspaceRepository(session, ctx.actor.user_id).templates():
            items = tuple(i for i in (_item_from(ctx, d) for d in own.items) if i is not None)
            found.append(Template(f"own:{own.id}", own.name, items, own.times_per_day, own.days_per_week))
    return found


def template_items(ctx: AppContext, key: str) -> Template:
    """One template by its key; NotFound otherwise."""
    for template in list_templates(ctx):
        if template.key == key:
            return template
    raise NotFound("There is no such template.")


def save_template(
    ctx: AppContext, name: str, items: Sequence[ProgramItem], *, times_per_day: int, days_per_week: int
) -> Template:
    """Save (or replace, by name) one of the physiotherapist's own templates."""
    _staff(ctx)
    assert ctx.actor is not None
    _check(items, ctx)
    clean = " ".join(name.split())[:80]
    if not clean:
        raise InvalidInput("Please give the template a name.")
    with ctx.session() as session:
        saved = WorkspaceRepository(session, ctx.actor.user_id).save_template(
            name=clean,
            items=[_item_dict(i) for i in items],
            times_per_day=times_per_day,
            days_per_week=days_per_week,
            at=ctx.clock.now(),
        )
    return Template(f"own:{saved.id}", saved.name, tuple(items), times_per_day, days_per_week)
