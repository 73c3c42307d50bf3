"""A webhook's rotation, disabling and re-drive record their actor (#17,
audit trail). Finding: rotating a secret or disabling an endpoint changed
rows with no trace of who did it. Now each is an OperatorAction of the
buyers' own log (shared/operator_actions.py), read at /ops/actions."""

from __future__ import annotations

from sqlalchemy import select

from shared.store.schema import events
from tests.buyers.conftest import OTTO
from tests.harness import auth

ALICE = auth("admin", subject="ops-alice")


async def test_webhook_rotation_disabling_and_redrive_record_their_actor(in_process) -> None:  # noqa: ANN001
    svc, c = await in_process("buyers")
    otto = auth("buyer", buyer=OTTO, subject="otto-integrations")
    r = await c.post(f"/buyers/{OTTO}/webhooks", json={"url": "https://example.org/o"}, headers=otto)
    assert r.status_code == 201, r.text
    eid = r.json()["endpoint_id"]
    r = await c.post(f"/buyers/{OTTO}/webhooks/{eid}/rotate-secret", json={"grace_s": 60}, headers=otto)
    assert r.status_code == 200, r.text
    secret = r.json()["secret"]
    assert (await c.post("/ops/webhooks/redrive", params={"endpoint_id": eid}, headers=ALICE)).status_code == 200
    assert (await c.post(f"/buyers/{OTTO}/webhooks/{eid}/redrive", headers=otto)).status_code == 200  # its own
    assert (await c.delete(f"/buyers/{OTTO}/webhooks/{eid}", headers=auth("admin", subject="ops-carol"))
            ).status_code == 200

    items = (await c.get("/ops/actions", headers=ALICE)).json()["items"]
    assert [(i["actor"], i["role"], i["action"], i["target"]) for i in items] == [
        ("otto-integrations", "buyer", "webhook.rotate_secret", f"{OTTO}/{eid}"),
        ("ops-alice", "admin", "webhook.redrive", eid),
        ("otto-integrations", "buyer", "webhook.redrive", f"{OTTO}/{eid}"),
        ("ops-carol", "admin", "webhook.disable", f"{OTTO}/{eid}")]
    assert items[0]["parameters"] == {"grace_s": 60} and items[1]["outcome"] == {"redriven": 0}
    assert items[2]["parameters"] == {"delivery_id": None, "redriven": 0}
    async with svc.db.read() as conn:  # the new secret is not in the record
        payloads = (await conn.execute(select(events.c.payload))).scalars().all()
    assert not any(secret in p for p in payloads)
