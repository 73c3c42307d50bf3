"""Background loops under the supervisor: a loop that dies is restarted with
backoff and /health names it while it is down; a record that makes a
projection's handler raise is parked with its reason, logged naming its
tenant and counted in /metrics, while other tenants' work goes on."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from structlog.testing import capture_logs

from shared.supervisor import Supervisor
from tests.conftest import eventually
from tests.harness import auth, no_lag
from tests.kernel.harness import running, schedule, settings_for
from tests.kernel.test_projections import FragileBoard, _scheduled


@pytest.mark.unit
async def test_a_loop_that_raises_is_restarted_with_backoff_and_a_start_up_task_that_returns_is_done() -> None:
    runs: list[int] = []
    gate = asyncio.Event()

    async def flaky() -> None:
        runs.append(1)
        if len(runs) <= 2:
            raise RuntimeError(f"boom {len(runs)}")
        await gate.wait()

    async def once() -> None:
        return None

    sup = Supervisor(backoff_s=0.05, backoff_max_s=0.1)
    with capture_logs() as logs:
        sup.start("flaky", flaky)
        sup.start("start-up", once, once=True)
        await eventually(lambda: sup.loops["flaky"].state == "running" and len(runs) == 3, timeout=5)
    died = [e for e in logs if e["event"] == "loop.died"]
    assert [(e["loop"], e["error"], e["restarts"]) for e in died] == [
        ("flaky", "RuntimeError: boom 1", 1), ("flaky", "RuntimeError: boom 2", 2)]
    assert sup.states()["start-up"]["state"] == "done" and sup.down() == {}
    sup.loops["flaky"].task.cancel()  # killed from outside: down, then back
    await eventually(lambda: sup.loops["flaky"].state == "down", timeout=2, interval=0.005)
    assert sup.down()["flaky"]["error"] == "cancelled" and sup.down()["flaky"]["restarts"] == 3
    await eventually(lambda: sup.loops["flaky"].state == "running" and len(runs) == 4, timeout=5)
    await sup.stop_all()
    assert {v["state"] for v in sup.states().values()} == {"stopped"}


async def _health(c) -> dict:  # noqa: ANN001
    r = await c.get("/health", headers={"Authorization": ""})
    assert r.status_code == 200
    return r.json()


async def test_a_killed_relay_is_reported_degraded_then_restarted_and_publishes_again(nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        assert await _health(c) == {"status": "alive", "service": s.service}
        svc.supervisor.backoff_s = 1.0  # long enough to see it down
        svc.supervisor.loops["outbox-relay"].task.cancel()
        await eventually(lambda: svc.supervisor.loops["outbox-relay"].state == "down", timeout=2, interval=0.01)
        h = await _health(c)
        assert h["status"] == "degraded" and list(h["loops"]) == ["outbox-relay"]
        assert h["loops"]["outbox-relay"]["state"] == "down" and h["loops"]["outbox-relay"]["restarts"] == 1
        metrics = (await c.get("/metrics")).text
        assert f'wecare_loop_up{{loop="outbox-relay",service="{s.service}"}} 0.0' in metrics
        await schedule(c, "bd", "while-down")  # taken: it waits in the outbox
        await schedule(c, "vn", "while-down-vn")

        await eventually(lambda: _alive(c), timeout=5)
        await eventually(lambda: _scheduled(svc, "bd", 1), timeout=5)
        await eventually(lambda: _scheduled(svc, "vn", 1), timeout=5)
        metrics = (await c.get("/metrics")).text
        assert f'wecare_loop_up{{loop="outbox-relay",service="{s.service}"}} 1.0' in metrics
        assert f'wecare_loop_restarts_total{{loop="outbox-relay",service="{s.service}"}} 1.0' in metrics
        assert (await c.get("/metrics", headers=auth("country_team", countries=["bd"]))).status_code == 403
        assert (await c.get("/ops/status")).json()["loops"]["outbox-relay"]["restarts"] == 1


async def _alive(c) -> bool:  # noqa: ANN001
    return (await _health(c))["status"] == "alive"


async def test_a_record_that_breaks_a_projection_is_parked_logged_and_counted_and_other_tenants_go_on(
        nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    board = FragileBoard()
    async with running(s, [board]) as (svc, c):
        with capture_logs() as logs:
            await schedule(c, "bd", "bad", factory="POISON")
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            for i in range(3):  # another tenant (vn), and the same tenant's other streams
                await schedule(c, "vn", f"vn{i}")
                await schedule(c, "bd", f"bd{i}")
            await eventually(lambda: _scheduled(svc, "vn", 3), timeout=5, interval=0.01)
            await eventually(lambda: _scheduled(svc, "bd", 3), timeout=5, interval=0.01)
            assert loop.time() - t0 < 2.0  # their usual latency, not the poison's retries (0.1 + 0.2 + 0.3 s)

            async def parked() -> list | None:
                items = (await c.get("/ops/parked")).json()
                return items or None

            [p] = await eventually(parked, timeout=10)
        assert p["reason"] == "error" and "cannot place factory POISON" in p["error"] and p["stream_id"] == "visit-bad"
        [line] = [e for e in logs if e["event"] == "projection.parked"]
        assert line["tenant"] == "bd" and line["event_id"] == p["event_id"] and line["stream_id"] == "visit-bad"
        assert line["reason"] == "error" and line["loop"] == "projection:visit_board"
        metrics = (await c.get("/metrics")).text
        assert (f'wecare_parked_records{{loop="projection:visit_board",service="{s.service}",tenant="bd"}} 1.0'
                in metrics)
        assert 'tenant="vn"' not in metrics
        assert await _alive(c) and await no_lag(c)


class _Refusing:
    """A JetStream context whose client refuses one record, as nats-py does a
    message larger than the server's max_payload, and publishes the rest."""

    def __init__(self, js) -> None:  # noqa: ANN001
        self.js = js

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.js, name)

    async def publish_async(self, subject: str, payload: bytes = b"", **kw):  # noqa: ANN003, ANN201
        if b"POISON" in payload:
            from nats.errors import MaxPayloadError
            raise MaxPayloadError
        return await self.js.publish_async(subject, payload, **kw)


