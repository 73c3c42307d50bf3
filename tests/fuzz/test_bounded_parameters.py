"""The integers in queries, paths and headers are bounded (shared.api.MAX_INT,
2**53 - 1): one past it answers 422 naming the parameter. Unbounded, the fuzz
run found them answering 500 (the database's integer overflowed at 2**63):
`?offset=2**63` on the list endpoints, `?after=2**70` on a buyer's feed,
`?delivery_id=2**70` on the webhook re-drive. In-process, on SQLite; no NATS
(the API answers before messaging is up)."""

from __future__ import annotations

import pytest

from shared.contracts.values import MAX_INT

pytestmark = pytest.mark.unit

# (service, method, path with {n}, the parameter the error must name)
CASES = [
    ("delivery", "GET", "/bd/deliveries?offset={n}", "offset"),
    ("planning", "GET", "/bd/programmes?offset={n}", "offset"),
    ("planning", "GET", "/bd/plans?offset={n}", "offset"),
    ("assessment", "GET", "/bd/factories?offset={n}", "offset"),
    ("buyers", "GET", "/buyers/Otto%20Group/feed?after={n}", "after"),
    ("buyers", "GET", "/buyers/Otto%20Group/webhooks/e1/deliveries?offset={n}", "offset"),
    ("buyers", "POST", "/ops/webhooks/redrive?delivery_id={n}", "delivery_id"),
    ("planning", "GET", "/catalogue?version={n}", "version"),
    ("assessment", "POST", "/ops/relay/republish?from_position={n}", "from_position"),
]


@pytest.mark.parametrize(("service", "method", "path", "name"), CASES, ids=[f"{c[0]} {c[2]}" for c in CASES])
@pytest.mark.parametrize("n", [2**63, 2**70, MAX_INT + 1])
async def test_an_integer_past_the_bound_answers_422_naming_it(in_process, service, method, path, name, n) -> None:  # noqa: ANN001
    _, c = await in_process(service)
    r = await c.request(method, path.format(n=n))
    assert r.status_code == 422, r.text
    assert name in {f["field"].split(".")[-1] for f in r.json()["fields"]}, r.json()


@pytest.mark.parametrize(("service", "method", "path", "name"), CASES, ids=[f"{c[0]} {c[2]}" for c in CASES])
async def test_the_bound_itself_is_no_error(in_process, service, method, path, name) -> None:  # noqa: ANN001, ARG001
    _, c = await in_process(service)
    r = await c.request(method, path.format(n=MAX_INT))
    assert r.status_code < 500, r.text
    assert r.status_code != 422 or name not in r.text, r.text


async def test_if_match_past_the_bound_answers_422(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("assessment")
    r = await c.patch("/bd/factories/f1", json={"name": "F"}, headers={"If-Match": str(2**70)})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "If-Match"


async def test_a_day_in_a_query_is_written_as_a_day(in_process) -> None:  # noqa: ANN001
    _, c = await in_process("assessment")
    assert (await c.get("/bd/worklist?today=0")).status_code == 422  # pydantic alone read 0 as 1970-01-01
    assert (await c.get("/bd/worklist?today=2026-12-03")).json()["today"] == "2026-12-03"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_an_export_for_a_buyer_named_in_any_script_is_no_error(in_process, fmt) -> None:  # noqa: ANN001
    # the fuzz run: a Devanagari buyer's name went into the Content-Disposition header,
    # which HTTP writes in Latin-1, and the export answered 500
    _, c = await in_process("buyers")
    r = await c.get(f"/buyers/पन्ह पन्ह إلا بسم/exports/portfolio.{fmt}")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].isascii()
    assert "filename=" in r.headers["content-disposition"]


def test_a_download_name_is_latin_1_and_keeps_the_name_in_utf_8() -> None:
    from shared.api import attachment

    header = attachment('wecare-Fa"b; x\r\nऑ', "pdf")
    header.encode("latin-1")
    assert header.startswith('attachment; filename="wecare-fa-b-x.pdf"; filename*=UTF-8\'\'')
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
