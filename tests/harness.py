"""Run a service in the test's event loop, against the real NATS server."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import cache
from pathlib import Path

import httpx

from shared.auth import issue, local_keys
from shared.service import Service
from shared.settings import Settings
from tests.conftest import NATS_PASSWORDS


@cache
def signing_keys() -> tuple[Path, Path]:
    """One key pair for the test run: (private key, JWKS)."""
    return local_keys(Path(tempfile.gettempdir()) / f"wecare-test-keys-{os.getpid()}")


def token(role: str = "admin", **kw: object) -> str:
    return issue(signing_keys()[0], role=role, subject=str(kw.pop("subject", f"test-{role}")), **kw)  # type: ignore[arg-type]


def auth(role: str = "admin", **kw: object) -> dict[str, str]:
    """The Authorization header of a token with this role and scope."""
    return {"Authorization": f"Bearer {token(role, **kw)}"}


def settings_for(service: str, nats_url: str, data_dir: str, **kw) -> Settings:  # noqa: ANN003
    base = {"service": service, "nats_url": nats_url, "data_dir": data_dir, "countries": "bd,vn",
            "auth_jwks_file": str(signing_keys()[1]),
            # the context's NATS user ("sample-1a2b" is a sample service under another name)
            "nats_user": service.split("-")[0], "nats_password": NATS_PASSWORDS.get(service.split("-")[0], ""),
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
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.app), base_url="http://svc",
                                     headers=auth()) as c:
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

    from wecare.cli import SERVICES

    out = {}
    for name in names:
        make = importlib.import_module(SERVICES[name]).create_service
        out[name] = await stack.enter_async_context(serving(make(settings_for(name, nats_url, data_dir,
                                                                               **settings))))
    return out
