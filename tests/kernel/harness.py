"""Run a service in the test's event loop, against the real NATS server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx

from shared.projections import Projection
from shared.sample import CONTEXT, VisitBoard, metadata
from shared.sample_service import router
from shared.service import Service
from shared.settings import Settings


def settings_for(nats_url: str, data_dir: str, **kw) -> Settings:  # noqa: ANN003
    base = {"service": CONTEXT, "nats_url": nats_url, "data_dir": data_dir, "countries": "bd,vn",
            "log_format": "console", "log_level": "WARNING", "consumer_backoff_s": (0.1, 0.2, 0.3),
            "consumer_max_attempts": 3, "relay_poll_s": 0.1}
    base.update(kw)
    return Settings(**base)


@asynccontextmanager
async def running(settings: Settings, projections: Sequence[Projection] | None = None,
                  wait_messaging: bool = True) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    svc = Service(CONTEXT, settings, projections=projections if projections is not None else [VisitBoard()],
                  metadata=[metadata], routers=[router])
    await svc.start()
    try:
        if wait_messaging:
            await svc.wait_ready(30)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.app), base_url="http://svc") as c:
            yield svc, c
    finally:
        await svc.stop()


async def schedule(c: httpx.AsyncClient, country: str, visit_id: str, factory: str = "F") -> httpx.Response:
    r = await c.post(f"/{country}/visits", json={"visit_id": visit_id, "factory": factory,
                                                  "visit_date": "2026-04-01"})
    assert r.status_code == 201, r.text
    return r
