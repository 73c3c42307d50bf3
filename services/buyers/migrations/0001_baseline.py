"""Baseline: the buyers database as `create_all` made it at b853634, the last
release before Alembic. Tables and indexes are created where missing, so a
database of that release is brought under Alembic as it is.

Revision ID: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.migrations import kernel
from shared.store.schema import UTCDateTime

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    kernel.baseline()
    kernel.create_table(
        "buyers_deliveries",
        sa.Column("delivery_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ordering_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("delivery_id"),
        sa.UniqueConstraint("endpoint_id", "position", name="uq_buyers_delivery"),
    )
    op.create_index(
        "ix_buyers_deliveries_key",
        "buyers_deliveries",
        ["endpoint_id", "ordering_key", "position"],
        unique=False,
        if_not_exists=True,
    )
    op.create_index(
        "ix_buyers_deliveries_status",
        "buyers_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
        if_not_exists=True,
    )
    kernel.create_table(
        "buyers_delivery_attempts",
        sa.Column("attempt_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id"),
    )
    op.create_index(
        op.f("ix_buyers_delivery_attempts_delivery_id"),
        "buyers_delivery_attempts",
        ["delivery_id"],
        unique=False,
        if_not_exists=True,
    )
    kernel.create_table(
        "buyers_endpoint_secrets",
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("endpoint_id", "created_at"),
    )
    kernel.create_table(
        "buyers_endpoints",
        sa.Column("endpoint_id", sa.String(length=40), nullable=False),
        sa.Column("buyer", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("types", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("endpoint_id"),
    )
    op.create_index(op.f("ix_buyers_endpoints_buyer"), "buyers_endpoints", ["buyer"], unique=False, if_not_exists=True)
    kernel.create_table(
        "buyers_factories",
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("factory_id", "country"),
    )
    kernel.create_table(
        "buyers_facts",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_buyers_facts_factory", "buyers_facts", ["country", "factory_id"], unique=False, if_not_exists=True
    )
    kernel.create_table(
        "buyers_feed",
        sa.Column("position", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer", sa.String(length=300), nullable=False),
        sa.Column("ce_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("buyer", "ce_id", name="uq_buyers_feed_record"),
    )
    op.create_index("ix_buyers_feed_buyer", "buyers_feed", ["buyer", "position"], unique=False, if_not_exists=True)
    kernel.create_table(
        "buyers_portfolio",
        sa.Column("buyer", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("factory_name", sa.String(length=300), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("plan_approved_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("sessions_delivered", sa.Integer(), nullable=False),
        sa.Column("trainings_delivered", sa.Integer(), nullable=False),
        sa.Column("workers_reached", sa.Integer(), nullable=False),
        sa.Column("workers_reached_female", sa.Integer(), nullable=False),
        sa.Column("workers_reached_male", sa.Integer(), nullable=False),
        sa.Column("retention_baseline", sa.Float(), nullable=True),
        sa.Column("retention_endline", sa.Float(), nullable=True),
        sa.Column("retention_change", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("buyer", "country", "factory_id", "programme_id"),
    )
    kernel.create_table(
        "buyers_programmes",
        sa.Column("programme_id", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("factory_id", sa.String(length=100), nullable=False),
        sa.Column("buyer", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("programme_id", "country", "factory_id"),
    )
    op.create_index(
        op.f("ix_buyers_programmes_buyer"), "buyers_programmes", ["buyer"], unique=False, if_not_exists=True
    )
    op.create_index(
        "ix_buyers_programmes_factory", "buyers_programmes", ["country", "factory_id"], unique=False, if_not_exists=True
    )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead (deploy/OPERATIONS.md)")
