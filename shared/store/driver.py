"""The kernel's hot statements, run on the driver connection itself.

The event store's append is the hottest write of every service. Through
SQLAlchemy's execution layer each statement cost about 0.4 ms and a pool
checkout 0.2 ms, three times a raw driver transaction; so the append runs its
few statements on the driver connection (aiosqlite or asyncpg) that
SQLAlchemy's engine holds, inside the same transaction. The algorithm is one
(`EventStore`); what differs by dialect is only this: parameter markers, type
casts, how a list of positions is passed, and how values are encoded (the
same encodings SQLAlchemy's column types use, so SQLAlchemy reads the rows
back unchanged).

One statement appends a command's events: it checks the stream's version and
the command's idempotency key and computes each event's `previous_version`
(the stream's last *published* version) in the same INSERT, so a command
costs BEGIN, INSERT ... RETURNING, the outbox INSERT and COMMIT, the same
shape as a raw insert of the rows with their outbox markers. The events'
links in the hash chain (chain.py) go in with the outbox markers: the same
statement on PostgreSQL, one more on SQLite (on the event loop's thread,
under the write lock: no hop). The relay's
read and its marker removal, and the projections' tracking records, are the
other statements run this way.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import asyncpg
import orjson
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from shared.store import sqlite_onehop as onehop

EVENT_COLUMNS = (
    "event_id", "stream_id", "stream_version", "previous_version", "event_type", "schema_version", "country",
    "occurred_at", "recorded_at", "correlation_id", "causation_id", "actor", "payload",
)
_PG_TYPES = ("uuid", "text", "int", "int", "text", "int", "text", "timestamptz", "timestamptz", "text", "text",
             "text", "text")
_PREVIOUS = EVENT_COLUMNS.index("previous_version")
ROWS_PER_STATEMENT = 500  # 6,500 parameters: under both drivers' limits

# A duplicate event id or idempotency key: only reachable when the append's
# own checks are bypassed (another writer outside the append lock)
INTEGRITY_ERRORS = (sqlite3.IntegrityError, asyncpg.exceptions.IntegrityConstraintViolationError, SAIntegrityError)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Dialect:
    """SQL text and value encoding of the append path for one database."""

    name: str

    def param(self, i: int, pg_type: str | None = None) -> str:
        raise NotImplementedError

    def uuid(self, v: uuid.UUID) -> Any:
        return v

    def time(self, v: datetime) -> Any:
        return v

    def array(self, values: Sequence[Any]) -> Any:
        """A list as one parameter (read back with `values()`)."""
        raise NotImplementedError

    def values(self, i: int, pg_type: str) -> str:
        """A subquery over the list in parameter i."""
        raise NotImplementedError

    def rows_source(self, n: int, first: int) -> tuple[str, list[str]]:
        """`FROM` source of n rows of parameters from index `first` on, and its column names."""
        raise NotImplementedError

    # -- statements, built once per (dialect, private types, batch size) ----

    def insert(self, n: int, private: frozenset[str]) -> str:
        return _insert_sql(self, n, private)

    def head(self) -> str:
        p = self.param
        return (f"SELECT coalesce((SELECT max(stream_version) FROM events WHERE stream_id = {p(1, 'text')}), 0), "
                f"(SELECT result FROM commands WHERE idempotency_key = {p(2, 'text')})")

    def outbox(self) -> str:
        return f"INSERT INTO outbox (position) {self.values(1, 'bigint')}"

    def outbox_trace(self) -> str:
        """The trace context (2) of a command's published events (1: positions), while tracing."""
        return (f"INSERT INTO outbox_trace (position, traceparent) "
                f"SELECT p.*, {self.param(2, 'text')} FROM ({self.values(1, 'bigint')}) AS p")

    # -- the hash chain (chain.py) ----------------------------------------------

    outbox_in_chain = False  # whether `chain()` inserts the outbox markers too

    def chain_head(self) -> str:
        return "SELECT position, hash FROM event_chain ORDER BY position DESC LIMIT 1"

    def records_before(self) -> str:
        return f"SELECT count(*) FROM events WHERE position < {self.param(1, 'bigint')}"

    def chain(self) -> str:
        """Insert a link (position, previous, records, hash) if the chain's
        last link is still the `expected` one: a row if it was inserted."""
        raise NotImplementedError

    def chain_args(self, link: tuple[int, int | None, str, str], expected: str, public: Sequence[int]) -> tuple:
        raise NotImplementedError

    def published(self) -> str:
        return f"DELETE FROM outbox WHERE position IN ({self.values(1, 'bigint')})"

    # -- projections' tracking records ----------------------------------------

    def tracked(self) -> str:
        """Of a projection (1) and streams (2): each stream's last applied
        version, and whether it has parked messages (one round trip)."""
        p = self.param
        streams = self.values(2, "text")
        return (f"SELECT stream_id, stream_version, 0 FROM tracking WHERE projection = {p(1, 'text')} "
                f"AND stream_id IN ({streams}) UNION ALL "
                f"SELECT DISTINCT stream_id, 0, 1 FROM parked WHERE projection = {p(1, 'text')} "
                f"AND stream_id IN ({streams})")

    def track(self) -> str:
        """Upsert a projection's (1) last applied version per stream (2..: streams, versions, event ids)."""
        return (f"INSERT INTO tracking (projection, stream_id, stream_version, event_id) {self.tracked_rows} "
                f"ON CONFLICT (projection, stream_id) DO UPDATE SET "
                f"stream_version = excluded.stream_version, event_id = excluded.event_id")

    tracked_rows: str  # SELECT of (projection, stream, version, event id) rows from `track_args`

    def track_args(self, projection: str, rows: Sequence[tuple[str, int, uuid.UUID]]) -> tuple:
        raise NotImplementedError

    def command(self) -> str:
        p = self.param
        return (f"INSERT INTO commands (idempotency_key, stream_id, result, fingerprint, recorded_at) "
                f"VALUES ({p(1, 'text')}, {p(2, 'text')}, {p(3, 'text')}, {p(4, 'text')}, {p(5, 'timestamptz')})")

    def same_events(self) -> str:
        return (f"SELECT event_id, stream_id, stream_version, position FROM events "
                f"WHERE event_id IN ({self.values(1, 'uuid')}) ORDER BY position")

    def outgoing(self) -> str:
        """Events marked for publication after a position (?1), oldest first, at most ?2."""
        p = self.param
        return (f"SELECT e.position, e.event_id, e.stream_id, e.stream_version, e.previous_version, e.event_type, "
                f"e.schema_version, e.country, e.occurred_at, e.recorded_at, e.correlation_id, e.causation_id, "
                f"e.actor, e.payload FROM outbox o JOIN events e ON e.position = o.position "
                f"WHERE o.position > {p(1, 'bigint')} ORDER BY o.position LIMIT {p(2, 'int')}")

    def read_uuid(self, v: Any) -> str:
        return str(v)

    def wire_time(self, v: Any) -> datetime | str:
        """A stored time as `wire()` takes it."""
        return v

    def event_row(self, e: Any, previous: int | None, recorded_at: Any) -> tuple:
        """One event's parameters, in EVENT_COLUMNS order, encoded for the driver
        (`recorded_at` encoded already: one value for the whole transaction)."""
        return (self.uuid(e.event_id), e.stream_id, e.stream_version, previous, e.event_type, e.schema_version,
                e.country, self.time(e.occurred_at), recorded_at, e.correlation_id, e.causation_id, e.actor,
                orjson.dumps(e.payload).decode())


