"""ODK Collect's conversation with the gateway, on the real services and NATS:
the form list of the caller's scope, a form's download, and submissions of
real instance XML made from the generated form's <instance>, filled as
Collect fills it and posted multipart. A resubmission records nothing; a
bad one is refused naming the field, and nothing is stored."""

from __future__ import annotations

import hashlib
import re

import httpx
import pytest

from console.forms.mapping import client_id
from console.forms.xlsform import LANGUAGES
from services.planning.domain.plan import Plan
from tests.conftest import eventually
from tests.console.conftest import ConsoleStack
from tests.console.odk import (  # noqa: F401 - field_fixture: the fixture `field`
    BD_AID,
    VN_AID,
    basic,
    field_fixture,
    fill,
    multipart,
    settled,
    survey_answers,
)
from tests.harness import token


def form_ids(xml: str) -> list[str]:
    return re.findall(r"<formID>([^<]+)</formID>", xml)


async def download(c: httpx.AsyncClient, fid: str, who: dict[str, str]) -> str:
    r = await c.get(f"/forms/{fid}/form.xml", headers=who)
    assert r.status_code == 200, r.text
    return r.text


async def submit(c: httpx.AsyncClient, xml: bytes, who: dict[str, str]) -> httpx.Response:
    return await c.post("/submission", files=multipart(xml), headers={**who, "X-OpenRosa-Version": "1.0"})


async def survey_events(stack: ConsoleStack) -> list[dict]:
    svc = stack.services["assessment"][0]
    return [e.payload for e in await svc.store.load(f"survey-{BD_AID}")]


async def test_the_form_list_is_the_callers_and_every_form_downloads_with_its_hash(field: ConsoleStack):
    async with field.browser() as c:
        r = await c.get("/formList", headers=basic("lina"))
        assert r.status_code == 200 and r.headers["x-openrosa-version"] == "1.0"
        assert r.headers["content-type"].startswith("text/xml")
        ids = form_ids(r.text)
        assert sorted(ids) == sorted(f"wecare-{k}-bd-{BD_AID}" for k in
                                     ("survey", "checklist", "demographics", "management"))
        assert "<name>Needs survey — Dhaka Knitwear</name>" in r.text and "Saigon" not in r.text
        for fid, hash_, url in re.findall(r"<formID>([^<]+)</formID>.*?<hash>md5:(\w+)</hash>"
                                          r"<downloadUrl>([^<]+)</downloadUrl>", r.text):
            assert url == f"http://console/forms/{fid}/form.xml"
            xform = await download(c, fid, basic("lina"))
            assert hashlib.md5(xform.encode()).hexdigest() == hash_  # what Collect checks
        # out of scope: a Vietnamese form is not there for her, as a missing one is not
        for fid in (f"wecare-survey-vn-{VN_AID}", "wecare-survey-bd-nope", "not-a-form"):
            r = await c.get(f"/forms/{fid}/form.xml", headers=basic("lina"))
            assert r.status_code == 404, fid
        # a bearer token of the Vietnamese team lists the Vietnamese forms only
        vn = {"Authorization": f"Bearer {token('country_team', countries=['vn'], subject='minh')}"}
        assert sorted(form_ids((await c.get("/formList", headers=vn)).text)) == sorted(
            f"wecare-{k}-vn-{VN_AID}" for k in ("survey", "checklist", "demographics", "management"))
        # a read-only role fills no form
        auditor = {"Authorization": f"Bearer {token('auditor')}"}
        assert form_ids((await c.get("/formList", headers=auditor)).text) == []
        # the XLSForm to publish the same form on KoboToolbox or ODK Central
        r = await c.get(f"/forms/wecare-survey-bd-{BD_AID}/form.xlsx", headers=basic("lina"))
        assert r.status_code == 200 and r.content[:2] == b"PK"


