"""The planning service end to end on real NATS: an assessment completed in
the assessment service becomes a suggested draft plan, exactly once; then the
plan is edited, approved, kicked off and revised."""

from __future__ import annotations

import uuid

import nats
import orjson

from services.planning.domain.plan import Plan
from tests.conftest import eventually
from tests.planning.conftest import Stack


async def _plan(stack: Stack, country: str, plan_id: str) -> dict | None:
    r = await stack.planning.get(f"/{country}/plans/{plan_id}")
    return r.json() if r.status_code == 200 else None


async def test_a_completed_assessment_over_nats_drafts_a_suggested_plan_exactly_once(stack_both: Stack, nats_server):
    stack = stack_both
    await stack.factory("bd", "F1")
    await stack.settled()
    r = await stack.programme("bd", "otto-bd", ["F1"])
    assert r.status_code == 201, r.text
    assert r.json()["plans_suggested"] == 0  # not assessed yet

    await stack.assess("bd", "F1")
    plan_id = Plan.plan_id("otto-bd", "F1")
    plan = await eventually(lambda: _plan(stack, "bd", plan_id), timeout=20)
    assert plan["suggested"] is True and plan["status"] == "draft"
    codes = [a["activity"] for a in plan["content"]["activities"]]
    assert "family_day" in codes and plan["content"]["credits_used"] <= 10
    assert plan["explanation"] and plan["content"]["kpis"]
    assert all(k["baseline"] is not None for k in plan["content"]["kpis"])

    # The same event again, as after JetStream's de-duplication window: a new message id.
    svc = stack.planning_service
    completed = [e async for e in _assessment_events(stack) if e["event_type"] == "AssessmentCompleted"]
    assert len(completed) == 1
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await js.publish("wecare.bd.assessment.assessment_completed", orjson.dumps(completed[0]),
                     headers={"Nats-Msg-Id": str(uuid.uuid4())})
    # and the whole assessment log again through the relay (JetStream de-duplicates these)
    r = await stack.assessment.post("/ops/relay/republish?from_position=1")
    assert r.json()["marked"] > 0
    await nc.close()
    await stack.settled()
    stream = await svc.store.load(Plan.stream_id(plan_id))
    assert [e.event_type for e in stream] == ["PlanDrafted"]
    assert stream[0].causation_id == completed[0]["event_id"]  # the draft says which event caused it


async def _assessment_events(stack: Stack):
    """The assessment service's own log, as it is published."""
    svc = stack.assessment._transport.app.state.service  # type: ignore[attr-defined]
    async for env in svc.store.read_all():
        yield orjson.loads(env.to_wire())


async def test_a_programme_for_factories_already_assessed_drafts_their_plans_at_once(stack_both: Stack):
    stack = stack_both
    await stack.factory("bd", "F1")
    await stack.factory("bd", "F2")
    await stack.assess("bd", "F1")
    await stack.settled()
    r = await stack.programme("bd", "otto-bd", ["F1", "F2"])
    assert r.status_code == 201, r.text
    assert r.json()["plans_suggested"] == 1
    plan = await _plan(stack, "bd", Plan.plan_id("otto-bd", "F1"))
    assert plan is not None and plan["suggested"] is True
    assert await _plan(stack, "bd", Plan.plan_id("otto-bd", "F2")) is None
    await stack.assess("bd", "F2")
    await eventually(lambda: _plan(stack, "bd", Plan.plan_id("otto-bd", "F2")), timeout=20)
    await stack.settled()
    stream = await stack.planning_service.store.load(Plan.stream_id(Plan.plan_id("otto-bd", "F1")))
    assert len(stream) == 1


