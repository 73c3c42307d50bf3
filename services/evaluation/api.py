"""HTTP API of the evaluation service: for country teams under /{country},
and the buyer-portfolio views under /buyers/{buyer}."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.evaluation import reports
from services.evaluation.domain.asset import Asset, Person
from services.evaluation.domain.evaluation import Baseline, Evaluation, PlanTargets
from services.evaluation.impact import load_rows, portfolio
from services.evaluation.projections import assets, baselines, factories, journey, plans, programmes
from shared.aggregate import DomainError, NotFound
from shared.api import actor, buyer_scope, expected_version, in_country, scope_countries, served_country
from shared.application import Repository
from shared.contracts.evaluation import Practice

router = APIRouter(prefix="/{country}", tags=["evaluation"])
buyers_router = APIRouter(prefix="/buyers/{buyer}", tags=["buyers"], dependencies=[Depends(buyer_scope)])
IDENT = r"^[A-Za-z0-9_.:-]+$"
Rate = Field(None, ge=0, le=100, description="a percentage, 0 to 100")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Workforce(Body):
    retention_rate: float | None = Rate
    turnover_rate: float | None = Rate
    absenteeism_rate: float | None = Rate
    maternity_return_rate: float | None = Rate
    recruitment_cost_per_hire: float | None = Field(None, ge=0, le=1_000_000)


class Endline(Workforce):
    measured_on: date
    respondents: int = Field(ge=0, le=100_000, description="of the follow-up survey")
    worker_satisfaction: float | None = Rate
    parenting_confidence: float | None = Field(None, ge=1, le=5, description="mean on the survey's 1-5 scale")
    kpis: dict[str, float] = Field(default_factory=dict, description="endline value of each KPI of the plan")
    baseline_records: Workforce = Field(default_factory=Workforce,
                                        description="workforce figures of the baseline period, from the factory's "
                                                    "records, where the assessment did not measure them")


class Workshop(Body):
    workshop_on: date
    participants: int = Field(ge=1, le=10_000)
    practices: list[Practice] = Field(min_length=1, max_length=50)


class FollowUp(Body):
    practice: str = Field(min_length=1, max_length=300)
    checked_on: date
    status: Literal["continued", "partly", "stopped"]
    note: str | None = Field(None, max_length=2000)


class Close(Body):
    closed_on: date


class NewAsset(Body):
    asset_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    plan_id: str = Field(min_length=1, max_length=200)
    kind: Literal["story", "photo", "video"]
    title: str = Field(min_length=1, max_length=300, description="no names here: they go in the caption")
    uri: str = Field(min_length=1, max_length=1000)
    person_id: str = Field(min_length=1, max_length=100, pattern=IDENT,
                           description="pseudonymous id of the person the asset is about")
    caption: str = Field("", max_length=2000, description="may name people: stored sealed with the person's key")
    consented_by: str = Field(min_length=1, max_length=300, description="stored sealed, never published")
    minor: bool = False
    guardian: str | None = Field(None, max_length=300, description="required when the person is a minor")
    scope: list[Literal["internal", "buyer_reports", "public"]] = Field(min_length=1)
    expires_on: date


class Withdraw(Body):
    withdrawn_on: date


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


async def _one(request: Request, table, where) -> dict | None:  # noqa: ANN001
    async with _service(request).db.read() as conn:
        row = (await conn.execute(select(table).where(*where))).first()
    return dict(row._mapping) if row else None


async def _plan(request: Request, plan_id: str, country: str) -> dict:
    row = await _one(request, plans, (plans.c.plan_id == plan_id, plans.c.country == country))
    if row is None:
        raise NotFound("approved plan", plan_id)
    return row


async def _baseline(request: Request, factory_id: str, country: str) -> Baseline:
    row = await _one(request, baselines, (baselines.c.factory_id == factory_id, baselines.c.country == country))
    if row is None:
        raise DomainError(f"factory {factory_id} has no completed assessment: there is no baseline",
                          field="factory_id", rule="known_baseline", items=[factory_id])
    return Baseline(row["assessment_id"], row["completed_on"], orjson.loads(row["figures"]),
                    orjson.loads(row["indicators"]))


async def _targets(request: Request, plan: dict) -> PlanTargets:
    prog = await _one(request, programmes, (programmes.c.programme_id == plan["programme_id"],
                                            programmes.c.country == plan["country"]))
    return PlanTargets(plan["plan_id"], plan["programme_id"], plan["factory_id"], prog["buyer"] if prog else "",
                       orjson.loads(plan["kpis"]))


async def _evaluation(request: Request, plan_id: str, country: str, who: str, version: int | None, decide) -> dict:  # noqa: ANN001
    _, res = await Repository(_service(request).store, Evaluation).execute(
        plan_id, decide, actor=who, country=country, expected_version=version, create=True,
        guard=lambda e: None if e.version == 0 else in_country(country, "evaluation")(e))
    return {"plan_id": plan_id, "version": res.version}


# -- the end of the cycle ---------------------------------------------------------------


@router.post("/evaluations/{plan_id}/endline")
async def record_endline(request: Request, plan_id: str, body: Endline, country: str = Depends(served_country),
                         who: str = Depends(actor), version: int | None = Depends(expected_version)) -> dict:
    plan = await _plan(request, plan_id, country)
    baseline = await _baseline(request, plan["factory_id"], country)
    known = {k["indicator"] for k in orjson.loads(plan["kpis"])}
    unknown = sorted(set(body.kpis) - known)
    if unknown:
        raise DomainError(f"not KPIs of the approved plan: {', '.join(unknown)}", field="kpis", rule="known_kpi",
                          items=unknown)
    metrics = body.model_dump(exclude={"measured_on", "respondents", "kpis", "baseline_records"}, exclude_none=True)
    return await _evaluation(request, plan_id, country, who, version, lambda e: e.record_endline(
        baseline=baseline, factory_id=plan["factory_id"], measured_on=body.measured_on, respondents=body.respondents,
        metrics=metrics, kpi_values=body.kpis, baseline_records=body.baseline_records.model_dump(exclude_none=True)))


@router.post("/evaluations/{plan_id}/evaluate")
async def evaluate(request: Request, plan_id: str, country: str = Depends(served_country),
                   who: str = Depends(actor)) -> dict:
    plan = await _plan(request, plan_id, country)
    baseline = await _baseline(request, plan["factory_id"], country)
    targets = await _targets(request, plan)
    return await _evaluation(request, plan_id, country, who, None,
                             lambda e: e.evaluate(baseline=baseline, targets=targets))


@router.post("/evaluations/{plan_id}/sustainability")
async def agree_sustainability(request: Request, plan_id: str, body: Workshop, country: str = Depends(served_country),
                               who: str = Depends(actor)) -> dict:
    await _plan(request, plan_id, country)
    return await _evaluation(request, plan_id, country, who, None, lambda e: e.agree_sustainability(
        workshop_on=body.workshop_on, participants=body.participants, practices=body.practices))


@router.post("/evaluations/{plan_id}/follow-ups")
async def follow_up(request: Request, plan_id: str, body: FollowUp, country: str = Depends(served_country),
                    who: str = Depends(actor)) -> dict:
    await _plan(request, plan_id, country)
    return await _evaluation(request, plan_id, country, who, None, lambda e: e.follow_up(**body.model_dump()))


@router.post("/evaluations/{plan_id}/close")
async def close(request: Request, plan_id: str, body: Close, country: str = Depends(served_country),
                who: str = Depends(actor)) -> dict:
    targets = await _targets(request, await _plan(request, plan_id, country))
    return await _evaluation(request, plan_id, country, who, None,
                             lambda e: e.close(targets=targets, closed_on=body.closed_on))


# -- communications package ---------------------------------------------------------------


@router.post("/assets", status_code=201)
async def add_asset(request: Request, body: NewAsset, country: str = Depends(served_country),
                    who: str = Depends(actor)) -> dict:
    plan = await _plan(request, body.plan_id, country)
    today = datetime.now(UTC).date()
    vault = _service(request).vault
    sealed = {"consented_by": await vault.seal(body.person_id, body.consented_by),
              "guardian": await vault.seal(body.person_id, body.guardian) if body.guardian else None,
              "caption": await vault.seal(body.person_id, body.caption)}
    _, res = await Repository(_service(request).store, Asset).execute(
        body.asset_id, lambda a: a.add(factory_id=plan["factory_id"], today=today,
                                       **{**body.model_dump(exclude={"asset_id"}), **sealed}),
        actor=who, country=country, create=True)
    return {"asset_id": body.asset_id, "version": res.version}


@router.post("/people/{person_id}/forget")
async def forget_person(request: Request, person_id: str, country: str = Depends(served_country),
                        who: str = Depends(actor)) -> dict:
    """Forget a person: their key is deleted, so their names in the event store
    cannot be read again, and every list, report and rebuild goes without them."""
    svc = _service(request)
    if not await svc.vault.known(person_id):
        raise NotFound("person", person_id)
    await svc.vault.forget(person_id)
    _, res = await Repository(svc.store, Person).execute(
        person_id, lambda p: p.forget(datetime.now(UTC).date()), actor=who, country=country, create=True)
    return {"person_id": person_id, "forgotten": True, "version": res.version}


@router.post("/assets/{asset_id}/withdraw")
async def withdraw_consent(request: Request, asset_id: str, body: Withdraw, country: str = Depends(served_country),
                           who: str = Depends(actor)) -> dict:
    """Consent withdrawn: the asset leaves every report and feed, for good."""
    _, res = await Repository(_service(request).store, Asset).execute(
        asset_id, lambda a: a.withdraw(body.withdrawn_on), actor=who, country=country,
        guard=in_country(country, "asset"))
    return {"asset_id": asset_id, "version": res.version, "withdrawn": True}


async def _assets(request: Request, *, country: str | None = None, plan_ids: list[str] | None = None,
                  scope: str | None = None) -> list[dict]:
    today = datetime.now(UTC).date()
    q = select(assets).where(assets.c.expires_on > today)
    if country:
        q = q.where(assets.c.country == country)
    if plan_ids is not None:
        q = q.where(assets.c.plan_id.in_(plan_ids))
    async with _service(request).db.read() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(q.order_by(assets.c.asset_id))]
    for r in rows:
        r["scope"] = orjson.loads(r["scope"])
    return [r for r in rows if scope is None or scope in r["scope"]]


@router.get("/assets")
async def list_assets(request: Request, country: str = Depends(served_country), plan_id: str | None = None,
                      scope: str | None = Query(None, pattern="^(internal|buyer_reports|public)$")) -> dict:
    """Assets whose consent is in force (withdrawn or expired ones are gone)."""
    return {"items": await _assets(request, country=country, plan_ids=[plan_id] if plan_id else None, scope=scope)}


# -- journey, impact and reports --------------------------------------------------------------


async def _journey(request: Request, factory_ids: list[str], country: str | None) -> list[dict]:
    q = select(journey).where(journey.c.factory_id.in_(factory_ids))
    if country:
        q = q.where(journey.c.country == country)
    async with _service(request).db.read() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(q)]
    return sorted(rows, key=lambda r: (r["occurred_at"], r["context"], r["event_type"], r["event_id"]))


@router.get("/journey/{factory_id}")
async def factory_journey(request: Request, factory_id: str, country: str = Depends(served_country)) -> dict:
    """One timeline across the four services: assessed, planned, kick-off, deliveries, evaluated, closed."""
    rows = await _journey(request, [factory_id], country)
    if not rows:
        raise NotFound("journey of factory", factory_id)
    return {"factory_id": factory_id, "steps": [
        {"at": r["occurred_at"].isoformat(), "step": r["step"], "service": r["context"], "event": r["event_type"],
         "summary": r["summary"], "event_id": r["event_id"]} for r in rows]}


async def _names(request: Request) -> dict[str, str]:
    async with _service(request).db.read() as conn:
        return {r.factory_id: r.name for r in await conn.execute(select(factories.c.factory_id, factories.c.name))}


async def _portfolio(request: Request, **where: Any) -> dict[str, Any]:
    async with _service(request).db.read() as conn:
        return portfolio(await load_rows(conn, **where))


@router.get("/impact")
async def country_impact(request: Request, country: str = Depends(served_country), programme_id: str | None = None,
                         buyer: str | None = None) -> dict:
    return {"country": country, **await _portfolio(request, country=country, programme_id=programme_id, buyer=buyer)}


@router.get("/impact/factories/{factory_id}")
async def factory_impact(request: Request, factory_id: str, country: str = Depends(served_country)) -> dict:
    await _baseline(request, factory_id, country)
    out = await _portfolio(request, country=country, factory_id=factory_id)
    if not out["factories"]:
        raise NotFound("approved plan of factory", factory_id)
    return out


Format = Literal["html", "pdf", "csv", "json"]


async def _render(request: Request, data: dict[str, Any], fmt: str, *, title: str, subtitle: str,
                  factory_ids: list[str], country: str | None, name: str) -> Response:
    if fmt == "json":
        return JSONResponse(jsonable_encoder(data))
    if fmt == "csv":
        return Response(reports.csv_text(data), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    plan_ids = [f["plan_id"] for f in data["factories"]]
    page = reports.html(data, title=title, subtitle=subtitle, names=await _names(request),
                        journey=await _journey(request, factory_ids, country),
                        assets=await _assets(request, plan_ids=plan_ids, scope="buyer_reports"))
    if fmt == "html":
        return HTMLResponse(page)
    return Response(reports.pdf(page), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


@router.get("/reports/factories/{factory_id}.{fmt}")
async def factory_report(request: Request, factory_id: str, fmt: Format, country: str = Depends(served_country)
                         ) -> Response:
    """A factory's impact report: HTML, PDF, CSV or JSON."""
    await _baseline(request, factory_id, country)
    data = await _portfolio(request, country=country, factory_id=factory_id)
    names = await _names(request)
    return await _render(request, data, fmt, title=f"WeCare impact report: {names.get(factory_id, factory_id)}",
                         subtitle=f"Country {country.upper()}", factory_ids=[factory_id], country=country,
                         name=f"wecare-{factory_id}")


@buyers_router.get("/impact")
async def buyer_impact(request: Request, buyer: str) -> dict:
    """The buyer's portfolio: every factory in its programmes, in the countries served here."""
    out = await _portfolio(request, buyer=buyer, countries=scope_countries(request))
    if not out["factories"]:
        raise NotFound("programmes of buyer", buyer)
    return {"buyer": buyer, **out}


@buyers_router.get("/report.{fmt}")
async def buyer_report(request: Request, buyer: str, fmt: Format) -> Response:
    data = await buyer_impact(request, buyer)
    fids = sorted({f["factory_id"] for f in data["factories"]})
    return await _render(request, data, fmt, title=f"WeCare portfolio report: {buyer}",
                         subtitle=f"{len(fids)} factories", factory_ids=fids, country=None,
                         name=f"wecare-portfolio-{buyer.replace(' ', '-').lower()}")
