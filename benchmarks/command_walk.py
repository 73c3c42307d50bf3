"""The walk of one command through the code: a plan approved in planning
(HTTP) until delivery's work plan is written (the reaction), counted, not
timed. Prints every project function the command enters outside the event
store's and projection runner's internals (the same kernel before and after
the application layer), in order, with its file, and the totals.

    .venv/bin/python -m benchmarks.command_walk [--all]

NATS is not involved: the PlanApproved envelope the planning store wrote is
handed to delivery's consumer code directly (the relay and JetStream are the
same for every command)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
KERNEL_INTERNALS = ("shared/store/", "shared/logging.py", "shared/contracts/", "shared/projections.py",
                    "shared/countries.py", "shared/menu.py", "shared/http.py")


def _project(filename: str) -> str | None:
    try:
        rel = Path(filename).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None
    return rel if rel.startswith(("services/", "shared/")) else None


class Walk:
    """Project function calls, in order (sys.setprofile)."""

    def __init__(self, everything: bool) -> None:
        self.calls: list[tuple[str, str]] = []
        self.everything = everything
        self.entered: set[Any] = set()  # a coroutine's frame is "called" again at every resumption

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if event != "call" or frame in self.entered:
            return
        self.entered.add(frame)
        rel = _project(frame.f_code.co_filename)
        if rel is None or frame.f_code.co_name.startswith("<"):  # comprehensions, lambdas' own frames
            return
        if not self.everything and rel.startswith(KERNEL_INTERNALS):
            return
        self.calls.append((rel, frame.f_code.co_qualname))

    async def run(self, aw: Any) -> Any:
        sys.setprofile(self)
        try:
            return await aw
        finally:
            sys.setprofile(None)


async def main(everything: bool) -> None:
    from services.delivery.service import create_service as delivery_service
    from services.planning.projections import factories
    from services.planning.service import create_service as planning_service
    from shared.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="wecare-walk-"))
    common = {"auth": "off", "countries": "bd", "log_level": "WARNING", "nats_url": "nats://127.0.0.1:1"}
    planning = planning_service(Settings(service="planning", database_url=f"sqlite+aiosqlite:///{tmp}/p.db",
                                         **common))
    delivery = delivery_service(Settings(service="delivery", database_url=f"sqlite+aiosqlite:///{tmp}/d.db",
                                         **common))
    for svc in (planning, delivery):
        await svc.db.create_all(*svc.metadata)
    async with planning.db.write() as conn:  # the factory as planning learnt it from assessment
        await conn.execute(insert(factories).values(factory_id="F1", country="bd", name="F1", buyers="[]",
                                                    status="active"))
    walk = Walk(everything)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=planning.app), base_url="http://p") as c:
        r = await c.post("/bd/programmes", json={"programme_id": "otto", "name": "Otto", "buyer": "Otto Group",
                                                 "factories": ["F1"], "starts_on": "2026-03-01"})
        assert r.status_code == 201, r.text
        r = await c.post("/bd/plans", json={
            "programme_id": "otto", "factory_id": "F1",
            "kpis": [{"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}],
            "activities": [{"activity": "family_day"}, {"activity": "migrant_parents_training"}],
            "milestones": [{"name": "Kick-off", "due": "2026-03-20"}]})
        assert r.status_code == 201, r.text
        r = await walk.run(c.post("/bd/plans/otto.F1/approve",
                                  json={"approved_by": "Mr Rahman", "approved_on": "2026-03-10"}))
        assert r.status_code == 200, r.text
    http_side = len(walk.calls)
    [env] = [e for e in await planning.store.load("plan-otto.F1") if e.event_type == "PlanApproved"]
    runner = delivery.runners["work_plan_receiver"]

    async def receive() -> None:
        async with delivery.db.write(appending=True) as conn:
            await runner.apply_envelopes(conn, [env])

    await walk.run(receive())
    assert await delivery.store.count() == 1, "the work plan was not written"
    last = None
    for i, (rel, name) in enumerate(walk.calls, start=1):
        if i == http_side + 1:
            print("-- delivery, the PlanApproved event arrives --")
        print(f"{i:3} {rel:<42} {name}" + ("" if rel != last else ""))
        last = rel
    files = Counter(rel for rel, _ in walk.calls)
    print(f"\nproject functions entered: {len(walk.calls)} (planning {http_side}, delivery "
          f"{len(walk.calls) - http_side}); distinct functions {len(set(walk.calls))}; files {len(files)}")
    hops = sum(1 for a, b in zip(walk.calls, walk.calls[1:], strict=False) if a[0] != b[0])
    print(f"file-to-file hops: {hops}")
    for svc in (planning, delivery):
        await svc.db.dispose()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--all", action="store_true", help="count the event store's and runner's internals too")
    asyncio.run(main(p.parse_args().all))
