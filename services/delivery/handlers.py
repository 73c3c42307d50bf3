"""The delivery service's handlers: one function per command, the only code
that loads and saves the Delivery aggregate (one stream per plan). Access is
the unit of work's: a plan's delivery of a country outside the caller's
scope, or addressed through another country, does not exist for them.

A concurrent write to the same plan is the shared conflict-retry policy's
(the commands set retry_on_conflict): every decision carries a key, so
deciding again on the newer state never records anything twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from services.delivery.commands import (
    Attendance,
    CancelSession,
    CompleteActivity,
    ForgetConsultingCase,
    OpenConsultingCase,
    OpenFacility,
    ReachMilestone,
    ReceiveWorkPlan,
    RecordAttendance,
    RecordFacilityMonth,
    RecordFieldBatch,
    RescheduleSession,
    ScheduleSession,
    SessionDetails,
)
from services.delivery.domain.delivery import Delivery, to_utc
from services.delivery.domain.events import Participant
from shared.aggregate import DomainError
from shared.application import UnitOfWork
from shared.contracts.delivery import PlannedMilestone, ScheduledActivity
from shared.contracts.planning import PlannedActivity
from shared.countries import country as country_info
from shared.menu import menu
from shared.privacy import is_sealed, vault_of

COHORT_ROLES = {"parent": "parent_worker", "child": "child"}  # the menu's cohort roles as attendance roles


# -- the work plan ---------------------------------------------------------------------


def scheduled_activities(planned: list[PlannedActivity], catalogue_version: int) -> list[ScheduledActivity]:
    """The plan's activities as delivery works to them: names, credits and
    cohorts from the catalogue version the plan was made with."""
    cat = menu(catalogue_version)
    out = []
    for a in planned:
        item = cat.activities[a.activity]
        role = COHORT_ROLES.get(item.cohort.role, item.cohort.role) if item.cohort else None
        out.append(ScheduledActivity(activity=a.activity, name=item.name, credits=item.credits, cohort_role=role,
                                     cohort_size=a.cohort_size if item.cohort else None))
    return out


async def receive_work_plan(cmd: ReceiveWorkPlan, uow: UnitOfWork) -> dict[str, Any]:
    """An approved revision: pending work follows it, delivered work stays.
    Read and written under the append lock (in the consumer's transaction),
    so a revision arriving with a field team's write sees it."""
    async with uow.transaction() as tx:
        d = await tx.get(Delivery, cmd.plan_id, required=False)
        d.receive(programme_id=cmd.programme_id, factory_id=cmd.factory_id, revision=cmd.revision,
                  catalogue_version=cmd.catalogue_version,
                  activities=scheduled_activities(cmd.activities, cmd.catalogue_version),
                  milestones=[PlannedMilestone(name=m.name, due=m.due, activities=m.activities)
                              for m in cmd.milestones])
        recorded = len(d.pending)
        if recorded:  # an older or the same revision again: nothing to write
            await tx.save(d)
    return {"plan_id": cmd.plan_id, "revision": d.revision, "recorded": recorded}


# -- decisions on a plan's delivery ------------------------------------------------------


async def _on_plan(uow: UnitOfWork, plan_id: str, decide: Callable[[Delivery], None]) -> dict[str, Any]:
    _, res = await uow.execute(Delivery, plan_id, decide)
    return {"plan_id": plan_id, "version": res.version, "recorded": len(res.event_ids)}


def _local(d: Delivery, t: datetime) -> tuple[datetime, str]:
    """A field time in UTC by the plan's country (the time as written kept beside it)."""
    assert d.country is not None
    return to_utc(t, country_info(d.country).tz), t.isoformat()


def _schedule(d: Delivery, s: SessionDetails) -> None:
    assert d.country is not None
    at, local = _local(d, s.local_start)
    d.schedule(session_id=s.session_id, activity=s.activity, starts_at=at, local_start=local,
               timezone=country_info(d.country).timezone, venue=s.venue, online=s.online, trainers=list(s.trainers),
               capacity=s.capacity, expected_participants=s.expected_participants)


def _deliver(d: Delivery, session_id: str, a: Attendance) -> None:
    at, _ = _local(d, a.delivered_at)
    d.deliver(session_id=session_id, delivered_at=at, counts=[c.model_dump() for c in a.counts],
              participants=[Participant(**p.model_dump()) for p in a.participants],
              trainers=list(a.trainers) if a.trainers is not None else None)


async def schedule_session(cmd: ScheduleSession, uow: UnitOfWork) -> dict[str, Any]:
    return await _on_plan(uow, cmd.plan_id, lambda d: _schedule(d, cmd))


async def reschedule_session(cmd: RescheduleSession, uow: UnitOfWork) -> dict[str, Any]:
    def decide(d: Delivery) -> None:
        at, local = _local(d, cmd.local_start)
        d.reschedule(cmd.session_id, at, local, cmd.reason)

    return await _on_plan(uow, cmd.plan_id, decide)


async def cancel_session(cmd: CancelSession, uow: UnitOfWork) -> dict[str, Any]:
    return await _on_plan(uow, cmd.plan_id, lambda d: d.cancel(cmd.session_id, cmd.reason))


async def record_attendance(cmd: RecordAttendance, uow: UnitOfWork) -> dict[str, Any]:
    """Sending the same attendance again changes nothing."""
    return await _on_plan(uow, cmd.plan_id, lambda d: _deliver(d, cmd.session_id, cmd))


async def record_field_batch(cmd: RecordFieldBatch, uow: UnitOfWork) -> dict[str, Any]:
    """All sessions are recorded or none (a bad one is named by its index);
    sending the batch again changes nothing."""
    def decide(d: Delivery) -> None:
        for i, s in enumerate(cmd.sessions):
            try:
                _schedule(d, s)
                if s.attendance is not None:
                    _deliver(d, s.session_id, s.attendance)
            except DomainError as e:
                e.field = f"sessions.{i}.{e.field}" if e.field else f"sessions.{i}"
                raise

    return {**await _on_plan(uow, cmd.plan_id, decide), "sessions": len(cmd.sessions)}


async def complete_activity(cmd: CompleteActivity, uow: UnitOfWork) -> dict[str, Any]:
    """Milestones whose activities are all done are reached with it."""
    return await _on_plan(uow, cmd.plan_id, lambda d: d.complete_activity(cmd.activity, cmd.completed_on))


async def reach_milestone(cmd: ReachMilestone, uow: UnitOfWork) -> dict[str, Any]:
    return await _on_plan(uow, cmd.plan_id, lambda d: d.reach_milestone(cmd.milestone, cmd.reached_on))


async def open_facility(cmd: OpenFacility, uow: UnitOfWork) -> dict[str, Any]:
    return await _on_plan(uow, cmd.plan_id, lambda d: d.open_facility(
        facility_id=cmd.facility_id, kind=cmd.kind, opened_on=cmd.opened_on, capacity=cmd.capacity))


async def record_facility_month(cmd: RecordFacilityMonth, uow: UnitOfWork) -> dict[str, Any]:
    def decide(d: Delivery) -> None:
        assert d.country is not None
        today = datetime.now(country_info(d.country).tz).date()  # no month recorded ahead of the country's today
        d.record_facility_month(cmd.facility_id, cmd.month, cmd.days_open, cmd.children_served, today)

    return await _on_plan(uow, cmd.plan_id, decide)


def case_key(plan_id: str, case_id: str) -> str:
    """The id of a case's own key in the key store (a plan id may be longer than a key id)."""
    return "case-" + hashlib.sha256(f"{plan_id}\n{case_id}".encode()).hexdigest()[:40]


async def recorded_case_details(uow: UnitOfWork, plan_id: str, case_id: str) -> str | None:
    """A case's details as recorded (sealed, or in the clear for a case noted before keys)."""
    found = None
    for env in await uow.store.load(Delivery.stream_id(plan_id), conn=uow.conn):
        if env.event_type == "ConsultingCaseNoted" and env.payload.get("case_id") == case_id:
            found = env.payload.get("details")
    return found


async def open_consulting_case(cmd: OpenConsultingCase, uow: UnitOfWork) -> dict[str, Any]:
    """Only its category and date leave the service; the details stay in a
    private event, sealed with the case's own key (owned by the plan's
    country), stored once the rules have passed and before the events commit
    (an orphan key of a failed commit opens nothing)."""
    vault = vault_of(uow.store)
    async with uow.transaction() as tx:
        recorded = await recorded_case_details(tx, cmd.plan_id, cmd.case_id)
        if recorded is not None and is_sealed(recorded):
            recorded = await vault.open(recorded)
        plan = await tx.get(Delivery, cmd.plan_id)  # out of reach: not found, before any key is made
        sealer = await vault.sealer(case_key(cmd.plan_id, cmd.case_id), plan.country)
        sealed = sealer.seal(cmd.details)
        _, res = await tx.execute(Delivery, cmd.plan_id, lambda d: d.open_case(
            case_id=cmd.case_id, category=cmd.category, opened_on=cmd.opened_on, details=sealed,
            same_details=recorded == cmd.details))
        if res.event_ids:
            await sealer.keep()
    return {"plan_id": cmd.plan_id, "version": res.version, "recorded": len(res.event_ids)}


async def forget_consulting_case(cmd: ForgetConsultingCase, uow: UnitOfWork) -> dict[str, Any]:
    """Erase a case's details: the forget is recorded (a tombstone every start
    re-applies), then the case's key is deleted. A case of another country,
    unknown or forgotten already is not found."""
    vault = vault_of(uow.store)
    key_id = case_key(cmd.plan_id, cmd.case_id)
    pseudonym = await vault.pseudonym(key_id)
    today = datetime.now(UTC).date()
    async with uow.transaction() as tx:
        plan, res = await tx.execute(Delivery, cmd.plan_id, lambda d: d.forget_case(case_id=cmd.case_id,
                                                                                     key=pseudonym, on=today))
    await vault.forget_key(key_id, plan.country)
    return {"plan_id": cmd.plan_id, "case_id": cmd.case_id, "forgotten": True, "version": res.version}


HANDLERS = {
    ReceiveWorkPlan: receive_work_plan,
    ScheduleSession: schedule_session,
    RescheduleSession: reschedule_session,
    CancelSession: cancel_session,
    RecordAttendance: record_attendance,
    RecordFieldBatch: record_field_batch,
    CompleteActivity: complete_activity,
    ReachMilestone: reach_milestone,
    OpenFacility: open_facility,
    RecordFacilityMonth: record_facility_month,
    OpenConsultingCase: open_consulting_case,
    ForgetConsultingCase: forget_consulting_case,
}
