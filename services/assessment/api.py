"""HTTP API of the assessment service, for country teams, under /{country}."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select

from services.assessment.domain.assessment import Assessment, SurveyLog
from services.assessment.domain.factory import Factory
from services.assessment.domain.survey import instrument
from services.assessment.projections import assessments, factories, factory_indicators
from shared.aggregate import DomainError, NotFound
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
from shared.application import Repository
from shared.contracts.assessment import Demographics, Finding, PolicyAnswer
from shared.contracts.envelope import Envelope
from shared.logging import current_correlation, new_correlation_id
from shared.store.eventstore import ConcurrencyError

router = APIRouter(prefix="/{country}", tags=["assessment"])
IDENT = r"^[A-Za-z0-9_.-]+$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterFactory(Body):
    factory_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    name: str = Field(min_length=1, max_length=300)
    supplier: str = Field(min_length=1, max_length=300)
    region: str = Field(min_length=1, max_length=200)
    sector: str = Field(min_length=1, max_length=100, examples=["garment", "toys"])
    buyers: list[str] = Field(min_length=1, max_length=50)
    headcount: int = Field(ge=0, le=1_000_000)

    @field_validator("buyers")
    @classmethod
    def _buyers(cls, v: list[str]) -> list[str]:
        if any(not b.strip() for b in v):
            raise ValueError("buyer names must not be empty")
        return v


class UpdateFactory(Body):
    name: str | None = Field(None, min_length=1, max_length=300)
    supplier: str | None = Field(None, min_length=1, max_length=300)
    region: str | None = Field(None, min_length=1, max_length=200)
    sector: str | None = Field(None, min_length=1, max_length=100)
    buyers: list[str] | None = Field(None, min_length=1, max_length=50)
    headcount: int | None = Field(None, ge=0, le=1_000_000)


class Reason(Body):
    reason: str = Field(min_length=1, max_length=2000)


class ScheduleAssessment(Body):
    assessment_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    factory_id: str = Field(min_length=1, max_length=100)
    scheduled_date: date
    assessors: list[str] = Field(min_length=1, max_length=20)
    survey_version: int = Field(1, ge=1)


class Amendable(Body):
    reason: str | None = Field(None, max_length=2000, description="required once the assessment is completed")


class RecordPolicies(Amendable):
    items: dict[str, PolicyAnswer]


class RecordDemographics(Amendable):
    demographics: Demographics


class RecordFindings(Amendable):
    findings: list[Finding] = Field(max_length=200)


class SurveyResponse(Body):
    response_id: str = Field(min_length=1, max_length=100, pattern=IDENT,
                             description="made by the client, so that a resent response is recorded once")
    language: str = Field(min_length=2, max_length=5)
    answers: dict[str, str | int | list[str]]


class Complete(Body):
    completed_on: date


def _service(request: Request):  # noqa: ANN202
    return request.app.state.service


def factories_repo(request: Request) -> Repository[Factory]:
    return Repository(_service(request).store, Factory)


def assessments_repo(request: Request) -> Repository[Assessment]:
    return Repository(_service(request).store, Assessment)




# -- factories ---------------------------------------------------------------------


@router.post("/factories", status_code=201)
async def register_factory(body: RegisterFactory, country: str = Depends(served_country), who: str = Depends(actor),
                           key: str | None = Depends(idempotency_key),
                           repo: Repository[Factory] = Depends(factories_repo)) -> dict[str, Any]:
    f, res = await repo.execute(body.factory_id, lambda f: f.register(**body.model_dump(exclude={"factory_id"})),
                                actor=who, country=country, idempotency_key=key, create=True)
    return {"factory_id": body.factory_id, "version": res.version, "replayed": res.replayed}


@router.patch("/factories/{factory_id}")
async def update_factory(factory_id: str, body: UpdateFactory, country: str = Depends(served_country),
                         who: str = Depends(actor), version: int | None = Depends(expected_version),
                         repo: Repository[Factory] = Depends(factories_repo)) -> dict[str, Any]:
    _, res = await repo.execute(factory_id, lambda f: f.update(**body.model_dump()), actor=who, country=country,
                                guard=in_country(country, "factory"),
                                expected_version=version)
    return {"factory_id": factory_id, "version": res.version}


@router.post("/factories/{factory_id}/archive")
async def archive_factory(factory_id: str, body: Reason, country: str = Depends(served_country),
                          who: str = Depends(actor), repo: Repository[Factory] = Depends(factories_repo)) -> dict:
    _, res = await repo.execute(factory_id, lambda f: f.archive(body.reason), actor=who, country=country,
                                guard=in_country(country, "factory"))
    return {"factory_id": factory_id, "version": res.version, "status": "archived"}


def _factory_row(r: dict) -> dict:
    return json_columns(r, "buyers", "needs_profile")


@router.get("/factories")
async def list_factories(request: Request, country: str = Depends(served_country), page: Page = Depends(),
                         sector: str | None = None, buyer: str | None = None, status: str | None = None,
                         region: str | None = None) -> dict:
    q = select(factories).where(factories.c.country == country)
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
    db = _service(request).db
    return _factory_row(await one_in_country(db, factories, factories.c.factory_id, factory_id, country, "factory"))


# -- assessments ---------------------------------------------------------------------


@router.post("/assessments", status_code=201)
async def schedule_assessment(body: ScheduleAssessment, country: str = Depends(served_country),
                              who: str = Depends(actor), key: str | None = Depends(idempotency_key),
                              repo: Repository[Assessment] = Depends(assessments_repo),
                              frepo: Repository[Factory] = Depends(factories_repo)) -> dict:
    factory = await frepo.get(body.factory_id, required=False)
    if factory.version == 0 or factory.country != country:
        raise DomainError(f"no factory {body.factory_id} in {country}", field="factory_id", rule="known_factory")
    if factory.archived:
        raise DomainError(f"factory {body.factory_id} is archived", field="factory_id", rule="active_factory")
    _, res = await repo.execute(
        body.assessment_id, lambda a: a.schedule(factory_id=body.factory_id, scheduled_date=body.scheduled_date,
                                                 assessors=body.assessors, survey_version=body.survey_version),
        actor=who, country=country, idempotency_key=key, create=True)
    return {"assessment_id": body.assessment_id, "version": res.version, "replayed": res.replayed}


async def _responses(request: Request, assessment_id: str) -> list[dict]:
    events = await _service(request).store.load(SurveyLog.stream_id(assessment_id))
    return [e.payload["answers"] for e in events]


async def _record(request: Request, assessment_id: str, country: str, who: str, version: int | None,
                  decide) -> dict:  # noqa: ANN001
    amended = False

    async def run(agg: Assessment) -> None:
        nonlocal amended
        amended = agg.status == "completed"  # recording a section again: an amendment
        responses = await _responses(request, assessment_id) if amended else []
        decide(agg)
        agg.amend_outputs(responses)

    _, res = await assessments_repo(request).execute(assessment_id, run, actor=who, country=country,
                                                     expected_version=version, guard=in_country(country, "assessment"))
    return {"assessment_id": assessment_id, "version": res.version, "amended": amended}


@router.put("/assessments/{assessment_id}/policies")
async def record_policies(request: Request, assessment_id: str, body: RecordPolicies,
                          country: str = Depends(served_country), who: str = Depends(actor),
                          version: int | None = Depends(expected_version)) -> dict:
    return await _record(request, assessment_id, country, who, version,
                         lambda a: a.record_policies(body.items, country, body.reason))


@router.put("/assessments/{assessment_id}/demographics")
async def record_demographics(request: Request, assessment_id: str, body: RecordDemographics,
                              country: str = Depends(served_country), who: str = Depends(actor),
                              version: int | None = Depends(expected_version)) -> dict:
    return await _record(request, assessment_id, country, who, version,
                         lambda a: a.record_demographics(body.demographics, body.reason))


@router.put("/assessments/{assessment_id}/management")
async def record_findings(request: Request, assessment_id: str, body: RecordFindings,
                          country: str = Depends(served_country), who: str = Depends(actor),
                          version: int | None = Depends(expected_version)) -> dict:
    return await _record(request, assessment_id, country, who, version,
                         lambda a: a.record_findings(body.findings, body.reason))


def _response_event_id(assessment_id: str, response_id: str) -> uuid.UUID:
    """The same response always gets the same event id, whichever way it is sent."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"wecare:survey:{assessment_id}:{response_id}")