async def test_an_event_the_client_refuses_to_publish_is_parked_and_the_relay_goes_on(nats_server, tmp_path) -> None:
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        svc._js = _Refusing(svc._js)  # noqa: SLF001
        with capture_logs() as logs:
            await schedule(c, "bd", "bad", factory="POISON")  # first in the outbox
            t0 = asyncio.get_running_loop().time()
            for i in range(3):
                await schedule(c, "vn", f"vn{i}")
                await schedule(c, "bd", f"bd{i}")
            await eventually(lambda: _scheduled(svc, "vn", 3), timeout=5, interval=0.01)
            await eventually(lambda: _scheduled(svc, "bd", 3), timeout=5, interval=0.01)
            assert asyncio.get_running_loop().time() - t0 < 2.0
        [p] = (await c.get("/ops/parked")).json()
        assert (p["projection"], p["reason"], p["stream_id"]) == ("outbox-relay", "unpublishable", "visit-bad")
        assert "MaxPayloadError" in p["error"]
        [line] = [e for e in logs if e["event"] == "relay.parked"]
        assert (line["tenant"], line["event_id"], line["loop"]) == ("bd", p["event_id"], "outbox-relay")
        assert await svc.store.backlog() == 0
        metrics = (await c.get("/metrics")).text
        assert f'wecare_parked_records{{loop="outbox-relay",service="{s.service}",tenant="bd"}} 1.0' in metrics
        assert svc.supervisor.loops["outbox-relay"].restarts == 0 and await _alive(c)


async def _published_within(svc, c, country: str, seconds: float) -> bool:  # noqa: ANN001
    await schedule(c, country, f"{country}-after")
    try:
        await eventually(lambda: _scheduled(svc, country, 1), timeout=seconds, interval=0.02)
    except AssertionError:
        return False
    return True


async def test_refused_events_do_not_use_up_the_clients_pending_publishes(nats_server, tmp_path) -> None:
    """nats-py's publish_async takes one of its pending slots (4,000; 3 here)
    and registers a PubAck future before its client refuses the message; the
    slot was never given back, so after a few thousand parked events the relay
    waited for a slot for ever, silently. Oversized events (data and headers
    against the server's max_payload) are now refused before publish_async."""
    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        js = svc._js  # noqa: SLF001
        js._publish_async_pending_semaphore = asyncio.Semaphore(3)  # noqa: SLF001 - stands for the 4,000
        nc = svc.broker.connection
        real, nc._max_payload = nc._max_payload, 100  # noqa: SLF001 - as a >1 MB event against the default
        for i in range(4):
            await schedule(c, "bd", f"big{i}")
        await eventually(lambda: _parked_n(c, 4), timeout=10)
        assert js.publish_async_pending() == 0 and js._publish_async_pending_semaphore._value == 3  # noqa: SLF001
        nc._max_payload = real  # noqa: SLF001
        assert await _published_within(svc, c, "vn", 5)
        errors = [p["error"] for p in (await c.get("/ops/parked")).json()]
        assert all("MaxPayloadError" in e and "max_payload 100" in e for e in errors), errors
        assert await _alive(c)


async def test_a_client_that_raises_after_taking_a_pending_slot_gives_it_back(nats_server, tmp_path) -> None:
    """Whatever the client refuses after publish_async registered its future
    (here a bad subject raised by nc.publish itself), the future is cancelled
    and its pending slot comes back."""
    from nats.errors import BadSubjectError

    s = settings_for(nats_server.url, str(tmp_path), service=f"sample-{uuid.uuid4().hex[:6]}")
    async with running(s) as (svc, c):
        js = svc._js  # noqa: SLF001
        js._publish_async_pending_semaphore = asyncio.Semaphore(3)  # noqa: SLF001
        nc = svc.broker.connection
        real_publish = nc.publish

        async def refusing(subject: str, payload: bytes = b"", *args, **kw):  # noqa: ANN002, ANN003, ANN202
            if b"POISON" in payload:
                raise BadSubjectError
            return await real_publish(subject, payload, *args, **kw)

        nc.publish = refusing
        for i in range(4):
            await schedule(c, "bd", f"bad{i}", factory="POISON")
        await eventually(lambda: _parked_n(c, 4), timeout=10)
        assert await _published_within(svc, c, "vn", 5)
        await eventually(lambda: js._publish_async_pending_semaphore._value == 3, timeout=5)  # noqa: SLF001
        assert await _alive(c)


async def _parked_n(c, n: int) -> bool:  # noqa: ANN001
    return len((await c.get("/ops/parked")).json()) == n
