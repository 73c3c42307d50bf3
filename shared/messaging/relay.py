"""The outbox relay: publishes stored events to JetStream in position order,
with Nats-Msg-Id = event id, and removes an outbox marker only after the
server's PubAck. It survives NATS outages: whatever was not acknowledged is
published again when NATS is back (JetStream drops the duplicates inside its
window; consumers recognise the rest by their tracking records). An event
the client refuses to publish whatever the connection (larger than the
server's max_payload, a subject it cannot send) is parked with its reason and
taken out of the outbox, so that it never holds up every country's events
behind it. Those checks are made here, before `publish_async`: nats-py takes
one of its pending slots (4,000) and registers an acknowledgement future
before its client refuses a message, and never gives them back, so a few
thousand refused events would have blocked the relay for good, silently.
Should the client still raise after taking a slot (the connection closing,
say), the future it left behind is cancelled, which gives the slot back.
The relay runs under the service's supervisor."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from nats.errors import BadSubjectError, MaxPayloadError
from nats.js import JetStreamContext
from nats.js.errors import TooManyStalledMsgsError
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context
from sqlalchemy import select

from shared import telemetry
from shared.contracts.envelope import Envelope, utcnow
from shared.contracts.headers import MSG_ID
from shared.logging import get_logger
from shared.store.eventstore import EventStore, Outgoing
from shared.store.schema import parked
from shared.store.sql import upsert

log = get_logger("relay")

LOOP = "outbox-relay"  # its name under the supervisor, and the `projection` of the records it parks
# what the client refuses for one message, whatever the connection: that record's fault, not NATS's
RECORD_FAULTS = (MaxPayloadError, BadSubjectError, TypeError, ValueError)
_BAD_SUBJECT = re.compile(r"[ \t\r\n]")  # what nats-py refuses in a subject it publishes to
_HEADER_OVERHEAD = len(b"NATS/1.0\r\n\r\n")


def _publish_span(o: Outgoing, traceparent: str | None) -> Any:
    """A PRODUCER span for this event's publish, child of the span that
    appended it (its stored traceparent), its context put into the message's
    headers for the consumers; None if the event was appended untraced."""
    if traceparent is None or telemetry.tracer is None:
        return None
    span = telemetry.tracer.start_span(f"publish {o.subject}", context=telemetry.context_from(
        {telemetry.TRACEPARENT: traceparent}), kind=SpanKind.PRODUCER, attributes={
        "messaging.system": "nats", "messaging.destination.name": o.subject,
        "messaging.message.id": o.headers.get(MSG_ID, ""), "wecare.position": o.position})
    telemetry.PROPAGATOR.inject(o.headers, context=set_span_in_context(span))
    return span


def _end_span(span: Any, ack: asyncio.Future[Any]) -> None:
    """The publish span ends with JetStream's PubAck (or its failure)."""
    if ack.cancelled() or ack.exception() is not None:
        span.set_status(Status(StatusCode.ERROR, "not acknowledged" if ack.cancelled() else str(ack.exception())))
    span.end()


def refusal(o: Outgoing, max_payload: int) -> str | None:
    """Why the client or the server would refuse this record whatever the
    connection, or None: a subject nats-py refuses, or data and headers
    together larger than the server's max_payload (nats-py checks the data
    alone; the server counts the headers too, and closes the connection)."""
    if not o.subject or _BAD_SUBJECT.search(o.subject):
        return f"BadSubjectError: nats: invalid subject {o.subject[:100]!r}"
    size = len(o.data) + _HEADER_OVERHEAD + sum(len(f"{k}: {v}\r\n".encode()) for k, v in (o.headers or {}).items())
    if max_payload and size > max_payload:
        return f"MaxPayloadError: {size} bytes with headers > the server's max_payload {max_payload}"
    return None


