"""HTTP API of the planning service, for country teams, under /{country}:
the catalogue, programmes and their price, action plans (suggested,
edited, approved, revised, kicked off) and the country's reports."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select

from services.planning.commands import (
    ApprovePlan,
    ChangePlan,
    CreateProgramme,
    DraftPlan,
    HoldKickOff,
)
from services.planning.domain.plan import Plan
from services.planning.domain.pricing import pricing
from services.planning.domain.programme import Programme
from services.planning.domain.suggest import suggest
from services.planning.projections import baselines, plan_activities, plans, programmes
from shared.aggregate import NotFound
from shared.api import (
    MAX_INT,
    Page,
    answer_language,
    answers,
    body_of,
    command_context,
    declare_errors,
    json_columns,
    located,
    one_in_country,
    served_country,
    texts_of,
    versioned,
)
from shared.application import CommandContext, load
from shared.contracts.assessment import kpi_name
from shared.http import speaking
from shared.i18n import Texts
from shared.menu import UnknownMenuVersion, menu, versions

router = APIRouter(prefix="/{country}", tags=["planning"])
catalogue_router = APIRouter(tags=["planning"])
IDENT = r"^[A-Za-z0-9_-]+$"  # no dots: plan and share ids join ids with one

ChangeBody = body_of(ChangePlan, "plan_id")
ApproveBody = body_of(ApprovePlan, "plan_id")
KickOffBody = body_of(HoldKickOff, "plan_id")


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


# -- catalogue and prices ------------------------------------------------------------


def _menu(version: int | None, lang: str, texts: Texts) -> dict:
    try:
        m = menu(version)
    except UnknownMenuVersion as e:
        raise NotFound("catalogue version", str(version)) from e
    out = {**m.to_dict(), "versions": versions()}
    # names for people in the caller's language; the codes are the same in every language
    out["areas"] = {code: texts(lang, name) for code, name in out["areas"].items()}
    out["activities"] = [{**a, "name": texts(lang, a["name"])} for a in out["activities"]]
    return out


@catalogue_router.get("/catalogue", responses=answers(404))
async def catalogue(request: Request, version: int | None = Query(None, ge=1, le=MAX_INT),
                    lang: str = Depends(answer_language)) -> dict:
    """The service menu (the current version unless asked), with every version there is; the activities'
    and need areas' names in the caller's language (Accept-Language)."""
    return _menu(version, lang, texts_of(request))


@catalogue_router.get("/pricing")
async def price_list(factories: int | None = Query(None, ge=1, le=10_000, description="quote for this many")) -> dict:
    p = pricing()
    return {**p.to_dict(), "quote": p.quote(factories).to_dict() if factories else None}


@router.get("/catalogue")
async def country_catalogue(request: Request, country: str = Depends(served_country),
                            version: int | None = Query(None, ge=1, le=MAX_INT),
                            lang: str = Depends(answer_language)) -> dict:
    """The activities offered in this country, named in the caller's language (Accept-Language)."""
    out = _menu(version, lang, texts_of(request))
    out["activities"] = [a for a in out["activities"] if a["countries"] is None or country in a["countries"]]
    return out


# -- programmes ------------------------------------------------------------------------


@router.post("/programmes", status_code=201)
@located("/{country}/programmes/{programme_id}", "POST /{country}/plans")
async def create_programme(request: Request, body: CreateProgramme,
                           ctx: CommandContext = Depends(command_context)) -> dict:
    """A buyer's programme for factories in one or more countries (all in your
    scope): priced by its size, one share per country. Factories already
    assessed get their suggested draft plan at once."""
    return await _service(request).handle(body, ctx)


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


async def _baseline(request: Request, factory_id: str) -> dict[str, Any] | None:
    async with _service(request).db.read() as conn:
        row = (await conn.execute(select(baselines).where(baselines.c.factory_id == factory_id))).first()
    return dict(row._mapping) if row else None


