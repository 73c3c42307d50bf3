"""Baseline: the delivery database as `create_all` made it at b853634, the last
release before Alembic. Tables and indexes are created where missing, so a
database of that release is brought under Alembic as it is.

Revision ID: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.migrations import kernel

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    kernel.baseline()
    kernel.create_table(
        "consulting_cases",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("case_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "case_id"),
    )
    op.create_index(
        op.f("ix_consulting_cases_country"), "consulting_cases", ["country"], unique=False, if_not_exists=True
    )
    kernel.create_table(
        "facilities",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("facility_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "facility_id"),
    )
    op.create_index(op.f("ix_facilities_country"), "facilities", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "facility_months",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("facility_id", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("days_open", sa.Integer(), nullable=False),
        sa.Column("children_served", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "facility_id", "month"),
    )
    op.create_index(
        op.f("ix_facility_months_country"), "facility_months", ["country"], unique=False, if_not_exists=True
    )
    kernel.create_table(
        "sessions",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("session_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("local_start", sa.String(length=40), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("trainers", sa.Text(), nullable=False),
        sa.Column("cascade_level", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("female", sa.Integer(), nullable=False),
        sa.Column("identified", sa.Integer(), nullable=False),
        sa.Column("new_people", sa.Integer(), nullable=False),
        sa.Column("by_role", sa.Text(), nullable=False),
        sa.Column("reach_by_role", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("plan_id", "session_id"),
    )
    op.create_index(op.f("ix_sessions_country"), "sessions", ["country"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_sessions_factory_id"), "sessions", ["factory_id"], unique=False, if_not_exists=True)
    kernel.create_table(
        "trainers",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("trainer_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("session_id", sa.String(length=100), nullable=False),
        sa.Column("trained_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "trainer_id"),
    )
    op.create_index(op.f("ix_trainers_country"), "trainers", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "work_plans",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("kept", sa.Text(), nullable=False),
        sa.Column("milestones", sa.Text(), nullable=False),
        sa.Column("completed", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_index(op.f("ix_work_plans_country"), "work_plans", ["country"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_work_plans_factory_id"), "work_plans", ["factory_id"], unique=False, if_not_exists=True)
    op.create_index(
        op.f("ix_work_plans_programme_id"), "work_plans", ["programme_id"], unique=False, if_not_exists=True
    )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead (deploy/OPERATIONS.md)")
