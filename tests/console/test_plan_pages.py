"""The plan editor through the console: the menu with credits, the budget
left, the rules' refusals beside the activities they name (nothing stored),
a stale version, approval and kick-off, and the caller's scope."""

from __future__ import annotations

import re
from html import unescape

from tests.console import seed
from tests.console.conftest import ConsoleStack, signed_in

ORIGIN = {"Origin": "http://console"}


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, name
    return unescape(m.group(1))


def plan_form(page: str, activities: list[str], **extra: object) -> dict:
    """The editor's form as a browser sends it: the activities ticked, the milestones and KPIs as shown."""
    data: dict = {"csrf": hidden(page, "csrf"), "version": hidden(page, "version"), "activity": activities}
    for name in ("milestone_name", "milestone_due", "milestone_activities", "kpi_indicator", "kpi_target",
                 "kpi_baseline"):
        data[name] = [unescape(v) for v in re.findall(rf'name="{name}"[^>]*?value="([^"]*)"', page)]
    data.update(extra)
    return data


def checked(page: str) -> set[str]:
    return set(re.findall(r'name="activity" value="([^"]+)"[^>]*?\schecked', page))


def text_of(page: str, ident: str) -> str:
    m = re.search(rf'<p class="field-error" id="{ident}">(.*?)</p>', page, re.S)
    return unescape(m.group(1)) if m else ""


async def test_the_editor_refuses_a_plan_over_budget_beside_its_activities_and_then_saves_approves_kicks_off(
        console_stack: ConsoleStack):
    plan_id = await seed.drafted_plan(console_stack, "bd", "bd-pe-1", ["training_of_trainers"])
    console_stack.account("lina", countries=("bd",))
    planning = console_stack.admin("planning")
    async with signed_in(console_stack, "lina") as b:
        page = (await b.get(f"/bd/plans/{plan_id}")).text
        # the menu: every activity as a checkbox with its credits; the budget left
        assert 'id="act-training_of_trainers" name="activity" value="training_of_trainers" data-credits="2"' in page
        assert "Training the Trainer Programme (2 credits)" in page
        assert checked(page) == {"family_day", "training_of_trainers"}
        assert "2 of 10 credits used, 8 left" in page
        assert '<script src="/static/plan.js" defer></script>' in page
        before = (await planning.get(f"/bd/plans/{plan_id}")).json()

        # 2 + 8 + 6 = 16 credits: refused, the rule's message beside each paid activity and at the top
        over = ["family_day", "training_of_trainers", "child_friendly_space", "responsible_recruitment"]
        r = await b.post(f"/bd/plans/{plan_id}", data=plan_form(page, over), headers=ORIGIN)
        assert r.status_code == 422, r.text
        message = "the plan uses 16 credits of a budget of 10"
        for code in ("training_of_trainers", "child_friendly_space", "responsible_recruitment"):
            assert text_of(r.text, f"err-{code}") == message, code
        assert text_of(r.text, "err-family_day") == ""  # it costs nothing: not at fault
        assert 'role="alert"' in r.text and message in r.text.split('id="problem"')[1][:300]
        assert "16 of 10 credits used: 6 over the budget" in r.text  # the choice kept, not lost
        after = (await planning.get(f"/bd/plans/{plan_id}")).json()
        assert after["version"] == before["version"] and after["content"] == before["content"]  # nothing stored

        # fixed: within the budget, saved
        fixed = ["family_day", "training_of_trainers", "child_friendly_space"]
        r = await b.post(f"/bd/plans/{plan_id}", data=plan_form(r.text, fixed), headers=ORIGIN)
        assert r.status_code == 303, r.text
        assert r.headers["location"].startswith(f"/bd/plans/{plan_id}?done=saved")
        page = (await b.get(r.headers["location"])).text
        assert "The plan is saved." in page and "10 of 10 credits used, 0 left" in page
        stored = (await planning.get(f"/bd/plans/{plan_id}")).json()
        assert sorted(a["activity"] for a in stored["content"]["activities"]) == sorted(fixed)
        assert stored["history"][-1]["actor"] == "lina"

        # approved, then kicked off: the API's answers shown
        r = await b.post(f"/bd/plans/{plan_id}/approve", headers=ORIGIN, data={
            "csrf": hidden(page, "csrf"), "version": hidden(page, "version"), "approved_by": "Factory GM",
            "approved_on": "2026-03-10"})
        assert r.status_code == 303, r.text
        page = (await b.get(r.headers["location"])).text
        assert "The plan is approved." in page and "Approve the plan" not in page
        # a kick-off before the approval's date: the API's refusal, in the kick-off form
        kick = {"csrf": hidden(page, "csrf"), "version": hidden(page, "version"), "held_on": "2026-03-01",
                "participants": "25", "facilitators": "Rahima, Karim"}
        r = await b.post(f"/bd/plans/{plan_id}/kick-off", headers=ORIGIN, data=kick)
        assert r.status_code == 422 and "held_on 2026-03-01 is before the approval on 2026-03-10" in unescape(r.text)
        r = await b.post(f"/bd/plans/{plan_id}/kick-off", headers=ORIGIN, data={**kick, "held_on": "2026-03-20"})
        assert r.status_code == 303, r.text
        page = (await b.get(r.headers["location"])).text
        assert "The kick-off is recorded." in page and "Record the kick-off" not in page
        stored = (await planning.get(f"/bd/plans/{plan_id}")).json()
        assert (stored["status"], stored["kicked_off_on"]) == ("approved", "2026-03-20")
        # once approved, a change is a new revision and needs a reason: said beside the reason's field
        assert 'name="reason"' in page
        r = await b.post(f"/bd/plans/{plan_id}", headers=ORIGIN, data=plan_form(page, fixed))
        assert r.status_code == 422
        assert text_of(r.text, "reason-err") == "the plan is approved: a change is a new revision and needs a reason"
        r = await b.post(f"/bd/plans/{plan_id}", headers=ORIGIN,
                         data=plan_form(page, ["family_day", "training_of_trainers"], reason="the creche waits"))
        assert r.status_code == 303
        stored = (await planning.get(f"/bd/plans/{plan_id}")).json()
        assert (stored["status"], stored["revision"]) == ("in_revision", 2)