async def test_plan_life_cycle_edit_approve_kick_off_revise(stack: Stack):
    await stack.factory("bd", "F1")
    await stack.assess("bd", "F1")
    await stack.settled()
    assert (await stack.programme("bd", "otto-bd", ["F1"])).status_code == 201
    pid = Plan.plan_id("otto-bd", "F1")
    plan = await _plan(stack, "bd", pid)
    assert plan is not None
    p = stack.planning
    content = plan["content"]
    body = {"activities": [{"activity": "family_day"}, {"activity": "migrant_parents_training"},
                           {"activity": "smart_watch", "cohort_size": 40}, {"activity": "parent_child_activities"}],
            "milestones": [{"name": "Kick-off", "due": "2026-03-20"},
                           {"name": "Smart watches handed out", "due": "2026-06-01", "activities": ["smart_watch"]}],
            "kpis": [{"indicator": k["indicator"], "target": k["target"]} for k in content["kpis"]],
            "note": "factory prefers smart watches"}
    r = await p.put(f"/bd/plans/{pid}", json=body, headers={"If-Match": "1"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "draft" and r.json()["revision"] == 1
    # a stale If-Match is a failed precondition (RFC 9110), with the current version
    r = await p.put(f"/bd/plans/{pid}", json=body, headers={"If-Match": "1"})
    assert r.status_code == 412 and r.json()["current_version"] == 2
    # kick-off before approval is refused
    r = await p.post(f"/bd/plans/{pid}/kick-off", json={"held_on": "2026-03-20", "participants": 30,
                                                       "facilitators": ["Lina"]})
    assert r.status_code == 422 and r.json()["rule"] == "approved_before_kick_off"
    r = await p.post(f"/bd/plans/{pid}/approve", json={"approved_by": "Mr Rahman, HR manager",
                                                      "approved_on": "2026-03-10"})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    r = await p.post(f"/bd/plans/{pid}/kick-off", json={"held_on": "2026-03-20", "participants": 30,
                                                       "facilitators": ["Lina"]})
    assert r.status_code == 200, r.text
    # a change after approval needs a reason, and is a new revision to approve again
    body["activities"][2]["cohort_size"] = 50
    r = await p.put(f"/bd/plans/{pid}", json=body)
    assert r.status_code == 422 and r.json()["rule"] == "revise_with_reason"
    r = await p.put(f"/bd/plans/{pid}", json={**body, "reason": "more children enrolled"})
    assert r.status_code == 200 and r.json() == {"plan_id": pid, "version": 5, "status": "in_revision",
                                                  "revision": 2}
    await stack.settled()
    plan = await _plan(stack, "bd", pid)
    assert [h["event"] for h in plan["history"]] == ["PlanDrafted", "PlanEdited", "PlanApproved", "KickOffHeld",
                                                     "PlanRevised"]
    assert plan["approved_revision"] == 1 and plan["revision"] == 2
    listed = (await p.get("/bd/plans", params={"status": "in_revision"})).json()
    assert [i["plan_id"] for i in listed["items"]] == [pid]
    # the approved revision is what the reports count until the new one is approved
    acts = (await p.get("/bd/reports/activities")).json()
    assert {a["activity"]: a["cohort_places"] for a in acts["activities"]}["smart_watch"] == 40
    r = await p.post(f"/bd/plans/{pid}/approve", json={"approved_by": "Mr Rahman", "approved_on": "2026-04-01"})
    assert r.status_code == 200
    await stack.settled()
    acts = (await p.get("/bd/reports/activities")).json()
    assert acts["approved_plans"] == 1
    assert {a["activity"]: (a["plans"], a["credits"]) for a in acts["activities"]} == {
        "family_day": (1, 0), "migrant_parents_training": (1, 2), "smart_watch": (1, 4),
        "parent_child_activities": (1, 2)}
    status = (await p.get("/bd/reports/plans")).json()
    assert status == {"country": "bd", "by_status": {"approved": 1}, "kicked_off": 1}
    # another country's team does not see the plan
    assert (await p.get(f"/vn/plans/{pid}")).status_code == 404
    r = await p.post(f"/vn/plans/{pid}/approve", json={"approved_by": "x", "approved_on": "2026-04-01"})
    assert r.status_code == 404


async def test_every_planning_projection_rebuilds_byte_identical(stack: Stack):
    """Own events from the planning store, the assessment's from JetStream."""
    for fid in ("F1", "F2"):
        await stack.factory("bd", fid)
    await stack.factory("vn", "V1", region="Hanoi")
    await stack.assess("bd", "F1")
    await stack.assessment.post("/bd/factories/F2/archive", json={"reason": "closed"})
    await stack.settled()
    assert (await stack.programme("bd", "otto", ["F1", "V1"])).status_code == 201
    pid = Plan.plan_id("otto", "F1")
    r = await stack.planning.post(f"/bd/plans/{pid}/approve", json={"approved_by": "HR", "approved_on": "2026-03-05"})
    assert r.status_code == 200, r.text
    await stack.settled()
    svc = stack.planning_service
    for name, runner in svc.runners.items():
        before = await runner.snapshot()
        assert any(before.values()), name  # something to rebuild
        r = await stack.planning.post(f"/ops/projections/{name}/rebuild")
        assert r.status_code == 200, r.text
        assert r.json()["identical"] is True, (name, r.json())
        assert r.json()["applied"] > 0
        assert await runner.snapshot() == before
    # the rebuild reacted to nothing: the plan was drafted once
    assert len(await svc.store.load(Plan.stream_id(pid))) == 2
