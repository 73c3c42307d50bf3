"""Events of the assessment context (published, unless private)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from services.assessment import CONTEXT
from services.assessment.domain.models import (
    Demographics,
    DemographicsSummary,
    Finding,
    Indicator,
    NeedArea,
    PolicyAnswer,
)
from shared.contracts.registry import DomainEvent, registry

event = registry.event


@event(CONTEXT)
class FactoryRegistered(DomainEvent):
    """A supplier factory joined the programme in a country."""

    factory_id: str
    name: str
    supplier: str
    region: str
    sector: str
    buyers: list[str]
    headcount: int = Field(ge=0)


@event(CONTEXT)
class FactoryUpdated(DomainEvent):
    """Some of a factory's details changed (only the changed fields are set)."""

    factory_id: str
    name: str | None = None
    supplier: str | None = None
    region: str | None = None
    sector: str | None = None
    buyers: list[str] | None = None
    headcount: int | None = Field(None, ge=0)


@event(CONTEXT)
class FactoryArchived(DomainEvent):
    """The factory left the programme."""

    factory_id: str
    reason: str


@event(CONTEXT)
class AssessmentScheduled(DomainEvent):
    """An on-site needs assessment was scheduled."""

    assessment_id: str
    factory_id: str
    scheduled_date: date
    assessors: list[str]
    survey_version: int
    checklist_version: int


@event(CONTEXT)
class PoliciesRecorded(DomainEvent):
    """The policies-and-systems checklist was recorded (or amended, with a reason)."""

    assessment_id: str
    items: dict[str, PolicyAnswer]
    flags: list[str]
    reason: str | None = None


@event(CONTEXT)
class DemographicsRecorded(DomainEvent):
    """Worker demographics from the factory's records."""

    assessment_id: str
    demographics: Demographics
    reason: str | None = None


@event(CONTEXT)
class ManagementFindingsRecorded(DomainEvent):
    """Findings of the management interview."""

    assessment_id: str
    findings: list[Finding]
    reason: str | None = None


@event(CONTEXT)
class SurveyResponseRecorded(DomainEvent):
    """One anonymous worker's survey answers. Private: never leaves the service."""

    private: ClassVar[bool] = True
    assessment_id: str
    response_id: str
    survey_version: int
    language: str
    answers: dict[str, str | int | list[str]]


@event(CONTEXT)
class AssessmentCompleted(DomainEvent):
    """The assessment is complete: its needs profile, demographics aggregates
    and survey indicators (suppressed below 5 respondents)."""

    assessment_id: str
    factory_id: str
    completed_on: date
    respondents: int | None  # None when fewer than 5
    needs_profile: list[NeedArea]
    demographics: DemographicsSummary
    indicators: dict[str, Indicator]
    policy_flags: list[str]


@event(CONTEXT)
class AssessmentAmended(DomainEvent):
    """A completed assessment was amended; the history stays. Carries the
    recomputed outputs."""

    assessment_id: str
    factory_id: str
    section: str
    reason: str
    respondents: int | None
    needs_profile: list[NeedArea]
    demographics: DemographicsSummary
    indicators: dict[str, Indicator]
    policy_flags: list[str]
