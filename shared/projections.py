"""Projections (read models) and the runner that feeds them exactly once.

A projection declares its tables and, with @on(EventType), the events it
reads. The runner applies events to it so that each event takes effect once:
the projection's rows and its tracking record (last version applied per
source stream) are written in one transaction, so a redelivered or replayed
event (also one older than JetStream's de-duplication window) is recognised
and skipped. Events of one stream are applied in stream order: an event that
arrives ahead of its predecessor waits (negative ack with delay); an event
whose handler keeps failing is parked, with the ones behind it in its stream,
and the rest flow on.

Rows must depend only on each stream's own order (key them by natural keys),
so that a rebuild from the log, which interleaves streams differently from
live delivery, gives the same tables."""

from __future__ import annotations

import asyncio
import hashlib
import traceback
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import orjson
from opentelemetry.trace import SpanKind
from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared import telemetry
from shared.contracts.envelope import Envelope, utcnow
from shared.contracts.registry import DomainEvent
from shared.logging import enter_event, get_logger, leave
from shared.store.database import Database
from shared.store.schema import parked, tracking
from shared.store.sql import is_connectivity_error, upsert

log = get_logger("projection")

Handler = Callable[[Any, AsyncConnection, Envelope, Any], Awaitable[None]]


def on(*event_types: type[DomainEvent]) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event types."""

    def mark(fn: Handler) -> Handler:
        fn._wecare_handles = [(t.context, t.event_type) for t in event_types]  # type: ignore[attr-defined]
        return fn

    return mark


class Projection:
    name: ClassVar[str]
    tables: ClassVar[Sequence[Table]] = ()
    _handlers: ClassVar[dict[tuple[str, str], str]]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls._handlers = {}
        for base in reversed(cls.__mro__):
            for attr, fn in vars(base).items():
                for key in getattr(fn, "_wecare_handles", ()):
                    cls._handlers[key] = attr

    @classmethod
    def sources(cls) -> dict[str, set[str]]:
        """context -> the event types this projection reads from it."""
        out: dict[str, set[str]] = {}
        for ctx, et in cls._handlers:
            out.setdefault(ctx, set()).add(et)
        return out

    def bind(self, service: Any) -> None:
        """Called once by the service that runs this projection (a projection
        that reacts by appending events keeps the service's event store)."""

    def handles(self, env: Envelope) -> bool:
        return (env.context, env.event_type) in self._handlers

    async def apply(self, conn: AsyncConnection, env: Envelope) -> None:
        attr = self._handlers.get((env.context, env.event_type))
        if attr is not None:
            await getattr(self, attr)(conn, env, env.event())


def json_text(v: object) -> str:
    """JSON for a read model's text column: sorted keys, so that a rebuild
    writes the same bytes as live delivery did."""
    return orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode()


class Message(Protocol):
    """What the runner needs of a JetStream message (nats.aio.msg.Msg)."""

    subject: str
    data: bytes

    @property
    def metadata(self) -> Any: ...
    async def ack(self) -> None: ...
    async def nak(self, delay: float | None = None) -> None: ...


@dataclass
class ParkedMessage:
    id: int
    projection: str
    event_id: str
    stream_id: str
    stream_version: int
    subject: str
    reason: str
    error: str
    attempts: int
    parked_at: str


class ProjectionRunner:
    def __init__(self, projection: Projection, db: Database, *, max_attempts: int = 5,
                 backoff_s: Sequence[float] = (0.5, 1.0, 2.0, 5.0, 10.0), gap_timeout_s: float = 120.0,
                 in_flight: int = 2,
                 on_parked: Callable[[ParkedMessage, bytes], Awaitable[None]] | None = None) -> None:
        self.projection = projection
        self.name = projection.name
        self.db = db
        self.max_attempts = max_attempts
        # A gap is not this message's fault: wait longer for the missing predecessor before
        # parking, in attempts and in time. With replicas sharing a consumer, one stream's events
        # are spread over their in-flight batches and are put back many times while the other
        # replica applies the ones before them.
        self.gap_max_attempts = max_attempts * 4
        self.gap_timeout_s = gap_timeout_s
        self.backoff_s = tuple(backoff_s)
        self.on_parked = on_parked
        self.lock = asyncio.Lock()  # a rebuild and live delivery never interleave; batches apply in turn
        # batches submitted and not yet done, oldest first; a consumer needs
        # max_ack_pending >= in_flight x its batch size
        self.in_flight = in_flight
        self._inflight: list[asyncio.Future[None]] = []
        self._waiting: list[tuple[Sequence[Message], asyncio.Future[None]]] = []  # batches for the next turn
        self.applied = 0
        self.redelivered = 0  # messages JetStream delivered again (num_delivered > 1): /metrics
        self.service = ""  # the service running it (a span's attribute)
        # called after a batch that applied something committed (e.g. wake the outbox
        # relay when a projection reacts by appending events)
        self.after_commit: list[Callable[[], None]] = []

    # -- live delivery -----------------------------------------------------

    async def submit(self, msgs: Sequence[Message], *, heartbeat_s: float | None = None) -> None:
        """Hand a fetched batch over and return once fewer than `in_flight`
        batches are still at work: the consumer fetches the next batch while
        the ones before it are applied and committed (in the order submitted,
        each acked after its own commit). `drain()` waits for all of them."""
        task = asyncio.ensure_future(self.handle_batch(msgs, heartbeat_s=heartbeat_s))
        self._inflight.append(task)
        task.add_done_callback(self._inflight.remove)
        task.add_done_callback(self._log_crash)
        while len(self._inflight) >= self.in_flight:
            await asyncio.wait([self._inflight[0]])

    def _log_crash(self, task: asyncio.Future[None]) -> None:
        """A batch whose handling raised past the runner's own handling (a bug):
        its messages were not acked, so JetStream delivers them again after
        ack_wait; the consumer goes on. Said once, here, not as an
        unretrieved task exception at garbage collection."""
        if not task.cancelled() and task.exception() is not None:
            log.error("projection.batch_crashed", loop=f"projection:{self.name}", projection=self.name,
                      error=str(task.exception()) or type(task.exception()).__name__, exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for every submitted batch to be committed and acked."""
        while self._inflight:
            await asyncio.wait(list(self._inflight))

    async def handle_batch(self, msgs: Sequence[Message], *, heartbeat_s: float | None = None) -> None:
        """Apply a fetched batch (with any others waiting for their turn, in one
        transaction). While it runs, `in_progress` is sent every
        `heartbeat_s` so that a short ack_wait (which lets consumers resume
        quickly after a server crash) never redelivers a batch still at work."""
        beat = asyncio.create_task(self._heartbeat(msgs, heartbeat_s)) if heartbeat_s else None
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((msgs, done))
        try:
            async with self.lock:
                if not done.done():
                    # batches that came while the one before committed go in the same transaction
                    taken, self._waiting = self._waiting, []
                    try:
                        await self._handle_batch([m for batch, _ in taken for m in batch])
                    finally:
                        for _, f in taken:
                            if not f.done():
                                f.set_result(None)
        finally:
            if beat:
                beat.cancel()

    async def _heartbeat(self, msgs: Sequence[Message], every: float) -> None:
        while True:
            await asyncio.sleep(every)
            for m in msgs:
                in_progress = getattr(m, "in_progress", None)
                if in_progress is not None:
                    await _quiet(in_progress())

    async def _handle_batch(self, msgs: Sequence[Message]) -> None:
        items: list[tuple[Message, Envelope | None, str | None]] = []
        self.redelivered += sum(1 for m in msgs if _delivered_again(m))
        for m in msgs:
            try:
                items.append((m, Envelope.from_wire(m.data), None))
            except Exception as e:  # noqa: BLE001 - undecodable: no retry will help
                items.append((m, None, f"undecodable message: {e}"))
        items = _in_stream_order(items)
        # First the whole batch in one transaction with no savepoints; only if a
        # handler fails, once more with a savepoint around each event, so the
        # failing one can be retried or parked while the rest commit.
        for careful in (False, True):
            out = _Outcome()
            try:
                streams = list({env.stream_id for _, env, _ in items if env is not None})
                async with self.db.batch(*self._tracked_query(streams)) as tx:
                    tx.last = self._track_statement(await self._apply_batch(
                        tx.conn, items, out, careful, *self._tracked_rows(tx.rows)))
                break
            except _TryCarefully:
                continue
            except Exception as e:  # database unreachable or restarting: nothing committed, try again later
                log.warning("projection.batch_failed", projection=self.name, error=str(e) or type(e).__name__,
                            messages=len(msgs))
                for m in msgs:
                    await _quiet(m.nak(delay=self._delay(_attempts(m))))
                return
        self.applied += out.applied
        if out.applied:
            for hook in self.after_commit:
                hook()
        for m in out.acks:
            try:
                await m.ack()
            except Exception as e:  # noqa: BLE001 - a lost ack is a redelivery, which tracking makes harmless
                log.debug("projection.ack_failed", error=str(e))
        for m, delay in out.naks:
            await _quiet(m.nak(delay=delay))
        if self.on_parked:
            for p, data in out.parked:
                await _quiet(self.on_parked(p, data))

    async def _apply_batch(self, conn: AsyncConnection, items: list, out: _Outcome, careful: bool,
                           versions: dict[str, int], blocked: set[str]) -> Iterable[Envelope]:
        """Apply what is due, and return the last event applied of each stream."""
        held: set[str] = set()  # streams with an earlier event of this batch not applied
        done: dict[str, Envelope] = {}
        for m, env, bad in items:
            if env is None:
                out.parked.append(await self._park(conn, m, None, "undecodable", bad or "", _attempts(m)))
                out.acks.append(m)
                continue
            last = versions.get(env.stream_id, 0)
            if env.stream_version <= last:
                out.acks.append(m)  # already applied: a redelivery or replay
                continue
            if env.stream_id in blocked:
                out.parked.append(await self._park(
                    conn, m, env, "blocked", "an earlier event of this stream is parked", _attempts(m)))
                out.acks.append(m)
                continue
            if env.stream_id in held or env.predecessor > last:
                reason = f"waiting for version {env.predecessor} of {env.stream_id}"
                if (_attempts(m) >= self.gap_max_attempts and _age_s(m) >= self.gap_timeout_s
                        and env.stream_id not in held):
                    out.parked.append(await self._park(conn, m, env, "gap", reason, _attempts(m)))
                    blocked.add(env.stream_id)
                    out.acks.append(m)
                else:
                    held.add(env.stream_id)
                    out.naks.append((m, self._delay(_attempts(m))))
                continue
            try:
                if careful:
                    async with conn.begin_nested():
                        await self._apply_event(conn, env, m)
                else:
                    await self._apply_event(conn, env, m)
            except Exception as e:
                if is_connectivity_error(e):
                    raise
                if not careful:
                    raise _TryCarefully from e
                err = "".join(traceback.format_exception_only(e)).strip()
                n = _attempts(m)
                if n >= self.max_attempts:
                    out.parked.append(await self._park(conn, m, env, "error", err, n))
                    blocked.add(env.stream_id)
                    out.acks.append(m)
                else:
                    log.warning("projection.retry", projection=self.name, tenant=env.country,
                                event_id=str(env.event_id), stream_id=env.stream_id, error=err, attempt=n)
                    held.add(env.stream_id)
                    out.naks.append((m, self._delay(n)))
                continue
            versions[env.stream_id] = env.stream_version
            done[env.stream_id] = env
            out.acks.append(m)
            out.applied += 1
        return done.values()

    def _delay(self, attempts: int) -> float:
        return self.backoff_s[min(max(attempts, 1), len(self.backoff_s)) - 1]

    async def _apply_event(self, conn: AsyncConnection, env: Envelope, m: Message | None = None) -> None:
        token = enter_event(env.correlation_id, env.event_id, env.country)
        try:
            if telemetry.tracer is None:
                await self.projection.apply(conn, env)
                return
            # a CONSUMER span, child of the relay's publish span (the message's traceparent)
            with telemetry.span(f"apply {self.name}", kind=SpanKind.CONSUMER,
                                parent=telemetry.context_from(getattr(m, "headers", None)),
                                attributes={"wecare.service": self.service, "wecare.projection": self.name,
                                            "messaging.destination.name": getattr(m, "subject", env.subject),
                                            "wecare.event_id": str(env.event_id)}):
                await self.projection.apply(conn, env)
        finally:
            leave(token)

    async def _track(self, conn: AsyncConnection, last: Iterable[Envelope]) -> None:
        statement = self._track_statement(last)
        if statement is not None:
            await (await self.db.driver(conn)).execute(*statement)

    def _track_statement(self, last: Iterable[Envelope]) -> tuple[str, tuple] | None:
        """One tracking upsert for the last event applied of each stream (None: nothing applied)."""
        rows = [(e.stream_id, e.stream_version, e.event_id) for e in last]
        return (self.db.sql.track(), self.db.sql.track_args(self.name, rows)) if rows else None

    async def _tracked(self, conn: AsyncConnection, streams: Iterable[str]) -> tuple[dict[str, int], set[str]]:
        streams = list(streams)
        if not streams:
            return {}, set()
        return self._tracked_rows(await (await self.db.driver(conn)).fetch(*self._tracked_query(streams)))

    def _tracked_query(self, streams: list[str]) -> tuple[str, tuple]:
        """The last version applied of each stream, and whether it has parked messages."""
        return self.db.sql.tracked(), (self.name, self.db.sql.array(streams))

    @staticmethod
    def _tracked_rows(rows: list[tuple]) -> tuple[dict[str, int], set[str]]:
        return {s: v for s, v, is_parked in rows if not is_parked}, {s for s, _, is_parked in rows if is_parked}

    async def _park(self, conn: AsyncConnection, m: Message, env: Envelope | None, reason: str, error: str,
                    attempts: int) -> tuple[ParkedMessage, bytes]:
        import uuid

        event_id = env.event_id if env else uuid.uuid5(uuid.NAMESPACE_OID, hashlib.sha256(m.data).hexdigest())
        row = {
            "projection": self.name, "event_id": event_id, "stream_id": env.stream_id if env else "?",
            "stream_version": env.stream_version if env else 0, "subject": m.subject,
            "data": m.data.decode("utf-8", "replace"), "reason": reason, "error": error[:4000],
            "attempts": attempts, "parked_at": utcnow(),
        }
        await upsert(conn, parked, row, keys=["projection", "event_id"])
        # one line per parked record, naming its tenant (the country) and the record
        parts = m.subject.split(".")
        log.error("projection.parked", loop=f"projection:{self.name}", projection=self.name,
                  tenant=env.country if env else (parts[1] if len(parts) > 2 else "?"), event_id=str(event_id),
                  stream_id=row["stream_id"], stream_version=row["stream_version"], subject=m.subject,
                  reason=reason, error=error[:1000], attempts=attempts)
        p = ParkedMessage(id=0, projection=self.name, event_id=str(event_id), stream_id=row["stream_id"],
                          stream_version=row["stream_version"], subject=m.subject, reason=reason, error=error,
                          attempts=attempts, parked_at=row["parked_at"].isoformat())
        return p, m.data

    # -- replay and rebuild ------------------------------------------------

    async def apply_envelopes(self, conn: AsyncConnection, envs: Iterable[Envelope]) -> int:
        """Apply in order, skipping what is already applied (rebuild, re-drive)."""
        envs = list(envs)
        versions, _ = await self._tracked(conn, {e.stream_id for e in envs})
        n = 0
        done: dict[str, Envelope] = {}
        for env in envs:
            if env.stream_version <= versions.get(env.stream_id, 0):
                continue
            await self._apply_event(conn, env)
            versions[env.stream_id] = env.stream_version
            done[env.stream_id] = env
            n += 1
        await self._track(conn, done.values())
        return n

    async def reset(self, conn: AsyncConnection) -> None:
        for t in reversed(list(self.projection.tables)):
            await conn.execute(delete(t))
        await conn.execute(delete(tracking).where(tracking.c.projection == self.name))
        await conn.execute(delete(parked).where(parked.c.projection == self.name))

    async def rebuild(self, source: AsyncIterable[Envelope], *, chunk: int = 500,
                      progress: Callable[[int], None] | None = None) -> int:
        """Drop the read model and apply the whole log again. `progress` is
        told how many events of the log were read so far (those this
        projection skips too): every `chunk` of them, and at the end once
        all are applied."""
        async with self.lock:
            async with self.db.write() as conn:
                await self.reset(conn)
            total = 0
            read = 0
            buf: list[Envelope] = []
            async for env in source:
                read += 1
                if self.projection.handles(env):
                    buf.append(env)
                if len(buf) >= chunk:
                    async with self.db.write() as conn:
                        total += await self.apply_envelopes(conn, buf)
                    buf.clear()
                if progress is not None and read % chunk == 0:
                    progress(read)
            if buf:
                async with self.db.write() as conn:
                    total += await self.apply_envelopes(conn, buf)
            if progress is not None:
                progress(read)
            return total

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in primary-key order (to compare builds)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        async with self.db.read() as conn:
            for t in self.projection.tables:
                order = list(t.primary_key.columns) or list(t.columns)
                out[str(t.name)] = [tuple(r) for r in await conn.execute(select(t).order_by(*order))]
        return out

    async def fingerprint(self) -> str:
        snap = await self.snapshot()
        return hashlib.sha256(orjson.dumps(snap, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()

    # -- parked messages ---------------------------------------------------

    async def parked(self) -> list[ParkedMessage]:
        async with self.db.read() as conn:
            rows = await conn.execute(select(parked).where(parked.c.projection == self.name)
                                      .order_by(parked.c.stream_id, parked.c.stream_version))
            return [ParkedMessage(id=r.id, projection=r.projection, event_id=str(r.event_id),
                                  stream_id=r.stream_id, stream_version=r.stream_version, subject=r.subject,
                                  reason=r.reason, error=r.error, attempts=r.attempts,
                                  parked_at=r.parked_at.isoformat()) for r in rows]

    async def redrive(self) -> dict[str, int]:
        """Apply parked messages again, stream by stream in version order; what
        still fails stays parked with its new error, and so does the rest of
        its stream."""
        result = {"applied": 0, "skipped": 0, "still_parked": 0}
        async with self.lock:
            async with self.db.read() as conn:
                rows = (await conn.execute(select(parked).where(parked.c.projection == self.name)
                                           .order_by(parked.c.stream_id, parked.c.stream_version))).all()
            failed_streams: set[str] = set()
            for r in rows:
                if r.stream_id in failed_streams:
                    result["still_parked"] += 1
                    continue
                try:
                    env = Envelope.from_wire(r.data.encode())
                    async with self.db.write() as conn:
                        last = (await self._tracked(conn, [env.stream_id]))[0].get(env.stream_id, 0)
                        if env.predecessor > last:
                            raise RuntimeError(f"waiting for version {env.predecessor} of {env.stream_id}")
                        n = await self.apply_envelopes(conn, [env])
                        await conn.execute(delete(parked).where(parked.c.id == r.id))
                    result["applied" if n else "skipped"] += 1
                except Exception as e:  # noqa: BLE001
                    failed_streams.add(r.stream_id)
                    result["still_parked"] += 1
                    err = "".join(traceback.format_exception_only(e)).strip()
                    async with self.db.write() as conn:
                        await conn.execute(update(parked).where(parked.c.id == r.id).values(
                            error=err[:4000], attempts=r.attempts + 1))
        log.info("projection.redrive", projection=self.name, **result)
        return result


class _TryCarefully(Exception):  # noqa: N818 - control flow, not an error
    """A handler failed in a batch run without savepoints: run it again with them."""


@dataclass
class _Outcome:
    acks: list = field(default_factory=list)
    naks: list = field(default_factory=list)
    parked: list = field(default_factory=list)
    applied: int = 0


def _in_stream_order(items: list) -> list:  # noqa: ANN001
    """Put each stream's events of a batch in version order, in the slots its
    events arrived in: the order across streams (which projections joining
    streams rely on) stays as delivered."""
    last: dict[str, int] = {}
    for _, env, _ in items:  # the usual case: already in order
        if env is not None:
            if last.get(env.stream_id, -1) >= env.stream_version:
                break
            last[env.stream_id] = env.stream_version
    else:
        return items
    slots: dict[str, list[int]] = {}
    for i, (_, env, _) in enumerate(items):
        if env is not None:
            slots.setdefault(env.stream_id, []).append(i)
    out = list(items)
    for idxs in slots.values():
        ordered = sorted((items[i] for i in idxs), key=lambda it: it[1].stream_version)
        for i, it in zip(idxs, ordered, strict=True):
            out[i] = it
    return out


def _age_s(m: Message) -> float:
    """Seconds since JetStream stored the message (infinite if it is not a JetStream message)."""
    try:
        return (utcnow() - m.metadata.timestamp).total_seconds()
    except Exception:  # noqa: BLE001
        return float("inf")


def _delivered_again(m: Message) -> bool:
    """Whether JetStream delivered this message before (its reply subject's
    delivery count, read without building nats-py's Metadata: a tenth of
    the cost, on every consumed message): $JS.ACK.<stream>.<consumer>.<n>...
    (9 tokens) or $JS.ACK.<domain>.<account>.<stream>.<consumer>.<n>... (11+)."""
    reply = getattr(m, "reply", None)
    if not isinstance(reply, str) or not reply.startswith("$JS.ACK."):
        return False
    tokens = reply.split(".", 7)
    n = reply.count(".") + 1
    return (tokens[4] if n == 9 else tokens[6] if n >= 11 else "1") != "1"


def _attempts(m: Message) -> int:
    try:
        return int(m.metadata.num_delivered)
    except Exception:  # noqa: BLE001 - not a JetStream message (tests, replays)
        return 1


async def _quiet(aw: Awaitable[Any]) -> None:
    """Ack/nak are best effort: a lost ack means a redelivery, which the
    tracking records make harmless."""
    try:
        await aw
    except Exception as e:  # noqa: BLE001
        log.debug("projection.ack_failed", error=str(e))
