"""The kernel's tables (shared/store/schema.py), as every service database has them.

Each service's migrations (services/<name>/migrations/) call these, so a
change to a kernel table is one function here and a revision per service
that calls it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.store.database import _add_new_columns
from shared.store.schema import UTCDateTime


def create_table(name: str, *elements: sa.SchemaItem, **kw: object) -> sa.Table:
    """A baseline's table: created where missing. Where an older version made
    it, the nullable columns it lacks are added and short VARCHARs widened on
    PostgreSQL, as `create_all` did at every start before migrations, so a
    database older than b853634 reaches the baseline too."""
    table = op.create_table(name, *elements, if_not_exists=True, **kw)
    if not op.get_context().as_sql:  # `alembic upgrade --sql` writes a script for a new database
        _add_new_columns(op.get_bind(), table.metadata)
    return table


def baseline() -> None:
    """The kernel tables as `create_all` made them at b853634 (the last release
    before Alembic): created where missing, so a database of that release
    passes through unchanged."""
    create_table(
        "commands",
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("stream_id", sa.String(length=300), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key"),
    )
    create_table(
        "event_chain",
        sa.Column(
            "position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("previous", sa.BigInteger(), nullable=True),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    create_table(
        "events",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("stream_id", sa.String(length=300), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("previous_version", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("causation_id", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.CheckConstraint("position > 0", name="ck_events_position"),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("event_id"),
        sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    )
    op.create_index("ix_events_country_position", "events", ["country", "position"], unique=False, if_not_exists=True)
    create_table(
        "outbox",
        sa.Column(
            "position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.PrimaryKeyConstraint("position"),
    )
    create_table(
        "parked",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("projection", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("stream_id", sa.String(length=300), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("projection", "event_id", name="uq_parked_event"),
    )
    op.create_index(
        "ix_parked_stream", "parked", ["projection", "stream_id", "stream_version"], unique=False, if_not_exists=True
    )
    create_table(
        "tracking",
        sa.Column("projection", sa.String(length=100), nullable=False),
        sa.Column("stream_id", sa.String(length=300), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("projection", "stream_id", name="pk_tracking"),
    )


def outbox_trace() -> None:
    """The trace context of an event waiting in the outbox (shared/telemetry.py):
    written in the command's transaction while tracing is on, read by the relay
    to continue the request's trace in the NATS headers, removed once published.
    A new table only: nothing to copy."""
    op.create_table(
        "outbox_trace",
        sa.Column(
            "position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("traceparent", sa.String(length=55), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )


def drop_outbox_trace() -> None:
    op.drop_table("outbox_trace")
