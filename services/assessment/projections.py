"""Read models of the assessment service, kept per country: factories,
assessments by status (and the worklist derived from it), indicators per
factory (per country is their pooled sum, at query time)."""

from __future__ import annotations

import orjson
from sqlalchemy import Column, Date, Float, Integer, MetaData, String, Table, Text, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.assessment import (
    AssessmentAmended,
    AssessmentCompleted,
    AssessmentScheduled,
    DemographicsRecorded,
    FactoryArchived,
    FactoryIdentifiersSet,
    FactoryRegistered,
    FactoryUpdated,
    ManagementFindingsRecorded,
    PoliciesRecorded,
)
from shared.contracts.envelope import Envelope
from shared.projections import Projection, on
from shared.projections import json_text as dumps
from shared.store.sql import upsert

metadata = MetaData()

factories = Table(
    "factories", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("supplier", String(300), nullable=False),
    Column("region", String(200), nullable=False),
    Column("sector", String(100), nullable=False),
    Column("buyers", Text, nullable=False),  # JSON list
    Column("headcount", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_assessment_id", String(100)),
    Column("needs_profile", Text),  # JSON of the latest completed assessment
    # the identifiers buyers join on (shared/contracts/assessment.py), None: not known
    Column("os_id", String(15), index=True),
    Column("amfori_id", String(30)),
    Column("sedex_id", String(14)),
)

assessments = Table(
    "assessments", metadata,
    Column("assessment_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("factory_id", String(100), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("scheduled_date", Date, nullable=False),
    Column("assessors", Text, nullable=False),
    Column("sections", Text, nullable=False),  # JSON list of sections recorded
    Column("completed_on", Date),
    Column("amendments", Integer, nullable=False),
    Column("respondents", Integer),
    Column("needs_profile", Text),
    Column("demographics", Text),
    Column("policy_flags", Text),
    Column("version", Integer, nullable=False),
)

factory_indicators = Table(
    "factory_indicators", metadata,
    Column("factory_id", String(100), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("country", String(8), nullable=False, index=True),
    Column("assessment_id", String(100), nullable=False),
    Column("value", Float),
    Column("numerator", Integer),
    Column("denominator", Integer),
    Column("suppressed", Integer, nullable=False),
)


class FactoriesView(Projection):
    name = "factories"
    tables = (factories,)

    @on(FactoryRegistered)
    async def registered(self, conn: AsyncConnection, env: Envelope, e: FactoryRegistered) -> None:
        await upsert(conn, factories, {
            "factory_id": e.factory_id, "country": env.country, "name": e.name, "supplier": e.supplier,
            "region": e.region, "sector": e.sector, "buyers": dumps(e.buyers), "headcount": e.headcount,
            "status": "active", "version": env.stream_version, "last_assessment_id": None, "needs_profile": None,
            "os_id": e.os_id, "amfori_id": e.amfori_id, "sedex_id": e.sedex_id,
        }, keys=["factory_id"])

    @on(FactoryIdentifiersSet)
    async def identified(self, conn: AsyncConnection, env: Envelope, e: FactoryIdentifiersSet) -> None:
        await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id).values(
            version=env.stream_version, os_id=e.os_id, amfori_id=e.amfori_id, sedex_id=e.sedex_id))

    @on(FactoryUpdated)
    async def updated(self, conn: AsyncConnection, env: Envelope, e: FactoryUpdated) -> None:
        changes = {k: v for k, v in e.model_dump(exclude={"factory_id"}).items() if v is not None}
        if "buyers" in changes:
            changes["buyers"] = dumps(changes["buyers"])
        await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id)
                           .values(version=env.stream_version, **changes))

    @on(FactoryArchived)
    async def archived(self, conn: AsyncConnection, env: Envelope, e: FactoryArchived) -> None:
        await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id)
                           .values(status="archived", version=env.stream_version))

    @on(AssessmentCompleted, AssessmentAmended)
    async def profiled(self, conn: AsyncConnection, env: Envelope, e: AssessmentCompleted) -> None:
        await conn.execute(update(factories).where(factories.c.factory_id == e.factory_id).values(
            last_assessment_id=e.assessment_id,
            needs_profile=dumps([n.model_dump(mode="json") for n in e.needs_profile])))


