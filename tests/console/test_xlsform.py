"""The field forms built from the instruments' data: every generated form
converts with pyxform (its checks, and ODK Validate's), carries every
language, and says what the instruments say."""

from __future__ import annotations

import io
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from babel.messages.pofile import read_po

from console.forms.mapping import client_id, parse_instance, record_of, to_call
from console.forms.pages import PAGE_TEXTS
from console.forms.xlsform import (
    KINDS,
    LANGUAGE_COLUMNS,
    LOCALE,
    FormError,
    Target,
    build,
    catalogue_texts,
    parse_form_id,
    translations,
    validate,
)
from services.assessment.domain.checklist import checklist
from services.assessment.domain.survey import instrument
from shared.i18n import LANGUAGES, LOCALES
from tests.console.odk import fill

pytestmark = pytest.mark.unit

XF = "{http://www.w3.org/2002/xforms}"
ACTIVITIES = (("family_day", "Family Day"), ("training_of_trainers", "Training the Trainer Programme"))


def target(kind: str, name: str = "Dhaka Knitwear", ident: str | None = None) -> Target:
    ident = ident or ("otto.bd-dhaka-knit" if kind == "attendance" else "A-2026-bd-1")
    return Target(kind, "bd", ident, "bd-dhaka-knit", name, activities=ACTIVITIES if kind == "attendance" else ())


def itext(xform: str) -> dict[str, dict[str, str]]:
    """{language column: {text id: text}} of the XForm's translations."""
    root = ET.fromstring(xform)
    out: dict[str, dict[str, str]] = {}
    for tr in root.iter(f"{XF}translation"):
        out[tr.get("lang")] = {t.get("id"): "".join(v.itertext()) for t in tr.iter(f"{XF}text")
                               for v in t.iter(f"{XF}value")}
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_form_converts_without_warnings_in_every_language(kind: str):
    form = build(target(kind))
    xform = form.xform()  # pyxform raises on an error, and the builder on any warning
    texts = itext(xform)
    assert sorted(texts) == sorted(LANGUAGE_COLUMNS.values())
    en = texts[LANGUAGE_COLUMNS["en"]]
    for lang in LANGUAGES:
        t = texts[LANGUAGE_COLUMNS[lang]]
        assert t.keys() == en.keys(), lang  # every text in every language
        assert all(v.strip() for v in t.values()), lang
    root = ET.fromstring(xform)
    assert root.find(".//{http://www.w3.org/1999/xhtml}title").text == form.title
    inst = next(i for i in root.iter(f"{XF}instance") if i.get("id") is None)[0]
    assert inst.get("id") == form.form_id == f"wecare-{kind}-bd-{target(kind).target_id}"
    assert inst.get("version") == form.version
    assert inst.find(f"{XF}meta/{XF}instanceID") is not None


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate runs on java")
def test_every_form_passes_odk_validate():
    """JavaRosa (ODK Collect's form engine, in the ODK_Validate.jar pyxform ships) parses every form."""
    for kind in KINDS:
        validate(build(target(kind)))


def test_odk_validate_can_fail():
    if shutil.which("java") is None:
        pytest.skip("ODK Validate runs on java")
    form = build(target("survey"))
    form.survey[3] = {**form.survey[3], "relevant": "${sex} = = 'female'"}
    with pytest.raises(Exception, match="display condition|XForm is invalid"):
        validate(form)


def test_the_survey_says_what_the_instrument_says_in_each_language():
    inst = instrument(1)
    form = build(target("survey"))
    texts = itext(form.xform())
    for lang in LANGUAGES:
        t = texts[LANGUAGE_COLUMNS[lang]]
        for q in inst.questions.values():
            assert t[f"/survey/{q.id}:label"] == q.text[lang], (lang, q.id)
        assert t["/survey/intro:label"].startswith(translations("Needs survey — %(factory)s")[lang]
                                                    % {"factory": "Dhaka Knitwear"})
    assert texts["বাংলা (bn)"]["/survey/sex:label"] == "আপনার লিঙ্গ কী?"
    # its questions and their options are the instrument's, and ask_if is the relevance
    assert [f for f in form.fields if f in inst.questions] == list(inst.questions)
    assert form.fields["support_needed"].type == "select_multiple"
    assert form.fields["stress"].choices == ("1", "2", "3", "4", "5")
    row = next(r for r in form.survey if r["name"] == "children_live_with")
    assert row["relevant"] == "(selected(${is_parent}, 'yes'))" and row["required"] == "yes"
    assert next(r for r in form.survey if r["name"] == "language")["default"] == "bn"  # Bangladesh's language
    assert next(r for r in form.survey if r["name"] == "assessment_id")["calculation"] == "'A-2026-bd-1'"


