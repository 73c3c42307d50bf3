"""What ODK Collect does with a form, for the tests: read the generated
XForm's primary instance, fill its fields (repeats: one copy of the
repeat's template per entry), set meta/instanceID, and serialise the
instance as the XML it submits."""

from __future__ import annotations

import base64
import copy
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.conftest import eventually
from tests.console.conftest import PASSWORD, ConsoleStack
from tests.harness import no_lag

XF = "{http://www.w3.org/2002/xforms}"
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"


def primary_instance(xform: str) -> ET.Element:
    root = ET.fromstring(xform)
    model = root.find(f".//{XF}model")
    assert model is not None
    inst = next(i for i in model.findall(f"{XF}instance") if i.get("id") is None)
    return copy.deepcopy(next(iter(inst)))


def _strip(e: ET.Element) -> None:
    """Collect's instance has no namespace on the form's own elements."""
    for x in e.iter():
        if isinstance(x.tag, str) and x.tag.startswith(XF):
            x.tag = x.tag[len(XF):]


def fill(xform: str, values: dict[str, Any], instance_id: str | None = None) -> tuple[bytes, str]:
    """The submission's XML and its instanceID. `values`: field name -> text; a repeat's name -> a
    list of {field: text}. Fields not given stay empty, as Collect leaves an unanswered question."""
    inst = primary_instance(xform)
    _strip(inst)
    iid = instance_id or f"uuid:{uuid.uuid4()}"

    def set_leaves(e: ET.Element, vals: dict[str, Any]) -> None:
        for child in list(e):
            if child.get(JR_TEMPLATE) is not None:
                rows = vals.get(child.tag) or []
                at = list(e).index(child)
                e.remove(child)
                for c in [c for c in list(e) if c.tag == child.tag]:  # pyxform's first (empty) copy
                    e.remove(c)
                for i, row in enumerate(rows):
                    new = copy.deepcopy(child)
                    del new.attrib[JR_TEMPLATE]
                    set_leaves(new, row)
                    e.insert(at + i, new)
            elif len(child):
                set_leaves(child, vals)
            elif child.tag in vals:
                child.text = str(vals[child.tag])
            elif child.tag == "instanceID":
                child.text = iid
    set_leaves(inst, values)
    return ET.tostring(inst, encoding="utf-8", xml_declaration=True), iid


def multipart(xml: bytes) -> dict[str, Any]:
    """httpx's files= for a submission, as Collect posts it."""
    return {"xml_submission_file": ("submission.xml", xml, "text/xml")}


# -- a field team's stack: two factories with an open assessment, lina in Bangladesh ---------------------

BD_AID, VN_AID = "A-2026-bd-1", "A-2026-vn-1"


def basic(user: str, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def settled(stack: ConsoleStack, *names: str) -> None:
    async def calm() -> bool:
        return all([await no_lag(stack.admin(n)) for n in names])
    await eventually(calm, timeout=20)


async def assessment(stack: ConsoleStack, country: str, fid: str, name: str, aid: str) -> None:
    a = stack.admin("assessment")
    r = await a.post(f"/{country}/factories", json={
        "factory_id": fid, "name": name, "supplier": "Supplier Co", "region": "Capital", "sector": "garment",
        "buyers": ["Otto Group"], "headcount": 900})
    assert r.status_code == 201, r.text
    r = await a.post(f"/{country}/assessments", json={"assessment_id": aid, "factory_id": fid,
                                                       "scheduled_date": "2026-01-15", "assessors": ["Ms Rahman"]})
    assert r.status_code == 201, r.text


@pytest.fixture(name="field", scope="module")
async def field_fixture(console_stack: ConsoleStack) -> ConsoleStack:
    """Dhaka Knitwear (bd) and Saigon Sewing (vn), each with an open assessment; lina works in bd."""
    await assessment(console_stack, "bd", "bd-dhaka-knit", "Dhaka Knitwear", BD_AID)
    await assessment(console_stack, "vn", "vn-saigon-sew", "Saigon Sewing", VN_AID)
    console_stack.account("lina", countries=("bd",))
    await settled(console_stack, "assessment")
    return console_stack


def survey_answers(lang: str, **kw: Any) -> dict[str, Any]:
    return {"country": "bd", "assessment_id": BD_AID, "language": lang, "sex": "female", "age_band": "25_34",
            "migrant": "yes", "is_parent": "yes", "children_live_with": "apart", "afford_basics": "no",
            "feel_guilty": "yes", "returned_after_pregnancy": "returned", "needs_childcare": "yes",
            "recruitment_fee": "no", "support_needed": "childcare parenting_skills", "stress": "4",
            "parenting_confidence": "3", **kw}


