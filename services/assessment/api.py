"""HTTP API of the assessment service, for country teams, under /{country}."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select

from services.assessment.commands import (
    ID,
    ArchiveFactory,
    CompleteAssessment,
    RecordDemographics,
    RecordFindings,
    RecordPolicies,
    RecordSurveyResponse,
    RecordSurveyResponses,
    RegisterFactory,
    ScheduleAssessment,
    SetFactoryIdentifiers,
    UpdateFactory,
)
from services.assessment.domain.checklist import checklist
from services.assessment.domain.survey import instrument
from services.assessment.projections import assessments, factories, factory_indicators
from shared.aggregate import NotFound
from shared.api import (
    IsoDate,
    Page,
    answer_language,
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
from shared.application import CommandContext
from shared.http import speaking
from shared.menu import menu

router = APIRouter(prefix="/{country}", tags=["assessment"])

FactoryId = Annotated[str, Path(min_length=1, max_length=ID)]
AssessmentId = Annotated[str, Path(min_length=1, max_length=ID)]


# request bodies: the commands without the ids the path gives

UpdateFactoryBody = body_of(UpdateFactory, "factory_id")
ArchiveFactoryBody = body_of(ArchiveFactory, "factory_id")
IdentifiersBody = body_of(SetFactoryIdentifiers, "factory_id")
PoliciesBody = body_of(RecordPolicies, "assessment_id")
DemographicsBody = body_of(RecordDemographics, "assessment_id")
FindingsBody = body_of(RecordFindings, "assessment_id")
SurveyResponseBody = body_of(RecordSurveyResponse, "assessment_id")
SurveyBatchBody = body_of(RecordSurveyResponses, "assessment_id")
CompleteBody = body_of(CompleteAssessment, "assessment_id")


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


# -- factories ---------------------------------------------------------------------


@router.post("/factories", status_code=201)
@located("/{country}/factories/{factory_id}", "POST /{country}/assessments")
async def register_factory(request: Request, body: RegisterFactory,
                           ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    """A factory id is global: one taken in any country answers 422 `unique`,
    the same answer whichever country holds it."""
    return await _service(request).handle(body, ctx)


@router.patch("/factories/{factory_id}")
async def update_factory(request: Request, body: UpdateFactoryBody, factory_id: FactoryId,
                         ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(UpdateFactory(**body.model_dump(), factory_id=factory_id), ctx)


@router.put("/factories/{factory_id}/identifiers")
async def set_factory_identifiers(request: Request, body: IdentifiersBody, factory_id: FactoryId,
                                  ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    """The identifiers buyers join on, all three as they now are (one left
    out or null: none known): Open Supply Hub's OS ID (of the factory's
    country; two active factories cannot share one: 422 `unique_os_id`),
    amfori's and Sedex's. The same again changes nothing."""
    return await _service(request).handle(SetFactoryIdentifiers(**body.model_dump(), factory_id=factory_id), ctx)


@router.post("/factories/{factory_id}/archive")
async def archive_factory(request: Request, body: ArchiveFactoryBody, factory_id: FactoryId,
                          ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(ArchiveFactory(**body.model_dump(), factory_id=factory_id), ctx)


def _factory_row(r: dict) -> dict:
    return json_columns(r, "buyers", "needs_profile")


@router.get("/factories")
async def list_factories(request: Request, country: str = Depends(served_country), page: Page = Depends(),
                         sector: str | None = None, buyer: str | None = None, status: str | None = None,
                         region: str | None = None,
                         os_id: str | None = Query(None, max_length=15, description="Open Supply Hub's OS ID")) -> dict:
    q = select(factories).where(factories.c.country == country)
    if os_id:
        q = q.where(factories.c.os_id == os_id.strip().upper())
    if sector:
        q = q.where(factories.c.sector == sector)
    if status:
        q = q.where(factories.c.status == status)
    if region:
        q = q.where(factories.c.region == region)
    if buyer:
        q = q.where(factories.c.buyers.like(f'%"{buyer}"%'))
    async with _service(request).db.read() as conn:
        out = await page.fetch(conn, q.order_by(factories.c.factory_id))
    out["items"] = [_factory_row(r) for r in out["items"]]
    return out


@router.get("/factories/{factory_id}")
async def get_factory(request: Request, factory_id: str, country: str = Depends(served_country)) -> dict:
    """The factory, with its ETag (its stream version, for If-Match)."""
    db = _service(request).db
    row = _factory_row(await one_in_country(db, factories, factories.c.factory_id, factory_id, country, "factory"))
    return versioned(row, row["version"])


# -- assessments ---------------------------------------------------------------------


@router.post("/assessments", status_code=201)
@located("/{country}/assessments/{assessment_id}")
async def schedule_assessment(request: Request, body: ScheduleAssessment,
                              ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    """For a factory of this country in your scope (another answers like an unknown one)."""
    return await _service(request).handle(body, ctx)


@router.put("/assessments/{assessment_id}/policies")
async def record_policies(request: Request, body: PoliciesBody, assessment_id: AssessmentId,
                          ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(RecordPolicies(**body.model_dump(), assessment_id=assessment_id), ctx)


@router.put("/assessments/{assessment_id}/demographics")
async def record_demographics(request: Request, body: DemographicsBody, assessment_id: AssessmentId,
                              ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(RecordDemographics(**body.model_dump(), assessment_id=assessment_id),
                                          ctx)


@router.put("/assessments/{assessment_id}/management")
async def record_findings(request: Request, body: FindingsBody, assessment_id: AssessmentId,
                          ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(RecordFindings(**body.model_dump(), assessment_id=assessment_id), ctx)


@router.post("/assessments/{assessment_id}/survey-responses", status_code=201)
@located("/{country}/assessments/{assessment_id}/survey-responses/{response_id}")
async def record_response(request: Request, body: SurveyResponseBody, assessment_id: AssessmentId,
                          ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(RecordSurveyResponse(**body.model_dump(), assessment_id=assessment_id),
                                          ctx)


@router.post("/assessments/{assessment_id}/survey-responses/batch", status_code=201)
@located("/{country}/assessments/{assessment_id}")  # many responses: the assessment holding them
async def record_responses(request: Request, body: SurveyBatchBody, assessment_id: AssessmentId,
                           ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    """Responses captured offline, sent together (up to 500). Sending the same
    batch again, or responses already sent one by one, records nothing twice."""
    return await _service(request).handle(
        RecordSurveyResponses(**body.model_dump(), assessment_id=assessment_id), ctx)


@router.post("/assessments/{assessment_id}/complete")
async def complete(request: Request, body: CompleteBody, assessment_id: AssessmentId,
                   ctx: CommandContext = Depends(command_context)) -> dict[str, Any]:
    return await _service(request).handle(CompleteAssessment(**body.model_dump(), assessment_id=assessment_id),
                                          ctx)


@router.get("/assessments")
async def list_assessments(request: Request, country: str = Depends(served_country), page: Page = Depends(),
                           status: str | None = None, factory_id: str | None = None) -> dict:
    q = select(assessments).where(assessments.c.country == country)
    if status:
        q = q.where(assessments.c.status == status)
    if factory_id:
        q = q.where(assessments.c.factory_id == factory_id)
    async with _service(request).db.read() as conn:
        out = await page.fetch(conn, q.order_by(assessments.c.scheduled_date, assessments.c.assessment_id))
    out["items"] = [_assessment_row(r) for r in out["items"]]
    return out


def _assessment_row(r: dict) -> dict:
    return json_columns(r, "assessors", "sections", "needs_profile", "demographics", "policy_flags")


@router.get("/assessments/{assessment_id}")
async def get_assessment(request: Request, assessment_id: str, country: str = Depends(served_country),
                         lang: str = Depends(answer_language)) -> dict:
    """The assessment, with its ETag (its stream version, for If-Match); the needs profile's areas named in the
    caller's language (Accept-Language) beside their codes."""
    db = _service(request).db
    row = _assessment_row(await one_in_country(db, assessments, assessments.c.assessment_id, assessment_id,
                                               country, "assessment"))
    if row.get("needs_profile"):
        areas, texts = menu().areas, texts_of(request)
        row["needs_profile"] = [{**n, "name": texts(lang, areas.get(n["area"], n["area"]))}
                                for n in row["needs_profile"]]
    response = versioned(row, row["version"])
    response.headers.update(speaking(lang))
    return response  # type: ignore[return-value] - FastAPI passes a Response on as it is


