"""HTTP API of the planning service, for country teams, under /{country}:
the catalogue, programmes and their price, action plans (suggested,
edited, approved, revised, kicked off) and the country's reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from services.planning.domain.plan import Plan
from services.planning.domain.pricing import pricing
from services.planning.domain.programme import Programme, check_period
from services.planning.domain.rules import KpiRequest, Terms, check
from services.planning.domain.suggest import suggest
from services.planning.drafting import draft_suggested
from services.planning.projections import baselines, factories, plan_activities, plans, programmes
from shared.aggregate import DomainError, NotFound, Repository
from shared.api import (
    Page,
    actor,
    expected_version,
    idempotency_key,
    in_country,
    json_columns,
    one_in_country,
    served_country,
)
from shared.contracts.planning import Milestone, PlannedActivity
from shared.menu import UnknownMenuVersion, menu, versions
from shared.store.eventstore import AppendResult

router = APIRouter(prefix="/{country}", tags=["planning"])
catalogue_router = APIRouter(tags=["planning"])
IDENT = r"^[A-Za-z0-9_-]+$"  # no dots: plan and share ids join ids with one


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateProgramme(Body):
    programme_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    name: str = Field(min_length=1, max_length=300)
    buyer: str = Field(min_length=1, max_length=300)
    factories: list[str] = Field(min_length=1, max_length=1000)
    starts_on: date
    ends_on: date | None = Field(None, description="defaults to one year after starts_on (at most three)")
    credits_per_factory: int | None = Field(None, ge=0, le=100, description="defaults to the menu's (10)")


class PlanBody(Body):
    activities: list[PlannedActivity] = Field(max_length=50)
    milestones: list[Milestone] = Field(default_factory=list, max_length=100)
    kpis: list[KpiRequest] = Field(default_factory=list, max_length=50)


class DraftPlan(PlanBody):
    programme_id: str = Field(min_length=1, max_length=100)
    factory_id: str = Field(min_length=1, max_length=100)


class ChangePlan(PlanBody):
    note: str | None = Field(None, max_length=2000)
    reason: str | None = Field(None, max_length=2000, description="required once the plan is approved")


class Approve(Body):
    approved_by: str = Field(min_length=1, max_length=300, description="the factory manager who approves")
    approved_on: date


class KickOff(Body):
    held_on: date
    participants: int = Field(ge=1, le=100_000)
    facilitators: list[str] = Field(min_length=1, max_length=50)
    note: str | None = Field(None, max_length=2000)


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


# -- catalogue and prices ------------------------------------------------------------


@catalogue_router.get("/catalogue")
async def catalogue(version: int | None = Query(None, ge=1)) -> dict:
    """The service menu (the current version unless asked), with every version there is."""
    try:
        m = menu(version)
    except UnknownMenuVersion as e:
        raise NotFound("catalogue version", str(version)) from e
    return {**m.to_dict(), "versions": versions()}


@catalogue_router.get("/pricing")
async def price_list(factories: int | None = Query(None, ge=1, le=10_000, description="quote for this many")) -> dict:
    p = pricing()
    return {**p.to_dict(), "quote": p.quote(factories).to_dict() if factories else None}


@router.get("/catalogue")
async def country_catalogue(country: str = Depends(served_country), version: int | None = Query(None, ge=1)) -> dict:
    """The activities offered in this country."""
    out = await catalogue(version)
    out["activities"] = [a for a in out["activities"] if a["countries"] is None or country in a["countries"]]
    return out


# -- programmes ------------------------------------------------------------------------


async def _factory_countries(request: Request, ids: list[str]) -> dict[str, str]:
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(select(factories).where(factories.c.factory_id.in_(ids)))).all()
    known = {r.factory_id: r for r in rows}
    unknown = [f for f in ids if f not in known]
    if unknown:
        raise DomainError(f"unknown factories: {', '.join(unknown)}", field="factories", rule="known_factory",
                          items=unknown)
    archived = [f for f in ids if known[f].status == "archived"]
    if archived:
        raise DomainError(f"archived factories: {', '.join(archived)}", field="factories", rule="active_factory",
                          items=archived)
    return {f: known[f].country for f in ids}


@router.post("/programmes", status_code=201)
async def create_programme(request: Request, body: CreateProgramme, country: str = Depends(served_country),
                           who: str = Depends(actor), key: str | None = Depends(idempotency_key)) -> dict:
    """A buyer's programme for factories in one or more countries: priced by its
    size, one share per country. Factories already assessed get their
    suggested draft plan at once."""
    svc = _service(request)
    if key is not None and (prior := await svc.store.command_result(key)) is not None:
        first = (await svc.store.load(prior.stream_id))[0].payload  # a retry: answer as the first time
        quote = pricing().quote(first["factories_total"])
        return {"programme_id": first["programme_id"], "countries": first["countries"], "ends_on": first["ends_on"],
                **quote.to_dict(), "plans_suggested": 0, "replayed": True}
    dup = sorted({f for f in body.factories if body.factories.count(f) > 1})
    if dup:
        raise DomainError(f"factories listed twice: {', '.join(dup)}", field="factories", rule="no_duplicates",
                          items=dup)
    where = await _factory_countries(request, body.factories)
    countries = sorted(set(where.values()))
    unserved = [c for c in countries if c not in svc.settings.countries]
    if unserved:
        raise DomainError(f"factories in countries this deployment does not serve: {', '.join(unserved)}",
                          field="factories", rule="served_country",
                          items=[f for f, c in where.items() if c in unserved])
    ends_on = check_period(body.starts_on, body.ends_on)
    quote = pricing().quote(len(body.factories))
    credits = body.credits_per_factory if body.credits_per_factory is not None else menu().credits_per_factory
    repo = Repository(svc.store, Programme)
    drafted = 0
    async with svc.store.transaction() as conn:
        if await svc.store.find("ProgrammeCreated", containing=f'"programme_id":"{body.programme_id}"', conn=conn):
            raise DomainError(f"programme {body.programme_id} exists already", field="programme_id", rule="unique")
        for i, cc in enumerate(countries):
            mine = [f for f in body.factories if where[f] == cc]
            agg, _ = await repo.execute(
                Programme.share_id(body.programme_id, cc),
                lambda p, cc=cc, mine=mine: p.create(
                    programme_id=body.programme_id, name=body.name, buyer=body.buyer, countries=countries,
                    starts_on=body.starts_on, ends_on=ends_on, credits_per_factory=credits, factories=mine,
                    quote=quote),
                actor=who, country=cc, create=True, conn=conn, idempotency_key=key if i == 0 else None)
            terms = agg.terms()
            rows = (await conn.execute(select(baselines).where(baselines.c.factory_id.in_(mine)))).all()
            for r in rows:
                drafted += await draft_suggested(svc.store, conn, terms, dict(r._mapping), actor=who)
    return {"programme_id": body.programme_id, "countries": countries, "ends_on": ends_on.isoformat(),
            **quote.to_dict(), "plans_suggested": drafted, "replayed": False}


def _programme_row(r: dict) -> dict:
    return json_columns(r, "countries", "factories")


@router.get("/programmes")
async def list_programmes(request: Request, country: str = Depends(served_country), page: Page = Depends(),
                          buyer: str | None = None) -> dict:
    q = select(programmes).where(programmes.c.country == country)
    if buyer:
        q = q.where(programmes.c.buyer == buyer)
    async with _service(request).db.read() as conn:
        out = await page.fetch(conn, q.order_by(programmes.c.starts_on, programmes.c.programme_id))
    out["items"] = [_programme_row(r) for r in out["items"]]
    return out


@router.get("/programmes/{programme_id}")
async def get_programme(request: Request, programme_id: str, country: str = Depends(served_country)) -> dict:
    row = await one_in_country(_service(request).db, programmes, programmes.c.programme_id, programme_id, country,
                               "programme")
    return _programme_row(row)


async def _terms(request: Request, programme_id: str, country: str) -> Terms:
    p = await Repository(_service(request).store, Programme).get(Programme.share_id(programme_id, country),
                                                                 required=False)
    if not p.exists:
        raise DomainError(f"no programme {programme_id} in {country}", field="programme_id", rule="known_programme")
    return p.terms()


async def _baseline(request: Request, factory_id: str) -> dict[str, Any] | None:
    async with _service(request).db.read() as conn:
        row = (await conn.execute(select(baselines).where(baselines.c.factory_id == factory_id))).first()
    return dict(row._mapping) if row else None


async def _figures(request: Request, factory_id: str) -> dict[str, float]:
    b = await _baseline(request, factory_id)
    return orjson.loads(b["indicators"]) if b else {}


@router.get("/programmes/{programme_id}/factories/{factory_id}/suggestion")
async def suggestion(request: Request, programme_id: str, factory_id: str,
                     country: str = Depends(served_country)) -> dict:
    """The best plan for the factory's needs profile now (not stored), with why."""
    terms = await _terms(request, programme_id, country)
    b = await _baseline(request, factory_id)
    if b is None or b["country"] != country:
        raise NotFound("completed assessment of factory", factory_id)
    s = suggest(menu(), terms, orjson.loads(b["needs_profile"]), orjson.loads(b["indicators"]))
    return {"programme_id": programme_id, "factory_id": factory_id, "assessment_id": b["assessment_id"],
            "plan": s.content.model_dump(mode="json"), "score": {"coverage": s.score[0], "depth": s.score[1],
                                                                "credits": -s.score[2]},
            "valid_plans_compared": s.considered, "explanation": s.explanation}


