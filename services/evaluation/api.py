"""HTTP API of the evaluation service: for country teams under /{country},
and the buyer-portfolio views under /buyers/{buyer}."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from services.evaluation import reports
from services.evaluation.commands import (
    AddAsset,
    AgreeSustainabilityPlan,
    CloseCycle,
    EvaluateImpact,
    ForgetPerson,
    RecordEndline,
    RecordFollowUp,
    WithdrawConsent,
)
from services.evaluation.handlers import read_baseline
from services.evaluation.impact import load_rows, portfolio
from services.evaluation.projections import assets, factories, journey
from shared.aggregate import NotFound
from shared.api import (
    answer_language,
    attachment,
    body_of,
    buyer_scope,
    command_context,
    declare_errors,
    located,
    scope_countries,
    served_country,
)
from shared.application import CommandContext
from shared.i18n import LANGUAGE_PATTERN, negotiate
from shared.privacy import FORGOTTEN

router = APIRouter(prefix="/{country}", tags=["evaluation"])
buyers_router = APIRouter(prefix="/buyers/{buyer}", tags=["buyers"], dependencies=[Depends(buyer_scope)])
PlanId = Annotated[str, Path(max_length=200)]
Ident = Annotated[str, Path(max_length=100)]

EndlineBody = body_of(RecordEndline, "plan_id")
WorkshopBody = body_of(AgreeSustainabilityPlan, "plan_id")
FollowUpBody = body_of(RecordFollowUp, "plan_id")
CloseBody = body_of(CloseCycle, "plan_id")
WithdrawBody = body_of(WithdrawConsent, "asset_id")


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


async def _baseline(request: Request, factory_id: str, country: str) -> None:
    """A factory with no completed assessment has no report (422 known_baseline)."""
    async with _service(request).db.read() as conn:
        await read_baseline(conn, factory_id, country)


# -- the end of the cycle ---------------------------------------------------------------


@router.post("/evaluations/{plan_id}/endline")
async def record_endline(request: Request, body: EndlineBody, plan_id: PlanId,
                         ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(RecordEndline(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/evaluations/{plan_id}/evaluate")
async def evaluate(request: Request, plan_id: PlanId, ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(EvaluateImpact(plan_id=plan_id), ctx)


@router.post("/evaluations/{plan_id}/sustainability")
async def agree_sustainability(request: Request, body: WorkshopBody, plan_id: PlanId,
                               ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(AgreeSustainabilityPlan(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/evaluations/{plan_id}/follow-ups")
async def follow_up(request: Request, body: FollowUpBody, plan_id: PlanId,
                    ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(RecordFollowUp(**body.model_dump(), plan_id=plan_id), ctx)


@router.post("/evaluations/{plan_id}/close")
async def close(request: Request, body: CloseBody, plan_id: PlanId,
                ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(CloseCycle(**body.model_dump(), plan_id=plan_id), ctx)


# -- communications package ---------------------------------------------------------------


@router.post("/assets", status_code=201)
@located("/{country}/assets/{asset_id}")
async def add_asset(request: Request, body: AddAsset, ctx: CommandContext = Depends(command_context)) -> dict:
    return await _service(request).handle(body, ctx)


@router.post("/people/{person_id}/forget")
async def forget_person(request: Request, person_id: Ident, ctx: CommandContext = Depends(command_context)
                        ) -> dict:
    """Forget a person of this country: their key is deleted, so their names in
    the event store cannot be read again, and every list, report and rebuild
    goes without them. A person of another country is not found here."""
    return await _service(request).handle(ForgetPerson(person_id=person_id), ctx)


@router.post("/assets/{asset_id}/withdraw")
async def withdraw_consent(request: Request, body: WithdrawBody, asset_id: Ident,
                           ctx: CommandContext = Depends(command_context)) -> dict:
    """Consent withdrawn: the asset leaves every report and feed, for good."""
    return await _service(request).handle(WithdrawConsent(**body.model_dump(), asset_id=asset_id), ctx)


async def _assets(request: Request, *, country: str | None = None, plan_ids: list[str] | None = None,
                  scope: str | None = None) -> list[dict]:
    today = datetime.now(UTC).date()
    q = select(assets).where(assets.c.expires_on > today)
    if country:
        q = q.where(assets.c.country == country)
    if plan_ids is not None:
        q = q.where(assets.c.plan_id.in_(plan_ids))
    service = _service(request)
    async with service.db.read() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(q.order_by(assets.c.asset_id))]
    out = []
    for r in rows:
        r["scope"] = orjson.loads(r["scope"])
        for f in ("title", "uri", "caption"):  # sealed: opened through the vault
            r[f] = await service.vault.show(r[f])
        r.pop("person_id")  # the pseudonym stays inside the service
        # a row of a forgotten person (a read model restored from before the forget): left out, as
        # the projection leaves it out
        if FORGOTTEN not in (r["title"], r["caption"]) and (scope is None or scope in r["scope"]):
            out.append(r)
    return out


@router.get("/assets")
async def list_assets(request: Request, country: str = Depends(served_country), plan_id: str | None = None,
                      scope: str | None = Query(None, pattern="^(internal|buyer_reports|public)$")) -> dict:
    """Assets whose consent is in force (withdrawn or expired ones are gone)."""
    return {"items": await _assets(request, country=country, plan_ids=[plan_id] if plan_id else None, scope=scope)}


# -- journey, impact and reports --------------------------------------------------------------


async def _journey(request: Request, factory_ids: list[str], country: str | None,
                   plans: list[dict] | None = None) -> list[dict]:
    """The steps of the factories' journeys; with `plans` (a report's
    factories), only the steps of those plans and the factories' own steps
    (registered, assessed): a factory in two buyers' programmes shows each
    buyer its own sessions, kick-off and results, not the other's."""
    q = select(journey).where(journey.c.factory_id.in_(factory_ids))
    if country:
        q = q.where(journey.c.country == country)
    async with _service(request).db.read() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(q)]
    if plans is not None:
        mine = {(p["country"], p["plan_id"]) for p in plans}
        theirs = {(p["country"], p["factory_id"]) for p in plans}
        rows = [r for r in rows if (r["country"], r["factory_id"]) in theirs
                and (r["plan_id"] is None or (r["country"], r["plan_id"]) in mine)]
    return sorted(rows, key=lambda r: (r["occurred_at"], r["context"], r["event_type"], r["event_id"]))


