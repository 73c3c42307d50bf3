"""Published contracts of the assessment context: the events other services
read (planning, evaluation, buyers' feeds) and the value objects they carry.
The assessment service owns them; everyone else only reads them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from shared.contracts.registry import DomainEvent, registry
from shared.contracts.values import Code, Strict
from shared.i18n import N_

MAX_PEOPLE = 1_000_000  # workers of one factory, as a factory's headcount is bounded
Headcount = Annotated[int, Field(ge=0, le=MAX_PEOPLE)]
MAX_NEEDS = 50  # need areas of a needs profile
MAX_INDICATORS = 200  # indicators of a baseline

CONTEXT = "assessment"

# The KPIs the needs assessment measures (services/assessment/domain/survey.py), by name: the name people
# read beside the code wherever a KPI is shown (a plan's KPIs, the impact, the reports), translated in the
# kernel's catalogue (shared/locale). All are shares of people (0-1).
KPI_NAMES: dict[str, str] = {
    "share_parents_cannot_afford_basics": N_("Parents who cannot afford basic necessities"),
    "share_separated_parents_feel_guilty": N_("Parents living apart from their children who feel guilty"),
    "share_women_not_returned_after_pregnancy": N_("Women who did not return to work after pregnancy"),
    "share_parents_need_childcare": N_("Parents who would use childcare"),
    "share_paid_recruitment_fee": N_("Workers who paid a recruitment fee"),
    "share_high_stress": N_("Workers highly stressed by work and family"),
}


def kpi_name(code: str) -> str:
    """A KPI's English name (a message id of the catalogues); a KPI without one is its code, spaced."""
    return KPI_NAMES.get(code) or code.replace("_", " ").capitalize()
event = registry.event

Sex = Literal["female", "male"]
AgeBand = Literal["16_17", "18_24", "25_34", "35_44", "45_plus"]
AGE_BANDS: tuple[str, ...] = ("16_17", "18_24", "25_34", "35_44", "45_plus")
PolicyStatus = Literal["in_place", "partial", "missing"]
Severity = Literal["none", "low", "medium", "high"]


class PolicyAnswer(Strict):
    status: PolicyStatus
    days: int | None = Field(None, ge=0, le=1000, description="days of paid leave (paid_maternity_leave only)")
    note: str = Field("", max_length=2000)


class Demographics(Strict):
    """Headcount from the factory's records (counts, no personal data)."""

    headcount: dict[Sex, Annotated[dict[AgeBand, Headcount], Field(max_length=len(AGE_BANDS))]] = Field(
        max_length=2, description="workers by sex and age band, e.g. {'female': {'18_24': 120, ...}, ...}")
    migrant_workers: Headcount
    parent_workers: Headcount
    left_behind_children: Headcount = Field(description="children of workers living apart from their parents")
    maternity_leave_12m: Headcount = Field(0, description="women who took maternity leave in the last 12 months")
    returned_after_maternity_12m: Headcount = Field(0, description="of those, women who came back to work")

    @model_validator(mode="after")
    def _consistent(self) -> Demographics:
        for sex, bands in self.headcount.items():
            for band, n in bands.items():
                if n < 0:
                    raise ValueError(f"headcount.{sex}.{band} must not be negative")
        total = self.total
        if self.migrant_workers > total:
            raise ValueError(f"migrant_workers ({self.migrant_workers}) exceeds the headcount ({total})")
        if self.parent_workers > total:
            raise ValueError(f"parent_workers ({self.parent_workers}) exceeds the headcount ({total})")
        if self.returned_after_maternity_12m > self.maternity_leave_12m:
            raise ValueError("returned_after_maternity_12m exceeds maternity_leave_12m")
        return self

    @property
    def total(self) -> int:
        return sum(n for bands in self.headcount.values() for n in bands.values())

    def by_sex(self, sex: str) -> int:
        return sum(self.headcount.get(sex, {}).values())  # type: ignore[call-overload]

    def by_band(self, band: str) -> int:
        return sum(b.get(band, 0) for b in self.headcount.values())  # type: ignore[call-overload]


