"""The API contract a buyer's developer generates a client from (issue #21): the
OpenAPI of every service declares the bearer scheme on each operation that needs a
token, every refusal as an RFC 9457 problem (application/problem+json, the named
Problem schema, a real body as example), readable unique operation ids; and the
services answer so: 415 for a body that is not JSON, 412 for a stale If-Match, ETag
and 304 on reads, RFC 8288 Link headers on lists. In-process, on SQLite; the reads of
read models with a nats-server (the service's own events reach them through it)."""

from __future__ import annotations

import importlib
import re

import jsonschema
import pytest

from shared.problems import KINDS, MEDIA_TYPE
from tests.assessment.builders import factory
from tests.conftest import eventually
from tests.harness import serving, settings_for
from tests.test_access_matrix import PUBLIC as OPEN
from wecare.cli import SERVICES as MODULES

PUBLIC = {*OPEN, "/problems/{kind}"}  # answer without a token
DOCUMENTED = {401, 403, 404, 409, 412, 413, 415, 422, 429, 503}


@pytest.fixture
async def assessment(nats_server, tmp_path):  # noqa: ANN001, ANN201
    from services.assessment.service import create_service

    async with serving(create_service(settings_for("assessment", nats_server.url, str(tmp_path)))) as running:
        yield running


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> dict[str, dict]:  # noqa: ANN001
    """Each service's OpenAPI document, from its app (not started: the document needs no database)."""
    out = {}
    for name, module in MODULES.items():
        settings = settings_for(name, "nats://127.0.0.1:1", str(tmp_path_factory.mktemp(name)), log_level="ERROR")
        out[name] = importlib.import_module(module).create_service(settings).app.openapi()
    return out


def operations(spec: dict):  # noqa: ANN201
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


@pytest.mark.unit
def test_the_bearer_scheme_is_declared_and_applied_to_every_operation_that_needs_a_token(specs) -> None:
    for name, spec in specs.items():
        scheme = spec["components"]["securitySchemes"]["bearer"]
        assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT"), name
        for path, method, op in operations(spec):
            if path in PUBLIC:
                assert not op.get("security"), (name, method, path)
            else:
                assert op.get("security") == [{"bearer": []}], (name, method, path)


@pytest.mark.unit
def test_every_refusal_is_declared_as_a_problem_with_a_real_example(specs) -> None:
    for name, spec in specs.items():
        schemas = spec["components"]["schemas"]
        validator = jsonschema.Draft202012Validator({**schemas["Problem"], "components": {"schemas": schemas}})
        checked = set()
        assert {"type", "title", "status", "detail", "instance"} <= set(schemas["Problem"]["properties"])
        assert "HTTPValidationError" not in schemas, name  # FastAPI's own 422 shape answers nowhere
        seen = set()
        for path, method, op in operations(spec):
            for code, answer in op["responses"].items():
                if not code.startswith(("4", "5")):
                    continue
                seen.add(int(code))
                assert set(answer["content"]) == {MEDIA_TYPE}, (name, method, path, code)
                body = answer["content"][MEDIA_TYPE]
                assert body["schema"] == {"$ref": "#/components/schemas/Problem"}
                for example in body["examples"].values():
                    v = example["value"]
                    if repr(v) not in checked:
                        validator.validate(v)
                        checked.add(repr(v))
                    assert v["status"] == int(code) and v["correlation_id"], (path, code, v)
                    assert v["type"] == "about:blank" or KINDS[v["type"].removeprefix("/problems/")].status == v[
                        "status"]
        assert seen >= DOCUMENTED, (name, DOCUMENTED - seen)
        # a write declares 412 (stale If-Match) and 415 (not JSON); a read with a path parameter 404
        approve = spec["paths"].get("/{country}/plans/{plan_id}/approve", {}).get("post")
        if approve:
            assert {"409", "412", "413", "415", "422"} <= set(approve["responses"])


