"""The kernel's sample service in the test's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx

from shared.projections import Projection
from shared.service import Service
from shared.settings import Settings
from tests import harness
from wecare.sample import CONTEXT, VisitBoard, metadata
from wecare.sample_service import HANDLERS, router


def settings_for(nats_url: str, data_dir: str, service: str = CONTEXT, **kw) -> Settings:  # noqa: ANN003
    return harness.settings_for(service, nats_url, data_dir, **kw)


@asynccontextmanager
async def running(settings: Settings, projections: Sequence[Projection] | None = None,
                  wait_messaging: bool = True) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    svc = Service(CONTEXT, settings, projections=projections if projections is not None else [VisitBoard()],
                  metadata=[metadata], routers=[router], handlers=HANDLERS)
    async with harness.serving(svc, wait_messaging) as (svc, c):
        yield svc, c


async def schedule(c: httpx.AsyncClient, country: str, visit_id: str, factory: str = "F") -> httpx.Response:
    r = await c.post(f"/{country}/visits", json={"visit_id": visit_id, "factory": factory,
                                                  "visit_date": "2026-04-01"})
    assert r.status_code == 201, r.text
    return r