class AssessmentsView(Projection):
    name = "assessments"
    tables = (assessments,)

    @on(AssessmentScheduled)
    async def scheduled(self, conn: AsyncConnection, env: Envelope, e: AssessmentScheduled) -> None:
        await upsert(conn, assessments, {
            "assessment_id": e.assessment_id, "country": env.country, "factory_id": e.factory_id,
            "status": "scheduled", "scheduled_date": e.scheduled_date, "assessors": dumps(e.assessors),
            "sections": "[]", "completed_on": None, "amendments": 0, "respondents": None, "needs_profile": None,
            "demographics": None, "policy_flags": None, "version": env.stream_version,
        }, keys=["assessment_id"])

    async def _section(self, conn: AsyncConnection, env: Envelope, assessment_id: str, section: str) -> None:
        row = (await conn.execute(select(assessments.c.sections, assessments.c.status)
                                  .where(assessments.c.assessment_id == assessment_id))).first()
        if row is None:
            raise LookupError(f"assessment {assessment_id} not in the view")
        sections = sorted(set(orjson.loads(row.sections)) | {section})
        status = "in_progress" if row.status == "scheduled" else row.status
        await conn.execute(update(assessments).where(assessments.c.assessment_id == assessment_id)
                           .values(sections=dumps(sections), status=status, version=env.stream_version))

    @on(PoliciesRecorded)
    async def policies(self, conn: AsyncConnection, env: Envelope, e: PoliciesRecorded) -> None:
        await self._section(conn, env, e.assessment_id, "policies")

    @on(DemographicsRecorded)
    async def demographics(self, conn: AsyncConnection, env: Envelope, e: DemographicsRecorded) -> None:
        await self._section(conn, env, e.assessment_id, "demographics")

    @on(ManagementFindingsRecorded)
    async def management(self, conn: AsyncConnection, env: Envelope, e: ManagementFindingsRecorded) -> None:
        await self._section(conn, env, e.assessment_id, "management")

    @on(AssessmentCompleted)
    async def completed(self, conn: AsyncConnection, env: Envelope, e: AssessmentCompleted) -> None:
        await conn.execute(update(assessments).where(assessments.c.assessment_id == e.assessment_id).values(
            status="completed", completed_on=e.completed_on, version=env.stream_version, **self._outputs(e)))

    @on(AssessmentAmended)
    async def amended(self, conn: AsyncConnection, env: Envelope, e: AssessmentAmended) -> None:
        n = await conn.scalar(select(assessments.c.amendments).where(assessments.c.assessment_id == e.assessment_id))
        await conn.execute(update(assessments).where(assessments.c.assessment_id == e.assessment_id).values(
            amendments=(n or 0) + 1, version=env.stream_version, **self._outputs(e)))

    @staticmethod
    def _outputs(e: AssessmentCompleted | AssessmentAmended) -> dict:
        return {"respondents": e.respondents,
                "needs_profile": dumps([n.model_dump(mode="json") for n in e.needs_profile]),
                "demographics": dumps(e.demographics.model_dump(mode="json")),
                "policy_flags": dumps(e.policy_flags)}


class IndicatorsView(Projection):
    name = "indicators"
    tables = (factory_indicators,)

    @on(AssessmentCompleted, AssessmentAmended)
    async def indicators(self, conn: AsyncConnection, env: Envelope, e: AssessmentCompleted) -> None:
        await upsert(conn, factory_indicators, [
            {"factory_id": e.factory_id, "indicator": name, "country": env.country, "assessment_id": e.assessment_id,
             "value": i.value, "numerator": i.numerator, "denominator": i.denominator, "suppressed": int(i.suppressed)}
            for name, i in sorted(e.indicators.items())], keys=["factory_id", "indicator"])


def projections() -> list[Projection]:
    return [FactoriesView(), AssessmentsView(), IndicatorsView()]
