"""The planning service's commands: one class per state change, named as a
verb. A command is the whole input; who asks, where and on which version is
the CommandContext's."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from services.planning.domain.rules import KpiRequest
from shared.application import Command
from shared.contracts.assessment import MAX_INDICATORS, MAX_NEEDS, NeedArea
from shared.contracts.planning import Milestone, PlannedActivity
from shared.contracts.values import Amount, Code, Name, PastDate, PlanId

IDENT = r"^[A-Za-z0-9_-]+$"  # no dots: plan and share ids join ids with one


class CreateProgramme(Command):
    programme_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    name: str = Field(min_length=1, max_length=300)
    buyer: str = Field(min_length=1, max_length=300)
    factories: list[Code] = Field(min_length=1, max_length=1000)
    starts_on: date
    ends_on: date | None = Field(None, description="defaults to one year after starts_on (at most three)")
    credits_per_factory: int | None = Field(None, ge=0, le=100, description="defaults to the menu's (10)")


class PlanBody(Command):
    activities: list[PlannedActivity] = Field(max_length=50)
    milestones: list[Milestone] = Field(default_factory=list, max_length=100)
    kpis: list[KpiRequest] = Field(default_factory=list, max_length=50)


class DraftPlan(PlanBody):
    """A plan written by the country team (when no suggested draft exists)."""

    programme_id: str = Field(min_length=1, max_length=100)
    factory_id: str = Field(min_length=1, max_length=100)


class ChangePlan(PlanBody):
    """Edit a draft; or, once approved, a new revision (with a reason)."""

    plan_id: PlanId
    note: str | None = Field(None, max_length=2000)
    reason: str | None = Field(None, max_length=2000, description="required once the plan is approved")


class ApprovePlan(Command):
    plan_id: PlanId
    approved_by: str = Field(min_length=1, max_length=300, description="the factory manager who approves")
    approved_on: PastDate


class HoldKickOff(Command):
    plan_id: PlanId
    held_on: PastDate
    participants: int = Field(ge=1, le=100_000)
    facilitators: list[Name] = Field(min_length=1, max_length=50)
    note: str | None = Field(None, max_length=2000)


class SuggestPlans(Command):
    """A factory has a new baseline: a suggested draft in every programme of its
    country that names it and has no plan for it yet (a reaction's command)."""

    factory_id: Code
    assessment_id: Code
    needs_profile: list[NeedArea] = Field(max_length=MAX_NEEDS)
    indicators: dict[Code, Amount] = Field(max_length=MAX_INDICATORS)
