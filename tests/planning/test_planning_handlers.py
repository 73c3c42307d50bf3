"""Planning's handlers, given events / when a command / then events: every
plan rule, the programme's inputs, scope and idempotency, with no
nats-server, no PostgreSQL and no HTTP."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from services.planning.commands import ApprovePlan, ChangePlan, CreateProgramme, DraftPlan, HoldKickOff, SuggestPlans
from services.planning.domain.plan import Plan
from services.planning.handlers import HANDLERS
from services.planning.projections import metadata, projections
from services.planning.reactions import reactions
from shared.access import Principal
from shared.aggregate import DomainError, NotFound
from shared.application import IdempotencyKeyReused
from shared.contracts.assessment import (
    AssessmentCompleted,
    DemographicsSummary,
    FactoryRegistered,
    Indicator,
    NeedArea,
)
from shared.contracts.planning import KickOffHeld, PlanApproved, PlanDrafted, ProgrammeCreated
from shared.store.eventstore import ConcurrencyError
from tests.given import Scenario, admin, ctx, team

pytestmark = pytest.mark.unit

FAMILY_DAY = {"activity": "family_day"}
MPT = {"activity": "migrant_parents_training"}
KPI = {"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}
MILESTONE = {"name": "Kick-off", "due": "2026-03-20"}
BD = team("bd")


def factory(fid: str) -> FactoryRegistered:
    return FactoryRegistered(factory_id=fid, name=fid, supplier="S", region="R", sector="garments",
                             buyers=["Otto Group"], headcount=500)


@pytest.fixture
async def app(tmp_path):
    s = await Scenario.start(tmp_path, "planning", HANDLERS, metadata, projections=projections() + reactions(),
                             served=("bd", "vn", "cn", "tr"))
    for cc, fid in (("bd", "F1"), ("bd", "F2"), ("vn", "V1")):
        await s.given(f"factory-{fid}", cc, factory(fid))
    yield s
    await s.close()


def programme(pid: str = "otto", factories: tuple[str, ...] = ("F1", "F2"), **kw: Any) -> CreateProgramme:
    return CreateProgramme(**{"programme_id": pid, "name": pid, "buyer": "Otto Group", "factories": list(factories),
                              "starts_on": date(2026, 3, 1), "ends_on": date(2027, 2, 28), **kw})


def plan(*activities: dict[str, Any], milestones: list | None = None, kpis: list | None = None,
         factory: str = "F1") -> dict[str, Any]:
    return {"programme_id": "otto", "factory_id": factory, "activities": list(activities),
            "milestones": [MILESTONE] if milestones is None else milestones, "kpis": [KPI] if kpis is None else kpis}


@pytest.fixture
async def with_programme(app: Scenario) -> Scenario:
    await app.when(programme(), ctx(BD))
    return app


BROKEN = [
    ("over budget", plan(FAMILY_DAY, {"activity": "child_friendly_space"}, {"activity": "responsible_recruitment"}),
     "budget", ["child_friendly_space", "responsible_recruitment"]),
    ("missing prerequisite", plan(FAMILY_DAY, {"activity": "photo_voice"}), "prerequisites", ["photo_voice"]),
    ("unknown activity", plan(FAMILY_DAY, {"activity": "yoga_classes"}), "unknown_activity", ["yoga_classes"]),
    ("activity twice", plan(FAMILY_DAY, MPT, MPT), "no_duplicates", ["migrant_parents_training"]),
    ("no family day", plan(MPT), "mandatory", ["family_day"]),
    ("cohort too big", plan(FAMILY_DAY, MPT, {"activity": "photo_voice", "cohort_size": 30}), "cohort_size",
     ["photo_voice"]),
    ("milestone outside the period", plan(FAMILY_DAY, MPT, milestones=[
        MILESTONE, {"name": "Training done", "due": "2027-03-15"}]), "milestone_in_period", ["Training done"]),
    ("milestone before the period", plan(FAMILY_DAY, milestones=[{"name": "Early", "due": "2026-02-01"}]),
     "milestone_in_period", ["Early"]),
    ("milestones out of order", plan(FAMILY_DAY, MPT, milestones=[
        {"name": "Training done", "due": "2026-06-01"}, {"name": "Kick-off", "due": "2026-03-20"}]),
     "milestones_in_order", ["Kick-off"]),
    ("milestone names an unplanned activity", plan(FAMILY_DAY, milestones=[
        {"name": "CFS open", "due": "2026-06-01", "activities": ["child_friendly_space"]}]),
     "milestone_activities", ["child_friendly_space"]),
    ("KPI without a baseline", plan(FAMILY_DAY, kpis=[{"indicator": "share_high_stress", "target": 0.2}]),
     "kpi_baseline", ["share_high_stress"]),
    ("KPI twice", plan(FAMILY_DAY, kpis=[KPI, KPI]), "no_duplicates", ["share_parents_reached"]),
    ("factory not in the programme", plan(FAMILY_DAY, factory="F9"), "factory_in_programme", ["F9"]),
]


@pytest.mark.parametrize(("case", "body", "rule", "items"), BROKEN, ids=[c[0] for c in BROKEN])
async def test_a_plan_that_breaks_a_rule_appends_nothing(with_programme: Scenario, case, body, rule, items):
    app = with_programme
    with pytest.raises(DomainError) as e:
        await app.when(DraftPlan(**body), ctx(BD))
    assert (e.value.rule, e.value.items) == (rule, items) and e.value.field
    assert await app.then() == []
    # the same content as an edit of an existing plan is refused the same way
    await app.when(DraftPlan(**plan(FAMILY_DAY, MPT, factory="F2")), ctx(BD))
    if rule != "factory_in_programme":
        edit = {k: v for k, v in body.items() if k not in ("programme_id", "factory_id")}
        with pytest.raises(DomainError) as e:
            await app.when(ChangePlan(**edit, plan_id=Plan.plan_id("otto", "F2")), ctx(BD))
        assert e.value.rule == rule
        assert await app.then() == []


async def test_draft_approve_kick_off(with_programme: Scenario):
    app = with_programme
    out = await app.when(DraftPlan(**plan(FAMILY_DAY, MPT)), ctx(BD))
    assert out["version"] == 1
    [drafted] = await app.then()
    assert isinstance(drafted, PlanDrafted) and drafted.credits_budget == 10 and not drafted.suggested
    pid = out["plan_id"]
    with pytest.raises(DomainError, match="approval before its kick-off"):
        await app.when(HoldKickOff(plan_id=pid, held_on=date(2026, 3, 20), participants=30, facilitators=["A"]),
                       ctx(BD))
    with pytest.raises(DomainError) as e:  # approved outside the programme's period
        await app.when(ApprovePlan(plan_id=pid, approved_by="Mr Rahman", approved_on=date(2025, 3, 1)), ctx(BD))
    assert e.value.field == "approved_on" and await app.then() == []
    await app.when(ApprovePlan(plan_id=pid, approved_by="Mr Rahman", approved_on=date(2026, 3, 10)), ctx(BD))
    [approved] = await app.then()
    assert isinstance(approved, PlanApproved) and approved.revision == 1
    with pytest.raises(DomainError) as e:
        await app.when(HoldKickOff(plan_id=pid, held_on=date(2026, 3, 9), participants=30, facilitators=["A"]),
                       ctx(BD))
    assert e.value.rule == "dates_in_order"
    await app.when(HoldKickOff(plan_id=pid, held_on=date(2026, 3, 20), participants=30, facilitators=["A"]), ctx(BD))
    assert [type(e) for e in await app.then()] == [KickOffHeld]
    # a client's stale version is a conflict, not a merge
    with pytest.raises(ConcurrencyError):
        await app.when(ChangePlan(**{k: v for k, v in plan(FAMILY_DAY).items() if k not in ("programme_id",
                                                                                            "factory_id")},
                                  plan_id=pid, reason="more"), ctx(BD, expected_version=1))


async def test_programme_inputs_append_nothing(app: Scenario):
    cases = [
        ({"factories": ["F1", "NOPE"]}, "known_factory", ["NOPE"]),
        ({"factories": ["F1", "F1"]}, "no_duplicates", ["F1"]),
        ({"factories": ["F1"], "ends_on": date(2029, 3, 1)}, "programme_period", []),
        ({"factories": ["F1"], "ends_on": date(2026, 3, 31)}, "programme_period", []),
    ]
    for kw, rule, items in cases:
        with pytest.raises(DomainError) as e:
            await app.when(programme("p1", **kw), ctx(BD))
        assert (e.value.rule, e.value.items) == (rule, items)
        assert await app.then() == []
    out = await app.when(programme("p1", ("F1",), ends_on=None), ctx(BD))
    assert out["ends_on"] == "2027-02-28"
    with pytest.raises(DomainError) as e:
        await app.when(programme("p1", ("F1",)), ctx(BD))
    assert e.value.rule == "unique"


# -- scope -------------------------------------------------------------------------------


async def test_a_programme_names_only_factories_in_the_callers_scope(app: Scenario):
    """Finding: a Bangladesh team created a programme for Vietnamese factories
    (POST /bd/programmes), and plans got drafted in Vietnam. A factory outside
    the caller's scope answers exactly like one that does not exist."""
    with pytest.raises(DomainError) as outside:
        await app.when(programme("p-vn", ("F1", "V1")), ctx(BD))
    with pytest.raises(DomainError) as missing:
        await app.when(programme("p-vn", ("F1", "NOPE")), ctx(BD))
    assert (outside.value.rule, outside.value.items) == ("known_factory", ["V1"])
    assert str(outside.value).replace("V1", "X") == str(missing.value).replace("NOPE", "X")
    assert await app.then() == []
    # a team of both countries, or a programme manager, may
    out = await app.when(programme("p-both", ("F1", "V1")), ctx(team("bd", "vn"), "bd"))
    assert out["countries"] == ["bd", "vn"]
    assert {env.country for env in await app.then_envelopes()} == {"bd", "vn"}


