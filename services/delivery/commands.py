"""The delivery service's commands: one class per state change, named as a
verb. A command is the whole input; who asks, where and on which version is
the CommandContext's.

Local times are written as the field team reads them (no zone); the
handlers store them in UTC by the plan's country's time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from shared.application import Command
from shared.contracts.delivery import AgeBand, Role, Sex
from shared.contracts.planning import MAX_ACTIVITIES, MAX_MILESTONES, Milestone, PlannedActivity
from shared.contracts.values import MAX_INT, Code, Name, PastDate, PlanId, Strict

IDENT = r"^[A-Za-z0-9_.:-]+$"


def _field_year(t: datetime) -> datetime:
    if not 2000 <= t.year <= 2100:  # also keeps the conversion to UTC inside the calendar
        raise ValueError("must be a time between the years 2000 and 2100")
    return t


# A time as the country team writes it: the country's local time (no zone), or with an offset.
FieldTime = Annotated[datetime, AfterValidator(_field_year),
                      Field(description="local time in the country (no zone), or with an offset")]


class Value(Strict):
    """A part of a command (a count, a person, a session in a batch)."""


class Count(Value):
    role: Role
    sex: Sex
    age_band: AgeBand
    count: int = Field(ge=0, le=100_000)


class Person(Value):
    id: str = Field(min_length=1, max_length=100, pattern=IDENT, description="pseudonymous, stable across sessions")
    role: Role
    sex: Sex
    age_band: AgeBand


class Attendance(Value):
    delivered_at: FieldTime
    counts: list[Count] = Field(default_factory=list, max_length=200, description="people without an id")
    participants: list[Person] = Field(default_factory=list, max_length=2000, description="people with an id")
    trainers: list[Name] | None = Field(None, max_length=20, description="who delivered it, if not as scheduled")


class SessionDetails(Value):
    session_id: str = Field(min_length=1, max_length=100, pattern=IDENT, description="made by the client")
    activity: str = Field(min_length=1, max_length=100)
    local_start: FieldTime
    venue: str | None = Field(None, max_length=300)
    online: bool = False
    trainers: list[Name] = Field(min_length=1, max_length=20)
    capacity: int = Field(ge=1, le=10_000)
    expected_participants: int = Field(ge=0, le=10_000)


class FieldSession(SessionDetails):
    """A session as captured offline: scheduled and, if it took place, delivered."""

    attendance: Attendance | None = None


# -- commands --------------------------------------------------------------------------


class OnPlan(Command):
    """A decision on one plan's delivery. Every decision of the Delivery
    aggregate carries a key, so deciding again on a newer state (after a
    concurrent write by another field team or replica) records nothing twice:
    these commands take the shared conflict-retry policy."""

    retry_on_conflict = True
    plan_id: PlanId  # from the path: looked up, not made (an unknown one is not found)


class ReceiveWorkPlan(Command):
    """An approved plan revision becomes (or updates) the factory's work plan
    (a reaction's command)."""

    plan_id: PlanId
    programme_id: Code
    factory_id: Code
    revision: int = Field(ge=1, le=MAX_INT)
    catalogue_version: int = Field(ge=1, le=MAX_INT)
    activities: list[PlannedActivity] = Field(max_length=MAX_ACTIVITIES)
    milestones: list[Milestone] = Field(max_length=MAX_MILESTONES)


class ScheduleSession(OnPlan, SessionDetails):
    pass


class RescheduleSession(OnPlan):
    session_id: Code
    local_start: FieldTime
    reason: str = Field(min_length=1, max_length=2000)


class CancelSession(OnPlan):
    session_id: Code
    reason: str = Field(min_length=1, max_length=2000)


class RecordAttendance(OnPlan, Attendance):
    """The session took place: who came."""

    session_id: Code


class RecordFieldBatch(OnPlan):
    """Sessions captured offline, with the client's ids: all are recorded or none."""

    sessions: list[FieldSession] = Field(min_length=1, max_length=100)


class CompleteActivity(OnPlan):
    activity: Code
    completed_on: PastDate


class ReachMilestone(OnPlan):
    milestone: str = Field(min_length=1, max_length=300)
    reached_on: PastDate


class OpenFacility(OnPlan):
    facility_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    kind: Literal["child_friendly_space", "after_school_centre"]
    opened_on: PastDate
    capacity: int = Field(ge=1, le=10_000)


class RecordFacilityMonth(OnPlan):
    facility_id: Code
    month: str = Field(max_length=7, pattern=r"^\d{4}-\d{2}$", examples=["2026-07"])
    days_open: int = Field(ge=0, le=31)
    children_served: int = Field(ge=0, le=100_000)


class OpenConsultingCase(OnPlan):
    case_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
    category: Literal["financial", "psychological", "legal", "emergency", "other"]
    opened_on: PastDate
    details: str = Field(min_length=1, max_length=10_000,
                         description="confidential to the country team: stored sealed with the case's own key")


class ForgetConsultingCase(OnPlan):
    """Erase a case's details: its key is deleted (the category and date stay)."""

    case_id: str = Field(min_length=1, max_length=100, pattern=IDENT)
