"""Delivery's handlers, given events / when a command / then events: every
delivery rule, the reaction to approved plans, scope, idempotency and the
conflict-retry policy, with no nats-server, no PostgreSQL and no HTTP."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import services.delivery.api as api
from services.delivery import commands as c
from services.delivery.commands import (
    CancelSession,
    CompleteActivity,
    OpenConsultingCase,
    OpenFacility,
    ReachMilestone,
    RecordAttendance,
    RecordFacilityMonth,
    RecordFieldBatch,
    RescheduleSession,
    ScheduleSession,
)
from services.delivery.domain.delivery import Delivery
from services.delivery.domain.events import AttendanceRecorded, ConsultingCaseNoted
from services.delivery.handlers import HANDLERS
from services.delivery.projections import metadata, projections
from services.delivery.reactions import WorkPlanReceiver, reactions
from shared.access import Principal
from shared.aggregate import DomainError, NotFound
from shared.application import Command, IdempotencyKeyReused
from shared.contracts.delivery import (
    ActivityCompleted,
    ConsultingCaseOpened,
    MilestoneReached,
    SessionCancelled,
    SessionDelivered,
    SessionRescheduled,
    SessionScheduled,
    TrainersQualified,
    WorkPlanReceived,
)
from shared.contracts.planning import Milestone, PlanApproved, PlanContent, PlannedActivity
from shared.store.eventstore import ConcurrencyError
from tests.given import Scenario, admin, ctx, team

pytestmark = pytest.mark.unit

BD = team("bd")
PLAN = "otto.F1"
ACTIVITIES = ("family_day", "migrant_parents_training", "photo_voice", "training_of_trainers", "child_friendly_space")
MILESTONES = [Milestone(name="Kick-off", due=date(2026, 1, 20)),
              Milestone(name="Parents trained", due=date(2026, 6, 30), activities=["migrant_parents_training"])]
PARENTS = [{"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 10}]


def approved(revision: int = 1, activities: tuple[str, ...] = ACTIVITIES, plan_id: str = PLAN,
             factory: str = "F1") -> PlanApproved:
    cohorts = {"photo_voice": 25}  # planning fills in the catalogue's cohort
    content = PlanContent(activities=[PlannedActivity(activity=a, cohort_size=cohorts.get(a)) for a in activities],
                          milestones=MILESTONES,
                          kpis=[], credits_used=10, catalogue_version=1)
    return PlanApproved(plan_id=plan_id, programme_id="otto", factory_id=factory, revision=revision,
                        content=content, approved_by="GM", approved_on=date(2026, 1, 10))


def session(sid: str, activity: str, *, at: str = "2026-03-02T14:00", trainers: tuple[str, ...] = ("wecare:lina",),
            capacity: int = 60, expected: int = 20, plan_id: str = PLAN, **kw: Any) -> ScheduleSession:
    return ScheduleSession(plan_id=plan_id, session_id=sid, activity=activity, local_start=at, venue="Room",
                           trainers=list(trainers), capacity=capacity, expected_participants=expected, **kw)


def attend(sid: str, *, at: str = "2026-03-02T16:00", counts: list | None = None, participants: list | None = None,
           **kw: Any) -> RecordAttendance:
    return RecordAttendance(plan_id=PLAN, session_id=sid, delivered_at=at, counts=counts or [],
                            participants=participants or [], **kw)


def people(*ids: str, role: str = "manager") -> list[dict[str, str]]:
    return [{"id": i, "role": role, "sex": "female", "age_band": "35_44"} for i in ids]


@pytest.fixture
async def app(tmp_path: Path):
    s = await Scenario.start(tmp_path, "delivery", HANDLERS, metadata, projections=projections() + reactions(),
                             served=("bd", "vn"))
    await s.given(f"plan-{PLAN}", "bd", approved())  # planning's event, as it arrives over NATS
    yield s
    await s.close()


@pytest.fixture
async def plan(app: Scenario) -> Scenario:
    """A work plan under way: a scheduled session, a cancelled one, a training
    of trainers delivered (m1, m2 qualified), a facility with a month, a case."""
    await app.when(session("s1", "migrant_parents_training", capacity=30), ctx(BD))
    await app.when(session("gone", "family_day"), ctx(BD))
    await app.when(CancelSession(plan_id=PLAN, session_id="gone", reason="holiday"), ctx(BD))
    await app.when(RecordFieldBatch(plan_id=PLAN, sessions=[
        {**session("t1", "training_of_trainers").model_dump(exclude={"plan_id"}),
         "attendance": {"delivered_at": "2026-02-10T17:30", "participants": people("m1", "m2")}}]), ctx(BD))
    await app.when(CompleteActivity(plan_id=PLAN, activity="training_of_trainers", completed_on=date(2026, 2, 11)),
                   ctx(BD))
    await app.when(OpenFacility(plan_id=PLAN, facility_id="cfs1", kind="child_friendly_space",
                                opened_on=date(2026, 7, 1), capacity=40), ctx(BD))
    await app.when(RecordFacilityMonth(plan_id=PLAN, facility_id="cfs1", month="2026-07", days_open=23,
                                       children_served=31), ctx(BD))
    await app.when(OpenConsultingCase(plan_id=PLAN, case_id="c1", category="emergency", opened_on=date(2026, 7, 3),
                                      details="child in hospital"), ctx(BD))
    return app


async def stream(app: Scenario, plan_id: str = PLAN) -> list[str]:
    return [e.event_type for e in await app.store.load(Delivery.stream_id(plan_id))]


# -- the rules: each refused with its rule and field, and nothing appended -----------------------


def batch(*sessions: dict[str, Any]) -> RecordFieldBatch:
    return RecordFieldBatch(plan_id=PLAN, sessions=list(sessions))


def field_session(sid: str, activity: str, attendance: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    return {**session(sid, activity, **kw).model_dump(exclude={"plan_id"}), "attendance": attendance}


PARENT_IDS = people(*(f"p{i}" for i in range(30)), role="parent_worker")
BROKEN: list[tuple[str, Command, str, str, list[str]]] = [
    ("attendance above capacity", attend("s1", counts=[{**PARENTS[0], "count": 31}]), "capacity", "attendance", []),
    ("more expected than capacity", session("s2", "family_day", capacity=10, expected=12), "capacity",
     "expected_participants", []),
    ("activity not in the plan", session("s2", "youth_development"), "activity_in_plan", "activity",
     ["youth_development"]),
    ("delivered in the future", attend("s1", at="2099-01-01T10:00", counts=PARENTS), "not_in_future",
     "delivered_at", []),
    ("unknown trainer", session("s2", "family_day", trainers=("wecare:lina", "mr-x")), "known_trainer", "trainers",
     ["mr-x"]),
    ("unknown trainer at delivery", attend("s1", counts=PARENTS, trainers=["mr-x"]), "known_trainer", "trainers",
     ["mr-x"]),
    ("participant twice", attend("s1", participants=people("a", "a", role="parent_worker")), "no_duplicates",
     "participants", ["a"]),
    ("cohort beyond the catalogue's", batch(field_session("pv1", "photo_voice", capacity=40, attendance={
        "delivered_at": "2026-03-02T16:00", "participants": PARENT_IDS[:26]})), "cohort_size",
     "sessions.0.attendance", ["photo_voice"]),
    ("a cancelled session delivered", attend("gone", counts=PARENTS), "session_open", "session_id", ["gone"]),
    ("a cancelled session rescheduled", RescheduleSession(plan_id=PLAN, session_id="gone",
                                                          local_start="2026-05-01T10:00", reason="x"),
     "session_open", "session_id", ["gone"]),
    ("a session id reused", session("gone", "training_of_trainers"), "session_id_unique", "session_id", ["gone"]),
    ("an unknown session", attend("nope", counts=PARENTS), "known_session", "session_id", ["nope"]),
    ("an unknown session cancelled", CancelSession(plan_id=PLAN, session_id="nope", reason="x"), "known_session",
     "session_id", ["nope"]),
    ("delivered again with other attendance", attend("t1", at="2026-02-10T17:30", participants=people("m1")),
     "delivered_once", "session_id", ["t1"]),
    ("a bad session in a batch, by index", batch(field_session("f4", "family_day"),
                                                 field_session("f5", "youth_development")),
     "activity_in_plan", "sessions.1.activity", ["youth_development"]),
    ("completed on another day", CompleteActivity(plan_id=PLAN, activity="training_of_trainers",
                                                  completed_on=date(2026, 2, 12)), "complete_once", "activity",
     ["training_of_trainers"]),
    ("completed before any delivery", CompleteActivity(plan_id=PLAN, activity="migrant_parents_training",
                                                       completed_on=date(2026, 3, 1)), "delivered_before_complete",
     "activity", ["migrant_parents_training"]),
    ("an activity not in the plan completed", CompleteActivity(plan_id=PLAN, activity="smart_watch",
                                                               completed_on=date(2026, 3, 1)), "activity_in_plan",
     "activity", ["smart_watch"]),
    ("an unknown milestone", ReachMilestone(plan_id=PLAN, milestone="Moon", reached_on=date(2026, 3, 1)),
     "known_milestone", "milestone", ["Moon"]),
    ("a milestone with activities pending", ReachMilestone(plan_id=PLAN, milestone="Parents trained",
                                                           reached_on=date(2026, 3, 1)), "activities_completed",
     "milestone", ["migrant_parents_training"]),
    ("a facility id reused", OpenFacility(plan_id=PLAN, facility_id="cfs1", kind="child_friendly_space",
                                          opened_on=date(2026, 7, 2), capacity=40), "facility_id_unique",
     "facility_id", ["cfs1"]),
    ("a month of an unknown facility", RecordFacilityMonth(plan_id=PLAN, facility_id="nope", month="2026-08",
                                                           days_open=3, children_served=3), "known_facility",
     "facility_id", ["nope"]),
    ("a month recorded twice", RecordFacilityMonth(plan_id=PLAN, facility_id="cfs1", month="2026-07", days_open=22,
                                                   children_served=31), "month_once", "month", ["2026-07"]),
    ("a month before the opening", RecordFacilityMonth(plan_id=PLAN, facility_id="cfs1", month="2026-06",
                                                       days_open=3, children_served=3), "month_in_range", "month",
     ["2026-06"]),
    ("a month in the future", RecordFacilityMonth(plan_id=PLAN, facility_id="cfs1", month="2099-01", days_open=3,
                                                  children_served=3), "month_in_range", "month", ["2099-01"]),
    ("more days open than the month has", RecordFacilityMonth(plan_id=PLAN, facility_id="cfs1", month="2026-09",
                                                              days_open=31, children_served=3), "days_in_month",
     "days_open", []),
    ("a case id reused", OpenConsultingCase(plan_id=PLAN, case_id="c1", category="legal", opened_on=date(2026, 7, 3),
                                            details="other"), "case_id_unique", "case_id", ["c1"]),
]


@pytest.mark.parametrize(("case", "cmd", "rule", "field", "items"), BROKEN, ids=[b[0] for b in BROKEN])
async def test_a_command_that_breaks_a_rule_appends_nothing(plan: Scenario, case, cmd, rule, field, items):
    with pytest.raises(DomainError) as e:
        await plan.when(cmd, ctx(BD))
    assert (e.value.rule, e.value.field, e.value.items) == (rule, field, items), e.value.message
    assert await plan.then() == []


# -- the reaction ---------------------------------------------------------------------------------


async def test_an_approved_plan_becomes_the_work_plan_once(app: Scenario):
    """The reaction (a policy in reactions.py, not a projection) runs
    ReceiveWorkPlan through the handlers in the consumer's transaction."""
    envs = await app.store.load(Delivery.stream_id(PLAN))
    assert [e.event_type for e in envs] == ["WorkPlanReceived"]
    assert envs[0].country == "bd" and envs[0].actor == "delivery:plan-approved"
    received = envs[0].event()
    assert isinstance(received, WorkPlanReceived)
    photo = next(a for a in received.activities if a.activity == "photo_voice")
    assert (photo.cohort_role, photo.cohort_size) == ("parent_worker", 25)  # the catalogue's role, the plan's size
    await app.given(f"plan-{PLAN}", "bd", approved())  # redelivered, or published again
    assert await stream(app) == ["WorkPlanReceived"]


