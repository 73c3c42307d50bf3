"""Survey load on the assessment service: N survey responses for one factory
through the public HTTP API (a real uvicorn process, real NATS, SQLite),
with the rate and latency percentiles, next to the ceilings measured in the
same run: the same HTTP stack answering /health, and raw aiosqlite inserts of
the same rows, one transaction each.

    .venv/bin/python -m benchmarks.assessment [--responses 5000] [--concurrency 8]
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
from pathlib import Path

import httpx
import orjson

from benchmarks.common import pct, raw_sqlite_events, run_concurrently
from shared.auth import issue, local_keys
from tests.assessment.builders import demographics, factory, findings, policies, response
from wecare.launcher import ServiceProcess
from wecare.natsserver import NatsServer, provision


async def timed_requests(n: int, concurrency: int, send) -> tuple[float, list[float]]:  # noqa: ANN001
    secs, lat = await run_concurrently(n, concurrency, send)
    return n / secs, lat


async def raw_inserts(path: Path, n: int, concurrency: int) -> tuple[float, list[float]]:
    db = await raw_sqlite_events(path)
    lock = asyncio.Lock()
    payload = orjson.dumps(response(1)["answers"]).decode()

    async def send(i: int) -> None:
        async with lock:  # one writer, as in the store
            await db.execute("BEGIN IMMEDIATE")
            await db.execute("INSERT INTO e (event_id, stream_id, stream_version, payload) VALUES (?,?,?,?)",
                             (uuid.uuid4().hex, "survey-a1", i + 1, payload))
            await db.execute("COMMIT")

    try:
        return await timed_requests(n, concurrency, send)
    finally:
        await db.close()


async def main(n: int, concurrency: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="wecare-bench-"))
    private, jwks = local_keys(tmp / "keys")
    headers = {"Authorization": "Bearer " + issue(private, role="admin", subject="bench")}
    with NatsServer(store_dir=tmp / "nats") as nats:
        provision(nats.url)  # the streams: a service only checks them
        svc = ServiceProcess("assessment", {
            "WECARE_SERVICE": "assessment", "WECARE_NATS_URL": nats.url, "WECARE_DATA_DIR": str(tmp / "data"),
            "WECARE_LOG_LEVEL": "WARNING", "WECARE_AUTH_JWKS_FILE": str(jwks)}, log_path=tmp / "service.log").start()
        try:
            svc.wait_ready()
            async with httpx.AsyncClient(base_url=svc.url, headers=headers, timeout=30,
                                         limits=httpx.Limits(max_connections=concurrency)) as c:
                await c.post("/bd/factories", json=factory("f1"))
                await c.post("/bd/assessments", json={"assessment_id": "a1", "factory_id": "f1",
                                                      "scheduled_date": "2026-03-10", "assessors": ["x"]})
                for path, body in (("policies", policies()), ("demographics", demographics()),
                                   ("management", findings())):
                    await c.put(f"/bd/assessments/a1/{path}", json=body)

                async def health(i: int) -> None:
                    (await c.get("/health")).raise_for_status()

                async def record(i: int) -> None:
                    r = await c.post("/bd/assessments/a1/survey-responses", json=response(i, afford=i % 3 == 0))
                    r.raise_for_status()

                async def record_batch(i: int) -> None:  # offline capture: 100 responses a request
                    body = {"responses": [response(n + i * 100 + j) for j in range(100)]}
                    r = await c.post("/bd/assessments/a1/survey-responses/batch", json=body)
                    r.raise_for_status()

                h_rate, h_lat = await timed_requests(n, concurrency, health)
                rate, lat = await timed_requests(n, concurrency, record)
                b_rate, b_lat = await timed_requests(max(n // 100, 1), min(concurrency, 4), record_batch)
                b_rate *= 100
                t = time.perf_counter()
                r = await c.post("/bd/assessments/a1/complete", json={"completed_on": "2026-03-10"})
                r.raise_for_status()
                n_total = n + max(n // 100, 1) * 100
                complete_ms = (time.perf_counter() - t) * 1000
            raw_rate, raw_lat = await raw_inserts(tmp / "raw.db", n, concurrency)
        finally:
            svc.stop()
    print(f"survey load: {n} responses for one factory, {concurrency} concurrent clients, "
          f"{os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"{'what':<50} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, r_, l_ in (("survey responses through the API, one a request", rate, lat),
                         ("... in batches of 100 (latency per batch)", b_rate, b_lat),
                         ("ceiling: same HTTP stack, GET /health", h_rate, h_lat),
                         ("ceiling: raw aiosqlite insert, 1 tx each", raw_rate, raw_lat)):
        print(f"{name:<50} {r_:>9.0f} {statistics.median(l_):>8.2f} {pct(l_, 99):>8.2f}")
    print(f"API rate = {rate / h_rate:.0%} of the HTTP ceiling, {rate / raw_rate:.0%} of the raw insert ceiling")
    print(f"completing the assessment over {n_total} responses: {complete_ms:.0f} ms")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--responses", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=8)
    a = ap.parse_args()
    asyncio.run(main(a.responses, a.concurrency))
