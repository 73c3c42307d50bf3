"""The country team's assessment pages: the registry, a factory, an assessment's
forms through to completion, in the caller's scope and language, as plain
forms (no script): what the browser test drives by label."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.console.conftest import ConsoleStack, signed_in

CHECKLIST = ("paid_maternity_leave", "breastfeeding_facilities", "childcare_facilities", "flexible_working",
             "health_protection", "medical_benefits", "employment_protection", "family_friendly_policy",
             "childcare_support", "responsible_recruitment", "young_workers", "grievance_channel")
FACTORY = {"name": "Rahman Knit", "supplier": "Rahman Group", "region": "Gazipur", "sector": "garment",
           "buyers": "Otto Group\nTchibo", "headcount": "1200"}


@pytest.mark.unit
def test_lists_counts_and_messages_are_read_as_typed():
    from console.pages.assessment import errors_of, lines, whole
    from console.web import Problem

    assert lines("Otto Group\r\nTchibo, C&A;\n\n") == ["Otto Group", "Tchibo", "C&A"]
    assert (whole(""), whole(" 12 "), whole("12a")) == (None, 12, "12a")
    body = {"fields": [{"field": "demographics", "message": "Value error, migrant_workers (900) exceeds the "
                                                             "headcount (300)"},
                       {"field": "findings.0.area", "message": "unknown need area"},
                       {"field": "sections", "message": "required sections missing: survey"}]}
    problem = Problem.of(httpx.Response(422, json=body))
    assert errors_of(problem, {"findings.0.area": "area.3", "sections": ""}, ("migrant_workers",)) == {
        "migrant_workers": body["fields"][0]["message"], "area.3": "unknown need area",
        "": "required sections missing: survey"}


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert m, f"no {name} in the page"
    return m.group(1)


def form_of(page: str, action: str) -> str:
    """The form posting to `action`, as text."""
    m = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert m, f"no form to {action}"
    return m.group(0)


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 10) -> Any:
    """Reads lag writes (issue #19): the check, until it answers something true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        out = await check()
        if out or asyncio.get_running_loop().time() > deadline:
            return out
        await asyncio.sleep(0.1)


async def post(b: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Send the form of the page as a browser would: its hidden fields, then `data`."""
    page = (await b.get(page_url)).text
    form = form_of(page, action)
    body = {"csrf": hidden(form, "csrf"), "key": hidden(form, "key")}
    if 'name="version"' in form:
        body["version"] = hidden(form, "version")
    return await b.post(action, data={**body, **data}, headers={"Origin": "http://console"})


async def register(stack: ConsoleStack, b: httpx.AsyncClient, **kw: str) -> str:
    r = await post(b, "/bd/factories", "/bd/factories", {**FACTORY, **kw})
    assert r.status_code == 303, r.text
    return r.headers["location"].split("?")[0].rsplit("/", 1)[1]


async def test_registering_a_factory_shows_it_and_a_bad_field_is_named_with_nothing_stored(
        console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    admin = console_stack.admin("assessment")
    async with signed_in(console_stack, "lina") as b:
        page = await b.get("/bd/factories")
        assert page.status_code == 200 and "Register a factory" in page.text
        for label in ("Factory name", "Supplier", "Region", "Sector", "Buyers", "Headcount"):
            assert re.search(rf'<label for="f-[a-z_]+">{label}</label>', page.text), label

        bad = await post(b, "/bd/factories", "/bd/factories", {**FACTORY, "headcount": "-5", "os_id": "XX1"})
        assert bad.status_code == 422
        assert re.search(r'id="f-headcount" name="headcount" type="number" value="-5"[^>]*aria-invalid', bad.text)
        assert re.search(r'<span class="field-error" id="f-headcount-error">[^<]+</span>', bad.text)
        assert re.search(r'<span class="field-error" id="f-os_id-error">[^<]+</span>', bad.text)
        assert 'value="Rahman Knit"' in bad.text and "Otto Group\nTchibo</textarea>" in bad.text  # nothing lost
        assert 'id="f-name-error"' not in bad.text
        forged = await b.post("/bd/factories", data={"csrf": "not the page's", "key": "k" * 16, **FACTORY},
                              headers={"Origin": "http://console"})
        assert forged.status_code == 403  # a form not drawn by this site for this user
        await asyncio.sleep(0.3)
        assert (await admin.get("/bd/factories")).json()["total"] == 0  # nothing stored

        page = (await b.get("/bd/factories")).text
        data = {"csrf": hidden(page, "csrf"), "key": hidden(page, "key"), **FACTORY, "factory_id": "bd-rahman-1"}
        first = await b.post("/bd/factories", data=data, headers={"Origin": "http://console"})
        again = await b.post("/bd/factories", data=data, headers={"Origin": "http://console"})  # a double tap
        assert first.status_code == again.status_code == 303
        location = first.headers["location"]
        assert location.startswith("/bd/factories/bd-rahman-1?recorded=")
        shown = await b.get(location)  # at once: shown, or said to come in a moment (and reloaded once)
        assert shown.status_code == 200
        assert "Rahman Knit" in shown.text or ("Recorded. It will appear in a moment." in shown.text
                                                and '<meta http-equiv="refresh" content="2; url=' in shown.text)
        page = await eventually(lambda: _text_with(b, location, "Rahman Knit"))
        assert "Gazipur" in page and "Otto Group, Tchibo" in page
        assert "Schedule an assessment" in page
        assert 'href="/bd/plans?factory=bd-rahman-1"' in page
        listed = await eventually(lambda: _text_with(b, "/bd/factories", "bd-rahman-1"))
        assert "Rahman Knit" in listed
        assert (await admin.get("/bd/factories")).json()["total"] == 1  # the double tap recorded once
        # the "recorded" notice is for the write this browser made, not for any id
        assert (await b.get("/bd/factories/no-such?recorded=0123456789abcdef")).status_code == 404


async def _text_with(b: httpx.AsyncClient, url: str, text: str) -> str | None:
    r = await b.get(url)
    return r.text if r.status_code == 200 and text in r.text else None


def checklist_form(**status: str) -> dict[str, str]:
    data = {f"status.{i}": status.get(i, "in_place") for i in CHECKLIST}
    data["days.paid_maternity_leave"] = "120"
    return data


DEMOGRAPHICS = {"female.16_17": "4", "female.18_24": "300", "female.25_34": "350", "female.35_44": "100",
                "female.45_plus": "20", "male.18_24": "200", "male.25_34": "180", "male.35_44": "40",
                "male.45_plus": "6", "migrant_workers": "700", "parent_workers": "600",
                "left_behind_children": "320", "maternity_leave_12m": "40", "returned_after_maternity_12m": "32"}


def answers(i: int) -> dict[str, Any]:
    a: dict[str, Any] = {"sex": "female", "age_band": "25_34", "migrant": "yes", "is_parent": "yes",
                         "recruitment_fee": "no", "stress": 4, "children_live_with": "apart", "afford_basics": "no",
                         "needs_childcare": "yes", "parenting_confidence": 3, "feel_guilty": "yes",
                         "returned_after_pregnancy": "returned", "support_needed": ["childcare"]}
    return {"response_id": f"r{i}", "language": "en", "answers": a}


async def schedule(b: httpx.AsyncClient, factory_id: str, **kw: str) -> str:
    url = f"/bd/factories/{factory_id}"
    r = await post(b, url, f"{url}/assessments", {"scheduled_date": "2026-01-10", "assessors": "Lina\nRafi", **kw})
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"{url}?recorded=")
    return r.headers["location"].split("scheduled=")[1]


async def test_an_assessment_is_recorded_section_by_section_and_completed(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    admin = console_stack.admin("assessment")
    async with signed_in(console_stack, "lina") as b:
        fid = await register(console_stack, b)
        await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Rahman Knit"))
        bad = await post(b, f"/bd/factories/{fid}", f"/bd/factories/{fid}/assessments",
                         {"scheduled_date": "", "assessors": "Lina"})
        assert bad.status_code == 422 and 'id="f-scheduled_date-error"' in bad.text
        assert "Lina</textarea>" in bad.text
        aid = await schedule(b, fid)
        url = f"/bd/assessments/{aid}"
        page = await eventually(lambda: _text_with(b, url, "Policies checklist"))
        for label in ("Record the checklist", "Record the demographics", "Record the interview",
                      "Complete the assessment", "Days of paid maternity leave", "18–24 years (Women)",
                      "Migrant workers", "Need area (finding 1)", "Date completed"):
            assert label in page, label
        assert "<legend>Paid maternity leave</legend>" in page  # every item of the checklist
        assert len(re.findall(r'type="radio" name="status\.', page)) == 3 * len(CHECKLIST)
        assert f'href="/bd/factories/{fid}"' in page
        assert (await b.get("/bd/")).status_code == 200

        # the checklist: an item left unanswered is named, nothing stored
        unanswered = checklist_form()
        del unanswered["status.young_workers"]
        r = await post(b, url, f"{url}/policies", unanswered)
        assert r.status_code == 422 and 'id="f-status-young_workers-error"' in r.text
        assert 'value="120"' in r.text  # what was typed is kept
        no_days = checklist_form()
        no_days["days.paid_maternity_leave"] = ""
        r = await post(b, url, f"{url}/policies", no_days)  # in place: the days of paid leave are asked
        assert r.status_code == 422 and 'id="f-days-paid_maternity_leave-error"' in r.text
        assert (await admin.get(f"/bd/assessments/{aid}")).json()["sections"] == []  # nothing stored
        r = await post(b, url, f"{url}/policies", checklist_form(childcare_facilities="missing"))
        assert r.status_code == 303, r.text
        page = (await b.get(r.headers["location"])).text
        assert re.search(r'id="policies">Policies checklist <span class="badge ok">Done', page)
        assert "Recorded by lina on" in page

        # demographics: a count above the headcount is named next to its box
        r = await post(b, url, f"{url}/demographics", {**DEMOGRAPHICS, "migrant_workers": "5000"})
        assert r.status_code == 422 and 'id="f-migrant_workers-error"' in r.text and 'value="5000"' in r.text
        r = await post(b, url, f"{url}/demographics", DEMOGRAPHICS)
        assert r.status_code == 303, r.text

        # the management interview
        r = await post(b, url, f"{url}/management", {"area.0": "childcare", "text.0": "no childcare in summer",
                                                    "priority.0": "high", "area.1": "childcare", "text.1": ""})
        assert r.status_code == 303, r.text

        # completing without the survey names what is missing
        r = await post(b, url, f"{url}/complete", {"completed_on": "2026-01-12"})
        assert r.status_code == 422 and "required sections missing: survey" in r.text
        batch = await admin.post(f"/bd/assessments/{aid}/survey-responses/batch",
                                 json={"responses": [answers(i) for i in range(6)]})
        assert batch.status_code == 201, batch.text
        page = (await b.get(url)).text
        assert "Responses recorded: 6" in page and "/bd/forms" in page
        for section in ("policies", "demographics", "management", "survey"):
            assert re.search(rf'id="{section}">[^<]+<span class="badge ok">Done', page), section

        r = await post(b, url, f"{url}/complete", {"completed_on": "2026-01-12"})
        assert r.status_code == 303, r.text
        done = await eventually(lambda: _text_with(b, url, "Completed on"))
        assert "Record the checklist" in done and "Reason for the change" in done  # an amendment needs a reason
        profile = await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Childcare solutions"))
        assert "no childcare" in profile  # the evidence
        assert "Child Friendly Space or After School Centre" in profile  # what answers it, from the menu
        stored = (await admin.get(f"/bd/assessments/{aid}")).json()
        assert stored["status"] == "completed" and stored["amendments"] == 0


async def test_a_form_sent_on_a_stale_page_is_not_merged(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        fid = await register(console_stack, b)
        await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Rahman Knit"))
        aid = await schedule(b, fid)
        url = f"/bd/assessments/{aid}"
        old = form_of(await eventually(lambda: _text_with(b, url, "Policies checklist")), f"{url}/demographics")
        r = await post(b, url, f"{url}/policies", checklist_form())
        assert r.status_code == 303
        stale = await b.post(f"{url}/demographics", headers={"Origin": "http://console"}, data={
            "csrf": hidden(old, "csrf"), "key": hidden(old, "key"), "version": hidden(old, "version"), **DEMOGRAPHICS})
        assert stale.status_code == 412 and "Someone changed this assessment" in stale.text
        assert 'value="700"' in stale.text


async def test_a_paper_response_is_recorded_once_and_a_bad_one_is_named(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        fid = await register(console_stack, b)
        await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Rahman Knit"))
        aid = await schedule(b, fid)
        url = f"/bd/assessments/{aid}/survey"
        page = await eventually(lambda: _text_with(b, url, "Record this response"))
        assert "What is your sex?" in page and "Responses recorded: 0" in page
        form = form_of(page, url)
        data = {"csrf": hidden(form, "csrf"), "key": hidden(form, "key"), "language": "en",
                **{f"kind.{q}": k for q, k in re.findall(r'name="kind\.([a-z_]+)" value="([a-z]+)"', form)}}
        # a parent's question for someone who has no children: named next to the question
        bad = await b.post(url, headers={"Origin": "http://console"}, data={
            **data, "q.sex": "female", "q.age_band": "25_34", "q.migrant": "no", "q.is_parent": "no",
            "q.recruitment_fee": "no", "q.stress": "2", "q.feel_guilty": "yes"})
        assert bad.status_code == 422 and 'id="f-q-feel_guilty-error"' in bad.text
        good = {**data, "q.sex": "female", "q.age_band": "25_34", "q.migrant": "no", "q.is_parent": "no",
                "q.recruitment_fee": "no", "q.stress": "2", "q.support_needed": ["childcare", "flexible_hours"]}
        first = await b.post(url, headers={"Origin": "http://console"}, data=good)
        again = await b.post(url, headers={"Origin": "http://console"}, data=good)
        assert first.status_code == again.status_code == 303, first.text
        page = (await b.get(first.headers["location"])).text
        assert "Responses recorded: 1" in page and "Recorded. The form is empty again" in page
        assert hidden(form_of(page, url), "key") != data["key"]  # a new paper, a new key


async def test_a_bangladesh_account_never_sees_nor_opens_a_vietnamese_factory(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    console_stack.account("mai", countries=("vn",))
    async with signed_in(console_stack, "mai") as vn:
        r = await post(vn, "/vn/factories", "/vn/factories", {**FACTORY, "name": "Saigon Secret Sewing",
                                                             "factory_id": "vn-secret-1"})
        assert r.status_code == 303
        await eventually(lambda: _text_with(vn, "/vn/factories/vn-secret-1", "Saigon Secret Sewing"))
        r = await post(vn, "/vn/factories/vn-secret-1", "/vn/factories/vn-secret-1/assessments",
                       {"scheduled_date": "2026-01-10", "assessors": "Mai", "assessment_id": "vn-secret-a1"})
        assert r.status_code == 303
        await eventually(lambda: _text_with(vn, "/vn/assessments/vn-secret-a1", "Policies checklist"))
    async with signed_in(console_stack, "lina") as b:
        await register(console_stack, b)
        seen = []
        for url in ("/bd/", "/bd/factories", "/bd/factories?offset=50"):
            r = await b.get(url)
            assert r.status_code == 200
            seen.append(r.text)
        for url in ("/vn/", "/vn/factories", "/vn/factories/vn-secret-1", "/bd/factories/vn-secret-1",
                    "/vn/assessments/vn-secret-a1", "/bd/assessments/vn-secret-a1",
                    "/bd/assessments/vn-secret-a1/survey", "/xx/factories", "/bd/factories/no-such-factory"):
            r = await b.get(url)
            assert r.status_code == 404, url
            assert "Not found" in r.text
            seen.append(r.text)
        token = {"Origin": "http://console"}
        csrf = hidden(seen[1], "csrf")
        for url, data in (("/bd/factories/vn-secret-1/assessments", {"scheduled_date": "2026-01-10",
                                                                      "assessors": "Lina"}),
                          ("/vn/factories/vn-secret-1/assessments", {"scheduled_date": "2026-01-10",
                                                                      "assessors": "Lina"}),
                          ("/bd/assessments/vn-secret-a1/policies", checklist_form()),
                          ("/bd/assessments/vn-secret-a1/complete", {"completed_on": "2026-01-12"})):
            r = await b.post(url, data={"csrf": csrf, "key": "k" * 16, **data}, headers=token)
            assert r.status_code == 404, url
            seen.append(r.text)
        assert not any("Saigon Secret Sewing" in page or "vn-secret" in page.replace("/vn-secret", "")
                       for page in seen)
    assessments = (await console_stack.admin("assessment").get("/vn/assessments")).json()
    assert [a["assessment_id"] for a in assessments["items"]] == ["vn-secret-a1"]  # nothing scheduled for lina


async def test_an_auditor_reads_the_pages_with_no_form_to_write(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    console_stack.account("audra", role="auditor", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        fid = await register(console_stack, b)
        await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Rahman Knit"))
        aid = await schedule(b, fid)
        await eventually(lambda: _text_with(b, f"/bd/assessments/{aid}", "Policies checklist"))
    async with signed_in(console_stack, "audra") as b:
        pages = {}
        for url in ("/bd/", "/bd/factories", f"/bd/factories/{fid}", f"/bd/assessments/{aid}",
                    f"/bd/assessments/{aid}/survey"):
            r = await b.get(url)
            assert r.status_code == 200, url
            pages[url] = r.text
        assert "Rahman Knit" in pages["/bd/factories"] and aid in pages[f"/bd/factories/{fid}"]
        for url, page in pages.items():
            actions = re.findall(r'<form[^>]* method="post" action="([^"]+)"', page)
            assert actions == ["/signout"], (url, actions)
            assert "<input" not in page.split("</header>", 1)[1], url  # no input at all below the header
        r = await b.post(f"/bd/assessments/{aid}/policies", headers={"Origin": "http://console"},
                         data={"csrf": "", **checklist_form()})
        assert r.status_code == 403
        assert (await b.post("/bd/factories", headers={"Origin": "http://console"}, data=FACTORY)).status_code == 403
    stored = (await console_stack.admin("assessment").get(f"/bd/assessments/{aid}")).json()
    assert stored["sections"] == []


async def test_the_pages_speak_bengali_and_chinese(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        fid = await register(console_stack, b)
        await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Rahman Knit"))
        aid = await schedule(b, fid)
        await eventually(lambda: _text_with(b, f"/bd/assessments/{aid}", "Policies checklist"))
        wanted = {"bn": ["কারখানা নিবন্ধন করুন", "পরবর্তী করণীয়", "চেকলিস্ট রেকর্ড করুন", "মূল্যায়ন সম্পন্ন করুন",
                         "১৮–২৪ বছর"],
                  "zh": ["登记工厂", "下一步做什么", "记录核查表", "完成评估", "18–24岁"]}
        for lang, texts in wanted.items():
            await b.get("/lang", params={"to": lang, "next": "/"})
            pages = [(await b.get(u)) for u in ("/bd/", "/bd/factories", f"/bd/factories/{fid}",
                                                f"/bd/assessments/{aid}")]
            assert all(p.status_code == 200 and p.headers["content-language"] == lang for p in pages)
            text = "".join(p.text for p in pages)
            for t in texts:
                assert t in text, (lang, t)
            assert "Register a factory" not in text and "Record the checklist" not in text
            for p in pages:
                assert len(p.content) < 300_000
                labelled = set(re.findall(r'<label for="([^"]+)"', p.text))
                inputs = set(re.findall(r'<(?:input|select|textarea) id="([^"]+)"', p.text))
                assert inputs <= labelled, inputs - labelled


async def test_a_write_not_yet_visible_is_said_to_come_and_the_page_reloads_itself_once(console_stack: ConsoleStack):
    """Reads lag writes by up to a second (issue #19): the page the browser is sent to after a write
    says so and reloads once (a meta refresh, no script); the notice is for this browser's own write."""
    import hashlib
    import hmac

    from console.web import csrf_for

    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        csrf = csrf_for(b.cookies["wecare_session"])

        def proof(what: str) -> str:
            return hmac.new(csrf.encode(), what.encode(), hashlib.sha256).hexdigest()[:16]

        # a factory registered a moment ago, not in the registry's read yet
        url = f"/bd/factories/bd-coming-1?recorded={proof('factory:bd-coming-1')}"
        first = await b.get(url)
        assert first.status_code == 200 and "Recorded. It will appear in a moment." in first.text
        refresh = re.search(r'<meta http-equiv="refresh" content="2; url=([^"]+)">', first.text)
        assert refresh and "again=1" in refresh.group(1)
        second = await b.get(refresh.group(1).replace("&amp;", "&"))
        assert second.status_code == 200 and "http-equiv" not in second.text  # once only
        assert (await b.get("/bd/factories/bd-coming-1")).status_code == 404  # no proof: a missing page
        assert (await b.get(f"/bd/factories/bd-coming-2?recorded={proof('factory:bd-coming-1')}")).status_code == 404

        # a section recorded at a version the read has not reached
        fid = await register(console_stack, b)
        await eventually(lambda: _text_with(b, f"/bd/factories/{fid}", "Rahman Knit"))
        aid = await schedule(b, fid)
        await eventually(lambda: _text_with(b, f"/bd/assessments/{aid}", "Policies checklist"))
        page = await b.get(f"/bd/assessments/{aid}?recorded={proof(f'{aid}:policies:9')}&section=policies&v=9")
        assert "Recorded. It will appear in a moment." in page.text and 'http-equiv="refresh"' in page.text
        page = await b.get(f"/bd/assessments/{aid}?recorded={proof(f'{aid}:policies:1')}&section=policies&v=1")
        assert "Recorded." in page.text and "It will appear" not in page.text and "http-equiv" not in page.text
