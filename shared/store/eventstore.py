"""The append-only event store: streams with a version per event, optimistic
concurrency, a global position, the transactional outbox and command
idempotency keys."""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared import telemetry
from shared.contracts.envelope import Envelope, subject_for, utcnow, wire
from shared.contracts.headers import CAUSATION, CORRELATION, MSG_ID
from shared.contracts.registry import registry
from shared.store import chain
from shared.store.database import Database
from shared.store.driver import INTEGRITY_ERRORS, ROWS_PER_STATEMENT, Driver
from shared.store.schema import commands, events, outbox, outbox_trace


def is_private(context: str, event_type: str) -> bool:
    return event_type in registry.private_types(context)


class ConcurrencyError(Exception):
    """A write based on a stale version of the stream: rejected, never merged."""

    def __init__(self, stream_id: str, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {current_version}, the write expected {expected_version}"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.current_version = current_version


@dataclass(frozen=True)
class AppendResult:
    stream_id: str
    version: int  # the stream's version after the append
    positions: list[int] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    replayed: bool = False  # True: nothing new was written (same idempotency key or same event ids)
    published: int = 0  # how many of the events were marked for publication (private ones are not)
    public_positions: list[int] = field(default_factory=list, repr=False, compare=False)
    # (position, canonical record) of each event written: their links in the hash chain (chain.py)
    chained: list[tuple[int, bytes]] = field(default_factory=list, repr=False, compare=False)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {"stream_id": self.stream_id, "version": self.version, "positions": self.positions,
             "event_ids": self.event_ids}
        )

    @classmethod
    def from_json(cls, data: str | bytes, *, replayed: bool) -> AppendResult:
        d = orjson.loads(data)
        return cls(d["stream_id"], d["version"], d["positions"], d["event_ids"], replayed=replayed)


