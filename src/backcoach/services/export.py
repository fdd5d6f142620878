"""Export use cases: everything the person recorded, as CSV rows or one JSON document.

CSV has one row per set, pain rating and note (``kind`` says which), in time order, so it opens
in a spreadsheet. JSON keeps the structure: programs, workouts with their sets, pain, notes, and
the dose history.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from typing import Any, TextIO

from backcoach.services.context import AppContext

__all__ = ["CSV_COLUMNS", "export_csv", "export_json", "export_rows"]

CSV_COLUMNS: tuple[str, ...] = (
    "kind",
    "time",
    "workout_id",
    "program",
    "workout_status",
    "exercise_id",
    "set_number",
    "side",
    "reps",
    "hold_s",
    "source",
    "pain_score",
    "pain_moment",
    "note",
)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def export_rows(ctx: AppContext) -> list[dict[str, Any]]:
    """One flat dict per set, pain rating and note, oldest first, with the ``CSV_COLUMNS`` keys."""
    with ctx.repository() as repo:
        workouts = {w.id: w for w in repo.list_workouts(newest_first=False)}
        pain = repo.list_pain()
        notes = repo.list_notes()
    blank = dict.fromkeys(CSV_COLUMNS, "")
    rows: list[tuple[datetime, int, dict[str, Any]]] = []
    for workout in workouts.values():
        for s in workout.sets:
            rows.append(
                (
                    s.recorded_at,
                    0,
                    blank
                    | {
                        "kind": "set",
                        "time": _iso(s.recorded_at),
                        "workout_id": workout.id,
                        "program": workout.program_slug,
                        "workout_status": workout.status,
                        "exercise_id": s.exercise_id,
                        "set_number": s.set_number,
                        "side": s.side or "",
                        "reps": s.reps,
                        "hold_s": s.hold_s,
                        "source": s.source,
                    },
                )
            )
    for p in pain:
        linked = workouts.get(p.workout_id) if p.workout_id is not None else None
        rows.append(
            (
                p.taken_at,
                1,
                blank
                | {
                    "kind": "pain",
                    "time": _iso(p.taken_at),
                    "workout_id": p.workout_id if p.workout_id is not None else "",
                    "program": linked.program_slug if linked else "",
                    "workout_status": linked.status if linked else "",
                    "exercise_id": p.exercise_id or "",
                    "pain_score": p.score,
                    "pain_moment": p.moment,
                },
            )
        )
    for n in notes:
        rows.append(
            (
                n.created_at,
                2,
                blank
                | {
                    "kind": "note",
                    "time": _iso(n.created_at),
                    "workout_id": n.workout_id if n.workout_id is not None else "",
                    "note": n.text,
                },
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return [row for _, _, row in rows]


def export_csv(ctx: AppContext, out: TextIO) -> int:
    """Write the export rows as CSV with a header; returns the number of rows written."""
    rows = export_rows(ctx)
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def export_json(ctx: AppContext) -> dict[str, Any]:
    """Everything as one JSON-ready dict: programs, workouts (with sets, pain, notes), pain, notes, doses."""
    with ctx.repository() as repo:
        programs = repo.list_programs(ctx.catalogue)
        workouts = repo.list_workouts(newest_first=False)
        pain = repo.list_pain()
        notes = repo.list_notes()
        doses = repo.dose_changes()
    return {
        "format": "backcoach-export",
        "version": 1,
        "exported_at": _iso(ctx.clock.now()),
        "programs": [
            {
                "slug": p.slug,
                "name": p.name,
                "builtin": p.builtin,
                "times_per_day": p.times_per_day,
                "days_per_week": p.days_per_week,
                "items": [
                    {
                        "exercise_id": i.exercise_id,
                        "sets": i.dosage.sets,
                        "reps": i.dosage.reps,
                        "hold_s": i.dosage.hold_s,
                        "rest_s": i.dosage.rest_s,
                    }
                    for i in p.items
                ],
            }
            for p in programs
        ],
        "workouts": [_plain(w) for w in workouts],
        "pain": [_plain(p) for p in pain],
        "notes": [_plain(n) for n in notes],
        "dose_changes": [_plain(d) for d in doses],
    }
