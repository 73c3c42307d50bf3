"""Imports of what a team collected with the same forms on KoboToolbox or ODK
Central: Kobo's CSV ("/" between groups, ";" between columns, its own
columns beside the form's) and JSON (its API's `results`, repeats as lists),
Central's CSV ("-" between groups, meta-instanceID and KEY). Each row is
answered; a re-import records nothing; a bad row is named and stores
nothing while the others are recorded."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest

from console.forms.mapping import client_id
from tests.console.conftest import ConsoleStack, signed_in
from tests.console.odk import BD_AID, basic, field_fixture, settled, survey_answers  # noqa: F401 - the fixture `field`
from tests.harness import token

SURVEY, CHECKLIST = f"wecare-survey-bd-{BD_AID}", f"wecare-checklist-bd-{BD_AID}"
MANAGEMENT, DEMOGRAPHICS = f"wecare-management-bd-{BD_AID}", f"wecare-demographics-bd-{BD_AID}"
ITEMS = ("paid_maternity_leave", "breastfeeding_facilities", "childcare_facilities", "flexible_working",
         "health_protection", "medical_benefits", "employment_protection", "family_friendly_policy",
         "childcare_support", "responsible_recruitment", "young_workers", "grievance_channel")
GROUP = {i: "mothers_at_work" for i in ITEMS[:7]} | {i: "wecare" for i in ITEMS[7:]}


def kobo_csv(rows: list[dict[str, str]]) -> bytes:
    """Kobo's CSV export (XML values and headers): its own columns around the form's, ';' between them,
    a select_multiple also split into one column per option."""
    header = ["start", "end", *rows[0].keys(), "support_needed/childcare", "support_needed/parenting_skills",
              "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(dict.fromkeys(header)), delimiter=";")
    w.writeheader()
    for i, r in enumerate(rows, start=1):
        iid = r.pop("__iid__", f"uuid:{uuid.uuid4()}")
        w.writerow({"start": "2026-03-01T09:00:00.000+06:00", "end": "2026-03-01T09:10:00.000+06:00", **r,
                    "support_needed/childcare": "1", "support_needed/parenting_skills": "1",
                    "meta/instanceID": iid, "_id": str(1000 + i), "_uuid": iid.removeprefix("uuid:"),
                    "_submission_time": "2026-03-01T03:10:00", "_validation_status": "", "_index": str(i)})
    return out.getvalue().encode()


def survey_row(lang: str, **kw: Any) -> dict[str, str]:
    a = survey_answers(lang, **kw)
    return {k: str(v) for k, v in a.items()}


async def import_file(c, form_id: str, data: bytes, who: dict[str, str], name: str = "export.csv"):  # noqa: ANN001, ANN201
    return await c.post(f"/imports/{form_id}", files={"file": (name, data, "text/csv")}, headers=who)


async def survey_events(stack: ConsoleStack) -> list[dict]:
    return [e.payload for e in await stack.services["assessment"][0].store.load(f"survey-{BD_AID}")]


async def test_a_kobo_csv_is_imported_row_by_row_and_a_reimport_records_nothing(field: ConsoleStack):
    lina = basic("lina")
    ids = [f"uuid:{uuid.uuid4()}" for _ in range(4)]
    rows = [{**survey_row(lang), "__iid__": iid} for lang, iid in zip(("bn", "en", "zh"), ids, strict=False)]
    rows.append({**survey_row("bn", stress="9"), "__iid__": ids[3]})  # a bad row: outside the scale
    data = kobo_csv([dict(r) for r in rows])
    start = len(await survey_events(field))  # the module's tests share a stack: what this one adds
    async with field.browser() as c:
        r = await import_file(c, SURVEY, data, lina)
        assert r.status_code == 200, r.text
        out = r.json()
        assert (out["recorded"], out["already_recorded"], out["refused"]) == (3, 0, 1)
        assert [x["status"] for x in out["rows"]] == ["recorded"] * 3 + ["refused"]
        assert out["rows"][3]["field"] == "stress" and out["rows"][3]["row"] == 4
        events = (await survey_events(field))[start:]
        assert [e["response_id"] for e in events] == [client_id(i) for i in ids[:3]]
        assert [e["language"] for e in events] == ["bn", "en", "zh"]
        assert events[0]["answers"]["support_needed"] == ["childcare", "parenting_skills"]
        # the same export again, and the same rows as JSON: nothing recorded twice
        again = (await import_file(c, SURVEY, data, lina)).json()
        assert (again["recorded"], again["already_recorded"], again["refused"]) == (0, 3, 1)
        results = [{**survey_row("bn"), "meta/instanceID": ids[0], "_uuid": ids[0].removeprefix("uuid:")}]
        js = (await import_file(c, SURVEY, json.dumps({"count": 1, "results": results}).encode(), lina,
                                "export.json")).json()
        assert js["already_recorded"] == 1
        assert len(await survey_events(field)) == start + 3


async def test_kobo_json_with_groups_and_repeats(field: ConsoleStack):
    lina = basic("lina")
    async with field.browser() as c:
        checklist = {f"{GROUP[i]}/{i}": "in_place" for i in ITEMS}
        checklist["mothers_at_work/paid_maternity_leave_days"] = "120"
        checklist.update({"meta/instanceID": f"uuid:{uuid.uuid4()}", "_id": 7, "formhub/uuid": "abc",
                          "__version__": "vXYZ", "_attachments": [], "_tags": [], "_notes": [],
                          "country": "bd", "assessment_id": BD_AID})
        r = await import_file(c, CHECKLIST, json.dumps({"results": [checklist]}).encode(), lina, "c.json")
        assert r.status_code == 200 and r.json()["recorded"] == 1, r.text
        management = {"meta/instanceID": f"uuid:{uuid.uuid4()}", "findings": [
            {"findings/finding_area": "childcare", "findings/finding_text": "no creche", "findings/finding_priority":
             "high"},
            {"findings/finding_area": "nowhere", "findings/finding_text": "x"}]}
        r = await import_file(c, MANAGEMENT, json.dumps([management]).encode(), lina, "m.json")
        (row,) = r.json()["rows"]
        assert row["status"] == "refused" and row["field"] == "finding_area"
        management["findings"].pop()
        r = await import_file(c, MANAGEMENT, json.dumps([management]).encode(), lina, "m.json")
        assert r.json()["recorded"] == 1, r.text
        await settled(field, "assessment")
        assert (await import_file(c, MANAGEMENT, json.dumps([management]).encode(), lina, "m.json")
                ).json()["already_recorded"] == 1
        events = [e.event_type for e in await field.services["assessment"][0].store.load(f"assessment-{BD_AID}")]
        assert events.count("ManagementFindingsRecorded") == 1 and events.count("PoliciesRecorded") == 1


def central_csv(rows: list[dict[str, str]]) -> bytes:
    """ODK Central's CSV: SubmissionDate first, groups joined by '-', meta-instanceID and KEY at the end."""
    out = io.StringIO()
    header = ["SubmissionDate", *(k for k in rows[0] if k != "__iid__"), "meta-instanceID", "KEY", "SubmitterID",
              "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
              "Edits", "FormVersion"]
    w = csv.DictWriter(out, fieldnames=header)
    w.writeheader()
    for r in rows:
        iid = r.pop("__iid__")
        w.writerow({"SubmissionDate": "2026-03-01T03:10:00.000Z", **r, "meta-instanceID": iid, "KEY": iid,
                    "SubmitterID": "5", "SubmitterName": "lina", "AttachmentsPresent": "0",
                    "AttachmentsExpected": "0", "Status": "", "ReviewState": "", "DeviceID": "", "Edits": "0",
                    "FormVersion": "1.x"})
    return out.getvalue().encode()