async def _append_responses(request: Request, a: Assessment, country: str, who: str,
                            responses: list[SurveyResponse], key: str | None) -> tuple[int, int]:
    """Validate every response first (nothing is stored if one is bad), skip
    the ones already recorded, append the rest at the end of the survey stream.
    Returns (recorded now, responses in the survey)."""
    store = _service(request).store
    cid, cause = current_correlation()
    stream = SurveyLog.stream_id(a.id)
    envs = []
    for i, body in enumerate(responses):
        try:
            e = SurveyLog.response(a, body.response_id, body.language, body.answers)
        except DomainError as err:
            if len(responses) > 1 and err.field and err.field != "assessment_id":
                err.field = f"responses.{i}.{err.field}"
            raise
        envs.append(Envelope.wrap(e, stream_id=stream, stream_version=1, country=country, actor=who,
                                  correlation_id=cid or new_correlation_id(), causation_id=cause,
                                  event_id=_response_event_id(a.id, body.response_id)))
    for _ in range(3):  # a concurrent copy of the same batch may win the race: look again
        seen = await store.existing_ids([e.event_id for e in envs])
        fresh = [e for e in envs if e.event_id not in seen]
        if not fresh:
            return 0, await store.version(stream)
        try:
            res = await store.append(stream, None, fresh, idempotency_key=key)
            return (0 if res.replayed else len(fresh)), res.version
        except ConcurrencyError:
            continue
    raise ConcurrencyError(stream, -1, await store.version(stream))


