"""Baseline: the assessment database as `create_all` made it at b853634, the last
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
        "assessments",
        sa.Column("assessment_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("scheduled_date", sa.Date(), nullable=False),
        sa.Column("assessors", sa.Text(), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("amendments", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("needs_profile", sa.Text(), nullable=True),
        sa.Column("demographics", sa.Text(), nullable=True),
        sa.Column("policy_flags", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("assessment_id"),
    )
    op.create_index(op.f("ix_assessments_country"), "assessments", ["country"], unique=False, if_not_exists=True)
    op.create_index(op.f("ix_assessments_factory_id"), "assessments", ["factory_id"], unique=False, if_not_exists=True)
    kernel.create_table(
        "factories",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("supplier", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=100), nullable=False),
        sa.Column("buyers", sa.Text(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_assessment_id", sa.String(length=100), nullable=True),
        sa.Column("needs_profile", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("factory_id"),
    )
    op.create_index(op.f("ix_factories_country"), "factories", ["country"], unique=False, if_not_exists=True)
    kernel.create_table(
        "factory_indicators",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("indicator", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("assessment_id", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Integer(), nullable=True),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("factory_id", "indicator"),
    )
    op.create_index(
        op.f("ix_factory_indicators_country"), "factory_indicators", ["country"], unique=False, if_not_exists=True
    )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead (deploy/OPERATIONS.md)")
