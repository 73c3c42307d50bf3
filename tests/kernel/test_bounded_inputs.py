"""A value outside the bounded vocabulary (shared/contracts/values.py) gets
422 naming the field, and nothing is stored: NaN and ±Infinity (which
Python's JSON parser lets through), an integer past 2**63, a lone UTF-16
surrogate, NUL, a one-megabyte list item. Through HTTP, in-process, with the
service's real store on SQLite; no NATS is needed (the API takes commands
before messaging is up)."""

from __future__ import annotations

import unicodedata

import orjson
import pytest

pytestmark = pytest.mark.unit

FACTORY = {"factory_id": "f1", "name": "Factory One", "supplier": "S", "region": "Dhaka", "sector": "garment",
           "buyers": ["Otto Group"], "headcount": 800}
ENDLINE = {"measured_on": "2026-12-01", "respondents": 20, "kpis": {"retention_rate": 80.0}}
KICK_OFF = {"held_on": "2026-03-01", "participants": 12, "facilitators": ["Lina"]}
MB = "x" * 2**20

# (service, path, body as JSON text, the field the error must name)
CASES = {
    "NaN": ("evaluation", "/bd/evaluations/p.f1/endline",
            orjson.dumps(ENDLINE).decode().replace("80.0", "NaN"), "kpis.retention_rate"),
    "Infinity": ("evaluation", "/bd/evaluations/p.f1/endline",
                 orjson.dumps(ENDLINE).decode().replace("80.0", "Infinity"), "kpis.retention_rate"),
    "-Infinity": ("evaluation", "/bd/evaluations/p.f1/endline",
                  orjson.dumps(ENDLINE).decode().replace("80.0", "-Infinity"), "kpis.retention_rate"),
    "1e999": ("evaluation", "/bd/evaluations/p.f1/endline",
              orjson.dumps(ENDLINE).decode().replace("80.0", "1e999"), "kpis.retention_rate"),
    "NaN in a plan's KPI target": ("planning", "/bd/plans", '{"programme_id": "p", "factory_id": "f1", '
                                   '"activities": [], "kpis": [{"indicator": "retention_rate", "target": NaN}]}',
                                   "kpis.0.target"),
    "2**63": ("assessment", "/bd/factories", orjson.dumps(FACTORY).decode().replace("800", str(2**63)),
              "headcount"),
    "2**63 in a survey answer": ("assessment", "/bd/assessments/a1/survey-responses",
                                 '{"response_id": "r1", "language": "bn", "answers": {"q1": ' + str(2**63) + '}}',
                                 "answers.q1"),
    "lone surrogate in a list of names": ("assessment", "/bd/factories",
                                          orjson.dumps(FACTORY).decode().replace("Otto Group", "Otto \\ud800"),
                                          "buyers"),
    "lone surrogate in a list of names (planning)": ("planning", "/bd/plans/p.f1/kick-off",
                                                     orjson.dumps(KICK_OFF).decode().replace("Lina", "\\udfff"),
                                                     "facilitators"),
    "NUL": ("assessment", "/bd/factories", orjson.dumps(FACTORY).decode().replace("Factory One", "Fac\\u0000"),
            "name"),
    "NUL in a survey answer's key": ("assessment", "/bd/assessments/a1/survey-responses",
                                     '{"response_id": "r1", "language": "bn", "answers": {"q\\u0000": "yes"}}',
                                     "answers"),
    "a name NFC makes longer than its bound": ("assessment", "/bd/factories",
                                               orjson.dumps({**FACTORY, "name": "\ufb2c" * 300}).decode(), "name"),
    "two spellings of one key": ("assessment", "/bd/assessments/a1/survey-responses",
                                 '{"response_id": "r1", "language": "bn", '
                                 '"answers": {"e\\u0301": "1", "\\u00e9": "2"}}', "answers"),
    "a buyer's name past its column": ("buyers", "/buyers/" + "B" * 400 + "/webhooks",
                                       '{"url": "https://example.org/hook"}', "buyer"),
    "1 MB list item": ("assessment", "/bd/factories", orjson.dumps({**FACTORY, "buyers": ["Otto", MB]}).decode(),
                       "buyers.1"),
    "1 MB list item (planning)": ("planning", "/bd/plans/p.f1/kick-off",
                                  orjson.dumps({**KICK_OFF, "facilitators": [MB]}).decode(), "facilitators.0"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_value_outside_the_vocabulary_is_refused_naming_the_field(in_process, case) -> None:  # noqa: ANN001
    service, path, body, field = CASES[case]
    svc, c = await in_process(service)
    r = await c.post(path, content=body.encode("utf-8", "surrogatepass"),
                     headers={"content-type": "application/json"})
    assert r.status_code == 422, (case, r.status_code, r.text[:300])
    out = r.json()
    assert out["type"] == "/problems/invalid-input"
    named = [f["field"] for f in out["fields"]]
    assert any(n == field or n.startswith(field + ".") for n in named), (case, named)
    assert len(r.content) < 4000, "the answer does not echo a megabyte back"
    assert await svc.store.count() == 0


async def test_text_is_stored_in_nfc(in_process) -> None:  # noqa: ANN001
    """The same name typed decomposed (e + combining acute) and composed is one name."""
    svc, c = await in_process("assessment")
    decomposed = "Cafe\u0301 Textiles"
    r = await c.post("/bd/factories", json={**FACTORY, "name": decomposed, "buyers": ["Lindex\u0301"]})
    assert r.status_code == 201, r.text
    [env] = [e async for e in svc.store.read_all()]
    assert env.payload["name"] == unicodedata.normalize("NFC", decomposed) == "Café Textiles"
    assert env.payload["buyers"] == [unicodedata.normalize("NFC", "Lindex\u0301")]


@pytest.mark.parametrize(("url", "field"), [("/bd/factories/f%001", "path"),
                                            ("/bd/audit/factory-f1?item=a%00b", "item")])
async def test_nul_in_a_path_or_query_is_refused_naming_it(in_process, url, field) -> None:  # noqa: ANN001
    """PostgreSQL cannot hold NUL in any text: a look-up by such an id would fail there (500)."""
    _, c = await in_process("assessment")
    r = await c.get(url)
    assert r.status_code == 422, r.text
    assert [f["field"] for f in r.json()["fields"]] == [field] and r.json()["correlation_id"]


async def test_nan_is_refused_by_the_json_parser_wherever_it_stands(in_process) -> None:  # noqa: ANN001
    """NaN and Infinity are not JSON: refused as such wherever they stand (a
    string's place, inside a list), not as whatever the field expected."""
    svc, c = await in_process("assessment")
    body = '{"response_id": "r1", "language": NaN, "answers": {"q1": ["a", -Infinity]}}'
    r = await c.post("/bd/assessments/a1/survey-responses", content=body,
                     headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    [f] = r.json()["fields"]
    assert (f["field"], f["type"]) == ("language", "finite_number") and "not a JSON number" in f["message"]
    r = await c.post("/bd/assessments/a1/survey-responses", content=body.replace("NaN", '"bn"'),
                     headers={"content-type": "application/json"})
    assert [f["field"] for f in r.json()["fields"]] == ["answers.q1.1"]
    assert await svc.store.count() == 0