class Finding(Strict):
    area: Code = Field(description="a need area of the service menu, e.g. childcare")
    text: str = Field(min_length=1, max_length=4000)
    priority: Literal["low", "medium", "high"] = "medium"


class Indicator(Strict):
    """A share or mean over survey respondents. Below 5 respondents it is
    suppressed: no value and no counts leave the service."""

    value: float | None = None
    numerator: int | None = None
    denominator: int | None = None
    suppressed: bool = False


class DemographicsSummary(Strict):
    headcount: int
    female: int
    male: int
    share_female: float | None
    migrant_workers: int
    parent_workers: int
    left_behind_children: int
    juvenile_workers: int
    young_workers_18_24: int
    maternity_return_rate: float | None


class NeedArea(Strict):
    area: Code
    severity: Severity
    score: int = Field(ge=0, le=3)
    evidence: list[Annotated[str, Field(max_length=1000)]] = Field(max_length=100)
    activities: list[Code] = Field(max_length=100)


# -- the identifiers buyers join on --------------------------------------------------
# Open Supply Hub's OS ID (formerly the Open Apparel Registry's OAR ID): the
# factory's ISO 3166-1 alpha-2 country, 7 digits (the year and day it first
# appeared) and 6 letters or digits (an id and a check), e.g. CN2019303BQ3FZP.
# amfori's (BSCI) and Sedex's formats are not published as rules: accepted
# loosely but bounded (an amfori ID is digits, in groups joined by "-", like
# 156-012345-000; a Sedex reference is ZS (a site) or ZC (a company) and digits).

OS_ID = r"^[A-Z]{2}[0-9]{7}[A-Z0-9]{6}$"
AMFORI_ID = r"^[0-9]{1,15}(-[0-9]{1,15}){0,3}$"
SEDEX_ID = r"^Z[CS][0-9]{4,12}$"
IDENTIFIERS = ("os_id", "amfori_id", "sedex_id")


def _upper(v: Any) -> Any:
    return v.strip().upper() if isinstance(v, str) else v


OsId = Annotated[str, BeforeValidator(_upper), Field(min_length=15, max_length=15, pattern=OS_ID,
                                                     examples=["CN2019303BQ3FZP"],
                                                     description="Open Supply Hub's OS ID: country, 7 digits, "
                                                                 "6 letters or digits")]
AmforiId = Annotated[str, BeforeValidator(_upper), Field(min_length=1, max_length=30, pattern=AMFORI_ID,
                                                         examples=["156-012345-000"],
                                                         description="amfori (BSCI) id: digits, groups joined by -")]
SedexId = Annotated[str, BeforeValidator(_upper), Field(min_length=6, max_length=14, pattern=SEDEX_ID,
                                                        examples=["ZS1234567"],
                                                        description="Sedex reference: ZS (site) or ZC (company) "
                                                                    "and digits")]


def os_id_country(os_id: str) -> str:
    """The country an OS ID names, as the platform writes countries (lower case)."""
    return os_id[:2].lower()


# -- events ------------------------------------------------------------------

@event(CONTEXT, version=2)
class FactoryRegistered(DomainEvent):
    """A supplier factory joined the programme in a country (v2: with the
    identifiers buyers join on, where known)."""

    factory_id: str
    name: str
    supplier: str
    region: str
    sector: str
    buyers: list[str]
    headcount: int = Field(ge=0)
    os_id: str | None = None
    amfori_id: str | None = None
    sedex_id: str | None = None


@registry.upcaster(CONTEXT, "FactoryRegistered", from_version=1)
def _registered_v1(p: dict[str, Any]) -> dict[str, Any]:
    """v1 knew no identifiers: none are known."""
    return {**p, **dict.fromkeys(IDENTIFIERS)}


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
class FactoryIdentifiersSet(DomainEvent):
    """A factory's identifiers were set or corrected: all three as they now
    are (None: none known)."""

    factory_id: str
    os_id: str | None = None
    amfori_id: str | None = None
    sedex_id: str | None = None


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
