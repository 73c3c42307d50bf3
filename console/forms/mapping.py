"""From a filled form to the services' API: a submission's XML instance (or
an export's row) read into a record of the form's fields, the record turned
into the body of the service's own endpoint, and the service's answer (its
errors name the API's fields) told back in the form's field names.

A record is {field name: text} with, for a repeat group, {repeat name:
[{field name: text}, ...]}: field names are unique in a form, so an export's
column is its field whatever the group path before it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from console.forms.xlsform import INSTANCE_ID, SEXES, FormError, XLSForm, count_name, parse_form_id
from services.assessment.domain.checklist import checklist
from shared.contracts.delivery import AGE_BANDS, ROLES

Record = dict[str, Any]  # str values, or a list of records for a repeat
MAX_INSTANCE_BYTES = 2 * 2**20  # one submission's XML: a form's answers are a few kilobytes
MAX_ELEMENTS = 20_000
MAX_TEXT = 10_000  # characters of one answer
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True)
class Instance:
    form_id: str
    version: str | None
    instance_id: str
    root: Element


def _tag(e: Element) -> str:
    return e.tag.rsplit("}", 1)[-1] if isinstance(e.tag, str) else ""


def parse_instance(xml: bytes) -> Instance:
    """A submission's XML instance (defusedxml: no DTD, no entity, no external reference)."""
    if len(xml) > MAX_INSTANCE_BYTES:
        raise FormError("xml_submission_file", f"the submission is larger than {MAX_INSTANCE_BYTES} bytes")
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FormError("xml_submission_file", "the submission declares a DTD or entities: refused") from None
    except Exception as e:  # ParseError and friends
        raise FormError("xml_submission_file", f"the submission is not well-formed XML: {e}") from None
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise FormError("xml_submission_file", f"the submission has more than {MAX_ELEMENTS} elements")
    fid = root.get("id") or ""
    if not fid:
        raise FormError("form_id", "the submission's root element names no form (its id attribute)")
    parse_form_id(fid)
    meta = next((e for e in root if _tag(e) == "meta"), None)
    iid = next((e.text or "" for e in (meta if meta is not None else []) if _tag(e) == INSTANCE_ID), "").strip()
    if not iid:
        raise FormError(INSTANCE_ID, "the submission has no meta/instanceID")
    if len(iid) > 200:
        raise FormError(INSTANCE_ID, "the instanceID is longer than 200 characters")
    return Instance(fid, root.get("version"), iid, root)


def record_of(form: XLSForm, root: Element) -> Record:
    """The instance's answers by field name; repeats as lists. Elements the form does not have are left out."""
    def walk(e: Element, into: Record) -> None:
        for child in e:
            name = _tag(child)
            if name in form.repeats:
                sub: Record = {}
                walk(child, sub)
                into.setdefault(name, []).append(sub)
            elif len(child):
                walk(child, into)
            elif name in form.fields or name == INSTANCE_ID:
                text = (child.text or "").strip()
                if len(text) > MAX_TEXT:
                    raise FormError(name, f"{name}: the answer is longer than {MAX_TEXT} characters")
                into[name] = text
    out: Record = {}
    walk(root, out)
    return out


def client_id(instance_id: str) -> str:
    """The id a client makes for what it sends (a response id, a session id), from the instanceID:
    uuid:3f2a... gives odk-3f2a...; another instanceID a digest of it. The same instance, the same id."""
    iid = instance_id.strip()
    bare = iid.removeprefix("uuid:")
    candidate = f"odk-{bare}"
    if CLIENT_ID.match(candidate):
        return candidate
    return "odk-" + hashlib.sha256(iid.encode()).hexdigest()[:32]


# -- values ----------------------------------------------------------------------------------------


def _text(rec: Record, name: str, required: bool = False) -> str | None:
    v = rec.get(name)
    if isinstance(v, list):
        raise FormError(name, f"{name}: one answer expected")
    v = (v or "").strip()
    if not v:
        if required:
            raise FormError(name, f"{name}: an answer is required")
        return None
    return v


