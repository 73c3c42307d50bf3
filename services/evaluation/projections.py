"""Read models of the evaluation service, kept per country.

`Sources`: what evaluation learns from the other services over NATS (the
factories, each factory's baseline (shared.baseline's rule, its figures in
ratios as the contracts carry them), programmes, approved plans and
their KPI targets, the delivered sessions). `Results`: its own impact
results, sustainability plans and closings. `Assets`: the communications
package within consent (a withdrawal deletes the row, so a rebuild never
brings the asset back). `Journey`: one row per event of a factory's cycle,
across the four services of the cycle (all but buyers).

Every row depends only on its own stream's order (the latest baseline is
the one with the latest completion date, whatever the arrival order), so
the same events delivered in any interleaving give the same tables. Each
row keeps the id of the event it came from, for the reports' traces."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.baseline import baseline_date, baseline_figures
from shared.contracts.assessment import AssessmentAmended, AssessmentCompleted, FactoryRegistered, FactoryUpdated
from shared.contracts.delivery import ActivityCompleted, MilestoneReached, SessionDelivered
from shared.contracts.envelope import Envelope
from shared.contracts.evaluation import (
    AssetRecorded,
    ConsentWithdrawn,
    EndlineRecorded,
    FollowUpRecorded,
    ImpactEvaluated,
    PersonForgotten,
    ProgrammeClosed,
    SustainabilityPlanAgreed,
)
from shared.contracts.figures import figures_of
from shared.contracts.planning import KickOffHeld, PlanApproved, ProgrammeCreated
from shared.contracts.values import PLAN_ID
from shared.disclosure import release
from shared.i18n import N_
from shared.privacy import is_sealed
from shared.projections import Projection, on
from shared.projections import json_text as dumps
from shared.store.sql import upsert

metadata = MetaData()

factories = Table(
    "eval_factories", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("buyers", Text, nullable=False),
)

baselines = Table(
    "eval_baselines", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("assessment_id", String(100), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("respondents", Integer),
    Column("figures", Text, nullable=False),  # shared.baseline.baseline_figures: ratios as ratios
    Column("indicators", Text, nullable=False),  # survey indicators, unsuppressed shares
    Column("headcount", Integer, nullable=False),
    Column("event_id", String(36), nullable=False),
)

programmes = Table(
    "eval_programmes", metadata,
    Column("programme_id", String(100), primary_key=True),
    Column("country", String(8), primary_key=True),
    Column("buyer", String(300), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("factories", Text, nullable=False),
    Column("event_id", String(36), nullable=False),
)

plans = Table(
    "eval_plans", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("programme_id", String(100), nullable=False),
    Column("factory_id", String(100), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("activities", Text, nullable=False),
    Column("kpis", Text, nullable=False),
    Column("kicked_off_on", Date),
    Column("event_id", String(36), nullable=False),
)

sessions = Table(
    "eval_sessions", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("session_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False, index=True),
    Column("activity", String(100), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
    Column("total", Integer, nullable=False),
    Column("female", Integer, nullable=False),
    Column("reached", Integer, nullable=False),  # people reached for the first time by the plan
    Column("reached_female", Integer, nullable=False),
    Column("by_role", Text, nullable=False),
    Column("by_age_band", Text, nullable=False),
    Column("event_id", String(36), nullable=False),
)

results = Table(
    "eval_results", metadata,
    Column("plan_id", String(PLAN_ID), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False, index=True),
    Column("programme_id", String(100)),
    Column("buyer", String(300)),
    Column("endline_on", Date),
    Column("endline", Text),  # the latest EndlineRecorded, before evaluation
    Column("respondents", Integer),
    Column("comparisons", Text),
    Column("kpis", Text),
    Column("impact_event_id", String(36)),
    Column("workshop_on", Date),
    Column("practices", Text),
    Column("follow_ups", Text),
    Column("closed_on", Date),
)

assets = Table(
    "eval_assets", metadata,
    Column("asset_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("plan_id", String(PLAN_ID), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("title", String(2000), nullable=False),  # sealed (v1 events: in the clear), opened when read
    Column("uri", String(2000), nullable=False),  # sealed likewise
    Column("scope", Text, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("minor", Integer, nullable=False),
    Column("person_id", String(100), nullable=False, index=True),  # the person's pseudonym (v1 events: their id)
    Column("caption", Text, nullable=False),  # sealed: opened with the person's key when read, gone once forgotten
    Column("event_id", String(36), nullable=False),
)

journey = Table(
    "eval_journey", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("context", String(20), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("step", String(30), nullable=False),
    Column("summary", Text, nullable=False),  # in English
    Column("args", Text),  # {"message", "params"}: the summary's message and values, for a report's language
    Column("plan_id", String(PLAN_ID)),  # the plan (so the programme) a step belongs to; None: the factory's own
)


class Sources(Projection):
    name = "eval_sources"
    tables = (factories, baselines, programmes, plans, sessions)

    @on(FactoryRegistered)
    async def factory(self, conn: AsyncConnection, env: Envelope, e: FactoryRegistered) -> None:
        await upsert(conn, factories, {"factory_id": e.factory_id, "country": env.country, "name": e.name,
                                       "buyers": dumps(e.buyers)}, keys=["factory_id"])

    @on(FactoryUpdated)
    async def factory_updated(self, conn: AsyncConnection, env: Envelope, e: FactoryUpdated) -> None:
        values: dict[str, Any] = {k: v for k, v in (("name", e.name),) if v is not None}
        if e.buyers is not None:
            values["buyers"] = dumps(e.buyers)
        if values:
            await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id).values(**values))

    @on(AssessmentCompleted, AssessmentAmended)
    async def baseline(self, conn: AsyncConnection, env: Envelope, e: AssessmentCompleted | AssessmentAmended
                       ) -> None:
        current = (await conn.execute(select(baselines.c.assessment_id, baselines.c.completed_on)
                                      .where(baselines.c.factory_id == e.factory_id))).first()
        completed_on = baseline_date(e, tuple(current) if current is not None else None)  # the one rule
        if completed_on is None:
            return
        await upsert(conn, baselines, {
            "factory_id": e.factory_id, "country": env.country, "assessment_id": e.assessment_id,
            "completed_on": completed_on, "respondents": e.respondents, "figures": dumps(baseline_figures(e)),
            "indicators": dumps({k: i.value for k, i in e.indicators.items() if not i.suppressed}),
            "headcount": e.demographics.headcount, "event_id": str(env.event_id)}, keys=["factory_id"])

    @on(ProgrammeCreated)
    async def programme(self, conn: AsyncConnection, env: Envelope, e: ProgrammeCreated) -> None:
        await upsert(conn, programmes, {"programme_id": e.programme_id, "country": env.country, "buyer": e.buyer,
                                        "name": e.name, "factories": dumps(e.factories),
                                        "event_id": str(env.event_id)}, keys=["programme_id", "country"])

    @on(PlanApproved)
    async def plan(self, conn: AsyncConnection, env: Envelope, e: PlanApproved) -> None:
        await upsert(conn, plans, {
            "plan_id": e.plan_id, "country": env.country, "programme_id": e.programme_id, "factory_id": e.factory_id,
            "revision": e.revision, "approved_on": e.approved_on,
            "activities": dumps([a.activity for a in e.content.activities]),
            "kpis": dumps([k.model_dump() for k in e.content.kpis]), "event_id": str(env.event_id)},
            keys=["plan_id"])

    @on(KickOffHeld)
    async def kick_off(self, conn: AsyncConnection, env: Envelope, e: KickOffHeld) -> None:
        await conn.execute(update(plans).where(plans.c.plan_id == e.plan_id).values(kicked_off_on=e.held_on))

    @on(SessionDelivered)
    async def session(self, conn: AsyncConnection, env: Envelope, e: SessionDelivered) -> None:
        a = e.attendance
        await upsert(conn, sessions, {
            "plan_id": e.plan_id, "session_id": e.session_id, "country": env.country, "factory_id": e.factory_id,
            "activity": e.activity, "delivered_at": e.delivered_at, "total": a.total, "female": a.female,
            "reached": a.people_reached, "reached_female": a.reached_by_sex.get("female", 0),
            "by_role": dumps(a.by_role),
            "by_age_band": dumps(a.by_age_band), "event_id": str(env.event_id)}, keys=["plan_id", "session_id"])


class Results(Projection):
    name = "eval_results"
    tables = (results,)

    async def _set(self, conn: AsyncConnection, env: Envelope, plan_id: str, factory_id: str | None,
                   **values: Any) -> None:
        exists = await conn.scalar(select(results.c.plan_id).where(results.c.plan_id == plan_id))
        if exists is None:
            await conn.execute(results.insert().values(plan_id=plan_id, country=env.country,
                                                       factory_id=factory_id or "", **values))
        else:
            await conn.execute(update(results).where(results.c.plan_id == plan_id).values(**values))

    @on(EndlineRecorded)
    async def endline(self, conn: AsyncConnection, env: Envelope, e: EndlineRecorded) -> None:
        await self._set(conn, env, e.plan_id, e.factory_id, endline=dumps(e.model_dump(mode="json")))

    @on(ImpactEvaluated)
    async def impact(self, conn: AsyncConnection, env: Envelope, e: ImpactEvaluated) -> None:
        await self._set(conn, env, e.plan_id, e.factory_id, programme_id=e.programme_id, buyer=e.buyer,
                        endline_on=e.endline_on, respondents=e.respondents,
                        comparisons=dumps([c.model_dump() for c in e.comparisons]),
                        kpis=dumps([k.model_dump() for k in e.kpis]), impact_event_id=str(env.event_id))

    @on(SustainabilityPlanAgreed)
    async def sustainability(self, conn: AsyncConnection, env: Envelope, e: SustainabilityPlanAgreed) -> None:
        await self._set(conn, env, e.plan_id, e.factory_id, workshop_on=e.workshop_on,
                        practices=dumps([p.model_dump(mode="json") for p in e.practices]), follow_ups="[]")

    @on(FollowUpRecorded)
    async def follow_up(self, conn: AsyncConnection, env: Envelope, e: FollowUpRecorded) -> None:
        done = orjson.loads(await conn.scalar(select(results.c.follow_ups).where(results.c.plan_id == e.plan_id))
                            or "[]")
        await self._set(conn, env, e.plan_id, None, follow_ups=dumps([*done, e.model_dump(mode="json")]))

    @on(ProgrammeClosed)
    async def closed(self, conn: AsyncConnection, env: Envelope, e: ProgrammeClosed) -> None:
        await self._set(conn, env, e.plan_id, e.factory_id, closed_on=e.closed_on)


class Assets(Projection):
    """The communications package within consent and within memory: an asset
    whose person was forgotten, or whose consent was withdrawn, has no row
    (and a rebuild cannot bring it back: its caption no longer opens). Rows
    keep the personal fields sealed, as the events have them: the read model
    holds no plain text of a person, and whoever shows a row opens it through
    the vault (services/evaluation/api.py)."""

    name = "eval_assets"
    tables = (assets,)

    def bind(self, service: Any) -> None:
        self.vault = service.vault

    @on(AssetRecorded)
    async def recorded(self, conn: AsyncConnection, env: Envelope, e: AssetRecorded) -> None:
        if is_sealed(e.caption) and await self.vault.open(e.caption) is None:
            return  # the person was forgotten
        await upsert(conn, assets, {"person_id": e.person, "caption": e.caption,
            "asset_id": e.asset_id, "country": env.country, "plan_id": e.plan_id, "factory_id": e.factory_id,
            "kind": e.kind, "title": e.title, "uri": e.uri, "scope": dumps(e.consent.scope),
            "expires_on": e.consent.expires_on, "minor": int(e.consent.minor), "event_id": str(env.event_id)},
            keys=["asset_id"])

    @on(ConsentWithdrawn)
    async def withdrawn(self, conn: AsyncConnection, env: Envelope, e: ConsentWithdrawn) -> None:
        await conn.execute(delete(assets).where(assets.c.asset_id == e.asset_id))

    @on(PersonForgotten)
    async def forgotten(self, conn: AsyncConnection, env: Envelope, e: PersonForgotten) -> None:
        await conn.execute(delete(assets).where(assets.c.person_id == e.person))


def _with(with_people: str, few: str, people: int | None, **params: Any) -> tuple[str, dict[str, Any]]:
    """A journey line with its count of people, when shared.disclosure releases it (the buyer report prints it)."""
    return (with_people, {**params, "people": people}) if people is not None else (few, params)


def _name(code: str) -> str:
    return code.replace("_", " ")


# event type -> (journey step, its line: an English message with %(name)s places, and their values). The
# line is stored as English text (`summary`, what the API's journey shows) and as the message and its
# values (`args`), which a report in another language translates (services/evaluation/reports.py, the
# catalogues in services/evaluation/locale).
STEPS: dict[str, tuple[str, Any]] = {
    "FactoryRegistered": ("registered", lambda e: (N_("%(name)s joined the programme"), {"name": e.name})),
    "AssessmentCompleted": ("assessed", lambda e: (
        (N_("needs assessment completed; high needs: %(needs)s"), {"needs": ", ".join(highs)})
        if (highs := [_name(n.area) for n in e.needs_profile if n.severity == "high"])
        else (N_("needs assessment completed; no high need"), {}))),
    "PlanApproved": ("planned", lambda e: (
        N_("action plan revision %(revision)s approved by %(approved_by)s: %(activities)s activities, "
           "%(credits)s credits"), {"revision": e.revision, "approved_by": e.approved_by,
                                "activities": len(e.content.activities), "credits": e.content.credits_used})),
    "KickOffHeld": ("kick-off", lambda e: _with(N_("kick-off held with %(people)s participants"),
                                                N_("kick-off held (fewer than 5 people in a group)"),
                                                release(e.participants))),
    "SessionDelivered": ("delivery", lambda e: _with(N_("%(activity)s delivered to %(people)s people"),
                                                     N_("%(activity)s delivered (fewer than 5 people in a group)"),
                                                     figures_of(e.attendance)["attendances"],
                                                     activity=_name(e.activity))),
    "ActivityCompleted": ("delivery", lambda e: (N_("%(activity)s completed"), {"activity": _name(e.activity)})),
    "MilestoneReached": ("milestone", lambda e: (
        N_("milestone reached: %(milestone)s") if e.on_time else N_("milestone reached: %(milestone)s (late)"),
        {"milestone": e.milestone})),
    "ImpactEvaluated": ("evaluated", lambda e: (N_("impact evaluated: %(met)s of %(kpis)s KPI targets met"), {
        "met": sum(1 for k in e.kpis if k.achieved), "kpis": len(e.kpis)})),
    "SustainabilityPlanAgreed": ("sustainability", lambda e: (N_("sustainability plan agreed: %(practices)s practices"),
                                                              {"practices": len(e.practices)})),
    "ProgrammeClosed": ("closed", lambda e: (N_("cycle closed"), {})),
}



class Journey(Projection):
    """A factory's cycle across the four services of the cycle (all but buyers), one row per event."""

    name = "eval_journey"
    tables = (journey,)

    @on(FactoryRegistered, AssessmentCompleted, PlanApproved, KickOffHeld, SessionDelivered, ActivityCompleted,
        MilestoneReached, ImpactEvaluated, SustainabilityPlanAgreed, ProgrammeClosed)
    async def step(self, conn: AsyncConnection, env: Envelope, e: Any) -> None:
        step, line = STEPS[env.event_type]
        message, params = line(e)
        await upsert(conn, journey, {
            "factory_id": e.factory_id, "event_id": str(env.event_id), "country": env.country,
            "occurred_at": env.occurred_at, "context": env.context, "event_type": env.event_type, "step": step,
            "summary": message % params, "args": dumps({"message": message, "params": params}),
            "plan_id": getattr(e, "plan_id", None)}, keys=["factory_id", "event_id"])


def projections() -> list[Projection]:
    return [Sources(), Results(), Assets(), Journey()]
