"""A workout can be done at the gentle end of every dose (pain above 5 before starting).

Revision ID: 0004_workout_easier
Revises: 0003_redflag_tiers
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_workout_easier"
down_revision: str | Sequence[str] | None = "0003_redflag_tiers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("easier", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.alter_column("easier", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.drop_column("easier")