async def test_a_revision_updates_what_is_pending_and_keeps_what_was_delivered(plan: Scenario):
    app = plan
    await app.when(session("pv1", "photo_voice"), ctx(BD))
    await app.given(f"plan-{PLAN}", "bd", approved(2, ("family_day", "migrant_parents_training",
                                                       "parent_child_activities")))
    envs = await app.store.load(Delivery.stream_id(PLAN))
    revised = envs[-1].event()
    assert isinstance(revised, WorkPlanReceived) and revised.revision == 2
    assert revised.kept == ["training_of_trainers"] and revised.cancelled_sessions == ["pv1"]
    await app.given(f"plan-{PLAN}", "bd", approved(1))  # an older revision arriving late changes nothing
    assert len(await stream(app)) == len(envs)
    with pytest.raises(DomainError) as e:
        await app.when(session("pv2", "photo_voice"), ctx(BD))
    assert e.value.rule == "activity_in_plan"
    await app.when(session("pc1", "parent_child_activities"), ctx(BD))
    assert [type(e) for e in await app.then()] == [SessionScheduled]


def test_the_receiver_is_a_reaction_and_keeps_its_name():
    """Finding: WorkPlanReceiver appended events but was called a projection."""
    assert [p.name for p in reactions()] == ["work_plan_receiver"]
    assert "work_plan_receiver" not in [p.name for p in projections()]
    assert isinstance(reactions()[0], WorkPlanReceiver)


