"""Safety tables: red-flag screens, re-screen requests, questionnaire responses, progression proposals.

Revision ID: 0002_safety
Revises: 0001_initial
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_safety"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=20), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=100), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "instrument IN ('pain', 'startback', 'rmdq', 'odi', 'psfs')",
            name=op.f("ck_questionnaire_responses_instrument_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_questionnaire_responses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
    )
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_responses_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_questionnaire_responses_user_taken", ["user_id", "taken_at"], unique=False)

    op.create_table(
        "red_flag_screens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("flagged", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("advice", sa.Text(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "reason IN ('first_run', 'pain_rise', 'leg_spread', 'manual')",
            name=op.f("ck_red_flag_screens_reason_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_red_flag_screens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_flag_screens")),
    )
    with op.batch_alter_table("red_flag_screens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_red_flag_screens_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_red_flag_screens_user_taken", ["user_id", "taken_at"], unique=False)

    op.create_table(
        "rescreen_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("pain_score", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "pain_score IS NULL OR pain_score BETWEEN 0 AND 10", name=op.f("ck_rescreen_requests_pain_range")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_rescreen_requests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescreen_requests")),
    )
    with op.batch_alter_table("rescreen_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rescreen_requests_user_id"), ["user_id"], unique=False)

    op.create_table(
        "progression_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_slug", sa.String(length=100), nullable=False),
        sa.Column("exercise_id", sa.String(length=50), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("variable", sa.String(length=20), nullable=True),
        sa.Column("basis_workout_id", sa.Integer(), nullable=True),
        sa.Column("sets_before", sa.Integer(), nullable=False),
        sa.Column("reps_before", sa.Integer(), nullable=False),
        sa.Column("hold_s_before", sa.Float(), nullable=False),
        sa.Column("sets_after", sa.Integer(), nullable=False),
        sa.Column("reps_after", sa.Integer(), nullable=False),
        sa.Column("hold_s_after", sa.Float(), nullable=False),
        sa.Column("variant", sa.String(length=200), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("clinician_advice", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "action IN ('progress', 'regress')", name=op.f("ck_progression_proposals_action_known")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'superseded')",
            name=op.f("ck_progression_proposals_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["basis_workout_id"],
            ["workouts.id"],
            name=op.f("fk_progression_proposals_basis_workout_id_workouts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_progression_proposals_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progression_proposals")),
    )
    with op.batch_alter_table("progression_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progression_proposals_basis_workout_id"), ["basis_workout_id"], unique=False
        )
        batch_op.create_index(
            "ix_progression_proposals_user_exercise", ["user_id", "program_slug", "exercise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_progression_proposals_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("progression_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progression_proposals_user_id"))
        batch_op.drop_index("ix_progression_proposals_user_exercise")
        batch_op.drop_index(batch_op.f("ix_progression_proposals_basis_workout_id"))

    op.drop_table("progression_proposals")
    with op.batch_alter_table("rescreen_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rescreen_requests_user_id"))

    op.drop_table("rescreen_requests")
    with op.batch_alter_table("red_flag_screens", schema=None) as batch_op:
        batch_op.drop_index("ix_red_flag_screens_user_taken")
        batch_op.drop_index(batch_op.f("ix_red_flag_screens_user_id"))

    op.drop_table("red_flag_screens")
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_questionnaire_responses_user_taken")
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_user_id"))

    op.drop_table("questionnaire_responses")