@router.post("/assessments/{assessment_id}/survey-responses", status_code=201)
async def record_response(request: Request, assessment_id: str, body: SurveyResponse,
                          country: str = Depends(served_country), who: str = Depends(actor)) -> dict:
    a = await assessments_repo(request).get(assessment_id)
    in_country(country, "assessment")(a)
    recorded, total = await _append_responses(request, a, country, who, [body], None)
    return {"response_id": body.response_id, "recorded": bool(recorded), "responses": total}


class SurveyBatch(Body):
    responses: list[SurveyResponse] = Field(min_length=1, max_length=500)


@router.post("/assessments/{assessment_id}/survey-responses/batch", status_code=201)
async def record_responses(request: Request, assessment_id: str, body: SurveyBatch,
                           country: str = Depends(served_country), who: str = Depends(actor),
                           key: str | None = Depends(idempotency_key)) -> dict:
    """Responses captured offline, sent together (up to 500). Sending the same
    batch again, or responses already sent one by one, records nothing twice."""
    ids = [r.response_id for r in body.responses]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise DomainError(f"response ids repeated in the batch: {', '.join(dup)}", field="responses",
                          rule="unique_response_id", items=dup)
    a = await assessments_repo(request).get(assessment_id)
    in_country(country, "assessment")(a)
    recorded, total = await _append_responses(request, a, country, who, body.responses, key)
    return {"received": len(body.responses), "recorded": recorded, "responses": total}


@router.post("/assessments/{assessment_id}/complete")
async def complete(request: Request, assessment_id: str, body: Complete, country: str = Depends(served_country),
                   who: str = Depends(actor), version: int | None = Depends(expected_version)) -> dict:
    async def run(a: Assessment) -> None:
        a.complete(await _responses(request, assessment_id), body.completed_on)

    agg, res = await assessments_repo(request).execute(
        assessment_id, run, actor=who, country=country, expected_version=version,
        guard=in_country(country, "assessment"))
    return {"assessment_id": assessment_id, "version": res.version, "status": agg.status}


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
async def get_assessment(request: Request, assessment_id: str, country: str = Depends(served_country)) -> dict:
    db = _service(request).db
    return _assessment_row(await one_in_country(db, assessments, assessments.c.assessment_id, assessment_id,
                                                country, "assessment"))


@router.get("/worklist")
async def worklist(request: Request, country: str = Depends(served_country),
                   today: date | None = Query(None, description="defaults to the current date"),
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


@survey_router.get("/survey-instruments/{version}")
async def get_instrument(version: int, lang: str = Query("en", description="en, zh, bn, vi or tr")) -> dict:
    return instrument(version).render(lang)
