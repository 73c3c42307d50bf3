"""Rate limits per caller (token subject) and per client address: 429 with
Retry-After (whole seconds) and the limit named; another caller or address
is not affected; after Retry-After the caller is served again; /health and
/ready are never limited; X-Forwarded-For counts only from a trusted proxy."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from services.assessment.service import create_service as assessment_service
from tests.harness import auth, serving, settings_for


async def until_refused(c: httpx.AsyncClient, headers: dict[str, str], at_most: int) -> tuple[int, httpx.Response]:
    """Requests until one is refused: (how many passed, the refusal)."""
    for passed in range(at_most):
        r = await c.get("/bd/factories", headers=headers)
        if r.status_code == 429:
            return passed, r
        assert r.status_code in (200, 401), r.text
    raise AssertionError(f"{at_most} requests passed")


async def at_a_window_start(window_s: float = 2.0) -> None:
    """Wait for the start of the limits' next window (the library's windows are
    multiples of their length since the epoch), so that a test's few requests
    fall in one: the sliding count weighs the previous window's requests by the
    share of it left, so at a boundary one more request than the amount may pass."""
    await asyncio.sleep(window_s - time.time() % window_s + 0.01)


@pytest.fixture
async def limited(nats_server, tmp_path):
    settings = settings_for("assessment", nats_server.url, str(tmp_path), rate_limit_token="4/2 seconds",
                            rate_limit_address="12/2 seconds")
    async with serving(assessment_service(settings)) as (svc, c):
        yield svc, c


def client_at(svc, address: str, **headers: str) -> httpx.AsyncClient:  # noqa: ANN001
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.app, client=(address, 40000)),
                             base_url="http://svc", headers=headers)


async def test_a_token_over_its_limit_waits_and_another_token_does_not(limited):
    svc, _ = limited
    ana, ben = auth(subject="ana"), auth(subject="ben")
    async with client_at(svc, "10.0.0.1") as one, client_at(svc, "10.0.0.2") as two:
        await at_a_window_start()
        passed, r = await until_refused(one, ana, at_most=8)
        assert passed == 4
        body = r.json()
        assert body["type"] == "/problems/rate-limited" and body["per"] == "token" and body["limit"] == "4 per 2 second"
        assert "4 per 2 second per token" in body["detail"] and body["correlation_id"] == r.headers["x-correlation-id"]
        wait = r.headers["Retry-After"]
        assert wait.isdigit() and 1 <= int(wait) <= 4 and body["retry_after_s"] == int(wait)
        # the same token from another address is the same caller; another token is served
        assert (await two.get("/bd/factories", headers=ana)).status_code == 429
        assert (await two.get("/bd/factories", headers=ben)).status_code == 200
        await asyncio.sleep(int(wait))
        assert (await one.get("/bd/factories", headers=ana)).status_code == 200  # after Retry-After: served


async def test_an_address_over_its_limit_waits_whatever_the_token(limited):
    svc, _ = limited
    async with client_at(svc, "10.0.0.3") as one, client_at(svc, "10.0.0.4") as two:
        tokens = [auth(subject=f"caller-{i}") for i in range(14)]
        no_token = {"Authorization": ""}
        await at_a_window_start()
        statuses = [(await one.get("/bd/factories", headers=tokens[i] if i % 2 else no_token)).status_code
                    for i in range(14)]
        assert statuses == [401, 200] * 6 + [429, 429], statuses  # unauthenticated ones count too
        r = await one.get("/bd/factories", headers=tokens[13])
        assert r.status_code == 429 and r.json()["per"] == "client address" and r.headers["Retry-After"].isdigit()
        for probe in ("/health", "/ready"):  # never limited
            assert (await one.get(probe)).status_code == 200
        assert (await two.get("/bd/factories", headers=tokens[0])).status_code == 200  # another address


async def test_x_forwarded_for_names_the_client_only_from_a_trusted_proxy(nats_server, tmp_path):
    settings = settings_for("assessment", nats_server.url, str(tmp_path), rate_limit_token="",
                            rate_limit_address="2/2 seconds", trusted_proxies="10.1.0.0/16")
    async with serving(assessment_service(settings)) as (svc, _):
        async with client_at(svc, "10.1.0.5") as proxy, client_at(svc, "192.0.2.7") as direct:
            await at_a_window_start()
            for client in ("198.51.100.1", "198.51.100.2"):  # behind the proxy: each client its own budget
                fwd = {**auth(), "X-Forwarded-For": f"203.0.113.9, {client}"}
                assert [(await proxy.get("/bd/factories", headers=fwd)).status_code for _ in range(3)] \
                    == [200, 200, 429]
            spoofed = [(await direct.get("/bd/factories", headers={**auth(), "X-Forwarded-For": f"198.51.100.{i}"}
                                         )).status_code for i in range(10, 13)]
            assert spoofed == [200, 200, 429]  # not a trusted proxy: its own address counts, not what it says


@pytest.mark.unit
async def test_an_ipv6_hosts_addresses_share_one_budget():
    """A host is given a whole IPv6 /64: keyed by the exact address, each of
    its 2**64 addresses had a budget of its own."""
    from shared.ratelimit import RateLimited, RateLimits, client_key

    limits = RateLimits(per_address="3/minute")
    for i in range(3):
        await limits.address(f"2001:db8:1:2::{i + 1:x}")
    with pytest.raises(RateLimited):
        await limits.address("2001:db8:1:2:ffff::9")  # the same /64
    await limits.address("2001:db8:1:3::1")  # the next /64: another host
    assert client_key("::ffff:10.0.0.1") == client_key("10.0.0.1") == "10.0.0.1"
    assert client_key("unknown") == "unknown"
