"""Assessment's handlers, given events / when a command / then events: the
factory and assessment rules, the survey (single, batch, offline resends,
concurrent copies under the shared conflict-retry policy), scope and the
existence of ids in other countries, with no nats-server, no PostgreSQL and
no HTTP."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from services.assessment.commands import (
    ArchiveFactory,
    CompleteAssessment,
    RecordDemographics,
    RecordFindings,
    RecordPolicies,
    RecordSurveyResponse,
    RecordSurveyResponses,
    RegisterFactory,
    ScheduleAssessment,
    UpdateFactory,
)
from services.assessment.domain.checklist import checklist
from services.assessment.domain.events import SurveyResponseRecorded
from services.assessment.handlers import HANDLERS
from services.assessment.projections import metadata
from shared import application
from shared.access import Principal
from shared.aggregate import DomainError, NotFound
from shared.application import IdempotencyKeyReused
from shared.contracts.assessment import (
    AssessmentAmended,
    AssessmentCompleted,
    AssessmentScheduled,
    DemographicsRecorded,
    FactoryArchived,
    FactoryRegistered,
    FactoryUpdated,
    ManagementFindingsRecorded,
    PoliciesRecorded,
)
from shared.contracts.envelope import Envelope
from shared.store.eventstore import ConcurrencyError
from tests.assessment.builders import demographics, factory, findings, policies, response
from tests.given import Scenario, admin, ctx, team

pytestmark = pytest.mark.unit

BD, VN = team("bd"), team("vn")


def registered(fid: str) -> FactoryRegistered:
    return FactoryRegistered(**factory(fid))


def scheduled(aid: str, fid: str, on: date = date(2026, 3, 10)) -> AssessmentScheduled:
    return AssessmentScheduled(assessment_id=aid, factory_id=fid, scheduled_date=on, assessors=["Ms Rahman"],
                               survey_version=1, checklist_version=checklist().version)


@pytest.fixture
async def app(tmp_path):
    s = await Scenario.start(tmp_path, "assessment", HANDLERS, metadata, served=("bd", "vn", "cn", "tr"))
    for cc, fid in (("bd", "F1"), ("bd", "F2"), ("vn", "V1")):
        await s.given(f"factory-{fid}", cc, registered(fid))
    await s.given("assessment-a1", "bd", scheduled("a1", "F1"))
    await s.given("assessment-av", "vn", scheduled("av", "V1"))
    yield s
    await s.close()


async def sections(app: Scenario, aid: str = "a1", who: Any = None) -> None:
    who = who or ctx(BD)
    await app.when(RecordPolicies(assessment_id=aid, **policies()), who)
    await app.when(RecordDemographics(assessment_id=aid, **demographics()), who)
    await app.when(RecordFindings(assessment_id=aid, **findings()), who)


def one(aid: str, i: int, **kw: Any) -> RecordSurveyResponse:
    return RecordSurveyResponse(assessment_id=aid, **response(i, **kw))


def batch(aid: str, *rs: dict[str, Any]) -> RecordSurveyResponses:
    return RecordSurveyResponses(assessment_id=aid, responses=list(rs))


# -- factories ----------------------------------------------------------------------------


async def test_register_update_archive(app: Scenario):
    out = await app.when(RegisterFactory(**factory("F3")), ctx(BD))
    assert out == {"factory_id": "F3", "version": 1, "replayed": False}
    assert await app.then() == [registered("F3")]
    [env] = await app.then_envelopes()
    assert (env.country, env.actor) == ("bd", "team-user")
    with pytest.raises(DomainError) as e:
        await app.when(RegisterFactory(**factory("F3")), ctx(BD))
    assert (e.value.field, e.value.rule) == ("factory_id", "unique") and await app.then() == []
    out = await app.when(UpdateFactory(factory_id="F3", headcount=900), ctx(BD))
    assert out["version"] == 2 and await app.then() == [FactoryUpdated(factory_id="F3", headcount=900)]
    await app.when(UpdateFactory(factory_id="F3", headcount=900), ctx(BD))  # nothing changes: nothing recorded
    assert await app.then() == []
    with pytest.raises(ConcurrencyError):  # a client's stale version is a conflict, not a merge
        await app.when(UpdateFactory(factory_id="F3", headcount=5), ctx(BD, expected_version=1))
    await app.when(ArchiveFactory(factory_id="F3", reason="left the supply chain"), ctx(BD))
    assert await app.then() == [FactoryArchived(factory_id="F3", reason="left the supply chain")]
    for cmd in (UpdateFactory(factory_id="F3", headcount=1), ArchiveFactory(factory_id="F3", reason="again")):
        with pytest.raises(DomainError) as e:
            await app.when(cmd, ctx(BD))
        assert e.value.rule == "active_factory" and await app.then() == []
    with pytest.raises(ValidationError):  # the command's own input: names the field (422 over HTTP)
        RegisterFactory(**factory("F4", headcount=-5))


async def test_a_factory_registered_twice_under_one_key_answers_as_the_first_time(app: Scenario):
    first = await app.when(RegisterFactory(**factory("F5")), ctx(BD, idempotency_key="k"))
    again = await app.when(RegisterFactory(**factory("F5")), ctx(BD, idempotency_key="k"))
    assert again == {**first, "replayed": True} and await app.then() == []
    with pytest.raises(IdempotencyKeyReused):  # the same key, another body
        await app.when(RegisterFactory(**factory("F6")), ctx(BD, idempotency_key="k"))
    assert await app.then() == []


# -- existence of ids in other countries -------------------------------------------------------


def answer(e: BaseException, ident: str) -> tuple[str, Any, Any, Any, str]:
    """What a caller learns from a refusal, with the id it sent taken out."""
    return (type(e).__name__, getattr(e, "field", None), getattr(e, "rule", None), getattr(e, "items", None),
            str(e).replace(ident, "<id>"))


async def test_a_factory_id_taken_in_another_country_answers_as_one_taken_in_mine(app: Scenario):
    """Finding: a 422 "already registered" told a Bangladesh team that a
    Vietnamese factory id exists (and the unit of work alone would answer 404
    for it, which tells the same). Now the answer for an id taken in a country
    the caller does not see is the answer for an id taken in its own: it
    names no country and no holder. What it still tells: the id is taken
    somewhere (ids are global streams)."""
    refusals = {}
    for fid in ("F1", "V1"):  # taken in bd (mine), taken in vn (not mine)
        with pytest.raises(DomainError) as e:
            await app.when(RegisterFactory(**factory(fid)), ctx(BD))
        refusals[fid] = answer(e.value, fid)
        assert await app.then() == []
    assert refusals["F1"] == refusals["V1"] == ("DomainError", "factory_id", "unique", [],
                                                "factory <id> is already registered")
    # an admin through Bangladesh's path, a team of both countries through it: the same
    for who in (ctx(admin(), "bd"), ctx(team("bd", "vn"), "bd")):
        with pytest.raises(DomainError) as e:
            await app.when(RegisterFactory(**factory("V1")), who)
        assert answer(e.value, "V1") == refusals["F1"]
    # assessment ids likewise
    refusals = {}
    for aid in ("a1", "av"):
        with pytest.raises(DomainError) as e:
            await app.when(ScheduleAssessment(assessment_id=aid, factory_id="F1", scheduled_date=date(2026, 4, 1),
                                              assessors=["x"]), ctx(BD))
        refusals[aid] = answer(e.value, aid)
    assert refusals["a1"] == refusals["av"] == ("DomainError", "assessment_id", "unique", [],
                                                "assessment <id> already exists")
    assert await app.then() == []


async def test_another_countrys_factory_does_not_exist_for_the_caller(app: Scenario):
    cmds = [lambda f: UpdateFactory(factory_id=f, headcount=1), lambda f: ArchiveFactory(factory_id=f, reason="x")]
    for make in cmds:
        with pytest.raises(NotFound) as missing:
            await app.when(make("NOPE"), ctx(BD))
        for who in (ctx(BD), ctx(admin(), "bd"), ctx(team("bd", "cn"), "bd"), ctx(BD, expected_version=7)):
            with pytest.raises(NotFound) as outside:  # a stale version too: not found before it could conflict
                await app.when(make("V1"), who)
            assert answer(outside.value, "V1") == answer(missing.value, "NOPE")
            assert await app.then() == []
    # a team whose scope lacks the country, through that country's path
    with pytest.raises(NotFound):
        await app.when(UpdateFactory(factory_id="F1", headcount=1), ctx(VN, "bd"))
    with pytest.raises(PermissionError):  # read-only roles never reach a handler
        await app.when(UpdateFactory(factory_id="F1", headcount=1), ctx(Principal(subject="a", role="auditor"), "bd"))
    assert await app.then() == []
    await app.when(UpdateFactory(factory_id="V1", headcount=1), ctx(VN))
    assert [type(e) for e in await app.then()] == [FactoryUpdated]


# -- scheduling ------------------------------------------------------------------------------


def schedule(aid: str, fid: str, **kw: Any) -> ScheduleAssessment:
    return ScheduleAssessment(**{"assessment_id": aid, "factory_id": fid, "scheduled_date": date(2026, 4, 1),
                                 "assessors": ["Ms Rahman"], **kw})


async def test_schedule_an_assessment(app: Scenario):
    out = await app.when(schedule("a2", "F2"), ctx(BD))
    assert out == {"assessment_id": "a2", "version": 1, "replayed": False}
    [env] = await app.then_envelopes()
    assert env.country == "bd" and env.event() == scheduled("a2", "F2", date(2026, 4, 1))
    with pytest.raises(DomainError) as e:
        await app.when(schedule("a3", "F2", survey_version=9), ctx(BD))
    assert (e.value.field, e.value.rule) == ("survey_version", "instrument")
    await app.given("factory-F2", "bd", FactoryArchived(factory_id="F2", reason="gone"))
    with pytest.raises(DomainError) as e:
        await app.when(schedule("a3", "F2"), ctx(BD))
    assert (e.value.field, e.value.rule) == ("factory_id", "active_factory") and await app.then() == []


async def test_an_assessment_only_for_a_factory_of_the_path_country_in_the_callers_scope(app: Scenario):
    with pytest.raises(DomainError) as missing:
        await app.when(schedule("a9", "NOPE"), ctx(BD))
    assert (missing.value.field, missing.value.rule) == ("factory_id", "known_factory")
    for who in (ctx(BD), ctx(admin(), "bd"), ctx(team("bd", "vn"), "bd")):  # V1 is Vietnam's
        with pytest.raises(DomainError) as outside:
            await app.when(schedule("a9", "V1"), who)
        assert answer(outside.value, "V1") == answer(missing.value, "NOPE")
        assert await app.then() == []
    with pytest.raises(DomainError) as outside:  # a team whose scope lacks the path's country: not there either
        await app.when(schedule("a9", "F1"), ctx(VN, "bd"))
    assert answer(outside.value, "F1") == answer(missing.value, "NOPE")
    assert await app.then() == []
    await app.when(schedule("a9", "V1"), ctx(team("bd", "vn"), "vn"))
    assert [env.country for env in await app.then_envelopes()] == ["vn"]


# -- sections, completion, amendments -------------------------------------------------------------

RULES = [
    ("policy days below what the items need", RecordPolicies(
        assessment_id="a1", items={"paid_maternity_leave": {"status": "in_place", "days": 98}}), "items"),
    ("days missing", RecordPolicies(assessment_id="a1", items={
        **policies()["items"], "paid_maternity_leave": {"status": "in_place"}}), "items.paid_maternity_leave.days"),
    ("unknown need area", RecordFindings(assessment_id="a1", findings=[{"area": "golf", "text": "x"}]),
     "findings.0.area"),
    ("answer not an option", RecordSurveyResponse(assessment_id="a1", response_id="x", language="en",
                                                  answers={**response(1)["answers"], "sex": "robot"}), "answers.sex"),
    ("answer off the scale", RecordSurveyResponse(assessment_id="a1", response_id="x", language="en",
                                                  answers={**response(1)["answers"], "stress": 9}), "answers.stress"),
    ("required answer missing", RecordSurveyResponse(
        assessment_id="a1", response_id="x", language="en",
        answers={k: v for k, v in response(1)["answers"].items() if k != "afford_basics"}), "answers.afford_basics"),
    ("language not offered", RecordSurveyResponse(assessment_id="a1", response_id="x", language="xx",
                                                  answers=response(1)["answers"]), "language"),
    ("completed before it was scheduled", CompleteAssessment(assessment_id="a1", completed_on=date(2026, 3, 1)),
     "completed_on"),
]


@pytest.mark.parametrize(("case", "cmd", "field"), RULES, ids=[c[0] for c in RULES])
async def test_a_command_that_breaks_a_rule_appends_nothing(app: Scenario, case, cmd, field):
    if isinstance(cmd, CompleteAssessment):
        await sections(app)
        await app.when(one("a1", 1), ctx(BD))
    with pytest.raises(DomainError) as e:
        await app.when(cmd, ctx(BD))
    assert e.value.field == field and e.value.rule, e.value
    assert await app.then() == []


async def test_complete_needs_every_section_then_amendments_need_a_reason(app: Scenario):
    await app.when(RecordPolicies(assessment_id="a1", **policies()), ctx(BD))
    assert [type(e) for e in await app.then()] == [PoliciesRecorded]
    with pytest.raises(DomainError) as e:
        await app.when(CompleteAssessment(assessment_id="a1", completed_on=date(2026, 3, 10)), ctx(BD))
    assert (e.value.field, e.value.rule, e.value.items) == ("sections", "required_sections",
                                                            ["demographics", "management", "survey"])
    await app.when(RecordDemographics(assessment_id="a1", **demographics()), ctx(BD))
    await app.when(RecordFindings(assessment_id="a1", **findings()), ctx(BD))
    await app.when(batch("a1", *[response(i, afford=i % 4 == 0) for i in range(20)]), ctx(BD))
    out = await app.when(CompleteAssessment(assessment_id="a1", completed_on=date(2026, 3, 10)), ctx(BD))
    assert out["status"] == "completed"
    [done] = await app.then()
    assert isinstance(done, AssessmentCompleted) and done.respondents == 20
    assert done.indicators["share_parents_cannot_afford_basics"].numerator == 15
    with pytest.raises(DomainError) as e:
        await app.when(CompleteAssessment(assessment_id="a1", completed_on=date(2026, 3, 11)), ctx(BD))
    assert e.value.rule == "complete_once"
    with pytest.raises(DomainError) as e:
        await app.when(RecordDemographics(assessment_id="a1", **demographics(parent_workers=100)), ctx(BD))
    assert (e.value.field, e.value.rule) == ("reason", "amend_with_reason")
    with pytest.raises(DomainError) as e:
        await app.when(one("a1", 99), ctx(BD))
    assert e.value.rule == "survey_open" and await app.then() == []
    out = await app.when(RecordDemographics(assessment_id="a1", reason="HR recount",
                                            **demographics(parent_workers=100)), ctx(BD))
    assert out["amended"] is True
    recorded, amended = await app.then()
    assert isinstance(recorded, DemographicsRecorded) and recorded.reason == "HR recount"
    assert isinstance(amended, AssessmentAmended) and amended.section == "demographics"
    assert amended.respondents == 20 and amended.demographics.parent_workers == 100


async def test_another_countrys_assessment_does_not_exist_for_the_caller(app: Scenario):
    await sections(app, "av", ctx(VN))
    await app.when(one("av", 1), ctx(VN))
    cmds = [
        lambda a: RecordPolicies(assessment_id=a, **policies()),
        lambda a: RecordDemographics(assessment_id=a, **demographics()),
        lambda a: RecordFindings(assessment_id=a, **findings()),
        lambda a: one(a, 2),
        lambda a: batch(a, response(3), response(4)),
        lambda a: CompleteAssessment(assessment_id=a, completed_on=date(2026, 3, 10)),
    ]
    for make in cmds:
        with pytest.raises(NotFound) as missing:
            await app.when(make("nope"), ctx(BD))
        for who in (ctx(BD), ctx(admin(), "bd"), ctx(BD, expected_version=1), ctx(VN, "bd")):
            with pytest.raises(NotFound) as outside:
                await app.when(make("av"), who)
            assert answer(outside.value, "av") == answer(missing.value, "nope")
            assert await app.then() == []
    await app.when(CompleteAssessment(assessment_id="av", completed_on=date(2026, 3, 10)), ctx(VN))
    assert [type(e) for e in await app.then()] == [AssessmentCompleted]


# -- survey responses -------------------------------------------------------------------------------


async def test_a_response_is_recorded_once_whichever_way_it_is_sent(app: Scenario):
    first = await app.when(one("a1", 7), ctx(BD))
    assert first == {"response_id": "r7", "recorded": True, "responses": 1}
    [e] = await app.then()
    assert isinstance(e, SurveyResponseRecorded) and e.response_id == "r7"
    assert await app.when(one("a1", 7), ctx(BD)) == {"response_id": "r7", "recorded": False, "responses": 1}
    out = await app.when(batch("a1", *[response(i) for i in range(10)]), ctx(BD))
    assert out == {"received": 10, "recorded": 9, "responses": 10}
    assert await app.when(batch("a1", *[response(i) for i in range(10)]), ctx(BD)) == \
        {"received": 10, "recorded": 0, "responses": 10}
    assert len(await app.store.load("survey-a1")) == 10


async def test_a_response_stored_before_keys_is_not_recorded_again(app: Scenario):
    """Responses stored by the old API had event ids made another way; sent again, they count as recorded."""
    legacy = uuid.uuid5(uuid.NAMESPACE_URL, "wecare:survey:a1:r1")
    e = SurveyResponseRecorded(assessment_id="a1", response_id="r1", survey_version=1, language="en",
                               answers=response(1)["answers"])
    await app.store.append("survey-a1", 0, [Envelope.wrap(e, stream_id="survey-a1", stream_version=1, country="bd",
                                                          actor="old", correlation_id="c", event_id=legacy)])
    out = await app.when(batch("a1", response(1), response(2)), ctx(BD))
    assert out == {"received": 2, "recorded": 1, "responses": 2}


async def test_a_bad_response_in_a_batch_stores_none_of_it(app: Scenario):
    bad = [response(i) for i in range(10)]
    bad[3] = {**bad[3], "answers": {**bad[3]["answers"], "sex": "robot"}}
    with pytest.raises(DomainError) as e:
        await app.when(batch("a1", *bad), ctx(BD))
    assert e.value.field == "responses.3.answers.sex"
    with pytest.raises(DomainError) as e:
        await app.when(batch("a1", response(1), response(1)), ctx(BD))
    assert (e.value.rule, e.value.items) == ("unique_response_id", ["r1"])
    with pytest.raises(ValidationError):
        batch("a1", *[response(i) for i in range(501)])
    assert await app.then() == [] and await app.store.load("survey-a1") == []


async def test_a_batch_under_a_key(app: Scenario):
    rs = [response(i) for i in range(5)]
    first = await app.when(batch("a1", *rs), ctx(BD, idempotency_key="b1"))
    again = await app.when(batch("a1", *rs), ctx(BD, idempotency_key="b1"))
    assert first["recorded"] == 5 and again == {**first, "recorded": 0}
    with pytest.raises(IdempotencyKeyReused):
        await app.when(batch("a1", *rs[:4]), ctx(BD, idempotency_key="b1"))
    assert await app.then() == []


async def test_concurrent_copies_of_a_batch_record_it_once(app: Scenario):
    cmd = batch("a1", *[response(i) for i in range(40, 60)])
    results = await asyncio.gather(*(app.app.handle(cmd, ctx(BD)) for _ in range(3)),
                                   *(app.app.handle(one("a1", i), ctx(BD)) for i in range(5)))
    assert sorted(r["recorded"] for r in results[:3]) == [0, 0, 20]
    assert len(await app.store.load("survey-a1")) == 25


async def test_survey_conflicts_are_retried_by_the_one_policy(app: Scenario, monkeypatch):
    """Finding: conflict retries were written three ways (none in planning, 8
    in delivery, 3 in assessment's survey path). The survey commands now say
    `retry_on_conflict` and Application.handle retries them, with the shared
    number of attempts: a fourth conflict in a row no longer fails them."""
    assert RecordSurveyResponses.retry_on_conflict and RecordSurveyResponse.retry_on_conflict
    monkeypatch.setattr(application, "RETRY_BACKOFF_S", 0.0)
    append = app.store.append
    left = {"conflicts": 0}

    async def flaky(stream_id, expected, envs, **kw):  # noqa: ANN001, ANN202
        if stream_id.startswith("survey-") and left["conflicts"]:
            left["conflicts"] -= 1
            raise ConcurrencyError(stream_id, -1, 0)
        return await append(stream_id, expected, envs, **kw)

    monkeypatch.setattr(app.store, "append", flaky)
    left["conflicts"] = application.RETRY_ATTEMPTS - 1  # more than the old local loop's 3
    out = await app.when(batch("a1", response(1), response(2)), ctx(BD))
    assert out["recorded"] == 2 and left["conflicts"] == 0
    left["conflicts"] = application.RETRY_ATTEMPTS - 1
    assert (await app.when(one("a1", 3), ctx(BD)))["recorded"] is True
    left["conflicts"] = application.RETRY_ATTEMPTS  # then the last conflict is the caller's answer (409)
    with pytest.raises(ConcurrencyError):
        await app.when(one("a1", 4), ctx(BD))
    # a section names its version: never retried, a conflict at once
    left["conflicts"] = 0
    with pytest.raises(ConcurrencyError):
        await app.when(RecordPolicies(assessment_id="a1", **policies()), ctx(BD, expected_version=5))
    assert await app.then() == []
    assert {type(env.event()) for env in await app.store.load("survey-a1")} == {SurveyResponseRecorded}


async def test_sections_record_their_events(app: Scenario):
    await sections(app)
    types = [type(e) for e in [env.event() for env in await app.store.load("assessment-a1")]]
    assert types == [AssessmentScheduled, PoliciesRecorded, DemographicsRecorded, ManagementFindingsRecorded]
