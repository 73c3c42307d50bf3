"""The buyers' feed and webhooks as a contract (issue 21, "An API contract a
buyer's developer can generate a client from"): the webhooks in the OpenAPI
(`webhooks`), the feed and the webhooks in an AsyncAPI document valid against
the AsyncAPI 3.0.0 JSON Schema, and each record's `dataschema` a URL that
answers with the JSON Schema its `data` is valid against.

Unit tests on the service's app (no NATS, no HTTP server), and one stack
test: a real feed from the five services, each record's dataschema fetched
as a buyer's consumer would (no token) and each webhook body checked
against the OpenAPI and AsyncAPI schemas of its type."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
import orjson
import pytest
from pydantic import ValidationError

from services.buyers.projections import render
from services.buyers.service import create_service
from shared.contracts.feed import TYPES
from shared.settings import Settings
from tests.buyers.conftest import OTTO, WEBHOOKS, BuyersStack, Receiver
from tests.conftest import eventually
from tests.evaluation.conftest import endline
from tests.harness import serve_services

ASYNCAPI_SCHEMA = Path(__file__).parent / "asyncapi_spec" / "3.0.0.json"
HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


@pytest.fixture(scope="module")
def app() -> Any:
    """The buyers service's app, not started: its documents need no database."""
    return create_service(Settings(service="buyers", log_level="ERROR", public_url="https://wecare.example.org/api")).app


