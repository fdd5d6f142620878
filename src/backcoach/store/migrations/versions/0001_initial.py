"""The first schema: users, settings, programs with their doses and dose history, workouts, sets,
pain ratings and notes.

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("times_per_day", sa.Integer(), nullable=False),
        sa.Column("days_per_week", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("days_per_week BETWEEN 1 AND 7", name=op.f("ck_programs_days_per_week_range")),
        sa.CheckConstraint("times_per_day BETWEEN 1 AND 10", name=op.f("ck_programs_times_per_day_range")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_programs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("user_id", "slug", name="uq_programs_user_slug"),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_user_id"), ["user_id"], unique=False)

    op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
        sa.UniqueConstraint("user_id", "key", name="uq_settings_user_key"),
    )
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_settings_user_id"), ["user_id"], unique=False)

    op.create_table(
        "dose_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=50), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("rest_s", sa.Float(), nullable=False),
        sa.Column("previous_sets", sa.Integer(), nullable=True),
        sa.Column("previous_reps", sa.Integer(), nullable=True),
        sa.Column("previous_hold_s", sa.Float(), nullable=True),
        sa.Column("previous_rest_s", sa.Float(), nullable=True),
        sa.CheckConstraint("hold_s >= 0 AND hold_s <= 600", name=op.f("ck_dose_changes_hold_s_range")),
        sa.CheckConstraint("reps BETWEEN 1 AND 200", name=op.f("ck_dose_changes_reps_range")),
        sa.CheckConstraint("rest_s >= 0 AND rest_s <= 600", name=op.f("ck_dose_changes_rest_s_range")),
        sa.CheckConstraint("sets BETWEEN 1 AND 20", name=op.f("ck_dose_changes_sets_range")),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_dose_changes_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_dose_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dose_changes")),
    )
    with op.batch_alter_table("dose_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dose_changes_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dose_changes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "program_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=50), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("rest_s", sa.Float(), nullable=False),
        sa.Column("variant", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "variant IN ('standard', 'easier', 'harder')", name=op.f("ck_program_items_variant_known")
        ),
        sa.CheckConstraint("hold_s >= 0 AND hold_s <= 600", name=op.f("ck_program_items_hold_s_range")),
        sa.CheckConstraint("reps BETWEEN 1 AND 200", name=op.f("ck_program_items_reps_range")),
        sa.CheckConstraint("rest_s >= 0 AND rest_s <= 600", name=op.f("ck_program_items_rest_s_range")),
        sa.CheckConstraint("sets BETWEEN 1 AND 20", name=op.f("ck_program_items_sets_range")),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_items_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_program_items_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_items")),
        sa.UniqueConstraint("program_id", "position", name="uq_program_items_program_position"),
    )
    with op.batch_alter_table("program_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_items_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_items_user_id"), ["user_id"], unique=False)

    op.create_table(
        "workouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("program_slug", sa.String(length=100), nullable=False),
        sa.Column("program_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('in_progress', 'finished', 'abandoned')", name=op.f("ck_workouts_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_workouts_program_id_programs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_workouts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workouts")),
    )
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workouts_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workouts_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_workouts_user_started", ["user_id", "started_at"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workout_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notes_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workout_id"], ["workouts.id"], name=op.f("fk_notes_workout_id_workouts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notes_workout_id"), ["workout_id"], unique=False)

    op.create_table(
        "pain_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workout_id", sa.Integer(), nullable=True),
        sa.Column("exercise_id", sa.String(length=50), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("moment", sa.String(length=20), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "moment IN ('before', 'during', 'after', 'next_morning')",
            name=op.f("ck_pain_ratings_moment_known"),
        ),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name=op.f("ck_pain_ratings_score_range")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pain_ratings_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workout_id"],
            ["workouts.id"],
            name=op.f("fk_pain_ratings_workout_id_workouts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_ratings")),
        sa.UniqueConstraint("user_id", "client_id", name="uq_pain_ratings_user_client_id"),
    )
    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pain_ratings_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_pain_ratings_user_taken", ["user_id", "taken_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pain_ratings_workout_id"), ["workout_id"], unique=False)

    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workout_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=50), nullable=False),
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IS NULL OR side IN ('left', 'right')", name=op.f("ck_sets_side_known")),
        sa.CheckConstraint("source IN ('timer', 'manual', 'camera')", name=op.f("ck_sets_source_known")),
        sa.CheckConstraint("hold_s >= 0 AND hold_s <= 3600", name=op.f("ck_sets_hold_s_range")),
        sa.CheckConstraint("reps BETWEEN 0 AND 1000", name=op.f("ck_sets_reps_range")),
        sa.CheckConstraint("set_number BETWEEN 1 AND 100", name=op.f("ck_sets_set_number_range")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sets_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workout_id"], ["workouts.id"], name=op.f("fk_sets_workout_id_workouts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sets")),
        sa.UniqueConstraint("user_id", "client_id", name="uq_sets_user_client_id"),
    )
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sets_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sets_workout_id"), ["workout_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sets_workout_id"))
        batch_op.drop_index(batch_op.f("ix_sets_user_id"))

    op.drop_table("sets")
    with op.batch_alter_table("pain_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pain_ratings_workout_id"))
        batch_op.drop_index("ix_pain_ratings_user_taken")
        batch_op.drop_index(batch_op.f("ix_pain_ratings_user_id"))

    op.drop_table("pain_ratings")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_workout_id"))
        batch_op.drop_index(batch_op.f("ix_notes_user_id"))

    op.drop_table("notes")
    with op.batch_alter_table("workouts", schema=None) as batch_op:
        batch_op.drop_index("ix_workouts_user_started")
        batch_op.drop_index(batch_op.f("ix_workouts_user_id"))
        batch_op.drop_index(batch_op.f("ix_workouts_program_id"))

    op.drop_table("workouts")
    with op.batch_alter_table("program_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_items_user_id"))
        batch_op.drop_index(batch_op.f("ix_program_items_program_id"))

    op.drop_table("program_items")
    with op.batch_alter_table("dose_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dose_changes_user_id"))
        batch_op.drop_index(batch_op.f("ix_dose_changes_program_id"))

    op.drop_table("dose_changes")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settings_user_id"))

    op.drop_table("settings")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_user_id"))

    op.drop_table("programs")
    op.drop_table("users")
