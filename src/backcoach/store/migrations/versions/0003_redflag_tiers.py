"""Red flags in three tiers, and a clearance that names the clinician and the date of the visit.

Revision ID: 0003_redflag_tiers
Revises: 0002_safety
Create Date: 2026-12-03

Screens stored before: ``urgent`` becomes the ``urgent`` tier; a screen flagged only by what is now
advisory (age at first episode, night pain, no improvement for a month) becomes ``advisory`` and no
longer pauses workouts; any other flag stays a ``stop``. A clearance recorded before names no
clinician: it keeps its date and says so. Re-screen requests learn their workout and whether pain
spread down a leg, so an answered one is not asked again for the same pain.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_redflag_tiers"
down_revision: str | Sequence[str] | None = "0002_safety"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The questions that were red flags before and are advisory now (fixed here: the data file may change).
_ADVISORY_IDS = frozenset({"age_onset", "night_pain", "no_improvement"})
_OLD_CLEARANCE_TEXT = (
    "A doctor, physiotherapist or other clinician has checked my back and told me it is fine to exercise."
)
_UNNAMED = "not recorded (cleared before names were asked)"

_screens = sa.table(
    "red_flag_screens",
    sa.column("id", sa.Integer),
    sa.column("flagged", sa.Text),
    sa.column("urgent", sa.Boolean),
    sa.column("tier", sa.String),
    sa.column("cleared_at", sa.DateTime(timezone=True)),
    sa.column("cleared_by", sa.String),
    sa.column("cleared_on", sa.Date),
    sa.column("cleared_note", sa.Text),
)


def _tier(flagged: str, urgent: bool) -> str:
    ids = {f for f in (flagged or "").split(",") if f}
    if urgent:
        return "urgent"
    if not ids:
        return "clear"
    return "advisory" if ids <= _ADVISORY_IDS else "stop"


def upgrade() -> None:
    with op.batch_alter_table("red_flag_screens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier", sa.String(length=10), nullable=False, server_default="clear"))
        batch_op.add_column(sa.Column("cleared_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("cleared_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("cleared_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_red_flag_screens_cleared_by_user_id_users"),
            "users",
            ["cleared_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            _screens.c.id,
            _screens.c.flagged,
            _screens.c.urgent,
            _screens.c.cleared_at,
            _screens.c.cleared_note,
        )
    ).all()
    for row in rows:
        values: dict[str, object] = {"tier": _tier(row.flagged, bool(row.urgent))}
        if row.cleared_at is not None:
            values["cleared_by"] = _UNNAMED
            values["cleared_on"] = row.cleared_at.date()
            if (row.cleared_note or "").strip() in ("", _OLD_CLEARANCE_TEXT):
                values["cleared_note"] = None
        bind.execute(sa.update(_screens).where(_screens.c.id == row.id).values(**values))

    with op.batch_alter_table("red_flag_screens", schema=None) as batch_op:
        batch_op.alter_column("tier", server_default=None)
        batch_op.drop_column("urgent")
        batch_op.create_check_constraint(
            op.f("ck_red_flag_screens_tier_known"), "tier IN ('urgent', 'stop', 'advisory', 'clear')"
        )
        batch_op.create_check_constraint(
            op.f("ck_red_flag_screens_clearance_complete"),
            "(cleared_at IS NULL AND cleared_by IS NULL AND cleared_on IS NULL)"
            " OR (cleared_at IS NOT NULL AND cleared_by IS NOT NULL AND cleared_on IS NOT NULL)",
        )

    with op.batch_alter_table("rescreen_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workout_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("leg_spread", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f("ix_rescreen_requests_workout_id"), ["workout_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_rescreen_requests_workout_id_workouts"),
            "workouts",
            ["workout_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("rescreen_requests", schema=None) as batch_op:
        batch_op.alter_column("leg_spread", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("rescreen_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_rescreen_requests_workout_id_workouts"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_rescreen_requests_workout_id"))
        batch_op.drop_column("leg_spread")
        batch_op.drop_column("workout_id")

    with op.batch_alter_table("red_flag_screens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE red_flag_screens SET urgent = (tier = 'urgent')"))
    # Before tiers every flag stopped workouts: an advisory screen not cleared would pause them again,
    # so it is marked cleared on going back.
    bind.execute(
        sa.text(
            "UPDATE red_flag_screens SET cleared_at = taken_at WHERE tier = 'advisory' AND cleared_at IS NULL"
        )
    )
    with op.batch_alter_table("red_flag_screens", schema=None) as batch_op:
        batch_op.alter_column("urgent", server_default=None)
        batch_op.drop_constraint(op.f("ck_red_flag_screens_clearance_complete"), type_="check")
        batch_op.drop_constraint(op.f("ck_red_flag_screens_tier_known"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_red_flag_screens_cleared_by_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("cleared_by_user_id")
        batch_op.drop_column("cleared_on")
        batch_op.drop_column("cleared_by")
        batch_op.drop_column("tier")