def demographics_row(**kw: str) -> dict[str, str]:
    row = {f"headcount_{s}-{s}_{b}": "10" for s in ("female", "male")
           for b in ("16_17", "18_24", "25_34", "35_44", "45_plus")}
    row.update({"workers-migrant_workers": "40", "workers-parent_workers": "30", "workers-left_behind_children":
                "12", "workers-maternity_leave_12m": "5", "workers-returned_after_maternity_12m": "4",
                "country": "bd", "assessment_id": BD_AID})
    row.update(kw)
    return row


async def test_an_odk_central_csv(field: ConsoleStack):
    bearer = {"Authorization": f"Bearer {token('country_team', countries=['bd'], subject='lina')}"}
    svc = field.services["assessment"][0]
    async with field.browser() as c:
        bad = central_csv([{**demographics_row(**{"headcount_male-male_25_34": "many"}),
                            "__iid__": f"uuid:{uuid.uuid4()}"}])
        before = await svc.store.count()
        r = await import_file(c, DEMOGRAPHICS, bad, bearer)
        (row,) = r.json()["rows"]
        assert (row["status"], row["field"]) == ("refused", "male_25_34")
        assert await svc.store.count() == before
        good = central_csv([{**demographics_row(), "__iid__": f"uuid:{uuid.uuid4()}"}])
        assert (await import_file(c, DEMOGRAPHICS, good, bearer)).json()["recorded"] == 1
        (e,) = [e.payload for e in await svc.store.load(f"assessment-{BD_AID}") if e.event_type ==
                "DemographicsRecorded"]
        assert e["demographics"]["headcount"]["female"]["16_17"] == 10 and e["demographics"]["migrant_workers"] == 40
        # a file that is no export, a form of another country, nobody signed in
        r = await import_file(c, DEMOGRAPHICS, b"just,some\ncsv,text\n", bearer)
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"
        assert (await import_file(c, "wecare-survey-vn-A-2026-vn-1", good, bearer)).status_code == 404
        assert (await import_file(c, DEMOGRAPHICS, good, {})).status_code == 401


