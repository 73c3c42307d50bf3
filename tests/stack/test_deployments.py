"""The stack as operators run it: two country deployments side by side on one
NATS, and two replicas of the delivery service sharing its consumers. Every
service is its own process (wecare.launcher), as in docker-compose.yml."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from tests.evaluation.conftest import Stack, endline
from wecare.launcher import Launcher, ServiceProcess
from wecare.natsserver import NatsServer

pytestmark = pytest.mark.slow
FAST = {"WECARE_RELAY_POLL_S": "0.1", "WECARE_LOG_LEVEL": "WARNING", "WECARE_CONSUMER_BACKOFF_S": "[0.1,0.2,0.3]"}


async def _clients(es: AsyncExitStack, launcher: Launcher) -> Stack:
    info = launcher.info()
    c = {n: await es.enter_async_context(httpx.AsyncClient(base_url=u, timeout=30, headers=info.headers()))
         for n, u in info.services.items()}
    return Stack(c["assessment"], c["planning"], c["delivery"], c["evaluation"], None)  # type: ignore[arg-type]


async def _evaluate(s: Stack, cc: str, plan_id: str) -> dict:
    assert (await s.evaluation.post(f"/{cc}/evaluations/{plan_id}/endline", json=endline())).status_code == 200
    assert (await s.evaluation.post(f"/{cc}/evaluations/{plan_id}/evaluate")).status_code == 200
    await s.settled()
    return (await s.evaluation.get(f"/{cc}/impact")).json()


async def test_the_full_cycle_in_two_country_deployments_side_by_side(tmp_path: Path):
    with NatsServer(store_dir=tmp_path / "nats") as nats:
        bd = Launcher(tmp_path / "bd", countries="bd", nats_url=nats.url, env=FAST)
        vn = Launcher(tmp_path / "vn", countries="vn", nats_url=nats.url, env=FAST)
        await asyncio.gather(asyncio.to_thread(bd.start), asyncio.to_thread(vn.start))
        try:
            async with AsyncExitStack() as es:
                in_bd = await _clients(es, bd)
                in_vn = await _clients(es, vn)
                plan_bd, plan_vn = await asyncio.gather(in_bd.cycle("bd", "F1"), in_vn.cycle("vn", "V1"))
                impact_bd = await _evaluate(in_bd, "bd", plan_bd)
                impact_vn = await _evaluate(in_vn, "vn", plan_vn)
                assert [f["factory_id"] for f in impact_bd["factories"]] == ["F1"]
                assert [f["factory_id"] for f in impact_vn["factories"]] == ["V1"]
                assert all(f["evaluated"] for f in impact_bd["factories"] + impact_vn["factories"])
                # each deployment serves, stores and subscribes to its own country only
                for mine, cc in ((in_bd, "vn"), (in_vn, "bd")):
                    for c in (mine.assessment, mine.planning, mine.delivery, mine.evaluation):
                        assert (await c.get(f"/{cc}/impact" if c is mine.evaluation else f"/{cc}/catalogue")
                                ).status_code == 404
                        st = (await c.get("/ops/status")).json()
                        assert set(st["events"]) == {({"bd", "vn"} - {cc}).pop()}
                        assert all(k.endswith(f".{({'bd', 'vn'} - {cc}).pop()}")
                                   for p in st["projections"].values() for k in p["lag"])
                journey = (await in_bd.evaluation.get("/bd/journey/F1")).json()["steps"]
                assert {"registered", "assessed", "planned", "kick-off", "delivery", "evaluated"} <= {
                    s["step"] for s in journey}
        finally:
            await asyncio.gather(asyncio.to_thread(bd.stop), asyncio.to_thread(vn.stop))


async def test_two_replicas_of_the_delivery_service_share_its_consumers(tmp_path: Path):
    with Launcher(tmp_path / "stack", countries="bd", env=FAST) as stack:
        second = ServiceProcess("delivery", stack._env("delivery"), log_path=tmp_path / "delivery-2.log").start()
        try:
            second.wait_ready()
            async with AsyncExitStack() as es:
                s = await _clients(es, stack)
                plan_id = await s.cycle("bd", "F1")
                replicas = [s.delivery, await es.enter_async_context(httpx.AsyncClient(
                    base_url=second.url, timeout=30, headers=stack.info().headers()))]

                async def deliver(i: int) -> None:
                    r = await replicas[i % 2].post(f"/bd/deliveries/{plan_id}/batch", json={"sessions": [{
                        "session_id": f"r{i}", "activity": "family_day", "local_start": "2026-05-01T09:00",
                        "trainers": ["wecare:lina"], "capacity": 500, "expected_participants": 100,
                        "attendance": {"delivered_at": "2026-05-01T15:00", "counts": [
                            {"role": "worker", "sex": "female", "age_band": "25_34", "count": 10}]}}]})
                    assert r.status_code == 200, r.text

                for burst in range(4):  # both replicas take commands, concurrently
                    await asyncio.gather(*(deliver(burst * 10 + i) for i in range(10)))
                await s.settled()
                ok = await replicas[1].get("/ops/status")
                assert all(v == 0 for p in ok.json()["projections"].values() for v in p["lag"].values())
                parked = [(await r.get("/ops/parked")).json() for r in replicas]
                assert parked == [[], []], [(p["reason"], p["stream_version"]) for x in parked for p in x]
                views = [(await r.get(f"/bd/deliveries/{plan_id}")).json() for r in replicas]
                assert views[0] == views[1]  # both serve the same read model
                done = [x for x in views[0]["sessions"] if x["status"] == "delivered"]
                assert len(done) == 42 and len({x["session_id"] for x in done}) == 42
                # the work was split, and nothing was applied twice: together the replicas applied each
                # published delivery event exactly once
                applied = [(await r.get("/ops/status")).json()["projections"]["progress"]["applied_here"]
                           for r in replicas]
                published = [e async for e in _published(stack)]
                assert sum(applied) == len(published) and min(applied) > 0, applied
                r = (await replicas[1].post("/ops/projections/progress/rebuild")).json()
                assert r["identical"] is True
        finally:
            second.terminate()


async def _published(stack: Launcher):
    """The delivery service's published events, read from JetStream."""
    import nats as nats_py

    from shared.messaging.replay import replay

    nc = await nats_py.connect(stack.operator_nats_url)
    try:
        async for env in replay(nc.jetstream(), "delivery", ["bd"]):
            yield env
    finally:
        await nc.close()