async def _get(app: Any, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as c:
        return await c.get(path, headers=headers)


def _validator(root: dict[str, Any], ref: str) -> jsonschema.Validator:
    """A validator of the schema `ref` points to inside a whole document (its other $refs resolved there)."""
    return jsonschema.Draft202012Validator({**root, "$ref": ref})


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + [
            r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _pointer(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


# -- OpenAPI: webhooks ---------------------------------------------------------------------------

def test_the_openapi_describes_the_post_each_record_type_makes_to_an_endpoint(app: Any) -> None:
    """Finding: the buyers' webhooks were in no document: a buyer's developer
    could not generate a receiver from the OpenAPI."""
    doc = app.openapi()
    assert doc["openapi"].startswith("3.1")
    hooks = doc.get("webhooks", {})
    assert set(hooks) == set(TYPES)
    ids = set()
    for t, item in hooks.items():
        op = item["post"]
        ids.add(op["operationId"])
        headers = {p["name"]: p for p in op["parameters"] if p["in"] == "header"}
        assert set(HEADERS) <= set(headers) and all(headers[h]["required"] for h in HEADERS)
        assert "HMAC-SHA256" in headers["webhook-signature"]["description"]
        body = op["requestBody"]
        assert body["required"] and list(body["content"]) == ["application/cloudevents+json"]
        record = _pointer(doc, body["content"]["application/cloudevents+json"]["schema"]["$ref"])
        assert record["properties"]["type"]["const"] == t
        data = _pointer(doc, record["properties"]["data"]["$ref"])
        assert set(data["required"]) >= {"programme_id", "country", "factory_id"}
        # the answers the sender expects: any 2xx; anything else is retried (no 401/422 of the API's own)
        assert set(op["responses"]) == {"204", "default"}
        assert "retried" in op["description"] and "parked after" in op["description"]
        assert op["security"] == []  # no bearer token: the body is signed
    assert len(ids) == len(TYPES) and all(i.startswith("receive") for i in ids)
    # the pull feed's page is described too (records typed per type, by `type`)
    page = doc["paths"]["/buyers/{buyer}/feed"]["get"]["responses"]["200"]["content"]["application/json"]
    assert page["schema"] == {"$ref": "#/components/schemas/FeedPage"}
    assert all(doc["paths"][p]["get"]["security"] == [] for p in doc["paths"] if p.startswith("/feed/"))


# -- AsyncAPI ----------------------------------------------------------------------------------------

async def test_the_asyncapi_document_of_the_feed_and_webhooks_is_valid_asyncapi_3(app: Any) -> None:
    """Finding: the buyers service's AsyncAPI document described the NATS
    subjects it reads, nothing of what a buyer receives. Now /feed/asyncapi.json
    describes the feed and the webhooks, valid against the AsyncAPI 3.0.0 JSON
    Schema (the AsyncAPI Initiative's, vendored), every reference resolving."""
    r = await _get(app, "/feed/asyncapi.json")  # no token: a document, no data
    assert r.status_code == 200, r.text
    doc = r.json()
    spec = json.loads(ASYNCAPI_SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in jsonschema.Draft7Validator(spec).iter_errors(doc)]
    assert errors == []
    for ref in _refs(doc):  # the JSON Schema does not follow references: each must point at something
        assert ref.startswith("#/"), ref
        _pointer(doc, ref)
    # the server is the service's public URL, behind a bearer token; the webhooks are signed
    assert doc["servers"]["wecare"] | {"security": None} == {
        "host": "wecare.example.org", "protocol": "https", "pathname": "/api", "description": "the buyers service",
        "security": None}
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer" and schemes["webhookSignature"]["name"] == "webhook-signature"
    # one message per record type on the webhook channel, its payload the record's schema
    webhook = doc["channels"]["webhook"]["messages"]
    assert {_pointer(doc, m["$ref"])["name"] for m in webhook.values()} == set(TYPES)
    for m in webhook.values():
        msg = _pointer(doc, m["$ref"])
        record = _pointer(doc, msg["payload"]["$ref"])
        assert record["properties"]["type"]["const"] == msg["name"]
        assert set(msg["headers"]["required"]) >= set(HEADERS)
    # each operation's messages are messages of its channel (what the JSON Schema cannot check)
    for op in doc["operations"].values():
        channel = op["channel"]["$ref"]
        assert all(m["$ref"].startswith(channel + "/messages/") for m in op["messages"])
        if "reply" in op:
            assert all(m["$ref"].startswith(op["reply"]["channel"]["$ref"] + "/messages/")
                       for m in op["reply"]["messages"])
    assert doc["operations"]["readFeed"]["bindings"]["http"]["method"] == "GET"
    assert doc["operations"]["deliverRecord"]["bindings"]["http"]["method"] == "POST"


async def test_the_documents_answer_without_a_token_and_nothing_else_does(app: Any) -> None:
    """Schemas are not data: they answer anyone (a CloudEvents consumer fetches
    a `dataschema` with no token to send); the feed itself still needs one."""
    for path in ("/feed/types", "/feed/schemas", "/feed/asyncapi.json",
                 *(f"/feed/schemas/{t}.json" for t in TYPES), *(f"/feed/schemas/{t}/data.json" for t in TYPES)):
        r = await _get(app, path)
        assert r.status_code == 200, (path, r.status_code)
    assert (await _get(app, "/feed/schemas/org.wecare.payroll.v1/data.json")).status_code == 404
    assert (await _get(app, f"/buyers/{OTTO}/feed")).status_code == 401
    assert (await _get(app, f"/buyers/{OTTO}/webhooks")).status_code == 401
    data = (await _get(app, "/feed/schemas/org.wecare.session.delivered.v1/data.json")).json()
    jsonschema.Draft202012Validator.check_schema(data)
    assert data["$id"] == "https://wecare.example.org/api/feed/schemas/org.wecare.session.delivered.v1/data.json"


# -- dataschema -------------------------------------------------------------------------------------------

def test_a_records_dataschema_is_an_absolute_url_under_the_public_url() -> None:
    """Finding: `dataschema` was `urn:wecare:schema:<type>`, which nothing
    answers. It is now made when the record is rendered (a record stored
    before, with the URN, is served with the URL too)."""
    stored = {"specversion": "1.0", "id": "e1", "type": "org.wecare.programme.closed.v1",
              "dataschema": "urn:wecare:schema:org.wecare.programme.closed.v1", "data": {}}
    rec = orjson.loads(render(SimpleNamespace(record=json.dumps(stored), position=7), "https://h.example/p"))
    assert rec["dataschema"] == "https://h.example/p/feed/schemas/org.wecare.programme.closed.v1/data.json"
    assert rec["sequence"] == "0000000000000007"
    # the public URL: set, or this host and port (a wildcard host is reached on loopback)
    assert Settings(public_url="https://wecare.example.org/").resolved_public_url() == "https://wecare.example.org"
    assert Settings(http_host="0.0.0.0", http_port=8105).resolved_public_url() == "http://127.0.0.1:8105"  # noqa: S104
    with pytest.raises(ValidationError, match="public_url"):
        Settings(public_url="wecare.example.org")


async def _evaluate_and_close(s: BuyersStack, country: str, plan_id: str) -> None:
    """Endline, evaluation, sustainability plan and closing, on days already past."""
    e = s.evaluation
    r = await e.post(f"/{country}/evaluations/{plan_id}/endline", json=endline(measured_on="2026-11-10"))
    assert r.status_code == 200, r.text
    assert (await e.post(f"/{country}/evaluations/{plan_id}/evaluate")).status_code == 200
    r = await e.post(f"/{country}/evaluations/{plan_id}/sustainability", json={
        "workshop_on": "2026-11-20", "participants": 14, "practices": [
            {"practice": "Child friendly space every summer", "owner": "HR manager", "due": "2027-07-01"}]})
    assert r.status_code == 200, r.text
    r = await e.post(f"/{country}/evaluations/{plan_id}/close", json={"closed_on": "2026-11-28"})
    assert r.status_code == 200, r.text


@pytest.fixture
async def stack(nats_server, tmp_path) -> Any:
    """The five services; the buyers service's public URL is the one its test client answers."""
    from contextlib import AsyncExitStack

    async with AsyncExitStack() as es:
        clients = await serve_services(es, ["assessment", "planning", "delivery", "evaluation"], nats_server.url,
                                       str(tmp_path))
        (b,) = (await serve_services(es, ["buyers"], nats_server.url, str(tmp_path), **WEBHOOKS,
                                     public_url="http://svc")).values()
        yield BuyersStack(clients["assessment"][1], clients["planning"][1], clients["delivery"][1],
                          clients["evaluation"][1], clients["evaluation"][0], buyers=b[1], buyers_service=b[0])


async def test_each_records_dataschema_answers_with_the_schema_its_data_is_valid_against(
        stack: BuyersStack, receiver: Receiver) -> None:
    """Every record of a real feed (every type), read from the feed and received
    as a webhook: its `dataschema` fetched with no token answers 200 with a JSON
    Schema that its `data` is valid against; the webhook's body is valid against
    its type's schema in the OpenAPI `webhooks` and in the AsyncAPI document."""
    s = stack
    hook = await s.register(OTTO, f"{receiver.url}/otto", start="beginning")
    receiver.secrets = {"otto": [hook["secret"]]}
    plan_id = await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    r = await s.assessment.put("/bd/factories/F1/identifiers", json={"os_id": "BD2019303BQ3FZP"})
    assert r.status_code == 200, r.text  # and the feed's factory.identified record
    work = (await s.delivery.get(f"/bd/deliveries/{plan_id}")).json()
    r = await s.delivery.post(f"/bd/deliveries/{plan_id}/milestones/reach", json={
        "milestone": work["milestones"][0]["name"], "reached_on": "2026-06-30"})
    assert r.status_code == 200, r.text
    await _evaluate_and_close(s, "bd", plan_id)
    await s.settled()
    records = [orjson.loads(b) for b in await s.feed(OTTO, limit=100)]
    assert {r["type"] for r in records} == set(TYPES)

    fetched: dict[str, dict[str, Any]] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=s.buyers_service.app)) as anyone:  # no token
        for rec in records:
            url = rec["dataschema"]
            assert urlsplit(url).scheme == "http" and urlsplit(url).netloc == "svc", url
            if url not in fetched:
                r = await anyone.get(url)
                assert r.status_code == 200 and r.headers["content-type"] == "application/json", (url, r.text)
                fetched[url] = r.json()
                jsonschema.Draft202012Validator.check_schema(fetched[url])
            jsonschema.Draft202012Validator(fetched[url]).validate(rec["data"])

    await eventually(lambda: len(receiver.accepted.get("otto", [])) >= len(records), timeout=30)
    openapi = s.buyers_service.app.openapi()
    spec = (await s.buyers.get("/feed/asyncapi.json")).json()
    messages = {_pointer(spec, m["$ref"])["name"]: _pointer(spec, m["$ref"])
                for m in spec["channels"]["webhook"]["messages"].values()}
    for rec in receiver.records("otto"):
        body = openapi["webhooks"][rec["type"]]["post"]["requestBody"]["content"]["application/cloudevents+json"]
        _validator(openapi, body["schema"]["$ref"]).validate(rec)
        _validator(spec, messages[rec["type"]]["payload"]["$ref"]).validate(rec)
    assert receiver.rejected == []
    assert sorted(receiver.records("otto"), key=lambda r: r["sequence"]) == records  # the same records