@pytest.mark.unit
def test_operation_ids_are_the_functions_names_in_camel_case_and_unique(specs) -> None:
    for name, spec in specs.items():
        ids = [op["operationId"] for _, _, op in operations(spec)]
        assert len(ids) == len(set(ids)), (name, sorted(i for i in ids if ids.count(i) > 1))
        for i in ids:
            assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", i) and len(i) <= 30, (name, i)
        for _, _, op in operations(spec):  # the links follow
            for answer in op["responses"].values():
                assert {link["operationId"] for link in answer.get("links", {}).values()} <= set(ids)
    planning = {op["operationId"]: (m, p) for p, m, op in operations(specs["planning"])}
    assert planning["approvePlan"] == ("post", "/{country}/plans/{plan_id}/approve")
    assert planning["getPlan"] == ("get", "/{country}/plans/{plan_id}")
    links = specs["planning"]["paths"]["/{country}/plans"]["post"]["responses"]["201"]["links"]
    assert links["approve_plan"]["operationId"] == "approvePlan"


@pytest.mark.unit
def test_reads_declare_etag_and_304_and_lists_their_links(specs) -> None:
    spec = specs["assessment"]
    one = spec["paths"]["/{country}/factories/{factory_id}"]["get"]
    assert "ETag" in one["responses"]["200"]["headers"] and "304" in one["responses"]
    assert any(p["name"] == "If-None-Match" and p["in"] == "header" for p in one["parameters"])
    listed = spec["paths"]["/{country}/factories"]["get"]["responses"]["200"]["headers"]
    assert {"Link", "ETag"} <= set(listed)
    change = spec["paths"]["/{country}/factories/{factory_id}"]["patch"]
    assert any(p["name"].lower() == "if-match" for p in change["parameters"])
    assert "Link" in specs["buyers"]["paths"]["/buyers/{buyer}/feed"]["get"]["responses"]["200"]["headers"]


def _problem(r, status: int, kind: str) -> dict:  # noqa: ANN001
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == MEDIA_TYPE
    body = r.json()
    assert body["type"] == f"/problems/{kind}" and body["status"] == status and body["title"] == KINDS[kind].title
    assert body["correlation_id"] == r.headers["x-correlation-id"] and body["detail"]
    return body


@pytest.mark.unit
async def test_a_body_that_is_not_json_is_refused_with_415_and_nothing_is_stored(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("assessment")
    data = '{"factory_id": "f1", "name": "F1", "supplier": "S", "region": "Dhaka", "sector": "garment", ' \
           '"buyers": ["Otto Group"], "headcount": 10}'
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "application/xml", None):
        headers = {"Content-Type": ctype} if ctype else {}
        r = await c.post("/bd/factories", content=data, headers=headers)
        body = _problem(r, 415, "unsupported-media-type")
        assert body["field"] == "Content-Type" and "application/json" in body["detail"], body
        assert body["instance"] == "/bd/factories"
    assert await svc.store.count() == 0  # nothing stored
    r = await c.post("/bd/factories", content=data, headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201, r.text
    r = await c.post("/ops/parked/redrive")  # a write with no body at all needs no Content-Type
    assert r.status_code == 200, r.text


async def test_a_stale_if_match_is_412_and_an_etag_round_trips(assessment) -> None:  # noqa: ANN001
    _, c = assessment
    assert (await c.post("/bd/factories", json=factory("f1"))).status_code == 201

    async def read() -> object:
        r = await c.get("/bd/factories/f1")
        return r if r.status_code == 200 else None

    r = await eventually(read)
    etag = r.headers["etag"]
    assert re.fullmatch(r'"1-[0-9a-f]{20}"', etag), etag  # strong: the stream version, then a digest
    again = await c.get("/bd/factories/f1", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert (await c.get("/bd/factories/f1", headers={"If-None-Match": '"0-x", W/' + etag})).status_code == 304

    r = await c.patch("/bd/factories/f1", json={"headcount": 900}, headers={"If-Match": etag})
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    stale = await c.patch("/bd/factories/f1", json={"headcount": 901}, headers={"If-Match": etag})
    body = _problem(stale, 412, "precondition-failed")
    assert (body["expected_version"], body["current_version"], body["stream_id"]) == (1, 2, "factory-f1"), body

    async def changed() -> object:
        r = await c.get("/bd/factories/f1", headers={"If-None-Match": etag})
        return r if r.status_code == 200 else None

    r = await eventually(changed)  # the old tag no longer matches: the new representation
    assert r.json()["headcount"] == 900 and r.headers["etag"].startswith('"2-')
    listed = await c.get("/bd/factories")  # a list: a weak tag of its bytes
    assert listed.headers["etag"].startswith('W/"')
    assert (await c.get("/bd/factories", headers={"If-None-Match": listed.headers["etag"]})).status_code == 304
    _problem(await c.get("/bd/factories/nope", headers={"If-None-Match": "*"}), 404, "not-found")  # no 304


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]*)>;\s*rel="(\w+)"', header)}