@router.get("/worklist")
async def worklist(request: Request, country: str = Depends(served_country),
                   today: IsoDate | None = Query(None, description="YYYY-MM-DD; defaults to the current date"),
                   horizon_days: int = Query(14, ge=0, le=365)) -> dict:
    """Assessments not yet completed: overdue (scheduled before today) and due
    (within the horizon)."""
    from datetime import timedelta

    today = today or date.today()
    q = select(assessments).where(assessments.c.country == country, assessments.c.status != "completed") \
        .order_by(assessments.c.scheduled_date, assessments.c.assessment_id)
    async with _service(request).db.read() as conn:
        rows = [_assessment_row(dict(r._mapping)) for r in await conn.execute(q)]
    return {"today": today.isoformat(),
            "overdue": [r for r in rows if r["scheduled_date"] < today],
            "due": [r for r in rows if today <= r["scheduled_date"] <= today + timedelta(days=horizon_days)]}


@router.get("/indicators")
async def country_indicators(request: Request, country: str = Depends(served_country)) -> dict:
    """Indicators pooled over the country's assessed factories (numerators and
    denominators summed; suppressed factory figures are left out)."""
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(select(factory_indicators).where(factory_indicators.c.country == country))).all()
    pooled: dict[str, dict[str, Any]] = {}
    for r in rows:
        p = pooled.setdefault(r.indicator, {"numerator": 0, "denominator": 0, "factories": 0})
        if not r.suppressed and r.denominator:
            p["numerator"] += r.numerator
            p["denominator"] += r.denominator
            p["factories"] += 1
    out = {}
    for name, p in sorted(pooled.items()):
        if p["denominator"] < 5:
            out[name] = {"suppressed": True}
        elif name.startswith("mean_"):
            out[name] = {"value": round(p["numerator"] / p["denominator"], 3), **p}
        else:
            out[name] = {"value": round(p["numerator"] / p["denominator"], 4), **p}
    factories_assessed = len({r.factory_id for r in rows})
    return {"country": country, "factories_assessed": factories_assessed, "indicators": out}


