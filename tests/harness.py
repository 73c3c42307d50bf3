"""Run a service in the test's event loop, against the real NATS server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx

from shared.service import Service
from shared.settings import Settings


def settings_for(service: str, nats_url: str, data_dir: str, **kw) -> Settings:  # noqa: ANN003
    base = {"service": service, "nats_url": nats_url, "data_dir": data_dir, "countries": "bd,vn",
            "log_format": "console", "log_level": "WARNING", "consumer_backoff_s": (0.1, 0.2, 0.3),
            "consumer_max_attempts": 3, "relay_poll_s": 0.1}
    base.update(kw)
    return Settings(**base)


@asynccontextmanager
async def serving(svc: Service, wait_messaging: bool = True) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    await svc.start()
    try:
        if wait_messaging:
            await svc.wait_ready(30)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.app), base_url="http://svc") as c:
            yield svc, c
    finally:
        await svc.stop()


async def no_lag(c: httpx.AsyncClient) -> bool:
    st = (await c.get("/ops/status")).json()
    return st["outbox_backlog"] == 0 and all(v == 0 for p in st["projections"].values() for v in p["lag"].values())


async def serve_services(stack: AsyncExitStack, names: list[str], nats_url: str, data_dir: str,
                         **settings: object) -> dict[str, tuple[Service, httpx.AsyncClient]]:
    """Several services of the product, each serving in this event loop until `stack` closes."""
    import importlib

    from shared.cli import SERVICES

    out = {}
    for name in names:
        make = importlib.import_module(SERVICES[name]).create_service
        out[name] = await stack.enter_async_context(serving(make(settings_for(name, nats_url, data_dir,
                                                                               **settings))))
    return out
