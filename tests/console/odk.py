"""What ODK Collect does with a form, for the tests: read the generated
XForm's primary instance, fill its fields (repeats: one copy of the
repeat's template per entry), set meta/instanceID, and serialise the
instance as the XML it submits."""

from __future__ import annotations

import copy
import uuid
import xml.etree.ElementTree as ET
from typing import Any

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