def test_the_checklist_items_are_the_checklists_in_each_language():
    form = build(target("checklist"))
    texts = itext(form.xform())
    items = checklist().items
    for item in items.values():
        path = f"/checklist/{item.group}/{item.id}:label"
        assert texts["English (en)"][path] == item.label
        assert texts["中文 (zh)"][path] == translations(item.label)["zh"] != item.label
    assert texts["中文 (zh)"]["/checklist/mothers_at_work/paid_maternity_leave:label"] == "带薪产假"
    assert "paid_maternity_leave_days" in form.fields and "breastfeeding_facilities_days" not in form.fields
    assert form.title == "Policies checklist — Dhaka Knitwear"


def test_attendance_offers_the_plans_activities_and_every_role_sex_and_age_band():
    form = build(target("attendance"))
    assert form.fields["activity"].choices == ("family_day", "training_of_trainers")
    assert form.fields["participant_role"].choices == ("manager", "supervisor", "worker", "parent_worker", "child")
    assert "manager_female_under_16" in form.fields and "child_male_45_plus" in form.fields
    texts = itext(form.xform())
    assert texts["Türkçe (tr)"]["activities-1"] == "Eğiticinin Eğitimi Programı"
    assert form.repeats == {"participants": "attendance/participants"}


def test_the_version_follows_the_instrument_and_the_content():
    a, b = build(target("survey")), build(target("survey"))
    assert a.version == b.version and a.version.startswith("1.")  # survey v1
    renamed = build(target("survey", name="Dhaka Knitwear Ltd"))
    assert renamed.version != a.version and renamed.title == "Needs survey — Dhaka Knitwear Ltd"
    assert build(target("checklist")).version.startswith(f"{checklist().version}.")


def test_a_factory_name_cannot_inject_a_reference():
    form = build(target("survey", name="X ${sex} Y"))
    form.xform()
    assert "${sex}" not in form.title


def test_form_ids_name_kind_country_and_target():
    assert parse_form_id("wecare-attendance-bd-otto.bd-dhaka-knit") == ("attendance", "bd", "otto.bd-dhaka-knit")
    for bad in ("survey-bd-A1", "wecare-nothing-bd-A1", "wecare-survey-xx-A1", "wecare-survey-bd-A 1",
                "wecare-survey-bd-"):
        with pytest.raises(FormError) as e:
            parse_form_id(bad)
        assert e.value.field == "form_id"


@pytest.mark.parametrize("lang", ["zh", "bn", "vi", "tr"])
def test_the_catalogue_translates_every_text_the_forms_use(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "forms.po").open("rb") as f:
        po = {m.id: m.string for m in read_po(f, locale=LOCALES[lang]) if m.id}
    for text in [*catalogue_texts(), *PAGE_TEXTS]:
        assert po.get(text), (lang, text)
        assert re.findall(r"%\(\w+\)s", po[text]) == re.findall(r"%\(\w+\)s", text), (lang, text)
    assert set(po) == set(catalogue_texts()) | set(PAGE_TEXTS)  # nothing stale either


# -- a filled instance read back into the service's body ---------------------------------------------------


def test_a_filled_survey_becomes_the_survey_response():
    form = build(target("survey"))
    xml, iid = fill(form.xform(), {"country": "bd", "assessment_id": "A-2026-bd-1", "language": "bn",
                                   "sex": "female", "age_band": "25_34", "migrant": "no", "is_parent": "yes",
                                   "children_live_with": "apart", "afford_basics": "no", "feel_guilty": "yes",
                                   "needs_childcare": "yes", "recruitment_fee": "no",
                                   "support_needed": "childcare flexible_hours", "stress": "4",
                                   "parenting_confidence": "2"})
    inst = parse_instance(xml)
    assert inst.form_id == form.form_id and inst.instance_id == iid and inst.version == form.version
    call = to_call(form, record_of(form, inst.root), inst.instance_id)
    assert call.path == "/bd/assessments/A-2026-bd-1/survey-responses/batch"
    (response,) = call.body["responses"]
    assert response["response_id"] == client_id(iid) == f"odk-{iid.removeprefix('uuid:')}"
    assert response["language"] == "bn"
    assert response["answers"]["support_needed"] == ["childcare", "flexible_hours"]
    assert response["answers"]["stress"] == 4 and "returned_after_pregnancy" not in response["answers"]


