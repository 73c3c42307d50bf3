"""The country team's assessment pages: the worklist, the factory registry,
a factory (its assessments, needs profile and evidence) and an assessment's
forms (the policies checklist, demographics, the management interview, the
survey's count, completion).

Every read and write goes to the assessment service's public API as the
signed-in caller (console.web.api): the service decides what the caller sees
and may do; anything it does not show (another country's factory, an
unknown id) is answered here with the console's 404, as a missing page.

A write form carries the caller's `csrf` value and an `key` made when the
form was drawn: it is sent as the Idempotency-Key, so a form sent twice (a
double tap, a resend after a timeout) records once. A section of an
assessment is written with If-Match (the version the page showed), so a
change made meanwhile by someone else is not overwritten silently. After a
write the browser is sent (303) to the page that shows it; reads lag writes
by up to a second (issue #19), so a page that does not show the write yet
says so and reloads itself once (a meta refresh: no script)."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from console.i18n import gettext
from console.web import (
    Caller,
    Problem,
    api,
    caller,
    check_csrf,
    failed,
    in_scope,
    language,
    missing,
    not_found,
    render,
    see_other,
    writer,
)
from services.assessment.domain.checklist import checklist
from shared.contracts.assessment import AGE_BANDS
from shared.countries import country as country_info
from shared.i18n import N_
from shared.menu import menu

router = APIRouter(include_in_schema=False)

SERVICE = "assessment"
PAGE = 50  # factories per page of the registry
FINDING_ROWS = 5  # empty rows of the management interview's form (?rows= asks for more, up to 50)
MAX_FINDING_ROWS = 200  # the service's most findings: a row numbered beyond (only a crafted form) is not read
ROW_FIELD = re.compile(r"^(area|text|priority)\.(\d{1,3})$")
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SECTIONS = ("policies", "demographics", "management", "survey")
STATUSES = {"in_place": N_("In place"), "partial": N_("Partly in place"), "missing": N_("Missing")}
PRIORITIES = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
SEXES = {"female": N_("Women"), "male": N_("Men")}
COUNTS = {  # the demographics' counts besides the headcount, in the order of the form
    "migrant_workers": N_("Migrant workers"),
    "parent_workers": N_("Workers who are parents of children under 18"),
    "left_behind_children": N_("Children of workers living apart from their parents"),
    "maternity_leave_12m": N_("Women who took maternity leave in the last 12 months"),
    "returned_after_maternity_12m": N_("Of those, women who came back to work"),
}
ASSESSMENT_STATUS = {"scheduled": N_("Scheduled"), "in_progress": N_("In progress"), "completed": N_("Completed")}
SEVERITY = {"none": N_("None"), "low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
# the survey's indicators, when the service names them by code only
INDICATORS = {
    "share_parents_cannot_afford_basics": N_("Parents who cannot afford basic necessities"),
    "share_separated_parents_feel_guilty": N_("Parents living apart from their children who feel guilty"),
    "share_women_not_returned_after_pregnancy": N_("Women who did not return to work after pregnancy"),
    "share_parents_need_childcare": N_("Parents who would use childcare"),
    "share_paid_recruitment_fee": N_("Workers who paid a recruitment fee"),
    "share_migrant": N_("Migrant workers"),
    "share_parents": N_("Parents of children under 18"),
    "share_separated_parents": N_("Parents living apart from their children"),
    "share_female_respondents": N_("Women among the respondents"),
    "share_juvenile_respondents": N_("Respondents aged 16-17"),
    "share_high_stress": N_("Workers highly stressed by work and family"),
    "mean_stress": N_("Stress (mean, 1 to 5)"),
    "mean_parenting_confidence": N_("Confidence as a parent (mean, 1 to 5)"),
    "share_wanting_childcare": N_("Want childcare"),
    "share_wanting_parenting_skills": N_("Want parenting skills"),
    "share_wanting_financial_support": N_("Want financial support"),
    "share_wanting_flexible_hours": N_("Want flexible hours"),
    "share_wanting_breastfeeding_support": N_("Want breastfeeding support"),
    "share_wanting_recruitment_support": N_("Want recruitment support"),
    "share_wanting_young_worker_support": N_("Want support for young workers"),
    "share_wanting_psychological_support": N_("Want psychological support"),
}
# the console's own texts of this part (Python side)
RECORDED = N_("Recorded. It will appear in a moment.")
CHANGED = N_("Someone changed this assessment since you opened the page. Check what is recorded now and send "
             "your form again: what you typed is kept below.")
REFUSED = N_("Not recorded: please check the fields marked below.")
FAILED = N_("The service did not answer (%(status)s). Nothing was lost: send the form again in a moment.")
NOT_ANSWERED = N_("Choose one.")


# -- helpers ---------------------------------------------------------------------------------


def new_key() -> str:
    """An Idempotency-Key for one drawing of a form."""
    return uuid.uuid4().hex


def form_key(form: FormData) -> str:
    sent = str(form.get("key") or "")
    return sent if KEY.match(sent) else new_key()


def proof(c: Caller, what: str) -> str:
    """A mark that this browser just wrote `what` (the "it will appear" notice is shown for it only:
    another id answers 404 as ever)."""
    return hmac.new(c.csrf.encode(), what.encode(), hashlib.sha256).hexdigest()[:16]


def just_recorded(request: Request, c: Caller, what: str) -> bool:
    sent = request.query_params.get("recorded", "")
    return bool(sent) and hmac.compare_digest(sent, proof(c, what))


def again(request: Request) -> str:
    """This page's URL, marked as reloaded."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "again"] + [("again", "1")]
    return f"{request.url.path}?{urlencode(query)}"


