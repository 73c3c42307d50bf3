"""The plan editor's answers in the caller's language (issue #20), from the planning
service itself: a plan over budget refused in Bengali and Chinese, naming the field and
the activities as in English, nothing stored; the menu, the plan's activities and KPIs
named in Vietnamese beside their codes."""

from __future__ import annotations

import pytest

from services.planning.domain.plan import Plan
from tests.planning.conftest import Stack

OVER_BUDGET = [{"activity": "family_day"}, {"activity": "child_friendly_space"},
               {"activity": "responsible_recruitment"}]  # 0 + 8 + 6 credits of 10
KPI = {"indicator": "share_high_stress", "baseline": 0.5, "target": 0.3}
MILESTONE = {"name": "Kick-off", "due": "2026-03-20"}


@pytest.fixture
async def programme(stack: Stack) -> Stack:
    await stack.factory("bd", "F1")
    await stack.settled()
    r = await stack.programme("bd", "otto", ["F1"], starts_on="2026-03-01", ends_on="2027-02-28")
    assert r.status_code == 201, r.text
    return stack


def plan(activities: list[dict]) -> dict:
    return {"programme_id": "otto", "factory_id": "F1", "activities": activities, "milestones": [MILESTONE],
            "kpis": [KPI]}


@pytest.mark.parametrize(("lang", "detail"), [
    ("bn-BD", "পরিকল্পনাটি 10 ক্রেডিটের বাজেটের মধ্যে 14 ক্রেডিট ব্যবহার করে"),
    ("zh-CN,zh;q=0.9", "该计划使用了 14 个学分，而预算为 10 个"),
])
async def test_a_plan_over_budget_is_refused_in_bengali_and_chinese(programme: Stack, lang: str,
                                                                    detail: str) -> None:
    p = programme.planning
    before = await programme.planning_service.store.count()
    english = await p.post("/bd/plans", json=plan(OVER_BUDGET))
    r = await p.post("/bd/plans", json=plan(OVER_BUDGET), headers={"Accept-Language": lang})
    assert r.status_code == english.status_code == 422, r.text
    got, en = r.json(), english.json()
    assert got["detail"] == detail and got["fields"] == [{"field": "activities", "message": detail}]
    assert en["detail"] == "the plan uses 14 credits of a budget of 10"  # as it always was
    assert got["title"] != en["title"] == "A rule is broken"
    for key in ("type", "status", "rule", "field", "items", "instance"):  # what the editor places it by
        assert got[key] == en[key], key
    assert got["items"] == ["child_friendly_space", "responsible_recruitment"] and got["field"] == "activities"
    assert r.headers["content-language"] == lang[:2] and "Accept-Language" in r.headers["vary"]
    assert await programme.planning_service.store.count() == before  # nothing stored


async def test_pydantic_errors_of_a_plan_are_translated_and_name_the_field(programme: Stack) -> None:
    r = await programme.planning.post("/bd/plans", json={**plan(OVER_BUDGET), "factory_id": ""},
                                      headers={"Accept-Language": "tr"})
    assert r.status_code == 422
    assert r.json()["fields"] == [{"field": "factory_id", "message": "Metin en az 1 karakter olmalıdır",
                                   "type": "string_too_short"}]
    assert r.json()["detail"] == "Geçersiz girdi: factory_id"


async def test_the_menu_and_the_plan_are_named_in_vietnamese(programme: Stack) -> None:
    p = programme.planning
    r = await p.get("/bd/catalogue", headers={"Accept-Language": "vi"})
    assert r.status_code == 200 and r.headers["content-language"] == "vi"
    names = {a["code"]: a["name"] for a in r.json()["activities"]}
    assert names["migrant_parents_training"] == "Tập huấn cho cha mẹ di cư"
    assert r.json()["areas"]["parenting_family_support"] == "Kỹ năng nuôi dạy con và hỗ trợ gia đình"
    english = (await p.get("/bd/catalogue")).json()
    assert [a["code"] for a in english["activities"]] == list(names)
    assert {a["code"]: a["name"] for a in english["activities"]}["family_day"] == "Family Day"

    r = await p.post("/bd/plans", json=plan([{"activity": "family_day"}, {"activity": "migrant_parents_training"}]))
    assert r.status_code == 201, r.text
    pid = Plan.plan_id("otto", "F1")
    got = await p.get(f"/bd/plans/{pid}", headers={"Accept-Language": "vi"})
    content = got.json()["content"]
    assert [(a["activity"], a["name"]) for a in content["activities"]] == [
        ("family_day", "Ngày hội gia đình"), ("migrant_parents_training", "Tập huấn cho cha mẹ di cư")]
    assert [(k["indicator"], k["name"]) for k in content["kpis"]] == [
        ("share_high_stress", "Công nhân căng thẳng cao vì công việc và gia đình")]
    assert got.headers["content-language"] == "vi" and "Accept-Language" in got.headers["vary"]
    en = (await p.get(f"/bd/plans/{pid}")).json()["content"]
    assert en["kpis"][0]["name"] == "Workers highly stressed by work and family"
    # the ETag still carries the plan's version, whatever the language (If-Match takes it back)
    assert got.headers["etag"].split("-")[0] == (await p.get(f"/bd/plans/{pid}")).headers["etag"].split("-")[0]


async def test_the_suggestion_says_why_in_bengali(stack: Stack) -> None:
    await stack.factory("bd", "F2")
    await stack.assess("bd", "F2")
    await stack.settled()
    r = await stack.programme("bd", "otto", ["F2"], starts_on="2026-03-01", ends_on="2027-02-28")
    assert r.status_code == 201, r.text
    path = "/bd/programmes/otto/factories/F2/suggestion"
    en = (await stack.planning.get(path)).json()
    r = await stack.planning.get(path, headers={"Accept-Language": "bn"})
    assert r.status_code == 200 and r.headers["content-language"] == "bn"
    bn = r.json()
    assert len(bn["explanation"]) == len(en["explanation"]) and bn["plan"]["activities"][0]["activity"] == "family_day"
    assert en["explanation"][0] == "Family Day: mandatory in every plan"
    assert bn["explanation"][0] == "পারিবারিক দিবস: প্রতিটি পরিকল্পনায় বাধ্যতামূলক"
    used, budget = en["plan"]["credits_used"], 10
    assert bn["explanation"][-1].startswith(f"{budget} ক্রেডিটের মধ্যে {used} ক্রেডিট ব্যবহার করে")
    assert all(a != b for a, b in zip(en["explanation"], bn["explanation"], strict=True))
    # the drafted plan keeps the English explanation it was made with
    plan = (await stack.planning.get(f"/bd/plans/{Plan.plan_id('otto', 'F2')}")).json()
    assert plan["explanation"] == en["explanation"]
