"""A buyer's feed and webhooks, end to end: the five services on the real NATS
server, a real HTTP receiver on loopback that verifies every signature."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import jsonschema
import openpyxl
import orjson
import pytest
from cloudevents.core.formats.json import JSONFormat

from tests.buyers.conftest import HASBRO, OTTO, BuyersStack, Receiver
from tests.conftest import eventually
from tests.evaluation.conftest import endline
from tests.harness import auth


async def _evaluate_and_close(stack: BuyersStack, country: str, plan_id: str) -> None:
    e = stack.evaluation
    assert (await e.post(f"/{country}/evaluations/{plan_id}/endline", json=endline())).status_code == 200
    assert (await e.post(f"/{country}/evaluations/{plan_id}/evaluate")).status_code == 200
    assert (await e.post(f"/{country}/evaluations/{plan_id}/sustainability", json={
        "workshop_on": "2026-10-20", "participants": 14, "practices": [
            {"practice": "Child friendly space every summer", "owner": "HR manager", "due": "2027-07-01"}]})
            ).status_code == 200
    r = await e.post(f"/{country}/evaluations/{plan_id}/close", json={"closed_on": "2026-10-28"})
    assert r.status_code == 200, r.text


async def _all_delivered(stack: BuyersStack, buyer: str, endpoint_id: str) -> bool:
    r = await stack.buyers.get(f"/buyers/{buyer}/webhooks/{endpoint_id}/deliveries", params={"limit": 1000},
                               headers=stack.as_buyer(buyer))
    items = r.json()["items"]
    return bool(items) and all(i["status"] == "delivered" for i in items)


@pytest.mark.parametrize("buyers_stack", ["sqlite", "postgres"], indirect=True)
async def test_a_receiver_down_for_part_of_the_run_gets_each_record_once_in_order_signed(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    # retried through the whole outage, however long a loaded machine makes it (12 attempts at the
    # test's 0.5 s cap parked Hasbro's first record after about 5 s)
    svc = s.buyers_service
    svc.dispatcher.s = svc.settings.model_copy(update={"webhook_max_attempts": 200})  # type: ignore[attr-defined]
    otto = await s.register(OTTO, f"{receiver.url}/otto", start="beginning")
    hasbro = await s.register(HASBRO, f"{receiver.url}/hasbro")
    receiver.secrets = {"otto": [otto["secret"]], "hasbro": [hasbro["secret"]]}

    f1 = await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await eventually(lambda: len(receiver.accepted.get("otto", [])) >= 3, timeout=30)

    await receiver.stop()  # down: connections refused from here
    f2 = await s.cycle("bd", "F2", buyer=HASBRO, programme="hasbro")
    await _evaluate_and_close(s, "bd", f1)
    f3 = await s.cycle("bd", "F3", buyer=OTTO, programme="otto3")
    await s.settled()
    log = (await s.buyers.get(f"/buyers/{OTTO}/webhooks/{otto['endpoint_id']}/deliveries",
                              headers=s.as_buyer(OTTO))).json()
    waiting = [i for i in log["items"] if i["status"] == "pending"]
    assert waiting and any(i["last_error"] == "connect_failed" for i in waiting)  # the category, no exception text

    await receiver.start()  # back
    await eventually(lambda: _all_delivered(s, OTTO, otto["endpoint_id"]), timeout=60)
    await eventually(lambda: _all_delivered(s, HASBRO, hasbro["endpoint_id"]), timeout=60)

    assert receiver.rejected == []  # every signature verified, by the library and by hand
    got = receiver.accepted["otto"]
    ids = [i for i, _, _ in got]
    assert len(ids) == len(set(ids))  # each record once
    records = receiver.records("otto")

    # in order per factory, and the feed read in pages is the same records, byte for byte
    per_factory: dict[str, list[str]] = defaultdict(list)
    for r in records:
        per_factory[r["subject"]].append(r["sequence"])
    assert set(per_factory) == {"factories/F1", "factories/F3"}
    assert all(seqs == sorted(seqs) for seqs in per_factory.values())
    feed = await s.feed(OTTO, limit=2)
    assert sorted(b for _, b, _ in got) == sorted(feed)
    assert [orjson.loads(b)["sequence"] for b in feed] == sorted(r["sequence"] for r in records)

    # what a buyer reports on, and nothing of another buyer's factories
    types = [r["type"] for r in records if r["subject"] == "factories/F1"]
    assert types[:2] == ["org.wecare.assessment.completed.v1", "org.wecare.plan.approved.v1"]
    assert {"org.wecare.session.delivered.v1", "org.wecare.impact.evaluated.v1",
            "org.wecare.programme.closed.v1"} <= set(types)
    for body in (b for _, b, _ in got):
        assert b"F2" not in body and HASBRO.encode() not in body and f2.encode() not in body
    assert {r["subject"] for r in receiver.records("hasbro")} == {"factories/F2"}
    late = await s.register(OTTO, f"{receiver.url}/late")  # from now: nothing of the past
    assert late["queued"] == 0

    # each record is a CloudEvent (read by the CloudEvents SDK) valid against its generated schema
    schemas = (await s.buyers.get("/feed/schemas", headers=s.as_buyer(OTTO))).json()
    for _, body, _ in got:
        ce = JSONFormat().read(None, body).get_attributes()  # the CloudEvents SDK validates the attributes
        assert ce["specversion"] == "1.0" and ce["source"].startswith("/wecare/bd/")
        jsonschema.validate(orjson.loads(body), schemas[ce["type"]])
    session = next(r["data"] for r in records if r["type"] == "org.wecare.session.delivered.v1")
    assert (session["attendances"], session["workers_reached"], session["workers_reached_female"],
            session["workers_reached_male"], session["suppressed"]) == (30, 30, 20, 10, [])
    assert "_raw" not in session

    # the buyer's delivery log shows the failed attempts of the outage
    log = (await s.buyers.get(f"/buyers/{OTTO}/webhooks/{otto['endpoint_id']}/deliveries",
                              headers=s.as_buyer(OTTO))).json()
    retried = [i for i in log["items"] if len(i["log"]) > 1]
    assert retried and all(i["log"][-1]["status_code"] == 204 for i in retried)
    assert any(a["error"] == "connect_failed" for i in retried for a in i["log"])
    assert f3


async def test_exports_open_in_the_standard_readers_and_match_the_evaluation_service(
        buyers_stack: BuyersStack) -> None:
    s = buyers_stack
    f1 = await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await _evaluate_and_close(s, "bd", f1)
    await s.cycle("bd", "F2", buyer=OTTO, programme="otto2")
    await s.cycle("bd", "F3", buyer=HASBRO, programme="hasbro")
    await s.settled()
    me = s.as_buyer(OTTO)

    evaluation = (await s.evaluation.get(f"/buyers/{OTTO}/impact", headers=me)).json()
    expected = {f["key"]: f["value"] for f in evaluation["figures"]}
    summary = (await s.buyers.get(f"/buyers/{OTTO}/portfolio", headers=me)).json()
    pooled = {f["key"]: f["value"] for f in summary["figures"]}
    assert pooled == {k: expected[k] for k in pooled}
    assert pooled["factories_covered"] == 2 and pooled["sessions_delivered"] == 4
    assert pooled["workers_reached"] == expected["workers_reached"] > 0
    assert pooled["retention_change"] == expected["retention_change"] is not None

    r = await s.buyers.get(f"/buyers/{OTTO}/exports/portfolio.csv", headers=me)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["factory_id"] for x in rows] == ["F1", "F2"] and {x["buyer"] for x in rows} == {OTTO}
    assert sum(int(x["sessions_delivered"]) for x in rows) == pooled["sessions_delivered"]
    assert sum(int(x["workers_reached"]) for x in rows) == pooled["workers_reached"]
    assert float(rows[0]["retention_change"]) == pooled["retention_change"]

    r = await s.buyers.get(f"/buyers/{OTTO}/exports/portfolio.xlsx", headers=me)
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    sheet = list(wb["Portfolio"].iter_rows(values_only=True))
    header, data = sheet[0], sheet[1:]
    assert [dict(zip(header, x, strict=True))["factory_id"] for x in data] == ["F1", "F2"]
    figures = {row[0]: row[2] for row in list(wb["Figures"].iter_rows(values_only=True))[1:]}
    assert {k: figures[k] for k in pooled} == pooled

    # another buyer's portfolio is not there for Otto's token; Hasbro sees only its own
    assert (await s.buyers.get(f"/buyers/{HASBRO}/exports/portfolio.csv", headers=me)).status_code == 404
    hasbro = (await s.buyers.get(f"/buyers/{HASBRO}/exports/portfolio.csv", headers=s.as_buyer(HASBRO))).text
    assert "F1" not in hasbro and "F3" in hasbro
    # a country team with none of Hasbro's factories in its countries: the export, like the figures, is
    # missing (it answered 200 with a header row: the buyer's name was there to confirm)
    vn_team = auth("country_team", countries=["vn"])
    assert (await s.buyers.get(f"/buyers/{HASBRO}/portfolio", headers=vn_team)).status_code == 404
    for fmt in ("csv", "xlsx"):
        assert (await s.buyers.get(f"/buyers/{HASBRO}/exports/portfolio.{fmt}", headers=vn_team)).status_code == 404