def refresh_once(request: Request) -> str | None:
    """The URL a page that does not show a write yet reloads itself to, once (None: reloaded already)."""
    return None if request.query_params.get("again") else again(request)


def after_write(url: str, c: Caller, what: str, **more: Any) -> Response:
    query = {"recorded": proof(c, what), **{k: v for k, v in more.items() if v is not None}}
    return see_other(f"{url}?{urlencode(query)}")


async def read(request: Request, c: Caller, path: str, **params: Any) -> httpx.Response:
    return await api(request, c, SERVICE, "GET", path, params=params or None)


async def write(request: Request, c: Caller, method: str, path: str, body: dict, key: str,
                version: int | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key}
    if version is not None:
        headers["If-Match"] = str(version)
    return await api(request, c, SERVICE, method, path, json=body, headers=headers)


def lines(text: str) -> list[str]:
    """A list typed in a text box: one per line (or separated by commas or semicolons)."""
    return [p.strip() for p in re.split(r"[\n;,]", text or "") if p.strip()]


def whole(text: Any) -> int | str | None:
    """A count typed in a box: an int, None if empty, the text itself if it is not a number (the service names
    the field then)."""
    s = str(text or "").strip()
    if not s:
        return None
    try:
        return int(s)
    except ValueError:
        return s


def slug(text: str, size: int = 24) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:size].strip("-")


def label(entry: Any, fallback: str) -> str:
    """A name the service gives in the caller's language (`label` or `name`), else our own text."""
    if isinstance(entry, dict):
        for k in ("label", "name", "title"):
            if isinstance(entry.get(k), str) and entry[k]:
                return entry[k]
    return fallback


def activity_names(lang: str, codes: list[str]) -> list[str]:
    """The menu's activities, named in the caller's language through the console's catalogues."""
    acts = menu().activities
    return [gettext(lang, acts[c].name) if c in acts else c for c in codes or []]


def area_name(lang: str, area: Any) -> str:
    """A need area's name: the service's (localised), else the menu's through the console's catalogues."""
    code = area.get("area") if isinstance(area, dict) else str(area)
    own = menu().areas.get(str(code), str(code))
    return label(area if isinstance(area, dict) and ("label" in area or "name" in area) else None,
                 gettext(lang, own))


