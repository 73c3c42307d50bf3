"""A create answers 201 with Location, the created object's URL (RFC 9110), and the
OpenAPI document declares it and links each write to what reads, changes or acts on
the object it wrote (shared.api.located and declare_errors): without them the fuzz
run's stateful phase followed 11 of its 91 inferred links, as nothing told it where
a created object lives. In-process, on SQLite; no NATS."""

from __future__ import annotations

import re

import pytest

from tests.assessment.builders import factory, response

pytestmark = pytest.mark.unit


async def test_a_created_factory_is_at_its_location_and_named_in_the_answer(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("assessment")
    spec = (await c.get("/openapi.json")).json()
    r = await c.post("/bd/factories", json=factory("f1"))
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/bd/factories/f1"
    assert r.json()["factory_id"] == "f1"
    assert read_by(spec, r.headers["location"]) == "/{country}/factories/{factory_id}"
    r = await c.post("/bd/assessments", json={"assessment_id": "a1", "factory_id": "f1",
                                             "scheduled_date": "2026-03-10", "assessors": ["x"]})
    assert r.status_code == 201 and r.headers["location"] == "/bd/assessments/a1"
    assert read_by(spec, r.headers["location"]) == "/{country}/assessments/{assessment_id}"


def read_by(spec: dict, url: str) -> str | None:
    """The path of the GET operation a URL is read by (the read models follow the events
    through NATS, which this test has not)."""
    return next((path for path, ops in spec["paths"].items()
                 if "get" in ops and re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", path), url)), None)


async def test_a_survey_response_is_located_under_its_assessment(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("assessment")
    await c.post("/bd/factories", json=factory("f1"))
    await c.post("/bd/assessments", json={"assessment_id": "a1", "factory_id": "f1",
                                          "scheduled_date": "2026-03-10", "assessors": ["x"]})
    r = await c.post("/bd/assessments/a1/survey-responses", json=response(1))
    assert r.status_code == 201, r.text  # the handler answers response_id; a session's id comes from the body
    assert r.headers["location"] == "/bd/assessments/a1/survey-responses/r1"
    assert r.json()["response_id"] == "r1"
    r = await c.post("/bd/assessments/a1/survey-responses/batch", json={"responses": [response(2), response(3)]})
    assert r.status_code == 201, r.text  # many: the assessment that holds them
    assert r.headers["location"] == "/bd/assessments/a1"


async def test_a_location_quotes_a_buyer_named_in_any_script(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("buyers")
    r = await c.post("/buyers/Otto Grüppe/webhooks", json={"url": "https://example.org/hook"})
    assert r.status_code == 201, r.text
    eid = r.json()["endpoint_id"]
    assert r.headers["location"] == f"/buyers/Otto%20Gr%C3%BCppe/webhooks/{eid}"
    assert r.headers["location"].isascii()


async def test_the_openapi_declares_location_and_links_create_read_update_act(in_process) -> None:  # noqa: ANN001
    def links(spec: dict, method: str, path: str, code: str) -> dict:
        return spec["paths"][path][method]["responses"][code].get("links", {})

    _, c = await in_process("assessment")
    spec = (await c.get("/openapi.json")).json()
    created = spec["paths"]["/{country}/factories"]["post"]["responses"]["201"]
    assert created["headers"]["Location"]["schema"]["type"] == "string"
    out = links(spec, "post", "/{country}/factories", "201")
    assert {"get_factory", "update_factory", "archive_factory", "schedule_assessment"} <= set(out)
    assert out["get_factory"]["parameters"] == {"country": "$request.path.country",
                                                "factory_id": "$response.body#/factory_id"}
    assert out["schedule_assessment"]["requestBody"] == {"factory_id": "$response.body#/factory_id"}
    assert {"get_assessment", "record_policies", "complete"} <= set(
        links(spec, "post", "/{country}/assessments", "201"))
    assert "complete" in links(spec, "put", "/{country}/assessments/{assessment_id}/policies", "200")
    operation_ids = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    for ops in spec["paths"].values():  # every link names an operation of this document
        for op in ops.values():
            for answer in op["responses"].values():
                assert {link["operationId"] for link in answer.get("links", {}).values()} <= operation_ids

    _, c = await in_process("planning")
    spec = (await c.get("/openapi.json")).json()
    plans = links(spec, "post", "/{country}/plans", "201")
    assert {"get_plan", "change_plan", "approve_plan", "kick_off"} <= set(plans)
    assert "kick_off" in links(spec, "post", "/{country}/plans/{plan_id}/approve", "200")
    _, c = await in_process("evaluation")
    spec = (await c.get("/openapi.json")).json()
    assert "evaluate" in links(spec, "post", "/{country}/evaluations/{plan_id}/endline", "200")
    _, c = await in_process("delivery")
    spec = (await c.get("/openapi.json")).json()
    sessions = links(spec, "post", "/{country}/deliveries/{plan_id}/sessions", "201")
    assert sessions["deliver_session"]["parameters"]["session_id"] == "$response.body#/session_id"
    assert "get_work_plan" in sessions  # a session has no read of its own: the work plan shows it
