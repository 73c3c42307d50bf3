"""Baseline: the evaluation database as `create_all` made it at b853634, the last
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
        "eval_assets",
        sa.Column("asset_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=2000), nullable=False),
        sa.Column("uri", sa.String(length=2000), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=100), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("asset_id"),
    )
    op.create_index(op.f("ix_eval_assets_country"), "eval_assets", ["country"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_eval_assets_person_id"), "eval_assets", ["person_id"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_eval_assets_plan_id"), "eval_assets", ["plan_id"], unique=False, if_not_exists=True)
    kernel.create_table(
        "eval_baselines",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("assessment_id", sa.String(length=100), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("factory_id"),
    )
    op.create_index(op.f("ix_eval_baselines_country"), "eval_baselines", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "eval_factories",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("buyers", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("factory_id"),
    )
    op.create_index(op.f("ix_eval_factories_country"), "eval_factories", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "eval_journey",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("context", sa.String(length=20), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=201), nullable=True),
        sa.PrimaryKeyConstraint("factory_id", "event_id"),
    )
    op.create_index(op.f("ix_eval_journey_country"), "eval_journey", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "eval_plans",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("kpis", sa.Text(), nullable=False),
        sa.Column("kicked_off_on", sa.Date(), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_index(op.f("ix_eval_plans_country"), "eval_plans", ["country"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_eval_plans_factory_id"), "eval_plans", ["factory_id"], unique=False, if_not_exists=True)
    kernel.create_table(
        "eval_programmes",
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("buyer", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("factories", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "country"),
    )
    op.create_index(op.f("ix_eval_programmes_buyer"), "eval_programmes", ["buyer"], unique=False, if_not_exists=True)
    kernel.create_table(
        "eval_results",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=True),
        sa.Column("buyer", sa.String(length=300), nullable=True),
        sa.Column("endline_on", sa.Date(), nullable=True),
        sa.Column("endline", sa.Text(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("comparisons", sa.Text(), nullable=True),
        sa.Column("kpis", sa.Text(), nullable=True),
        sa.Column("impact_event_id", sa.String(length=36), nullable=True),
        sa.Column("workshop_on", sa.Date(), nullable=True),
        sa.Column("practices", sa.Text(), nullable=True),
        sa.Column("follow_ups", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_index(op.f("ix_eval_results_country"), "eval_results", ["country"], unique=False, if_not_exists=True)
    op.create_index(
        op.f("ix_eval_results_factory_id"), "eval_results", ["factory_id"], unique=False, if_not_exists=True
    )
    kernel.create_table(
        "eval_sessions",
        sa.Column("plan_id", sa.String(length=201), nullable=False),
        sa.Column("session_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("female", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("reached_female", sa.Integer(), nullable=False),
        sa.Column("by_role", sa.Text(), nullable=False),
        sa.Column("by_age_band", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "session_id"),
    )
    op.create_index(op.f("ix_eval_sessions_country"), "eval_sessions", ["country"], unique=False, if_not_exists=True)
    op.create_index(
        op.f("ix_eval_sessions_factory_id"), "eval_sessions", ["factory_id"], unique=False, if_not_exists=True
    )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead (deploy/OPERATIONS.md)")
