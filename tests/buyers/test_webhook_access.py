"""Who sees a buyer's integration over HTTP: the buyer itself, an admin, an
auditor (reading) and a programme manager of every country. Finding: country
teams could read every buyer's webhook endpoints and delivery logs. Now
anyone else finds no such buyer (404, never 403: existence does not leak),
before their request body is read, and another buyer's endpoint under your
own path answers exactly like an unknown id."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from tests.buyers.conftest import HASBRO, OTTO
from tests.harness import auth, serve_services


def _same(r: Any) -> tuple[int, str, str]:
    body = r.json()
    return r.status_code, body["type"], body["detail"]


async def test_only_those_who_manage_a_buyer_see_its_webhooks_and_deliveries(nats_server, tmp_path) -> None:
    async with AsyncExitStack() as es:
        (_, c), = (await serve_services(es, ["buyers"], nats_server.url, str(tmp_path))).values()
        otto, hasbro = auth("buyer", buyer=OTTO), auth("buyer", buyer=HASBRO)
        r = await c.post(f"/buyers/{OTTO}/webhooks", json={"url": "https://example.org/o"}, headers=otto)
        assert r.status_code == 201, r.text
        eid = r.json()["endpoint_id"]
        r = await c.post(f"/buyers/{HASBRO}/webhooks", json={"url": "https://example.org/h"}, headers=hasbro)
        hid = r.json()["endpoint_id"]

        reads = [f"/buyers/{OTTO}/webhooks", f"/buyers/{OTTO}/webhooks/{eid}/deliveries"]
        for headers in (otto, auth("admin"), auth("auditor"), auth("programme_manager")):
            for path in reads:
                assert (await c.get(path, headers=headers)).status_code == 200, path
        outsiders = {"team_bd": auth("country_team", countries=["bd"]),
                     "team_all": auth("country_team", countries=["bd", "vn"]),
                     "pm_bd": auth("programme_manager", countries=["bd"])}
        for who, headers in outsiders.items():
            for path in reads:
                r = await c.get(path, headers=headers)
                assert _same(r) == (404, "/problems/not-found", f"buyer {OTTO} not found"), (who, path, r.text)
            writes = [("POST", f"/buyers/{OTTO}/webhooks", {}),  # a bad body: still 404, not 422
                      ("POST", f"/buyers/{OTTO}/webhooks", {"url": "https://example.org/team"}),
                      ("POST", f"/buyers/{OTTO}/webhooks/{eid}/rotate-secret", {}),
                      ("DELETE", f"/buyers/{OTTO}/webhooks/{eid}", None)]
            for method, path, body in writes:
                r = await c.request(method, path, json=body, headers=headers)
                assert _same(r) == (404, "/problems/not-found", f"buyer {OTTO} not found"), (who, method, path, r.text)
        items = (await c.get(f"/buyers/{OTTO}/webhooks", headers=otto)).json()["items"]
        assert [(i["endpoint_id"], i["active"]) for i in items] == [(eid, True)]

        # another buyer's endpoint under your own path: as unknown as a missing id
        for method, suffix in (("GET", "/deliveries"), ("POST", "/rotate-secret"), ("DELETE", "")):
            theirs = await c.request(method, f"/buyers/{OTTO}/webhooks/{hid}{suffix}", headers=otto)
            missing = await c.request(method, f"/buyers/{OTTO}/webhooks/ep_nope{suffix}", headers=otto)
            assert theirs.status_code == missing.status_code == 404, (method, suffix)
            assert _same(theirs)[2].replace(hid, "ID") == _same(missing)[2].replace("ep_nope", "ID")
        assert (await c.get(f"/buyers/{HASBRO}/webhooks", headers=hasbro)).json()["items"][0]["active"] is True
        # an auditor reads but never writes
        r = await c.post(f"/buyers/{OTTO}/webhooks", json={"url": "https://example.org/a"}, headers=auth("auditor"))
        assert r.status_code == 403
