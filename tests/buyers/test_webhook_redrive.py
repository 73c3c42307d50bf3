"""A buyer re-drives its own parked deliveries (before, only an operator could):
under its own /buyers/{buyer}/webhooks/{endpoint_id}/redrive, through the
RedriveWebhook command; another buyer's endpoint answers as a missing one."""

from __future__ import annotations

from urllib.parse import quote

from tests.buyers.conftest import HASBRO, OTTO, BuyersStack, Receiver
from tests.buyers.test_feed_and_webhooks import _all_delivered
from tests.conftest import eventually
from tests.harness import auth


async def test_a_buyer_redrives_its_own_parked_deliveries_and_no_one_elses(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    svc = s.buyers_service
    svc.dispatcher.s = svc.settings.model_copy(update={"webhook_max_attempts": 2})  # type: ignore[attr-defined]
    ep = await s.register(OTTO, f"{receiver.url}/otto")
    eid = ep["endpoint_id"]
    mine = await s.register(HASBRO, f"{receiver.url}/hasbro")
    receiver.secrets = {"otto": [ep["secret"]]}
    receiver.fail_for = {"factories/F1"}
    await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    parked = await eventually(lambda: s.deliveries(OTTO, eid, status="parked"), timeout=30)
    assert len(parked) == 1
    receiver.fail_for = set()

    otto_path = f"/buyers/{quote(OTTO)}/webhooks/{eid}/redrive"
    # another buyer: under Otto's path no such buyer, under its own path no such endpoint; an auditor reads only
    for path, who, code in ((otto_path, s.as_buyer(HASBRO), 404),
                            (f"/buyers/{HASBRO}/webhooks/{eid}/redrive", s.as_buyer(HASBRO), 404),
                            (f"/buyers/{HASBRO}/webhooks/{mine['endpoint_id']}/redrive", s.as_buyer(HASBRO), 200),
                            (otto_path, auth("auditor"), 403),
                            (otto_path, auth("country_team", countries=["bd"]), 404)):
        r = await s.buyers.post(path, headers=who)
        assert r.status_code == code, (path, r.text)
        if path.startswith(f"/buyers/{HASBRO}/webhooks/{eid}"):  # as a missing endpoint answers
            missing = await s.buyers.post(f"/buyers/{HASBRO}/webhooks/ep_missing/redrive", headers=who)
            assert missing.status_code == 404 and missing.json().keys() == r.json().keys()
            theirs, none = r.json(), missing.json()
            assert {k for k, v in theirs.items() if v != none[k]} <= {"detail", "instance", "correlation_id"}
            assert theirs["detail"].replace(eid, "ep_missing") == none["detail"]
            assert theirs["instance"].replace(eid, "ep_missing") == none["instance"]
    assert (await s.buyers.post(f"/buyers/{HASBRO}/webhooks/{mine['endpoint_id']}/redrive",
                                headers=s.as_buyer(HASBRO))).json() == {"endpoint_id": mine["endpoint_id"],
                                                                        "redriven": 0}
    r = await s.buyers.post(otto_path, params={"delivery_id": 0}, headers=s.as_buyer(OTTO))
    assert r.status_code == 422 and "delivery_id" in r.text
    assert [d["delivery_id"] for d in await s.deliveries(OTTO, eid, status="parked")] == [parked[0]["delivery_id"]]

    # the buyer itself: its parked delivery goes again, and the ones waiting behind it follow in order
    r = await s.buyers.post(otto_path, params={"delivery_id": parked[0]["delivery_id"]}, headers=s.as_buyer(OTTO))
    assert r.status_code == 200 and r.json() == {"endpoint_id": eid, "redriven": 1}, r.text
    await eventually(lambda: _all_delivered(s, OTTO, eid), timeout=30)
    got = [x["sequence"] for x in receiver.records("otto")]
    assert got == sorted(got) and len(got) == len(await s.deliveries(OTTO, eid))
    assert receiver.rejected == []
