"""Read models of the delivery service, kept per country (read models only:
the reaction to approved plans is in reactions.py).

- Progress: work plans, sessions (with their aggregated attendance), the
  trainer cascade, facilities and consulting cases. Progress per activity,
  milestone, factory and country is a GROUP BY over these at query time."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.delivery import (
    ActivityCompleted,
    ConsultingCaseOpened,
    FacilityMonthRecorded,
    FacilityOpened,
    MilestoneReached,
    SessionCancelled,
    SessionDelivered,
    SessionRescheduled,
    SessionScheduled,
    TrainersQualified,
    WorkPlanReceived,
)
from shared.contracts.envelope import Envelope
from shared.contracts.values import PLAN_ID
from shared.projections import Projection, on
from shared.projections import json_text as dumps
from shared.store.sql import upsert

metadata = MetaData()

work_plans = Table(
    "work_plans", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("programme_id", String(100), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("activities", Text, nullable=False),  # JSON [{activity, name, credits, cohort_*}]
    Column("kept", Text, nullable=False),  # JSON: delivered activities a revision dropped
    Column("milestones", Text, nullable=False),  # JSON [{name, due, activities, reached_on, on_time}]
    Column("completed", Text, nullable=False),  # JSON {activity: date}
    Column("version", Integer, nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("session_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False, index=True),
    Column("activity", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("starts_at", DateTime(timezone=True)),
    Column("local_start", String(40)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("online", Boolean, nullable=False),
    Column("trainers", Text, nullable=False),
    Column("cascade_level", Integer),
    Column("capacity", Integer),
    Column("expected", Integer),
    Column("total", Integer, nullable=False),
    Column("female", Integer, nullable=False),
    Column("identified", Integer, nullable=False),
    Column("new_people", Integer, nullable=False),
    Column("by_role", Text, nullable=False),  # JSON
    Column("reach_by_role", Text, nullable=False),  # JSON: people the activity reached first here
    Column("reason", Text),
    # the cascade's read (api.py): a country's delivered sessions (revision 0002_sessions_delivered)
    Index("ix_sessions_country_status", "country", "status"),
)

trainers = Table(
    "trainers", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("trainer_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False),
    Column("session_id", String(100), nullable=False),
    Column("trained_by", Text, nullable=False),
)

facilities = Table(
    "facilities", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("facility_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("capacity", Integer, nullable=False),
)

facility_months = Table(
    "facility_months", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("facility_id", String(100), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("days_open", Integer, nullable=False),
    Column("children_served", Integer, nullable=False),
)

cases = Table(
    "consulting_cases", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("case_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False),
    Column("category", String(20), nullable=False),
    Column("opened_on", Date, nullable=False),
)


class Progress(Projection):
    name = "progress"
    tables = (work_plans, sessions, trainers, facilities, facility_months, cases)

    async def _plan(self, conn: AsyncConnection, plan_id: str) -> dict[str, Any]:
        row = (await conn.execute(select(work_plans).where(work_plans.c.plan_id == plan_id))).one()
        return dict(row._mapping)

    @on(WorkPlanReceived)
    async def received(self, conn: AsyncConnection, env: Envelope, e: WorkPlanReceived) -> None:
        old = (await conn.execute(select(work_plans.c.milestones, work_plans.c.completed)
                                  .where(work_plans.c.plan_id == e.plan_id))).first()
        reached = [m for m in orjson.loads(old.milestones) if m.get("reached_on")] if old else []
        names = {m["name"] for m in reached}
        milestones = reached + [{**m.model_dump(mode="json"), "reached_on": None, "on_time": None}
                                for m in e.milestones if m.name not in names]
        await upsert(conn, work_plans, {
            "plan_id": e.plan_id, "country": env.country, "programme_id": e.programme_id,
            "factory_id": e.factory_id, "revision": e.revision,
            "activities": dumps([a.model_dump() for a in e.activities]), "kept": dumps(e.kept),
            "milestones": dumps(milestones), "completed": old.completed if old else "{}",
            "version": env.stream_version}, keys=["plan_id"])
        if e.cancelled_sessions:
            await conn.execute(update(sessions).where(sessions.c.plan_id == e.plan_id,
                                                      sessions.c.session_id.in_(e.cancelled_sessions))
                               .values(status="cancelled", reason=f"dropped in plan revision {e.revision}"))

    @on(SessionScheduled)
    async def scheduled(self, conn: AsyncConnection, env: Envelope, e: SessionScheduled) -> None:
        p = await self._plan(conn, e.plan_id)
        await upsert(conn, sessions, {
            "plan_id": e.plan_id, "session_id": e.session_id, "country": env.country, "factory_id": p["factory_id"],
            "activity": e.activity, "status": "scheduled", "starts_at": e.starts_at, "local_start": e.local_start,
            "delivered_at": None, "online": e.online, "trainers": dumps(e.trainers), "cascade_level": None,
            "capacity": e.capacity, "expected": e.expected_participants, "total": 0, "female": 0,
            "identified": 0, "new_people": 0, "by_role": "{}", "reach_by_role": "{}", "reason": None},
            keys=["plan_id", "session_id"])

    def _session(self, plan_id: str, session_id: str):  # noqa: ANN202
        return update(sessions).where(sessions.c.plan_id == plan_id, sessions.c.session_id == session_id)

    @on(SessionRescheduled)
    async def rescheduled(self, conn: AsyncConnection, env: Envelope, e: SessionRescheduled) -> None:
        await conn.execute(self._session(e.plan_id, e.session_id).values(starts_at=e.starts_at,
                                                                          local_start=e.local_start, reason=e.reason))

    @on(SessionCancelled)
    async def cancelled(self, conn: AsyncConnection, env: Envelope, e: SessionCancelled) -> None:
        await conn.execute(self._session(e.plan_id, e.session_id).values(status="cancelled", reason=e.reason))

    @on(SessionDelivered)
    async def delivered(self, conn: AsyncConnection, env: Envelope, e: SessionDelivered) -> None:
        a = e.attendance
        await conn.execute(self._session(e.plan_id, e.session_id).values(
            status="delivered", delivered_at=e.delivered_at, trainers=dumps(e.trainers), cascade_level=e.cascade_level,
            total=a.total, female=a.female, identified=a.identified, new_people=a.new_people,
            by_role=dumps(a.by_role), reach_by_role=dumps(a.activity_reach_by_role)))

    @on(TrainersQualified)
    async def qualified(self, conn: AsyncConnection, env: Envelope, e: TrainersQualified) -> None:
        await upsert(conn, trainers, [
            {"plan_id": e.plan_id, "trainer_id": t, "country": env.country, "factory_id": e.factory_id,
             "session_id": e.session_id, "trained_by": dumps(e.trained_by)} for t in e.trainers],
            keys=["plan_id", "trainer_id"])

    @on(ActivityCompleted)
    async def completed(self, conn: AsyncConnection, env: Envelope, e: ActivityCompleted) -> None:
        p = await self._plan(conn, e.plan_id)
        done = {**orjson.loads(p["completed"]), e.activity: e.completed_on.isoformat()}
        await conn.execute(update(work_plans).where(work_plans.c.plan_id == e.plan_id)
                           .values(completed=dumps(done), version=env.stream_version))

    @on(MilestoneReached)
    async def reached(self, conn: AsyncConnection, env: Envelope, e: MilestoneReached) -> None:
        p = await self._plan(conn, e.plan_id)
        ms = [({**m, "reached_on": e.reached_on.isoformat(), "on_time": e.on_time} if m["name"] == e.milestone else m)
              for m in orjson.loads(p["milestones"])]
        await conn.execute(update(work_plans).where(work_plans.c.plan_id == e.plan_id)
                           .values(milestones=dumps(ms), version=env.stream_version))

    @on(FacilityOpened)
    async def facility(self, conn: AsyncConnection, env: Envelope, e: FacilityOpened) -> None:
        await upsert(conn, facilities, {"plan_id": e.plan_id, "facility_id": e.facility_id, "country": env.country,
                                        "factory_id": e.factory_id, "kind": e.kind, "opened_on": e.opened_on,
                                        "capacity": e.capacity}, keys=["plan_id", "facility_id"])

    @on(FacilityMonthRecorded)
    async def facility_month(self, conn: AsyncConnection, env: Envelope, e: FacilityMonthRecorded) -> None:
        await upsert(conn, facility_months, {"plan_id": e.plan_id, "facility_id": e.facility_id, "month": e.month,
                                             "country": env.country, "days_open": e.days_open,
                                             "children_served": e.children_served},
                     keys=["plan_id", "facility_id", "month"])

    @on(ConsultingCaseOpened)
    async def case(self, conn: AsyncConnection, env: Envelope, e: ConsultingCaseOpened) -> None:
        await upsert(conn, cases, {"plan_id": e.plan_id, "case_id": e.case_id, "country": env.country,
                                   "factory_id": e.factory_id, "category": e.category, "opened_on": e.opened_on},
                     keys=["plan_id", "case_id"])


def projections() -> list[Projection]:
    return [Progress()]