# -- commands through their life ------------------------------------------------------------------


async def test_a_session_scheduled_delivered_and_its_milestone_reached(app: Scenario):
    out = await app.when(session("s1", "migrant_parents_training"), ctx(BD))
    assert out == {"plan_id": PLAN, "version": 2, "recorded": 1}
    [scheduled] = await app.then()
    assert isinstance(scheduled, SessionScheduled)
    assert scheduled.starts_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 14:00 in Dhaka (UTC+6)
    assert scheduled.local_start == "2026-03-02T14:00:00" and scheduled.timezone == "Asia/Dhaka"
    await app.when(RescheduleSession(plan_id=PLAN, session_id="s1", local_start="2026-03-03T10:00", reason="rain"),
                   ctx(BD))
    assert [type(e) for e in await app.then()] == [SessionRescheduled]
    delivered = attend("s1", at="2026-03-03T12:00", counts=PARENTS)
    out = await app.when(delivered, ctx(BD))
    assert out["recorded"] == 2
    assert [type(e) for e in await app.then()] == [SessionDelivered, AttendanceRecorded]
    assert (await app.when(delivered, ctx(BD)))["recorded"] == 0  # the same attendance again
    await app.when(CompleteActivity(plan_id=PLAN, activity="migrant_parents_training",
                                    completed_on=date(2026, 3, 4)), ctx(BD))
    done, reached = await app.then()
    assert isinstance(done, ActivityCompleted) and done.people == 10
    assert isinstance(reached, MilestoneReached) and reached.milestone == "Parents trained" and reached.on_time
    await app.when(ReachMilestone(plan_id=PLAN, milestone="Kick-off", reached_on=date(2026, 1, 25)), ctx(BD))
    [kick_off] = await app.then()
    assert isinstance(kick_off, MilestoneReached) and kick_off.on_time is False


