"""What the forms are for and where a filled one goes, through the services'
public APIs with the caller's own token: the services decide the scope
(an assessment or plan the caller may not see answers 404, like a missing
one), the console only asks.

Forms are listed per open assessment (survey, checklist, demographics,
management) and per delivery plan (attendance) of the caller's countries.
A filled form goes to the same endpoints as the console's and the API's
offline batches, under its instanceID as the Idempotency-Key; the ids the
client makes (a survey response's, a session's) come from the instanceID,
so the same instance sent again, by any way, records nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from console.forms.mapping import Record, form_field, to_call
from console.forms.xlsform import ASSESSMENT_KINDS, FormError, Target, XLSForm, build, parse_form_id
from shared.access import Principal
from shared.countries import countries as known_countries

MAX_LISTED = 5000  # assessments or plans read for a form list, per country


def scope_countries(principal: Principal) -> tuple[str, ...]:
    """The countries whose forms a caller may fill: a writer's countries (every one if its token names
    none); a read-only role fills no form."""
    if not principal.can_write:
        return ()
    return principal.countries if principal.countries is not None else tuple(sorted(known_countries()))


async def _pages(upstream: Any, service: str, path: str, token: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while len(items) < MAX_LISTED:
        r = await upstream.call(service, "GET", path, token=token, params={"limit": 500, "offset": len(items)})
        if r.status_code != 200:
            return items
        body = r.json()
        items += body.get("items", [])
        if not body.get("items") or len(items) >= int(body.get("total", 0)):
            break
    return items


def _plan_target(country: str, plan: dict[str, Any], name: str) -> Target:
    acts = tuple((a["activity"], a.get("name") or a["activity"]) for a in plan.get("activities") or [])
    return Target("attendance", country, plan["plan_id"], plan["factory_id"], name, activities=acts)


async def targets(upstream: Any, token: str, principal: Principal, country: str | None = None) -> list[Target]:
    """Every form the caller may fill (in `country`, or every country of its scope): per open assessment
    its four, per delivery plan its attendance."""
    out: list[Target] = []
    for c in scope_countries(principal):
        if country is not None and c != country:
            continue
        open_ = [a for a in await _pages(upstream, "assessment", f"/{c}/assessments", token)
                 if a.get("status") != "completed"]
        plans = await _pages(upstream, "delivery", f"/{c}/deliveries", token)
        if not open_ and not plans:
            continue
        names = {f["factory_id"]: f["name"] for f in await _pages(upstream, "assessment", f"/{c}/factories", token)}
        for a in open_:
            for kind in ASSESSMENT_KINDS:
                out.append(Target(kind, c, a["assessment_id"], a["factory_id"],
                                  names.get(a["factory_id"], a["factory_id"])))
        for p in plans:
            out.append(_plan_target(c, p, names.get(p["factory_id"], p["factory_id"])))
    return out


async def target(upstream: Any, token: str, principal: Principal, fid: str) -> Target | None:
    """The target of one form, if the caller may fill it (None: no such form for this caller)."""
    try:
        kind, country, ident = parse_form_id(fid)
    except FormError:
        return None
    if country not in scope_countries(principal):
        return None
    if kind == "attendance":
        r = await upstream.call("delivery", "GET", f"/{country}/deliveries/{quote(ident, safe='')}", token=token)
    else:
        r = await upstream.call("assessment", "GET", f"/{country}/assessments/{quote(ident, safe='')}", token=token)
    if r.status_code != 200:
        return None
    row = r.json()
    f = await upstream.call("assessment", "GET", f"/{country}/factories/{quote(row['factory_id'], safe='')}",
                            token=token)
    name = f.json().get("name", row["factory_id"]) if f.status_code == 200 else row["factory_id"]
    if kind == "attendance":
        return _plan_target(country, row, name)
    return Target(kind, country, ident, row["factory_id"], name)


# -- sending a filled form ---------------------------------------------------------------------------

RECORDED, ALREADY, REFUSED = "recorded", "already recorded", "refused"


@dataclass(frozen=True)
class Outcome:
    status: str  # recorded | already recorded | refused | not found | forbidden | unavailable
    field: str | None = None
    message: str = ""
    http: int = 201

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **({"field": self.field} if self.field else {}),
                **({"message": self.message} if self.message else {})}


def refused(field: str, message: str) -> Outcome:
    """A refusal whose message starts with the form's field it names."""
    return Outcome(REFUSED, field, message if message.startswith(field) else f"{field}: {message}", 400)


def _seconds(value: str | None) -> float:
    try:
        return max(float(value or 1), 0.1)
    except ValueError:
        return 1.0


def _problem(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def send(upstream: Any, token: str, form: XLSForm, rec: Record, instance_id: str,
               lang: str | None = None) -> Outcome:
    """One filled form to its service. Recorded, already recorded (nothing changed), or refused with
    the form's field named (nothing stored: the services record all of a command or nothing)."""
    try:
        call = to_call(form, rec, instance_id)
    except FormError as e:
        return refused(e.field, e.message)
    before: int | None = None
    seen = False
    if call.probe is not None:  # the object before (reads may lag writes by a moment: see Call)
        r = await upstream.call(call.service, "GET", call.probe, token=token)
        if r.status_code == 200:
            obj = r.json()
            before = int(obj.get("version") or 0)
            if call.batch == "sessions":  # a work plan: is this instance's session there already?
                sid = call.body["sessions"][0]["session_id"]
                seen = any(s.get("session_id") == sid for s in obj.get("sessions") or [])
    try:
        for attempt in range(6):  # a long import may meet the services' rate limit: wait as they say
            r = await upstream.call(call.service, call.method, call.path, token=token, json=call.body, lang=lang,
                                    headers={"Idempotency-Key": instance_id})
            if r.status_code != 429 or attempt == 5:
                break
            await asyncio.sleep(min(_seconds(r.headers.get("retry-after")), 10.0))
    except httpx.HTTPError:
        return Outcome("unavailable", None, f"the {call.service} service cannot be reached; send again later", 503)
    if r.status_code in (200, 201):
        body = r.json()
        if call.probe is None:
            fresh = int(body.get("recorded") or 0) > 0
        elif call.batch == "sessions":
            fresh = not seen and int(body.get("recorded") or 0) > 0
        else:
            fresh = before is None or int(body.get("version") or 0) > before
        return Outcome(RECORDED if fresh else ALREADY, http=201 if fresh else 202)
    p = _problem(r)
    detail = str(p.get("detail") or r.reason_phrase)
    if r.status_code == 404:
        return Outcome("not found", None, detail, 404)
    if r.status_code in (401, 403):
        return Outcome("forbidden", None, detail, 403)
    if r.status_code in (400, 409, 412, 422):
        errors = p.get("errors") or []
        first = errors[0] if errors and isinstance(errors[0], dict) else {}
        api_field = first.get("field") or p.get("field")
        name = form_field(form, api_field, call.body)
        message = str(first.get("message") or detail)
        return refused(name, message)
    return Outcome("unavailable", None, detail, 503)


async def form_for(upstream: Any, token: str, principal: Principal, fid: str) -> XLSForm | None:
    t = await target(upstream, token, principal, fid)
    return build(t) if t is not None else None
