"""Erasure that survives backups (issue #18): a forgotten person stays
forgotten when any store comes back from a backup taken before the forget,
their key's bytes are in no file, and their plain text is nowhere: not in
any service's store, not in JetStream, not in any report.

The four services on the real NATS server, in this process; the evaluation
service is stopped, its files restored from a backup as an operator would
(`sqlite3 .backup`), and started again."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import nats
import pytest

from shared.privacy import is_sealed
from shared.service import Service
from tests.evaluation.conftest import Stack
from tests.harness import serve_services, serving, settings_for

PLAIN = ("Karim Hossain", "Karim", "A father's routine at Rahman", "karim-hossain-twins")  # what must vanish
CASE = {"case_id": "c-karim", "category": "financial", "opened_on": "2026-07-03",
        "details": "Karim Hossain: debts after his wife's surgery; advance on wages arranged"}
STORY = {"asset_id": "story-2", "kind": "story", "title": "A father's routine at Rahman Knitwear",
         "uri": "assets/karim-hossain-twins.md", "person_id": "p-42",
         "caption": "Mr Karim Hossain with his twins", "consented_by": "Karim Hossain",
         "scope": ["buyer_reports"], "expires_on": "2030-12-31"}
REPORTS = ("/bd/reports/factories/F1.html", "/bd/reports/factories/F1.json", "/bd/reports/factories/F1.csv",
           "/buyers/Otto Group/report.html", "/buyers/Otto Group/report.json", "/bd/assets",
           "/bd/journey/F1")
STORES = ("evaluation.db", "evaluation-keys.db")
SERVICES = ("assessment", "planning", "delivery", "evaluation")


def _service(name: str, nats_url: str, data: Path) -> Service:
    import importlib

    from wecare.cli import SERVICES as MODULES

    return importlib.import_module(MODULES[name]).create_service(settings_for(name, nats_url, str(data)))


def _evaluation(nats_url: str, data: Path) -> Service:
    return _service("evaluation", nats_url, data)


@asynccontextmanager
async def _stack(nats_url: str, data: Path, but: str = "evaluation") -> AsyncIterator[tuple[AsyncExitStack, dict]]:
    """The services but one (the one the test stops and restores)."""
    async with AsyncExitStack() as es:
        yield es, await serve_services(es, [s for s in SERVICES if s != but], nats_url, str(data))


def _with(clients: dict, evaluation: tuple[Service, object]) -> Stack:
    svc, e = evaluation
    return Stack(assessment=clients["assessment"][1], planning=clients["planning"][1],
                 delivery=clients["delivery"][1], evaluation=e, evaluation_service=svc)  # type: ignore[arg-type]


def _backup(data: Path, to: Path, stores: tuple[str, ...] = STORES) -> None:
    """What an operator does: `sqlite3 x.db ".backup x.bak"` of each store, while the service runs."""
    to.mkdir()
    for name in stores:
        src, dst = sqlite3.connect(data / name), sqlite3.connect(to / name)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()


def _restore(backup: Path, data: Path, names: tuple[str, ...]) -> None:
    for name in names:
        for suffix in ("", "-wal", "-shm"):
            (data / (name + suffix)).unlink(missing_ok=True)
        shutil.copy(backup / name, data / name)


async def _plain_anywhere(e, svc: Service) -> list[str]:  # noqa: ANN001
    """Every place a reader of the service finds the person's plain text."""
    found = []
    for url in REPORTS:
        text = (await e.get(url)).text
        found += [f"{url}: {p}" for p in PLAIN if p in text]
    for name in svc.runners:  # a rebuild from the log brings nothing back either
        assert (await e.post(f"/ops/projections/{name}/rebuild")).status_code == 200
    found += [f"after rebuild: {p}" for p in PLAIN if p in (await e.get("/bd/assets")).text]
    envs = [env async for env in svc.store.read_all()]
    opened = [await svc.vault.open(v) for env in envs for v in env.payload.values() if is_sealed(v)]
    found += [f"a sealed value opens: {v}" for v in opened if v is not None]
    return found


def _holding(directory: Path, needles: dict[str, bytes], skip: tuple[str, ...] = ()) -> list[str]:
    """The files under `directory` that hold any of `needles` (name -> bytes)."""
    return [f"{f.name}: {name}" for f in sorted(directory.rglob("*")) if f.is_file() and f.suffix not in skip
            for name, raw in needles.items() if raw in f.read_bytes()]


def _forgotten_in_files(data: Path, key: bytes) -> list[str]:
    """Files of the data directory (every service's database, -wal, -shm, the key store) holding
    the person's plain text or their key's bytes."""
    return _holding(data, {**{p: p.encode() for p in PLAIN}, "the key": key})


async def _in_jetstream(nats_url: str, store_dir: Path) -> list[str]:
    """Every message of every stream (as the operator reads them), and the server's files."""
    out = []
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for info in await js.streams_info():
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                try:
                    msg = await js.get_msg(info.config.name, seq)
                except Exception:  # noqa: BLE001, S112 - a deleted message
                    continue
                text = (msg.data or b"").decode(errors="replace") + str(msg.headers or {})
                out += [f"{info.config.name}#{seq}: {p}" for p in (*PLAIN, "p-42") if p in text]
    finally:
        await nc.close()
    return out + _holding(store_dir, {p: p.encode() for p in (*PLAIN, "p-42")}, skip=(".log",))


