"""The console's gateway in the test's event loop, in front of the five
services (in-process, on the real nats-server): `console_stack`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from console.app import create_app
from console.state import SERVICES, Accounts, Console, Upstream
from shared.auth import Verifier
from tests.conftest import _secured, provisioned
from tests.harness import serve_services, signing_keys
from wecare.natsserver import NatsServer

PASSWORD = "correct horse battery"  # every test account's


@dataclass
class ConsoleStack:
    app: FastAPI
    console: Console
    services: dict[str, Any]  # name -> (Service, admin's ASGI client)
    data_dir: str

    def browser(self) -> httpx.AsyncClient:
        """A client of the console's address, with its own cookies (one per user)."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://console",
                                 follow_redirects=False)

    def admin(self, service: str) -> httpx.AsyncClient:
        return self.services[service][1]

    def account(self, username: str, role: str = "country_team", countries: tuple[str, ...] = ("bd",),
                buyer: str | None = None) -> str:
        assert self.console.accounts is not None
        self.console.accounts.add(username, PASSWORD, role, countries, buyer, replace=True)  # tests share a stack
        return username


@asynccontextmanager
async def signed_in(stack: ConsoleStack, username: str, password: str = PASSWORD
                    ) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of this user, signed in: `async with signed_in(stack, "lina") as b:`."""
    async with stack.browser() as c:
        r = await c.post("/signin", data={"username": username, "password": password, "next": "/"})
        assert r.status_code == 303, r.text
        yield c


def console_for(services: dict[str, Any], data_dir: str, *, accounts: bool = True) -> tuple[FastAPI, Console]:
    upstream = Upstream({name: httpx.AsyncClient(transport=httpx.ASGITransport(app=services[name][0].app),
                                                 base_url=f"http://{name}", timeout=30) for name in SERVICES})
    private, jwks = signing_keys()
    from pathlib import Path

    console = Console(accounts=Accounts(Path(data_dir) / "console" / "accounts.db") if accounts else None,
                      upstream=upstream, verifier=Verifier(str(jwks)), signing_key=private if accounts else None)
    return create_app(console), console


@pytest.fixture(scope="module")
async def console_stack(tmp_path_factory) -> AsyncIterator[ConsoleStack]:
    """One stack per test module (starting the five services is most of a console test's time): the
    tests of a module share it, each with data of its own (ids, accounts)."""
    tmp = tmp_path_factory.mktemp("console")
    async with AsyncExitStack() as stack:
        server = stack.enter_context(NatsServer(**_secured(tmp)))
        provisioned(server)
        services = await serve_services(stack, list(SERVICES), server.url, str(tmp))
        app, console = console_for(services, str(tmp))
        async with app.router.lifespan_context(app):
            yield ConsoleStack(app, console, services, str(tmp))
