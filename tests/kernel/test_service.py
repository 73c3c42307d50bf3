"""The service base through its HTTP API: correlation ids carried from HTTP
to the event and its NATS headers, idempotent retries, bad input that stores
nothing, health and readiness, generated contract documents."""

from __future__ import annotations

import asyncio
import json
import uuid

import nats
import pytest
from pydantic import ValidationError

from shared.contracts.headers import CORRELATION, MSG_ID
from shared.messaging.jetstream import stream_name
from shared.settings import Settings
from tests.conftest import eventually
from tests.harness import auth
from tests.kernel.harness import running, settings_for
from wecare.cli import main as wecare
from wecare.sample import CONTEXT


async def test_correlation_id_travels_from_http_to_event_and_nats(nats_server, tmp_path) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path))) as (svc, c):
        cid = uuid.uuid4().hex
        r = await c.post("/bd/visits", json={"visit_id": "c1", "factory": "F", "visit_date": "2026-01-05"},
                         headers={"X-Correlation-Id": cid,
                                  **auth("country_team", countries=["bd"], subject="country-team-bd")})
        assert r.status_code == 201 and r.headers["X-Correlation-Id"] == cid
        [env] = await svc.store.load("visit-c1")
        assert env.correlation_id == cid and env.actor == "country-team-bd" and env.country == "bd"
        await eventually(lambda: _backlog_zero(svc))
        nc = await nats.connect(nats_server.url)
        try:
            msg = await nc.jetstream().get_msg(stream_name(CONTEXT), seq=1)
            assert msg.subject == "wecare.bd.sample.visit_scheduled"
            assert msg.headers[CORRELATION] == cid and msg.headers[MSG_ID] == str(env.event_id)
        finally:
            await nc.close()


async def _backlog_zero(svc) -> bool:  # noqa: ANN001
    return await svc.store.backlog() == 0


async def test_retried_request_with_idempotency_key_appends_once(nats_server, tmp_path) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path))) as (svc, c):
        body = {"visit_id": "i1", "factory": "F", "visit_date": "2026-01-05"}
        first = await c.post("/vn/visits", json=body, headers={"Idempotency-Key": "k-1"})
        again = await c.post("/vn/visits", json=body, headers={"Idempotency-Key": "k-1"})
        assert first.status_code == again.status_code == 201
        assert first.json()["replayed"] is False and again.json()["replayed"] is True
        assert await svc.store.count() == 1


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/bd/visits", {"visit_id": "b1", "factory": "F", "visit_date": "not a date"}, "visit_date"),
    ("/bd/visits", {"visit_id": "b1", "factory": "", "visit_date": "2026-01-01"}, "factory"),
    ("/bd/visits", {"visit_id": "b 1", "factory": "F", "visit_date": "2026-01-01"}, "visit_id"),
    ("/bd/visits", {"visit_id": "b1", "factory": "F", "visit_date": "2026-01-01", "extra": 1}, "extra"),
    ("/zz/visits", {"visit_id": "b1", "factory": "F", "visit_date": "2026-01-01"}, "country"),
    ("/bd/visits/nope/complete", {"participants": -1}, "participants"),
])
async def test_bad_input_names_the_field_and_stores_nothing(nats_server, tmp_path, path, body, field) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path))) as (svc, c):
        r = await c.post(path, json=body)
        assert r.status_code == 422, r.text
        err = r.json()
        assert field in [f["field"] for f in err["fields"]] and err["correlation_id"]
        assert "Traceback" not in r.text
        assert await svc.store.count() == 0 and await svc.store.backlog() == 0


async def test_rule_broken_and_unknown_stream(nats_server, tmp_path) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path))) as (svc, c):
        r = await c.post("/bd/visits/ghost/complete", json={"participants": 1})
        assert r.status_code == 404 and r.json()["type"] == "/problems/not-found"
        await c.post("/bd/visits", json={"visit_id": "d1", "factory": "F", "visit_date": "2026-01-01"})
        await c.post("/bd/visits/d1/complete", json={"participants": 1})
        r = await c.post("/bd/visits/d1/notes", json={"note": "after the end"})
        assert r.status_code == 422 and r.json()["rule"] == "open_visit"
        assert await svc.store.count() == 2


async def test_country_deployment_serves_and_subscribes_to_its_countries_only(nats_server, tmp_path) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path), countries="bd")) as (svc, c):
        assert {country for _, _, country, _ in svc.consumers} == {"bd"}
        r = await c.post("/vn/visits", json={"visit_id": "x", "factory": "F", "visit_date": "2026-01-01"})
        assert r.status_code == 404 and "not served" in r.json()["detail"]
        ops = await nats.connect(nats_server.url)  # the operator: a service may not list consumers
        try:
            consumers = [ci.name for ci in await ops.jetstream().consumers_info(stream_name(CONTEXT))]
        finally:
            await ops.close()
        assert consumers and all(n.endswith("-bd") for n in consumers)


