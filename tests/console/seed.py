"""Seed steps for the console's tests, through the services' public APIs with
the admin clients of `console_stack` (the demo's cycle, small): a factory
registered and assessed, a programme (its suggested plan drafted), the plan
approved and kicked off, sessions delivered. Reusable by the browser tests."""

from __future__ import annotations

from typing import Any

from services.planning.domain.plan import Plan
from tests.assessment import builders as b
from tests.conftest import eventually
from tests.console.conftest import ConsoleStack
from tests.harness import no_lag

KPI = {"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}
MANAGERS = [f"m{i}" for i in range(1, 15)]


async def settled(stack: ConsoleStack, timeout: float = 30) -> None:
    """Every service's outbox sent and projections caught up."""
    async def all_() -> bool:
        return all([await no_lag(stack.admin(s)) for s in stack.services])
    await eventually(all_, timeout=timeout)


async def factory(stack: ConsoleStack, country: str, fid: str, buyer: str = "Otto Group", **kw: Any) -> None:
    r = await stack.admin("assessment").post(f"/{country}/factories", json=b.factory(fid, buyers=[buyer], **kw))
    assert r.status_code == 201, r.text


async def assessed(stack: ConsoleStack, country: str, fid: str, responses: int = 10) -> str:
    """The factory's needs assessment, completed (its baseline and needs profile); the assessment id."""
    a = stack.admin("assessment")
    aid = f"a-{fid}"
    r = await a.post(f"/{country}/assessments", json={"assessment_id": aid, "factory_id": fid,
                                                      "scheduled_date": "2026-02-01", "assessors": ["Lina"]})
    assert r.status_code == 201, r.text
    for path, body in (("policies", b.policies()), ("demographics", b.demographics()),
                       ("management", b.findings())):
        r = await a.put(f"/{country}/assessments/{aid}/{path}", json=body)
        assert r.status_code == 200, r.text
    r = await a.post(f"/{country}/assessments/{aid}/survey-responses/batch",
                     json={"responses": [b.response(i) for i in range(responses)]})
    assert r.status_code == 201, r.text
    r = await a.post(f"/{country}/assessments/{aid}/complete", json={"completed_on": "2026-02-05"})
    assert r.status_code == 200, r.text
    return aid


async def programme(stack: ConsoleStack, country: str, pid: str, factories: list[str], buyer: str = "Otto Group",
                    starts_on: str = "2026-03-01") -> dict:
    r = await stack.admin("planning").post(f"/{country}/programmes", json={
        "programme_id": pid, "name": f"WeCare {buyer}", "buyer": buyer, "factories": factories,
        "starts_on": starts_on})
    assert r.status_code == 201, r.text
    return r.json()


async def drafted_plan(stack: ConsoleStack, country: str, fid: str, activities: list[str], *,
                       pid: str | None = None, buyer: str = "Otto Group") -> str:
    """A factory (not assessed) in a programme, with a draft plan of these activities (and family_day)."""
    pid = pid or f"otto-{fid}"
    await factory(stack, country, fid, buyer)
    await settled(stack)
    await programme(stack, country, pid, [fid], buyer)
    r = await stack.admin("planning").post(f"/{country}/plans", json={
        "programme_id": pid, "factory_id": fid, "activities": [{"activity": a} for a in ["family_day", *activities]],
        "milestones": [{"name": "Kick-off", "due": "2026-03-20"}], "kpis": [KPI]})
    assert r.status_code == 201, r.text
    return Plan.plan_id(pid, fid)


async def approve(stack: ConsoleStack, country: str, plan_id: str, kick_off: bool = True) -> None:
    p = stack.admin("planning")
    r = await p.post(f"/{country}/plans/{plan_id}/approve", json={"approved_by": "GM", "approved_on": "2026-03-10"})
    assert r.status_code == 200, r.text
    if kick_off:
        r = await p.post(f"/{country}/plans/{plan_id}/kick-off", json={
            "held_on": "2026-03-20", "participants": 30, "facilitators": ["Lina"]})
        assert r.status_code == 200, r.text


def people(ids: list[str], role: str = "manager") -> list[dict]:
    return [{"id": i, "role": role, "sex": "female" if n % 3 else "male", "age_band": "35_44"}
            for n, i in enumerate(ids)]


def session(sid: str, activity: str, day: str, attendance: dict | None, trainers: list[str] | None = None,
            capacity: int = 60) -> dict:
    return {"session_id": sid, "activity": activity, "local_start": f"{day}T09:00", "venue": "training room",
            "trainers": trainers or ["wecare:rahima"], "capacity": capacity, "expected_participants": 20,
            "attendance": attendance}


def counts(role: str, female: int, male: int, band: str = "25_34") -> list[dict]:
    return [{"role": role, "sex": "female", "age_band": band, "count": female},
            {"role": role, "sex": "male", "age_band": band, "count": male}]


# the seed's Bangladesh sessions: 3 trainings of trainers to 14 managers, 2 parenting sessions reaching 100
# parent workers (the second led by a manager the ToT trained)
TOT_BATCH = {"sessions": [
    session("tot-1", "training_of_trainers", "2026-04-04",
            {"delivered_at": "2026-04-04T16:00", "participants": people(MANAGERS[:6])}),
    session("tot-2", "training_of_trainers", "2026-04-11",
            {"delivered_at": "2026-04-11T16:00", "participants": people(MANAGERS[4:10])}),
    session("tot-3", "training_of_trainers", "2026-04-18",
            {"delivered_at": "2026-04-18T16:00", "participants": people(MANAGERS[9:])}),
    session("parents-1", "migrant_parents_training", "2026-05-02",
            {"delivered_at": "2026-05-02T12:00", "counts": counts("parent_worker", 38, 12)}),
    session("parents-2", "migrant_parents_training", "2026-05-09",
            {"delivered_at": "2026-05-09T12:00", "counts": counts("parent_worker", 41, 9)}, trainers=["m3"]),
]}


async def delivered(stack: ConsoleStack, country: str, plan_id: str, batch: dict | None = None) -> None:
    """The sessions recorded through the delivery API (an offline batch)."""
    await settled(stack)  # the approved plan reached delivery
    r = await stack.admin("delivery").post(f"/{country}/deliveries/{plan_id}/batch", json=batch or TOT_BATCH)
    assert r.status_code == 200, r.text
    await settled(stack)


async def cycle(stack: ConsoleStack, country: str, fid: str, buyer: str = "Otto Group",
                activities: tuple[str, ...] = ("training_of_trainers", "migrant_parents_training")) -> str:
    """A factory assessed, planned (these activities), approved, kicked off, the seed's sessions delivered."""
    await factory(stack, country, fid, buyer)
    await assessed(stack, country, fid)
    await settled(stack)
    pid = f"otto-{fid}"
    await programme(stack, country, pid, [fid], buyer)
    await settled(stack)
    plan_id = Plan.plan_id(pid, fid)
    p = stack.admin("planning")
    r = await p.get(f"/{country}/plans/{plan_id}")
    assert r.status_code == 200, r.text
    r = await p.put(f"/{country}/plans/{plan_id}", headers={"If-Match": r.headers["etag"]}, json={
        "activities": [{"activity": a} for a in ["family_day", *activities]],
        "milestones": [{"name": "Kick-off", "due": "2026-03-20"},
                       {"name": "Trainers trained", "due": "2026-04-30", "activities": [activities[0]]}],
        "kpis": [KPI]})
    assert r.status_code == 200, r.text
    await approve(stack, country, plan_id)
    await delivered(stack, country, plan_id)
    return plan_id