async def test_a_list_answers_link_headers_to_its_pages(assessment) -> None:  # noqa: ANN001
    _, c = assessment
    for i in range(5):
        assert (await c.post("/bd/factories", json=factory(f"f{i}"))).status_code == 201

    async def five() -> object:
        r = await c.get("/bd/factories", params={"limit": 2, "sector": "garment"})
        return r if r.json()["total"] == 5 else None

    r = await eventually(five)
    assert _links(r.headers["link"]) == {"first": "/bd/factories?sector=garment&limit=2&offset=0",
                                         "next": "/bd/factories?sector=garment&limit=2&offset=2",
                                         "last": "/bd/factories?sector=garment&limit=2&offset=4"}
    r = await c.get("/bd/factories", params={"limit": 2, "offset": 2, "sector": "garment"})
    links = _links(r.headers["link"])
    assert set(links) == {"first", "prev", "next", "last"} and links["prev"].endswith("offset=0")
    followed = (await c.get(links["next"])).json()  # a client follows them as they are
    assert [f["factory_id"] for f in followed["items"]] == ["f4"] and "next" not in _links(
        (await c.get(links["next"])).headers["link"])


@pytest.mark.unit
async def test_a_problems_type_answers_and_every_refusal_is_one(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("assessment")
    body = _problem(await c.get("/bd/factories/none"), 404, "not-found")
    assert body["instance"] == "/bd/factories/none" and "error" not in body and "message" not in body
    kind = await c.get(body["type"], headers={"Authorization": ""})  # resolved against the request: it answers
    assert kind.status_code == 200 and kind.json()["title"] == body["title"] and kind.json()["status"] == 404
    assert (await c.get("/problems/no-such-kind")).status_code == 404
    r = await c.post("/bd/factories", json=factory("f1", headcount="many"))
    assert _problem(r, 422, "invalid-input")["fields"][0]["field"] == "headcount"
    r = await c.get("/bd/factories", headers={"Authorization": ""})
    assert _problem(r, 401, "unauthorized") and r.headers["www-authenticate"] == "Bearer"
    r = await c.delete("/bd/factories")  # a method the path has not: about:blank, titled by its status
    assert r.status_code == 405 and r.json()["type"] == "about:blank" and r.json()["title"] == "Method Not Allowed"


@pytest.mark.unit
async def test_a_conflict_is_409_without_if_match_and_412_with_it(in_process) -> None:  # noqa: ANN001
    """Both come from the store's ConcurrencyError: a write that named its version (If-Match) failed
    a precondition; one that did not lost to other writers after its retries."""
    from shared.store.eventstore import ConcurrencyError

    svc, c = await in_process("sample")

    async def contested() -> None:
        raise ConcurrencyError("visit-v1", 3, 5)

    svc.app.add_api_route("/contested", contested, methods=["POST"])
    body = _problem(await c.post("/contested"), 409, "conflict")
    assert (body["stream_id"], body["current_version"]) == ("visit-v1", 5) and "expected_version" not in body
    body = _problem(await c.post("/contested", headers={"If-Match": '"3-0a1b"'}), 412, "precondition-failed")
    assert (body["expected_version"], body["current_version"]) == (3, 5)


@pytest.mark.unit
async def test_a_list_read_by_a_cursor_links_the_next_page_while_there_may_be_more(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("sample")
    for _ in range(3):
        assert (await c.post("/ops/parked/redrive")).status_code == 200  # each an operator action
    first = await c.get("/ops/actions", params={"limit": 2})
    page = first.json()
    assert len(page["items"]) == 2
    assert _links(first.headers["link"]) == {"next": f"/ops/actions?limit=2&after={page['next']}"}
    last = await c.get(_links(first.headers["link"])["next"])
    assert len(last.json()["items"]) == 1 and "link" not in last.headers
