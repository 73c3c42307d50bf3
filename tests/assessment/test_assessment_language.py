"""The assessment's answers in the field officer's language (issue #20): the
policies checklist's labels, the needs profile's areas, and the rules a field user
meets, in Bengali, Chinese, Vietnamese and Turkish; codes as in English."""

from __future__ import annotations

from tests.assessment.builders import CHECKLIST, policies
from tests.assessment.test_assessment_api import full_assessment, setup_assessment
from tests.conftest import eventually
from tests.harness import no_lag


async def test_the_checklist_is_labelled_in_the_callers_language(assessment) -> None:
    _, c = assessment
    english = (await c.get("/checklist")).json()
    r = await c.get("/checklist", headers={"Accept-Language": "bn"})
    assert r.status_code == 200 and r.headers["content-language"] == "bn" and "Accept-Language" in r.headers["vary"]
    items = {i["id"]: i for i in r.json()["items"]}
    assert list(items) == list(CHECKLIST) == [i["id"] for i in english["items"]]
    assert items["paid_maternity_leave"]["label"] == "সবেতন মাতৃত্বকালীন ছুটি"
    assert items["paid_maternity_leave"]["asks_days"] is True and items["paid_maternity_leave"]["area"] == \
        "maternal_health"
    assert items["paid_maternity_leave"]["area_name"] == "মাতৃস্বাস্থ্য ও বুকের দুধ খাওয়ানো"
    assert english["items"][0]["label"] == "Paid maternity leave"
    zh = (await c.get("/checklist", headers={"Accept-Language": "zh-Hans-CN"})).json()
    assert zh["items"][2]["label"] == "托育设施"


async def test_the_needs_profile_names_its_areas_in_chinese(assessment) -> None:
    _, c = assessment
    r = await full_assessment(c, "bd")
    assert r.status_code == 200, r.text
    await eventually(lambda: no_lag(c))
    zh = await c.get("/bd/assessments/a1", headers={"Accept-Language": "zh"})
    en = await c.get("/bd/assessments/a1")
    names = {n["area"]: n["name"] for n in zh.json()["needs_profile"]}
    assert names["childcare"] == "托育解决方案" and names["responsible_recruitment"] == "负责任招聘"
    assert {n["area"]: n["name"] for n in en.json()["needs_profile"]}["childcare"] == "Childcare solutions"
    assert zh.headers["content-language"] == "zh" and "Accept-Language" in zh.headers["vary"]
    # the rest is the same, and the ETag still names the stream version (If-Match)
    assert [n["severity"] for n in zh.json()["needs_profile"]] == [n["severity"] for n in en.json()["needs_profile"]]
    assert zh.headers["etag"].split("-")[0] == en.headers["etag"].split("-")[0]


async def test_a_rule_the_field_officer_breaks_is_explained_in_their_language(assessment) -> None:
    svc, c = assessment
    await setup_assessment(c, "bd")
    before = await svc.store.count()
    body = policies()
    del body["items"]["grievance_channel"]
    r = await c.put("/bd/assessments/a1/policies", json=body, headers={"Accept-Language": "vi"})
    assert r.status_code == 422
    p = r.json()
    assert p["detail"] == "Các mục kiểm tra chưa được trả lời: grievance_channel"
    assert (p["rule"], p["field"], p["items"]) == ("complete_checklist", "items", ["grievance_channel"])
    r = await c.put("/bd/assessments/a1/policies", json=body, headers={"Accept-Language": "tr-TR"})
    assert r.json()["detail"] == "Yanıtlanmamış kontrol listesi maddeleri: grievance_channel"
    r = await c.put("/bd/assessments/a1/policies", json=body)
    assert r.json()["detail"] == "checklist items not answered: grievance_channel"
    r = await c.post("/bd/assessments", json={"assessment_id": "a2", "factory_id": "nope",
                                              "scheduled_date": "2026-03-10", "assessors": ["Ms Rahman"]},
                     headers={"Accept-Language": "bn"})
    assert r.status_code == 422 and r.json()["detail"] == "bd-এ nope নামে কোনো কারখানা নেই"
    assert r.json()["rule"] == "known_factory"
    assert await svc.store.count() == before  # nothing stored
