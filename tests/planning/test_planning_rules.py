"""The plan rules' HTTP contract: a bad input gets a 422 naming the rule, the
field and the items, and stores nothing. Every rule is in the handlers' unit
tests (test_planning_handlers.py); here a few cases show the answer a client
gets, and the findings across countries and idempotency keys."""

from __future__ import annotations

from typing import Any

import pytest

from services.planning.domain.plan import Plan
from tests.planning.conftest import Stack

FAMILY_DAY = {"activity": "family_day"}
MPT = {"activity": "migrant_parents_training"}
KPI = {"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}
MILESTONE = {"name": "Kick-off", "due": "2026-03-20"}


@pytest.fixture
async def programme(stack: Stack) -> Stack:
    for cc, fid in (("bd", "F1"), ("bd", "F2"), ("vn", "V1")):
        await stack.factory(cc, fid)
    await stack.settled()
    r = await stack.programme("bd", "otto", ["F1", "F2", "V1"], starts_on="2026-03-01", ends_on="2027-02-28")
    assert r.status_code == 201, r.text
    return stack


def plan(*activities: dict[str, Any], milestones: list | None = None, kpis: list | None = None,
         factory: str = "F1") -> dict[str, Any]:
    return {"programme_id": "otto", "factory_id": factory, "activities": list(activities),
            "milestones": [MILESTONE] if milestones is None else milestones, "kpis": [KPI] if kpis is None else kpis}


async def _events(stack: Stack) -> int:
    return await stack.planning_service.store.count()


BROKEN = [  # the whole table is in test_planning_handlers.py
    ("over budget", plan(FAMILY_DAY, {"activity": "child_friendly_space"}, {"activity": "responsible_recruitment"}),
     "budget", ["child_friendly_space", "responsible_recruitment"]),
    ("milestones out of order", plan(FAMILY_DAY, MPT, milestones=[
        {"name": "Training done", "due": "2026-06-01"}, {"name": "Kick-off", "due": "2026-03-20"}]),
     "milestones_in_order", ["Kick-off"]),
    ("factory not in the programme", plan(FAMILY_DAY, factory="F9"), "factory_in_programme", ["F9"]),
]


@pytest.mark.parametrize(("case", "body", "rule", "items"), BROKEN, ids=[c[0] for c in BROKEN])
async def test_a_plan_that_breaks_a_rule_is_refused_and_nothing_is_stored(programme: Stack, case, body, rule, items):
    before = await _events(programme)
    r = await programme.planning.post("/bd/plans", json=body)
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["rule"] == rule and err["items"] == items, err
    assert err["field"] and err["detail"] and err["correlation_id"] and err["type"] == "/problems/rule-broken"
    assert await _events(programme) == before
    # the same content as an edit of an existing plan is refused the same way
    ok = await programme.planning.post("/bd/plans", json=plan(FAMILY_DAY, MPT, factory="F2"))
    assert ok.status_code == 201, ok.text
    if rule != "factory_in_programme":
        edit = {k: v for k, v in body.items() if k not in ("programme_id", "factory_id")}
        r = await programme.planning.put(f"/bd/plans/{Plan.plan_id('otto', 'F2')}", json=edit)
        assert r.status_code == 422 and r.json()["rule"] == rule
        stream = await programme.planning_service.store.load(Plan.stream_id(Plan.plan_id("otto", "F2")))
        assert [e.event_type for e in stream] == ["PlanDrafted"]


async def test_wrong_types_name_the_field(programme: Stack):
    r = await programme.planning.post("/bd/plans", json={**plan(FAMILY_DAY), "activities": [{"activity": 3}]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "activities.0.activity"
    r = await programme.planning.post("/bd/plans", json={**plan(FAMILY_DAY), "milestones": [
        {"name": "x", "due": "soon"}]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "milestones.0.due"
    r = await programme.planning.post("/xx/plans", json=plan(FAMILY_DAY))
    assert r.status_code == 422 and r.json()["field"] == "country"


async def test_programme_inputs(stack: Stack):
    await stack.factory("bd", "F1")
    await stack.factory("bd", "F2")
    await stack.settled()
    await stack.assessment.post("/bd/factories/F2/archive", json={"reason": "closed"})
    await stack.settled()
    before = await _events(stack)
    cases = [
        ({"factories": ["F1", "NOPE"]}, "known_factory", ["NOPE"]),
        ({"factories": ["F2"]}, "active_factory", ["F2"]),
        ({"factories": ["F1", "F1"]}, "no_duplicates", ["F1"]),
        ({"factories": ["F1"], "ends_on": "2029-03-01"}, "programme_period", None),
        ({"factories": ["F1"], "ends_on": "2026-03-31"}, "programme_period", None),
    ]
    for kw, rule, items in cases:
        r = await stack.programme("bd", "p1", **{"factories": kw.pop("factories")}, **kw)
        assert r.status_code == 422 and r.json()["rule"] == rule, (kw, r.text)
        assert r.json().get("items") == items
    r = await stack.programme("bd", "p1", ["F1"], starts_on="2026-03-01", ends_on="2026-02-01")
    assert r.status_code == 422 and r.json()["field"] == "ends_on"
    assert await _events(stack) == before
    # three years is the longest programme; the default is one year
    r = await stack.programme("bd", "p3", ["F1"], starts_on="2026-03-01", ends_on="2029-02-28")
    assert r.status_code == 201, r.text
    r = await stack.programme("bd", "p1", ["F1"], starts_on="2026-03-01")
    assert r.json()["ends_on"] == "2027-02-28"
    r = await stack.programme("bd", "p1", ["F1"])
    assert r.status_code == 422 and r.json()["rule"] == "unique"
    # a retried request with its Idempotency-Key answers as the first time and stores nothing more
    body = {"programme_id": "p4", "name": "p4", "buyer": "Hasbro", "factories": ["F1"], "starts_on": "2026-05-01"}
    first = await stack.planning.post("/bd/programmes", json=body, headers={"Idempotency-Key": "k-p4"})
    n = await _events(stack)
    again = await stack.planning.post("/bd/programmes", json=body, headers={"Idempotency-Key": "k-p4"})
    assert again.status_code == 201 and again.json()["replayed"] is True
    assert {k: v for k, v in again.json().items() if k not in ("replayed", "plans_suggested")} == {
        k: v for k, v in first.json().items() if k not in ("replayed", "plans_suggested")}
    assert await _events(stack) == n


@pytest.mark.parametrize(("factories", "price", "total"), [(1, 15_000, 15_000), (10, 13_000, 130_000),
                                                           (20, 11_000, 220_000), (9, 15_000, 135_000),
                                                           (25, 11_000, 275_000)])
async def test_seed_prices(stack: Stack, factories: int, price: int, total: int):
    q = (await stack.planning.get("/pricing", params={"factories": factories})).json()["quote"]
    assert (q["price_per_factory"], q["total"], q["currency"]) == (price, total, "USD")


async def test_a_programme_in_two_countries_is_priced_by_its_size_and_shared_per_country(stack: Stack):
    bd = [f"B{i}" for i in range(6)]
    vn = [f"V{i}" for i in range(4)]
    for f in bd:
        await stack.factory("bd", f)
    for f in vn:
        await stack.factory("vn", f, region="Hanoi")
    await stack.settled()
    r = await stack.programme("bd", "otto-asia", bd + vn)
    assert r.status_code == 201, r.text
    assert (r.json()["price_per_factory"], r.json()["total"], r.json()["countries"]) == (13_000, 130_000, ["bd", "vn"])
    await stack.settled()
    p = stack.planning
    assert (await p.get("/bd/reports/contract-value")).json()["buyers"] == [
        {"buyer": "Otto Group", "currency": "USD", "programmes": 1, "value": 78_000}]
    assert (await p.get("/vn/reports/contract-value")).json()["buyers"][0]["value"] == 52_000
    vn_share = (await p.get("/vn/programmes/otto-asia")).json()
    assert vn_share["factories"] == vn and vn_share["contract_value"] == 130_000
    # a plan is made in the factory's country only
    r = await p.post("/bd/plans", json={**plan(FAMILY_DAY, factory="V1"), "programme_id": "otto-asia"})
    assert r.status_code == 422 and r.json()["rule"] == "factory_in_programme"


async def test_a_plan_keeps_the_catalogue_version_it_was_made_with(programme: Stack, tmp_path, monkeypatch):
    import shutil

    from shared.menu import menu_dir

    folder = tmp_path / "menus"
    folder.mkdir()
    shutil.copy(menu_dir() / "v1.toml", folder / "v1.toml")
    monkeypatch.setenv("WECARE_MENU_DIR", str(folder))
    p = programme.planning
    watch = [FAMILY_DAY, MPT, {"activity": "smart_watch"}]
    r = await p.post("/bd/plans", json=plan(*watch))
    assert r.status_code == 201, r.text
    # version 2: Smart Watches only in China, Migrant Parents Training costs 3
    v2 = (folder / "v1.toml").read_text().replace("version = 1", "version = 2")
    v2 = v2.replace('name = "Smart Watch Program"', 'name = "Smart Watch Program"\ncountries = ["cn"]')
    v2 = v2.replace('name = "Migrant Parents Training"\ncredits = 2', 'name = "Migrant Parents Training"\ncredits = 3')
    (folder / "v2.toml").write_text(v2)
    cat = (await p.get("/catalogue")).json()
    assert cat["version"] == 2 and cat["versions"] == [1, 2]
    assert "smart_watch" not in [a["code"] for a in (await p.get("/bd/catalogue")).json()["activities"]]
    assert (await p.get("/catalogue", params={"version": 7})).status_code == 404
    # a new plan follows version 2
    r = await p.post("/bd/plans", json=plan(*watch, factory="F2"))
    assert r.status_code == 422 and r.json()["rule"] == "available_in_country" and r.json()["items"] == [
        "smart_watch"]
    r = await p.post("/bd/plans", json=plan(FAMILY_DAY, MPT, {"activity": "youth_development"}, factory="F2"))
    assert r.status_code == 422 and r.json()["rule"] == "budget"  # 3 + 8 credits in version 2
    # the plan made with version 1 is still checked against version 1
    r = await p.put(f"/bd/plans/{Plan.plan_id('otto', 'F1')}",
                    json={"activities": [*watch, {"activity": "parent_child_activities"}], "milestones": [MILESTONE],
                          "kpis": [KPI]})
    assert r.status_code == 200, r.text
    got = (await p.get(f"/bd/plans/{Plan.plan_id('otto', 'F1')}")).json()
    assert got["content"]["catalogue_version"] == 1 and got["content"]["credits_used"] == 8


async def test_a_team_cannot_make_a_programme_for_another_countrys_factories(stack: Stack):
    """Finding: a Bangladesh token created a programme for Vietnamese factories
    with POST /bd/programmes, and plans got drafted in Vietnam."""
    from tests.harness import auth

    await stack.factory("bd", "F1")
    await stack.factory("vn", "V1")
    await stack.settled()
    await stack.assess("vn", "V1")
    await stack.settled()
    before = await _events(stack)
    bd = auth("country_team", countries=["bd"])
    body = {"programme_id": "p-x", "name": "x", "buyer": "Otto Group", "starts_on": "2026-03-01"}
    outside = await stack.planning.post("/bd/programmes", json={**body, "factories": ["F1", "V1"]}, headers=bd)
    missing = await stack.planning.post("/bd/programmes", json={**body, "factories": ["F1", "V9"]}, headers=bd)
    assert outside.status_code == missing.status_code == 422
    o, m = outside.json(), missing.json()
    assert (o["rule"], o["items"]) == ("known_factory", ["V1"])
    assert o["detail"].replace("V1", "?") == m["detail"].replace("V9", "?")
    assert await _events(stack) == before
    assert (await stack.planning.get("/vn/plans")).json()["total"] == 0


async def test_idempotency_keys_belong_to_a_caller_and_a_request(stack: Stack):
    """Finding: another caller who sent another command with the same
    Idempotency-Key got '201 replayed: true' and the command was dropped."""
    from tests.harness import auth

    for cc, fid in (("bd", "F1"), ("vn", "V1")):
        await stack.factory(cc, fid)
    await stack.settled()
    key = {"Idempotency-Key": "same-key"}
    body = {"name": "x", "buyer": "Otto Group", "starts_on": "2026-03-01"}
    bd = {**auth("country_team", countries=["bd"]), **key}
    vn = {**auth("country_team", countries=["vn"]), **key}
    r = await stack.planning.post("/bd/programmes", json={**body, "programme_id": "p-bd", "factories": ["F1"]},
                                  headers=bd)
    assert r.status_code == 201 and r.json()["replayed"] is False
    r = await stack.planning.post("/vn/programmes", json={**body, "programme_id": "p-vn", "factories": ["V1"]},
                                  headers=vn)
    assert r.status_code == 201 and r.json()["replayed"] is False, r.text
    assert (await stack.planning.get("/vn/programmes/p-vn")).status_code in (200, 404)  # the projection may lag
    n = await _events(stack)
    r = await stack.planning.post("/bd/programmes", json={**body, "programme_id": "p-other", "factories": ["F1"]},
                                  headers=bd)
    assert r.status_code == 422 and r.json()["type"] == "/problems/idempotency-key-reused"
    assert r.json()["field"] == "Idempotency-Key"
    assert await _events(stack) == n


async def test_a_path_id_that_breaks_the_commands_limit_names_the_field(stack: Stack):
    """The command is built from the path and the body: its own limits answer 422, never 500."""
    r = await stack.planning.post(f"/bd/plans/{'x' * 300}/approve",
                                  json={"approved_by": "Mr Rahman", "approved_on": "2026-04-01"})
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == "plan_id"
