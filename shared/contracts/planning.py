"""Published contracts of the planning context: programmes a buyer sponsors,
and each factory's action plan (activities from the service menu, milestones,
KPIs with a baseline and a target), its approval, revisions and kick-off."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from shared.contracts.registry import DomainEvent, registry
from shared.contracts.values import Amount, Code, Strict, refusal

MAX_ACTIVITIES = 50  # activities in one plan
MAX_MILESTONES = 100
MAX_KPIS = 50

CONTEXT = "planning"
event = registry.event


class PlannedActivity(Strict):
    activity: str = Field(min_length=1, max_length=100, description="activity code of the service menu")
    cohort_size: int | None = Field(None, ge=1, le=10_000, description="participants, for activities with a cohort")
    need: str | None = Field(None, max_length=100, description="the need area it answers")


class Milestone(Strict):
    name: str = Field(min_length=1, max_length=300)
    due: date
    activities: list[Code] = Field(default_factory=list, max_length=50)


class Kpi(Strict):
    indicator: str = Field(min_length=1, max_length=100)
    baseline: Amount
    target: Amount
    source: str = Field("assessment", max_length=100, description="where the baseline comes from")


class PlanContent(Strict):
    """What a revision of a plan says."""

    activities: list[PlannedActivity]
    milestones: list[Milestone]
    kpis: list[Kpi]
    credits_used: int
    catalogue_version: int
    # v2 of the plan events: KPIs of a plan written before inputs were bounded whose baseline or
    # target cannot be read (NaN or Infinity, stored as null): left out of `kpis`, named here
    refused: dict[str, str] = Field(default_factory=dict)


@event(CONTEXT)
class ProgrammeCreated(DomainEvent):
    """A buyer sponsors WeCare for factories over a period. Recorded once per
    country of the programme, with that country's factories and share."""

    programme_id: str
    name: str
    buyer: str
    countries: list[str]
    starts_on: date
    ends_on: date
    credits_per_factory: int
    factories: list[str]  # in this event's country
    factories_total: int
    price_per_factory: int
    currency: str
    contract_value: int  # the whole programme
    country_value: int  # this country's factories


@event(CONTEXT, version=2)
class PlanDrafted(DomainEvent):
    """A factory's action plan was drafted: suggested from its needs profile,
    or written by the country team."""

    plan_id: str
    programme_id: str
    factory_id: str
    revision: int
    content: PlanContent
    credits_budget: int
    suggested: bool
    assessment_id: str | None = None
    explanation: list[str] = Field(default_factory=list)


@event(CONTEXT, version=2)
class PlanEdited(DomainEvent):
    """The country team changed a plan not yet approved."""

    plan_id: str
    revision: int
    content: PlanContent
    note: str | None = None


@event(CONTEXT, version=2)
class PlanApproved(DomainEvent):
    """Factory management approved a revision of the plan: its activities,
    milestones and KPI targets are what delivery and evaluation work to."""

    plan_id: str
    programme_id: str
    factory_id: str
    revision: int
    content: PlanContent
    approved_by: str
    approved_on: date


@event(CONTEXT, version=2)
class PlanRevised(DomainEvent):
    """An approved plan changed: a new revision that needs approval again."""

    plan_id: str
    programme_id: str
    factory_id: str
    revision: int
    content: PlanContent
    reason: str


@event(CONTEXT)
class KickOffHeld(DomainEvent):
    """The formal kick-off that opens the plan's delivery."""

    plan_id: str
    programme_id: str
    factory_id: str
    held_on: date
    participants: int
    facilitators: list[str]
    note: str | None = None


def _readable_kpis_v1(p: dict[str, Any]) -> dict[str, Any]:
    """v1 -> v2 of the plan events: a KPI whose baseline or target cannot be
    read leaves the plan's KPIs and is named in content.refused."""
    content = dict(p["content"])
    kept, refused = [], {}
    for i, kpi in enumerate(content.get("kpis") or []):
        why = {f: refusal(kpi.get(f)) for f in ("baseline", "target")}
        for f, reason in why.items():
            if reason:
                refused[f"kpis.{kpi.get('indicator', i)}.{f}"] = reason
        if not any(why.values()):
            kept.append(kpi)
    return {**p, "content": {**content, "kpis": kept, "refused": refused}}


for _name in ("PlanDrafted", "PlanEdited", "PlanApproved", "PlanRevised"):
    registry.upcaster(CONTEXT, _name, from_version=1)(_readable_kpis_v1)
