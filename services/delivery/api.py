"""HTTP API of the delivery service, for country teams, under /{country}:
work plans from approved plans, sessions (scheduled, rescheduled, cancelled,
delivered with attendance), an offline batch, facilities, consulting cases,
activities completed, milestones reached, progress and the trainer cascade.

Writes parse the body into a command and hand it to the service's handlers
(services/delivery/handlers.py); reads query the read models here."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from services.delivery.commands import (
    CancelSession,
    CompleteActivity,
    ForgetConsultingCase,
    OpenConsultingCase,
    OpenFacility,
    ReachMilestone,
    RecordAttendance,
    RecordFacilityMonth,
    RecordFieldBatch,
    RescheduleSession,
    ScheduleSession,
)
from services.delivery.domain.delivery import Delivery
from services.delivery.projections import cases, facilities, facility_months, sessions, trainers, work_plans
from shared.aggregate import NotFound
from shared.api import (
    Page,
    answer_language,
    body_of,
    command_context,
    declare_errors,
    json_columns,
    located,
    served_country,
    texts_of,
    versioned,
)
from shared.application import CommandContext
from shared.contracts.delivery import reached
from shared.i18n import N_, Text
from shared.privacy import FORGOTTEN

router = APIRouter(prefix="/{country}", tags=["delivery"])

# Request bodies: the commands without the ids the path carries.

ScheduleBody = body_of(ScheduleSession, "plan_id")
RescheduleBody = body_of(RescheduleSession, "plan_id", "session_id")
CancelBody = body_of(CancelSession, "plan_id", "session_id")
AttendanceBody = body_of(RecordAttendance, "plan_id", "session_id")
BatchBody = body_of(RecordFieldBatch, "plan_id")
CompleteBody = body_of(CompleteActivity, "plan_id", "activity")
ReachBody = body_of(ReachMilestone, "plan_id")
FacilityBody = body_of(OpenFacility, "plan_id")
FacilityMonthBody = body_of(RecordFacilityMonth, "plan_id", "facility_id")
CaseBody = body_of(OpenConsultingCase, "plan_id")


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


# -- sessions -----------------------------------------------------------------------------


@router.post("/deliveries/{plan_id}/sessions", status_code=201)
@located("/{country}/deliveries/{plan_id}/sessions/{session_id}")
async def schedule_session(request: Request, plan_id: str, body: ScheduleBody,
                           ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(ScheduleSession(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/deliveries/{plan_id}/sessions/{session_id}/reschedule")
async def reschedule_session(request: Request, plan_id: str, session_id: str, body: RescheduleBody,
                             ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(
        RescheduleSession(**body.model_dump(), plan_id=plan_id, session_id=session_id), ctx)


@router.post("/deliveries/{plan_id}/sessions/{session_id}/cancel")
async def cancel_session(request: Request, plan_id: str, session_id: str, body: CancelBody,
                         ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(CancelSession(**body.model_dump(), plan_id=plan_id,
                                                        session_id=session_id), ctx)


@router.post("/deliveries/{plan_id}/sessions/{session_id}/attendance")
async def deliver_session(request: Request, plan_id: str, session_id: str, body: AttendanceBody,
                          ctx: CommandContext = Depends(command_context)) -> dict:
    """The session took place: who came. Sending the same attendance again changes nothing."""
    return await _service(request).handle(RecordAttendance(**body.model_dump(), plan_id=plan_id,
                                                           session_id=session_id), ctx)


@router.post("/deliveries/{plan_id}/batch")
async def field_batch(request: Request, plan_id: str, body: BatchBody,
                      ctx: CommandContext = Depends(command_context)) -> dict:
    """Sessions captured offline, with the client's ids: all are recorded or
    none (a bad one is named by its index), and sending the batch again
    changes nothing."""
    return await _service(request).handle(RecordFieldBatch(**body.model_dump(), plan_id=plan_id), ctx)


# -- activities, milestones, facilities, cases -------------------------------------------------


@router.post("/deliveries/{plan_id}/activities/{activity}/complete")
async def complete_activity(request: Request, plan_id: str, activity: str, body: CompleteBody,
                            ctx: CommandContext = Depends(command_context)) -> dict:
    """The activity is done; milestones whose activities are all done are reached with it."""
    return await _service(request).handle(CompleteActivity(**body.model_dump(), plan_id=plan_id,
                                                           activity=activity), ctx)


@router.post("/deliveries/{plan_id}/milestones/reach")
async def reach_milestone(request: Request, plan_id: str, body: ReachBody,
                          ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(ReachMilestone(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/deliveries/{plan_id}/facilities", status_code=201)
@located("/{country}/deliveries/{plan_id}/facilities/{facility_id}")
async def open_facility(request: Request, plan_id: str, body: FacilityBody,
                        ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(OpenFacility(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/deliveries/{plan_id}/facilities/{facility_id}/months")
async def facility_month(request: Request, plan_id: str, facility_id: str, body: FacilityMonthBody,
                         ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(RecordFacilityMonth(**body.model_dump(), plan_id=plan_id,
                                                              facility_id=facility_id), ctx)


@router.post("/deliveries/{plan_id}/consulting-cases", status_code=201)
@located("/{country}/deliveries/{plan_id}/consulting-cases/{case_id}")
async def open_case(request: Request, plan_id: str, body: CaseBody,
                    ctx: CommandContext = Depends(command_context)) -> dict:
    """A consulting case: only its category and date leave the service."""
    return await _service(request).handle(OpenConsultingCase(**body.model_dump(), plan_id=plan_id), ctx)


@router.get("/deliveries/{plan_id}/consulting-cases/{case_id}")
async def get_case(request: Request, plan_id: str, case_id: str, country: str = Depends(served_country)) -> dict:
    envs = await _service(request).store.load(Delivery.stream_id(plan_id))
    if not envs or envs[0].country != country:
        raise NotFound("work plan", plan_id)
    found = {e.event_type: e.payload for e in envs if e.payload.get("case_id") == case_id}
    if "ConsultingCaseOpened" not in found:
        raise NotFound("consulting case", case_id)
    opened = found["ConsultingCaseOpened"]
    details = found.get("ConsultingCaseNoted", {}).get("details")
    # sealed with the case's key: FORGOTTEN once the case is forgotten (a case noted in the clear too)
    details = FORGOTTEN if "ConsultingCaseForgotten" in found else await _service(request).vault.show(details)
    return versioned({"case_id": case_id, "category": opened["category"], "opened_on": opened["opened_on"],
                      "details": details, "forgotten": details == FORGOTTEN}, envs[-1].stream_version)


@router.post("/deliveries/{plan_id}/consulting-cases/{case_id}/forget")
async def forget_case(request: Request, plan_id: str, case_id: str, ctx: CommandContext = Depends(command_context)
                      ) -> dict:
    """Erase a consulting case's details for good: its key is deleted (the
    category and date stay). A case of another country is not found here."""
    return await _service(request).handle(ForgetConsultingCase(plan_id=plan_id, case_id=case_id), ctx)


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
            "people_reached": sum(reached(r["total"], r["identified"], r["new_people"]) for r in done),
            "share_female": round(sum(r["female"] for r in done) / attended, 4) if attended else None,
            "managers_trained": sum(r["reach_by_role"].get("manager", 0) for r in done
                                    if r["activity"] == "training_of_trainers"),
            "workers_reached": sum(r["reach_by_role"].get(role, 0) for r in done
                                   for role in ("supervisor", "worker", "parent_worker")),
            "attendances_by_role": by_role})
    return {"country": country, "factories": factories}


STATEMENTS = (  # (activities, how to say it of one and of several, the role counted), the seeds' kind of sentence
    (("training_of_trainers",), N_("%(n)s training of trainers delivered to %(people)s managers"),
     N_("%(n)s trainings of trainers delivered to %(people)s managers"), "manager"),
    (("responsible_recruitment",), N_("%(n)s responsible recruitment workshop involving %(people)s managers"),
     N_("%(n)s responsible recruitment workshops involving %(people)s managers"), "manager"),
    (("migrant_parents_training", "parent_child_activities"),
     N_("%(n)s parenting session reaching %(people)s parent workers"),
     N_("%(n)s parenting sessions reaching %(people)s parent workers"), "parent_worker"),
)


@router.get("/statements")
async def statements(request: Request, country: str = Depends(served_country), programme_id: str | None = None,
                     factory_id: str | None = None, lang: str = Depends(answer_language)) -> dict:
    """Sentences of the kind the programme's reports quote, straight from the
    recorded sessions (people with an id counted once per activity), in the
    caller's language (Accept-Language)."""
    _, rows = await _country_rows(request, country, programme_id, factory_id)
    texts, out = texts_of(request), []
    for acts, one, several, role in STATEMENTS:
        done = [r for r in rows if r["activity"] in acts and r["status"] == "delivered"]
        if done:
            people = sum(r["reach_by_role"].get(role, 0) for r in done)
            out.append(texts(lang, Text(one if len(done) == 1 else several, {"n": len(done), "people": people})))
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


declare_errors(router)