async def test_authentication_is_basic_with_the_console_account_or_a_bearer_token(field: ConsoleStack):
    field.account("lina-auth", countries=("bd",))  # its own: the lockout below is its
    async with field.browser() as c:
        for who in ({}, basic("lina-auth", "not her password"), basic("nobody"), {"Authorization": "Basic !!"},
                    {"Authorization": "Bearer not-a-token"}):
            for method, path in (("GET", "/formList"), ("HEAD", "/submission"), ("POST", "/submission")):
                r = await c.request(method, path, headers=who)
                assert r.status_code == 401, (who, path)
                assert r.headers["www-authenticate"].startswith('Basic realm="WeCare"')
        r = await c.head("/submission", headers=basic("lina-auth"))
        assert r.status_code == 204 and r.headers["x-openrosa-version"] == "1.0"
        assert int(r.headers["x-openrosa-accept-content-length"]) >= 1_000_000
        # password guessing: after 10 wrong passwords for a user, even the right one waits (5 minutes)
        for _ in range(10):
            assert (await c.get("/formList", headers=basic("lina-auth", "guess"))).status_code == 401
        assert (await c.get("/formList", headers=basic("lina-auth"))).status_code == 401


async def test_a_survey_response_in_every_language_is_recorded_once(field: ConsoleStack):
    lina = basic("lina")
    start = len(await survey_events(field))  # the module's tests share a stack: what this one adds
    async with field.browser() as c:
        xform = await download(c, f"wecare-survey-bd-{BD_AID}", lina)
        sent = []
        for lang in LANGUAGES:
            xml, iid = fill(xform, survey_answers(lang))
            r = await submit(c, xml, lina)
            assert r.status_code == 201, r.text
            assert "<OpenRosaResponse" in r.text and r.headers["x-openrosa-version"] == "1.0"
            sent.append((xml, iid))
        events = (await survey_events(field))[start:]
        assert [e["language"] for e in events] == list(LANGUAGES)
        assert [e["response_id"] for e in events] == [client_id(iid) for _, iid in sent]
        assert events[0]["answers"]["support_needed"] == ["childcare", "parenting_skills"]
        assert events[0]["answers"]["stress"] == 4
        # Collect sends again (no answer reached it, say): nothing is recorded twice
        for xml, _ in sent[:2]:
            r = await submit(c, xml, lina)
            assert r.status_code == 202 and "Already recorded" in r.text
        assert len(await survey_events(field)) == start + len(LANGUAGES)
        # the same instanceID with other answers (not what Collect does: an edit gets a new one): refused
        other, _ = fill(xform, survey_answers("en", stress="1"), instance_id=sent[0][1])
        r = await submit(c, other, lina)
        assert r.status_code == 400 and "Refused: instanceID" in r.text
        assert len(await survey_events(field)) == start + len(LANGUAGES)


@pytest.mark.parametrize(("answers", "field_name"), [
    ({"stress": "9"}, "stress"),  # outside the scale: the gateway refuses it
    ({"recruitment_fee": ""}, "recruitment_fee"),  # a required answer left out: the service refuses it
    ({"feel_guilty": "", "children_live_with": "with_me", "afford_basics": "no"}, "feel_guilty"),
    ({"assessment_id": "A-other"}, "assessment_id"),  # answers made for another target
])
async def test_a_bad_submission_is_refused_naming_the_field_and_nothing_is_stored(
        field: ConsoleStack, answers: dict, field_name: str):
    lina = basic("lina")
    svc = field.services["assessment"][0]
    async with field.browser() as c:
        xform = await download(c, f"wecare-survey-bd-{BD_AID}", lina)
        if field_name == "feel_guilty":  # answered where it does not apply: the service's rule
            answers = {**answers, "feel_guilty": "yes"}
        before, start = await svc.store.count(), len(await survey_events(field))
        xml, _ = fill(xform, survey_answers("bn", **answers))
        r = await submit(c, xml, lina)
        assert r.status_code == 400, r.text
        assert f"Refused: {field_name}" in r.text, r.text
        assert await svc.store.count() == before and len(await survey_events(field)) == start