_COLUMNS = (
    events.c.position, events.c.event_id, events.c.stream_id, events.c.stream_version, events.c.previous_version,
    events.c.event_type, events.c.schema_version, events.c.country, events.c.occurred_at,
    events.c.recorded_at, events.c.correlation_id, events.c.causation_id, events.c.actor,
    events.c.payload,
)


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """A command done under an idempotency key: its result, the fingerprint of
    what it asked for, and when."""

    result: AppendResult
    fingerprint: str | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An event as the relay publishes it."""

    position: int
    subject: str
    data: bytes
    headers: dict[str, str]


@dataclass
class _Request:
    stream_id: str
    expected_version: int | None
    events: list[Envelope]
    key: str | None
    fingerprint: str | None
    trace: str | None  # the appender's traceparent while tracing (telemetry), kept with the outbox markers
    done: asyncio.Future[AppendResult] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass(frozen=True)
class Republished:
    """What a re-publish marked: `marked` events put back in the outbox, `waiting`
    of the range already there, up to position `until`."""

    marked: int
    waiting: int
    until: int


class EventStore:
    def __init__(self, db: Database, context: str, *, cached_streams: int = 2000) -> None:
        self.db = db
        self.context = context
        self.on_append: list[Callable[[], None]] = []  # e.g. wake the relay after a commit
        # Committed events of recently loaded streams: a stream is read from the
        # database only after the version cached (events never change), so a
        # long stream is not decoded again on every command.
        self._cache: OrderedDict[str, list[Envelope]] = OrderedDict()
        self._cache_size = cached_streams
        self._queue: list[_Request] = []  # appends waiting for the next group commit
        self._group_lock = asyncio.Lock()
        # the hash chain's last link as this store last wrote it: (position, hash); None: not known yet.
        # Only a guess, checked in the statement that writes the next links (chain.py)
        self._chain_head: tuple[int, str] | None = None

    def _envelope(self, row) -> Envelope:  # noqa: ANN001
        return Envelope.model_construct(
            event_id=row.event_id,
            stream_id=row.stream_id,
            stream_version=row.stream_version,
            previous_version=row.previous_version,
            position=row.position,
            context=self.context,
            event_type=row.event_type,
            schema_version=row.schema_version,
            country=row.country,
            occurred_at=row.occurred_at,
            recorded_at=row.recorded_at,
            correlation_id=row.correlation_id,
            causation_id=row.causation_id,
            actor=row.actor,
            payload=orjson.loads(row.payload),
        )

    # -- writing -----------------------------------------------------------

    async def append(self, stream_id: str, expected_version: int | None, new_events: Sequence[Envelope], *,
                     idempotency_key: str | None = None, fingerprint: str | None = None,
                     conn: AsyncConnection | None = None) -> AppendResult:
        """Append events at versions expected_version+1.. atomically, with their
        outbox markers. A stale expected_version raises ConcurrencyError; the
        same event ids appended again (or the same idempotency key) is a no-op
        that returns the first result. expected_version=None appends at the
        end of the stream whatever its version (for streams that only
        accumulate, like survey responses); the envelopes are renumbered.
        Events of a private type are stored but get no outbox marker: they
        never leave the service.

        `conn`: append inside the caller's write transaction (see
        `transaction()`), e.g. several streams at once, or a reaction to an
        event together with the consumer's tracking record. Without it, the
        append commits on its own: appends that arrive while another commits
        are committed together in the next transaction (group commit: one
        flush for many commands; each command is still checked, and fails or
        succeeds, on its own).

        `fingerprint`: what the command under `idempotency_key` asked for,
        kept with its result (see `command_record`)."""
        for i, e in enumerate(new_events, start=1):
            if e.stream_id != stream_id or (expected_version is not None and e.stream_version != expected_version + i):
                raise ValueError(f"event {i} has stream {e.stream_id} v{e.stream_version}, "
                                 f"expected {stream_id} v{expected_version + i}")
            if e.context != self.context:
                raise ValueError(f"event of context {e.context} appended to the {self.context} store")
        if telemetry.tracer is not None:  # tracing: the append as a span, its context kept for the relay
            with telemetry.span("eventstore.append", attributes={"wecare.service": self.context,
                                                                  "wecare.stream_id": stream_id,
                                                                  "wecare.events": len(new_events)}):
                req = _Request(stream_id, expected_version, list(new_events), idempotency_key, fingerprint,
                               telemetry.current_traceparent())
                return await self._append(req, conn)
        return await self._append(_Request(stream_id, expected_version, list(new_events), idempotency_key,
                                           fingerprint, None), conn)

    async def _append(self, req: _Request, conn: AsyncConnection | None) -> AppendResult:
        stream_id, expected_version = req.stream_id, req.expected_version
        if conn is None:
            result = await self._append_in_group(req)
        else:
            await self.db.lock_appends(conn)  # re-entrant within the transaction
            driver = await self.db.driver(conn)
            try:
                result = await self._write(driver, req, utcnow())
            except INTEGRITY_ERRORS:
                # Only reachable if the serialisation were bypassed.
                raise ConcurrencyError(stream_id, expected_version or 0, -1) from None
            await self._seal(driver, [result])
        if not result.replayed and result.published:
            for hook in self.on_append:
                hook()
        return result

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction serialised with every appender, for appends
        that must commit together."""
        async with self.db.write(appending=True) as conn:
            yield conn

    # -- group commit ------------------------------------------------------

    async def _append_in_group(self, req: _Request) -> AppendResult:
        self._queue.append(req)
        async with self._group_lock:
            if not req.done.done():
                group, self._queue = self._queue, []
                if len(group) == 1:
                    await self._commit_group(group)
                else:  # shielded: a caller that goes away does not abort the others' transaction
                    await asyncio.shield(asyncio.ensure_future(self._commit_group(group)))
        return req.done.result()

    async def _commit_group(self, group: list[_Request]) -> None:
        outcomes: list[AppendResult | BaseException] = []
        try:
            async with self.db.appending() as driver:
                now = utcnow()
                for req in group:
                    try:
                        outcomes.append(await self._write(driver, req, now))
                    except ConcurrencyError as e:  # this command's own outcome: the others go on
                        outcomes.append(e)
                await self._seal(driver, [o for o in outcomes if isinstance(o, AppendResult)])
        except INTEGRITY_ERRORS as e:
            if len(group) > 1:  # find the one: each alone
                for req in group:
                    await self._commit_group([req])
                return
            req = group[0]
            outcomes = [ConcurrencyError(req.stream_id, req.expected_version or 0, -1)]
            outcomes[0].__cause__ = e
        except BaseException as e:  # database down, cancelled: nothing of the group committed
            for req in group:
                if not req.done.done():
                    req.done.set_exception(e)
            if not isinstance(e, Exception):
                raise
            return
        for req, outcome in zip(group, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                req.done.set_exception(outcome)
            else:
                req.done.set_result(outcome)

    # -- the append, on the driver connection --------------------------------

    async def _write(self, driver: Driver, req: _Request, now: datetime) -> AppendResult:
        """One command's events, inside a serialised transaction."""
        sql = driver.sql
        stream_id, expected, new_events = req.stream_id, req.expected_version, req.events
        if expected is None:
            [(current, done)] = await driver.fetch(sql.head(), (stream_id, req.key))
            if done is not None:
                return AppendResult.from_json(done, replayed=True)
            expected = int(current)
            new_events = [e.model_copy(update={"stream_version": expected + i})
                          for i, e in enumerate(new_events, start=1)]
        if not new_events:
            return await self._explain(driver, req, expected, new_events, nothing=True)
        private = registry.private_types(self.context)
        recorded_at = sql.time(now)
        rows = []
        published: int | None = None  # None: the stream's last published version before this command
        for e in new_events:
            rows.append(sql.event_row(e, published, recorded_at))
            if e.event_type not in private:
                published = e.stream_version
        inserted: list[tuple[int, int | None]] = []  # (position, previous_version), in position order
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start:start + ROWS_PER_STATEMENT]
            args = [stream_id, expected + start, req.key]
            for r in chunk:
                args.extend(r)
            got = await driver.fetch(sql.insert(len(chunk), private), args)
            if not got:  # stale version or a command done before: nothing inserted
                return await self._explain(driver, req, expected, new_events)
            inserted.extend(sorted((p, prev) for p, prev in got))
        positions = [p for p, _ in inserted]
        public = [p for p, e in zip(positions, new_events, strict=True) if e.event_type not in private]
        at = chain.time(now)
        chained = [(p, chain.record(p, e.event_id, e.stream_id, e.stream_version, prev, e.event_type,
                                    e.schema_version, e.country, chain.time(e.occurred_at), at, e.correlation_id,
                                    e.causation_id, e.actor, row[-1]))
                   for (p, prev), e, row in zip(inserted, new_events, rows, strict=True)]
        result = AppendResult(stream_id, expected + len(new_events), positions,
                              [str(e.event_id) for e in new_events], published=len(public), public_positions=public,
                              chained=chained)
        if req.trace is not None and public:
            await driver.execute(sql.outbox_trace(), (sql.array(public), req.trace))
        if req.key is not None:
            await driver.execute(sql.command(), (req.key, stream_id, result.to_json().decode(), req.fingerprint,
                                                 recorded_at))
        return result

    async def _seal(self, driver: Driver, results: Sequence[AppendResult]) -> None:
        """The transaction's new events: their outbox markers and their link
        in the hash chain. The link is written only if the chain's last link
        is the one this store wrote last (checked in the statement, under the
        append lock); else another writer appended in between (or a
        transaction of ours rolled back): the last link is read and the new
        one hashed again."""
        sql = driver.sql
        public = [p for r in results for p in r.public_positions]
        records = sorted(c for r in results for c in r.chained)
        if public and not sql.outbox_in_chain:
            await driver.execute(sql.outbox(), (sql.array(public),))
        if not records:  # nothing new (every public event is a record too)
            return
        head = self._chain_head
        for _ in range(5):  # once under the append lock; more only for a writer that bypasses it
            if head is None:
                head = await self._read_chain_head(driver)
            # the chain's first link hashes how many records the log held before it (once per database)
            before = 0 if head[0] else int((await driver.fetch(sql.records_before(), (records[0][0],)))[0][0])
            link = chain.new_link(head, records, before)
            if await driver.fetch(sql.chain(), sql.chain_args(link, head[1], public)):
                self._chain_head = (link[0], link[3])
                return
            head, public = None, []  # the markers went in with the first try
        raise RuntimeError("the hash chain's last link keeps moving: a writer bypasses the append lock")

    async def _read_chain_head(self, driver: Driver) -> tuple[int, str]:
        got = await driver.fetch(driver.sql.chain_head(), ())
        return (int(got[0][0]), got[0][1]) if got else (0, chain.GENESIS)

    async def _explain(self, driver: Driver, req: _Request, expected: int, new_events: Sequence[Envelope],
                       *, nothing: bool = False) -> AppendResult:
        """Nothing was inserted: the command's first result, the same events
        stored before, or a conflict."""
        sql = driver.sql
        [(current, done)] = await driver.fetch(sql.head(), (req.stream_id, req.key))
        if done is not None:
            return AppendResult.from_json(done, replayed=True)
        current = int(current)
        if current == expected and nothing:
            return AppendResult(req.stream_id, current)
        if new_events:
            ids = [e.event_id for e in new_events]
            found = await driver.fetch(sql.same_events(), (sql.array(ids),))
            want = [(sql.uuid(e.event_id), e.stream_id, e.stream_version) for e in new_events]
            if [(r[0], r[1], r[2]) for r in found] == want:
                return AppendResult(req.stream_id, new_events[-1].stream_version, [r[3] for r in found],
                                    [str(i) for i in ids], replayed=True)
        raise ConcurrencyError(req.stream_id, expected, current)

    async def command_result(self, idempotency_key: str) -> AppendResult | None:
        record = await self.command_record(idempotency_key)
        return record.result if record is not None else None

    async def command_record(self, idempotency_key: str, *, conn: AsyncConnection | None = None
                             ) -> CommandRecord | None:
        """What a command done under this key wrote, asked for, and when (in the
        caller's transaction, if given)."""
        async with self._reading(conn) as conn:
            row = (await conn.execute(
                select(commands.c.result, commands.c.fingerprint, commands.c.recorded_at)
                .where(commands.c.idempotency_key == idempotency_key))).first()
        if row is None:
            return None
        return CommandRecord(AppendResult.from_json(row.result, replayed=True), row.fingerprint, row.recorded_at)

    async def remember_command(self, idempotency_key: str, stream_id: str, fingerprint: str | None, *,
                               conn: AsyncConnection) -> None:
        """A command under this key whose state is tables, not events: its key
        is kept all the same, in the command's transaction (`stream_id` names
        what it made, for its answer when retried)."""
        await conn.execute(insert(commands).values(
            idempotency_key=idempotency_key, stream_id=stream_id, fingerprint=fingerprint, recorded_at=utcnow(),
            result=AppendResult(stream_id, 0).to_json().decode()))

    async def forget_command(self, idempotency_key: str, recorded_before: datetime) -> None:
        """An expired key is free again (its events stay)."""
        async with self.db.write() as conn:
            await conn.execute(delete(commands).where(commands.c.idempotency_key == idempotency_key,
                                                      commands.c.recorded_at < recorded_before))

    async def _version(self, conn: AsyncConnection, stream_id: str) -> int:
        v = await conn.scalar(select(func.max(events.c.stream_version)).where(events.c.stream_id == stream_id))
        return int(v or 0)

    # -- reading -----------------------------------------------------------

    @asynccontextmanager
    async def _reading(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        if conn is not None:
            yield conn  # inside the caller's transaction: sees its own uncommitted appends
        else:
            async with self.db.read() as own:
                yield own

    async def version(self, stream_id: str, *, conn: AsyncConnection | None = None) -> int:
        async with self._reading(conn) as c:
            return await self._version(c, stream_id)

    async def load_stream(self, stream_id: str) -> list[Envelope]:
        """The whole stream, committed: the cached part plus what came after it
        (from this process or any other)."""
        cached = self._cache.get(stream_id, [])
        fresh = await self.load(stream_id, cached[-1].stream_version if cached else 0)
        envs = cached + fresh if fresh else cached
        if envs:
            self._cache[stream_id] = envs
            self._cache.move_to_end(stream_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return list(envs)

    async def load(self, stream_id: str, after_version: int = 0, *, limit: int | None = None,
                   conn: AsyncConnection | None = None) -> list[Envelope]:
        q = (select(*_COLUMNS).where(events.c.stream_id == stream_id, events.c.stream_version > after_version)
             .order_by(events.c.stream_version))
        if limit is not None:
            q = q.limit(limit)
        async with self._reading(conn) as c:
            return [self._envelope(r) for r in await c.execute(q)]

    async def find(self, event_type: str, *, country: str | None = None, containing: str | None = None,
                   conn: AsyncConnection | None = None) -> list[Envelope]:
        """Events of one type (of a country; whose payload contains a text),
        in position order: for the few look-ups a command needs across
        streams, e.g. "the programmes that name this factory"."""
        q = select(*_COLUMNS).where(events.c.event_type == event_type)
        if country is not None:
            q = q.where(events.c.country == country)
        if containing is not None:
            q = q.where(events.c.payload.contains(containing, autoescape=True))
        async with self._reading(conn) as c:
            return [self._envelope(r) for r in await c.execute(q.order_by(events.c.position))]

    async def read_all(
        self, after: int = 0, *, page: int = 1000, countries: Sequence[str] | None = None,
        until: int | None = None,
    ) -> AsyncIterator[Envelope]:
        """Every event after global position `after`, in order, page by page
        (memory stays flat whatever the log's length)."""
        position = after
        while True:
            q = select(*_COLUMNS).where(events.c.position > position)
            if until is not None:
                q = q.where(events.c.position <= until)
            if countries is not None:
                q = q.where(events.c.country.in_(list(countries)))
            async with self.db.read() as conn:
                rows = (await conn.execute(q.order_by(events.c.position).limit(page))).all()
            for r in rows:
                yield self._envelope(r)
            if len(rows) < page:
                return
            position = rows[-1].position

    async def head(self) -> int:
        async with self.db.read() as conn:
            return int(await conn.scalar(select(func.max(events.c.position))) or 0)

    async def count(self, countries: Sequence[str] | None = None) -> int:
        q = select(func.count()).select_from(events)
        if countries is not None:
            q = q.where(events.c.country.in_(list(countries)))
        async with self.db.read() as conn:
            return int(await conn.scalar(q) or 0)

    async def existing_ids(self, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these event ids are stored already (for clients that make
        their own ids, e.g. offline capture)."""
        if not event_ids:
            return set()
        async with self.db.read() as conn:
            rows = await conn.execute(select(events.c.event_id).where(events.c.event_id.in_(list(event_ids))))
            return {r.event_id for r in rows}

    async def get(self, event_id: uuid.UUID) -> Envelope | None:
        async with self.db.read() as conn:
            row = (await conn.execute(select(*_COLUMNS).where(events.c.event_id == event_id))).first()
            return self._envelope(row) if row else None

    # -- outbox ------------------------------------------------------------

    async def outgoing(self, after: int, limit: int) -> list[Outgoing]:
        """The next events to publish after a position, as the relay sends
        them: subject, wire bytes and headers, built straight from the stored
        rows (the relay's hot path: no model, no ORM in between)."""
        async with self.db.read() as conn:
            driver = await self.db.driver(conn)
            sql = driver.sql
            rows = await driver.fetch(sql.outgoing(), (after, limit))
        out = []
        for (position, event_id, stream_id, version, previous, event_type, schema_version, country, occurred_at,
             recorded_at, correlation_id, causation_id, actor, payload) in rows:
            event_id = sql.read_uuid(event_id)
            data = wire(event_id=event_id, stream_id=stream_id, stream_version=version, previous_version=previous,
                        position=position, context=self.context, event_type=event_type,
                        schema_version=schema_version, country=country, occurred_at=sql.wire_time(occurred_at),
                        recorded_at=sql.wire_time(recorded_at), correlation_id=correlation_id,
                        causation_id=causation_id, actor=actor, payload=orjson.Fragment(payload))
            headers = {MSG_ID: event_id, CORRELATION: correlation_id}
            if causation_id:
                headers[CAUSATION] = causation_id
            out.append(Outgoing(position, subject_for(country, self.context, event_type), data, headers))
        return out

    async def traces(self, positions: Sequence[int]) -> dict[int, str]:
        """The trace contexts kept with these outgoing events (only while tracing)."""
        if not positions:
            return {}
        async with self.db.read() as conn:
            rows = await conn.execute(select(outbox_trace.c.position, outbox_trace.c.traceparent)
                                      .where(outbox_trace.c.position.in_(list(positions))))
            return {int(p): t for p, t in rows}

    async def forget_traces(self, positions: Sequence[int] | None = None) -> None:
        """Remove the trace contexts of published events (None: of every event
        no longer in the outbox, e.g. left by a run that traced)."""
        async with self.db.write() as conn:
            if positions is None:
                await conn.execute(delete(outbox_trace).where(outbox_trace.c.position.not_in(
                    select(outbox.c.position))))
            elif positions:
                await conn.execute(delete(outbox_trace).where(outbox_trace.c.position.in_(list(positions))))

    async def pending(self, limit: int) -> list[Envelope]:
        """The oldest events not yet acknowledged by JetStream, in position order."""
        return [Envelope.from_wire(o.data) for o in await self.outgoing(0, limit)]

    async def mark_published(self, positions: Sequence[int]) -> None:
        if not positions:
            return
        async with self.db.write() as conn:
            driver = await self.db.driver(conn)
            await driver.execute(driver.sql.published(), (driver.sql.array(positions),))

    async def backlog(self) -> int:
        async with self.db.read() as conn:
            return int(await conn.scalar(select(func.count()).select_from(outbox)) or 0)

    async def republish_from(self, position: int) -> Republished:
        """Mark every event from `position` on for publication again (repairs a
        JetStream that lost acknowledged messages): how many were marked, how
        many of that range still waited in the outbox, and the last position,
        read in the one transaction (the relay, woken or polling, may publish
        them all before a later read could count them)."""
        async with self.db.write() as conn:
            until = int(await conn.scalar(select(func.max(events.c.position))) or 0)
            waiting = int(await conn.scalar(select(func.count()).select_from(outbox)
                                            .where(outbox.c.position >= position)) or 0)
            already = select(outbox.c.position)
            private = list(registry.private_types(self.context))
            q = select(events.c.position).where(events.c.position >= position,
                                                events.c.position.not_in(already),
                                                events.c.event_type.not_in(private))
            res = await conn.execute(insert(outbox).from_select(["position"], q))
            return Republished(int(res.rowcount or 0), waiting, until)