# -- plans -------------------------------------------------------------------------------


def _plans(request: Request) -> Repository[Plan]:
    return Repository(_service(request).store, Plan)


async def _on_plan(request: Request, plan_id: str, country: str, who: str, version: int | None,
                   act: Callable[[Plan, Terms], Awaitable[None]]) -> tuple[Plan, AppendResult]:
    """A command on a plan of this country: `act` decides, with its programme's terms."""
    async def run(p: Plan) -> None:
        await act(p, await _terms(request, p.programme_id, country))

    return await _plans(request).execute(plan_id, run, actor=who, country=country, expected_version=version,
                                         guard=in_country(country, "plan"))


@router.post("/plans", status_code=201)
async def draft_plan(request: Request, body: DraftPlan, country: str = Depends(served_country),
                     who: str = Depends(actor), key: str | None = Depends(idempotency_key)) -> dict:
    """A plan written by the country team (when no suggested draft exists)."""
    terms = await _terms(request, body.programme_id, country)
    programme = await Repository(_service(request).store, Programme).get(
        Programme.share_id(body.programme_id, country))
    if body.factory_id not in programme.factories:
        raise DomainError(f"factory {body.factory_id} is not in programme {body.programme_id} in {country}",
                          field="factory_id", rule="factory_in_programme", items=[body.factory_id])
    content = check(menu(), terms, body.activities, body.milestones, body.kpis,
                    await _figures(request, body.factory_id))
    plan_id = Plan.plan_id(body.programme_id, body.factory_id)
    _, res = await _plans(request).execute(
        plan_id, lambda p: p.draft(terms=terms, factory_id=body.factory_id, content=content, suggested=False),
        actor=who, country=country, create=True, idempotency_key=key)
    return {"plan_id": plan_id, "version": res.version, "replayed": res.replayed}