def _named(content: dict[str, Any] | None, lang: str, texts: Texts) -> dict[str, Any] | None:
    """A plan's content with names for people beside the codes, in `lang`: each activity's (the menu of the
    plan's version) and each KPI's."""
    if content is None:
        return None
    try:
        acts = menu(content.get("catalogue_version")).activities
    except UnknownMenuVersion:
        acts = {}
    return {**content,
            "activities": [{**a, "name": texts(lang, acts[a["activity"]].name) if a["activity"] in acts
                            else a["activity"]} for a in content.get("activities") or []],
            "kpis": [{**k, "name": texts(lang, kpi_name(k["indicator"]))} for k in content.get("kpis") or []]}


@router.get("/programmes/{programme_id}/factories/{factory_id}/suggestion")
async def suggestion(request: Request, programme_id: str, factory_id: str,
                     country: str = Depends(served_country), lang: str = Depends(answer_language)) -> dict:
    """The best plan for the factory's needs profile now (not stored), with why; the why, and its activities'
    and KPIs' names beside their codes, in the caller's language (Accept-Language; the assessment's evidence
    is quoted as it was written)."""
    share = await load(_service(request).store, Programme, Programme.share_id(programme_id, country))
    if not share.exists:
        raise NotFound("programme", programme_id)
    terms = share.terms()
    b = await _baseline(request, factory_id)
    if b is None or b["country"] != country:
        raise NotFound("completed assessment of factory", factory_id)
    s = suggest(menu(), terms, orjson.loads(b["needs_profile"]), orjson.loads(b["indicators"]))
    return {"programme_id": programme_id, "factory_id": factory_id, "assessment_id": b["assessment_id"],
            "plan": _named(s.content.model_dump(mode="json"), lang, texts_of(request)),
            "score": {"coverage": s.score[0], "depth": s.score[1], "credits": -s.score[2]},
            "valid_plans_compared": s.considered, "explanation": [texts_of(request)(lang, t) for t in s.why]}


# -- plans -------------------------------------------------------------------------------


@router.post("/plans", status_code=201)
@located("/{country}/plans/{plan_id}")
async def draft_plan(request: Request, body: DraftPlan, ctx: CommandContext = Depends(command_context)) -> dict:
    """A plan written by the country team (when no suggested draft exists)."""
    return await _service(request).handle(body, ctx)


@router.put("/plans/{plan_id}")
async def change_plan(request: Request, plan_id: str, body: ChangeBody,
                      ctx: CommandContext = Depends(command_context)) -> dict:
    """Edit a draft; or, once approved, a new revision (with a reason) that
    needs approval again. The plan keeps its catalogue version."""
    return await _service(request).handle(ChangePlan(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/plans/{plan_id}/approve")
async def approve_plan(request: Request, plan_id: str, body: ApproveBody,
                       ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(ApprovePlan(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/plans/{plan_id}/kick-off")
async def kick_off(request: Request, plan_id: str, body: KickOffBody,
                   ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(HoldKickOff(**body.model_dump(), plan_id=plan_id), ctx)


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
async def get_plan(request: Request, plan_id: str, country: str = Depends(served_country),
                   lang: str = Depends(answer_language)) -> dict:
    """The plan's current revision, its approval, and every revision before it; its ETag carries the
    plan's stream version (send it as If-Match to change, approve or kick off the plan). Its activities and
    KPIs are named in the caller's language (Accept-Language) beside their codes."""
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
    response = versioned({
            "plan_id": plan_id, "programme_id": p.programme_id, "factory_id": p.factory_id, "status": p.status,
            "revision": p.revision, "approved_revision": p.approved_revision, "version": len(envs),
            "kicked_off_on": p.kicked_off_on, "suggested": first["suggested"],
            "explanation": first["explanation"], "credits_budget": first["credits_budget"],
            "content": _named(p.content.model_dump(mode="json") if p.content else None, lang, texts_of(request)),
            "history": history},
        envs[-1].stream_version)
    response.headers.update(speaking(lang))
    return response


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


declare_errors(router, catalogue_router)
