"""Session entry, which works offline: the country's work plans, a plan's
activities and sessions, and the form that records a session with its
attendance (by role, sex and age band) as one field session of the delivery
service's batch endpoint, with ids the client makes.

With JavaScript (console/static/sessions.js) the form's session goes into a
queue on the phone (IndexedDB) and is sent through the gateway's
/api/delivery/... when there is a connection; the service worker
(console/static/sw.js, served at /sw.js for the whole site) keeps the pages
visited and the static files for when there is none. Without JavaScript the
form posts here and the console sends the same command. Either way the
session id and the Idempotency-Key are made once, before the first try, so
sending again records nothing twice."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from console.i18n import gettext
from console.web import (
    Caller,
    Problem,
    api,
    caller,
    check_csrf,
    factory_names,
    in_scope,
    language,
    not_found,
    render,
    see_other,
    writer,
)
from shared.contracts.delivery import AGE_BANDS, ROLES
from shared.i18n import N_

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"
SEXES = ("female", "male")
PLAN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")

ROLE_NAMES = {"manager": N_("Managers"), "supervisor": N_("Supervisors"), "worker": N_("Workers"),
              "parent_worker": N_("Parent workers"), "child": N_("Children")}
SEX_NAMES = {"female": N_("Female"), "male": N_("Male")}
BAND_NAMES = {"under_16": N_("under 16"), "16_17": "16–17", "18_24": "18–24", "25_34": "25–34", "35_44": "35–44",
              "45_plus": N_("45 and over")}
STATUS_NAMES = {"scheduled": N_("scheduled"), "delivered": N_("delivered"), "cancelled": N_("cancelled")}
# the service menu's names (shared/config/menus), as the delivery service sends them
MENU_NAMES = (N_("Family Day"), N_("Migrant Parents Training"), N_("Photo Voice Program"), N_("Smart Watch Program"),
              N_("Parent-child Activities"), N_("Child Friendly Space or After School Centre"),
              N_("Responsible Recruitment of Migrant Workers"), N_("Youth Development Program"),
              N_("Training the Trainer Programme"))
# the form's fields, as a problem's `field` names them (sessions.<i>.<field>...)
FIELD_LABELS = {"activity": N_("Activity"), "when": N_("Date and time"), "venue": N_("Venue"),
                "trainers": N_("Trainers"), "capacity": N_("Capacity"), "expected": N_("Expected participants"),
                "attendance": N_("Attendance")}
def form_field(field: str) -> str:
    """The form's field a problem names ('' for the form as a whole)."""
    parts = [p for p in field.split(".") if p]
    if parts and parts[0] == "body":
        parts = parts[1:]
    if len(parts) >= 2 and parts[0] == "sessions" and parts[1].isdigit():
        parts = parts[2:]
    head = parts[0] if parts else ""
    if head in ("local_start",):
        return "when"
    if head == "expected_participants":
        return "expected"
    if head in ("attendance", "delivered_at", "counts", "participants"):
        return "attendance"
    return head if head in FIELD_LABELS else ""


def _plan_id(plan_id: str) -> str:
    if not PLAN_ID.match(plan_id):
        raise not_found()
    return plan_id


# -- the installable app: service worker and manifest --------------------------------------


@router.get("/sw.js")
async def service_worker() -> FileResponse:
    """The service worker, at the site's root so that it may keep every page (its scope is '/')."""
    return FileResponse(STATIC / "sw.js", media_type="text/javascript",
                        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})