@router.put("/plans/{plan_id}")
async def change_plan(request: Request, plan_id: str, body: ChangePlan, country: str = Depends(served_country),
                      who: str = Depends(actor), version: int | None = Depends(expected_version)) -> dict:
    """Edit a draft; or, once approved, a new revision (with a reason) that
    needs approval again. The plan keeps its catalogue version."""
    async def act(p: Plan, terms: Terms) -> None:
        assert p.content is not None
        content = check(menu(p.content.catalogue_version), terms, body.activities, body.milestones, body.kpis,
                        await _figures(request, p.factory_id))
        p.change(content, note=body.note, reason=body.reason)

    agg, res = await _on_plan(request, plan_id, country, who, version, act)
    return {"plan_id": plan_id, "version": res.version, "status": agg.status, "revision": agg.revision}


@router.post("/plans/{plan_id}/approve")
async def approve_plan(request: Request, plan_id: str, body: Approve, country: str = Depends(served_country),
                       who: str = Depends(actor), version: int | None = Depends(expected_version)) -> dict:
    async def act(p: Plan, terms: Terms) -> None:
        p.approve(approved_by=body.approved_by, approved_on=body.approved_on, terms=terms)

    agg, res = await _on_plan(request, plan_id, country, who, version, act)
    return {"plan_id": plan_id, "version": res.version, "status": agg.status, "revision": agg.revision}


