"""The stack on a three-node JetStream cluster (nats-server from the package,
on loopback, R3 streams, sync_interval always). One node is killed in the
middle of the cycle; afterwards every acknowledged event is in JetStream
once and in every projection exactly once."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import nats
import pytest

from shared.messaging.replay import replay
from tests.evaluation.conftest import Stack, endline
from tests.stack.test_deployments import FAST
from wecare.launcher import Launcher
from wecare.natsserver import NatsCluster

pytestmark = pytest.mark.slow


async def test_a_node_killed_in_the_middle_of_the_cycle_loses_nothing(tmp_path: Path):
    with NatsCluster(tmp_path / "cluster") as cluster:
        stack = Launcher(tmp_path / "stack", countries="bd", nats_url=cluster.url,
                         env={**FAST, "WECARE_JS_REPLICAS": "3"})
        await asyncio.to_thread(stack.start)
        try:
            async with AsyncExitStack() as es:
                info = stack.info()
                c = {n: await es.enter_async_context(httpx.AsyncClient(base_url=u, timeout=30, headers=info.headers()))
                     for n, u in info.services.items()}
                s = Stack(c["assessment"], c["planning"], c["delivery"], c["evaluation"], None)  # type: ignore[arg-type]
                first = asyncio.create_task(s.cycle("bd", "F1"))
                await asyncio.sleep(1.0)  # the first cycle is under way
                cluster.nodes[0].stop(kill=True)
                second = await s.cycle("bd", "F2")
                plans = [await first, second]
                for plan_id in plans:
                    assert (await s.evaluation.post(f"/bd/evaluations/{plan_id}/endline",
                                                    json=endline())).status_code == 200
                    assert (await s.evaluation.post(f"/bd/evaluations/{plan_id}/evaluate")).status_code == 200
                await s.settled()

                nc = await nats.connect(cluster.url.split(","))
                try:
                    # after a node's loss, on a loaded machine, the JetStream API can take longer than
                    # nats-py's 5 s default to answer (a CI run's STREAM.INFO timed out): the guarantee
                    # tested is that nothing is lost, not how fast the API answers
                    js = nc.jetstream(timeout=30)
                    for name, client in c.items():
                        svc_events = await _published(tmp_path / "stack", name)
                        in_js = [e async for e in replay(js, name, ["bd"])]
                        # every acknowledged event is in JetStream, once
                        assert sorted(str(e.event_id) for e in in_js) == sorted(svc_events), name
                        info = await js.stream_info(f"WECARE_{name.upper()}")
                        assert info.config.num_replicas == 3
                        st = (await client.get("/ops/status")).json()
                        assert st["outbox_backlog"] == 0
                        assert all(p["parked"] == 0 and all(v == 0 for v in p["lag"].values())
                                   for p in st["projections"].values()), (name, st)
                        # and in every projection exactly once: a replay of the logs gives the same tables
                        for projection in st["projections"]:
                            r = (await client.post(f"/ops/projections/{projection}/rebuild")).json()
                            assert r["identical"] is True, (name, projection, r)
                finally:
                    await nc.close()
                impact = (await s.evaluation.get("/bd/impact")).json()
                assert sorted(f["factory_id"] for f in impact["factories"] if f["evaluated"]) == ["F1", "F2"]
        finally:
            await asyncio.to_thread(stack.stop)


async def _published(data_dir: Path, service: str) -> list[str]:
    """The ids of the events a service stored and published (private ones stay home), read from its
    SQLite file as an operator's backup tool would."""
    import services.delivery.domain.events  # noqa: F401 - the private event types
    import services.evaluation.domain.events  # noqa: F401
    from services.assessment.domain import events  # noqa: F401
    from shared.contracts.registry import registry
    from shared.store.database import Database
    from shared.store.eventstore import EventStore

    db = Database(f"sqlite+aiosqlite:///{data_dir / service}.db")
    try:
        return sorted([str(e.event_id) async for e in EventStore(db, service).read_all()
                       if not registry.get(service, e.event_type).private])
    finally:
        await db.dispose()