async def test_health_ready_and_generated_documents(nats_server, tmp_path) -> None:
    async with running(settings_for(nats_server.url, str(tmp_path))) as (svc, c):
        assert (await c.get("/health")).json()["status"] == "alive"
        ready = (await c.get("/ready")).json()
        assert ready == {"database": "ok", "nats": "ok", "streams": "ok", "ready": True}
        openapi = (await c.get("/openapi.json")).json()
        assert "/{country}/visits" in openapi["paths"]
        asyncapi = (await c.get("/asyncapi.json")).json()
        assert asyncapi["asyncapi"].startswith("3.")
        addresses = {ch["address"] for ch in asyncapi["channels"].values()}
        assert "wecare.{country}.sample.visit_scheduled" in addresses


async def test_ready_is_503_until_nats_answers(tmp_path) -> None:
    from wecare.natsserver import free_port

    s = settings_for(f"nats://127.0.0.1:{free_port()}", str(tmp_path))
    async with running(s, wait_messaging=False) as (svc, c):
        r = await c.get("/ready")
        assert r.status_code == 503 and r.json()["nats"] == "unreachable"
        r = await c.post("/bd/visits", json={"visit_id": "q1", "factory": "F", "visit_date": "2026-01-01"})
        assert r.status_code == 201  # commands are taken; their events wait in the outbox
        assert await svc.store.backlog() == 1


def test_settings_reject_an_unknown_country() -> None:
    with pytest.raises(ValidationError, match="unknown country 'xx'"):
        Settings(countries="bd,xx")
    assert Settings(countries="vn, BD").countries == ("bd", "vn")


def test_contracts_are_generated(tmp_path) -> None:
    assert wecare(["contracts", "--out", str(tmp_path)]) == 0
    schema = json.loads((tmp_path / "sample.VisitScheduled.schema.json").read_text())
    assert schema["x-wecare"]["schema_version"] == 2 and "factory" in schema["properties"]
    assert json.loads((tmp_path / "Envelope.schema.json").read_text())["properties"]["event_id"]
    assert (tmp_path / "sample.asyncapi.json").exists()


def test_settling_the_heap_frees_garbage_before_freezing_the_rest() -> None:
    """A service freezes its start-up heap (the collector skips it from then on):
    garbage cycles of the start-up must be collected first, or they are kept for
    the process's life."""
    import gc
    import weakref

    from shared.service import GC_GEN0_THRESHOLD, settle_heap

    class Node:
        pass

    kept, dropped = Node(), Node()
    dropped.self = dropped  # an unreachable cycle once its last name goes
    gone = weakref.ref(dropped)
    del dropped
    threshold = gc.get_threshold()
    try:
        settle_heap()
        assert gone() is None
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == GC_GEN0_THRESHOLD
        assert isinstance(kept, Node)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


async def test_a_service_never_creates_its_streams_and_says_who_must(tmp_path) -> None:
    """Streams are provisioned by the operator (`wecare provision`, compose's nats-provision step): a
    service on a server without them creates none (its user may not), is not ready and says which
    stream is missing and what to run; once provisioned, it carries on by itself."""
    import asyncio

    from shared.messaging.jetstream import StreamsNotProvisioned, check_streams, inbox_prefix
    from tests.conftest import NATS_PASSWORDS, _secured, provision_streams_of
    from wecare.natsserver import NatsServer

    with NatsServer(**_secured(tmp_path)) as server:  # no streams
        async with running(settings_for(server.url, str(tmp_path)), wait_messaging=False) as (svc, c):
            await asyncio.sleep(1.0)
            r = await c.get("/ready")
            assert r.status_code == 503 and not svc.messaging_ready.is_set()
            ops = await nats.connect(server.url)
            try:
                assert [n async for n in _stream_names(ops)] == []  # the service made none
            finally:
                await ops.close()
            nc = await nats.connect(f"nats://127.0.0.1:{server.port}", user="sample",
                                    password=NATS_PASSWORDS["sample"], inbox_prefix=inbox_prefix("sample"))
            try:
                with pytest.raises(StreamsNotProvisioned) as e:
                    await check_streams(nc.jetstream(), ["sample"])
            finally:
                await nc.close()
            assert "WECARE_SAMPLE" in str(e.value) and "wecare provision" in str(e.value)
            await provision_streams_of(server)
            await svc.wait_ready(15)
            assert (await c.get("/ready")).json()["streams"] == "ok"


async def _stream_names(nc):  # noqa: ANN001, ANN202
    for info in await nc.jetstream().streams_info():
        yield info.config.name


async def test_ready_costs_the_same_however_often_it_is_asked(nats_server, tmp_path) -> None:
    """/ready answers without a token and is not rate-limited: 300 probes from
    one address made 300 database round trips and 300 JetStream API requests
    on the shared server. Its checks now run at most once a second."""
    async with running(settings_for(nats_server.url, str(tmp_path))) as (svc, c):
        calls = 0
        real = svc.readiness

        async def counted() -> dict:
            nonlocal calls
            calls += 1
            return await real()

        svc.probe._check = counted  # noqa: SLF001
        svc.probe.forget()
        answers = await asyncio.gather(*(c.get("/ready") for _ in range(150)))
        for _ in range(150):
            answers.append(await c.get("/ready"))
        assert all(r.status_code == 200 and r.json()["ready"] for r in answers)
        assert 1 <= calls <= 3, calls  # within a second or so: one check, shared
