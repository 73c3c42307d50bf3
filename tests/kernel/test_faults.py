"""The guarantees under faults, with real processes: a service SIGKILLed
between commit and publish, NATS killed mid-flow, SIGTERM with messages in
flight. Nothing acknowledged is lost; nothing is applied twice."""

from __future__ import annotations

import asyncio
import time

import httpx
import nats
import pytest

from shared.messaging.jetstream import stream_name
from tests.conftest import NATS_PASSWORDS, eventually
from tests.harness import auth, no_lag, signing_keys
from wecare.launcher import ServiceProcess
from wecare.sample import CONTEXT

pytestmark = pytest.mark.slow


def service(nats_url: str, tmp_path, db_url: str | None = None) -> ServiceProcess:  # noqa: ANN001
    env = {"WECARE_SERVICE": CONTEXT, "WECARE_NATS_URL": nats_url, "WECARE_DATA_DIR": str(tmp_path / "data"),
           "WECARE_AUTH_JWKS_FILE": str(signing_keys()[1]),
           "WECARE_NATS_USER": CONTEXT, "WECARE_NATS_PASSWORD": NATS_PASSWORDS[CONTEXT],
           "WECARE_COUNTRIES": "bd,vn", "WECARE_LOG_FORMAT": "json", "WECARE_RELAY_POLL_S": "0.1"}
    if db_url:
        env["WECARE_DATABASE_URL"] = db_url
    return ServiceProcess("sample", env, log_path=tmp_path / "service.log")


async def js_messages(nats_url: str) -> int:
    nc = await nats.connect(nats_url)
    try:
        return (await nc.jetstream().stream_info(stream_name(CONTEXT))).state.messages
    finally:
        await nc.close()


async def board(c: httpx.AsyncClient, country: str = "bd") -> dict:
    return (await c.get(f"/{country}/visits")).json()


def post_visit(c: httpx.AsyncClient, vid: str, country: str = "bd"):  # noqa: ANN201
    return c.post(f"/{country}/visits", json={"visit_id": vid, "factory": "F", "visit_date": "2026-05-01"})


async def test_sigkill_between_commit_and_publish(own_nats, tmp_path) -> None:
    own_nats.stop()  # the relay cannot publish: every event stays between commit and publish
    svc = service(own_nats.url, tmp_path).start()
    try:
        async with httpx.AsyncClient(headers=auth(), base_url=svc.url) as c:
            for i in range(10):
                assert (await post_visit(c, f"k{i}")).status_code == 201
        svc.kill()  # SIGKILL: no shutdown code runs
        own_nats.start()
        svc.start()
        svc.wait_ready()
        async with httpx.AsyncClient(headers=auth(), base_url=svc.url) as c:
            await eventually(lambda: _count(c, 10), timeout=15)
            assert (await c.get("/ops/status")).json()["outbox_backlog"] == 0
        assert await js_messages(own_nats.url) == 10
    finally:
        svc.stop()


async def _count(c: httpx.AsyncClient, n: int, country: str = "bd") -> bool:
    b = await board(c, country)
    assert len(b["visits"]) <= n, f"more rows than events: {len(b['visits'])}"
    return b["totals"]["scheduled"] == n and len(b["visits"]) == n


async def test_nats_killed_and_restarted_mid_flow(own_nats, tmp_path) -> None:
    svc = service(own_nats.url, tmp_path).start()
    svc.wait_ready()
    acknowledged: list[str] = []
    try:
        async with httpx.AsyncClient(headers=auth(), base_url=svc.url, timeout=10) as c:

            async def writer() -> None:
                for i in range(60):
                    vid = f"m{i}"
                    r = await post_visit(c, vid)
                    if r.status_code == 201:
                        acknowledged.append(vid)
                    await asyncio.sleep(0.03)

            task = asyncio.create_task(writer())
            await asyncio.sleep(0.6)
            own_nats.stop(kill=True)
            await asyncio.sleep(2.0)
            own_nats.start()
            restarted = time.monotonic()
            await task
            assert len(acknowledged) == 60  # the API kept taking commands throughout
            await eventually(lambda: _count(c, 60), timeout=10)
            await eventually(lambda: no_lag(c), timeout=10)  # deliveries whose acks the crash lost came again
            resumed_in = time.monotonic() - restarted
            assert resumed_in < 10, resumed_in
            b = await board(c)
            assert sorted(v["visit_id"] for v in b["visits"]) == sorted(f"visit-{v}" for v in acknowledged)
        assert await js_messages(own_nats.url) == 60
    finally:
        svc.stop()


async def test_sigterm_with_messages_in_flight_loses_nothing(own_nats, tmp_path) -> None:
    svc = service(own_nats.url, tmp_path).start()
    svc.wait_ready()
    try:
        async with httpx.AsyncClient(headers=auth(), base_url=svc.url, timeout=10) as c:
            rs = await asyncio.gather(*(post_visit(c, f"t{i}", "vn") for i in range(100)))
            assert all(r.status_code == 201 for r in rs)
        code = svc.terminate()  # at once, while the relay and the consumers are busy
        # uvicorn re-raises SIGTERM after its graceful shutdown, so -15 is a clean exit too
        assert code in (0, -15), svc.log_path.read_text()[-2000:]
        svc.start()
        svc.wait_ready()
        async with httpx.AsyncClient(headers=auth(), base_url=svc.url) as c:
            await eventually(lambda: _count(c, 100, "vn"), timeout=15)
        assert await js_messages(own_nats.url) == 100
        log = svc.log_path.read_text()
        assert "service.stopped" in log  # the graceful path ran
    finally:
        svc.stop()


async def test_database_reconnect_loses_no_acknowledged_command(own_nats, tmp_path, pg_database) -> None:
    """PostgreSQL drops every connection of the service in the middle of a flow."""
    import asyncpg

    svc = service(own_nats.url, tmp_path, db_url=pg_database).start()
    svc.wait_ready()
    name = pg_database.rsplit("/", 1)[1]
    acknowledged: list[str] = []
    try:
        async with httpx.AsyncClient(headers=auth(), base_url=svc.url, timeout=10) as c:
            for i in range(40):
                if i in (10, 25):
                    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
                    await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = $1 AND pid <> pg_backend_pid()", name)
                    await admin.close()
                r = await post_visit(c, f"d{i}")
                assert r.status_code in (201, 500, 503), r.text
                if r.status_code == 201:
                    acknowledged.append(f"visit-d{i}")
                else:
                    assert "correlation_id" in r.json()  # a message for people, not a traceback
            assert len(acknowledged) >= 36
            await eventually(lambda: _rows(c, acknowledged), timeout=15)
    finally:
        svc.stop()


async def _rows(c: httpx.AsyncClient, expected: list[str]) -> bool:
    b = await board(c)
    return sorted(v["visit_id"] for v in b["visits"]) == sorted(expected)