class OutboxRelay:
    def __init__(self, store: EventStore, js: Callable[[], JetStreamContext], *, batch: int = 500,
                 poll_s: float = 0.5, ack_timeout_s: float = 5.0) -> None:
        self.store = store
        self._js = js
        self.batch = batch
        self.poll_s = poll_s
        self.ack_timeout_s = ack_timeout_s
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="outbox-relay")

    def request_stop(self) -> None:
        """Ask `run()` to return after the batch in flight (the supervisor waits for it)."""
        self._stopping = True
        self._wake.set()

    async def stop(self) -> None:
        """Finish the batch in flight, then stop."""
        self.request_stop()
        if self._task:
            await self._task

    async def run(self) -> None:
        failures = 0
        if telemetry.tracer is not None:  # trace contexts a run before left behind (their events went out)
            try:
                await self.store.forget_traces()
            except Exception as e:  # noqa: BLE001 - only rows to tidy: never a reason not to publish
                log.warning("relay.forget_traces_failed", error=str(e) or type(e).__name__)
        while not self._stopping:
            try:
                sent = await self.publish_pending()
                failures = 0
            except Exception as e:  # NATS down, timeouts, database reconnects: try again
                failures += 1
                log.warning("relay.retry", error=str(e) or type(e).__name__, attempt=failures)
                await self._sleep(min(0.2 * 2**failures, 5.0))
                continue
            if sent == 0:
                await self._sleep(self.poll_s)

    async def _sleep(self, seconds: float) -> None:
        try:  # asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancel that arrives with a wake
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish everything pending now, in position order, a batch at a
        time: a batch is published pipelined, and while its PubAcks come back
        the next batch is read from the store and the previous one's markers
        are removed. A marker is removed only after its PubAck. Returns how
        many were acknowledged."""
        total = 0
        batch = await self.store.outgoing(0, self.batch)
        marking: asyncio.Future[None] | None = None
        try:
            while batch:
                js = self._js()
                max_payload = getattr(getattr(js, "_nc", None), "max_payload", 0)
                refused: list[tuple[Outgoing, str]] = []
                futures = []
                traces = await self.store.traces([o.position for o in batch]) if telemetry.tracer else {}
                for o in batch:
                    span = _publish_span(o, traces.get(o.position)) if traces else None
                    why = refusal(o, max_payload if isinstance(max_payload, int) else 0)
                    if why is None:
                        try:
                            futures.append(await self._publish(js, o))
                            if span is not None:
                                futures[-1].add_done_callback(lambda f, sp=span: _end_span(sp, f))
                            continue
                        except RECORD_FAULTS as e:
                            why = f"{type(e).__name__}: {str(e)[:500]}"
                    if span is not None:
                        span.set_status(Status(StatusCode.ERROR, why))
                        span.end()
                    refused.append((o, why))  # park it: it would hold every tenant's events up for ever
                if refused:
                    await self._park(refused)
                    bad = {o.position for o, _ in refused}
                    batch = [o for o in batch if o.position not in bad]
                    if not batch:
                        batch = await self.store.outgoing(refused[-1][0].position, self.batch)
                        continue
                following = (asyncio.ensure_future(self.store.outgoing(batch[-1].position, self.batch))
                             if len(batch) + len(refused) == self.batch and batch else None)
                await asyncio.wait(futures, timeout=self.ack_timeout_s)
                done: list[int] = []
                error: BaseException | None = None
                for o, fut in zip(batch, futures, strict=True):
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        done.append(o.position)
                    else:  # keep the acknowledged ones, publish the rest again next round
                        if not fut.done():
                            fut.cancel()
                        error = error or (fut.exception() if fut.done() and not fut.cancelled() else TimeoutError())
                if marking is not None:
                    await marking
                marking = asyncio.ensure_future(self._mark_published(done, bool(traces)))
                total += len(done)
                self.published += len(done)
                if error is not None:
                    if following is not None:
                        following.cancel()
                    raise RuntimeError(f"{len(batch) - len(done)} of {len(batch)} publishes not acknowledged: "
                                       f"{str(error) or type(error).__name__}")
                batch = await following if following is not None else []
        finally:
            if marking is not None:
                await marking
        return total

    async def _mark_published(self, positions: list[int], traced: bool) -> None:
        await self.store.mark_published(positions)
        if traced:
            await self.store.forget_traces(positions)

    @staticmethod
    async def _publish(js: JetStreamContext, o: Outgoing) -> asyncio.Future[Any]:
        """`publish_async`, giving back the pending slot nats-py took if its
        client raises afterwards (it registers the PubAck future, then
        publishes, and leaves the future unresolved when that raises)."""
        pending = getattr(js, "_publish_async_futures", None)
        last = next(reversed(pending), None) if isinstance(pending, dict) else None
        try:
            return await js.publish_async(o.subject, o.data, headers=o.headers)
        except TooManyStalledMsgsError:
            raise  # raised before a slot was taken
        except BaseException:
            now = getattr(js, "_publish_async_futures", None)  # a new dict on the context's first publish
            if isinstance(now, dict) and now:
                token = next(reversed(now))  # the future registered last: this publish's
                if (now is not pending or token != last) and not now[token].done():
                    now[token].cancel()  # its done-callback releases the slot
            raise

    async def _park(self, refused: list[tuple[Outgoing, str]]) -> None:
        """Park events the client refuses to publish (a dead-letter row with the
        reason, listed at /ops/parked, counted in /metrics, one log line naming
        the country and the event), and take them out of the outbox. An
        operator who has fixed the cause (e.g. raised max_payload) publishes
        them again with /ops/relay/republish?from_position=<position>."""
        async with self.store.db.write() as conn:
            for o, why in refused:
                error = f"position {o.position}: {why}"
                try:
                    env = Envelope.from_wire(o.data)
                    event_id, stream_id, version, country = env.event_id, env.stream_id, env.stream_version, \
                        env.country
                except Exception:  # noqa: BLE001 - not even readable: park it under an id made of its bytes
                    event_id = uuid.uuid5(uuid.NAMESPACE_OID, hashlib.sha256(o.data).hexdigest())
                    stream_id, version = "?", 0
                    parts = o.subject.split(".")
                    country = parts[1] if len(parts) > 2 else "?"
                await upsert(conn, parked, {
                    "projection": LOOP, "event_id": event_id, "stream_id": stream_id, "stream_version": version,
                    "subject": o.subject[:300], "data": o.data[:100_000].decode("utf-8", "replace"),
                    "reason": "unpublishable", "error": error, "attempts": 1, "parked_at": utcnow()},
                    keys=["projection", "event_id"])
                log.error("relay.parked", loop=LOOP, tenant=country, event_id=str(event_id), stream_id=stream_id,
                          stream_version=version, position=o.position, subject=o.subject, reason="unpublishable",
                          error=error)
        await self.store.mark_published([o.position for o, _ in refused])

    async def parked(self) -> list[dict[str, Any]]:
        """The events this relay parked, as /ops/parked lists a projection's."""
        async with self.store.db.read() as conn:
            rows = await conn.execute(select(parked).where(parked.c.projection == LOOP).order_by(parked.c.id))
            return [{"id": r.id, "projection": r.projection, "event_id": str(r.event_id), "stream_id": r.stream_id,
                     "stream_version": r.stream_version, "subject": r.subject, "reason": r.reason, "error": r.error,
                     "attempts": r.attempts, "parked_at": r.parked_at.isoformat()} for r in rows]
