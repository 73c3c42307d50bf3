"""The kernel's hot paths, which skip models and SQLAlchemy's execution
layer for speed, must say exactly what the slow paths said: the relay's
bytes are pydantic's JSON of the envelope, and a batch handed to a consumer
is applied in order and acked only after its commit."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import nats
import orjson
from sqlalchemy import select

from shared.contracts.envelope import Envelope
from shared.contracts.headers import CAUSATION, CORRELATION, MSG_ID
from shared.messaging.jetstream import provision_streams, stream_name
from shared.messaging.relay import OutboxRelay
from shared.projections import ProjectionRunner
from shared.settings import Settings
from shared.store.database import Database
from shared.store.eventstore import EventStore
from shared.store.schema import tracking
from tests.kernel.helpers import completed, noted, scheduled
from wecare.sample import CONTEXT, VisitBoard, VisitConfidentialNote, metadata


async def test_the_relay_sends_pydantics_json_of_each_stored_envelope(database: Database) -> None:
    store = EventStore(database, CONTEXT)
    secret = Envelope.wrap(VisitConfidentialNote(note="names"), stream_id="visit-a", stream_version=3,
                           country="bd", actor="t", correlation_id="c")
    await store.append("visit-a", 0, [scheduled("visit-a"), noted("visit-a", 2, note="crèche — 托儿所 \"ok\"\n"),
                                      secret, completed("visit-a", 4)])
    caused = Envelope.wrap(scheduled("visit-b").event(), stream_id="visit-b", stream_version=1, country="vn",
                           actor="planner@bd", correlation_id="corr-1", causation_id="cause-1")
    await store.append("visit-b", 0, [caused])
    out = await store.outgoing(0, 100)
    stored = [e async for e in store.read_all() if e.event_type != "VisitConfidentialNote"]
    assert [o.position for o in out] == [e.position for e in stored]
    for o, env in zip(out, stored, strict=True):
        assert o.data == orjson.dumps(env.model_dump(mode="json"))  # pydantic's own JSON, byte for byte
        assert o.data == env.to_wire()
        assert o.subject == env.subject
        expected = {MSG_ID: str(env.event_id), CORRELATION: env.correlation_id}
        if env.causation_id:
            expected[CAUSATION] = env.causation_id
        assert o.headers == expected
        assert Envelope.from_wire(o.data) == env
    assert out[-1].headers[CAUSATION] == "cause-1"
    assert [o.position for o in await store.outgoing(out[1].position, 2)] == [out[2].position, out[3].position]


async def test_the_relay_publishes_in_position_order_across_pipelined_batches(nats_server, tmp_path) -> None:
    """Batches of 7: each is read while the one before it is being acknowledged."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/store.db")
    await db.create_all(metadata)
    store = EventStore(db, CONTEXT)
    for i in range(30):
        await store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}"), noted(f"visit-{i}", 2)])
    nc = await nats.connect(nats_server.url)
    try:
        js = nc.jetstream()
        await provision_streams(js, Settings(service="sample", nats_url=nats_server.url), [CONTEXT])
        relay = OutboxRelay(store, lambda: js, batch=7)
        assert await relay.publish_pending() == 60
        assert await store.backlog() == 0
        sub = await js.pull_subscribe(f"wecare.*.{CONTEXT}.>", durable="check", stream=stream_name(CONTEXT))
        msgs = await sub.fetch(60, timeout=5)
        positions = [Envelope.from_wire(m.data).position for m in msgs]
        assert positions == sorted(positions) and len(set(positions)) == 60
        assert await relay.publish_pending() == 0  # nothing left, nothing sent twice
    finally:
        await nc.close()
        await db.dispose()


class _Msg:
    """A JetStream message whose ack checks, from another connection, that
    its event's effect is committed."""

    def __init__(self, env: Envelope, db: Database, log: list) -> None:
        self.env, self.db, self.log = env, db, log
        self.subject, self.data = env.subject, env.to_wire()
        self.metadata = SimpleNamespace(num_delivered=1, timestamp=None)

    async def ack(self) -> None:
        async with self.db.read() as conn:
            v = await conn.scalar(select(tracking.c.stream_version).where(
                tracking.c.projection == "visit_board", tracking.c.stream_id == self.env.stream_id))
        self.log.append((self.env.stream_id, self.env.stream_version, v))

    async def nak(self, delay: float | None = None) -> None:
        self.log.append((self.env.stream_id, self.env.stream_version, "nak"))


async def test_submitted_batches_apply_in_order_and_are_acked_after_their_commit(database: Database) -> None:
    await database.create_all(metadata)
    runner = ProjectionRunner(VisitBoard(), database)
    log: list = []
    first = [_Msg(scheduled(f"visit-{i}"), database, log) for i in range(20)]
    second = [_Msg(completed(f"visit-{i}", 2), database, log) for i in range(20)]
    third = [_Msg(noted(f"visit-{i}", 3), database, log) for i in range(20)]
    await runner.submit(first)  # returns at once: nothing before it
    await runner.submit(second)  # returns when `first` is done: `second` commits while the caller fetches
    assert len(log) >= 20
    await runner.submit(third)
    await runner.drain()
    assert runner.applied == 60
    # every ack saw its own event committed, and no event waited for a predecessor (no nak)
    assert all(v == version for _, version, v in log), log
    assert [version for _, version, _ in log] == [1] * 20 + [2] * 20 + [3] * 20
    # the same batches again (a redelivery): acked, applied nothing
    log.clear()
    await runner.submit(first + second + third)
    await runner.drain()
    assert runner.applied == 60 and len(log) == 60


async def test_draining_waits_for_a_batch_still_committing(database: Database) -> None:
    await database.create_all(metadata)
    runner = ProjectionRunner(VisitBoard(), database)
    log: list = []
    async with runner.lock:  # a rebuild holds the read model: the submitted batch waits
        await runner.submit([_Msg(scheduled("visit-late"), database, log)])
        drained = asyncio.create_task(runner.drain())
        await asyncio.sleep(0.05)
        assert not drained.done() and log == []
    await drained
    assert log == [("visit-late", 1, 1)]


async def test_one_cancel_stops_the_relay_even_when_a_wake_arrives_with_it(tmp_path) -> None:
    """Python 3.11's asyncio.wait_for returns when the wake-up completes in the
    step the cancel arrives, and the cancel is lost: the relay polled on."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/store.db")
    await db.create_all(metadata)
    relay = OutboxRelay(EventStore(db, CONTEXT), lambda: None, poll_s=30)  # nothing to send: it waits
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.3)
        relay.wake()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert done and task.cancelled(), "one cancel did not stop the relay"
    finally:
        relay.request_stop()
        await asyncio.wait({task}, timeout=5)
        await db.dispose()
