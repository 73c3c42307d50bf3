"""Every operator action records its actor (#17, audit trail): the /ops
routes of every service, and a webhook's rotation, disabling and re-drive.
Finding: none of them left a trace of who acted (a re-drive, rebuild or
re-publish no more than a log line, if that). Now each is an OperatorAction event of the service's own log
(stream ops-<context>, private, under the hash chain), read at /ops/actions."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from shared.logging import CORRELATION_HEADER
from shared.store.schema import events, outbox
from tests.harness import auth
from wecare.cli import main as wecare

ALICE = auth("admin", subject="ops-alice")


async def test_ops_routes_record_who_did_what(in_process, capsys) -> None:  # noqa: ANN001
    svc, c = await in_process("assessment")
    r = await c.post("/ops/relay/republish", params={"from_position": 1},
                     headers={**ALICE, CORRELATION_HEADER: "cid-1"})
    assert r.status_code == 200, r.text
    assert (await c.post("/ops/parked/redrive", headers=ALICE)).status_code == 200
    name = next(iter(svc.runners))
    rebuilt = await c.post(f"/ops/projections/{name}/rebuild", headers=auth("admin", subject="ops-bob"))
    assert (await c.post("/ops/projections/nope/rebuild", headers=ALICE)).status_code == 404  # nothing done

    r = await c.get("/ops/actions", headers=auth("auditor"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["actor"], i["role"], i["action"], i["target"]) for i in items] == [
        ("ops-alice", "admin", "relay.republish", None),
        ("ops-alice", "admin", "parked.redrive", None),
        ("ops-bob", "admin", "projection.rebuild", name)]
    assert items[0]["parameters"] == {"from_position": 1} and items[0]["outcome"] == {"marked": 0}
    assert items[0]["correlation_id"] == "cid-1"
    if rebuilt.status_code == 200:
        assert items[2]["outcome"]["applied"] == rebuilt.json()["applied"]
    else:  # a projection that reads other services' events needs NATS, absent here: the failure is recorded
        assert items[2]["outcome"] == {"error": "RuntimeError"}
    assert (await c.get("/ops/actions", params={"after": 2}, headers=ALICE)).json()["items"][0]["seq"] == 3

    # in the service's own log, never published, under the hash chain
    async with svc.db.read() as conn:
        rows = (await conn.execute(select(events.c.stream_id, events.c.country, events.c.actor)
                                   .where(events.c.event_type == "OperatorAction"))).all()
        assert {(r.stream_id, r.country) for r in rows} == {("ops-assessment", "ops")}
        assert await conn.scalar(select(func.count()).select_from(outbox)) == 0
    # `wecare audit verify` finds the service's database as `wecare serve` would, and checks the actions too
    code = await asyncio.to_thread(wecare, ["audit", "verify", "assessment", "--data-dir", svc.settings.data_dir])
    assert code == 0 and f"{await svc.store.count()} records checked, chain intact" in capsys.readouterr().out
    # only admins and auditors read them
    assert (await c.get("/ops/actions", headers=auth("programme_manager"))).status_code == 403


RECORDED = {"/ops/parked/redrive", "/ops/projections/{name}/rebuild", "/ops/relay/republish",
            "/ops/webhooks/redrive"}


def test_every_ops_write_is_one_that_records_its_actor(tmp_path) -> None:
    """A tripwire: an /ops route that changes something and is not in the list
    of those that record their actor (with operator_action) fails here."""
    import importlib

    from tests.harness import settings_for
    from wecare.cli import SERVICES

    writes = set()
    for name, module in SERVICES.items():
        svc = importlib.import_module(module).create_service(
            settings_for(name, "nats://127.0.0.1:1", str(tmp_path / name), log_level="ERROR"))
        writes |= {path for path, methods in svc.app.openapi()["paths"].items()
                   if path.startswith("/ops") and set(methods) - {"get", "head"}}
    assert writes == RECORDED, "record the new /ops writes with shared.operator_actions.operator_action"


async def test_an_action_cut_short_is_recorded_as_begun(in_process) -> None:  # noqa: ANN001
    """A cancel (the client went away, the server stopping) ended an action
    that had begun without a record of it."""
    from types import SimpleNamespace

    from shared.operator_actions import actions, operator_action

    svc, _ = await in_process("assessment")
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(service=svc)),
                              state=SimpleNamespace(principal=auth_principal("ops-dora")))
    begun = asyncio.Event()

    async def rebuild() -> None:
        async with operator_action(request, "projection.rebuild", target="p"):  # type: ignore[arg-type]
            begun.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(rebuild())
    await begun.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    [item] = await actions(svc.store)
    assert (item["actor"], item["action"], item["outcome"]) == ("ops-dora", "projection.rebuild",
                                                                {"error": "CancelledError"})


def auth_principal(subject: str):  # noqa: ANN201
    from shared.access import Principal

    return Principal(role="admin", subject=subject)
