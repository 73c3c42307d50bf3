"""Every evaluation rule through the API (a 422 naming the field, nothing
stored), and consent: a withdrawn asset leaves every list and report, also
after the projection is rebuilt from the log."""

from __future__ import annotations

import pytest

from tests.evaluation.conftest import Stack, endline


@pytest.fixture
async def plan(stack: Stack) -> str:
    return await stack.cycle("bd", "F1")


async def _refused(stack: Stack, path: str, body: dict | None, field: str, rule: str | None = None) -> dict:
    before = await stack.evaluation_service.store.count()
    r = await stack.evaluation.post(path, json=body)
    assert r.status_code == 422, r.text
    err = r.json()
    fields = [f["field"] for f in err.get("fields") or []] + [err.get("field")]
    assert field in fields, err
    if rule:
        assert err["rule"] == rule, err
    assert await stack.evaluation_service.store.count() == before
    return err


async def test_endline_rules(stack: Stack, plan: str):
    path = f"/bd/evaluations/{plan}/endline"
    await _refused(stack, path, endline(measured_on="2026-01-15"), "measured_on", "endline_after_baseline")
    await _refused(stack, path, endline(retention_rate=112.0), "retention_rate")
    await _refused(stack, path, endline(turnover_rate=-3), "turnover_rate")
    await _refused(stack, path, endline(baseline_records={"absenteeism_rate": 101}),
                   "baseline_records.absenteeism_rate")
    await _refused(stack, path, endline(parenting_confidence=7), "parenting_confidence")
    await _refused(stack, path, endline(kpis={"share_of_happy_cats": 0.5}), "kpis", "known_kpi")
    await _refused(stack, path, endline(measured_on="soon"), "measured_on")
    await _refused(stack, f"/bd/evaluations/{plan}/evaluate", None, "plan_id", "endline_recorded")
    await _refused(stack, f"/bd/evaluations/{plan}/close", {"closed_on": "2026-11-01"}, "plan_id",
                   "close_after_evaluation")
    r = await stack.evaluation.post(f"/vn/evaluations/{plan}/endline", json=endline())
    assert r.status_code == 404  # another country's plan does not exist here


async def test_sustainability_rules(stack: Stack, plan: str):
    e = stack.evaluation
    practices = [{"practice": "CFS every summer", "owner": "HR", "due": "2027-07-01"}]
    await _refused(stack, f"/bd/evaluations/{plan}/sustainability", {
        "workshop_on": "2026-10-20", "participants": 10, "practices": practices}, "plan_id", "evaluated_first")
    assert (await e.post(f"/bd/evaluations/{plan}/endline", json=endline())).status_code == 200
    assert (await e.post(f"/bd/evaluations/{plan}/evaluate")).status_code == 200
    await _refused(stack, f"/bd/evaluations/{plan}/sustainability", {
        "workshop_on": "2026-09-20", "participants": 10, "practices": practices}, "workshop_on", "dates_in_order")
    await _refused(stack, f"/bd/evaluations/{plan}/sustainability", {
        "workshop_on": "2026-10-20", "participants": 10, "practices": [
            {"practice": "CFS every summer", "owner": "HR", "due": "2026-09-01"}]}, "practices", "dates_in_order")
    await _refused(stack, f"/bd/evaluations/{plan}/sustainability", {
        "workshop_on": "2026-10-20", "participants": 10, "practices": []}, "practices")
    assert (await e.post(f"/bd/evaluations/{plan}/sustainability", json={
        "workshop_on": "2026-10-20", "participants": 10, "practices": practices})).status_code == 200
    await _refused(stack, f"/bd/evaluations/{plan}/follow-ups", {
        "practice": "Yoga", "checked_on": "2026-11-10", "status": "continued"}, "practice", "known_practice")
    await _refused(stack, f"/bd/evaluations/{plan}/follow-ups", {
        "practice": "CFS every summer", "checked_on": "2026-11-10", "status": "maybe"}, "status")


async def test_a_report_for_a_factory_with_no_assessment(stack: Stack):
    await stack.factory("bd", "F9")
    await stack.settled()
    for fmt in ("html", "json"):
        r = await stack.evaluation.get(f"/bd/reports/factories/F9.{fmt}")
        assert r.status_code == 422 and r.json()["rule"] == "known_baseline" and r.json()["field"] == "factory_id"
    r = await stack.evaluation.get("/bd/reports/factories/F9.docx")
    assert r.status_code == 422