class SqliteDialect(Dialect):
    name = "sqlite"

    def param(self, i: int, pg_type: str | None = None) -> str:
        return f"?{i}"

    def uuid(self, v: uuid.UUID) -> str:
        return v.hex  # SQLAlchemy's Uuid on SQLite: CHAR(32)

    def time(self, v: datetime) -> str:
        # UTCDateTime on SQLite: naive UTC in SQLAlchemy's storage format (always with microseconds)
        if v.tzinfo is not UTC:
            v = v.astimezone(UTC)
        s = v.replace(tzinfo=None).isoformat(" ")
        return s if len(s) == 26 else s + ".000000"

    def read_uuid(self, v: str) -> str:
        return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"

    def wire_time(self, v: str) -> str:
        # "2026-03-01 08:00:00.000120" -> "2026-03-01T08:00:00.000120Z", as pydantic and orjson write
        # UTC (no fraction when it is zero)
        fraction = v[19:]
        if fraction == ".000000":
            fraction = ""
        return f"{v[:10]}T{v[11:19]}{fraction}Z"

    def array(self, values: Sequence[Any]) -> str:
        return orjson.dumps([v.hex if isinstance(v, uuid.UUID) else v for v in values]).decode()

    def values(self, i: int, pg_type: str) -> str:
        return f"SELECT value FROM json_each(?{i})"

    # "WHERE true": SQLite's parser needs it before an upsert's ON CONFLICT
    tracked_rows = ("SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                    "json_extract(value, '$[2]') FROM json_each(?2) WHERE true")

    def track_args(self, projection: str, rows: Sequence[tuple[str, int, uuid.UUID]]) -> tuple:
        return projection, orjson.dumps([(s, v, e.hex) for s, v, e in rows]).decode()

    def chain(self) -> str:
        return ("INSERT INTO event_chain (position, previous, records, hash) SELECT ?1, ?2, ?3, ?4 "
                "WHERE coalesce((SELECT hash FROM event_chain ORDER BY position DESC LIMIT 1), '') = ?5 "
                "RETURNING position")

    def chain_args(self, link: tuple[int, int | None, str, str], expected: str, public: Sequence[int]) -> tuple:
        return (*link, expected)

    def rows_source(self, n: int, first: int) -> tuple[str, list[str]]:
        k = len(EVENT_COLUMNS)
        rows = ",".join("(" + ",".join(f"?{first + r * k + c}" for c in range(k)) + ")" for r in range(n))
        return f"(VALUES {rows}) AS v", [f"v.column{c + 1}" for c in range(k)]


class PostgresDialect(Dialect):
    name = "postgresql"

    def param(self, i: int, pg_type: str | None = None) -> str:
        return f"${i}::{pg_type}" if pg_type else f"${i}"

    def array(self, values: Sequence[Any]) -> list[Any]:
        return list(values)

    def values(self, i: int, pg_type: str) -> str:
        return f"SELECT unnest(${i}::{pg_type}[])"

    tracked_rows = "SELECT $1::text, s, v, e FROM unnest($2::text[], $3::int[], $4::uuid[]) AS t(s, v, e)"

    outbox_in_chain = True  # one statement, one round trip: as the outbox insert alone was

    def chain(self) -> str:
        return ("WITH c AS (INSERT INTO event_chain (position, previous, records, hash) "
                "SELECT $1::bigint, $2::bigint, $3::text, $4::text "
                "WHERE coalesce((SELECT hash FROM event_chain ORDER BY position DESC LIMIT 1), '') = $5::text "
                "RETURNING 1), "
                "o AS (INSERT INTO outbox (position) SELECT unnest($6::bigint[])) "
                "SELECT 1 FROM c")

    def chain_args(self, link: tuple[int, int | None, str, str], expected: str, public: Sequence[int]) -> tuple:
        return (*link, expected, list(public))

    def track_args(self, projection: str, rows: Sequence[tuple[str, int, uuid.UUID]]) -> tuple:
        return projection, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]

    def rows_source(self, n: int, first: int) -> tuple[str, list[str]]:
        k = len(EVENT_COLUMNS)
        rows = ",".join("(" + ",".join(f"${first + r * k + c}::{_PG_TYPES[c]}" for c in range(k)) + ")"
                        for r in range(n))
        return f"(VALUES {rows}) AS v({', '.join(EVENT_COLUMNS)})", [f"v.{c}" for c in EVENT_COLUMNS]


