"""Projections fed through real JetStream: exactly once, in stream order,
poison messages parked, rebuilds equal to live."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from nats.js.api import StorageType
from sqlalchemy import select

from shared.contracts.envelope import Envelope
from shared.contracts.headers import MSG_ID
from shared.messaging.jetstream import provision_streams, stream_name
from shared.settings import Settings
from shared.store.schema import tracking
from tests.conftest import eventually
from tests.harness import no_lag
from tests.kernel.harness import running, schedule, settings_for
from tests.kernel.helpers import completed, noted, scheduled
from wecare.sample import CONTEXT, VisitBoard, VisitScheduled, per_country, visits


async def totals(svc, country: str) -> dict | None:  # noqa: ANN001
    async with svc.db.read() as conn:
        row = (await conn.execute(select(per_country).where(per_country.c.country == country))).first()
    return dict(row._mapping) if row else None


async def test_flow_redelivery_and_replay_apply_once(nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        for i in range(20):
            await schedule(c, "bd", f"v{i}")
            r = await c.post(f"/bd/visits/v{i}/complete", json={"participants": 5})
            assert r.status_code == 200
        await eventually(lambda: _completed(svc, "bd", 20))
        before = await svc.runners["visit_board"].fingerprint()

        # Redeliver every event with a fresh Nats-Msg-Id: JetStream stores them
        # again (as it would past its 2-minute window); the consumer must not.
        js = svc.js()
        async for env in svc.store.read_all():
            await js.publish(env.subject, env.to_wire(), headers={MSG_ID: uuid.uuid4().hex})
        # ...and the operator's re-publish from position 1 through the relay
        assert (await c.post("/ops/relay/republish", params={"from_position": 1})).json()["marked"] == 40
        await eventually(lambda: _lag_zero(c))
        assert await svc.runners["visit_board"].fingerprint() == before
        assert (await totals(svc, "bd"))["participants"] == 100


async def _completed(svc, country: str, n: int) -> bool:  # noqa: ANN001
    t = await totals(svc, country)
    return bool(t and t["completed"] == n)


_lag_zero = no_lag


async def test_out_of_order_delivery_is_applied_in_stream_order(nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        js = svc.js()
        stream = f"visit-ooo-{uuid.uuid4().hex[:6]}"
        e1, e2, e3 = scheduled(stream, country="vn"), noted(stream, 2, country="vn"), completed(stream, 3, "vn")
        for env in (e3, e2, e1):  # the wrong way round
            await js.publish(env.subject, env.to_wire(), headers={MSG_ID: str(env.event_id)})

        async def row():  # noqa: ANN202
            async with svc.db.read() as conn:
                return (await conn.execute(select(visits).where(visits.c.visit_id == stream))).first()

        r = await eventually(row)
        r = await eventually(lambda: _status(svc, stream, "completed"))
        assert r.notes == 1 and r.participants == 10


async def _status(svc, stream: str, status: str):  # noqa: ANN001, ANN202
    async with svc.db.read() as conn:
        r = (await conn.execute(select(visits).where(visits.c.visit_id == stream))).first()
    return r if r is not None and r.status == status else None


class FragileBoard(VisitBoard):
    """Fails on one factory until it is 'fixed'."""

    broken = True

    async def scheduled(self, conn, env: Envelope, e: VisitScheduled) -> None:  # noqa: ANN001
        if self.broken and e.factory == "POISON":
            raise ValueError("cannot place factory POISON")
        await super().scheduled(conn, env, e)


async def test_poison_message_is_parked_and_the_rest_flows(nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    board = FragileBoard()
    async with running(s, [board]) as (svc, c):
        await schedule(c, "bd", "bad", factory="POISON")
        await c.post("/bd/visits/bad/complete", json={"participants": 3})  # behind the poison, same stream
        for i in range(5):
            await schedule(c, "bd", f"good{i}")

        async def parked():  # noqa: ANN202
            items = (await c.get("/ops/parked")).json()
            return items if len(items) == 2 else None

        items = await eventually(parked, timeout=15)
        assert [(p["stream_version"], p["reason"]) for p in items] == [(1, "error"), (2, "blocked")]
        assert "cannot place factory POISON" in items[0]["error"] and items[0]["attempts"] == 3
        await eventually(lambda: _scheduled(svc, "bd", 5))  # the others flowed past it
        # the dead-letter subject carries it for operators' tools
        # (announced once the parking committed: it may come a moment after the good ones applied)
        async def dead_letters() -> bool:
            return (await svc.js().stream_info("WECARE_DEADLETTER")).state.messages >= 2

        await eventually(dead_letters, timeout=10)

        board.broken = False  # the bug is fixed; the operator re-drives
        res = (await c.post("/ops/parked/redrive")).json()
        assert res["visit_board"] == {"applied": 2, "skipped": 0, "still_parked": 0}
        assert (await c.get("/ops/parked")).json() == []
        t = await totals(svc, "bd")
        assert t["scheduled"] == 6 and t["completed"] == 1 and t["participants"] == 3


async def _scheduled(svc, country: str, n: int) -> bool:  # noqa: ANN001
    t = await totals(svc, country)
    return bool(t and t["scheduled"] == n)


async def test_rebuild_equals_live(nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        for i in range(30):
            cc = "bd" if i % 3 else "vn"
            await schedule(c, cc, f"r{i}", factory=f"F{i % 4}")
            if i % 2:
                await c.post(f"/{cc}/visits/r{i}/notes", json={"note": "ok"})
            if i % 5 == 0:
                await c.post(f"/{cc}/visits/r{i}/complete", json={"participants": i})
        await eventually(lambda: _lag_zero(c))
        runner = svc.runners["visit_board"]
        live = await runner.snapshot()
        assert len(live["sample_visits"]) == 30
        res = (await c.post("/ops/projections/visit_board/rebuild")).json()
        assert res["identical"] is True
        assert await runner.snapshot() == live
        async with svc.db.read() as conn:  # tracking records rebuilt too: live delivery goes on from there
            n = len((await conn.execute(select(tracking).where(tracking.c.projection == "visit_board"))).all())
        assert n == 30


async def test_relay_survives_nats_outage(own_nats, tmp_path) -> None:
    s = settings_for(own_nats.url, str(tmp_path))
    async with running(s) as (svc, c):
        await schedule(c, "bd", "before")
        own_nats.stop()
        await eventually(lambda: _not_ready(c))
        for i in range(10):  # commands are still taken: they wait in the outbox
            await schedule(c, "bd", f"during{i}")
        assert await svc.store.backlog() >= 10
        await asyncio.sleep(1.0)
        own_nats.start()
        await eventually(lambda: _ready(c), timeout=20)
        await eventually(lambda: _scheduled(svc, "bd", 11), timeout=20)
        await eventually(lambda: svc.store.backlog() == 0 if False else _backlog_zero(svc))
        info = await svc.js().stream_info(stream_name(CONTEXT))
        assert info.state.messages == 11  # every event once in JetStream


async def _backlog_zero(svc) -> bool:  # noqa: ANN001
    return await svc.store.backlog() == 0


async def _ready(c) -> bool:  # noqa: ANN001
    return (await c.get("/ready")).status_code == 200


async def _not_ready(c) -> bool:  # noqa: ANN001
    return (await c.get("/ready")).status_code == 503


async def test_consumers_never_stall_on_partial_batches(nats_server, tmp_path) -> None:
    """Small bursts make the pull loop hit its deadline with a partial batch in
    hand. Without shared/messaging/compat.py the loop task dies there and the
    fetched events wait for ack_wait (5 s) before they are applied."""
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        worst = 0.0
        for burst in range(40):
            t0 = asyncio.get_running_loop().time()
            for i in range(1 + burst % 4):
                await schedule(c, "bd", f"bd{burst}-{i}")
                await schedule(c, "vn", f"vn{burst}-{i}")
            await eventually(lambda: no_lag(c), timeout=10, interval=0.01)
            worst = max(worst, asyncio.get_running_loop().time() - t0)
        assert worst < 2.0, f"a burst took {worst:.1f} s to reach the projection"


async def test_fetch_timeouts_are_the_nats_error_faststream_expects(nats_server, monkeypatch) -> None:
    import nats as nats_client
    import nats.errors

    from shared.messaging import compat

    async def bare_timeout(*a, **k):  # noqa: ANN002, ANN003, ANN202 - what nats-py's _fetch_n raises
        raise TimeoutError

    monkeypatch.setattr(compat, "_fetch", bare_timeout)
    nc = await nats_client.connect(nats_server.url)
    try:
        js = nc.jetstream()
        await js.add_stream(name="T", subjects=["t.>"])
        sub = await js.pull_subscribe("t.>", durable="d")
        with pytest.raises(nats.errors.TimeoutError):
            await sub.fetch(5, timeout=0.1)
    finally:
        await nc.close()


async def test_private_events_between_published_ones_never_hold_a_consumer_up(nats_server, tmp_path) -> None:
    """A private event takes a version of its stream but is never published:
    the next published event names the version before it, so consumers do
    not wait for one that never comes."""
    from wecare.sample import VisitConfidentialNote

    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        stream = f"visit-priv-{uuid.uuid4().hex[:6]}"
        secret = Envelope.wrap(VisitConfidentialNote(note="names"), stream_id=stream, stream_version=2,
                               country="bd", actor="t", correlation_id="c")
        await svc.store.append(stream, 0, [scheduled(stream), secret, noted(stream, 3), completed(stream, 4, "bd")])
        r = await eventually(lambda: _status(svc, stream, "completed"), timeout=10)
        assert r.notes == 1
        assert [e.predecessor for e in await svc.store.load(stream)] == [0, 1, 1, 3]
        assert (await c.get("/ops/parked")).json() == []


class _Msg:
    """Just what the runner reads of a JetStream message."""

    def __init__(self, env: Envelope, delivered: int, age_s: float) -> None:
        from datetime import timedelta
        from types import SimpleNamespace

        from shared.contracts.envelope import utcnow

        self.subject, self.data = env.subject, env.to_wire()
        self.metadata = SimpleNamespace(num_delivered=delivered, timestamp=utcnow() - timedelta(seconds=age_s))
        self.acked = self.naked = False

    async def ack(self) -> None:
        self.acked = True

    async def nak(self, delay: float | None = None) -> None:
        self.naked = True


async def test_a_gap_is_parked_only_when_it_is_old_as_well_as_retried_often(database) -> None:  # noqa: ANN001
    from shared.projections import ProjectionRunner
    from wecare.sample import metadata

    await database.create_all(metadata)
    runner = ProjectionRunner(VisitBoard(), database, max_attempts=2, gap_timeout_s=60)
    ahead = noted("visit-gap", 2)  # version 1 never came
    young = _Msg(ahead, delivered=50, age_s=5)  # often retried, but the other replica may still be at it
    await runner.handle_batch([young])
    assert young.naked and not young.acked and await runner.parked() == []
    old = _Msg(ahead, delivered=50, age_s=120)
    await runner.handle_batch([old])
    assert old.acked and [p.reason for p in await runner.parked()] == ["gap"]


async def test_streams_are_made_idempotently_on_file_with_the_configured_window(own_nats) -> None:
    """Provisioning makes the streams (at every `wecare up`, every compose start): again and
    again, on file, with the configured duplicate window and replicas; a changed setting is
    applied to the stream that exists, and its messages stay."""
    nc = await nats.connect(own_nats.url)
    try:
        js = nc.jetstream()
        first = Settings(service="sample", nats_url=own_nats.url, js_duplicate_window_s=30)
        await provision_streams(js, first, [CONTEXT])
        await js.publish(f"wecare.bd.{CONTEXT}.VisitScheduled", b"{}", stream=stream_name(CONTEXT))
        await provision_streams(js, first, [CONTEXT])  # a second service starting
        info = await js.stream_info(stream_name(CONTEXT))
        assert info.config.storage == StorageType.FILE
        assert info.config.duplicate_window == 30 and info.config.num_replicas == 1
        assert info.state.messages == 1
        await provision_streams(js, Settings(service="sample", nats_url=own_nats.url, js_duplicate_window_s=90),
                             [CONTEXT])
        info = await js.stream_info(stream_name(CONTEXT))
        assert info.config.duplicate_window == 90 and info.state.messages == 1
    finally:
        await nc.close()
