"""The buyers' feed: what a brand's compliance system receives about its
programmes, as CloudEvents 1.0 (structured JSON mode), read with a cursor or
delivered as signed webhooks. Only aggregates leave: counts of people under
5 are suppressed, nobody is named, and a buyer sees only the factories of
its own programmes.

Each record type has a data model here; `schemas()` generates the JSON
Schema of each whole record from them (and of the portfolio export's row)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

from shared.contracts.figures import FactoryFigures

PREFIX = "org.wecare."


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme_id: str
    country: str
    factory_id: str


class AssessmentCompletedData(Data):
    factory_name: str | None
    assessment_id: str
    completed_on: date
    headcount: int | None = Field(description="None: hidden (shared.disclosure: a split by sex with a cell under "
                                  "5 that no other choice protects)")
    headcount_female: int | None = Field(description="None: hidden (under 5, or what would give a cell under 5)")
    headcount_male: int | None = Field(description="None: hidden (under 5, or what would give a cell under 5)")
    needs: list[str] = Field(description="need areas found, most severe first")


class KpiTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    indicator: str
    baseline: float
    target: float


class PlanApprovedData(Data):
    plan_id: str
    revision: int
    approved_on: date
    activities: list[str]
    credits: int
    milestones: list[dict[str, Any]] = Field(description="[{name, due}]")
    kpis: list[KpiTarget]


class MilestoneReachedData(Data):
    plan_id: str
    milestone: str
    due: date
    reached_on: date
    on_time: bool


class SessionDeliveredData(Data):
    plan_id: str
    session_id: str
    activity: str
    training: bool
    delivered_on: date
    online: bool
    attendances: int | None
    workers_reached: int | None
    workers_reached_female: int | None
    workers_reached_male: int | None
    suppressed: list[str] = Field(description="figures blanked: under 5 people")


class ImpactEvaluatedData(Data):
    plan_id: str
    baseline_on: date
    endline_on: date
    retention_baseline: float | None
    retention_endline: float | None
    retention_change: float | None
    kpis_met: int
    kpis_measured: int
    comparisons: list[dict[str, Any]] = Field(description="[{metric, baseline, endline, change, improved}]")


class ProgrammeClosedData(Data):
    plan_id: str
    closed_on: date


class FactoryIdentifiedData(Data):
    """The identifiers a buyer joins the factory on in its own systems, as
    they now are (sent at registration when known, and whenever one is set
    or corrected; None: none known)."""

    factory_name: str | None
    os_id: str | None = Field(description="Open Supply Hub's OS ID, e.g. CN2019303BQ3FZP")
    amfori_id: str | None = Field(description="amfori (BSCI) id")
    sedex_id: str | None = Field(description="Sedex reference (ZS: a site, ZC: a company)")


TYPES: dict[str, type[Data]] = {
    f"{PREFIX}assessment.completed.v1": AssessmentCompletedData,
    f"{PREFIX}plan.approved.v1": PlanApprovedData,
    f"{PREFIX}milestone.reached.v1": MilestoneReachedData,
    f"{PREFIX}session.delivered.v1": SessionDeliveredData,
    f"{PREFIX}impact.evaluated.v1": ImpactEvaluatedData,
    f"{PREFIX}programme.closed.v1": ProgrammeClosedData,
    f"{PREFIX}factory.identified.v1": FactoryIdentifiedData,  # added with #21: a new type, the others unchanged
}
TYPE_OF = {model: t for t, model in TYPES.items()}


class CloudEvent(BaseModel):
    """A feed record: a CloudEvents 1.0 event, with the `sequence` extension
    (the feed position, zero-padded so that it also orders as a string)."""

    model_config = ConfigDict(extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str = Field(description="/wecare/<country>/<context> of the event it comes from")
    type: str
    subject: str = Field(description="factories/<factory_id>")
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str = Field(description="the URL of the JSON Schema of `data` (it answers without a token)")
    sequence: str
    data: dict[str, Any]


# v2 (#21): the factory's identifiers, as three columns after the v1 ones (a reader by position is unaffected)
ROW_TYPE = "org.wecare.portfolio.row.v2"


def sequence(position: int) -> str:
    return f"{position:016d}"


SCHEMAS_PATH = "/feed/schemas"  # of the buyers service: the records' JSON Schemas, and their data's


def dataschema_path(ce_type: str) -> str:
    """Where the buyers service serves the JSON Schema of this type's `data`
    (without a token: schemas are not data)."""
    return f"{SCHEMAS_PATH}/{ce_type}/data.json"


def dataschema_url(public_url: str, ce_type: str) -> str:
    """A record's `dataschema`: an absolute URL (CloudEvents' URI) that answers."""
    return public_url.rstrip("/") + dataschema_path(ce_type)


@cache
def record_model(ce_type: str) -> type[CloudEvent]:
    """The record of this type as a model of its own (its `type` a constant,
    its `data` the type's data model): the contract the feed's page, the
    webhook's body and the documents (OpenAPI `webhooks`, AsyncAPI) share."""
    data = TYPES[ce_type]
    return create_model(
        data.__name__.removesuffix("Data") + "Record", __base__=CloudEvent,
        __doc__=f"A `{ce_type}` feed record: a CloudEvent 1.0 whose `data` is {data.__name__}.",
        type=(Literal[ce_type], Field(description="the record type")),  # type: ignore[valid-type]
        dataschema=(str, Field(description=f"the URL of the JSON Schema of `data`, ending {dataschema_path(ce_type)}; "
                                           "it answers without a token")),
        data=(data, ...))


def record_schema(ce_type: str) -> dict[str, Any]:
    """The JSON Schema of a whole record of this type."""
    out = record_model(ce_type).model_json_schema(mode="serialization")
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["$id"] = f"urn:wecare:schema:{ce_type}"
    out["title"] = ce_type
    return out


def data_schema(ce_type: str, public_url: str) -> dict[str, Any]:
    """The JSON Schema of the `data` of a record of this type, as served at its `dataschema` URL."""
    out = TYPES[ce_type].model_json_schema(mode="serialization")
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["$id"] = dataschema_url(public_url, ce_type)
    out["title"] = f"{ce_type} data"
    return out


def schemas() -> dict[str, dict[str, Any]]:
    """Every feed record's schema, and the portfolio export row's."""
    out = {t: record_schema(t) for t in TYPES}
    row = FactoryFigures.model_json_schema(mode="serialization")
    row["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    row["$id"] = f"urn:wecare:schema:{ROW_TYPE}"
    out[ROW_TYPE] = row
    return out