async def _story(clients: dict, ev: tuple) -> tuple[Stack, str]:
    """A factory's cycle, and Karim's story with his consent."""
    stack = _with(clients, ev)
    plan = await stack.cycle("bd", "F1")
    assert (await ev[1].post("/bd/assets", json={**STORY, "plan_id": plan})).status_code == 201
    await stack.settled()
    return stack, plan


@pytest.mark.parametrize("restored", [STORES, ("evaluation-keys.db",), ("evaluation.db",)],
                         ids=["both stores", "the key store only", "the event store only"])
async def test_a_forget_survives_a_restore_from_before_it(nats_server, tmp_path, restored):
    """Finding: the keys lived in the event database, so restoring a backup
    brought a forgotten person back. Back up, forget, restore the old files
    (both stores, or one), start again: the person stays unreadable
    everywhere. With both restored, the forget comes back from JetStream."""
    data, backup = tmp_path / "data", tmp_path / "backup"
    async with _stack(nats_server.url, data) as (_, clients):
        async with serving(_evaluation(nats_server.url, data)) as ev:
            stack, _ = await _story(clients, ev)
            assert "Karim Hossain" in (await ev[1].get("/bd/reports/factories/F1.html")).text
            _backup(data, backup)
            r = await ev[1].post("/bd/people/p-42/forget")
            assert r.status_code == 200, r.text
            await stack.settled()
            assert await _plain_anywhere(ev[1], ev[0]) == []
        _restore(backup, data, restored)
        async with serving(_evaluation(nats_server.url, data)) as ev:
            stack = _with(clients, ev)
            await stack.settled()
            assert await ev[0].vault.known("p-42") is False
            assert await _plain_anywhere(ev[1], ev[0]) == []
            assert (await ev[1].post("/bd/people/p-42/forget")).status_code == 404


async def test_after_a_forget_no_store_stream_or_report_holds_the_person(nats_server, tmp_path):
    """Finding: the asset's title, uri and person id were published in the
    clear and kept for ever in the store and in NATS, a forgotten key stayed
    in the -wal file, and a consulting case's details could not be erased.
    After a forget (of the person, and of their case), their plain text is in no
    file of any service (databases, -wal, -shm, key stores), in no message
    of any stream (nor the server's files), in no report or list; the key's
    bytes are in no file."""
    data = tmp_path / "data"
    async with _stack(nats_server.url, data) as (_, clients):
        async with serving(_evaluation(nats_server.url, data)) as ev:
            stack, plan = await _story(clients, ev)
            report = (await ev[1].get("/bd/reports/factories/F1.html")).text
            assert "Karim Hossain" in report and "Rahman Knitwear" in report  # opened for the country team
            assert await _in_jetstream(nats_server.url, nats_server.store_dir) == []  # never published
            key = (await ev[0].vault.keys.get("p-42")).key  # type: ignore[union-attr]
            # the same person's consulting case, in the delivery service
            d, cases = stack.delivery, f"/bd/deliveries/{plan}/consulting-cases"
            assert (await d.post(cases, json=CASE)).status_code == 201
            assert (await d.get(f"{cases}/c-karim")).json()["details"] == CASE["details"]
            assert (await ev[1].post("/bd/people/p-42/forget")).status_code == 200
            assert (await d.post(f"{cases}/c-karim/forget")).status_code == 200
            await stack.settled()
            assert (await d.get(f"{cases}/c-karim")).json()["details"] == "[forgotten]"
            assert await _plain_anywhere(ev[1], ev[0]) == []
            assert _forgotten_in_files(data, key) == []
            assert await _in_jetstream(nats_server.url, nats_server.store_dir) == []


async def test_a_case_forget_survives_restoring_the_delivery_stores_from_before_it(nats_server, tmp_path):
    """The same for a consulting case: its forget is published (no personal
    data: plan, case and the key's random pseudonym), so with both of the
    delivery service's stores restored from before it, JetStream still has it."""
    data, backup = tmp_path / "data", tmp_path / "backup"
    stores = ("delivery.db", "delivery-keys.db")
    async with _stack(nats_server.url, data, but="delivery") as (_, clients):
        async with serving(_service("delivery", nats_url=nats_server.url, data=data)) as (svc, d):
            stack = Stack(assessment=clients["assessment"][1], planning=clients["planning"][1], delivery=d,
                          evaluation=clients["evaluation"][1], evaluation_service=clients["evaluation"][0])
            plan = await stack.cycle("bd", "F1")
            cases = f"/bd/deliveries/{plan}/consulting-cases"
            assert (await d.post(cases, json=CASE)).status_code == 201
            _backup(data, backup, stores)
            assert (await d.post(f"{cases}/c-karim/forget")).status_code == 200
            await stack.settled()
        _restore(backup, data, stores)
        async with serving(_service("delivery", nats_url=nats_server.url, data=data)) as (svc, d):
            case = (await d.get(f"{cases}/c-karim")).json()  # the restored log has no forget: the key is gone
            assert case["details"] == "[forgotten]" and case["category"] == "financial", case
            assert _holding(data, {"details": b"debts after his wife"}) == []