async def test_an_instance_that_is_not_a_forms_is_refused(field: ConsoleStack):
    lina = basic("lina")
    start = len(await survey_events(field))
    async with field.browser() as c:
        bomb = (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                b'<survey id="wecare-survey-bd-' + BD_AID.encode() + b'">&b;<meta><instanceID>uuid:1</instanceID>'
                b'</meta></survey>')
        r = await submit(c, bomb, lina)
        assert r.status_code == 400 and "xml_submission_file" in r.text
        r = await c.post("/submission", files={"other": ("x.xml", b"<x/>", "text/xml")}, headers=lina)
        assert r.status_code == 400 and "xml_submission_file" in r.text
        r = await c.post("/submission", content=b"<x/>", headers={**lina, "Content-Type": "text/xml"})
        assert r.status_code == 400
    assert len(await survey_events(field)) == start


async def test_a_target_out_of_scope_answers_as_a_missing_one(field: ConsoleStack):
    """Lina (Bangladesh) sends an instance of the Vietnamese survey form: 404, nothing stored."""
    async with field.browser() as c:
        vn = {"Authorization": f"Bearer {token('country_team', countries=['vn'], subject='minh')}"}
        xform = await download(c, f"wecare-survey-vn-{VN_AID}", vn)
        xml, _ = fill(xform, {**survey_answers("vi"), "country": "vn", "assessment_id": VN_AID})
        svc = field.services["assessment"][0]
        before = await svc.store.count()
        r = await submit(c, xml, basic("lina"))
        assert r.status_code == 404
        assert await svc.store.count() == before
        assert (await submit(c, xml, vn)).status_code == 201  # the Vietnamese team's own


async def test_the_checklist_demographics_and_management_interview(field: ConsoleStack):
    lina = basic("lina")
    items = ("paid_maternity_leave", "breastfeeding_facilities", "childcare_facilities", "flexible_working",
             "health_protection", "medical_benefits", "employment_protection", "family_friendly_policy",
             "childcare_support", "responsible_recruitment", "young_workers", "grievance_channel")
    async with field.browser() as c:
        checklist = {**{i: "in_place" for i in items}, "childcare_facilities": "missing",
                     "paid_maternity_leave_days": "90", "childcare_facilities_note": "none on site"}
        xml, _ = fill(await download(c, f"wecare-checklist-bd-{BD_AID}", lina), checklist)
        r = await submit(c, xml, lina)
        assert r.status_code == 201, r.text
        await settled(field, "assessment")
        assert (await submit(c, xml, lina)).status_code == 202  # sent again: recorded once

        demo = {f"{s}_{b}": "10" for s in ("female", "male") for b in ("16_17", "18_24", "25_34", "35_44",
                                                                            "45_plus")}
        demo.update(migrant_workers="40", parent_workers="30", left_behind_children="12", maternity_leave_12m="5",
                    returned_after_maternity_12m="6")  # more came back than left: the service's rule
        demo_form = await download(c, f"wecare-demographics-bd-{BD_AID}", lina)
        xml, _ = fill(demo_form, demo)
        r = await submit(c, xml, lina)
        assert r.status_code == 400 and "demographics" in r.text
        xml, _ = fill(demo_form, {**demo, "returned_after_maternity_12m": "4"})
        assert (await submit(c, xml, lina)).status_code == 201

        xml, _ = fill(await download(c, f"wecare-management-bd-{BD_AID}", lina), {"findings": [
            {"finding_area": "childcare", "finding_text": "no childcare in the holidays", "finding_priority": "high"},
            {"finding_area": "responsible_recruitment", "finding_text": "agents charge fees"}]})
        assert (await submit(c, xml, lina)).status_code == 201
        await settled(field, "assessment")
        a = (await field.admin("assessment").get(f"/bd/assessments/{BD_AID}")).json()
        assert {"policies", "demographics", "management"} <= set(a["sections"])
        events = {e.event_type: e.payload for e in
                  await field.services["assessment"][0].store.load(f"assessment-{BD_AID}")}
        policies = events["PoliciesRecorded"]
        assert policies["items"]["paid_maternity_leave"] == {"status": "in_place", "days": 90, "note": ""}
        assert policies["items"]["childcare_facilities"]["note"] == "none on site"
        assert "maternity_leave_below_statutory:90<112" in policies["flags"]
        assert events["DemographicsRecorded"]["demographics"]["headcount"]["male"]["16_17"] == 10
        assert [f["priority"] for f in events["ManagementFindingsRecorded"]["findings"]] == ["high", "medium"]