@router.get("/manifest.webmanifest")
async def manifest(request: Request) -> Response:
    lang = language(request)
    body = {"name": gettext(lang, "WeCare Ops"), "short_name": "WeCare", "lang": lang, "start_url": "/",
            "scope": "/", "display": "standalone", "background_color": "#f6f8f8", "theme_color": "#0b5560",
            "description": gettext(lang, "Sessions and attendance, also without a connection"),
            "icons": [{"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
                      {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
                      {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json",
                    headers={"Cache-Control": "no-cache", "Vary": "Cookie, Accept-Language"})


# -- pages ----------------------------------------------------------------------------------


@router.get("/{country}/deliveries")
async def work_plans(request: Request, country: str, factory: str | None = None,
                     c: Caller = Depends(caller)) -> Response:
    """The country's work plans (one factory's: ?factory=, the link on the factory's page)."""
    cc = in_scope(c, country)
    params: dict[str, Any] = {"limit": 500}
    if factory:
        params["factory_id"] = factory[:100]
    r = await api(request, c, "delivery", "GET", f"/{cc}/deliveries", params=params)
    if r.status_code != 200:
        p = Problem.of(r)
        return render(request, "error.html", status_code=p.status, status=p.status, message=p.detail)
    plans = r.json().get("items", [])
    names = await factory_names(request, c, cc) if plans else {}
    st = await api(request, c, "delivery", "GET", f"/{cc}/statements",
                   params={"factory_id": params["factory_id"]} if factory else None)
    statements = st.json().get("statements", []) if st.status_code == 200 else []  # in the reader's language
    return render(request, "delivery/plans.html", plans=plans, names=names, statements=statements)


def _blank_form() -> dict[str, Any]:
    return {"session_id": str(uuid.uuid4()), "key": str(uuid.uuid4()), "activity": "", "date": "", "time": "09:00",
            "venue": "", "trainers": "", "capacity": "", "expected": "", "counts": {}}


async def _plan_page(request: Request, c: Caller, cc: str, plan_id: str, *, form: dict[str, Any] | None = None,
                     errors: dict[str, str] | None = None, problem: str | None = None, status_code: int = 200,
                     recorded: str | None = None) -> Response:
    r = await api(request, c, "delivery", "GET", f"/{cc}/deliveries/{quote(plan_id, safe='')}")
    if r.status_code == 404:
        raise not_found()
    if r.status_code != 200:
        p = Problem.of(r)
        return render(request, "error.html", status_code=p.status, status=p.status, message=p.detail)
    plan = r.json()
    lang = language(request)
    names = await factory_names(request, c, cc)
    st = await api(request, c, "delivery", "GET", f"/{cc}/statements", params={"factory_id": plan["factory_id"]})
    statements = st.json().get("statements", []) if st.status_code == 200 else []  # in the reader's language
    activities = {a["activity"]: a["name"] for a in plan.get("activities", [])}
    form = form or _blank_form()
    counted = [(k, v) for k, v in form["counts"].items() if v.isdigit()]
    labels = {k: gettext(lang, v) for k, v in FIELD_LABELS.items()}
    seen = recorded is None or any(s["session_id"] == recorded for s in plan.get("sessions", []))
    return render(request, "delivery/plan.html", status_code=status_code, plan=plan,
                  factory=names.get(plan["factory_id"], plan["factory_id"]), activities=activities,
                  statements=statements, form=form, errors=errors or {}, problem=problem,
                  recorded=recorded, recorded_seen=seen, roles=ROLES, sexes=SEXES, bands=AGE_BANDS,
                  role_names=ROLE_NAMES, sex_names=SEX_NAMES, band_names=BAND_NAMES, status_names=STATUS_NAMES,
                  open_roles={k.split(".")[0] for k, v in counted if int(v)},
                  form_total=sum(int(v) for _, v in counted), field_labels_json=json.dumps(labels, ensure_ascii=False),
                  batch_url=f"/api/delivery/{cc}/deliveries/{quote(plan_id, safe='')}/batch")


@router.get("/{country}/deliveries/{plan_id}")
async def plan_page(request: Request, country: str, plan_id: str, recorded: str | None = None,
                    c: Caller = Depends(caller)) -> Response:
    return await _plan_page(request, c, in_scope(c, country), _plan_id(plan_id), recorded=recorded)


def parse_form(data: Any) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, str]]:
    """The form as typed (to show again), the field session it makes, and the fields to fix."""
    g = lambda k: str(data.get(k) or "").strip()  # noqa: E731
    form: dict[str, Any] = {k: g(k) for k in ("session_id", "key", "activity", "date", "time", "venue", "trainers",
                                              "capacity", "expected")}
    form["counts"] = {}
    errors: dict[str, str] = {}
    counts = []
    for role in ROLES:
        for sex in SEXES:
            for band in AGE_BANDS:
                raw = g(f"n.{role}.{sex}.{band}")
                if not raw:
                    continue
                form["counts"][f"{role}.{sex}.{band}"] = raw
                if not raw.isdigit() or int(raw) > 100_000:
                    errors["attendance"] = N_("Counts are whole numbers from 0.")
                elif int(raw):
                    counts.append({"role": role, "sex": sex, "age_band": band, "count": int(raw)})
    if not form["activity"]:
        errors["activity"] = N_("Choose the activity.")
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", form["date"]) or not re.match(r"^\d{2}:\d{2}$", form["time"] or "x"):
        errors["when"] = N_("Give the date and the time it started.")
    trainers = [t.strip() for t in re.split(r"[,\n]", form["trainers"]) if t.strip()]
    if not trainers:
        errors["trainers"] = N_("Name at least one trainer.")
    for k in ("capacity", "expected"):
        if form[k] and not form[k].isdigit():
            errors[k] = N_("A whole number, please.")
    if not form["capacity"]:
        errors["capacity"] = N_("How many people can the session take?")
    if errors:
        return form, None, errors
    total = sum(x["count"] for x in counts)
    start = f"{form['date']}T{form['time']}"
    session: dict[str, Any] = {
        "session_id": form["session_id"], "activity": form["activity"], "local_start": start,
        "venue": form["venue"] or None, "trainers": trainers, "capacity": int(form["capacity"]),
        "expected_participants": int(form["expected"]) if form["expected"] else min(total, int(form["capacity"]))}
    if counts:
        session["attendance"] = {"delivered_at": start, "counts": counts}
    return form, session, errors


@router.post("/{country}/deliveries/{plan_id}/sessions")
async def record_session(request: Request, country: str, plan_id: str, c: Caller = Depends(writer)) -> Response:
    """The form without JavaScript: the same field session, sent by the console."""
    cc, pid = in_scope(c, country), _plan_id(plan_id)
    data = await request.form()
    check_csrf(c, str(data.get("csrf") or ""))
    lang = language(request)
    form, session, errors = parse_form(data)
    ids_ok = all(re.match(r"^[A-Za-z0-9_.:-]{1,100}$", form[k]) for k in ("session_id", "key"))
    if not ids_ok:
        form.update(session_id=str(uuid.uuid4()), key=str(uuid.uuid4()))
        if session:
            session["session_id"] = form["session_id"]
    if session is None:
        return await _plan_page(request, c, cc, pid, form=form, status_code=422,
                                errors={k: gettext(lang, v) for k, v in errors.items()},
                                problem=gettext(lang, "Please check the fields marked below."))
    r = await api(request, c, "delivery", "POST", f"/{cc}/deliveries/{quote(pid, safe='')}/batch",
                  json={"sessions": [session]}, headers={"Idempotency-Key": form["key"]})
    if r.is_success:
        return see_other(f"/{cc}/deliveries/{quote(pid, safe='')}?recorded={quote(form['session_id'], safe='')}")
    if r.status_code == 404:
        raise not_found()
    p = Problem.of(r)
    by_field: dict[str, str] = {}
    general = [p.detail]
    for f, msg in p.fields.items():
        target = form_field(f)
        if target:
            by_field.setdefault(target, msg)
        elif msg and msg not in general:
            general.append(msg)
    status = p.status if 400 <= p.status < 500 else 502
    return await _plan_page(request, c, cc, pid, form=form, errors=by_field, problem=" ".join(general),
                            status_code=status)
