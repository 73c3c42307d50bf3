"""Published contracts of the evaluation context: the endline and the impact
against the baseline, the sustainability plan and its follow-ups, the
closing of a factory's cycle, and communications assets with their consent
(who consented stays private; a withdrawal is published so that every
consumer drops the asset)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from shared.contracts.registry import DomainEvent, registry
from shared.contracts.values import Amount, Strict, measured

CONTEXT = "evaluation"
event = registry.event

METRICS: dict[str, str] = {  # endline metrics: rates in % (0-100) unless the label says otherwise
    "retention_rate": "Retention (%)",
    "turnover_rate": "Turnover (%)",
    "absenteeism_rate": "Absenteeism (%)",
    "maternity_return_rate": "Return to work after maternity (%)",
    "worker_satisfaction": "Workers satisfied (%)",
    "parenting_confidence": "Parenting confidence (mean, 1-5)",
    "recruitment_cost_per_hire": "Recruitment cost per hire (USD)",
}
LOWER_IS_BETTER = frozenset({"turnover_rate", "absenteeism_rate", "recruitment_cost_per_hire"})


class Comparison(Strict):
    metric: str
    baseline: float | None  # None: no baseline was measured
    baseline_source: str | None  # "assessment" or "factory records"
    endline: float
    change: float | None
    improved: bool | None


class KpiResult(Strict):
    indicator: str
    baseline: float
    target: float
    endline: float | None
    achievement: float | None  # share of the way from baseline to target (1.0 = target met)
    achieved: bool | None


class Practice(Strict):
    practice: str = Field(min_length=1, max_length=300)
    owner: str = Field(min_length=1, max_length=200)
    due: date


class Consent(Strict):
    scope: list[Literal["internal", "buyer_reports", "public"]]
    expires_on: date
    minor: bool


@event(CONTEXT, version=2)
class EndlineRecorded(DomainEvent):
    plan_id: str
    factory_id: str
    measured_on: date
    respondents: int  # of the follow-up survey
    metrics: dict[str, Amount]
    kpi_values: dict[str, Amount]
    # workforce figures the assessment did not measure, from the factory's records of the baseline period
    baseline_records: dict[str, Amount] = Field(default_factory=dict)
    # v2: values of an endline recorded before inputs were bounded that cannot be read
    # (NaN or Infinity, stored as null): left out above, named here as field.key with the reason
    refused: dict[str, str] = Field(default_factory=dict)


@registry.upcaster(CONTEXT, "EndlineRecorded", from_version=1)
def _endline_v1(p: dict[str, Any]) -> dict[str, Any]:
    refused: dict[str, str] = {}
    for f in ("metrics", "kpi_values", "baseline_records"):
        p[f] = measured(p.get(f), f, refused)
    return {**p, "refused": refused}


@event(CONTEXT)
class ImpactEvaluated(DomainEvent):
    """The impact of a factory's cycle against its baseline."""

    plan_id: str
    programme_id: str
    factory_id: str
    buyer: str
    baseline_on: date
    endline_on: date
    respondents: int | None  # None: fewer than 5 (survey figures suppressed)
    comparisons: list[Comparison]
    kpis: list[KpiResult]


@event(CONTEXT)
class SustainabilityPlanAgreed(DomainEvent):
    plan_id: str
    factory_id: str
    workshop_on: date
    participants: int
    practices: list[Practice]


@event(CONTEXT)
class FollowUpRecorded(DomainEvent):
    plan_id: str
    practice: str
    checked_on: date
    status: Literal["continued", "partly", "stopped"]
    note: str | None = None


@event(CONTEXT)
class ProgrammeClosed(DomainEvent):
    """A factory's WeCare cycle is closed: evaluated, with a sustainability plan."""

    plan_id: str
    programme_id: str
    factory_id: str
    closed_on: date


@event(CONTEXT, version=2)
class AssetRecorded(DomainEvent):
    """A story, photo or video of the communications package, usable within its consent."""

    asset_id: str
    plan_id: str
    factory_id: str
    kind: Literal["story", "photo", "video"]
    title: str  # sealed with the person's key (shared/privacy.py), like the caption
    uri: str  # sealed too: a file name can name a person
    consent: Consent
    # the person the asset is about, whose consent it is: their pseudonym (random, kept with
    # their key and deleted with it), never their id; it links the asset to their PersonForgotten only
    person: str
    caption: str  # may name people: sealed with the person's key


@registry.upcaster(CONTEXT, "AssetRecorded", from_version=1)
def _asset_v1(p: dict[str, Any]) -> dict[str, Any]:
    """v1 named the person by their id, and had the title and uri in the clear (as
    recorded: a key moved from v1 has that id as its pseudonym, so forgets still match)."""
    p["person"] = p.pop("person_id")
    return p


@event(CONTEXT, version=2)
class PersonForgotten(DomainEvent):
    """A person asked to be forgotten: their key is deleted, so nothing sealed
    with it can be read again, and every read model drops them. A tombstone:
    every start re-applies it to the key store (shared/privacy.py)."""

    forgets: ClassVar[str] = "person"  # the field naming the pseudonym whose key a forget deletes
    person: str  # the pseudonym (as in AssetRecorded), never the person's id
    forgotten_on: date


@registry.upcaster(CONTEXT, "PersonForgotten", from_version=1)
def _forgotten_v1(p: dict[str, Any]) -> dict[str, Any]:
    p["person"] = p.pop("person_id")
    return p


@event(CONTEXT)
class ConsentWithdrawn(DomainEvent):
    """Consent was withdrawn: the asset leaves every report and feed."""

    asset_id: str
    plan_id: str
    withdrawn_on: date