async def test_an_offline_batch_sent_twice_arrives_once(app: Scenario):
    cmd = batch(field_session("f1", "training_of_trainers", at="2026-02-10T14:00",
                              attendance={"delivered_at": "2026-02-10T17:30", "participants": people("m1", "m2")}),
                field_session("f2", "migrant_parents_training", trainers=("m1",),
                              attendance={"delivered_at": "2026-03-02T16:00", "counts": PARENTS}),
                field_session("f3", "family_day", at="2026-06-01T09:00", capacity=500, expected=400))
    out = await app.when(cmd, ctx(BD))
    assert out["sessions"] == 3 and out["recorded"] == 8
    assert [type(e) for e in await app.then()] == [
        SessionScheduled, SessionDelivered, AttendanceRecorded, TrainersQualified,
        SessionScheduled, SessionDelivered, AttendanceRecorded, SessionScheduled]
    f2 = [e for e in await app.store.load(Delivery.stream_id(PLAN)) if e.event_type == "SessionDelivered"][1]
    assert f2.payload["cascade_level"] == 1  # delivered by a factory trainer the first session qualified
    again = await app.when(cmd, ctx(BD))
    assert again == {**out, "recorded": 0} and await app.then() == []


async def test_a_case_keeps_its_details_private(plan: Scenario):
    await plan.when(OpenConsultingCase(plan_id=PLAN, case_id="c2", category="legal", opened_on=date(2026, 8, 1),
                                       details="contract dispute"), ctx(BD))
    opened, noted = await plan.then_envelopes()
    assert isinstance(opened.event(), ConsultingCaseOpened) and "details" not in opened.payload
    assert isinstance(noted.event(), ConsultingCaseNoted) and noted.event().private