@router.post("/plans/{plan_id}/kick-off")
async def kick_off(request: Request, plan_id: str, body: KickOff, country: str = Depends(served_country),
                   who: str = Depends(actor), version: int | None = Depends(expected_version)) -> dict:
    async def act(p: Plan, terms: Terms) -> None:
        p.kick_off(held_on=body.held_on, participants=body.participants, facilitators=body.facilitators,
                   note=body.note, terms=terms)

    _, res = await _on_plan(request, plan_id, country, who, version, act)
    return {"plan_id": plan_id, "version": res.version, "kicked_off_on": body.held_on.isoformat()}


@router.get("/plans")
async def list_plans(request: Request, country: str = Depends(served_country), page: Page = Depends(),
                     status: str | None = None, programme_id: str | None = None) -> dict:
    q = select(plans).where(plans.c.country == country)
    if status:
        q = q.where(plans.c.status == status)
    if programme_id:
        q = q.where(plans.c.programme_id == programme_id)
    async with _service(request).db.read() as conn:
        out = await page.fetch(conn, q.order_by(plans.c.plan_id))
    out["items"] = [json_columns(r, "activities") for r in out["items"]]
    return out


@router.get("/plans/{plan_id}")
async def get_plan(request: Request, plan_id: str, country: str = Depends(served_country)) -> dict:
    """The plan's current revision, its approval, and every revision before it."""
    envs = await _service(request).store.load(Plan.stream_id(plan_id))
    if not envs or envs[0].country != country:
        raise NotFound("plan", plan_id)
    p = Plan(plan_id)
    history = []
    for env in envs:
        p.apply(env.event())
        history.append({"version": env.stream_version, "event": env.event_type, "at": env.recorded_at.isoformat(),
                        "actor": env.actor, "revision": env.payload.get("revision"),
                        **{k: env.payload[k] for k in ("reason", "note", "approved_by", "approved_on", "held_on")
                           if env.payload.get(k) is not None}})
    first = envs[0].payload
    return {"plan_id": plan_id, "programme_id": p.programme_id, "factory_id": p.factory_id, "status": p.status,
            "revision": p.revision, "approved_revision": p.approved_revision, "version": len(envs),
            "kicked_off_on": p.kicked_off_on, "suggested": first["suggested"],
            "explanation": first["explanation"], "credits_budget": first["credits_budget"],
            "content": p.content.model_dump(mode="json") if p.content else None, "history": history}


# -- reports ---------------------------------------------------------------------------------


@router.get("/reports/plans")
async def plans_by_status(request: Request, country: str = Depends(served_country)) -> dict:
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(select(plans.c.status, func.count(), func.count(plans.c.kicked_off_on))
                                   .where(plans.c.country == country).group_by(plans.c.status))).all()
    return {"country": country, "by_status": {r[0]: r[1] for r in rows}, "kicked_off": sum(r[2] for r in rows)}


@router.get("/reports/activities")
async def activities_chosen(request: Request, country: str = Depends(served_country)) -> dict:
    """What the country's approved plans chose: plans and credits per activity."""
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(
            select(plan_activities.c.activity, func.count(), func.sum(plan_activities.c.credits),
                   func.sum(plan_activities.c.cohort_size))
            .where(plan_activities.c.country == country).group_by(plan_activities.c.activity)
            .order_by(plan_activities.c.activity))).all()
        approved = await conn.scalar(select(func.count(func.distinct(plan_activities.c.plan_id)))
                                     .where(plan_activities.c.country == country))
    return {"country": country, "approved_plans": int(approved or 0), "activities": [
        {"activity": r[0], "plans": r[1], "credits": int(r[2] or 0), "cohort_places": int(r[3] or 0)}
        for r in rows]}


@router.get("/reports/contract-value")
async def contract_value(request: Request, country: str = Depends(served_country)) -> dict:
    """This country's share of the programmes' value, per buyer."""
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(
            select(programmes.c.buyer, programmes.c.currency, func.count(), func.sum(programmes.c.country_value))
            .where(programmes.c.country == country).group_by(programmes.c.buyer, programmes.c.currency)
            .order_by(programmes.c.buyer))).all()
    return {"country": country, "buyers": [
        {"buyer": r[0], "currency": r[1], "programmes": r[2], "value": int(r[3] or 0)} for r in rows]}
