"""HTTP API of the delivery service, for country teams, under /{country}:
work plans from approved plans, sessions (scheduled, rescheduled, cancelled,
delivered with attendance), an offline batch, facilities, consulting cases,
activities completed, milestones reached, progress and the trainer cascade.

Local times are written as the field team reads them (no zone) and stored
in UTC by the country's time zone."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.delivery.domain.delivery import Delivery, to_utc
from services.delivery.domain.events import Participant
from services.delivery.projections import cases, facilities, facility_months, sessions, trainers, work_plans
from shared.aggregate import DomainError, NotFound
from shared.api import Page, actor, expected_version, in_country, json_columns, served_country
from shared.application import Repository
from shared.contracts.delivery import AgeBand, Role, Sex
from shared.countries import country as country_info
from shared.store.eventstore import ConcurrencyError

router = APIRouter(prefix="/{country}", tags=["delivery"])
ATTEMPTS = 8
IDENT = r"^[A-Za-z0-9_.:-]+$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _field_year(t: datetime) -> datetime:
    if not 2000 <= t.year <= 2100:  # also keeps the conversion to UTC inside the calendar
        raise ValueError("must be a time between the years 2000 and 2100")
    return t


# A time as the country team writes it: the country's local time (no zone), or with an offset.
FieldTime = Annotated[datetime, AfterValidator(_field_year),
                      Field(description="local time in the country (no zone), or with an offset")]


class Count(Body):
    role: Role
    sex: Sex
    age_band: AgeBand
    count: int = Field(ge=0, le=100_000)


class Person(Body):
    id: str = Field(min_length=1, max_length=100, pattern=IDENT, description="pseudonymous, stable across sessions")
    role: Role
    sex: Sex
    age_band: AgeBand


class Attendance(Body):
    delivered_at: FieldTime
    counts: list[Count] = Field(default_factory=list, max_length=200, description="people without an id")
    participants: list[Person] = Field(default_factory=list, max_length=2000, description="people with an id")
    trainers: list[str] | None = Field(None, max_length=20, description="who delivered it, if not as scheduled")


class Schedule(Body):
    session_id: str = Field(min_length=1, max_length=100, pattern=IDENT, description="made by the client")
    activity: str = Field(min_length=1, max_length=100)
    local_start: FieldTime
    venue: str | None = Field(None, max_length=300)
    online: bool = False
    trainers: list[str] = Field(min_length=1, max_length=20)
    capacity: int = Field(ge=1, le=10_000)
    expected_participants: int = Field(ge=0, le=10_000)


class FieldSession(Schedule):
    """A session as captured offline: scheduled and, if it took place, delivered."""

    attendance: Attendance | None = None


class Batch(Body):
    sessions: list[FieldSession] = Field(min_length=1, max_length=100)


class Reschedule(Body):
    local_start: FieldTime
    reason: str = Field(min_length=1, max_length=2000)


class Cancel(Body):
    reason: str = Field(min_length=1, max_length=2000)


class Complete(Body):
    completed_on: date


class Reach(Body):
    milestone: str = Field(min_length=1, max_length=300)
    reached_on: date


class OpenFacility(Body):
    facility_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    kind: Literal["child_friendly_space", "after_school_centre"]
    opened_on: date
    capacity: int = Field(ge=1, le=10_000)


class FacilityMonth(Body):
    month: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-07"])
    days_open: int = Field(ge=0, le=31)
    children_served: int = Field(ge=0, le=100_000)


class OpenCase(Body):
    case_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    category: Literal["financial", "psychological", "legal", "emergency", "other"]
    opened_on: date
    details: str = Field(min_length=1, max_length=10_000, description="confidential to the country team")


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


def _repo(request: Request) -> Repository[Delivery]:
    return Repository(_service(request).store, Delivery)


async def _on_plan(request: Request, plan_id: str, country: str, who: str, version: int | None,
                   decide: Callable[[Delivery], None]) -> dict[str, Any]:
    """A command on a plan's delivery in this country. A concurrent write to
    the same plan (another field team, another replica) makes it decide again
    on the new state, a few times with a random pause, unless the client
    named the version it wrote from. Every decision has a key, so deciding
    again never records anything twice."""
    for attempt in range(ATTEMPTS):
        try:
            d, res = await _repo(request).execute(plan_id, decide, actor=who, country=country,
                                                  expected_version=version, guard=in_country(country, "work plan"))
            return {"plan_id": plan_id, "version": res.version, "recorded": len(res.event_ids)}
        except ConcurrencyError:
            if version is not None or attempt == ATTEMPTS - 1:
                raise
            await asyncio.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
    raise AssertionError("unreachable")


def _local(country: str, t: datetime) -> tuple[datetime, str]:
    return to_utc(t, country_info(country).tz), t.isoformat()


def _schedule(d: Delivery, country: str, s: Schedule) -> None:
    at, local = _local(country, s.local_start)
    d.schedule(session_id=s.session_id, activity=s.activity, starts_at=at, local_start=local,
               timezone=country_info(country).timezone, venue=s.venue, online=s.online, trainers=s.trainers,
               capacity=s.capacity, expected_participants=s.expected_participants)


def _deliver(d: Delivery, country: str, session_id: str, a: Attendance) -> None:
    at, _ = _local(country, a.delivered_at)
    d.deliver(session_id=session_id, delivered_at=at, counts=[c.model_dump() for c in a.counts],
              participants=[Participant(**p.model_dump()) for p in a.participants], trainers=a.trainers)


# -- sessions -----------------------------------------------------------------------------


@router.post("/deliveries/{plan_id}/sessions", status_code=201)
async def schedule_session(request: Request, plan_id: str, body: Schedule, country: str = Depends(served_country),
                           who: str = Depends(actor), version: int | None = Depends(expected_version)) -> dict:
    return await _on_plan(request, plan_id, country, who, version, lambda d: _schedule(d, country, body))


@router.post("/deliveries/{plan_id}/sessions/{session_id}/reschedule")
async def reschedule_session(request: Request, plan_id: str, session_id: str, body: Reschedule,
                             country: str = Depends(served_country), who: str = Depends(actor)) -> dict:
    at, local = _local(country, body.local_start)
    return await _on_plan(request, plan_id, country, who, None,
                          lambda d: d.reschedule(session_id, at, local, body.reason))


@router.post("/deliveries/{plan_id}/sessions/{session_id}/cancel")
async def cancel_session(request: Request, plan_id: str, session_id: str, body: Cancel,
                         country: str = Depends(served_country), who: str = Depends(actor)) -> dict:
    return await _on_plan(request, plan_id, country, who, None, lambda d: d.cancel(session_id, body.reason))


@router.post("/deliveries/{plan_id}/sessions/{session_id}/attendance")
async def deliver_session(request: Request, plan_id: str, session_id: str, body: Attendance,
                          country: str = Depends(served_country), who: str = Depends(actor)) -> dict:
    """The session took place: who came. Sending the same attendance again changes nothing."""
    return await _on_plan(request, plan_id, country, who, None, lambda d: _deliver(d, country, session_id, body))


@router.post("/deliveries/{plan_id}/batch")
async def field_batch(request: Request, plan_id: str, body: Batch, country: str = Depends(served_country),
                      who: str = Depends(actor)) -> dict:
    """Sessions captured offline, with the client's ids: all are recorded or
    none (a bad one is named by its index), and sending the batch again
    changes nothing."""
    def decide(d: Delivery) -> None:
        for i, s in enumerate(body.sessions):
            try:
                _schedule(d, country, s)
                if s.attendance is not None:
                    _deliver(d, country, s.session_id, s.attendance)
            except DomainError as e:
                e.field = f"sessions.{i}.{e.field}" if e.field else f"sessions.{i}"
                raise

    out = await _on_plan(request, plan_id, country, who, None, decide)
    return {**out, "sessions": len(body.sessions)}


# -- activities, milestones, facilities, cases -------------------------------------------------


@router.post("/deliveries/{plan_id}/activities/{activity}/complete")
async def complete_activity(request: Request, plan_id: str, activity: str, body: Complete,
                            country: str = Depends(served_country), who: str = Depends(actor)) -> dict:
    """The activity is done; milestones whose activities are all done are reached with it."""
    return await _on_plan(request, plan_id, country, who, None,
                          lambda d: d.complete_activity(activity, body.completed_on))


@router.post("/deliveries/{plan_id}/milestones/reach")
async def reach_milestone(request: Request, plan_id: str, body: Reach, country: str = Depends(served_country),
                          who: str = Depends(actor)) -> dict:
    return await _on_plan(request, plan_id, country, who, None,
                          lambda d: d.reach_milestone(body.milestone, body.reached_on))


@router.post("/deliveries/{plan_id}/facilities", status_code=201)
async def open_facility(request: Request, plan_id: str, body: OpenFacility, country: str = Depends(served_country),
                        who: str = Depends(actor)) -> dict:
    return await _on_plan(request, plan_id, country, who, None, lambda d: d.open_facility(**body.model_dump()))


@router.post("/deliveries/{plan_id}/facilities/{facility_id}/months")
async def facility_month(request: Request, plan_id: str, facility_id: str, body: FacilityMonth,
                         country: str = Depends(served_country), who: str = Depends(actor)) -> dict:
    today = datetime.now(country_info(country).tz).date()
    return await _on_plan(request, plan_id, country, who, None, lambda d: d.record_facility_month(
        facility_id, body.month, body.days_open, body.children_served, today))


@router.post("/deliveries/{plan_id}/consulting-cases", status_code=201)
async def open_case(request: Request, plan_id: str, body: OpenCase, country: str = Depends(served_country),
                    who: str = Depends(actor)) -> dict:
    """A consulting case: only its category and date leave the service."""
    return await _on_plan(request, plan_id, country, who, None, lambda d: d.open_case(**body.model_dump()))


@router.get("/deliveries/{plan_id}/consulting-cases/{case_id}")
async def get_case(request: Request, plan_id: str, case_id: str, country: str = Depends(served_country)) -> dict:
    envs = await _service(request).store.load(Delivery.stream_id(plan_id))
    if not envs or envs[0].country != country:
        raise NotFound("work plan", plan_id)
    found = {e.event_type: e.payload for e in envs if e.payload.get("case_id") == case_id}
    if "ConsultingCaseOpened" not in found:
        raise NotFound("consulting case", case_id)
    opened = found["ConsultingCaseOpened"]
    return {"case_id": case_id, "category": opened["category"], "opened_on": opened["opened_on"],
            "details": found.get("ConsultingCaseNoted", {}).get("details")}


# -- reading ----------------------------------------------------------------------------------


def _plan_row(r: dict) -> dict:
    return json_columns(r, "activities", "kept", "milestones", "completed")


def _session_row(r: dict) -> dict:
    return json_columns(r, "trainers", "by_role", "reach_by_role")


def _work_plans(country: str, programme_id: str | None, factory_id: str | None):  # noqa: ANN202
    q = select(work_plans).where(work_plans.c.country == country)
    if programme_id:
        q = q.where(work_plans.c.programme_id == programme_id)
    if factory_id:
        q = q.where(work_plans.c.factory_id == factory_id)
    return q


@router.get("/deliveries")
async def list_work_plans(request: Request, country: str = Depends(served_country), page: Page = Depends(),
                          programme_id: str | None = None, factory_id: str | None = None) -> dict:
    q = _work_plans(country, programme_id, factory_id)
    async with _service(request).db.read() as conn:
        out = await page.fetch(conn, q.order_by(work_plans.c.plan_id))
    out["items"] = [_plan_row(r) for r in out["items"]]
    return out


def activity_progress(plan: dict, rows: list[dict]) -> list[dict]:
    """Planned against delivered, per activity of the plan (and delivered ones it dropped)."""
    out = []
    codes = [a["activity"] for a in plan["activities"]] + plan["kept"]
    names = {a["activity"]: a for a in plan["activities"]}
    for code in codes:
        mine = [r for r in rows if r["activity"] == code]
        done = [r for r in mine if r["status"] == "delivered"]
        reach: dict[str, int] = {}
        for r in done:
            for role, n in r["reach_by_role"].items():
                reach[role] = reach.get(role, 0) + n
        attended = sum(r["total"] for r in done)
        out.append({
            "activity": code, "name": names.get(code, {}).get("name", code), "in_plan": code in names,
            "sessions_planned": sum(r["status"] != "cancelled" for r in mine), "sessions_delivered": len(done),
            "attendances": attended, "people_reached": sum(reach.values()), "reached_by_role": reach,
            "share_female": round(sum(r["female"] for r in done) / attended, 4) if attended else None,
            "completed_on": plan["completed"].get(code)})
    return out


@router.get("/deliveries/{plan_id}")
async def get_work_plan(request: Request, plan_id: str, country: str = Depends(served_country)) -> dict:
    """The work plan with progress per activity and milestone, and its sessions."""
    async with _service(request).db.read() as conn:
        row = (await conn.execute(select(work_plans).where(work_plans.c.plan_id == plan_id,
                                                           work_plans.c.country == country))).first()
        if row is None:
            raise NotFound("work plan", plan_id)
        rows = [_session_row(dict(r._mapping)) for r in await conn.execute(
            select(sessions).where(sessions.c.plan_id == plan_id).order_by(sessions.c.starts_at,
                                                                           sessions.c.session_id))]
    plan = _plan_row(dict(row._mapping))
    plan["progress"] = activity_progress(plan, rows)
    plan["sessions"] = rows
    return plan


async def _country_rows(request: Request, country: str, programme_id: str | None, factory_id: str | None
                        ) -> tuple[list[dict], list[dict]]:
    q = _work_plans(country, programme_id, factory_id)
    async with _service(request).db.read() as conn:
        plans = [_plan_row(dict(r._mapping)) for r in await conn.execute(q.order_by(work_plans.c.plan_id))]
        ids = [p["plan_id"] for p in plans]
        rows = [_session_row(dict(r._mapping)) for r in await conn.execute(
            select(sessions).where(sessions.c.plan_id.in_(ids)))] if ids else []
    return plans, rows


@router.get("/progress")
async def progress(request: Request, country: str = Depends(served_country), programme_id: str | None = None,
                   factory_id: str | None = None) -> dict:
    """Per factory and activity, planned against delivered; milestones reached;
    people reached (identified people counted once per plan)."""
    plans, rows = await _country_rows(request, country, programme_id, factory_id)
    factories = []
    for p in plans:
        mine = [r for r in rows if r["plan_id"] == p["plan_id"]]
        done = [r for r in mine if r["status"] == "delivered"]
        attended = sum(r["total"] for r in done)
        by_role: dict[str, int] = {}
        for r in done:
            for role, n in r["by_role"].items():
                by_role[role] = by_role.get(role, 0) + n
        factories.append({
            "plan_id": p["plan_id"], "factory_id": p["factory_id"], "programme_id": p["programme_id"],
            "activities": activity_progress(p, mine),
            "milestones": {"planned": len(p["milestones"]),
                           "reached": sum(1 for m in p["milestones"] if m.get("reached_on")),
                           "late": sum(1 for m in p["milestones"] if m.get("on_time") is False)},
            "sessions_delivered": len(done), "attendances": attended,
            "people_reached": sum(r["new_people"] + r["total"] - r["identified"] for r in done),
            "share_female": round(sum(r["female"] for r in done) / attended, 4) if attended else None,
            "managers_trained": sum(r["reach_by_role"].get("manager", 0) for r in done
                                    if r["activity"] == "training_of_trainers"),
            "workers_reached": sum(r["reach_by_role"].get(role, 0) for r in done
                                   for role in ("supervisor", "worker", "parent_worker")),
            "attendances_by_role": by_role})
    return {"country": country, "factories": factories}


STATEMENTS = (  # (activities, how to say it, the role counted), the seeds' kind of sentence
    (("training_of_trainers",), "{n} training{s} of trainers delivered to {people} managers", "manager"),
    (("responsible_recruitment",), "{n} responsible recruitment workshop{s} involving {people} managers", "manager"),
    (("migrant_parents_training", "parent_child_activities"), "{n} parenting session{s} reaching {people} parent "
     "workers", "parent_worker"),
)


@router.get("/statements")
async def statements(request: Request, country: str = Depends(served_country), programme_id: str | None = None,
                     factory_id: str | None = None) -> dict:
    """Sentences of the kind the programme's reports quote, straight from the
    recorded sessions (people with an id counted once per activity)."""
    _, rows = await _country_rows(request, country, programme_id, factory_id)
    out = []
    for acts, text, role in STATEMENTS:
        done = [r for r in rows if r["activity"] in acts and r["status"] == "delivered"]
        if done:
            people = sum(r["reach_by_role"].get(role, 0) for r in done)
            out.append(text.format(n=len(done), s="" if len(done) == 1 else "s", people=people))
    return {"country": country, "statements": out}


@router.get("/cascade")
async def cascade(request: Request, country: str = Depends(served_country), plan_id: str | None = None) -> dict:
    """Who trained whom: the factory trainers each training of trainers
    qualified, and the sessions and people they went on to reach."""
    async with _service(request).db.read() as conn:
        q = select(trainers).where(trainers.c.country == country)
        if plan_id:
            q = q.where(trainers.c.plan_id == plan_id)
        rows = [dict(r._mapping) for r in await conn.execute(q.order_by(trainers.c.plan_id, trainers.c.trainer_id))]
        sq = select(sessions).where(sessions.c.country == country, sessions.c.status == "delivered")
        if plan_id:
            sq = sq.where(sessions.c.plan_id == plan_id)
        delivered = [_session_row(dict(r._mapping)) for r in await conn.execute(sq)]
    out = []
    for t in rows:
        led = [s for s in delivered if s["plan_id"] == t["plan_id"] and t["trainer_id"] in s["trainers"]]
        out.append({"plan_id": t["plan_id"], "factory_id": t["factory_id"], "trainer_id": t["trainer_id"],
                    "trained_in": t["session_id"], "trained_by": orjson.loads(t["trained_by"]),
                    "sessions_delivered": len(led), "attendances": sum(s["total"] for s in led)})
    return {"country": country, "trainers": out, "sessions_by_factory_trainers": sum(
        1 for s in delivered if s["cascade_level"] == 1), "attendances_by_factory_trainers": sum(
        s["total"] for s in delivered if s["cascade_level"] == 1)}


@router.get("/facilities")
async def list_facilities(request: Request, country: str = Depends(served_country),
                          plan_id: str | None = Query(None)) -> dict:
    async with _service(request).db.read() as conn:
        q = select(facilities).where(facilities.c.country == country)
        if plan_id:
            q = q.where(facilities.c.plan_id == plan_id)
        q = q.order_by(facilities.c.plan_id, facilities.c.facility_id)
        rows = [dict(r._mapping) for r in await conn.execute(q)]
        months = [dict(r._mapping) for r in await conn.execute(
            select(facility_months).where(facility_months.c.country == country))]
        case_rows = (await conn.execute(select(cases.c.category, cases.c.plan_id).where(cases.c.country == country)
                                        )).all()
    for f in rows:
        mine = [m for m in months if (m["plan_id"], m["facility_id"]) == (f["plan_id"], f["facility_id"])]
        f["months"] = len(mine)
        f["days_open"] = sum(m["days_open"] for m in mine)
        f["children_served"] = sum(m["children_served"] for m in mine)  # child-months
    by_category: dict[str, int] = {}
    for r in case_rows:
        by_category[r.category] = by_category.get(r.category, 0) + 1
    return {"country": country, "facilities": rows, "consulting_cases": by_category}
