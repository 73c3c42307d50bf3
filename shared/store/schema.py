"""Kernel tables, SQLAlchemy Core. Every service database has these; its
projections add their own tables to the same MetaData-like registry."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.types import TypeDecorator

# a stream id: a prefix and an id; the longest id is a plan's, programme.factory (201)
STREAM_ID = 300

# BIGINT on PostgreSQL, INTEGER PRIMARY KEY (the rowid) on SQLite
PositionType = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """timestamptz on PostgreSQL; on SQLite naive values are stored and read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


kernel_metadata = MetaData()

events = Table(
    "events",
    kernel_metadata,
    Column("position", PositionType, primary_key=True, autoincrement=True),
    Column("event_id", Uuid(), nullable=False, unique=True),
    Column("stream_id", String(STREAM_ID), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("previous_version", Integer),  # of the stream's previous published event (see Envelope)
    Column("event_type", String(100), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("country", String(8), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("correlation_id", String(64), nullable=False),
    Column("causation_id", String(64)),
    Column("actor", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    # the store numbers records from 1: a record below is forged (chain.py). Databases created before this
    # lack it (SQLite cannot add a constraint without rebuilding the table); `audit verify` reports such a
    # record there as well
    CheckConstraint("position > 0", name="ck_events_position"),
)
Index("ix_events_country_position", events.c.country, events.c.position)

# The hash chain over the event log (shared/store/chain.py): a link per
# append (a group commit's: one for all its commands), in its transaction. `records` lists the
# position and SHA-256 of each of its events' stored rows; `hash` covers them
# and the previous link's hash (`previous`: the position that link ends at;
# NULL for the chain's first link). A table of its own: event rows are never
# written twice, and a database from before the chain only gains a table.
event_chain = Table(
    "event_chain",
    kernel_metadata,
    Column("position", PositionType, primary_key=True, autoincrement=False),  # of the link's last event
    Column("previous", BigInteger),
    Column("records", Text, nullable=False),  # "<position>:<sha256 hex> ..." in position order
    Column("hash", String(64), nullable=False),
)

# A row here = "this event still has to be published". Written in the same
# transaction as the event; the relay deletes it after JetStream's PubAck.
outbox = Table(
    "outbox",
    kernel_metadata,
    Column("position", PositionType, primary_key=True, autoincrement=False),
)

# The trace context (W3C traceparent) of the request or message that appended
# an event, while its outbox marker waits: written in the same transaction,
# only while tracing is on (shared/telemetry.py); the relay reads it to
# continue the trace when it publishes after the commit, and removes it with
# the marker. A table of its own: the outbox's and the events' rows are
# unchanged, and an older database only gains a table.
outbox_trace = Table(
    "outbox_trace",
    kernel_metadata,
    Column("position", PositionType, primary_key=True, autoincrement=False),
    Column("traceparent", String(55), nullable=False),
)

# Idempotency keys of commands: a retried request finds its first result here.
commands = Table(
    "commands",
    kernel_metadata,
    Column("idempotency_key", String(200), primary_key=True),
    Column("stream_id", String(STREAM_ID), nullable=False),
    Column("result", Text, nullable=False),
    Column("fingerprint", String(64)),  # of what the command asked for: the same key with another body is refused
    Column("recorded_at", UTCDateTime(), nullable=False),
)

# Tracking records of projections: the last version applied per source stream,
# written in the same transaction as the projection's rows.
tracking = Table(
    "tracking",
    kernel_metadata,
    Column("projection", String(100), nullable=False),
    Column("stream_id", String(STREAM_ID), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_id", Uuid(), nullable=False),
    PrimaryKeyConstraint("projection", "stream_id", name="pk_tracking"),
)

# Messages a projection could not apply after its retries (or that wait behind
# one that could not): visible to operators, re-drivable.
parked = Table(
    "parked",
    kernel_metadata,
    Column("id", PositionType, primary_key=True, autoincrement=True),
    Column("projection", String(100), nullable=False),
    Column("event_id", Uuid(), nullable=False),
    Column("stream_id", String(STREAM_ID), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("subject", String(300), nullable=False),
    Column("data", Text, nullable=False),
    Column("reason", String(20), nullable=False),  # "error" | "blocked" | "undecodable"
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("parked_at", UTCDateTime(), nullable=False),
    UniqueConstraint("projection", "event_id", name="uq_parked_event"),
)
Index("ix_parked_stream", parked.c.projection, parked.c.stream_id, parked.c.stream_version)