def _int(rec: Record, name: str, required: bool = False, lo: int = 0, hi: int = 1_000_000) -> int | None:
    v = _text(rec, name, required)
    if v is None:
        return None
    try:
        n = int(float(v)) if re.fullmatch(r"-?\d+(\.0+)?", v) else None
    except ValueError:
        n = None
    if n is None:
        raise FormError(name, f"{name}: {v[:40]!r} is not a whole number")
    if not lo <= n <= hi:
        raise FormError(name, f"{name}: {n} is outside {lo}..{hi}")
    return n


def _choice(form: XLSForm, rec: Record, name: str, required: bool = False) -> str | None:
    v = _text(rec, name, required)
    if v is None:
        return None
    options = form.fields[name].choices
    if v not in options:
        raise FormError(name, f"{name}: {v[:40]!r} is not one of {', '.join(options)}")
    return v


def _choices(form: XLSForm, rec: Record, name: str) -> list[str]:
    v = _text(rec, name) or ""
    out = v.split()
    options = form.fields[name].choices
    bad = [x for x in out if x not in options]
    if bad:
        raise FormError(name, f"{name}: {bad[0][:40]!r} is not one of {', '.join(options)}")
    return list(dict.fromkeys(out))


def _time(rec: Record, name: str, required: bool = False) -> str | None:
    v = _text(rec, name, required)
    if v is None:
        return None
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise FormError(name, f"{name}: {v[:40]!r} is not a date and time") from None
    return v


def _rows(rec: Record, name: str) -> list[Record]:
    v = rec.get(name) or []
    if not isinstance(v, list):
        raise FormError(name, f"{name}: a repeat group expected")
    if len(v) > 2000:
        raise FormError(name, f"{name}: more than 2000 entries")
    return v