@pytest.mark.parametrize("lang", ["bn"])
async def test_the_console_page_lists_the_forms_and_imports_an_export(field: ConsoleStack, lang: str):
    start = len(await survey_events(field))
    async with signed_in(field, "lina") as b:
        b.cookies.set("wecare_lang", lang)
        page = await b.get("/bd/forms")
        assert page.status_code == 200
        assert "মাঠের ফর্ম" in page.text and "http://console" in page.text  # the title in Bengali, the server URL
        assert f"/forms/{SURVEY}/form.xlsx" in page.text and "Dhaka Knitwear" in page.text
        assert 'label for="file"' in page.text and 'name="csrf"' in page.text
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        data = kobo_csv([{**survey_row("bn"), "__iid__": f"uuid:{uuid.uuid4()}"}])
        r = await b.post("/bd/forms/import", data={"csrf": csrf, "form_id": SURVEY},
                         files={"file": ("export.csv", data, "text/csv")})
        assert r.status_code == 200, r.text
        assert "১টি রেকর্ড হয়েছে" in r.text or "1টি রেকর্ড হয়েছে" in r.text
        assert (await b.post("/bd/forms/import", data={"csrf": "wrong", "form_id": SURVEY},
                             files={"file": ("export.csv", data, "text/csv")})).status_code == 403
        assert (await b.get("/vn/forms")).status_code == 404
    assert len(await survey_events(field)) == start + 1


@pytest.mark.unit
def test_an_odk_central_zip_brings_a_repeat_with_its_submission():
    """Central's zip: the submissions' CSV, and the repeat's CSV joined by PARENT_KEY."""
    import zipfile

    from console.forms.imports import ImportError_, read_export
    from console.forms.mapping import to_call
    from console.forms.xlsform import Target, build

    form = build(Target("attendance", "bd", "otto.bd-1", "bd-1", "Dhaka Knitwear",
                        activities=(("training_of_trainers", "Training the Trainer Programme"),)))
    iid = f"uuid:{uuid.uuid4()}"
    main = central_csv([{"country": "bd", "plan_id": "otto.bd-1", "activity": "training_of_trainers",
                         "local_start": "2026-02-02T09:00:00.000+06:00", "online": "no", "trainers": "wecare:lina",
                         "capacity": "20", "expected_participants": "14", "took_place": "yes",
                         "attendance-delivered_at": "2026-02-02T12:00:00.000+06:00", "attendance-identified": "yes",
                         "__iid__": iid}])
    repeat = io.StringIO()
    w = csv.writer(repeat)
    w.writerow(["participant_id", "participant_role", "participant_sex", "participant_age_band", "PARENT_KEY",
                "KEY"])
    for i in (1, 2):
        w.writerow([f"m{i}", "manager", "female", "35_44", iid, f"{iid}/attendance/participants[{i}]"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("attendance.csv", main)
        z.writestr("attendance-participants.csv", repeat.getvalue())
    (row,) = read_export(form, buf.getvalue())
    assert row.instance_id == iid
    (session,) = to_call(form, row.record, iid).body["sessions"]
    assert [p["id"] for p in session["attendance"]["participants"]] == ["m1", "m2"]
    with pytest.raises(ImportError_) as e:
        read_export(form, b"PK\x03\x04 not a zip")
    assert e.value.field == "file"
