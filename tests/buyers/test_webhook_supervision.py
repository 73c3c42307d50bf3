"""The webhook dispatcher under faults it cannot blame on a receiver's answer:
an endpoint whose stored URL the HTTP client refuses at send time (one
tenant's data) parks that buyer's deliveries while every other buyer's flow
on; a dispatcher task that dies is restarted and /health says so meanwhile."""

from __future__ import annotations

import asyncio

from sqlalchemy import update
from structlog.testing import capture_logs

from services.buyers.webhooks import endpoints
from tests.buyers.conftest import HASBRO, OTTO, BuyersStack, Receiver
from tests.buyers.test_feed_and_webhooks import _all_delivered
from tests.conftest import eventually

# URLs registration refuses, as an older version or a hand-edited row may hold them:
# httpx raises InvalidURL (no httpx.HTTPError) for the first, an ExceptionGroup for the second
BAD_URLS = ["http://example.org:abc/hook", "http://127.0.0.1:99999/hook"]


async def test_an_endpoint_url_the_client_cannot_use_parks_its_deliveries_and_other_buyers_get_theirs(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    svc = s.buyers_service
    svc.dispatcher.s = svc.settings.model_copy(update={"webhook_max_attempts": 3})  # type: ignore[attr-defined]
    bad = [await s.register(HASBRO, f"{receiver.url}/hasbro{i}") for i in range(len(BAD_URLS))]
    async with svc.db.write() as conn:  # inserted as stored data, past the registration's checks
        for ep, url in zip(bad, BAD_URLS, strict=True):
            await conn.execute(update(endpoints).where(endpoints.c.endpoint_id == ep["endpoint_id"]).values(url=url))
    good = await s.register(OTTO, f"{receiver.url}/otto")
    receiver.secrets = {"otto": [good["secret"]]}

    with capture_logs() as logs:
        await s.cycle("bd", "H1", buyer=HASBRO, programme="hasbro")  # Hasbro's records first in the feed
        await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
        t0 = asyncio.get_running_loop().time()
        await eventually(lambda: _all_delivered(s, OTTO, good["endpoint_id"]), timeout=10)
        assert asyncio.get_running_loop().time() - t0 < 5.0

        async def parked() -> list | None:
            items = (await s.buyers.get("/ops/webhooks/parked")).json()["items"]
            return items if len(items) == len(BAD_URLS) else None

        items = await eventually(parked, timeout=15)
    assert {p["buyer"] for p in items} == {HASBRO} and all(p["attempts"] == 3 for p in items)
    errors = {p["endpoint_id"]: p["last_error"] for p in items}
    assert errors[bad[0]["endpoint_id"]] == "invalid_url"
    assert errors[bad[1]["endpoint_id"]] == "internal"
    for ep in bad:  # the head of the factory's queue is parked, the rest wait behind it, never sent
        log = await s.deliveries(HASBRO, ep["endpoint_id"])
        assert log[0]["status"] == "parked" and len(log[0]["log"]) == 3
        assert all(i["status"] == "pending" and i["log"] == [] for i in log[1:])
    lines = [e for e in logs if e["event"] == "webhooks.parked"]
    assert {(e["tenant"], e["endpoint_id"]) for e in lines} == {(HASBRO, ep["endpoint_id"]) for ep in bad}
    assert all(e["record"] and e["delivery_id"] for e in lines)

    metrics = (await s.buyers.get("/metrics")).text
    assert 'wecare_parked_records{loop="webhook-dispatcher",service="buyers",tenant="Hasbro"} 2.0' in metrics
    assert 'wecare_loop_up{loop="webhook-dispatcher",service="buyers"} 1.0' in metrics
    assert (await s.buyers.get("/health")).json()["status"] == "alive"
    assert svc.supervisor.loops["webhook-dispatcher"].restarts == 0  # the loop never died


async def test_a_dispatcher_that_dies_is_reported_then_restarted_and_delivers(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    svc = s.buyers_service
    ep = await s.register(OTTO, f"{receiver.url}/otto")
    receiver.secrets = {"otto": [ep["secret"]]}
    svc.supervisor.backoff_s = 1.0
    svc.supervisor.loops["webhook-dispatcher"].task.cancel()
    await eventually(lambda: svc.supervisor.loops["webhook-dispatcher"].state == "down", timeout=2, interval=0.01)
    h = (await s.buyers.get("/health", headers={"Authorization": ""})).json()
    assert h["status"] == "degraded" and h["loops"]["webhook-dispatcher"]["restarts"] == 1

    await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await eventually(lambda: _all_delivered(s, OTTO, ep["endpoint_id"]), timeout=10)
    assert (await s.buyers.get("/health")).json()["status"] == "alive"
    assert 'wecare_loop_restarts_total{loop="webhook-dispatcher",service="buyers"} 1.0' in (
        await s.buyers.get("/metrics")).text