async def test_a_stale_version_says_someone_changed_the_plan_and_stores_nothing(console_stack: ConsoleStack):
    plan_id = await seed.drafted_plan(console_stack, "bd", "bd-pe-2", ["training_of_trainers"])
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        page = (await b.get(f"/bd/plans/{plan_id}")).text
        # meanwhile, a colleague saves the plan
        p = console_stack.admin("planning")
        current = await p.get(f"/bd/plans/{plan_id}")
        r = await p.put(f"/bd/plans/{plan_id}", headers={"If-Match": current.headers["etag"]}, json={
            "activities": [{"activity": "family_day"}, {"activity": "migrant_parents_training"}],
            "milestones": current.json()["content"]["milestones"], "kpis": [seed.KPI]})
        assert r.status_code == 200, r.text
        r = await b.post(f"/bd/plans/{plan_id}", headers=ORIGIN,
                         data=plan_form(page, ["family_day", "training_of_trainers", "photo_voice"]))
        assert r.status_code == 412
        assert "Someone changed this plan since you opened it." in r.text
        stored = (await p.get(f"/bd/plans/{plan_id}")).json()
        assert [a["activity"] for a in stored["content"]["activities"]] == ["family_day", "migrant_parents_training"]
        # the page shows the plan as it is now, with its new version: saving again works
        assert checked(r.text) == {"family_day", "migrant_parents_training"}
        r = await b.post(f"/bd/plans/{plan_id}", headers=ORIGIN,
                         data=plan_form(r.text, ["family_day", "migrant_parents_training", "photo_voice"]))
        assert r.status_code == 303, r.text


