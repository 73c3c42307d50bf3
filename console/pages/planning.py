"""The plans of a country and the plan editor (#20).

`/{country}/plans` lists the country's plans and programmes and, for a
factory with an assessment but no plan yet, its suggested plan (and why)
with a button to start from it. `/{country}/plans/{plan_id}` is the editor:
the menu as checkboxes with their credits, the budget left (from the server
after each save; live in the browser with /static/plan.js), the suggestion
and why, save (PUT with If-Match: a stale version says someone changed the
plan), the rules' refusals beside the activities they name, approval and
kick-off. Everything goes through the planning API with the caller's token."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

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
from shared.i18n import N_

router = APIRouter(include_in_schema=False)

DONE = {"saved": N_("The plan is saved."), "approved": N_("The plan is approved."),
        "kicked_off": N_("The kick-off is recorded."), "started": N_("The plan is started from the suggestion.")}
PENDING = N_("Recorded. It will appear in a moment.")
STALE = N_("Someone changed this plan since you opened it. Here is the plan as it is now: "
           "check it and make your change again.")
NUMBER = N_("Enter a number.")
MAX_SUGGESTIONS = 20  # suggestions asked for on one page (one call each)


@dataclass
class Refusal:
    """What a page shows for a refused write: the sentence at the top and the messages by field
    and by activity."""

    detail: str
    fields: dict[str, str] = field(default_factory=dict)
    by_activity: dict[str, str] = field(default_factory=dict)
    rule: str | None = None
    stale: bool = False


def refusal(p: Problem, submitted: list[str] | None = None) -> Refusal:
    by_activity = {code: p.detail for code in p.items} if p.rule or p.items else {}
    fields = dict(p.fields)
    for name, message in p.fields.items():  # activities.2.cohort_size: the third activity sent
        parts = name.split(".")
        if parts[0] == "activities" and len(parts) > 1 and parts[1].isdigit() and submitted:
            i = int(parts[1])
            if i < len(submitted):
                by_activity.setdefault(submitted[i], message)
    return Refusal(p.detail, fields, by_activity, p.rule, stale=p.status == 412)


def _etag_version(r: Any) -> str:
    """The stream version the page shows (the ETag's `"<version>-<digest>"`), sent back as If-Match."""
    tag = r.headers.get("etag", "").removeprefix("W/").strip('"')
    return tag.split("-", 1)[0] if tag else str(r.json().get("version", ""))


async def _plan(request: Request, c: Caller, country: str, plan_id: str) -> Any:
    return await api(request, c, "planning", "GET", f"/{country}/plans/{quote(plan_id, safe='')}")


# -- the country's plans ----------------------------------------------------------------


@router.get("/{country}/plans")
async def plans_page(request: Request, country: str, factory: str | None = None, done: str | None = None,
                     c: Caller = Depends(caller)) -> Response:
    return await _plans(request, country, factory, done, None, c)


async def _plans(request: Request, country: str, factory: str | None, done: str | None, error: str | None,
                 c: Caller) -> Response:
    """The country's plans; `error` is a refusal this gateway met (never a query's text: a link made elsewhere
    could put any sentence in the page's red alert, e.g. "call this number")."""
    in_scope(c, country)
    params: dict[str, Any] = {"limit": 500}
    plans_r = await api(request, c, "planning", "GET", f"/{country}/plans", params=params)
    progs_r = await api(request, c, "planning", "GET", f"/{country}/programmes", params=params)
    plans = plans_r.json().get("items", []) if plans_r.status_code == 200 else []
    programmes = progs_r.json().get("items", []) if progs_r.status_code == 200 else []
    if factory:
        plans = [p for p in plans if p["factory_id"] == factory]
    planned = {(p["programme_id"], p["factory_id"]) for p in plans_r.json().get("items", [])} \
        if plans_r.status_code == 200 else set()
    candidates, unassessed = [], []
    for prog in programmes:
        for fid in prog.get("factories") or []:
            if (prog["programme_id"], fid) in planned or (factory and fid != factory):
                continue
            if len(candidates) + len(unassessed) >= MAX_SUGGESTIONS:
                break
            r = await api(request, c, "planning", "GET", f"/{country}/programmes/{quote(prog['programme_id'], safe='')}"
                          f"/factories/{quote(fid, safe='')}/suggestion")
            if r.status_code == 200:
                candidates.append({"programme": prog, **r.json()})
            else:
                unassessed.append({"programme": prog, "factory_id": fid})
    menu = await _menu(request, c, country)
    lang = language(request)
    return render(request, "planning/plans.html", plans=plans, programmes=programmes,
                  candidates=candidates, unassessed=unassessed, factory=factory, names=_names(menu),
                  done=gettext(lang, DONE[done]) if done in DONE else None,
                  error=error, pending=done == "pending")


@router.post("/{country}/plans/start")
async def start_from_suggestion(request: Request, country: str, c: Caller = Depends(writer)) -> Response:
    """A draft plan from the factory's suggested plan (what the planning service suggests now)."""
    in_scope(c, country)
    form = await request.form()
    check_csrf(c, _text(form, "csrf"))
    programme_id, factory_id = _text(form, "programme_id"), _text(form, "factory_id")
    r = await api(request, c, "planning", "GET", f"/{country}/programmes/{quote(programme_id, safe='')}"
                  f"/factories/{quote(factory_id, safe='')}/suggestion")
    if r.status_code != 200:
        return await _plans_error(request, c, country, Problem.of(r).detail)
    s = r.json()["plan"]
    # the suggestion's activities carry their names in the reader's language too: a plan takes the codes
    activities = [{k: a[k] for k in ("activity", "cohort_size", "need") if a.get(k) is not None}
                  for a in s["activities"]]
    body = {"programme_id": programme_id, "factory_id": factory_id, "activities": activities,
            "milestones": s["milestones"],
            "kpis": [{"indicator": k["indicator"], "target": k["target"], "baseline": k["baseline"]}
                     for k in s["kpis"]]}
    r = await api(request, c, "planning", "POST", f"/{country}/plans", json=body)
    if r.status_code != 201:
        return await _plans_error(request, c, country, Problem.of(r).detail)
    return see_other(f"/{country}/plans/{quote(r.json()['plan_id'], safe='')}?done=started")


async def _plans_error(request: Request, c: Caller, country: str, detail: str) -> Response:
    response = await _plans(request, country, None, None, detail, c)
    response.status_code = 422
    return response


# -- the editor --------------------------------------------------------------------------------


async def _menu(request: Request, c: Caller, country: str, version: int | None = None) -> dict:
    r = await api(request, c, "planning", "GET", f"/{country}/catalogue",
                  params={"version": version} if version else None)
    return r.json() if r.status_code == 200 else {"activities": [], "areas": {}, "credits_per_factory": 10}


def _names(menu: dict) -> dict[str, str]:
    return {a["code"]: a["name"] for a in menu.get("activities", [])}


@router.get("/{country}/plans/{plan_id}")
async def editor(request: Request, country: str, plan_id: str, done: str | None = None, v: int | None = None,
                 c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    r = await _plan(request, c, country, plan_id)
    if r.status_code == 404 and done:  # written a moment ago: reads lag writes (#19)
        return render(request, "planning/pending.html", plan_id=plan_id,
                      message=gettext(language(request), PENDING))
    if r.status_code != 200:
        raise not_found()
    plan = r.json()
    lang = language(request)
    notice = gettext(lang, DONE[done]) if done in DONE else None
    pending = v is not None and plan["version"] < v
    return await _editor(request, c, country, plan, _etag_version(r), notice=notice, pending=pending)


async def _editor(request: Request, c: Caller, country: str, plan: dict, version: str, *,
                  content: dict | None = None, problem: Refusal | None = None, notice: str | None = None,
                  pending: bool = False, status_code: int = 200, form: dict | None = None) -> Response:
    current = plan.get("content") or {"activities": [], "milestones": [], "kpis": []}
    shown = content or current
    menu = await _menu(request, c, country, current.get("catalogue_version"))
    s = await api(request, c, "planning", "GET", f"/{country}/programmes/{quote(plan['programme_id'], safe='')}"
                  f"/factories/{quote(plan['factory_id'], safe='')}/suggestion")
    suggestion = s.json() if s.status_code == 200 else None
    factory_name = (await factory_names(request, c, country)).get(plan["factory_id"], plan["factory_id"])
    chosen = {a["activity"]: a for a in shown.get("activities", [])}
    credits = {a["code"]: a["credits"] for a in menu.get("activities", [])}
    used = sum(credits.get(code, 0) for code in chosen)
    budget = plan.get("credits_budget") or menu.get("credits_per_factory") or 10
    milestones = list(shown.get("milestones", [])) + [{"name": "", "due": "", "activities": []}] * 2
    kpis = list(shown.get("kpis", [])) + [{"indicator": "", "target": "", "baseline": ""}]
    return render(request, "planning/editor.html", factory_name=factory_name, status_code=status_code, plan=plan,
                  version=version, menu=menu, chosen=chosen, used=used, budget=budget, left=budget - used,
                  milestones=milestones, kpis=kpis, suggestion=suggestion, names=_names(menu), problem=problem,
                  notice=notice, pending=pending, today=date.today().isoformat(), form=form or {},
                  note=(content or {}).get("note", ""), reason=(content or {}).get("reason", ""))


def _text(form: FormData, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


def _number(text: str) -> float | None:
    try:
        x = float(text.replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def parse_plan(form: FormData, menu: dict) -> tuple[dict, dict[str, str]]:
    """The plan as the form sent it (in the menu's order), and the fields it could not read."""
    errors: dict[str, str] = {}
    picked = set(form.getlist("activity"))
    order = [a["code"] for a in menu.get("activities", [])]
    codes = [c for c in order if c in picked] + sorted(c for c in picked if c not in order and isinstance(c, str))
    activities = []
    for i, code in enumerate(codes):
        a: dict[str, Any] = {"activity": code}
        size = _text(form, f"cohort_size.{code}")
        if size:
            if size.isdigit():
                a["cohort_size"] = int(size)
            else:
                errors[f"activities.{i}.cohort_size"] = NUMBER
        activities.append(a)
    milestones = []
    for name, due, acts in zip(form.getlist("milestone_name"), form.getlist("milestone_due"),
                               form.getlist("milestone_activities"), strict=False):
        name, due, acts = str(name).strip(), str(due).strip(), str(acts)
        if not name and not due:
            continue
        milestones.append({"name": name, "due": due,
                           "activities": [x.strip() for x in acts.replace(";", ",").split(",") if x.strip()]})
    kpis = []
    for indicator, target, baseline in zip(form.getlist("kpi_indicator"), form.getlist("kpi_target"),
                                           form.getlist("kpi_baseline"), strict=False):
        indicator, target, baseline = str(indicator).strip(), str(target).strip(), str(baseline).strip()
        if not indicator and not target:
            continue
        i = len(kpis)
        k: dict[str, Any] = {"indicator": indicator, "target": _number(target)}
        if k["target"] is None:
            errors[f"kpis.{i}.target"] = NUMBER
            k["target"] = target
        if baseline:
            k["baseline"] = _number(baseline)
            if k["baseline"] is None:
                errors[f"kpis.{i}.baseline"] = NUMBER
                k["baseline"] = baseline
        kpis.append(k)
    return {"activities": activities, "milestones": milestones, "kpis": kpis}, errors


@router.post("/{country}/plans/{plan_id}")
async def save(request: Request, country: str, plan_id: str, c: Caller = Depends(writer)) -> Response:
    """PUT the plan as chosen, based on the version the page showed (If-Match)."""
    in_scope(c, country)
    form = await request.form()
    check_csrf(c, _text(form, "csrf"))
    lang = language(request)
    r = await _plan(request, c, country, plan_id)
    if r.status_code != 200:
        raise not_found()
    plan = r.json()
    menu = await _menu(request, c, country, (plan.get("content") or {}).get("catalogue_version"))
    content, errors = parse_plan(form, menu)
    body: dict[str, Any] = dict(content)
    note, reason = _text(form, "note"), _text(form, "reason")
    if note:
        body["note"] = note
    if reason:
        body["reason"] = reason
    shown = {**content, "note": note, "reason": reason}
    submitted = [a["activity"] for a in content["activities"]]
    if errors:
        msgs = {k: gettext(lang, m) for k, m in errors.items()}
        p = Problem(422, gettext(lang, "Please check: %(fields)s", fields=", ".join(msgs)), msgs)
        return await _editor(request, c, country, plan, _text(form, "version"), content=shown,
                             problem=refusal(p, submitted), status_code=422)
    w = await api(request, c, "planning", "PUT", f"/{country}/plans/{quote(plan_id, safe='')}", json=body,
                  headers={"If-Match": _text(form, "version") or "*"})
    if w.status_code == 200:
        return see_other(f"/{country}/plans/{quote(plan_id, safe='')}?done=saved&v={plan['version'] + 1}")
    problem = refusal(Problem.of(w), submitted)
    if problem.stale:  # the plan as it is now, the message at the top
        problem.detail = gettext(lang, STALE)
        return await _editor(request, c, country, plan, _etag_version(r), problem=problem, status_code=412)
    return await _editor(request, c, country, plan, _text(form, "version"), content=shown, problem=problem,
                         status_code=w.status_code if 400 <= w.status_code < 500 else 422)


async def _decision(request: Request, country: str, plan_id: str, c: Caller, what: str) -> Response:
    form = await request.form()
    check_csrf(c, _text(form, "csrf"))
    lang = language(request)
    r = await _plan(request, c, country, plan_id)
    if r.status_code != 200:
        raise not_found()
    plan = r.json()
    values = {k: _text(form, k) for k in ("approved_by", "approved_on", "held_on", "participants", "facilitators",
                                          "note")}
    if what == "approve":
        body: dict[str, Any] = {"approved_by": values["approved_by"], "approved_on": values["approved_on"]}
    else:
        body = {"held_on": values["held_on"],
                "participants": int(values["participants"]) if values["participants"].isdigit()
                else values["participants"],
                "facilitators": [x.strip() for x in values["facilitators"].split(",") if x.strip()]}
        if values["note"]:
            body["note"] = values["note"]
    w = await api(request, c, "planning", "POST", f"/{country}/plans/{quote(plan_id, safe='')}/{what}", json=body,
                  headers={"If-Match": _text(form, "version") or "*"})
    if w.status_code == 200:
        done = "approved" if what == "approve" else "kicked_off"
        return see_other(f"/{country}/plans/{quote(plan_id, safe='')}?done={done}&v={plan['version'] + 1}")
    problem = refusal(Problem.of(w))
    if problem.stale:
        problem.detail = gettext(lang, STALE)
    return await _editor(request, c, country, plan, _etag_version(r), problem=problem, form={what: values},
                         status_code=w.status_code if 400 <= w.status_code < 500 else 422)


@router.post("/{country}/plans/{plan_id}/approve")
async def approve(request: Request, country: str, plan_id: str, c: Caller = Depends(writer)) -> Response:
    in_scope(c, country)
    return await _decision(request, country, plan_id, c, "approve")


@router.post("/{country}/plans/{plan_id}/kick-off")
async def kick_off(request: Request, country: str, plan_id: str, c: Caller = Depends(writer)) -> Response:
    in_scope(c, country)
    return await _decision(request, country, plan_id, c, "kick-off")
