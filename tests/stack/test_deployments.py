"""The stack as operators run it: two country deployments side by side on one
NATS, and two replicas of the delivery service sharing its consumers. Every
service is its own process (wecare.launcher), as in docker-compose.yml."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import orjson
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


# what is personal in each country: who consented to a story, a consulting case's details (neither ever
# leaves the country team), the story's caption (which its consent lets into buyer reports) and the
# factory's name: the deployment's own data, which the other deployment must not hold
PERSONAL = {"bd": {"name": "Karim Hossain", "case": "Karim Hossain: debts after his wife's surgery",
                   "caption": "A father of twins at the child corner", "factory": "F1 Garments"},
            "vn": {"name": "Nguyen Thi Lan", "case": "Nguyen Thi Lan: childcare during night shifts",
                   "caption": "A mother at the night-shift child corner", "factory": "V1 Garments"}}
NEVER_TO_BUYERS = ("name", "case")
SMALL = [[{"role": "worker", "sex": "female", "age_band": "25_34", "count": 9},
          {"role": "worker", "sex": "male", "age_band": "18_24", "count": 3}],
         [{"role": "worker", "sex": "female", "age_band": "25_34", "count": 20},
          {"role": "manager", "sex": "male", "age_band": "35_44", "count": 10}]]
OTTO = "Otto Group"


async def _personal_data(s: Stack, cc: str, plan_id: str) -> None:
    p = PERSONAL[cc]
    r = await s.delivery.post(f"/{cc}/deliveries/{plan_id}/consulting-cases", json={
        "case_id": f"c-{cc}", "category": "financial", "opened_on": "2026-07-03", "details": p["case"]})
    assert r.status_code == 201, r.text
    r = await s.evaluation.post(f"/{cc}/assets", json={
        "asset_id": f"story-{cc}", "plan_id": plan_id, "kind": "story", "title": f"A story from {cc}",
        "uri": f"assets/{cc}-story.md", "person_id": f"p-{cc}", "caption": p["caption"], "consented_by": p["name"],
        "scope": ["buyer_reports"], "expires_on": "2030-12-31"})
    assert r.status_code == 201, r.text


async def _buyer_reads(launcher: Launcher) -> list[bytes]:
    """Everything Otto can read from a deployment: feed, portfolio, export, impact and its report."""
    info = launcher.info()
    me = info.headers("buyer", buyer=OTTO, subject="otto compliance")
    out = []
    async with httpx.AsyncClient(timeout=30, headers=me) as c:
        b, e = info.services["buyers"], info.services["evaluation"]
        for url in (f"{b}/buyers/{OTTO}/feed?limit=500", f"{b}/buyers/{OTTO}/portfolio",
                    f"{b}/buyers/{OTTO}/exports/portfolio.csv", f"{e}/buyers/{OTTO}/impact",
                    f"{e}/buyers/{OTTO}/report.json", f"{e}/buyers/{OTTO}/report.html"):
            r = await c.get(url)
            assert r.status_code == 200, (url, r.text)
            out.append(r.content)
    return out


def _files(root: Path) -> bytes:
    return b"".join(f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file())


async def _event_ids(nats_url: str, cc: str) -> set[str]:
    """The ids of every event a country's services published to JetStream."""
    import nats as nats_py

    from shared.messaging.replay import replay

    nc = await nats_py.connect(nats_url)
    try:
        return {str(env.event_id) for svc in ("assessment", "planning", "delivery", "evaluation")
                async for env in replay(nc.jetstream(), svc, [cc])}
    finally:
        await nc.close()


async def test_the_full_cycle_in_two_country_deployments_side_by_side_each_keeping_its_data(tmp_path: Path):
    """Two deployments on one NATS. Each serves its own country, and its data stays in it (issue 18,
    residency): no file of one deployment holds the other's personal data, its factory or any event of
    its country; the shared JetStream carries no personal data in the clear; and a buyer with programmes
    in both countries reads from each only counts that shared.disclosure releases."""
    with NatsServer(store_dir=tmp_path / "nats") as nats:
        bd = Launcher(tmp_path / "bd", countries="bd", nats_url=nats.url, env=FAST)
        vn = Launcher(tmp_path / "vn", countries="vn", nats_url=nats.url, env=FAST)
        await asyncio.gather(asyncio.to_thread(bd.start), asyncio.to_thread(vn.start))
        try:
            async with AsyncExitStack() as es:
                in_bd = await _clients(es, bd)
                in_vn = await _clients(es, vn)
                plan_bd, plan_vn = await asyncio.gather(in_bd.cycle("bd", "F1", counts=SMALL),
                                                        in_vn.cycle("vn", "V1", counts=SMALL))
                await asyncio.gather(_personal_data(in_bd, "bd", plan_bd), _personal_data(in_vn, "vn", plan_vn))
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
                await asyncio.gather(in_bd.settled(), in_vn.settled())

                # what a buyer reads from each deployment: released counts, nobody's name
                for launcher, cc in ((bd, "bd"), (vn, "vn")):
                    reads = await _buyer_reads(launcher)
                    for key in NEVER_TO_BUYERS:
                        assert not any(PERSONAL[cc][key].encode() in r for r in reads), (cc, key)
                    feed = orjson.loads(reads[0])["records"]
                    sessions = [x["data"] for x in feed if x["type"] == "org.wecare.session.delivered.v1"]
                    assert len(sessions) == 2
                    for d in sessions:
                        counts = [d[k] for k in ("attendances", "workers_reached", "workers_reached_female",
                                                 "workers_reached_male")]
                        assert all(n is None or n >= 5 for n in counts) and counts[2:].count(None) != 1, d
            ids = {cc: await _event_ids(nats.url, cc) for cc in ("bd", "vn")}
            assert ids["bd"] and ids["vn"]
        finally:
            await asyncio.gather(asyncio.to_thread(bd.stop), asyncio.to_thread(vn.stop))
        # at rest, after the services stopped (every SQLite file checkpointed): no file of a deployment holds
        # the other country's personal data, its factory or any of its events
        for here, there in (("bd", "vn"), ("vn", "bd")):
            files = _files(tmp_path / here)
            assert files
            for text in PERSONAL[there].values():
                assert text.encode() not in files, (here, text)
            assert not [i for i in ids[there] if i.encode() in files], here
            assert PERSONAL[here]["factory"].encode() in files  # the scan reads what the deployment keeps
        # the one NATS both deployments share carries events (aggregates), never a person in the clear
        stream = _files(tmp_path / "nats")
        for cc in ("bd", "vn"):
            for key in ("name", "caption", "case"):
                assert PERSONAL[cc][key].encode() not in stream, (cc, key)


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