async def test_plans_are_the_callers_countries_and_a_form_needs_its_csrf(console_stack: ConsoleStack):
    bd_plan = await seed.drafted_plan(console_stack, "bd", "bd-pe-3", ["training_of_trainers"])
    vn_plan = await seed.drafted_plan(console_stack, "vn", "vn-pe-1", ["training_of_trainers"], buyer="Hasbro")
    console_stack.account("lina", countries=("bd",))
    await seed.settled(console_stack)
    async with signed_in(console_stack, "lina") as b:
        listing = await b.get("/bd/plans")
        assert listing.status_code == 200 and "bd-pe-3" in listing.text and "vn-pe-1" not in listing.text
        assert (await b.get(f"/vn/plans/{vn_plan}")).status_code == 404
        assert (await b.get("/vn/plans")).status_code == 404
        assert (await b.get(f"/bd/plans/{vn_plan}")).status_code == 404  # another country's plan, by its id
        page = (await b.get(f"/bd/plans/{bd_plan}")).text
        r = await b.post(f"/vn/plans/{vn_plan}", headers=ORIGIN, data=plan_form(page, ["family_day"]))
        assert r.status_code == 404
        r = await b.post(f"/bd/plans/{bd_plan}", headers=ORIGIN, data={**plan_form(page, ["family_day"]), "csrf": "x"})
        assert r.status_code == 403
        r = await b.post(f"/bd/plans/{bd_plan}", headers={"Origin": "https://evil.example"},
                         data=plan_form(page, ["family_day"]))
        assert r.status_code == 403
    vn = (await console_stack.admin("planning").get(f"/vn/plans/{vn_plan}")).json()
    assert vn["version"] == 1


async def test_an_assessed_factory_has_its_suggested_plan_and_why(console_stack: ConsoleStack):
    s = console_stack
    await seed.factory(s, "bd", "bd-pe-4")
    await seed.settled(s)
    await seed.programme(s, "bd", "otto-pe", ["bd-pe-4"])  # not assessed yet: no plan, it waits
    s.account("lina", countries=("bd",))
    async with signed_in(s, "lina") as b:
        page = (await b.get("/bd/plans", params={"factory": "bd-pe-4"})).text
        assert "Factories waiting for their needs assessment" in page and "bd-pe-4" in page
        await seed.assessed(s, "bd", "bd-pe-4")
        await seed.settled(s)  # the planning service drafts the suggested plan from the needs profile
        page = (await b.get("/bd/plans", params={"factory": "bd-pe-4"})).text
        assert "/bd/plans/otto-pe.bd-pe-4" in page and "Draft" in page
        plan = (await s.admin("planning").get("/bd/plans/otto-pe.bd-pe-4")).json()
        page = unescape((await b.get("/bd/plans/otto-pe.bd-pe-4")).text)
        assert plan["suggested"] and plan["explanation"]
        assert "Why this plan was suggested" in page and plan["explanation"][0] in page
        assert checked(page) == {a["activity"] for a in plan["content"]["activities"]}
        # starting another plan from the suggestion: the API's refusal on the page, nothing stored
        r = await b.post("/bd/plans/start", headers=ORIGIN, data={
            "csrf": hidden(page, "csrf"), "programme_id": "otto-pe", "factory_id": "bd-pe-4"})
        assert r.status_code == 422 and "has a plan in programme otto-pe already" in unescape(r.text)
        assert (await s.admin("planning").get("/bd/plans/otto-pe.bd-pe-4")).json()["version"] == plan["version"]


async def test_a_plan_written_a_moment_ago_says_it_will_appear_and_the_editor_speaks_the_callers_language(
        console_stack: ConsoleStack):
    plan_id = await seed.drafted_plan(console_stack, "bd", "bd-pe-5", ["training_of_trainers"])
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        r = await b.get("/bd/plans/otto-bd-pe-5.not-yet-there", params={"done": "started"})
        assert r.status_code == 200 and "Recorded. It will appear in a moment." in r.text
        assert '<meta http-equiv="refresh" content="2">' in r.text
        assert (await b.get("/bd/plans/otto-bd-pe-5.not-yet-there")).status_code == 404
        b.cookies.set("wecare_lang", "bn")
        page = (await b.get(f"/bd/plans/{plan_id}")).text
        assert "পরিকল্পনা সংরক্ষণ করুন" in page and 'lang="bn"' in page
        b.cookies.set("wecare_lang", "zh")
        page = (await b.get(f"/bd/plans/{plan_id}")).text
        assert "保存计划" in page and "已用 2 / 10 学分，剩余 8" in page
