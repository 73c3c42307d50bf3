"""Webhook deliveries under faults (a factory's records parked, others flowing,
an operator's re-drive), secret rotation, and bad input."""

from __future__ import annotations

import orjson

from shared.contracts.feed import TYPES
from tests.buyers.conftest import HASBRO, OTTO, BuyersStack, Receiver, hand_signature
from tests.buyers.test_feed_and_webhooks import _all_delivered, _evaluate_and_close
from tests.conftest import eventually
from tests.harness import auth


async def _log(s: BuyersStack, endpoint_id: str, **params: object) -> list[dict]:
    return await s.deliveries(OTTO, endpoint_id, **params)


async def test_a_failing_factory_is_parked_alone_and_an_operator_redrives_it_in_order(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    svc = s.buyers_service
    svc.dispatcher.s = svc.settings.model_copy(update={"webhook_max_attempts": 3})  # type: ignore[attr-defined]
    ep = await s.register(OTTO, f"{receiver.url}/otto")
    receiver.secrets = {"otto": [ep["secret"]]}
    receiver.fail_for = {"factories/F1"}  # the receiver answers 500 to F1's records, whatever they are

    await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await s.cycle("bd", "F3", buyer=OTTO, programme="otto3")
    await eventually(lambda: _log(s, ep["endpoint_id"], status="parked"), timeout=30)
    await eventually(lambda: _all_f3_delivered(s, ep["endpoint_id"]), timeout=30)

    log = await _log(s, ep["endpoint_id"])
    f1 = [i for i in log if i["factory"] == "bd/F1"]
    assert f1[0]["status"] == "parked" and f1[0]["attempts"] == 3
    assert [a["status_code"] for a in f1[0]["log"]] == [500, 500, 500]
    assert all(i["status"] == "pending" and i["log"] == [] for i in f1[1:])  # waiting behind it, never sent
    assert not any(r["subject"] == "factories/F1" for r in receiver.records("otto"))

    parked = (await s.buyers.get("/ops/webhooks/parked")).json()["items"]
    assert [p["sequence"] for p in parked] == [f1[0]["sequence"]] and parked[0]["buyer"] == OTTO
    assert (await s.buyers.post("/ops/webhooks/redrive", headers=s.as_buyer(OTTO))).status_code == 403

    receiver.fail_for = set()
    r = await s.buyers.post("/ops/webhooks/redrive", params={"endpoint_id": ep["endpoint_id"]})
    assert r.json() == {"redriven": 1}
    await eventually(lambda: _all_delivered(s, OTTO, ep["endpoint_id"]), timeout=30)
    got = [x["sequence"] for x in receiver.records("otto") if x["subject"] == "factories/F1"]
    assert got == sorted(got) == [i["sequence"] for i in f1]


async def _all_f3_delivered(s: BuyersStack, endpoint_id: str) -> bool:
    f3 = [i for i in await _log(s, endpoint_id) if i["factory"] == "bd/F3"]
    return len(f3) >= 4 and all(i["status"] == "delivered" for i in f3)


async def test_after_a_rotation_both_secrets_sign_for_the_grace_period_then_only_the_new(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    ep = await s.register(OTTO, f"{receiver.url}/otto")
    eid, old = ep["endpoint_id"], ep["secret"]
    r = await s.buyers.post(f"/buyers/{OTTO}/webhooks/{eid}/rotate-secret", json={"grace_s": 3600},
                            headers=s.as_buyer(OTTO))
    new = r.json()["secret"]
    assert r.status_code == 200 and new != old and new.startswith("whsec_")
    receiver.secrets = {"otto": [new]}  # the receiver switched already: the new secret must verify

    plan_id = await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await eventually(lambda: _all_delivered(s, OTTO, eid), timeout=30)
    for (msg_id, body, sigs), ts in zip(receiver.accepted["otto"], receiver.stamps["otto"], strict=True):
        # the old secret signs too: a receiver that has not switched yet still verifies
        assert sorted(sigs) == sorted([hand_signature(new, msg_id, ts, body), hand_signature(old, msg_id, ts, body)])

    r = await s.buyers.post(f"/buyers/{OTTO}/webhooks/{eid}/rotate-secret", json={"grace_s": 0},
                            headers=s.as_buyer(OTTO))
    newest = r.json()["secret"]
    receiver.secrets = {"otto": [newest]}
    n = len(receiver.accepted["otto"])
    await _evaluate_and_close(s, "bd", plan_id)
    await eventually(lambda: len(receiver.accepted["otto"]) >= n + 2, timeout=30)
    # the first secret is still in its hour of grace; the second expired at once
    later = zip(receiver.accepted["otto"][n:], receiver.stamps["otto"][n:], strict=True)
    for (msg_id, body, sigs), ts in later:
        assert sorted(sigs) == sorted([hand_signature(newest, msg_id, ts, body),
                                       hand_signature(old, msg_id, ts, body)])


async def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(buyers_stack: BuyersStack) -> None:
    s = buyers_stack
    me = s.as_buyer(OTTO)
    cases = [({"url": "ftp://example.org/hook"}, "url"), ({"url": "http://example.org/hook"}, None),
             ({"url": "https://user:pw@example.org/hook"}, "url"),
             ({"url": "https://example.org/hook", "types": ["org.wecare.nope.v1"]}, "types"),
             ({"url": "https://example.org/hook", "start": "yesterday"}, "start"),
             ({"url": "https://example.org/hook", "secret": "mine"}, "secret")]
    for body, field in cases:  # plain http: only to the allow-listed receiver on loopback
        r = await s.buyers.post(f"/buyers/{OTTO}/webhooks", json=body, headers=me)
        assert r.status_code == 422, (body, r.text)
        fields = [f["field"] for f in r.json().get("fields", [])]
        assert field is None and fields == ["url"] or field in fields or field in str(fields), (body, r.json())
    assert (await s.buyers.get(f"/buyers/{OTTO}/webhooks", headers=me)).json()["items"] == []

    # scope: another buyer's endpoints do not exist for Otto, nor Otto's for a country team
    assert (await s.buyers.post(f"/buyers/{HASBRO}/webhooks", json={"url": "https://example.org/h"},
                                headers=me)).status_code == 404
    team = auth("country_team", countries=["bd"])
    assert (await s.buyers.post(f"/buyers/{OTTO}/webhooks", json={"url": "https://example.org/h"},
                                headers=team)).status_code == 404
    assert (await s.buyers.get(f"/buyers/{HASBRO}/feed", headers=me)).status_code == 404
    r = await s.buyers.get(f"/buyers/{OTTO}/feed", params={"after": "abc"}, headers=me)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "after"
    r = await s.buyers.get(f"/buyers/{OTTO}/feed", params={"type": "org.wecare.nope.v1"}, headers=me)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "type"


async def test_the_feed_is_scoped_to_the_callers_countries_and_suppresses_small_counts(
        buyers_stack: BuyersStack) -> None:
    s = buyers_stack
    plan_id = await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    small = {"session_id": "s9", "activity": "family_day", "local_start": "2026-05-01T09:00",
             "trainers": ["wecare:lina"], "capacity": 80, "expected_participants": 10,
             "attendance": {"delivered_at": "2026-05-01T12:00", "counts": [
                 {"role": "worker", "sex": "female", "age_band": "25_34", "count": 6},
                 {"role": "worker", "sex": "male", "age_band": "18_24", "count": 2}]}}
    r = await s.delivery.post(f"/bd/deliveries/{plan_id}/batch", json={"sessions": [small]})
    assert r.status_code == 200, r.text
    await s.settled()
    records = [orjson.loads(b) for b in await s.feed(OTTO, limit=50)]
    session = next(x["data"] for x in records if x["type"] == "org.wecare.session.delivered.v1"
                   and x["data"]["session_id"] == "s9")
    assert (session["attendances"], session["workers_reached_female"], session["workers_reached_male"],
            session["suppressed"]) == (8, None, None, ["workers_reached_female", "workers_reached_male"])  # 8 - 6
    assert session["training"] is False
    assert all(t in TYPES for t in {x["type"] for x in records})

    vn_team = auth("country_team", countries=["vn"])
    r = await s.buyers.get(f"/buyers/{OTTO}/feed", headers=vn_team)
    assert r.status_code == 200 and r.json()["records"] == []
    bd_team = auth("country_team", countries=["bd"])
    assert len((await s.buyers.get(f"/buyers/{OTTO}/feed", params={"limit": 50}, headers=bd_team)
                ).json()["records"]) == len(records)