def test_a_filled_attendance_becomes_a_field_session():
    form = build(target("attendance"))
    xml, iid = fill(form.xform(), {
        "country": "bd", "plan_id": "otto.bd-dhaka-knit", "activity": "training_of_trainers",
        "local_start": "2026-02-02T09:00:00.000+06:00", "venue": "Training room", "online": "no",
        "trainers": "wecare:lina", "capacity": "20", "expected_participants": "14", "took_place": "yes",
        "delivered_at": "2026-02-02T12:00:00.000+06:00", "roles": "manager", "manager_female_35_44": "3",
        "identified": "yes", "participants": [
            {"participant_id": "m1", "participant_role": "manager", "participant_sex": "male",
             "participant_age_band": "35_44"}]})
    inst = parse_instance(xml)
    call = to_call(form, record_of(form, inst.root), inst.instance_id)
    assert call.service == "delivery" and call.path == "/bd/deliveries/otto.bd-dhaka-knit/batch"
    (s,) = call.body["sessions"]
    assert s["session_id"] == client_id(iid) and s["trainers"] == ["wecare:lina"] and s["online"] is False
    assert s["attendance"]["counts"] == [{"role": "manager", "sex": "female", "age_band": "35_44", "count": 3}]
    assert s["attendance"]["participants"] == [{"id": "m1", "role": "manager", "sex": "male", "age_band": "35_44"}]


@pytest.mark.parametrize(("values", "field"), [
    ({"stress": "many"}, "stress"),
    ({"sex": "robot"}, "sex"),
    ({"language": "fr"}, "language"),
    ({"assessment_id": "A-other"}, "assessment_id"),
])
def test_a_bad_value_is_refused_naming_the_field(values: dict, field: str):
    form = build(target("survey"))
    xml, _ = fill(form.xform(), {"language": "en", "sex": "female", "age_band": "25_34", "stress": "3", **values})
    inst = parse_instance(xml)
    with pytest.raises(FormError) as e:
        to_call(form, record_of(form, inst.root), inst.instance_id)
    assert e.value.field == field


@pytest.mark.parametrize(("xml", "field"), [
    (b"<survey id='wecare-survey-bd-A1'><meta><instanceID>uuid:1</instanceID></meta>", "xml_submission_file"),
    (b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><survey id='wecare-survey-bd-A1'>&a;</survey>", "xml_submission_file"),
    (b"<survey><meta><instanceID>uuid:1</instanceID></meta></survey>", "form_id"),
    (b"<survey id='wecare-survey-bd-A1'><meta/></survey>", "instanceID"),
    (b"<survey id='somebody-elses'><meta><instanceID>uuid:1</instanceID></meta></survey>", "form_id"),
])
def test_a_bad_instance_is_refused_naming_what(xml: bytes, field: str):
    with pytest.raises(FormError) as e:
        parse_instance(xml)
    assert e.value.field == field


def test_the_xlsform_workbook_holds_the_same_sheets():
    from openpyxl import load_workbook

    form = build(target("management"))
    wb = load_workbook(io.BytesIO(form.xlsx()))
    assert wb.sheetnames == ["survey", "choices", "settings"]
    header = [c.value for c in wb["survey"][1]]
    assert {"type", "name", "label::English (en)", "label::বাংলা (bn)", "label::中文 (zh)"} <= set(header)
    from pyxform.xls2xform import convert

    again = convert(io.BytesIO(form.xlsx()), form_name="management").xform
    assert itext(again) == itext(form.xform())  # the same texts (pyxform may order the languages otherwise)
    body = re.compile(r"<h:body.*</h:body>", re.S)
    assert body.search(again).group() == body.search(form.xform()).group()