async def approved_plan(stack: ConsoleStack, country: str, factory: str) -> str:
    pid = f"otto-{factory}"
    p = stack.admin("planning")
    r = await p.post(f"/{country}/programmes", json={"programme_id": pid, "name": "WeCare", "buyer": "Otto Group",
                                                     "factories": [factory], "starts_on": "2026-01-01"})
    assert r.status_code == 201, r.text
    r = await p.post(f"/{country}/plans", json={
        "programme_id": pid, "factory_id": factory,
        "activities": [{"activity": a} for a in ("family_day", "training_of_trainers")],
        "milestones": [{"name": "Kick-off", "due": "2026-01-20"}],
        "kpis": [{"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}]})
    assert r.status_code == 201, r.text
    plan_id = Plan.plan_id(pid, factory)
    r = await p.post(f"/{country}/plans/{plan_id}/approve", json={"approved_by": "GM", "approved_on": "2026-01-10"})
    assert r.status_code == 200, r.text

    async def arrived() -> bool:
        return (await stack.admin("delivery").get(f"/{country}/deliveries/{plan_id}")).status_code == 200
    await eventually(arrived, timeout=20)
    return plan_id


async def test_an_attendance_submission_lands_in_delivery(field: ConsoleStack):
    await settled(field, "assessment", "planning")
    plan_id = await approved_plan(field, "bd", "bd-dhaka-knit")
    lina = basic("lina")
    fid = f"wecare-attendance-bd-{plan_id}"
    async with field.browser() as c:
        listed = await c.get("/formList", headers=basic("lina"))
        assert fid in form_ids(listed.text) and "<name>Session and attendance — Dhaka Knitwear</name>" in listed.text
        xform = await download(c, fid, lina)
        xml, iid = fill(xform, {
            "country": "bd", "plan_id": plan_id, "activity": "training_of_trainers",
            "local_start": "2026-02-02T09:00:00.000+06:00", "venue": "Training room", "online": "no",
            "trainers": "wecare:lina", "capacity": "20", "expected_participants": "14", "took_place": "yes",
            "delivered_at": "2026-02-02T12:00:00.000+06:00", "roles": "manager", "manager_female_35_44": "2",
            "identified": "yes", "participants": [
                {"participant_id": f"m{i}", "participant_role": "manager", "participant_sex": "male",
                 "participant_age_band": "35_44"} for i in range(1, 4)]})
        r = await submit(c, xml, lina)
        assert r.status_code == 201, r.text
        await settled(field, "delivery")
        d = field.admin("delivery")
        rows = (await d.get(f"/bd/deliveries/{plan_id}")).json()["sessions"]
        (s,) = [x for x in rows if x["session_id"] == client_id(iid)]
        assert s["status"] == "delivered" and s["total"] == 5 and s["female"] == 2 and s["identified"] == 3
        before = await field.services["delivery"][0].store.count()
        assert (await submit(c, xml, lina)).status_code == 202
        assert await field.services["delivery"][0].store.count() == before
        # more expected than places: refused, the form's field named, nothing stored
        bad, _ = fill(xform, {"country": "bd", "plan_id": plan_id, "activity": "family_day",
                              "local_start": "2026-02-03T09:00:00.000+06:00", "online": "no",
                              "trainers": "wecare:lina", "capacity": "5", "expected_participants": "9",
                              "took_place": "no"})
        r = await submit(c, bad, lina)
        assert r.status_code == 400 and "Refused: expected_participants" in r.text
        assert await field.services["delivery"][0].store.count() == before
