"""The assessment service through its HTTP API and real NATS, in two
countries: factories, the on-site assessment, completion into a needs
profile, amendments, suppression, bad input, projections."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap

import httpx
import pytest
from sqlalchemy import select

from shared.store.schema import events
from tests.assessment.builders import demographics, factory, findings, policies, response
from tests.conftest import eventually
from tests.harness import auth, no_lag


async def setup_assessment(c: httpx.AsyncClient, cc: str, fid: str = "f1", aid: str = "a1",
                           date: str = "2026-03-10") -> None:
    assert (await c.post(f"/{cc}/factories", json=factory(fid))).status_code == 201
    r = await c.post(f"/{cc}/assessments", json={"assessment_id": aid, "factory_id": fid, "scheduled_date": date,
                                                 "assessors": ["Ms Rahman"]})
    assert r.status_code == 201, r.text


async def full_assessment(c: httpx.AsyncClient, cc: str, fid: str = "f1", aid: str = "a1", n: int = 20,
                          days: int = 120) -> httpx.Response:
    await setup_assessment(c, cc, fid, aid)
    for path, body in (("policies", policies(days)), ("demographics", demographics()), ("management", findings())):
        r = await c.put(f"/{cc}/assessments/{aid}/{path}", json=body)
        assert r.status_code == 200, r.text
    for i in range(n):  # 20 respondents: all parents, 3 in 4 can't afford basics, all separated and guilty
        r = await c.post(f"/{cc}/assessments/{aid}/survey-responses", json=response(i, afford=(i % 4 == 0)))
        assert r.status_code == 201, r.text
    return await c.post(f"/{cc}/assessments/{aid}/complete", json={"completed_on": "2026-03-10"})


async def store_count(svc) -> int:  # noqa: ANN001
    return await svc.store.count()


@pytest.mark.parametrize("cc", ["bd", "vn"])
async def test_a_full_assessment_produces_a_needs_profile(assessment, cc) -> None:
    svc, c = assessment
    r = await full_assessment(c, cc)
    assert r.status_code == 200, r.text
    await eventually(lambda: no_lag(c))
    a = (await c.get(f"/{cc}/assessments/a1")).json()
    assert a.get("status") == "completed" and a["respondents"] == 20, a
    assert sorted(a["sections"]) == ["demographics", "management", "policies"]
    profile = {n["area"]: n for n in a["needs_profile"]}
    assert profile["childcare"]["severity"] in ("medium", "high") and "child_friendly_space" in \
        profile["childcare"]["activities"]
    assert any("cannot afford basic necessities" in e for e in profile["financial_psychological_support"]["evidence"])
    assert a["demographics"]["juvenile_workers"] == 4 and a["demographics"]["headcount"] == 1200
    # statutory paid maternity leave: Bangladesh 112 days (120 is fine), Vietnam 180 days (120 is below)
    below = [f for f in a["policy_flags"] if f.startswith("maternity_leave_below_statutory")]
    assert bool(below) == (cc == "vn")
    ind = (await c.get(f"/{cc}/factories/f1/indicators")).json()["indicators"]
    assert ind["share_parents_cannot_afford_basics"] == {"value": 0.75, "numerator": 15, "denominator": 20}
    assert ind["share_separated_parents_feel_guilty"]["value"] == 1.0
    assert ind["share_women_not_returned_after_pregnancy"]["value"] == 0.2
    country = (await c.get(f"/{cc}/indicators")).json()
    assert country["factories_assessed"] == 1 and country["indicators"]["share_parents"]["value"] == 1.0
    f = (await c.get(f"/{cc}/factories/f1")).json()
    assert f["last_assessment_id"] == "a1" and f["needs_profile"]


async def test_country_indicators_pool_factories(assessment) -> None:
    svc, c = assessment
    assert (await full_assessment(c, "bd", "f1", "a1", n=20)).status_code == 200
    assert (await full_assessment(c, "bd", "f2", "a2", n=10)).status_code == 200
    await eventually(lambda: no_lag(c))
    pooled = (await c.get("/bd/indicators")).json()
    assert pooled["factories_assessed"] == 2
    basics = pooled["indicators"]["share_parents_cannot_afford_basics"]
    # 15 of 20 and 7 of 10 (i % 4 == 0 can afford: 0,4,8 -> 3 of 10)
    assert (basics["numerator"], basics["denominator"]) == (22, 30)
    assert (await c.get("/vn/indicators")).json()["factories_assessed"] == 0  # per country


async def test_completing_with_sections_missing_is_refused_with_the_list(assessment) -> None:
    svc, c = assessment
    await setup_assessment(c, "bd")
    await c.put("/bd/assessments/a1/policies", json=policies())
    before = await store_count(svc)
    r = await c.post("/bd/assessments/a1/complete", json={"completed_on": "2026-03-10"})
    assert r.status_code == 422
    assert r.json()["items"] == ["demographics", "management", "survey"] and r.json()["field"] == "sections"
    assert await store_count(svc) == before


async def test_fewer_than_five_respondents_are_suppressed_and_answers_never_leave(assessment, nats_server) -> None:
    svc, c = assessment
    assert (await full_assessment(c, "bd", n=4)).status_code == 200
    await eventually(lambda: no_lag(c))
    a = (await c.get("/bd/assessments/a1")).json()
    assert a["respondents"] is None
    ind = (await c.get("/bd/factories/f1/indicators")).json()["indicators"]
    assert all(v == {"suppressed": True} for v in ind.values())
    completed = [e async for e in svc.store.read_all() if e.event_type == "AssessmentCompleted"][0]
    assert all(i["value"] is None and i["numerator"] is None for i in completed.payload["indicators"].values())
    info = await svc.js().stream_info("WECARE_ASSESSMENT", subjects_filter=">")
    subjects = set((info.state.subjects or {}).keys())
    assert "wecare.bd.assessment.assessment_completed" in subjects
    assert not any("survey_response" in s for s in subjects)  # individual answers stay in the service
    assert await svc.store.count() == 4 + 6  # stored here all the same


@pytest.mark.parametrize("cc", ["bd", "vn"])
async def test_bad_input_names_the_field_and_stores_nothing(assessment, cc) -> None:
    svc, c = assessment
    await setup_assessment(c, cc)
    cases = [
        ("post", "/xx/factories", factory("z"), "country"),
        ("post", f"/{cc}/factories", factory("z", headcount=-5), "headcount"),
        ("post", f"/{cc}/assessments", {"assessment_id": "a9", "factory_id": "nope", "scheduled_date": "2026-01-01",
                                     "assessors": ["x"]}, "factory_id"),
        ("put", f"/{cc}/assessments/a1/demographics",
         demographics(headcount={"female": {"18_24": -1}, "male": {}}), "demographics"),
        ("put", f"/{cc}/assessments/a1/demographics", demographics(migrant_workers=-3), "demographics.migrant_workers"),
        ("put", f"/{cc}/assessments/a1/demographics", demographics(migrant_workers=5000), "demographics"),
        ("put", f"/{cc}/assessments/a1/policies", {"items": {"paid_maternity_leave": {"status": "yes"}}},
         "items.paid_maternity_leave.status"),
        ("put", f"/{cc}/assessments/a1/policies",
         {"items": {"paid_maternity_leave": {"status": "in_place", "days": 98}}},
         "items"),
        ("put", f"/{cc}/assessments/a1/management", {"findings": [{"area": "golf", "text": "x"}]}, "findings.0.area"),
        ("post", f"/{cc}/assessments/a1/survey-responses",
         {"response_id": "x1", "language": "en", "answers": {**response(1)["answers"], "sex": "robot"}},
         "answers.sex"),
        ("post", f"/{cc}/assessments/a1/survey-responses",
         {"response_id": "x2", "language": "en", "answers": {**response(1)["answers"], "stress": 9}},
         "answers.stress"),
        ("post", f"/{cc}/assessments/a1/survey-responses",
         {"response_id": "x3", "language": "en", "answers": {k: v for k, v in response(1)["answers"].items()
                                                             if k != "afford_basics"}}, "answers.afford_basics"),
        ("post", f"/{cc}/assessments/a1/survey-responses",
         {"response_id": "x4", "language": "xx", "answers": response(1)["answers"]}, "language"),
    ]
    before = await store_count(svc)
    for method, path, body, field in cases:
        r = await getattr(c, method)(path, json=body)
        assert r.status_code == 422, (path, r.text)
        fields = [f["field"] for f in r.json().get("fields") or []] + [r.json().get("field")]
        assert any(f and f.startswith(field) for f in fields), (field, r.json())
    assert await store_count(svc) == before


async def test_dates_out_of_order_and_edits_after_completion(assessment) -> None:
    svc, c = assessment
    await setup_assessment(c, "bd", date="2026-03-10")
    for path, body in (("policies", policies()), ("demographics", demographics()), ("management", findings())):
        await c.put(f"/bd/assessments/a1/{path}", json=body)
    await c.post("/bd/assessments/a1/survey-responses", json=response(1))
    r = await c.post("/bd/assessments/a1/complete", json={"completed_on": "2026-03-01"})
    assert r.status_code == 422 and r.json()["field"] == "completed_on"
    r = await c.post("/bd/assessments/a1/complete", json={"completed_on": "2026-03-11"})
    assert r.status_code == 200, r.text
    before = await store_count(svc)
    r = await c.put("/bd/assessments/a1/demographics", json=demographics(parent_workers=100))
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = await c.post("/bd/assessments/a1/survey-responses", json=response(2))
    assert r.status_code == 422 and r.json()["rule"] == "survey_open"
    assert await store_count(svc) == before
    # with a reason it is an amendment: new outputs, the history stays
    body = {**demographics(parent_workers=100), "reason": "HR recount"}
    r = await c.put("/bd/assessments/a1/demographics", json=body)
    assert r.status_code == 200 and r.json()["amended"] is True, r.text
    await eventually(lambda: no_lag(c))
    a = (await c.get("/bd/assessments/a1")).json()
    assert a["amendments"] == 1 and a["demographics"]["parent_workers"] == 100
    types = [e.event_type for e in await svc.store.load("assessment-a1")]
    assert types.count("DemographicsRecorded") == 2 and types[-1] == "AssessmentAmended"


async def test_stale_write_gets_412(assessment) -> None:
    svc, c = assessment
    await setup_assessment(c, "vn")
    assert (await c.put("/vn/assessments/a1/policies", json=policies(), headers={"If-Match": "1"})).status_code == 200
    r = await c.put("/vn/assessments/a1/demographics", json=demographics(), headers={"If-Match": "1"})
    assert r.status_code == 412 and r.json()["current_version"] == 2
    assert r.json()["type"] == "/problems/precondition-failed" and r.json()["expected_version"] == 1


async def test_factories_update_archive_filter_and_page(assessment) -> None:
    svc, c = assessment
    for i in range(7):
        await c.post("/bd/factories", json=factory(f"f{i}", sector="toys" if i % 2 else "garment",
                                                   buyers=["Hasbro"] if i % 2 else ["Otto Group"]))
    await c.post("/vn/factories", json=factory("v1"))
    assert (await c.patch("/bd/factories/f0", json={"headcount": 900})).json()["version"] == 2
    r = await c.post("/bd/factories/f1/archive", json={"reason": "left the supply chain"})
    assert r.status_code == 200
    r = await c.post("/bd/assessments", json={"assessment_id": "ax", "factory_id": "f1",
                                              "scheduled_date": "2026-01-01", "assessors": ["x"]})
    assert r.status_code == 422 and r.json()["rule"] == "active_factory"
    assert (await c.patch("/vn/factories/f0", json={"headcount": 1})).status_code == 404  # not in that country
    r = await c.patch("/vn/factories/f0", json={"headcount": 1}, headers={"If-Match": "7"})
    assert r.status_code == 404  # out of scope is not found before it could conflict (no leak of its version)
    await eventually(lambda: no_lag(c))
    page = (await c.get("/bd/factories", params={"limit": 3, "offset": 3})).json()
    assert page["total"] == 7 and [f["factory_id"] for f in page["items"]] == ["f3", "f4", "f5"]
    toys = (await c.get("/bd/factories", params={"sector": "toys", "buyer": "Hasbro"})).json()
    assert [f["factory_id"] for f in toys["items"]] == ["f1", "f3", "f5"]
    assert (await c.get("/bd/factories", params={"status": "archived"})).json()["total"] == 1
    assert (await c.get("/bd/factories/f0")).json()["headcount"] == 900
    assert (await c.get("/vn/factories")).json()["total"] == 1
    r = await c.get("/bd/factories", params={"limit": 0})
    assert r.status_code == 422 and r.json()["fields"][0]["field"].endswith("limit")


async def test_worklist_due_and_overdue(assessment) -> None:
    svc, c = assessment
    await c.post("/bd/factories", json=factory("f1"))
    for aid, d in (("old", "2026-02-01"), ("soon", "2026-03-05"), ("later", "2026-06-01")):
        await c.post("/bd/assessments", json={"assessment_id": aid, "factory_id": "f1", "scheduled_date": d,
                                              "assessors": ["x"]})
    await eventually(lambda: no_lag(c))
    wl = (await c.get("/bd/worklist", params={"today": "2026-03-01"})).json()
    assert [a["assessment_id"] for a in wl["overdue"]] == ["old"]
    assert [a["assessment_id"] for a in wl["due"]] == ["soon"]


async def test_survey_instrument_in_five_languages_and_idempotent_responses(assessment) -> None:
    svc, c = assessment
    for lang in ("en", "zh", "bn", "vi", "tr"):
        inst = (await c.get("/survey-instruments/1", params={"lang": lang})).json()
        assert inst["language"] == lang and len(inst["questions"]) >= 10
        assert all(q["text"] for q in inst["questions"])
    assert (await c.get("/survey-instruments/1", params={"lang": "fr"})).status_code == 422
    await setup_assessment(c, "bd")
    first = (await c.post("/bd/assessments/a1/survey-responses", json=response(7))).json()
    again = (await c.post("/bd/assessments/a1/survey-responses", json=response(7))).json()
    assert first["recorded"] is True and again["recorded"] is False
    assert len(await svc.store.load("survey-a1")) == 1


async def test_another_process_receives_the_completed_assessment_exactly_once(assessment, nats_server) -> None:
    svc, c = assessment
    script = textwrap.dedent(f"""
        import asyncio, json, nats
        async def main():
            nc = await nats.connect({nats_server.url!r})
            js = nc.jetstream()
            sub = await js.pull_subscribe("wecare.*.assessment.assessment_completed", durable="buyer-feed")
            seen, idle = [], 0
            for _ in range(40):  # until 3 s pass with nothing new after the first delivery
                try:
                    for m in await sub.fetch(10, timeout=0.5):
                        seen.append(json.loads(m.data)["event_id"]); await m.ack()
                    idle = 0
                except asyncio.TimeoutError:  # nats-py may raise the bare one
                    idle += 1
                if seen and idle >= 6:
                    break
            print(json.dumps(seen))
            await nc.close()
        asyncio.run(main())
    """)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", script, stdout=subprocess.PIPE)
    assert (await full_assessment(c, "bd")).status_code == 200
    await eventually(lambda: no_lag(c))
    # the operator re-publishes everything: JetStream's de-duplication keeps one copy
    assert (await c.post("/ops/relay/republish", params={"from_position": 1})).status_code == 200
    out, _ = await proc.communicate()
    seen = json.loads(out)
    completed = [e async for e in svc.store.read_all() if e.event_type == "AssessmentCompleted"]
    assert seen == [str(completed[0].event_id)]


async def test_rebuild_equals_live(assessment) -> None:
    svc, c = assessment
    await full_assessment(c, "bd", "f1", "a1")
    await full_assessment(c, "vn", "f2", "a2", n=6)
    await c.put("/bd/assessments/a1/management", json=findings(reason="second interview"))
    await c.patch("/bd/factories/f1", json={"headcount": 1300})
    await eventually(lambda: no_lag(c))
    for name in ("factories", "assessments", "indicators"):
        live = await svc.runners[name].snapshot()
        assert any(live.values())
        r = (await c.post(f"/ops/projections/{name}/rebuild")).json()
        assert r["identical"] is True, name
        assert await svc.runners[name].snapshot() == live
    async with svc.db.read() as conn:  # nothing was published twice into the store either
        assert len((await conn.execute(select(events.c.event_id))).all()) == await svc.store.count()


async def test_offline_batch_of_responses_is_recorded_once(assessment) -> None:
    svc, c = assessment
    await setup_assessment(c, "vn")
    await c.post("/vn/assessments/a1/survey-responses", json=response(3))  # one already sent on its own
    batch = {"responses": [response(i) for i in range(40)]}
    r = await c.post("/vn/assessments/a1/survey-responses/batch", json=batch)
    assert r.status_code == 201 and r.json() == {"received": 40, "recorded": 39, "responses": 40}
    r = await c.post("/vn/assessments/a1/survey-responses/batch", json=batch)  # sent again after a lost answer
    assert r.json() == {"received": 40, "recorded": 0, "responses": 40}
    assert len(await svc.store.load("survey-a1")) == 40
    results = await asyncio.gather(*(c.post("/vn/assessments/a1/survey-responses/batch",
                                            json={"responses": [response(i) for i in range(40, 60)]})
                                     for _ in range(3)))  # the same batch from three flaky retries at once
    assert sorted(r.json()["recorded"] for r in results) == [0, 0, 20]
    assert len(await svc.store.load("survey-a1")) == 60


async def test_a_bad_response_in_a_batch_stores_none_of_it(assessment) -> None:
    svc, c = assessment
    await setup_assessment(c, "bd")
    bad = [response(i) for i in range(10)]
    bad[3] = {**bad[3], "answers": {**bad[3]["answers"], "sex": "robot"}}
    r = await c.post("/bd/assessments/a1/survey-responses/batch", json={"responses": bad})
    assert r.status_code == 422 and r.json()["field"] == "responses.3.answers.sex"
    r = await c.post("/bd/assessments/a1/survey-responses/batch", json={"responses": [response(1), response(1)]})
    assert r.status_code == 422 and r.json()["rule"] == "unique_response_id" and r.json()["items"] == ["r1"]
    r = await c.post("/bd/assessments/a1/survey-responses/batch", json={"responses": [response(i) for i in range(501)]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "responses"
    assert await svc.store.load("survey-a1") == []


async def test_an_id_taken_in_another_country_answers_as_one_taken_in_mine(assessment) -> None:
    """Finding: a 422 "already registered" told a Bangladesh team that a
    Vietnamese factory id exists. Tried as that team would: every answer
    about Vietnam's factory is, body for body (its id and the correlation id
    taken out), the answer about a factory of its own (for a taken id) or
    about one that does not exist (for everything else). What is left: that
    the id is taken somewhere (ids are global), never where or by whom."""
    svc, c = assessment
    assert (await c.post("/bd/factories", json=factory("mine"))).status_code == 201
    assert (await c.post("/vn/factories", json=factory("theirs", name="Saigon Knit", region="Binh Duong")))\
        .status_code == 201
    bd = auth("country_team", countries=["bd"])
    before = await store_count(svc)

    def seen(r: httpx.Response, ident: str) -> tuple[int, str]:
        body = r.json()
        body.pop("correlation_id", None)
        return r.status_code, json.dumps(body, sort_keys=True).replace(ident, "<id>")

    taken_here = await c.post("/bd/factories", json=factory("mine"), headers=bd)
    taken_there = await c.post("/bd/factories", json=factory("theirs"), headers=bd)
    assert taken_here.status_code == 422 and seen(taken_here, "mine") == seen(taken_there, "theirs")
    assert taken_there.json()["rule"] == "unique" and taken_there.json()["field"] == "factory_id"
    for leak in ("vn", "viet", "saigon", "binh"):
        assert leak not in taken_there.text.lower()
    for method, path, body in (("PATCH", "/bd/factories/{}", {"headcount": 1}),
                               ("POST", "/bd/factories/{}/archive", {"reason": "x"}),
                               ("GET", "/bd/factories/{}", None)):
        missing = await c.request(method, path.format("nope"), json=body, headers=bd)
        other = await c.request(method, path.format("theirs"), json=body, headers=bd)
        assert missing.status_code == 404 and seen(missing, "nope") == seen(other, "theirs"), path
        stale = await c.request(method, path.format("theirs"), json=body, headers={**bd, "If-Match": "9"})
        assert seen(stale, "theirs") == seen(missing, "nope")  # not found before it could conflict
    plan = {"assessment_id": "ax", "scheduled_date": "2026-04-01", "assessors": ["x"]}
    missing = await c.post("/bd/assessments", json={**plan, "factory_id": "nope"}, headers=bd)
    other = await c.post("/bd/assessments", json={**plan, "factory_id": "theirs"}, headers=bd)
    assert missing.status_code == 422 and seen(missing, "nope") == seen(other, "theirs")
    assert await store_count(svc) == before


async def test_identifiers_over_http_shown_refused_with_the_field_and_scoped(assessment) -> None:
    """Through the service's API and its projection over NATS: the registry
    shows them and filters by OS ID; bad ones answer 422 naming the field and
    store nothing; another country's factory is not found."""
    svc, c = assessment
    assert (await c.post("/bd/factories", json=factory("f1", os_id="bd2019303bq3fzp"))).status_code == 201
    assert (await c.post("/bd/factories", json=factory("f2"))).status_code == 201
    before = await svc.store.count()
    for method, path, body, field in (
            ("post", "/bd/factories", factory("f3", os_id="BD20193"), "os_id"),
            ("post", "/bd/factories", factory("f3", sedex_id="ZQ123456"), "sedex_id"),
            ("post", "/bd/factories", factory("f3", os_id="VN2020145XC9D0A"), "os_id"),  # of another country
            ("post", "/bd/factories", factory("f3", os_id="BD2019303BQ3FZP"), "os_id"),  # f1's
            ("put", "/bd/factories/f2/identifiers", {"amfori_id": "x-1"}, "amfori_id"),
            ("put", "/bd/factories/f2/identifiers", {"os_id": "BD2019303BQ3FZP"}, "os_id")):
        r = await getattr(c, method)(path, json=body)
        assert r.status_code == 422, (path, r.text)
        fields = [f["field"] for f in r.json().get("fields") or []] + [r.json().get("field")]
        assert any(f and f.endswith(field) for f in fields), (field, r.json())
    assert await svc.store.count() == before
    r = await c.put("/bd/factories/f2/identifiers", json={"os_id": "BD2021011K7M2QX", "amfori_id": "050-021907-000"})
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    assert (await c.put("/vn/factories/f2/identifiers", json={"os_id": "BD2021011K7M2QX"})).status_code == 404
    await eventually(lambda: no_lag(c))
    f2 = (await c.get("/bd/factories/f2")).json()
    assert (f2["os_id"], f2["amfori_id"], f2["sedex_id"]) == ("BD2021011K7M2QX", "050-021907-000", None)
    found = (await c.get("/bd/factories", params={"os_id": "bd2019303bq3fzp"})).json()
    assert [f["factory_id"] for f in found["items"]] == ["f1"]
