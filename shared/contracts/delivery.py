"""Published contracts of the delivery context: what a factory's approved
plan turned into, sessions delivered with their attendance in aggregate (no
personal data), trainers qualified by a training of trainers, facilities,
activities completed and milestones reached."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal, get_args

from pydantic import Field

from shared.contracts.registry import DomainEvent, registry
from shared.contracts.values import Strict

CONTEXT = "delivery"
event = registry.event

Role = Literal["manager", "supervisor", "worker", "parent_worker", "child"]
Sex = Literal["female", "male"]
AgeBand = Literal["under_16", "16_17", "18_24", "25_34", "35_44", "45_plus"]
ROLES: tuple[str, ...] = ("manager", "supervisor", "worker", "parent_worker", "child")
AGE_BANDS: tuple[str, ...] = get_args(AgeBand)


class ScheduledActivity(Strict):
    activity: str
    name: str
    credits: int
    cohort_role: str | None = None
    cohort_size: int | None = None


class PlannedMilestone(Strict):
    name: str
    due: date
    activities: list[str] = Field(default_factory=list)


def reached(total: int, identified: int, new_people: int) -> int:
    """People reached: the one definition. A delivered session reaches for the
    first time, within its plan, every anonymous attendee (counted as new:
    they cannot be recognised) and every identified attendee not seen at an
    earlier session of the plan. Pooled over sessions, it is the sum of their
    reach (each identified person counted once per plan)."""
    return (total - identified) + new_people


class AttendanceSummary(Strict):
    """A delivered session's attendance in aggregate."""

    @property
    def people_reached(self) -> int:
        return reached(self.total, self.identified, self.new_people)

    total: int
    female: int
    by_role: dict[str, int]
    by_age_band: dict[str, int]
    identified: int  # of the total, people with a pseudonymous id
    new_people: int  # identified people this plan reached for the first time
    new_by_role: dict[str, int]
    # people this activity reached for the first time, by role: the anonymous
    # counts, plus the identified people not at an earlier session of the activity
    activity_reach_by_role: dict[str, int]
    # people the plan reached for the first time, by sex (empty in events recorded before it was added)
    reached_by_sex: dict[str, int] = Field(default_factory=dict)


@event(CONTEXT)
class WorkPlanReceived(DomainEvent):
    """An approved revision of a factory's plan became the work to deliver.
    A later revision replaces what is pending; what was delivered stays."""

    plan_id: str
    programme_id: str
    factory_id: str
    revision: int
    catalogue_version: int
    activities: list[ScheduledActivity]
    milestones: list[PlannedMilestone]
    kept: list[str] = Field(default_factory=list, description="activities delivered already, kept though dropped")
    cancelled_sessions: list[str] = Field(default_factory=list)


@event(CONTEXT)
class SessionScheduled(DomainEvent):
    plan_id: str
    session_id: str
    activity: str
    starts_at: datetime  # UTC
    local_start: str  # as the country team wrote it, in the country's zone
    timezone: str
    venue: str | None
    online: bool
    trainers: list[str]
    capacity: int
    expected_participants: int


@event(CONTEXT)
class SessionRescheduled(DomainEvent):
    plan_id: str
    session_id: str
    starts_at: datetime
    local_start: str
    reason: str


@event(CONTEXT)
class SessionCancelled(DomainEvent):
    plan_id: str
    session_id: str
    reason: str


@event(CONTEXT)
class SessionDelivered(DomainEvent):
    """A session took place: who came, in aggregate."""

    plan_id: str
    programme_id: str
    factory_id: str
    session_id: str
    activity: str
    delivered_at: datetime  # UTC
    online: bool
    trainers: list[str]  # WeCare staff ("wecare:<name>") or factory trainers' pseudonymous ids
    cascade_level: int  # 0: delivered by WeCare staff; 1: by trainers the factory's ToT qualified
    attendance: AttendanceSummary


@event(CONTEXT)
class TrainersQualified(DomainEvent):
    """People trained in a training of trainers became the factory's trainers."""

    plan_id: str
    factory_id: str
    session_id: str
    trainers: list[str]  # pseudonymous ids
    trained_by: list[str]


@event(CONTEXT)
class FacilityOpened(DomainEvent):
    plan_id: str
    factory_id: str
    facility_id: str
    activity: str
    kind: Literal["child_friendly_space", "after_school_centre"]
    opened_on: date
    capacity: int


@event(CONTEXT)
class FacilityMonthRecorded(DomainEvent):
    plan_id: str
    facility_id: str
    month: str  # YYYY-MM
    days_open: int
    children_served: int


@event(CONTEXT)
class ConsultingCaseOpened(DomainEvent):
    """A one-on-one consulting case; its details stay with the country team."""

    plan_id: str
    factory_id: str
    case_id: str
    category: Literal["financial", "psychological", "legal", "emergency", "other"]
    opened_on: date


@event(CONTEXT)
class ConsultingCaseForgotten(DomainEvent):
    """A case's details were erased: the key they were sealed with is deleted.
    A tombstone with no personal data (the key's pseudonym is random), kept
    in JetStream too, so that every start of the delivery service deletes the
    key again whichever of its stores was restored from before the forget."""

    forgets: ClassVar[str] = "key"  # the field naming the pseudonym of the key a forget deletes
    plan_id: str
    case_id: str
    key: str | None  # the pseudonym of the case's key (None: a case noted before keys, in the clear)
    forgotten_on: date


@event(CONTEXT)
class ActivityCompleted(DomainEvent):
    plan_id: str
    programme_id: str
    factory_id: str
    activity: str
    completed_on: date
    sessions: int
    people: int


@event(CONTEXT)
class MilestoneReached(DomainEvent):
    plan_id: str
    programme_id: str
    factory_id: str
    milestone: str
    due: date
    reached_on: date
    on_time: bool