SQLITE, POSTGRES = SqliteDialect(), PostgresDialect()


@lru_cache(maxsize=512)
def _insert_sql(d: Dialect, n: int, private: frozenset[str]) -> str:
    """Insert n events of one stream at versions expected+1.., only if the
    stream is at `expected` (?2) and the command (?3) was not done before:
    otherwise nothing is inserted and no position returned. A NULL
    previous_version means "the stream's last published version before this
    statement", read in the statement itself."""
    p = d.param
    source, cols = d.rows_source(n, 4)
    for t in private:
        if not _NAME.match(t):
            raise ValueError(f"event type {t!r} is not a plain name")
    if private:
        kinds = ", ".join(f"'{t}'" for t in sorted(private))
        published = f"CASE WHEN h.event_type IN ({kinds}) THEN h.previous_version ELSE h.stream_version END"
    else:
        published = "h.stream_version"
    head_published = (f"(SELECT {published} FROM events h WHERE h.stream_id = {p(1, 'text')} "
                      f"ORDER BY h.stream_version DESC LIMIT 1)")
    select = list(cols)
    select[_PREVIOUS] = f"coalesce({cols[_PREVIOUS]}, {head_published}, 0)"
    return (
        f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) SELECT {', '.join(select)} FROM {source} "
        f"WHERE coalesce((SELECT max(m.stream_version) FROM events m WHERE m.stream_id = {p(1, 'text')}), 0) "
        f"= {p(2, 'int')} "
        f"AND NOT EXISTS (SELECT 1 FROM commands c WHERE c.idempotency_key = {p(3, 'text')}) "
        f"RETURNING position, previous_version"
    )