async def test_consent_withdrawal_takes_the_asset_out_of_every_report(stack: Stack, plan: str):
    e = stack.evaluation
    story = {"asset_id": "story-1", "plan_id": plan, "kind": "story", "title": "A mother's daughter at the CFS",
             "uri": "assets/story-1.md", "person_id": "p-17", "caption": "Nadia, Rahima Akter's daughter",
             "consented_by": "Rahima Akter", "minor": True, "guardian": "Rahima Akter",
             "scope": ["buyer_reports", "public"], "expires_on": "2030-12-31"}
    r = await e.post("/bd/assets", json={**story, "guardian": None})
    assert r.status_code == 422 and r.json()["rule"] == "guardian_for_minor"
    r = await e.post("/bd/assets", json={**story, "expires_on": "2020-01-01"})
    assert r.status_code == 422 and r.json()["rule"] == "consent_in_force"
    assert (await e.post("/bd/assets", json=story)).status_code == 201
    await stack.settled()
    assert [a["asset_id"] for a in (await e.get("/bd/assets")).json()["items"]] == ["story-1"]
    assert "mother&#39;s daughter" in (await e.get("/bd/reports/factories/F1.html")).text
    # names are never in the event store in the clear, and who consented is never published
    assert [env async for env in stack.evaluation_service.store.read_all() if "Rahima" in str(env.payload)] == []

    r = await e.post("/bd/assets/story-1/withdraw", json={"withdrawn_on": "2026-11-01"})
    assert r.status_code == 200
    await stack.settled()
    assert (await e.get("/bd/assets")).json()["items"] == []
    assert "daughter" not in (await e.get("/bd/reports/factories/F1.html")).text
    assert "daughter" not in (await e.get("/buyers/Otto Group/report.html")).text
    r = (await e.post("/ops/projections/eval_assets/rebuild")).json()
    assert r["identical"] is True and (await e.get("/bd/assets")).json()["items"] == []
    r = await e.post("/bd/assets/story-1/withdraw", json={"withdrawn_on": "2026-11-02"})
    assert r.status_code == 422 and r.json()["rule"] == "withdraw_once"


async def test_forgetting_a_person_leaves_no_trace_in_lists_reports_or_rebuilds(stack: Stack, plan: str):
    e = stack.evaluation
    story = {"asset_id": "story-2", "plan_id": plan, "kind": "story", "title": "A father's new routine",
             "uri": "assets/story-2.md", "person_id": "p-42", "caption": "Mr Karim Hossain with his twins",
             "consented_by": "Karim Hossain", "scope": ["buyer_reports"], "expires_on": "2030-12-31"}
    assert (await e.post("/bd/assets", json=story)).status_code == 201
    await stack.settled()
    assert "Karim Hossain" in (await e.get("/bd/reports/factories/F1.html")).text
    r = await e.post("/bd/people/p-42/forget")
    assert r.status_code == 200 and r.json()["forgotten"] is True
    await stack.settled()
    assert (await e.get("/bd/assets")).json()["items"] == []
    for url in ("/bd/reports/factories/F1.html", "/buyers/Otto Group/report.html", "/bd/reports/factories/F1.json"):
        assert "Karim" not in (await e.get(url)).text, url
    for name in stack.evaluation_service.runners:
        assert (await e.post(f"/ops/projections/{name}/rebuild")).json()["identical"] is True
    assert (await e.get("/bd/assets")).json()["items"] == []
    # the sealed fields (title, uri, caption, who consented) are still in the store, and can no longer be
    # opened by anyone; the events name the person by a pseudonym only
    from shared.privacy import is_sealed

    vault = stack.evaluation_service.vault
    envs = [env async for env in stack.evaluation_service.store.read_all()]
    sealed = [v for env in envs for v in env.payload.values() if is_sealed(v)]
    assert len(sealed) == 4 and all([await vault.open(v) is None for v in sealed])
    assert not [env for env in envs if "p-42" in env.to_wire().decode()]
    assert (await e.post("/bd/people/p-42/forget")).status_code == 404


async def test_a_team_cannot_forget_a_person_of_another_country(stack: Stack):
    """Finding: a Bangladesh country-team token crypto-shredded a person whose
    asset belonged to another country (200, the asset gone, and that country's
    audit trail could not see who did it). Now the person is not found, exactly
    like an unknown id; nothing is forgotten and nothing recorded; the owning
    country's team may, and its audit trail shows who."""
    from tests.harness import auth

    e = stack.evaluation
    plan = await stack.cycle("vn", "V1")
    story = {"asset_id": "story-vn", "plan_id": plan, "kind": "story", "title": "A father's new routine",
             "uri": "assets/story-vn.md", "person_id": "p-vn", "caption": "Mr Tran with his twins",
             "consented_by": "Tran Van An", "scope": ["buyer_reports"], "expires_on": "2030-12-31"}
    assert (await e.post("/vn/assets", json=story)).status_code == 201
    await stack.settled()
    before = await stack.evaluation_service.store.count()
    bd_team = auth("country_team", countries=["bd"], subject="bd-officer")
    unknown = await e.post("/bd/people/p-nobody/forget", headers=bd_team)
    for who in (bd_team, auth()):  # a team of another country; anyone through another country's path
        r = await e.post("/bd/people/p-vn/forget", headers=who)
        assert r.status_code == unknown.status_code == 404
        same = {k: v for k, v in unknown.json().items() if k != "correlation_id"}
        assert {k: v for k, v in r.json().items() if k != "correlation_id"} == {
            k: (v.replace("p-nobody", "p-vn") if isinstance(v, str) else v) for k, v in same.items()}
    assert await stack.evaluation_service.store.count() == before
    await stack.settled()
    assert [a["asset_id"] for a in (await e.get("/vn/assets")).json()["items"]] == ["story-vn"]
    r = await e.post("/vn/people/p-vn/forget", headers=auth("country_team", countries=["vn"], subject="vn-officer"))
    assert r.status_code == 200, r.text
    [env] = [env async for env in stack.evaluation_service.store.read_all() if env.event_type == "PersonForgotten"]
    assert (env.country, env.actor) == ("vn", "vn-officer")