async def test_a_plan_of_another_country_does_not_exist_for_the_caller(with_programme: Scenario):
    app = with_programme
    pid = (await app.when(DraftPlan(**plan(FAMILY_DAY, MPT)), ctx(BD)))["plan_id"]
    approve = ApprovePlan(plan_id=pid, approved_by="x", approved_on=date(2026, 4, 1))
    for who in (ctx(team("vn")), ctx(admin(), "vn"), ctx(team("vn", "cn"), "vn")):
        with pytest.raises(NotFound) as e:
            await app.when(approve, who)
        assert str(e.value) == f"plan {pid} not found"
        assert await app.then() == []
    with pytest.raises(NotFound) as e:  # a stale version on a plan out of scope: still not found, not a conflict
        await app.when(approve, ctx(team("vn"), expected_version=7))
    with pytest.raises(PermissionError):  # read-only roles never reach a handler
        await app.when(approve, ctx(Principal(subject="a", role="auditor"), "bd"))
    await app.when(approve, ctx(BD))
    assert [type(e) for e in await app.then()] == [PlanApproved]


# -- idempotency ---------------------------------------------------------------------------


async def test_a_key_is_the_callers_and_the_commands(with_programme: Scenario):
    """Finding: a second caller who sent another command with the same
    Idempotency-Key got '201 replayed' and its command was silently dropped."""
    app = with_programme
    first = await app.when(DraftPlan(**plan(FAMILY_DAY, MPT)), ctx(BD, idempotency_key="k1"))
    assert first["replayed"] is False
    again = await app.when(DraftPlan(**plan(FAMILY_DAY, MPT)), ctx(BD, idempotency_key="k1"))
    assert again == {**first, "replayed": True} and await app.then() == []
    # another tenant (a team of another country) with the same key: its own command runs
    await app.when(programme("p-vn", ("V1",)), ctx(team("vn")))
    vn = await app.when(DraftPlan(**{**plan(FAMILY_DAY, MPT, factory="V1"), "programme_id": "p-vn"}),
                        ctx(team("vn"), idempotency_key="k1"))
    assert vn["replayed"] is False and [type(e) for e in await app.then()] == [PlanDrafted]
    # the same caller, the same key, another body: refused, nothing stored
    with pytest.raises(IdempotencyKeyReused) as e:
        await app.when(DraftPlan(**plan(FAMILY_DAY, MPT, factory="F2")), ctx(BD, idempotency_key="k1"))
    assert e.value.field == "Idempotency-Key" and e.value.rule == "idempotency_key_reused"
    assert await app.then() == []
    # the same key on another command type is another key
    out = await app.when(ApprovePlan(plan_id=first["plan_id"], approved_by="x", approved_on=date(2026, 4, 1)),
                         ctx(BD, idempotency_key="k1"))
    assert out["status"] == "approved"