class Driver:
    """The driver connection under a SQLAlchemy connection: two calls, and
    the dialect's SQL."""

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw
        self.sql = dialect

    async def fetch(self, sql: str, args: Sequence[Any]) -> list[tuple]:
        raise NotImplementedError

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    async def commit(self) -> None:
        raise NotImplementedError

    async def rollback(self) -> None:
        raise NotImplementedError


class SqliteDriver(Driver):
    """aiosqlite's connection: a statement runs on the event loop's thread
    while the writer holds the write lock, else in one hop to the
    connection's thread; BEGIN only hops when it has to wait, COMMIT and
    ROLLBACK always do (sqlite_onehop.py)."""

    async def fetch(self, sql: str, args: Sequence[Any]) -> list[tuple]:
        return await onehop.call(self.raw, onehop.fetchall, sql, args)

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        await onehop.call(self.raw, onehop.fetchall, sql, args)

    async def begin(self) -> None:
        await onehop.begin_immediate(self.raw)

    async def commit(self) -> None:
        await self.execute_and_commit(None)

    async def rollback(self) -> None:
        if self.raw.in_transaction:
            await onehop.hop(self.raw, onehop.fetchall, "ROLLBACK")

    async def begin_and_fetch(self, sql: str, args: Sequence[Any]) -> list[tuple]:
        await self.begin()
        try:
            return await self.fetch(sql, args)
        except BaseException:
            await self.rollback()
            raise

    async def execute_and_commit(self, statement: tuple[str, Sequence[Any]] | None) -> None:
        """The statement (a failure leaves the transaction open: the caller
        rolls back) and COMMIT, in one hop."""
        await onehop.hop(self.raw, _execute_and_commit, statement)


def _execute_and_commit(conn: sqlite3.Connection, statement: tuple[str, Sequence[Any]] | None) -> None:
    if statement is not None:
        conn.execute(*statement)
    conn.execute("COMMIT")


class PostgresDriver(Driver):
    async def fetch(self, sql: str, args: Sequence[Any]) -> list[tuple]:
        return list(await self.raw.fetch(sql, *args))

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        await self.raw.execute(sql, *args)

    async def commit(self) -> None:
        await self.raw.execute("COMMIT")

    async def rollback(self) -> None:
        await self.raw.execute("ROLLBACK")


def driver_for(raw: Any, dialect_name: str) -> Driver:
    return SqliteDriver(raw, SQLITE) if dialect_name == "sqlite" else PostgresDriver(raw, POSTGRES)
