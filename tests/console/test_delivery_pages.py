"""Session entry in the console (the page without JavaScript, and the API
path the offline queue takes): a session with attendance by role, sex and
age band is recorded once however often it is sent, a bad one names its
field and stores nothing, and a user sees only the plans of their country."""

from __future__ import annotations

import re

import pytest

from console.pages.delivery import form_field
from services.planning.domain.plan import Plan
from tests.conftest import eventually
from tests.console.conftest import ConsoleStack, signed_in
from tests.harness import no_lag

KPI = {"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}
SAME_SITE = {"Origin": "http://console"}


async def settled(s: ConsoleStack) -> None:
    async def all_() -> bool:
        return all([await no_lag(s.admin(n)) for n in ("assessment", "planning", "delivery")])
    await eventually(all_, timeout=20)


async def approved_plan(s: ConsoleStack, country: str, factory: str, name: str) -> str:
    """A registered factory with an approved plan (a training of trainers), as delivery received it."""
    r = await s.admin("assessment").post(f"/{country}/factories", json={
        "factory_id": factory, "name": name, "supplier": "Supplier Co", "region": "Region", "sector": "garment",
        "buyers": ["Otto Group"], "headcount": 800})
    assert r.status_code == 201, r.text
    await settled(s)
    pid = f"otto-{factory}"
    r = await s.admin("planning").post(f"/{country}/programmes", json={
        "programme_id": pid, "name": "WeCare", "buyer": "Otto Group", "factories": [factory],
        "starts_on": "2026-01-01"})
    assert r.status_code == 201, r.text
    r = await s.admin("planning").post(f"/{country}/plans", json={
        "programme_id": pid, "factory_id": factory,
        "activities": [{"activity": "family_day"}, {"activity": "training_of_trainers"}],
        "milestones": [{"name": "Kick-off", "due": "2026-01-20"}], "kpis": [KPI]})
    assert r.status_code == 201, r.text
    plan_id = Plan.plan_id(pid, factory)
    r = await s.admin("planning").post(f"/{country}/plans/{plan_id}/approve",
                                       json={"approved_by": "GM", "approved_on": "2026-01-10"})
    assert r.status_code == 200, r.text
    await settled(s)
    return plan_id


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, name
    return m.group(1)


def session_form(page: str, **kw: str) -> dict[str, str]:
    form = {"csrf": hidden(page, "csrf"), "session_id": hidden(page, "session_id"), "key": hidden(page, "key"),
            "activity": "training_of_trainers", "date": "2026-05-04", "time": "09:00", "venue": "training room",
            "trainers": "wecare:rahima", "capacity": "20", "expected": "",
            "n.manager.female.25_34": "3", "n.manager.male.35_44": "2"}
    form.update(kw)
    return form


async def test_a_session_entered_without_javascript_is_recorded_once(console_stack: ConsoleStack):
    plan_id = await approved_plan(console_stack, "bd", "bd-entry-1", "Entry Knitwear")
    console_stack.account("lina", countries=("bd",))
    delivery = console_stack.services["delivery"][0]
    async with signed_in(console_stack, "lina") as b:
        plans = await b.get("/bd/deliveries")
        assert plans.status_code == 200 and "Entry Knitwear" in plans.text
        assert f'href="/bd/deliveries/{plan_id}"' in plans.text
        one = await b.get("/bd/deliveries", params={"factory": "bd-entry-1"})  # the factory page's link
        assert f'href="/bd/deliveries/{plan_id}"' in one.text
        assert 'href="/bd/deliveries/' not in (await b.get("/bd/deliveries", params={"factory": "other"})).text
        page = await b.get(f"/bd/deliveries/{plan_id}")
        assert page.status_code == 200
        # the form: every input labelled, the grid by role, sex and age band, the offline script
        assert 'src="/static/sessions.js"' in page.text and 'id="n-manager-female-25_34"' in page.text
        ids = set(re.findall(r'<input id="([^"]+)"', page.text)) | set(re.findall(r'<select id="([^"]+)"', page.text))
        assert ids and all(f'for="{i}"' in page.text for i in ids), "an input without a label"
        form = session_form(page.text)
        r = await b.post(f"/bd/deliveries/{plan_id}/sessions", data=form, headers=SAME_SITE)
        assert r.status_code == 303, r.text
        assert r.headers["location"] == f"/bd/deliveries/{plan_id}?recorded={form['session_id']}"
        events = await delivery.store.count()
        # sent again (a double tap, the back button): the same ids, nothing recorded twice
        again = await b.post(f"/bd/deliveries/{plan_id}/sessions", data=form, headers=SAME_SITE)
        assert again.status_code == 303
        assert await delivery.store.count() == events
        await settled(console_stack)
        shown = await b.get(r.headers["location"])
        assert "The session was recorded." in shown.text
        assert f'data-session="{form["session_id"]}"' in shown.text
        assert "1 training of trainers delivered to 5 managers" in shown.text
        plan = (await console_stack.admin("delivery").get(f"/bd/deliveries/{plan_id}")).json()
        assert [(s["session_id"], s["total"], s["female"]) for s in plan["sessions"]] == [(form["session_id"], 5, 3)]


async def test_the_offline_queue_sends_through_the_gateway_and_a_resend_records_nothing(console_stack: ConsoleStack):
    """What sessions.js sends: the batch with a client-made session id and an Idempotency-Key, through
    /api/delivery; the same item again (the connection dropped before the answer) changes nothing."""
    plan_id = await approved_plan(console_stack, "bd", "bd-entry-2", "Queue Garments")
    console_stack.account("rafi", countries=("bd",))
    delivery = console_stack.services["delivery"][0]
    item = {"sessions": [{"session_id": "0b6f3c52-6a41-4a8e-9a57-4f8a7c1d2e11", "activity": "training_of_trainers",
                          "local_start": "2026-05-11T09:00", "venue": None, "trainers": ["wecare:rahima"],
                          "capacity": 20, "expected_participants": 5,
                          "attendance": {"delivered_at": "2026-05-11T09:00", "counts": [
                              {"role": "manager", "sex": "female", "age_band": "35_44", "count": 5}]}}]}
    headers = {**SAME_SITE, "Idempotency-Key": "7d1f0c8e-2b7a-4c55-8f0e-0c6a9b3e5d21"}
    async with signed_in(console_stack, "rafi") as b:
        url = f"/api/delivery/bd/deliveries/{plan_id}/batch"
        first = await b.post(url, json=item, headers=headers)
        assert first.status_code == 200, first.text
        events = await delivery.store.count()
        for _ in range(2):
            assert (await b.post(url, json=item, headers=headers)).status_code == 200
        assert await delivery.store.count() == events
        # the same key for another body is refused, naming the key, and stores nothing
        other = {"sessions": [{**item["sessions"][0], "session_id": "another-session"}]}
        r = await b.post(url, json=other, headers=headers)
        assert r.status_code in (409, 422) and await delivery.store.count() == events
    await settled(console_stack)
    plan = (await console_stack.admin("delivery").get(f"/bd/deliveries/{plan_id}")).json()
    assert [s["session_id"] for s in plan["sessions"]] == [item["sessions"][0]["session_id"]]


async def test_a_bad_session_names_its_field_and_stores_nothing(console_stack: ConsoleStack):
    plan_id = await approved_plan(console_stack, "bd", "bd-entry-3", "Careful Apparel")
    console_stack.account("lina", countries=("bd",))
    delivery = console_stack.services["delivery"][0]
    async with signed_in(console_stack, "lina") as b:
        page = (await b.get(f"/bd/deliveries/{plan_id}")).text
        events = await delivery.store.count()
        cases = [  # (the form's change, the field shown in error, a word of its message)
            ({"capacity": "4"}, "attendance", "capacity"),  # 5 came to a session for 4: the service's rule
            ({"trainers": "dk-nobody"}, "trainers", "dk-nobody"),  # not a trainer of this factory
            ({"trainers": ""}, "trainers", "trainer"),  # the console's own check
            ({"date": ""}, "when", "date"),
            ({"n.manager.male.35_44": "two"}, "attendance", "whole numbers"),
            ({"date": "2099-01-01"}, "attendance", "future"),  # delivered in the future
        ]
        for change, field, word in cases:
            r = await b.post(f"/bd/deliveries/{plan_id}/sessions", data=session_form(page, **change),
                             headers=SAME_SITE)
            assert r.status_code in (409, 422), (change, r.status_code)
            m = re.search(rf'class="field-error" id="{field}-error">([^<]+)<', r.text)
            assert m and word in m.group(1).lower(), (change, m and m.group(1))
            assert 'value="training room"' in r.text  # what was typed stays
        assert await delivery.store.count() == events


async def test_a_user_sees_only_the_plans_of_their_country(console_stack: ConsoleStack):
    bd_plan = await approved_plan(console_stack, "bd", "bd-entry-4", "Dhaka Scope Knit")
    vn_plan = await approved_plan(console_stack, "vn", "vn-entry-1", "Saigon Secret Shoes")
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        for url in ("/bd/deliveries", f"/bd/deliveries/{bd_plan}"):
            r = await b.get(url)
            assert r.status_code == 200 and "Saigon Secret Shoes" not in r.text and vn_plan not in r.text
        for url in ("/vn/deliveries", f"/vn/deliveries/{vn_plan}", f"/bd/deliveries/{vn_plan}"):
            r = await b.get(url)
            assert r.status_code == 404 and "Saigon Secret Shoes" not in r.text, url
        page = (await b.get(f"/bd/deliveries/{bd_plan}")).text
        r = await b.post(f"/vn/deliveries/{vn_plan}/sessions", data=session_form(page), headers=SAME_SITE)
        assert r.status_code == 404
        # a form without this user's csrf value, or from another site, changes nothing
        r = await b.post(f"/bd/deliveries/{bd_plan}/sessions", data=session_form(page, csrf="x"), headers=SAME_SITE)
        assert r.status_code == 403
        r = await b.post(f"/bd/deliveries/{bd_plan}/sessions", data=session_form(page),
                         headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
    async with console_stack.browser() as anonymous:
        r = await anonymous.get(f"/bd/deliveries/{bd_plan}")
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")


async def test_the_app_installs_its_service_worker_at_the_root(console_stack: ConsoleStack):
    async with console_stack.browser() as b:
        sw = await b.get("/sw.js")
        assert sw.status_code == 200 and "javascript" in sw.headers["content-type"]
        assert sw.headers["service-worker-allowed"] == "/" and sw.headers["cache-control"] == "no-cache"
        m = (await b.get("/manifest.webmanifest", headers={"Accept-Language": "bn"}))
        assert m.headers["content-type"].startswith("application/manifest+json")
        body = m.json()
        assert body["display"] == "standalone" and body["start_url"] == "/" and body["theme_color"]
        assert body["lang"] == "bn" and body["name"] != "WeCare Ops"
        for icon in body["icons"]:
            r = await b.get(icon["src"])
            assert r.status_code == 200 and r.headers["content-type"] == icon["type"], icon
        for name in ("sessions.js", "sw.js", "delivery.css"):
            assert (await b.get(f"/static/{name}")).status_code == 200


@pytest.mark.unit
def test_problems_point_at_the_forms_fields():
    assert form_field("sessions.0.capacity") == "capacity"
    assert form_field("body.sessions.0.local_start") == "when"
    assert form_field("sessions.0.attendance.counts.1.count") == "attendance"
    assert form_field("sessions.0.delivered_at") == "attendance"
    assert form_field("sessions.0.trainers.2") == "trainers"
    assert form_field("Idempotency-Key") == "" and form_field("sessions.0.session_id") == ""
    # the statements' language is the delivery service's (tests/delivery/test_delivery_flow.py)
