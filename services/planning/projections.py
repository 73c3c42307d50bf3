"""Read models of the planning service, kept per country.

From the assessment context (over NATS): the factories the programme knows
(each factory's baseline is kept by the reaction that drafts plans from it,
in reactions.py). From planning's own events: programmes with their
contract value, plans by status, and the activities of approved plans
(credits used per activity, what countries choose: GROUP BY at query time)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text, delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.assessment import (
    FactoryArchived,
    FactoryRegistered,
    FactoryUpdated,
)
from shared.contracts.envelope import Envelope
from shared.contracts.planning import (
    KickOffHeld,
    PlanApproved,
    PlanDrafted,
    PlanEdited,
    PlanRevised,
    ProgrammeCreated,
)
from shared.contracts.values import PLAN_ID
from shared.menu import menu
from shared.projections import Projection, on
from shared.projections import json_text as dumps
from shared.store.sql import upsert

metadata = MetaData()

factories = Table(
    "planning_factories", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("buyers", Text, nullable=False),  # JSON list
    Column("status", String(20), nullable=False),
)

baselines = Table(
    "baselines", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("assessment_id", String(100), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("needs_profile", Text, nullable=False),  # JSON
    Column("indicators", Text, nullable=False),  # JSON {indicator: value}, unsuppressed figures only
)

programmes = Table(
    "programmes", metadata,
    Column("programme_id", String(100), primary_key=True),
    Column("country", String(8), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("buyer", String(300), nullable=False, index=True),
    Column("countries", Text, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("credits_per_factory", Integer, nullable=False),
    Column("factories", Text, nullable=False),  # JSON list, this country's
    Column("factories_total", Integer, nullable=False),
    Column("price_per_factory", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("contract_value", Integer, nullable=False),
    Column("country_value", Integer, nullable=False),
)

plans = Table(
    "plans", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("programme_id", String(100), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("approved_revision", Integer, nullable=False),
    Column("catalogue_version", Integer, nullable=False),
    Column("credits_used", Integer, nullable=False),
    Column("credits_budget", Integer, nullable=False),
    Column("suggested", Integer, nullable=False),
    Column("activities", Text, nullable=False),  # JSON codes of the current revision
    Column("approved_on", Date),
    Column("kicked_off_on", Date),
    Column("version", Integer, nullable=False),
)

plan_activities = Table(
    "plan_activities", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("activity", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("credits", Integer, nullable=False),
    Column("cohort_size", Integer),
)


class FactoryDirectory(Projection):
    """The factories of the programme, as the assessment service registers them."""

    name = "planning_factories"
    tables = (factories,)

    @on(FactoryRegistered)
    async def registered(self, conn: AsyncConnection, env: Envelope, e: FactoryRegistered) -> None:
        await upsert(conn, factories, {"factory_id": e.factory_id, "country": env.country, "name": e.name,
                                       "buyers": dumps(e.buyers), "status": "active"}, keys=["factory_id"])

    @on(FactoryUpdated)
    async def updated(self, conn: AsyncConnection, env: Envelope, e: FactoryUpdated) -> None:
        values: dict[str, Any] = {}
        if e.name is not None:
            values["name"] = e.name
        if e.buyers is not None:
            values["buyers"] = dumps(e.buyers)
        if values:
            await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id).values(**values))

    @on(FactoryArchived)
    async def archived(self, conn: AsyncConnection, env: Envelope, e: FactoryArchived) -> None:
        await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id).values(status="archived"))


class ProgrammesView(Projection):
    name = "programmes"
    tables = (programmes,)

    @on(ProgrammeCreated)
    async def created(self, conn: AsyncConnection, env: Envelope, e: ProgrammeCreated) -> None:
        await upsert(conn, programmes, {
            "programme_id": e.programme_id, "country": env.country, "name": e.name, "buyer": e.buyer,
            "countries": dumps(e.countries), "starts_on": e.starts_on, "ends_on": e.ends_on,
            "credits_per_factory": e.credits_per_factory, "factories": dumps(e.factories),
            "factories_total": e.factories_total, "price_per_factory": e.price_per_factory, "currency": e.currency,
            "contract_value": e.contract_value, "country_value": e.country_value}, keys=["programme_id", "country"])


class PlansView(Projection):
    """Plans by status, and the activities of each plan's approved revision."""

    name = "plans"
    tables = (plans, plan_activities)

    async def _content(self, conn: AsyncConnection, plan_id: str, env: Envelope, **values: Any) -> None:
        await conn.execute(update(plans).where(plans.c.plan_id == plan_id).values(version=env.stream_version,
                                                                                    **values))

    @on(PlanDrafted)
    async def drafted(self, conn: AsyncConnection, env: Envelope, e: PlanDrafted) -> None:
        c = e.content
        await upsert(conn, plans, {
            "plan_id": e.plan_id, "country": env.country, "programme_id": e.programme_id, "factory_id": e.factory_id,
            "status": "draft", "revision": e.revision, "approved_revision": 0,
            "catalogue_version": c.catalogue_version, "credits_used": c.credits_used,
            "credits_budget": e.credits_budget, "suggested": int(e.suggested),
            "activities": dumps([a.activity for a in c.activities]), "approved_on": None, "kicked_off_on": None,
            "version": env.stream_version}, keys=["plan_id"])

    @on(PlanEdited)
    async def edited(self, conn: AsyncConnection, env: Envelope, e: PlanEdited) -> None:
        await self._content(conn, e.plan_id, env, credits_used=e.content.credits_used,
                            activities=dumps([a.activity for a in e.content.activities]))

    @on(PlanRevised)
    async def revised(self, conn: AsyncConnection, env: Envelope, e: PlanRevised) -> None:
        await self._content(conn, e.plan_id, env, status="in_revision", revision=e.revision,
                            credits_used=e.content.credits_used,
                            activities=dumps([a.activity for a in e.content.activities]))

    @on(PlanApproved)
    async def approved(self, conn: AsyncConnection, env: Envelope, e: PlanApproved) -> None:
        await self._content(conn, e.plan_id, env, status="approved", approved_revision=e.revision,
                            approved_on=e.approved_on)
        await conn.execute(delete(plan_activities).where(plan_activities.c.plan_id == e.plan_id))
        cat = menu(e.content.catalogue_version)
        await conn.execute(insert(plan_activities), [
            {"plan_id": e.plan_id, "activity": a.activity, "country": env.country,
             "credits": cat.activities[a.activity].credits, "cohort_size": a.cohort_size}
            for a in e.content.activities])

    @on(KickOffHeld)
    async def kicked_off(self, conn: AsyncConnection, env: Envelope, e: KickOffHeld) -> None:
        await self._content(conn, e.plan_id, env, kicked_off_on=e.held_on)


def projections() -> list[Projection]:
    return [FactoryDirectory(), ProgrammesView(), PlansView()]