async def test_a_key_expires(with_programme: Scenario):
    app = with_programme
    app.app.key_ttl = timedelta(seconds=0)
    await app.when(DraftPlan(**plan(FAMILY_DAY, MPT)), ctx(BD, idempotency_key="k-exp"))
    # expired: the key is free again; the command runs (and the rule answers, since the plan exists)
    with pytest.raises(DomainError) as e:
        await app.when(DraftPlan(**plan(FAMILY_DAY, MPT)), ctx(BD, idempotency_key="k-exp"))
    assert e.value.rule == "one_plan_per_factory"
    out = await app.when(DraftPlan(**plan(FAMILY_DAY, MPT, factory="F2")), ctx(BD, idempotency_key="k-exp"))
    assert out["replayed"] is False


async def test_a_programme_retried_under_its_key_answers_as_the_first_time(app: Scenario):
    first = await app.when(programme("p4", ("F1",)), ctx(BD, idempotency_key="k-p4"))
    again = await app.when(programme("p4", ("F1",)), ctx(BD, idempotency_key="k-p4"))
    assert again["replayed"] is True and await app.then() == []
    drop = ("replayed", "plans_suggested")
    assert {k: v for k, v in again.items() if k not in drop} == {k: v for k, v in first.items() if k not in drop}
    assert [isinstance(e, ProgrammeCreated) for e in await app.store.load("programme-p4.bd")]