@router.get("/factories/{factory_id}/indicators")
async def factory_indicator_list(request: Request, factory_id: str, country: str = Depends(served_country)) -> dict:
    async with _service(request).db.read() as conn:
        rows = (await conn.execute(select(factory_indicators).where(
            factory_indicators.c.factory_id == factory_id, factory_indicators.c.country == country)
            .order_by(factory_indicators.c.indicator))).all()
    if not rows:
        raise NotFound("indicators of factory", factory_id)
    return {"factory_id": factory_id, "assessment_id": rows[0].assessment_id, "indicators": {
        r.indicator: ({"suppressed": True} if r.suppressed else
                      {"value": r.value, "numerator": r.numerator, "denominator": r.denominator}) for r in rows}}


survey_router = APIRouter(tags=["assessment"])


@survey_router.get("/checklist")
async def get_checklist(request: Request, lang: str = Depends(answer_language)) -> dict:
    """The policies-and-systems checklist an assessment answers (PUT .../policies): each item's code, its label
    and its need area's name in the caller's language (Accept-Language), its group and whether it asks for days."""
    cl, areas, texts = checklist(), menu().areas, texts_of(request)
    return {"version": cl.version, "items": [
        {"id": i.id, "label": texts(lang, i.label), "group": i.group, "area": i.area,
         "area_name": texts(lang, areas[i.area]), "asks_days": i.asks_days} for i in cl.items.values()]}


@survey_router.get("/survey-instruments/{version}")
async def get_instrument(version: int, lang: str = Query("en", description="en, zh, bn, vi or tr")) -> dict:
    return instrument(version).render(lang)


declare_errors(router, survey_router)