# -- a record as the service's command --------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What to send: to which service, the path of its endpoint, and the body
    (`item`: the one element of a batch body's list, for a batch endpoint)."""

    service: str
    method: str
    path: str
    body: dict[str, Any]
    batch: str | None = None  # the batch body's list: responses, sessions
    # the object read before the call, to tell whether it recorded anything: an answer replayed under
    # its Idempotency-Key is the first answer again, so "recorded" is told by the assessment's version
    # against the one before, or by a work plan's sessions (None: the answer's own `recorded` count
    # tells, a survey's)
    probe: str | None = None


def _check_target(form: XLSForm, rec: Record) -> None:
    id_field = "plan_id" if form.target.kind == "attendance" else "assessment_id"
    for name, want in (("country", form.target.country), (id_field, form.target.target_id)):
        got = _text(rec, name)
        if got is not None and got != want:
            raise FormError(name, f"{name}: the answers are for {got[:100]!r}, this form is for {want!r}")


def to_call(form: XLSForm, rec: Record, instance_id: str) -> Call:
    """The service call of one filled form. FormError names the form's field of a bad value."""
    _check_target(form, rec)
    t = form.target
    kind = t.kind
    if kind == "attendance":
        base = f"/{t.country}/deliveries/{quote(t.target_id, safe='')}"
        return Call("delivery", "POST", f"{base}/batch", {"sessions": [_session(form, rec, instance_id)]},
                    "sessions", probe=base)
    base = f"/{t.country}/assessments/{quote(t.target_id, safe='')}"
    if kind == "survey":
        return Call("assessment", "POST", f"{base}/survey-responses/batch",
                    {"responses": [_response(form, rec, instance_id)]}, "responses")
    if kind == "checklist":
        return Call("assessment", "PUT", f"{base}/policies", {"items": _policies(form, rec)}, probe=base)
    if kind == "demographics":
        return Call("assessment", "PUT", f"{base}/demographics", {"demographics": _demographics(rec)}, probe=base)
    if kind == "management":
        return Call("assessment", "PUT", f"{base}/management", {"findings": _findings(form, rec)}, probe=base)
    raise FormError("form_id", f"no form of kind {kind}")


def _response(form: XLSForm, rec: Record, instance_id: str) -> dict[str, Any]:
    from services.assessment.domain.survey import instrument

    inst = instrument(form.target.survey_version)
    answers: dict[str, Any] = {}
    for q in inst.questions.values():
        if q.kind == "single":
            v = _choice(form, rec, q.id)
        elif q.kind == "multi":
            v = _choices(form, rec, q.id) if _text(rec, q.id) else None
        else:
            v = _int(rec, q.id, lo=q.min or 0, hi=q.max or 1_000_000)
        if v is not None:
            answers[q.id] = v
    return {"response_id": client_id(instance_id), "language": _choice(form, rec, "language", required=True),
            "answers": answers}


def _policies(form: XLSForm, rec: Record) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for item in checklist().items.values():
        status = _choice(form, rec, item.id, required=True)
        answer: dict[str, Any] = {"status": status, "note": _text(rec, f"{item.id}_note") or ""}
        if item.asks_days:
            answer["days"] = _int(rec, f"{item.id}_days", lo=0, hi=1000)
        items[item.id] = answer
    return items


def _demographics(rec: Record) -> dict[str, Any]:
    from shared.contracts.assessment import AGE_BANDS as HEADCOUNT_BANDS

    return {"headcount": {sex: {band: _int(rec, f"{sex}_{band}", required=True) for band in HEADCOUNT_BANDS}
                          for sex in SEXES},
            **{name: _int(rec, name, required=True) for name in (
                "migrant_workers", "parent_workers", "left_behind_children", "maternity_leave_12m",
                "returned_after_maternity_12m")}}


def _findings(form: XLSForm, rec: Record) -> list[dict[str, Any]]:
    return [{"area": _choice(form, r, "finding_area", required=True), "text": _text(r, "finding_text", True),
             "priority": _choice(form, r, "finding_priority") or "medium"} for r in _rows(rec, "findings")]


def _session(form: XLSForm, rec: Record, instance_id: str) -> dict[str, Any]:
    trainers = (_text(rec, "trainers", required=True) or "").replace(",", " ").split()
    session: dict[str, Any] = {
        "session_id": client_id(instance_id), "activity": _choice(form, rec, "activity", required=True),
        "local_start": _time(rec, "local_start", required=True), "venue": _text(rec, "venue"),
        "online": _choice(form, rec, "online") == "yes", "trainers": trainers,
        "capacity": _int(rec, "capacity", required=True, lo=1, hi=10_000),
        "expected_participants": _int(rec, "expected_participants", required=True, hi=10_000)}
    if _choice(form, rec, "took_place", required=True) != "yes":
        return session
    counts = []
    for role in ROLES:
        for sex in SEXES:
            for band in AGE_BANDS:
                n = _int(rec, count_name(role, sex, band), hi=100_000)
                if n:
                    counts.append({"role": role, "sex": sex, "age_band": band, "count": n})
    participants = [{"id": _text(r, "participant_id", required=True),
                     "role": _choice(form, r, "participant_role", required=True),
                     "sex": _choice(form, r, "participant_sex", required=True),
                     "age_band": _choice(form, r, "participant_age_band", required=True)}
                    for r in _rows(rec, "participants")]
    session["attendance"] = {"delivered_at": _time(rec, "delivered_at", required=True), "counts": counts,
                             "participants": participants}
    return session


# -- the service's answer in the form's words -----------------------------------------------------------


def form_field(form: XLSForm, api_field: str | None, body: dict[str, Any] | None = None) -> str:
    """The form's field an API error names: answers.stress is `stress`, items.paid_maternity_leave.days
    `paid_maternity_leave_days`, sessions.0.attendance.counts.3.count the count's own box."""
    if not api_field:
        return "form"
    if api_field == "Idempotency-Key":
        return INSTANCE_ID
    parts = api_field.split(".")
    if parts and parts[0] in ("responses", "sessions") and len(parts) > 1 and parts[1].isdigit():
        parts = parts[2:]
    if not parts:
        return "form"
    if parts[0] == "answers" and len(parts) > 1 and parts[1] in form.fields:
        return parts[1]
    if parts[0] in ("session_id", "response_id"):
        return INSTANCE_ID
    # a count of the attendance: its own box
    if parts[:2] == ["attendance", "counts"] and len(parts) > 2 and parts[2].isdigit() and body:
        try:
            c = body["sessions"][0]["attendance"]["counts"][int(parts[2])]
            return count_name(c["role"], c["sex"], c["age_band"])
        except (KeyError, IndexError, TypeError):
            pass
    plain = [p for p in parts if not p.isdigit()]
    for n in range(len(plain), 0, -1):
        key = ".".join(plain[:n])
        if key in form.api_fields:
            return form.api_fields[key]
        if key in form.fields:
            return key
    return api_field
