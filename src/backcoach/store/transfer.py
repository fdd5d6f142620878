"""Copying one person's record from one database to another, table by table: every row that belongs
to them, with new ids and every reference between the copied rows (and to the person) pointed at
the copies. Used to move a personal (single-person) database into a clinic account.

Generic over the rows: a table belongs to a person when it has a ``user_id`` column; the caller
names which of those are the record. Foreign keys are followed from the table metadata, so a table
added later is copied right without changes here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from backcoach.store.base import Base

__all__ = ["CopyReport", "clear_record", "copy_record"]


@dataclass(frozen=True)
class CopyReport:
    """How many rows of each table were copied."""

    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _ordered(table_names: Iterable[str]) -> list[Table]:
    wanted = set(table_names)
    return [t for t in Base.metadata.sorted_tables if t.name in wanted]


def clear_record(session: Session, user_id: int, table_names: Iterable[str]) -> None:
    """Delete every row of ``user_id`` in those tables (children first)."""
    for table in reversed(_ordered(table_names)):
        session.execute(delete(table).where(table.c.user_id == user_id))


def copy_record(
    source: Session, target: Session, *, source_user: int, target_user: int, table_names: Iterable[str]
) -> CopyReport:
    """Copy ``source_user``'s rows of those tables from ``source`` into ``target`` as ``target_user``'s,
    parents before children, remapping ids and references. Nothing is committed here."""
    tables = _ordered(table_names)
    new_ids: dict[str, dict[object, object]] = {}
    counts: dict[str, int] = {}
    for table in tables:
        refs = {
            fk.parent.name: fk.column.table.name for fk in table.foreign_keys if fk.parent.name != "user_id"
        }
        mapping: dict[object, object] = {}
        rows = source.execute(
            select(table).where(table.c.user_id == source_user).order_by(table.c.id)
        ).mappings()
        count = 0
        for row in rows:
            values = dict(row)
            old_id = values.pop("id")
            values["user_id"] = target_user
            for column, referred in refs.items():
                if values.get(column) is None:
                    continue
                if referred == "users":
                    values[column] = target_user if values[column] == source_user else None
                elif referred in new_ids:
                    values[column] = new_ids[referred].get(values[column])
                else:
                    values[column] = None  # a row outside the copied record
            mapping[old_id] = target.execute(
                insert(table).values(**values).returning(table.c.id)
            ).scalar_one()
            count += 1
        new_ids[table.name] = mapping
        counts[table.name] = count
    return CopyReport(counts)
