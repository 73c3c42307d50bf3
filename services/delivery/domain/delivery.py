"""The Delivery aggregate: everything delivered for one factory's plan, in one
stream (delivery-<plan_id>), so that the rules that span sessions (cohort
limits, people counted once, trainers qualified by an earlier training,
milestones reached when their activities are done) are checked against one
consistent state.

Every decision carries a key (see Aggregate.record): the same session
scheduled or delivered again, as an offline batch sent twice, appends
nothing; the same session id with different content is refused."""

from __future__ import annotations

import hashlib
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import orjson

from services.delivery.domain.events import AttendanceRecorded, ConsultingCaseNoted, Participant
from shared.aggregate import Aggregate, DomainError, NotFound
from shared.contracts.delivery import (
    ActivityCompleted,
    AttendanceSummary,
    ConsultingCaseForgotten,
    ConsultingCaseOpened,
    FacilityMonthRecorded,
    FacilityOpened,
    MilestoneReached,
    PlannedMilestone,
    ScheduledActivity,
    SessionCancelled,
    SessionDelivered,
    SessionRescheduled,
    SessionScheduled,
    TrainersQualified,
    WorkPlanReceived,
)
from shared.contracts.values import in_future
from shared.i18n import N_

STAFF = "wecare:"  # trainer ids of the Centre's own staff; any other trainer id is a factory trainer
TRAINING_OF_TRAINERS = "training_of_trainers"
FACILITY_ACTIVITY = "child_friendly_space"


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(orjson.dumps(parts, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A time as written in the field (no zone: the country's) in UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz)
    return local.astimezone(UTC)


@dataclass
class Session:
    session_id: str
    activity: str
    status: str  # scheduled | delivered | cancelled
    starts_at: datetime | None = None
    capacity: int = 0
    trainers: list[str] = field(default_factory=list)
    online: bool = False
    schedule_print: str = ""
    delivery_print: str = ""
    attendance: AttendanceSummary | None = None


@dataclass
class Facility:
    capacity: int
    opened_on: date
    months: dict[str, str] = field(default_factory=dict)  # month -> fingerprint


class Delivery(Aggregate):
    stream_prefix = "delivery"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.programme_id = ""
        self.factory_id = ""
        self.revision = 0
        self.activities: dict[str, ScheduledActivity] = {}
        self.kept: set[str] = set()
        self.milestones: list[PlannedMilestone] = []
        self.reached_on: dict[str, date] = {}  # milestone -> when
        self.sessions: dict[str, Session] = {}
        self.people: dict[str, str] = {}  # pseudonymous id -> role, everyone this plan reached
        self.reached: dict[str, dict[str, str]] = {}  # activity -> identified people it reached -> role
        self.trainers: set[str] = set()
        self.completed: dict[str, date] = {}
        self.facilities: dict[str, Facility] = {}
        self.cases: dict[str, str] = {}  # case -> fingerprint of its category and date
        self.forgotten_cases: set[str] = set()

    # -- the plan --------------------------------------------------------------

    def receive(self, *, programme_id: str, factory_id: str, revision: int, catalogue_version: int,
                activities: list[ScheduledActivity], milestones: list[PlannedMilestone]) -> None:
        """An approved plan revision: pending work follows it, delivered work stays."""
        if revision <= self.revision:
            return  # this revision, or a later one, is here already
        codes = {a.activity for a in activities}
        delivered = {s.activity for s in self.sessions.values() if s.status == "delivered"}
        kept = sorted((delivered | set(self.completed)) - codes)
        dropped = sorted(s.session_id for s in self.sessions.values()
                         if s.status == "scheduled" and s.activity not in codes)
        self.record(WorkPlanReceived(
            plan_id=self.id, programme_id=programme_id, factory_id=factory_id, revision=revision,
            catalogue_version=catalogue_version, activities=activities, milestones=milestones, kept=kept,
            cancelled_sessions=dropped), key=f"revision-{revision}")

    def _in_plan(self, activity: str, field_: str) -> ScheduledActivity:
        a = self.activities.get(activity)
        if a is None:
            raise DomainError(N_("%(activity)s is not in the approved plan of %(factory_id)s (revision %(revision)s)"),
                              params={"activity": activity, "factory_id": self.factory_id, "revision": self.revision},
                              field=field_, rule="activity_in_plan", items=[activity])
        return a

    def _known_trainers(self, trainers: list[str], field_: str) -> None:
        unknown = [t for t in trainers if not t.startswith(STAFF) and t not in self.trainers]
        if unknown:
            raise DomainError(N_("not trainers of this factory (a training of trainers qualifies them; WeCare staff "
                                 "are '%(staff)s<name>'): %(unknown)s"),
                              params={"staff": STAFF, "unknown": ', '.join(unknown)}, field=field_,
                              rule="known_trainer", items=unknown)

    # -- sessions ----------------------------------------------------------------

    def schedule(self, *, session_id: str, activity: str, starts_at: datetime, local_start: str, timezone: str,
                 venue: str | None, online: bool, trainers: list[str], capacity: int,
                 expected_participants: int) -> None:
        print_ = fingerprint(activity, starts_at, venue, online, trainers, capacity, expected_participants)
        known = self.sessions.get(session_id)
        if known is not None:
            if known.schedule_print == print_:
                return  # the same session sent again
            raise DomainError(N_("session %(session_id)s exists with other details"), params={"session_id": session_id},
                              field="session_id", rule="session_id_unique", items=[session_id])
        self._in_plan(activity, "activity")
        self._known_trainers(trainers, "trainers")
        if expected_participants > capacity:
            raise DomainError(N_("%(expected_participants)s expected participants exceed the capacity of "
                                 "%(capacity)s"),
                              params={"expected_participants": expected_participants, "capacity": capacity},
                              field="expected_participants", rule="capacity")
        self.record(SessionScheduled(plan_id=self.id, session_id=session_id, activity=activity, starts_at=starts_at,
                                     local_start=local_start, timezone=timezone, venue=venue, online=online,
                                     trainers=trainers, capacity=capacity,
                                     expected_participants=expected_participants), key=f"session-{session_id}")

    def _open_session(self, session_id: str) -> Session:
        s = self.sessions.get(session_id)
        if s is None:
            raise DomainError(N_("no session %(session_id)s in this plan"), params={"session_id": session_id},
                              field="session_id", rule="known_session", items=[session_id])
        if s.status != "scheduled":
            raise DomainError(N_("session %(session_id)s is %(status)s"),
                              params={"session_id": session_id, "status": s.status}, field="session_id",
                              rule="session_open", items=[session_id])
        return s

    def reschedule(self, session_id: str, starts_at: datetime, local_start: str, reason: str) -> None:
        s = self.sessions.get(session_id)
        if s is not None and s.status == "scheduled" and s.starts_at == starts_at:
            return
        self._open_session(session_id)
        self.record(SessionRescheduled(plan_id=self.id, session_id=session_id, starts_at=starts_at,
                                       local_start=local_start, reason=reason),
                    key=f"session-{session_id}-at-{starts_at.isoformat()}")

    def cancel(self, session_id: str, reason: str) -> None:
        s = self.sessions.get(session_id)
        if s is not None and s.status == "cancelled":
            return
        self._open_session(session_id)
        self.record(SessionCancelled(plan_id=self.id, session_id=session_id, reason=reason),
                    key=f"session-{session_id}-cancelled")

    def deliver(self, *, session_id: str, delivered_at: datetime, counts: list[dict], participants: list[Participant],
                trainers: list[str] | None = None, now: datetime | None = None) -> None:
        s = self.sessions.get(session_id)
        if s is None:
            raise DomainError(N_("no session %(session_id)s in this plan: schedule it first (a batch may do both)"),
                              params={"session_id": session_id}, field="session_id", rule="known_session",
                              items=[session_id])
        print_ = fingerprint(delivered_at, counts, [p.model_dump() for p in participants], trainers)
        if s.status == "delivered":
            if s.delivery_print == print_:
                return  # the same delivery sent again
            raise DomainError(N_("session %(session_id)s was delivered with other attendance"),
                              params={"session_id": session_id}, field="session_id", rule="delivered_once",
                              items=[session_id])
        if s.status == "cancelled":
            raise DomainError(N_("session %(session_id)s is cancelled"), params={"session_id": session_id},
                              field="session_id", rule="session_open", items=[session_id])
        if in_future(delivered_at, now):
            raise DomainError(N_("delivered_at %(delivered_at)s is in the future"),
                              params={"delivered_at": delivered_at.isoformat()}, field="delivered_at",
                              rule="not_in_future")
        activity = self.activities.get(s.activity) or self._in_plan(s.activity, "session_id")
        trainers = trainers if trainers is not None else s.trainers
        self._known_trainers(trainers, "trainers")
        ids = [p.id for p in participants]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise DomainError(N_("participants listed twice: %(twice)s"), params={"twice": ', '.join(twice)},
                              field="participants", rule="no_duplicates", items=twice)
        summary = self._summarise(s.activity, counts, participants)
        if summary.total > s.capacity:
            raise DomainError(N_("%(total)s attended; the session's capacity is %(capacity)s"),
                              params={"total": summary.total, "capacity": s.capacity}, field="attendance",
                              rule="capacity")
        if activity.cohort_size is not None and activity.cohort_role:
            in_role = summary.by_role.get(activity.cohort_role, 0)
            cohort = {i for i, r in self.reached.get(s.activity, {}).items() if r == activity.cohort_role}
            cohort |= {p.id for p in participants if p.role == activity.cohort_role}
            if in_role > activity.cohort_size or len(cohort) > activity.cohort_size:
                raise DomainError(N_("%(name)s is for a cohort of %(cohort_size)s (%(cohort_role)s); this would "
                                     "make %(in_role)s"),
                                  params={"name": activity.name, "cohort_size": activity.cohort_size,
                                          "cohort_role": activity.cohort_role, "in_role": max(in_role, len(cohort))},
                                  field="attendance", rule="cohort_size", items=[s.activity])
        cascade = 0 if all(t.startswith(STAFF) for t in trainers) else 1
        self.record(SessionDelivered(
            plan_id=self.id, programme_id=self.programme_id, factory_id=self.factory_id, session_id=session_id,
            activity=s.activity, delivered_at=delivered_at, online=s.online, trainers=trainers,
            cascade_level=cascade, attendance=summary), key=f"session-{session_id}-delivered")
        self.record(AttendanceRecorded(plan_id=self.id, session_id=session_id, participants=participants,
                                       counts=counts, receipt=print_), key=f"session-{session_id}-attendance")
        if s.activity == TRAINING_OF_TRAINERS:
            qualified = [p.id for p in participants if p.role in ("manager", "supervisor", "worker", "parent_worker")]
            if qualified:
                self.record(TrainersQualified(plan_id=self.id, factory_id=self.factory_id, session_id=session_id,
                                              trainers=qualified, trained_by=trainers),
                            key=f"session-{session_id}-trainers")

    def _summarise(self, activity: str, counts: list[dict], participants: list[Participant]) -> AttendanceSummary:
        by_role: dict[str, int] = {}
        by_band: dict[str, int] = {}
        total = female = 0
        for c in counts:
            n = int(c["count"])
            total += n
            female += n if c["sex"] == "female" else 0
            by_role[c["role"]] = by_role.get(c["role"], 0) + n
            by_band[c["age_band"]] = by_band.get(c["age_band"], 0) + n
        new_by_role: dict[str, int] = {}
        reached_by_sex = {"female": female, "male": total - female}  # anonymous counts are each new
        reach = dict(by_role)  # anonymous people cannot be told apart: each count is new
        before = self.reached.get(activity, {})
        for p in participants:
            total += 1
            female += p.sex == "female"
            by_role[p.role] = by_role.get(p.role, 0) + 1
            by_band[p.age_band] = by_band.get(p.age_band, 0) + 1
            if p.id not in self.people:
                new_by_role[p.role] = new_by_role.get(p.role, 0) + 1
                reached_by_sex[p.sex] = reached_by_sex.get(p.sex, 0) + 1
            if p.id not in before:
                reach[p.role] = reach.get(p.role, 0) + 1
        return AttendanceSummary(total=total, female=female, by_role=dict(sorted(by_role.items())),
                                 by_age_band=dict(sorted(by_band.items())), identified=len(participants),
                                 new_people=sum(new_by_role.values()), new_by_role=dict(sorted(new_by_role.items())),
                                 activity_reach_by_role=dict(sorted(reach.items())),
                                 reached_by_sex=reached_by_sex)

    # -- activities and milestones ----------------------------------------------------

    def complete_activity(self, activity: str, completed_on: date) -> None:
        if activity in self.completed:
            if self.completed[activity] == completed_on:
                return
            raise DomainError(N_("%(activity)s was completed on %(completed)s"),
                              params={"activity": activity, "completed": self.completed[activity]}, field="activity",
                              rule="complete_once", items=[activity])
        if activity not in self.activities and activity not in self.kept:
            self._in_plan(activity, "activity")
        done = [s for s in self.sessions.values() if s.activity == activity and s.status == "delivered"]
        if not done and activity != FACILITY_ACTIVITY:
            raise DomainError(N_("no session of %(activity)s was delivered yet"), params={"activity": activity},
                              field="activity", rule="delivered_before_complete", items=[activity])
        if activity == FACILITY_ACTIVITY and not self.facilities:
            raise DomainError(N_("no facility was opened yet"), field="activity", rule="delivered_before_complete",
                              items=[activity])
        people = sum(s.attendance.total for s in done if s.attendance)
        self.record(ActivityCompleted(plan_id=self.id, programme_id=self.programme_id, factory_id=self.factory_id,
                                      activity=activity, completed_on=completed_on, sessions=len(done),
                                      people=people), key=f"activity-{activity}-completed")
        for m in self.milestones:
            if m.name not in self.reached_on and m.activities and all(a in self.completed for a in m.activities):
                self._reach(m, completed_on)

    def reach_milestone(self, name: str, reached_on: date) -> None:
        m = next((m for m in self.milestones if m.name == name), None)
        if m is None:
            raise DomainError(N_("no milestone %(name)s in the plan"), params={"name": repr(name)}, field="milestone",
                              rule="known_milestone", items=[name])
        if name in self.reached_on:
            if self.reached_on[name] == reached_on:
                return
            raise DomainError(N_("milestone %(name)s was reached on %(reached_on)s"),
                              params={"name": repr(name), "reached_on": self.reached_on[name]}, field="milestone",
                              rule="reach_once", items=[name])
        pending = [a for a in m.activities if a not in self.completed]
        if pending:
            raise DomainError(N_("activities of the milestone not completed: %(pending)s"),
                              params={"pending": ', '.join(pending)}, field="milestone", rule="activities_completed",
                              items=pending)
        self._reach(m, reached_on)

    def _reach(self, m: PlannedMilestone, reached_on: date) -> None:
        self.record(MilestoneReached(plan_id=self.id, programme_id=self.programme_id, factory_id=self.factory_id,
                                     milestone=m.name, due=m.due, reached_on=reached_on,
                                     on_time=reached_on <= m.due), key=f"milestone-{m.name}")

    # -- facilities and consulting --------------------------------------------------------

    def open_facility(self, *, facility_id: str, kind: str, opened_on: date, capacity: int) -> None:
        f = self.facilities.get(facility_id)
        if f is not None:
            if (f.opened_on, f.capacity) == (opened_on, capacity):
                return
            raise DomainError(N_("facility %(facility_id)s exists with other details"),
                              params={"facility_id": facility_id}, field="facility_id", rule="facility_id_unique",
                              items=[facility_id])
        self._in_plan(FACILITY_ACTIVITY, "facility_id")
        self.record(FacilityOpened(plan_id=self.id, factory_id=self.factory_id, facility_id=facility_id,
                                   activity=FACILITY_ACTIVITY, kind=kind, opened_on=opened_on,  # type: ignore[arg-type]
                                   capacity=capacity), key=f"facility-{facility_id}")

    def record_facility_month(self, facility_id: str, month: str, days_open: int, children_served: int,
                              today: date) -> None:
        f = self.facilities.get(facility_id)
        if f is None:
            raise DomainError(N_("no facility %(facility_id)s"), params={"facility_id": facility_id},
                              field="facility_id", rule="known_facility", items=[facility_id])
        try:
            first = date.fromisoformat(f"{month}-01")
        except ValueError:
            raise DomainError(N_("month %(month)s is not YYYY-MM"), params={"month": repr(month)}, field="month",
                              rule="month") from None
        print_ = fingerprint(days_open, children_served)
        if month in f.months:
            if f.months[month] == print_:
                return
            raise DomainError(N_("%(month)s is recorded already"), params={"month": month}, field="month",
                              rule="month_once", items=[month])
        if first < f.opened_on.replace(day=1) or first > today:
            raise DomainError(N_("%(month)s is before the opening (%(opened_on)s) or in the future"),
                              params={"month": month, "opened_on": f.opened_on}, field="month", rule="month_in_range",
                              items=[month])
        days = monthrange(first.year, first.month)[1]
        if days_open > days:
            raise DomainError(N_("%(days_open)s days open in a month of %(days)s"),
                              params={"days_open": days_open, "days": days}, field="days_open", rule="days_in_month")
        self.record(FacilityMonthRecorded(plan_id=self.id, facility_id=facility_id, month=month, days_open=days_open,
                                          children_served=children_served), key=f"facility-{facility_id}-{month}")

    def open_case(self, *, case_id: str, category: str, opened_on: date, details: str, same_details: bool) -> None:
        """`details` come sealed; `same_details`: the case's recorded details are
        the ones sent (the handler opens them), so the same case sent again
        records nothing."""
        print_ = fingerprint(category, opened_on)
        if case_id in self.cases:
            if self.cases[case_id] == print_ and same_details and case_id not in self.forgotten_cases:
                return
            raise DomainError(N_("case %(case_id)s exists with other details"), params={"case_id": case_id},
                              field="case_id", rule="case_id_unique", items=[case_id])
        self.record(ConsultingCaseOpened(plan_id=self.id, factory_id=self.factory_id, case_id=case_id,
                                         category=category, opened_on=opened_on),  # type: ignore[arg-type]
                    key=f"case-{case_id}")
        self.record(ConsultingCaseNoted(plan_id=self.id, case_id=case_id, details=details),
                    key=f"case-{case_id}-details")

    def forget_case(self, *, case_id: str, key: str | None, on: date) -> None:
        """Erase a case's details (its key goes; the category and date stay)."""
        if case_id not in self.cases or case_id in self.forgotten_cases:
            raise NotFound("consulting case", case_id)
        self.record(ConsultingCaseForgotten(plan_id=self.id, case_id=case_id, key=key, forgotten_on=on),
                    key=f"case-{case_id}-forgotten")

    # -- state ------------------------------------------------------------------------------

    def on_work_plan_received(self, e: WorkPlanReceived) -> None:
        self.programme_id, self.factory_id, self.revision = e.programme_id, e.factory_id, e.revision
        self.activities = {a.activity: a for a in e.activities}
        self.kept = set(e.kept)
        reached = [m for m in self.milestones if m.name in self.reached_on]
        self.milestones = reached + [m for m in e.milestones if m.name not in self.reached_on]
        for sid in e.cancelled_sessions:
            self.sessions[sid].status = "cancelled"

    def on_session_scheduled(self, e: SessionScheduled) -> None:
        self.sessions[e.session_id] = Session(
            e.session_id, e.activity, "scheduled", e.starts_at, e.capacity, list(e.trainers), e.online,
            schedule_print=fingerprint(e.activity, e.starts_at, e.venue, e.online, e.trainers, e.capacity,
                                       e.expected_participants))

    def on_session_rescheduled(self, e: SessionRescheduled) -> None:
        self.sessions[e.session_id].starts_at = e.starts_at

    def on_session_cancelled(self, e: SessionCancelled) -> None:
        self.sessions[e.session_id].status = "cancelled"

    def on_session_delivered(self, e: SessionDelivered) -> None:
        s = self.sessions[e.session_id]
        s.status, s.attendance = "delivered", e.attendance

    def on_attendance_recorded(self, e: AttendanceRecorded) -> None:
        s = self.sessions[e.session_id]
        s.delivery_print = e.receipt
        for p in e.participants:
            self.people.setdefault(p.id, p.role)
            self.reached.setdefault(s.activity, {}).setdefault(p.id, p.role)

    def on_trainers_qualified(self, e: TrainersQualified) -> None:
        self.trainers |= set(e.trainers)

    def on_activity_completed(self, e: ActivityCompleted) -> None:
        self.completed[e.activity] = e.completed_on

    def on_milestone_reached(self, e: MilestoneReached) -> None:
        self.reached_on[e.milestone] = e.reached_on

    def on_facility_opened(self, e: FacilityOpened) -> None:
        self.facilities[e.facility_id] = Facility(e.capacity, e.opened_on)

    def on_facility_month_recorded(self, e: FacilityMonthRecorded) -> None:
        self.facilities[e.facility_id].months[e.month] = fingerprint(e.days_open, e.children_served)

    def on_consulting_case_opened(self, e: ConsultingCaseOpened) -> None:
        self.cases[e.case_id] = fingerprint(e.category, e.opened_on)

    def on_consulting_case_noted(self, e: ConsultingCaseNoted) -> None:
        pass

    def on_consulting_case_forgotten(self, e: ConsultingCaseForgotten) -> None:
        self.forgotten_cases.add(e.case_id)
