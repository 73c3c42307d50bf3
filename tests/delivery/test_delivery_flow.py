"""Delivery end to end on real NATS: a plan approved in the planning service
becomes the factory's work plan, exactly once; sessions are delivered; the
seed statements come from the recorded sessions; a milestone is reached."""

from __future__ import annotations

import nats
import orjson

from services.delivery.domain.delivery import Delivery
from tests.delivery.conftest import Stack, attendance, managers, session


async def test_an_approved_plan_becomes_the_work_plan_once_and_a_milestone_is_reached(stack: Stack, nats_server):
    plan_id = await stack.approved_plan("bd", "F1", ["migrant_parents_training", "training_of_trainers"],
                                        milestones=[{"name": "Kick-off", "due": "2026-01-20"},
                                                    {"name": "Parents trained", "due": "2026-06-30",
                                                     "activities": ["migrant_parents_training"]}])
    d = stack.delivery
    wp = (await d.get(f"/bd/deliveries/{plan_id}")).json()
    assert [a["activity"] for a in wp["activities"]] == ["family_day", "migrant_parents_training",
                                                         "training_of_trainers"]
    assert wp["revision"] == 1 and [m["name"] for m in wp["milestones"]] == ["Kick-off", "Parents trained"]
    # the planning log published again (JetStream de-duplicates) changes nothing here
    await stack.planning.post("/ops/relay/republish?from_position=1")
    await stack.settled()
    stream = await stack.delivery_service.store.load(Delivery.stream_id(plan_id))
    assert [e.event_type for e in stream] == ["WorkPlanReceived"]

    # listen to what delivery publishes
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    sub = await js.subscribe("wecare.bd.delivery.>", ordered_consumer=True)

    r = await d.post(f"/bd/deliveries/{plan_id}/sessions", json=session("s1", "migrant_parents_training"))
    assert r.status_code == 201, r.text
    r = await d.post(f"/bd/deliveries/{plan_id}/sessions/s1/attendance", json=attendance(counts=[
        {"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 30},
        {"role": "parent_worker", "sex": "male", "age_band": "25_34", "count": 12}]))
    assert r.status_code == 200, r.text
    r = await d.post(f"/bd/deliveries/{plan_id}/activities/migrant_parents_training/complete",
                     json={"completed_on": "2026-03-03"})
    assert r.status_code == 200, r.text
    await stack.settled()
    seen = []
    while len(seen) < 5:
        m = await sub.next_msg(timeout=10)
        seen.append((m.subject, orjson.loads(m.data)))
    await nc.close()
    subjects = [s for s, _ in seen]
    assert subjects == ["wecare.bd.delivery.work_plan_received", "wecare.bd.delivery.session_scheduled",
                        "wecare.bd.delivery.session_delivered", "wecare.bd.delivery.activity_completed",
                        "wecare.bd.delivery.milestone_reached"]  # attendance itself is private
    delivered = seen[2][1]["payload"]
    assert delivered["attendance"]["total"] == 42 and delivered["attendance"]["female"] == 30
    assert "participants" not in orjson.dumps(delivered).decode()
    reached = seen[4][1]["payload"]
    assert reached["milestone"] == "Parents trained" and reached["on_time"] is True
    wp = (await d.get(f"/bd/deliveries/{plan_id}")).json()
    mpt = next(a for a in wp["progress"] if a["activity"] == "migrant_parents_training")
    assert (mpt["sessions_delivered"], mpt["attendances"], mpt["share_female"]) == (1, 42, round(30 / 42, 4))
    assert mpt["completed_on"] == "2026-03-03"


async def test_the_seed_statements_come_from_recorded_sessions(stack: Stack):
    plan_id = await stack.approved_plan("bd", "F1", ["training_of_trainers", "responsible_recruitment",
                                                     "migrant_parents_training"])
    d = stack.delivery
    # 3 trainings of trainers: 16 attendances, 14 different managers (two came twice)
    tot = [managers("m1", "m2", "m3", "m4", "m5", "m6"), managers("m7", "m8", "m9", "m10", "m1"),
           managers("m11", "m12", "m13", "m14", "m2")]
    sessions = [{**session(f"tot{i}", "training_of_trainers", at=f"2026-02-0{i + 2}T09:00"),
                 "attendance": attendance(at=f"2026-02-0{i + 2}T12:00", participants=people)}
                for i, people in enumerate(tot)]
    # 4 responsible recruitment workshops with 5 managers each (not named)
    sessions += [{**session(f"rr{i}", "responsible_recruitment", at=f"2026-03-1{i}T09:00"),
                  "attendance": attendance(at=f"2026-03-1{i}T11:00", counts=[
                      {"role": "manager", "sex": "male", "age_band": "35_44", "count": 3},
                      {"role": "manager", "sex": "female", "age_band": "35_44", "count": 2}])} for i in range(4)]
    # 2 parenting sessions with 50 parent workers each, the second led by a trainer the ToT qualified
    sessions += [{**session(f"p{i}", "migrant_parents_training", at=f"2026-04-0{i + 1}T14:00",
                            trainers=["wecare:lina"] if i == 0 else ["m3"]),
                  "attendance": attendance(at=f"2026-04-0{i + 1}T16:00", counts=[
                      {"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 35},
                      {"role": "parent_worker", "sex": "male", "age_band": "25_34", "count": 15}])} for i in range(2)]
    r = await d.post(f"/bd/deliveries/{plan_id}/batch", json={"sessions": sessions})
    assert r.status_code == 200, r.text
    await stack.settled()
    st = (await d.get("/bd/statements")).json()["statements"]
    assert st == ["3 trainings of trainers delivered to 14 managers",
                  "4 responsible recruitment workshops involving 20 managers",
                  "2 parenting sessions reaching 100 parent workers"]
    # in the reader's language (the console shows them as they come): the numbers, not the English
    zh = await d.get("/bd/statements", headers={"Accept-Language": "zh-CN"})
    assert zh.headers["content-language"] == "zh"
    first = zh.json()["statements"][0]
    assert "3" in first and "14" in first and "trainers" not in first
    bn = (await d.get("/bd/statements", params={"lang": "bn"})).json()["statements"]
    assert len(bn) == 3 and not set(bn) & set(st)
    cascade = (await d.get("/bd/cascade", params={"plan_id": plan_id})).json()
    m3 = next(t for t in cascade["trainers"] if t["trainer_id"] == "m3")
    assert m3["sessions_delivered"] == 1 and m3["attendances"] == 50 and m3["trained_by"] == ["wecare:lina"]
    assert len(cascade["trainers"]) == 14 and cascade["attendances_by_factory_trainers"] == 50
    prog = (await d.get("/bd/progress")).json()["factories"][0]
    assert prog["managers_trained"] == 14 and prog["sessions_delivered"] == 9
    assert prog["workers_reached"] == 100
    # people reached once each: 14 managers with ids, 20 + 100 without
    assert prog["people_reached"] == 14 + 20 + 100


async def test_delivery_projections_rebuild_byte_identical(stack: Stack):
    plan_id = await stack.approved_plan("bd", "F1", ["migrant_parents_training", "training_of_trainers"])
    d = stack.delivery
    r = await d.post(f"/bd/deliveries/{plan_id}/batch", json={"sessions": [
        {**session("t1", "training_of_trainers"), "attendance": attendance(participants=managers("m1", "m2"))},
        {**session("p1", "migrant_parents_training", trainers=["m1"]), "attendance": attendance(counts=[
            {"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 20}])},
        session("p2", "migrant_parents_training")]})
    assert r.status_code == 200, r.text
    await d.post(f"/bd/deliveries/{plan_id}/activities/training_of_trainers/complete",
                 json={"completed_on": "2026-03-05"})
    await stack.settled()
    svc = stack.delivery_service
    before = await svc.runners["progress"].snapshot()
    for name in svc.runners:
        r = (await d.post(f"/ops/projections/{name}/rebuild")).json()
        assert r["identical"] is True and r["applied"] > 0, (name, r)
    assert await svc.runners["progress"].snapshot() == before
    # the rebuild of the reaction received every approved plan again and appended nothing
    assert [e.event_type for e in await svc.store.load(Delivery.stream_id(plan_id))].count("WorkPlanReceived") == 1
