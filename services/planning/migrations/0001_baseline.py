"""Baseline: the planning database as `create_all` made it at b853634, the last
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
        "baselines",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("assessment_id", sa.String(length=100), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("needs_profile", sa.Text(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("factory_id"),
    )
    op.create_index(op.f("ix_baselines_country"), "baselines", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "plan_activities",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("cohort_size", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("plan_id", "activity"),
    )
    op.create_index(
        op.f("ix_plan_activities_country"), "plan_activities", ["country"], unique=False, if_not_exists=True
    )
    kernel.create_table(
        "planning_factories",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("buyers", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("factory_id"),
    )
    op.create_index(
        op.f("ix_planning_factories_country"), "planning_factories", ["country"], unique=False, if_not_exists=True
    )
    kernel.create_table(
        "plans",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("approved_revision", sa.Integer(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("credits_used", sa.Integer(), nullable=False),
        sa.Column("credits_budget", sa.Integer(), nullable=False),
        sa.Column("suggested", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("kicked_off_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_index(op.f("ix_plans_country"), "plans", ["country"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_plans_programme_id"), "plans", ["programme_id"], unique=False, if_not_exists=True)
    kernel.create_table(
        "programmes",
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("buyer", sa.String(length=300), nullable=False),
        sa.Column("countries", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("credits_per_factory", sa.Integer(), nullable=False),
        sa.Column("factories", sa.Text(), nullable=False),
        sa.Column("factories_total", sa.Integer(), nullable=False),
        sa.Column("price_per_factory", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("contract_value", sa.Integer(), nullable=False),
        sa.Column("country_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "country"),
    )
    op.create_index(op.f("ix_programmes_buyer"), "programmes", ["buyer"], unique=False, if_not_exists=True)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead (deploy/OPERATIONS.md)")