# -- scope --------------------------------------------------------------------------------------------


async def test_another_countrys_work_plan_does_not_exist_for_the_caller(plan: Scenario):
    app = plan
    cmd = session("s9", "family_day")
    missing = session("s9", "family_day", plan_id="otto.NOPE")
    with pytest.raises(NotFound) as e:
        await app.when(missing, ctx(team("vn")))
    nothing_there = str(e.value).replace("otto.NOPE", "X")
    for who in (ctx(team("vn")), ctx(admin(), "vn"), ctx(team("vn", "cn"), "vn"),
                ctx(team("vn"), "bd"),  # a team whose scope lacks the plan's country
                ctx(team("vn"), expected_version=7)):  # a stale version out of scope: not found, not a conflict
        with pytest.raises(NotFound) as e:
            await app.when(cmd, who)
        assert str(e.value).replace(PLAN, "X") == nothing_there
        assert await app.then() == []
    for refused in (CancelSession(plan_id=PLAN, session_id="s1", reason="x"),
                    OpenConsultingCase(plan_id=PLAN, case_id="c9", category="other", opened_on=date(2026, 8, 1),
                                       details="x")):
        with pytest.raises(NotFound):
            await app.when(refused, ctx(team("vn")))
        assert await app.then() == []
    with pytest.raises(PermissionError):  # read-only roles never reach a handler
        await app.when(cmd, ctx(Principal(subject="a", role="auditor"), "bd"))
    await app.when(cmd, ctx(BD))
    assert [type(e) for e in await app.then()] == [SessionScheduled]


async def test_a_plan_approved_in_one_country_is_delivered_there_only(app: Scenario):
    await app.given("plan-otto.V1", "vn", approved(plan_id="otto.V1", factory="V1"))
    envs = await app.store.load(Delivery.stream_id("otto.V1"))
    assert [(e.event_type, e.country) for e in envs] == [("WorkPlanReceived", "vn")]
    with pytest.raises(NotFound):
        await app.when(session("s1", "family_day", plan_id="otto.V1"), ctx(BD))
    await app.when(session("s1", "family_day", plan_id="otto.V1"), ctx(team("vn")))
    [scheduled] = await app.then()
    assert scheduled.timezone == "Asia/Ho_Chi_Minh"  # local times by the plan's country


# -- idempotency and conflicts -------------------------------------------------------------------


async def test_a_key_is_the_callers_and_the_commands(plan: Scenario):
    app = plan
    first = await app.when(session("k1", "family_day"), ctx(BD, idempotency_key="k"))
    again = await app.when(session("k1", "family_day"), ctx(BD, idempotency_key="k"))
    assert again == first and first["recorded"] == 1 and await app.then() == []
    with pytest.raises(IdempotencyKeyReused):
        await app.when(session("k2", "family_day"), ctx(BD, idempotency_key="k"))
    assert await app.then() == []
    # the same key on another command type is another key
    await app.when(CancelSession(plan_id=PLAN, session_id="k1", reason="x"), ctx(BD, idempotency_key="k"))
    assert [type(e) for e in await app.then()] == [SessionCancelled]