# -- the reaction: a completed assessment drafts plans (SuggestPlans) ---------------------


def completed(fid: str, aid: str, on: date, score: int = 3) -> AssessmentCompleted:
    return AssessmentCompleted(
        assessment_id=aid, factory_id=fid, completed_on=on, respondents=10, policy_flags=[],
        needs_profile=[NeedArea(area="parenting_family_support", severity="high", score=score,
                                evidence=["survey"], activities=["migrant_parents_training"])],
        demographics=DemographicsSummary(headcount=500, female=300, male=200, share_female=0.6, migrant_workers=50,
                                         parent_workers=200, left_behind_children=40, juvenile_workers=0,
                                         young_workers_18_24=80, maternity_return_rate=0.8),
        indicators={"share_parents_reached": Indicator(value=0.1, numerator=1, denominator=10)})


async def test_a_completed_assessment_drafts_a_suggested_plan_once(with_programme: Scenario):
    app = with_programme
    await app.arrives("assessment-a1", "bd", completed("F1", "a1", date(2026, 2, 10)))
    [drafted] = await app.then()
    assert isinstance(drafted, PlanDrafted) and drafted.suggested and drafted.assessment_id == "a1"
    assert drafted.plan_id == Plan.plan_id("otto", "F1")
    [env] = await app.then_envelopes()
    assert (env.country, env.actor) == ("bd", "planning:suggestion")
    # the same event again (a redelivery) and a later assessment: the plan exists, nothing more
    await app.given("assessment-a1", "bd", completed("F1", "a1", date(2026, 2, 10)))
    await app.given("assessment-a2", "bd", completed("F1", "a2", date(2026, 5, 1)))
    assert await app.store.count() == 2  # the programme's one share (bd) and the one draft


async def test_a_reaction_acts_only_in_its_events_country(app: Scenario):
    """The policy's context is the event's country: a Vietnamese assessment
    drafts nothing in a Bangladesh programme, even one that names the id."""
    await app.when(programme("p-bd", ("F1",)), ctx(BD))
    await app.arrives("assessment-v", "vn", completed("F1", "a-v", date(2026, 2, 10)))
    assert await app.then() == []
    reaction = ctx(Principal.reaction("planning:suggestion", "vn"), "vn")
    out = await app.app.handle(SuggestPlans(factory_id="F1", assessment_id="a-v", needs_profile=[], indicators={}),
                               reaction)
    assert out == 0


async def test_the_baseline_is_the_latest_assessment_whatever_the_order(app: Scenario):
    from sqlalchemy import select

    from services.planning.projections import baselines

    await app.given("assessment-new", "bd", completed("F1", "a-new", date(2026, 5, 1)))
    await app.given("assessment-old", "bd", completed("F1", "a-old", date(2026, 2, 1)))  # arrives later
    async with app.db.read() as conn:
        row = (await conn.execute(select(baselines.c.assessment_id).where(baselines.c.factory_id == "F1"))).one()
    assert row.assessment_id == "a-new"


async def test_a_programme_id_taken_in_another_country_answers_as_one_taken_here(app: Scenario):
    """Programme ids are global (as factory ids are): taken anywhere, the same
    answer, naming no country."""
    await app.when(programme("otto-vn", ("V1",)), ctx(team("vn")))
    await app.when(programme("otto-bd", ("F1",)), ctx(BD))
    answers = []
    for pid in ("otto-vn", "otto-bd"):
        with pytest.raises(DomainError) as e:
            await app.when(programme(pid, ("F2",)), ctx(BD))
        answers.append((e.value.field, e.value.rule, str(e.value).replace(pid, "?")))
        assert await app.then() == []
    assert answers[0] == answers[1] == ("programme_id", "unique", "programme ? exists already")