@router.get("/journey/{factory_id}")
async def factory_journey(request: Request, factory_id: str, country: str = Depends(served_country),
                          lang: str = Depends(answer_language)) -> dict:
    """One timeline across the four services of the cycle: assessed, planned, kick-off, deliveries, evaluated,
    closed; each step's summary in the caller's language (Accept-Language), as the reports write it."""
    rows = await _journey(request, [factory_id], country)
    if not rows:
        raise NotFound("journey of factory", factory_id)
    return {"factory_id": factory_id, "steps": [
        {"at": r["occurred_at"].isoformat(), "step": r["step"], "service": r["context"], "event": r["event_type"],
         "summary": r["summary"] if lang == "en" else reports.journey_line(r, lang), "event_id": r["event_id"]}
        for r in rows]}


async def _names(request: Request) -> dict[str, str]:
    async with _service(request).db.read() as conn:
        return {r.factory_id: r.name for r in await conn.execute(select(factories.c.factory_id, factories.c.name))}


async def _portfolio(request: Request, **where: Any) -> dict[str, Any]:
    async with _service(request).db.read() as conn:
        return portfolio(await load_rows(conn, **where))


def _named(out: dict[str, Any], lang: str) -> dict[str, Any]:
    """Each factory's KPIs with their names in `lang` beside their codes (the reports' catalogue)."""
    for f in out["factories"]:
        f["kpis"] = [{**k, "name": reports.kpi_name(k["indicator"], lang)} for k in f.get("kpis") or []]
    return out


@router.get("/impact")
async def country_impact(request: Request, country: str = Depends(served_country), programme_id: str | None = None,
                         buyer: str | None = None, lang: str = Depends(answer_language)) -> dict:
    """The country's portfolio; KPIs named in the caller's language (Accept-Language) beside their codes."""
    return {"country": country, **_named(await _portfolio(request, country=country, programme_id=programme_id,
                                                          buyer=buyer), lang)}