def errors_of(problem: Problem, mapping: dict[str, str] | None = None, mentions: tuple[str, ...] = ()
              ) -> dict[str, str]:
    """The service's messages by the form's field names. A message on a whole part of a form ("migrant_workers
    exceeds the headcount") goes next to the first field of `mentions` it names."""
    out: dict[str, str] = {}
    for field, message in problem.fields.items():
        name = (mapping or {}).get(field)
        if name is None:
            name = next((m for m in mentions if re.search(rf"\b{re.escape(m)}\b", message)), field)
        out.setdefault(name, message)
    if not out:
        out[""] = problem.detail
    return out


# -- the worklist ------------------------------------------------------------------------------


@router.get("/{country}/", response_class=HTMLResponse)
async def worklist(request: Request, country: str, c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    work = await read(request, c, f"/{country}/worklist")
    if missing(work):
        raise not_found()
    if work.status_code != 200:
        raise failed(work)
    names = await _factory_names(request, c, country)
    return render(request, "assessment/worklist.html", work=work.json(), names=names,
                  factories=len(names), statuses=ASSESSMENT_STATUS)


async def _factory_names(request: Request, c: Caller, country: str) -> dict[str, str]:
    r = await read(request, c, f"/{country}/factories", limit=500)
    if r.status_code != 200:
        return {}
    return {f["factory_id"]: f["name"] for f in r.json().get("items", [])}


# -- the registry ------------------------------------------------------------------------------


@router.get("/{country}/factories", response_class=HTMLResponse)
async def factories(request: Request, country: str, offset: int = 0, c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    return await _registry(request, c, country, max(0, offset))


async def _registry(request: Request, c: Caller, country: str, offset: int = 0, *, values: dict | None = None,
                    errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    r = await read(request, c, f"/{country}/factories", limit=PAGE, offset=offset)
    if missing(r):
        raise not_found()
    if r.status_code != 200:
        raise failed(r)
    page = r.json()
    return render(request, "assessment/factories.html", status_code=status_code, page=page,
                  offset=offset, size=PAGE, values=values or {}, errors=errors or {}, key=new_key())


REGISTER_FIELDS = ("factory_id", "name", "supplier", "region", "sector", "buyers", "headcount", "os_id",
                   "amfori_id", "sedex_id")


@router.post("/{country}/factories")
async def register_factory(request: Request, country: str, c: Caller = Depends(writer)) -> Response:
    in_scope(c, country)
    form = await request.form()
    check_csrf(c, form.get("csrf"))  # type: ignore[arg-type]
    values = {k: str(form.get(k) or "") for k in REGISTER_FIELDS}
    key = form_key(form)
    factory_id = values["factory_id"].strip() or f"{country}-{slug(values['name']) or 'factory'}-{key[:4]}"
    headcount = whole(values["headcount"])
    body: dict[str, Any] = {
        "factory_id": factory_id, "name": values["name"].strip(), "supplier": values["supplier"].strip(),
        "region": values["region"].strip(), "sector": values["sector"].strip(),
        "buyers": lines(values["buyers"]), "headcount": headcount if headcount is not None else "",
    }
    for k in ("os_id", "amfori_id", "sedex_id"):
        if values[k].strip():
            body[k] = values[k].strip()
    r = await write(request, c, "POST", f"/{country}/factories", body, key)
    if r.status_code in (200, 201):
        return after_write(f"/{country}/factories/{quote(factory_id, safe='')}", c, f"factory:{factory_id}")
    if missing(r):
        raise not_found()
    if r.status_code == 422:
        problem = Problem.of(r)
        mapping = {f"buyers.{i}": "buyers" for i in range(50)}
        errors = errors_of(problem, mapping)
        if "buyers" not in errors and any(f.startswith("buyers") for f in problem.fields):
            errors["buyers"] = next(m for f, m in problem.fields.items() if f.startswith("buyers"))
        return await _registry(request, c, country, values=values, errors=errors, status_code=422)
    return await _registry(request, c, country, values=values, status_code=r.status_code if r.status_code < 500
                           else 502, errors={"": gettext(language(request), FAILED, status=r.status_code)})


# -- a factory ---------------------------------------------------------------------------------


@router.get("/{country}/factories/{factory_id}", response_class=HTMLResponse)
async def factory(request: Request, country: str, factory_id: str, c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    return await _factory(request, c, country, factory_id)


async def _factory(request: Request, c: Caller, country: str, factory_id: str, *, values: dict | None = None,
                   errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    path = f"/{country}/factories/{quote(factory_id, safe='')}"
    r = await read(request, c, path)
    if missing(r):
        if just_recorded(request, c, f"factory:{factory_id}"):
            return render(request, "assessment/pending.html", refresh=refresh_once(request),
                          reload=again(request), back=f"/{country}/factories")
        raise not_found()
    if r.status_code != 200:
        raise failed(r)
    f = r.json()
    listed = await read(request, c, f"/{country}/assessments", factory_id=factory_id, limit=100)
    items = listed.json().get("items", []) if listed.status_code == 200 else []
    ind = await read(request, c, f"{path}/indicators")
    indicators = ind.json().get("indicators", {}) if ind.status_code == 200 else {}
    lang = language(request)
    scheduled = request.query_params.get("scheduled", "")
    pending = bool(scheduled) and just_recorded(request, c, f"assessment:{scheduled}") and \
        scheduled not in {a["assessment_id"] for a in items}
    return render(request, "assessment/factory.html", status_code=status_code, f=f,
                  assessments=items, indicators=indicators, indicator_names=INDICATORS,
                  profile=[{**n, "name": area_name(lang, n), "answered_by": activity_names(lang, n.get("activities"))}
                           for n in (f.get("needs_profile") or [])],
                  severity=SEVERITY, statuses=ASSESSMENT_STATUS, values=values or {}, errors=errors or {},
                  key=new_key(), today=date.today().isoformat(), pending=pending,
                  refresh=refresh_once(request) if pending else None,
                  fresh=just_recorded(request, c, f"factory:{factory_id}"))


@router.post("/{country}/factories/{factory_id}/assessments")
async def schedule_assessment(request: Request, country: str, factory_id: str, c: Caller = Depends(writer)
                              ) -> Response:
    in_scope(c, country)
    form = await request.form()
    check_csrf(c, form.get("csrf"))  # type: ignore[arg-type]
    values = {k: str(form.get(k) or "") for k in ("assessment_id", "scheduled_date", "assessors")}
    key = form_key(form)
    when = values["scheduled_date"].strip()
    assessment_id = values["assessment_id"].strip() or \
        f"{factory_id[:60]}-{when.replace('-', '') or 'a'}-{key[:4]}"
    body = {"assessment_id": assessment_id, "factory_id": factory_id, "scheduled_date": when or None,
            "assessors": lines(values["assessors"])}
    r = await write(request, c, "POST", f"/{country}/assessments", body, key)
    if r.status_code in (200, 201):
        return after_write(f"/{country}/factories/{quote(factory_id, safe='')}", c, f"assessment:{assessment_id}",
                           scheduled=assessment_id)
    problem = Problem.of(r)
    if missing(r) or (r.status_code == 422 and problem.rule == "known_factory"):
        raise not_found()
    if r.status_code == 422:
        mapping = {f"assessors.{i}": "assessors" for i in range(20)}
        errors = errors_of(problem, mapping)
        if "assessors" not in errors and any(f.startswith("assessors") for f in problem.fields):
            errors["assessors"] = next(m for f, m in problem.fields.items() if f.startswith("assessors"))
        return await _factory(request, c, country, factory_id, values=values, errors=errors, status_code=422)
    return await _factory(request, c, country, factory_id, values=values, status_code=502,
                          errors={"": gettext(language(request), FAILED, status=r.status_code)})


# -- an assessment ---------------------------------------------------------------------------------


def _rows(request: Request, values: dict) -> int:
    try:
        asked = int(request.query_params.get("rows", "0"))
    except ValueError:
        asked = 0
    sent = max((n + 1 for n in _row_numbers(values)), default=0)
    return max(FINDING_ROWS, min(asked, 50), sent)


def _row_numbers(values: dict) -> list[int]:
    """The management form's row numbers sent (area.3, text.3, priority.3), within MAX_FINDING_ROWS: the page
    shown again draws every row up to the last, so a row numbered 10**7 would draw ten million."""
    numbers = {int(m.group(2)) for k in values if (m := ROW_FIELD.match(k))}
    return sorted(n for n in numbers if n < MAX_FINDING_ROWS)


async def _history(request: Request, c: Caller, country: str, stream: str) -> list[dict]:
    """The stream's events (who and when; no content) from the audit trail: the event store's, without lag."""
    r = await read(request, c, f"/{country}/audit/{quote(stream, safe='')}")
    return r.json().get("events", []) if r.status_code == 200 else []


EVENT_SECTION = {"PoliciesRecorded": "policies", "DemographicsRecorded": "demographics",
                 "ManagementFindingsRecorded": "management", "AssessmentCompleted": "completed",
                 "AssessmentScheduled": "scheduled", "AssessmentAmended": "amended"}


@router.get("/{country}/assessments/{assessment_id}", response_class=HTMLResponse)
async def assessment(request: Request, country: str, assessment_id: str, c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    return await _assessment(request, c, country, assessment_id)


async def _assessment(request: Request, c: Caller, country: str, assessment_id: str, *, form: str = "",
                      values: dict | None = None, errors: dict[str, str] | None = None, notice: str = "",
                      status_code: int = 200) -> Response:
    path = f"/{country}/assessments/{quote(assessment_id, safe='')}"
    r = await read(request, c, path)
    if missing(r):
        raise not_found()
    if r.status_code != 200:
        raise failed(r)
    a = r.json()
    lang = language(request)
    fr = await read(request, c, f"/{country}/factories/{quote(a['factory_id'], safe='')}")
    f = fr.json() if fr.status_code == 200 else {"factory_id": a["factory_id"], "name": a["factory_id"]}
    history = await _history(request, c, country, f"assessment-{assessment_id}")
    last: dict[str, dict] = {}
    for e in history:
        section = EVENT_SECTION.get(e.get("event", ""))
        if section:
            last[section] = e
    responses = len(await _history(request, c, country, f"survey-{assessment_id}"))
    # a write this browser just made, not in the read model yet: say so, and reload once
    written = _int(request.query_params.get("v"))
    section = request.query_params.get("section", "")
    lagging = written is not None and just_recorded(request, c, f"{assessment_id}:{section}:{written}") and \
        int(a.get("version") or 0) < written
    done = set(a.get("sections") or []) | {s for s in SECTIONS if s in last}
    if responses:
        done.add("survey")
    statutory = country_info(country).statutory_maternity_leave_days
    inst = await read(request, c, f"/survey-instruments/{int(a.get('survey_version') or 1)}", lang=lang)
    bands = {b: b.replace("_plus", "+").replace("_", "–") for b in AGE_BANDS}
    if inst.status_code == 200:  # the instrument's own age bands, in the caller's language
        for q in inst.json().get("questions", []):
            if q.get("id") == "age_band":
                bands.update({o["id"]: o["label"] for o in q.get("options", []) if o.get("id") in bands})
    items = await _checklist(request, c, lang)
    labels = {"completed_on": gettext(lang, "Date completed"), "reason": gettext(lang, "Reason for the change"),
              "days.paid_maternity_leave": gettext(lang, "Days of paid maternity leave")}
    for i in items:
        labels[f"status.{i['id']}"] = labels[f"note.{i['id']}"] = i["label"]
    for sex, sex_label in SEXES.items():
        labels.update({f"{sex}.{b}": f"{text} ({gettext(lang, sex_label)})" for b, text in bands.items()})
    labels.update({k: gettext(lang, v) for k, v in COUNTS.items()})
    for n in range(50):
        finding = gettext(lang, "Finding %(n)s", n=n + 1)
        labels.update(dict.fromkeys((f"area.{n}", f"text.{n}", f"priority.{n}"), finding))
    return render(
        request, "assessment/assessment.html", status_code=status_code, a=a, f=f, labels=labels,
        done=done, last=last, responses=responses, statuses=ASSESSMENT_STATUS,
        checklist=items,
        item_status=STATUSES, priorities=PRIORITIES, sexes=SEXES, bands=bands, counts=COUNTS, statutory=statutory,
        areas=[(code, gettext(lang, name)) for code, name in menu().areas.items()], rows=_rows(request, values or {}),
        form=form, values=values or {}, errors=errors or {}, notice=notice, key=new_key(),
        # If-Match: the version this page shows (the audit trail's is the event store's own, without lag)
        version=max([int(a.get("version") or 0)] + [int(e.get("version") or 0) for e in history]),
        lagging=lagging, refresh=refresh_once(request) if lagging else None, today=date.today().isoformat(),
        flags=a.get("policy_flags") or [], severity=SEVERITY, indicator_names=INDICATORS,
        profile=[{**n, "name": area_name(lang, n)} for n in (a.get("needs_profile") or [])],
        recorded=section if written is not None and just_recorded(request, c, f"{assessment_id}:{section}:"
                                                                               f"{written}") else "")


async def _checklist(request: Request, c: Caller, lang: str) -> list[dict]:
    """The checklist's items as the service names them in the caller's language (GET /checklist), else as
    the instrument's data names them, through the console's catalogues."""
    r = await read(request, c, "/checklist")
    ours = checklist().items
    if r.status_code == 200:
        given = {i.get("id"): i for i in r.json().get("items", []) if isinstance(i, dict)}
        if set(given) == set(ours):
            return [{"id": k, "label": label(given[k], gettext(lang, ours[k].label)), "group": ours[k].group,
                     "asks_days": ours[k].asks_days} for k in ours]
    return [{"id": i.id, "label": gettext(lang, i.label), "group": i.group, "asks_days": i.asks_days}
            for i in ours.values()]


def _int(v: Any) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except (TypeError, ValueError):
        return None


async def _section_write(request: Request, c: Caller, country: str, assessment_id: str, section: str,
                         form: FormData, values: dict, body: dict, method: str = "PUT", mapping: dict | None = None,
                         mentions: tuple[str, ...] = ()) -> Response:
    """Send one section's form; back to the page (303), or the page again with the errors and what was typed."""
    key = form_key(form)
    version = _int(form.get("version"))
    reason = str(form.get("reason") or "").strip()
    if reason:
        body["reason"] = reason
    path = f"/{country}/assessments/{quote(assessment_id, safe='')}/{section}"
    r = await write(request, c, method, path, body, key, version)
    if r.status_code in (200, 201):
        v = _int(r.json().get("version")) or 0
        return after_write(f"/{country}/assessments/{quote(assessment_id, safe='')}", c,
                           f"{assessment_id}:{section}:{v}", section=section, v=v)
    if missing(r):
        raise not_found()
    lang = language(request)
    if r.status_code in (409, 412):
        return await _assessment(request, c, country, assessment_id, form=section, values=values,
                                 notice=gettext(lang, CHANGED), status_code=r.status_code)
    if r.status_code == 422:
        return await _assessment(request, c, country, assessment_id, form=section, values=values,
                                 errors=errors_of(Problem.of(r), mapping, mentions), notice=gettext(lang, REFUSED),
                                 status_code=422)
    return await _assessment(request, c, country, assessment_id, form=section, values=values, status_code=502,
                             errors={"": gettext(lang, FAILED, status=r.status_code)})


async def _form(request: Request, c: Caller) -> FormData:
    form = await request.form()
    check_csrf(c, form.get("csrf"))  # type: ignore[arg-type]
    return form


@router.post("/{country}/assessments/{assessment_id}/policies")
async def record_policies(request: Request, country: str, assessment_id: str, c: Caller = Depends(writer)
                          ) -> Response:
    in_scope(c, country)
    form = await _form(request, c)
    values = {k: str(v) for k, v in form.multi_items() if k not in ("csrf", "key")}
    items: dict[str, dict] = {}
    mapping: dict[str, str] = {}
    for item in checklist().items.values():
        entry: dict[str, Any] = {"status": values.get(f"status.{item.id}", "")}
        if item.asks_days:
            days = whole(values.get(f"days.{item.id}"))
            if days is not None:
                entry["days"] = days
        note = values.get(f"note.{item.id}", "").strip()
        if note:
            entry["note"] = note
        items[item.id] = entry
        mapping.update({f"items.{item.id}.status": f"status.{item.id}", f"items.{item.id}.days": f"days.{item.id}",
                        f"items.{item.id}.note": f"note.{item.id}", f"items.{item.id}": f"status.{item.id}"})
    lang = language(request)
    unanswered = {f"status.{i}": gettext(lang, NOT_ANSWERED) for i, e in items.items() if not e["status"]}
    if unanswered:  # named here, before the service (which would name them too, one message for all)
        return await _assessment(request, c, country, assessment_id, form="policies", values=values,
                                 errors=unanswered, notice=gettext(lang, REFUSED), status_code=422)
    return await _section_write(request, c, country, assessment_id, "policies", form, values, {"items": items},
                                mapping=mapping)


@router.post("/{country}/assessments/{assessment_id}/demographics")
async def record_demographics(request: Request, country: str, assessment_id: str, c: Caller = Depends(writer)
                              ) -> Response:
    in_scope(c, country)
    form = await _form(request, c)
    values = {k: str(v) for k, v in form.multi_items() if k not in ("csrf", "key")}
    headcount: dict[str, dict[str, Any]] = {}
    mapping: dict[str, str] = {}
    for sex in SEXES:
        for band in AGE_BANDS:
            n = whole(values.get(f"{sex}.{band}"))
            headcount.setdefault(sex, {})[band] = 0 if n is None else n
            mapping[f"demographics.headcount.{sex}.{band}"] = f"{sex}.{band}"
    d: dict[str, Any] = {"headcount": headcount}
    for name in COUNTS:
        n = whole(values.get(name))
        d[name] = 0 if n is None else n
        mapping[f"demographics.{name}"] = name
    return await _section_write(request, c, country, assessment_id, "demographics", form, values,
                                {"demographics": d}, mapping=mapping, mentions=tuple(reversed(COUNTS)))


@router.post("/{country}/assessments/{assessment_id}/management")
async def record_management(request: Request, country: str, assessment_id: str, c: Caller = Depends(writer)
                            ) -> Response:
    in_scope(c, country)
    form = await _form(request, c)
    values = {k: str(v) for k, v in form.multi_items() if k not in ("csrf", "key")}
    findings: list[dict] = []
    mapping: dict[str, str] = {}
    for row in _row_numbers(values):
        text = values.get(f"text.{row}", "").strip()
        if not text:
            continue
        i = len(findings)
        findings.append({"area": values.get(f"area.{row}", ""), "text": text,
                         "priority": values.get(f"priority.{row}", "medium") or "medium"})
        mapping.update({f"findings.{i}.area": f"area.{row}", f"findings.{i}.text": f"text.{row}",
                        f"findings.{i}.priority": f"priority.{row}"})
    return await _section_write(request, c, country, assessment_id, "management", form, values,
                                {"findings": findings}, mapping=mapping)


@router.post("/{country}/assessments/{assessment_id}/complete")
async def complete(request: Request, country: str, assessment_id: str, c: Caller = Depends(writer)) -> Response:
    in_scope(c, country)
    form = await _form(request, c)
    values = {"completed_on": str(form.get("completed_on") or "")}
    return await _section_write(request, c, country, assessment_id, "complete", form, values,
                                {"completed_on": values["completed_on"].strip() or None}, method="POST",
                                mapping={"sections": ""})


# -- a paper response to the survey, typed in --------------------------------------------------


@router.get("/{country}/assessments/{assessment_id}/survey", response_class=HTMLResponse)
async def paper_response(request: Request, country: str, assessment_id: str, c: Caller = Depends(caller)
                         ) -> Response:
    in_scope(c, country)
    return await _paper(request, c, country, assessment_id)


async def _paper(request: Request, c: Caller, country: str, assessment_id: str, *, values: dict | None = None,
                 errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    r = await read(request, c, f"/{country}/assessments/{quote(assessment_id, safe='')}")
    if missing(r):
        raise not_found()
    if r.status_code != 200:
        raise failed(r)
    a = r.json()
    lang = language(request)
    inst = await read(request, c, f"/survey-instruments/{int(a.get('survey_version') or 1)}", lang=lang)
    if inst.status_code != 200:
        raise failed(inst)
    questions = inst.json().get("questions", [])
    texts = {q["id"]: q for q in questions}
    for q in questions:  # a question asked only after some answers: say which, in the instrument's words
        if q.get("ask_if"):
            on = texts.get(q["ask_if"]["question"], {})
            labels = {o["id"]: o["label"] for o in on.get("options", [])}
            q["asked_if"] = (on.get("text", ""), [labels.get(x, x) for x in q["ask_if"]["in"]])
    responses = len(await _history(request, c, country, f"survey-{assessment_id}"))
    labels = {f"q.{q['id']}": q.get("text", q["id"]) for q in questions}
    return render(request, "assessment/survey.html", status_code=status_code, a=a, questions=questions, labels=labels,
                  responses=responses, values=values or {}, errors=errors or {}, key=new_key(),
                  recorded=just_recorded(request, c, f"{assessment_id}:paper"))


@router.post("/{country}/assessments/{assessment_id}/survey")
async def record_paper_response(request: Request, country: str, assessment_id: str, c: Caller = Depends(writer)
                                ) -> Response:
    in_scope(c, country)
    form = await _form(request, c)
    key = form_key(form)
    values: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for name in {k for k in form if k.startswith("q.")}:
        sent = [str(v) for v in form.getlist(name) if str(v)]
        values[name] = sent
        if not sent:
            continue
        qid = name[2:]
        scale = str(form.get(f"kind.{qid}") or "")
        if scale == "multi":
            answers[qid] = sent
        elif scale == "scale":
            answers[qid] = whole(sent[0])
        else:
            answers[qid] = sent[0]
    language_ = str(form.get("language") or language(request))
    values["language"] = [language_]
    body = {"response_id": f"paper-{key[:20]}", "language": language_, "answers": answers}
    path = f"/{country}/assessments/{quote(assessment_id, safe='')}/survey-responses"
    r = await write(request, c, "POST", path, body, key)
    if r.status_code in (200, 201):
        return after_write(f"/{country}/assessments/{quote(assessment_id, safe='')}/survey", c,
                           f"{assessment_id}:paper")
    if missing(r):
        raise not_found()
    if r.status_code == 422:
        problem = Problem.of(r)
        errors = {f"q.{f.removeprefix('answers.')}" if f.startswith("answers.") else f: m
                  for f, m in problem.fields.items()} or {"": problem.detail}
        return await _paper(request, c, country, assessment_id, values=values, errors=errors, status_code=422)
    return await _paper(request, c, country, assessment_id, values=values, status_code=502,
                        errors={"": gettext(language(request), FAILED, status=r.status_code)})