async def test_a_conflict_is_retried_by_the_one_policy(plan: Scenario, monkeypatch: pytest.MonkeyPatch):
    """Finding: delivery had its own retry loop (8 attempts, a random pause)
    around the repository; the shared policy (retry_on_conflict, run by
    Application.handle) is the only one now. Another field team writes to
    the same plan between this command's read and its append: the command
    decides again on the new state and both sessions are recorded."""
    app = plan
    real, calls = app.store.append, []

    async def append(stream_id: str, expected: int, *a: Any, **kw: Any) -> Any:
        calls.append(expected)
        if len(calls) == 1:  # the other team's write lands between this command's read and its append
            await app.app.handle(session("theirs", "family_day"), ctx(team("bd", subject="other-team")))
        return await real(stream_id, expected, *a, **kw)

    before = await app.store.version(Delivery.stream_id(PLAN))
    monkeypatch.setattr(app.store, "append", append)
    out = await app.when(session("mine", "family_day"), ctx(BD))
    assert calls == [before, before, before + 1]  # mine, theirs, mine again on the new state
    assert out == {"plan_id": PLAN, "version": before + 2, "recorded": 1}
    assert [e.session_id for e in await app.then() if isinstance(e, SessionScheduled)] == ["theirs", "mine"]
    # a client that named its version gets the conflict, not a merge
    calls.clear()
    with pytest.raises(ConcurrencyError):
        await app.when(session("stale", "family_day"), ctx(BD, expected_version=1))
    assert not calls  # refused before any append, on the version it named
    assert not hasattr(api, "ATTEMPTS") and "ConcurrencyError" not in inspect.getsource(api)


def test_every_decision_on_a_plan_takes_the_retry_policy():
    on_plan = [cls for cls in HANDLERS if issubclass(cls, c.OnPlan)]
    assert len(on_plan) == len(HANDLERS) - 1  # all but the reaction's, which runs in the consumer's transaction
    assert all(cls.retry_on_conflict for cls in on_plan)
    assert not c.ReceiveWorkPlan.retry_on_conflict


def test_the_service_no_longer_uses_the_repository_bridge():
    root = Path(api.__file__).parent
    assert not [p.name for p in root.rglob("*.py") if "Repository" in p.read_text()]


async def test_a_case_noted_before_keys_can_be_forgotten(app: Scenario):
    """A case whose details were recorded in the clear (before they were
    sealed): its forget is recorded with no key (nothing to delete; the log
    keeps the old text, deploy/OPERATIONS.md says so), the case answers as
    forgotten, and every start's re-apply of the forgets skips it."""
    from shared.contracts.delivery import ConsultingCaseForgotten
    from shared.privacy import forgotten_in, vault_of

    await app.given(f"delivery-{PLAN}", "bd", ConsultingCaseOpened(
        plan_id=PLAN, factory_id="F1", case_id="c-old", category="legal", opened_on=date(2026, 7, 1)),
        ConsultingCaseNoted(plan_id=PLAN, case_id="c-old", details="an old dispute"))
    with pytest.raises(NotFound):  # another country's team: no such case
        await app.when(c.ForgetConsultingCase(plan_id=PLAN, case_id="c-old"), ctx(team("vn"), "bd"))
    out = await app.when(c.ForgetConsultingCase(plan_id=PLAN, case_id="c-old"), ctx(BD))
    assert out["forgotten"] is True
    [e] = await app.then()
    assert isinstance(e, ConsultingCaseForgotten) and e.key is None
    assert await forgotten_in(app.store) == {}
    assert await vault_of(app.store).reapply(await forgotten_in(app.store)) == []
    with pytest.raises(NotFound):
        await app.when(c.ForgetConsultingCase(plan_id=PLAN, case_id="c-old"), ctx(BD))