@router.get("/impact/factories/{factory_id}")
async def factory_impact(request: Request, factory_id: str, country: str = Depends(served_country),
                         lang: str = Depends(answer_language)) -> dict:
    """A factory's impact; KPIs named in the caller's language (Accept-Language) beside their codes."""
    await _baseline(request, factory_id, country)
    out = await _portfolio(request, country=country, factory_id=factory_id)
    if not out["factories"]:
        raise NotFound("approved plan of factory", factory_id)
    return _named(out, lang)


Format = Literal["html", "pdf", "csv", "json"]
REPORT_TYPES = {200: {"description": "The report in the format asked", "content": {
    "text/html": {"schema": {"type": "string"}}, "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}}}


def report_language(lang: str | None = Query(None, pattern=LANGUAGE_PATTERN, description=(
                        "the language of the HTML and PDF report: en, zh, bn, vi or tr; without it, the best of "
                        "Accept-Language, else English")),
                    accept_language: str | None = Header(None, max_length=1000)) -> str:
    return negotiate(lang, accept_language)


async def _render(request: Request, data: dict[str, Any], fmt: str, *, kind: str, subject: str,
                  factory_ids: list[str], country: str | None, name: str, lang: str) -> Response:
    if fmt == "json":
        return JSONResponse(jsonable_encoder(data))
    if fmt == "csv":
        return Response(reports.csv_text(data), media_type="text/csv",
                        headers={"Content-Disposition": attachment(name, "csv")})
    plan_ids = [f["plan_id"] for f in data["factories"]]
    # drawn in a worker process (rendering.py): charts, page and PDF would hold the event loop for seconds
    drawn = await _service(request).renderer.render(
        fmt, data, kind=kind, subject=subject, country=country, lang=lang, names=await _names(request),
        journey=await _journey(request, factory_ids, country, data["factories"]),
        assets=await _assets(request, plan_ids=plan_ids, scope="buyer_reports"))
    if fmt == "html":
        return HTMLResponse(drawn, headers={"Content-Language": lang, "Vary": "Accept-Language"})
    return Response(drawn, media_type="application/pdf", headers={
        "Content-Disposition": attachment(name, "pdf"), "Content-Language": lang, "Vary": "Accept-Language"})


@router.get("/reports/factories/{factory_id}.{fmt}", response_class=Response, responses=REPORT_TYPES)
async def factory_report(request: Request, factory_id: str, fmt: Format, country: str = Depends(served_country),
                         lang: str = Depends(report_language)) -> Response:
    """A factory's impact report: HTML, PDF (in the reader's language), CSV or JSON."""
    await _baseline(request, factory_id, country)
    data = await _portfolio(request, country=country, factory_id=factory_id)
    names = await _names(request)
    return await _render(request, data, fmt, kind="factory", subject=names.get(factory_id, factory_id),
                         factory_ids=[factory_id], country=country, name=f"wecare-{factory_id}", lang=lang)


async def _buyer_portfolio(request: Request, buyer: str) -> dict:
    out = await _portfolio(request, buyer=buyer, countries=scope_countries(request))
    if not out["factories"]:
        raise NotFound("programmes of buyer", buyer)
    return {"buyer": buyer, **out}


@buyers_router.get("/impact")
async def buyer_impact(request: Request, buyer: str, lang: str = Depends(answer_language)) -> dict:
    """The buyer's portfolio: every factory in its programmes, in the countries served here; KPIs named in the
    caller's language (Accept-Language) beside their codes."""
    return _named(await _buyer_portfolio(request, buyer), lang)


@buyers_router.get("/report.{fmt}", response_class=Response, responses=REPORT_TYPES)
async def buyer_report(request: Request, buyer: str, fmt: Format, lang: str = Depends(report_language)) -> Response:
    """The buyer's portfolio report: HTML, PDF (in the reader's language), CSV or JSON."""
    data = await _buyer_portfolio(request, buyer)
    fids = sorted({f["factory_id"] for f in data["factories"]})
    return await _render(request, data, fmt, kind="portfolio", subject=buyer, factory_ids=fids, country=None,
                         name=f"wecare-portfolio-{buyer.replace(' ', '-').lower()}", lang=lang)


declare_errors(router, buyers_router)
