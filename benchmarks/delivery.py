"""Field capture load on the delivery service: 10,000 attendance records (a
person at a session, with a pseudonymous id) sent as offline batches of 100
(10 sessions of 10 people), spread over 10 factories' work plans, through the
public HTTP API of a real uvicorn process on real NATS and SQLite. Printed
next to the ceilings measured in the same run: the same HTTP stack answering
/health, and raw aiosqlite inserts of 100 rows in one transaction.

The work plans come from PlanApproved events published to NATS, as the
planning service publishes them (the delivery service consumes them as in
production).

    .venv/bin/python -m benchmarks.delivery [--records 10000] [--plans 10] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
import nats
import orjson

from benchmarks.common import pct, raw_sqlite_events, run_concurrently
from shared.auth import issue, local_keys
from shared.contracts.envelope import Envelope
from shared.contracts.headers import MSG_ID
from shared.contracts.planning import Kpi, Milestone, PlanApproved, PlanContent, PlannedActivity
from wecare.launcher import ServiceProcess
from wecare.natsserver import NatsServer, provision

PER_BATCH = 100
PER_SESSION = 10


def approved(plan: str) -> Envelope:
    content = PlanContent(
        activities=[PlannedActivity(activity=a) for a in ("family_day", "migrant_parents_training",
                                                          "parent_child_activities", "training_of_trainers")],
        milestones=[Milestone(name="Kick-off", due=date(2026, 1, 20))],
        kpis=[Kpi(indicator="share_parents_reached", baseline=0.0, target=0.5)], credits_used=6, catalogue_version=1)
    e = PlanApproved(plan_id=plan, programme_id="bench", factory_id=plan, revision=1, content=content,
                     approved_by="GM", approved_on=date(2026, 1, 10))
    return Envelope.wrap(e, stream_id=f"plan-{plan}", stream_version=1, country="bd", actor="bench",
                         correlation_id=uuid.uuid4().hex)


def batch(i: int) -> dict:
    sessions = []
    for s in range(PER_BATCH // PER_SESSION):
        sid = f"b{i}-s{s}"
        people = [{"id": f"w{(i * 37 + s * 11 + k) % 3000}", "role": "parent_worker",
                   "sex": "female" if k % 3 else "male", "age_band": "25_34"} for k in range(PER_SESSION)]
        sessions.append({"session_id": sid, "activity": "parent_child_activities", "local_start": "2026-03-02T14:00",
                         "trainers": ["wecare:lina"], "capacity": 40, "expected_participants": PER_SESSION,
                         "attendance": {"delivered_at": "2026-03-02T16:00", "participants": people}})
    return {"sessions": sessions}


async def raw_inserts(path: Path, n: int, concurrency: int) -> tuple[float, list[float]]:
    db = await raw_sqlite_events(path)
    lock = asyncio.Lock()
    payload = orjson.dumps(batch(0)["sessions"][0]).decode()

    async def send(i: int) -> None:
        async with lock:  # one writer, as in the store
            await db.execute("BEGIN IMMEDIATE")
            await db.executemany("INSERT INTO e (event_id, stream_id, stream_version, payload) VALUES (?,?,?,?)",
                                 [(uuid.uuid4().hex, f"s{i}", j, payload) for j in range(PER_BATCH)])
            await db.execute("COMMIT")

    try:
        secs, lat = await run_concurrently(n, concurrency, send)
        return n / secs, lat
    finally:
        await db.close()


async def main(records: int, plans: int, concurrency: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="wecare-bench-"))
    private, jwks = local_keys(tmp / "keys")
    headers = {"Authorization": "Bearer " + issue(private, role="admin", subject="bench")}
    batches = max(records // PER_BATCH, 1)
    with NatsServer(store_dir=tmp / "nats") as server:
        provision(server.url)  # the streams: a service only checks them
        svc = ServiceProcess("delivery", {
            "WECARE_SERVICE": "delivery", "WECARE_NATS_URL": server.url, "WECARE_DATA_DIR": str(tmp / "data"),
            "WECARE_LOG_LEVEL": "WARNING", "WECARE_AUTH_JWKS_FILE": str(jwks)}, log_path=tmp / "service.log").start()
        try:
            svc.wait_ready()
            nc = await nats.connect(server.url)
            js = nc.jetstream()
            ids = [f"plan{i}" for i in range(plans)]
            for p in ids:
                env = approved(p)
                await js.publish(env.subject, env.to_wire(), headers={MSG_ID: str(env.event_id)})
            await nc.close()
            async with httpx.AsyncClient(base_url=svc.url, headers=headers, timeout=60,
                                         limits=httpx.Limits(max_connections=concurrency)) as c:
                deadline = time.monotonic() + 30
                while (await c.get("/bd/deliveries")).json()["total"] < plans:
                    if time.monotonic() > deadline:
                        raise SystemExit("the work plans did not arrive")
                    await asyncio.sleep(0.1)

                async def health(i: int) -> None:
                    (await c.get("/health")).raise_for_status()

                async def send(i: int) -> None:
                    r = await c.post(f"/bd/deliveries/{ids[i % plans]}/batch", json=batch(i))
                    r.raise_for_status()

                h_secs, h_lat = await run_concurrently(batches, concurrency, health)
                secs, lat = await run_concurrently(batches, concurrency, send)
                t = time.perf_counter()
                while True:  # projections caught up
                    st = (await c.get("/ops/status")).json()
                    if st["outbox_backlog"] == 0 and all(v == 0 for p in st["projections"].values()
                                                         for v in p["lag"].values()):
                        break
                    await asyncio.sleep(0.05)
                settle_ms = (time.perf_counter() - t) * 1000
                progress = (await c.get("/bd/progress")).json()["factories"]
            raw_rate, raw_lat = await raw_inserts(tmp / "raw.db", batches, concurrency)
        finally:
            svc.stop()
    rate = batches * PER_BATCH / secs
    people = sum(f["people_reached"] for f in progress)
    print(f"field capture: {batches * PER_BATCH} attendance records in {batches} batches of {PER_BATCH} "
          f"({PER_BATCH // PER_SESSION} sessions of {PER_SESSION}) over {plans} work plans, {concurrency} concurrent "
          f"clients, {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'what':<52} {'records/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for name, r_, l_ in (("attendance through the API, batches of 100", rate, lat),
                         ("ceiling: same HTTP stack, GET /health (per request)", batches / h_secs, h_lat),
                         ("ceiling: raw aiosqlite, 100 rows in 1 tx", raw_rate * PER_BATCH, raw_lat)):
        print(f"{name:<52} {r_:>10.0f} {statistics.median(l_):>8.2f} {pct(l_, 99):>8.2f}")
    print(f"API rate = {rate / (raw_rate * PER_BATCH):.0%} of the raw insert ceiling; projections caught up "
          f"{settle_ms:.0f} ms after the last batch; people reached (identified once per plan): {people}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--plans", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=4)
    a = ap.parse_args()
    asyncio.run(main(a.records, a.plans, a.concurrency))
