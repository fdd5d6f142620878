"""Export use cases: everything recorded about one person, complete, as JSON or as a zip of CSV files.

The export has one section per kind of record (``SECTIONS``), each a list of rows with every
stored column, oldest first: programs and their exercises, workouts, sets, pain ratings, notes,
dose changes and suggestions, questionnaires, safety screens with their clearances, re-screens,
settings and recorded-video analyses. The JSON document holds every section; the zip holds one
CSV per section and a short README. ``NOT_EXPORTED`` names the tables that are not a person's
records and says why; a test fails when a stored table is in neither, so nothing recorded is ever
left out. The format is documented in docs/export.md.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from backcoach.services import audit
from backcoach.services.context import AppContext

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "NOT_EXPORTED",
    "SECTIONS",
    "export_json",
    "export_sections",
    "export_zip",
]

EXPORT_FORMAT = "backcoach-export"
EXPORT_VERSION = 2

# Section name in the export -> the stored table it comes from, in the order a person reads them.
SECTIONS: Mapping[str, str] = {
    "programs": "programs",
    "program_exercises": "program_items",
    "program_versions": "program_versions",
    "workouts": "workouts",
    "sets": "sets",
    "camera_findings": "set_findings",
    "pain": "pain_ratings",
    "notes": "notes",
    "messages": "messages",
    "dose_changes": "dose_changes",
    "dose_suggestions": "progression_proposals",
    "questionnaires": "questionnaire_responses",
    "questionnaire_schedules": "questionnaire_schedules",
    "safety_screens": "red_flag_screens",
    "safety_rescreens": "rescreen_requests",
    "settings": "settings",
    "video_analyses": "video_jobs",
    "access_log": "audit_events",
}

# Stored tables that are not a person's records, and why they are left out.
NOT_EXPORTED: Mapping[str, str] = {
    "users": "the account itself: its name, role and e-mail head the export (never the password hash)",
    "auth_sessions": "sign-in sessions are security keys, not records; each sign-in is in the access log",
    "invitations": "one-time invitation codes are security keys; joining is in the access log",
    "password_resets": "one-time reset links are security keys; their use is in the access log",
    "login_attempts": "failed sign-ins counted per address for the rate limit, kept for minutes only",
    "live_connections": "camera connections open at this moment, gone when they close",
    "server_secrets": "the server's own key, about no one",
    "program_templates": "a physiotherapist's own templates to start prescriptions from, about no patient",
}
# Account columns never exported, whoever asks.
_SECRET_COLUMNS = frozenset({"password_hash"})

# Columns stored as JSON text, exported as the structure they hold.
_JSON_COLUMNS = frozenset({"answers", "report"})
# Columns that only link a row to its owner: the whole export is one person's.
_OWNER_COLUMNS = frozenset({"user_id"})

_README = """backcoach export
================

Everything backcoach recorded about {name}, exported on {exported_at}.
One CSV file per kind of record; the first line of each names its columns.
Times are UTC (ISO 8601). The same content as one JSON document: backcoach export --format json.
The columns of each file are described in docs/export.md of the backcoach repository.

Files: {files}
"""


def _value(column: str, value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if column in _JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def export_sections(ctx: AppContext) -> dict[str, list[dict[str, Any]]]:
    """Every section of the export: section name -> rows (column -> value), oldest first."""
    with ctx.repository() as repo:
        return {
            section: [
                {k: _value(k, v) for k, v in row.items() if k not in _OWNER_COLUMNS}
                for row in repo.own_rows(table)
            ]
            for section, table in SECTIONS.items()
        }


def _header(ctx: AppContext) -> dict[str, Any]:
    with ctx.repository() as repo:
        person = repo.own_user()
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": ctx.clock.now().isoformat(timespec="seconds"),
        "person": {k: _value(k, v) for k, v in person.items() if k not in _SECRET_COLUMNS},
    }


def _note_export(ctx: AppContext, what: str) -> None:
    """The export itself goes into the audit log (who took a copy of whose record)."""
    with ctx.session() as session:
        audit.note(session, ctx, "export", detail=what)


def export_json(ctx: AppContext) -> dict[str, Any]:
    """The whole export as one JSON-ready document: a header, then every section."""
    _note_export(ctx, "everything, as JSON")
    return {**_header(ctx), **export_sections(ctx)}


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()})
    return out.getvalue()


def export_zip(ctx: AppContext) -> bytes:
    """The whole export as a zip: one CSV per section (with its header line even when empty)."""
    _note_export(ctx, "everything, as CSV files")
    header = _header(ctx)
    sections = export_sections(ctx)
    with ctx.repository() as repo:
        columns = {
            s: [c for c in repo.table_columns(t) if c not in _OWNER_COLUMNS] for s, t in SECTIONS.items()
        }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        names = [f"{section}.csv" for section in sections]
        archive.writestr(
            "README.txt",
            _README.format(
                name=header["person"].get("name", ""),
                exported_at=header["exported_at"],
                files=", ".join(names),
            ),
        )
        for section, rows in sections.items():
            archive.writestr(f"{section}.csv", _csv_text(rows, columns[section]))
    return buffer.getvalue()
