"""Impact figures: per factory, and pooled over many factories (a programme,
a buyer's portfolio, a country), with the delivery figures beside them.

Every figure carries the ids of the events it comes from. People figures
are sums of the sessions' released counts (shared.disclosure): a hidden
count is in no sum, and a figure no session released keeps its name and its
sources, but has no value."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.projections import baselines, factories, plans, programmes, results, sessions
from shared.contracts.evaluation import METRICS
from shared.contracts.figures import FIGURES, PEOPLE, Pool, counts_of, too_few
from shared.disclosure import pooled
from shared.menu import is_training


def figure(key: str, label: str, value: float | int | None, sources: list[str], *, people: int | None = None,
           unit: str = "") -> dict[str, Any]:
    suppressed = too_few(people)
    return {"key": key, "label": label, "value": None if suppressed else value, "unit": unit,
            "suppressed": suppressed, "sources": sorted(set(sources))}


def released(key: str, label: str, value: float | int | None, sources: list[str], unit: str = "") -> dict[str, Any]:
    """A figure over people from shared.disclosure's released counts: None when no session released them."""
    return {"key": key, "label": label, "value": value, "unit": unit, "suppressed": value is None,
            "sources": sorted(set(sources))}


def _loads(v: str | None, default: Any) -> Any:
    return orjson.loads(v) if v else default


def session_figures(row: dict) -> dict[str, int | None]:
    """A session's counts (an eval_sessions row) as they may leave the country team."""
    return counts_of(total=row["total"], female=row["female"], by_role=_loads(row["by_role"], {}),
                     by_age_band=_loads(row["by_age_band"], {}), reached=int(row["reached"]),
                     reached_female=row["reached_female"])


def delivery_figures(rows: list[dict], prefix: str = "delivery") -> list[dict[str, Any]]:
    """People reached, attendances, share female, and every disaggregation:
    each the sum of the sessions' released counts (shared.disclosure)."""
    src = [r["event_id"] for r in rows]
    cells = pooled(session_figures(r) for r in rows)
    female, male = cells.get("attendances.female"), cells.get("attendances.male")
    share = round(female / (female + male), 4) if female is not None and male is not None else None
    out = [figure(f"{prefix}.sessions", "Sessions delivered", len(rows), src),
           released(f"{prefix}.attendances", "Attendances", cells.get("attendances"), src),
           released(f"{prefix}.people_reached", "People reached", cells.get("reached"), src),
           released(f"{prefix}.people_reached.female", "People reached, female", cells.get("reached.female"), src),
           released(f"{prefix}.people_reached.male", "People reached, male", cells.get("reached.male"), src),
           released(f"{prefix}.share_female", "Share female", share, src, unit="share")]
    out += [released(f"{prefix}.by_sex.{sex}", f"Attendances, {sex}", n, src)
            for sex, n in (("female", female), ("male", male))]
    for field_, label in (("by_role", "role"), ("by_age_band", "age band")):
        out += [released(f"{prefix}.{k}", f"Attendances by {label}: {k.split('.', 1)[1].replace('_', ' ')}", n, src)
                for k, n in sorted(cells.items()) if k.startswith(f"{field_}.")]
    return out


async def load_rows(conn: AsyncConnection, *, country: str | None = None, factory_id: str | None = None,
                    programme_id: str | None = None, buyer: str | None = None,
                    countries: tuple[str, ...] | None = None) -> dict[str, list[dict]]:
    """The rows an impact report reads, chosen by factory, programme, buyer or
    country (and limited to `countries`, a caller's scope)."""
    pq = select(plans)
    if country:
        pq = pq.where(plans.c.country == country)
    if countries is not None:
        pq = pq.where(plans.c.country.in_(list(countries)))
    if factory_id:
        pq = pq.where(plans.c.factory_id == factory_id)
    if programme_id:
        pq = pq.where(plans.c.programme_id == programme_id)
    plan_rows = [dict(r._mapping) for r in await conn.execute(pq)]
    members: list[tuple[str, str, str]] = []  # (country, factory, programme) of the buyer's programmes
    if buyer:
        mine = {(r.programme_id, r.country): r.factories for r in await conn.execute(
            select(programmes.c.programme_id, programmes.c.country, programmes.c.factories)
            .where(programmes.c.buyer == buyer))}
        plan_rows = [p for p in plan_rows if (p["programme_id"], p["country"]) in mine]
        members = sorted((c, f, pid) for (pid, c), fs in mine.items() for f in orjson.loads(fs)
                         if countries is None or c in countries)
    ids = [p["plan_id"] for p in plan_rows]
    fids = sorted({p["factory_id"] for p in plan_rows} | ({factory_id} if factory_id else set()))
    out: dict[str, Any] = {"plans": sorted(plan_rows, key=lambda p: p["plan_id"]), "members": members}
    for name, table, key, keys in (("results", results, results.c.plan_id, ids),
                                   ("sessions", sessions, sessions.c.plan_id, ids),
                                   ("baselines", baselines, baselines.c.factory_id, fids),
                                   ("factories", factories, factories.c.factory_id, fids)):
        out[name] = [dict(r._mapping) for r in await conn.execute(select(table).where(key.in_(keys)))] if keys else []
    return out


def factory_impact(plan: dict, result: dict | None, baseline: dict | None, rows: list[dict]) -> dict[str, Any]:
    figs: list[dict[str, Any]] = []
    comparisons = _loads(result and result["comparisons"], [])
    impact_src = [result["impact_event_id"]] if result and result.get("impact_event_id") else []
    base_src = [baseline["event_id"]] if baseline else []
    for c in comparisons:
        label = METRICS.get(c["metric"], c["metric"])
        src = impact_src + (base_src if c["baseline_source"] == "assessment" else [])
        figs.append(figure(f"impact.{c['metric']}.baseline", f"{label}, baseline", c["baseline"], src))
        figs.append(figure(f"impact.{c['metric']}.endline", f"{label}, endline", c["endline"], impact_src))
    kpis = _loads(result and result["kpis"], [])
    for k in kpis:
        figs.append(figure(f"kpi.{k['indicator']}.achievement", f"KPI {k['indicator'].replace('_', ' ')}: "
                           f"share of the target reached", k["achievement"], impact_src + [plan["event_id"]]))
    figs += delivery_figures(rows)
    return {"plan_id": plan["plan_id"], "factory_id": plan["factory_id"], "programme_id": plan["programme_id"],
            "country": plan["country"], "evaluated": bool(impact_src),
            "baseline_on": baseline["completed_on"].isoformat() if baseline else None,
            "endline_on": result["endline_on"].isoformat() if result and result.get("endline_on") else None,
            "respondents": result["respondents"] if result else None, "comparisons": comparisons, "kpis": kpis,
            "kpis_met": sum(1 for k in kpis if k["achieved"]),
            "closed_on": result["closed_on"].isoformat() if result and result.get("closed_on") else None,
            "sustainability": _loads(result and result.get("practices"), []),
            "follow_ups": _loads(result and result.get("follow_ups"), []), "figures": figs}


def _factories(n: int) -> str:
    return f"{n} factory" if n == 1 else f"{n} factories"


def portfolio(data: dict[str, list[dict]]) -> dict[str, Any]:
    """Every factory of the selection, and the figures pooled over them."""
    by_plan = {r["plan_id"]: r for r in data["results"]}
    base = {b["factory_id"]: b for b in data["baselines"]}
    per_factory = [factory_impact(p, by_plan.get(p["plan_id"]), base.get(p["factory_id"]),
                                  [s for s in data["sessions"] if s["plan_id"] == p["plan_id"]])
                   for p in data["plans"]]
    evaluated = [f for f in per_factory if f["evaluated"]]
    pooled: list[dict[str, Any]] = [figure("factories", "Factories", len(per_factory),
                                           [p["event_id"] for p in data["plans"]]),
                                    figure("factories.evaluated", "Factories evaluated", len(evaluated),
                                           [by_plan[f["plan_id"]]["impact_event_id"] for f in evaluated])]
    for metric, label in METRICS.items():
        pairs = [(f, c) for f in evaluated for c in f["comparisons"] if c["metric"] == metric]
        if not pairs:
            continue
        src = [by_plan[f["plan_id"]]["impact_event_id"] for f, _ in pairs]
        with_base = [c for _, c in pairs if c["baseline"] is not None]
        pooled.append(figure(f"impact.{metric}.endline", f"{label}, endline (mean of {_factories(len(pairs))})",
                             round(sum(c["endline"] for _, c in pairs) / len(pairs), 2), src))
        if with_base:
            pooled.append(figure(f"impact.{metric}.baseline",
                                 f"{label}, baseline (mean of {_factories(len(with_base))})",
                                 round(sum(c["baseline"] for c in with_base) / len(with_base), 2), src))
    kpis = [k for f in evaluated for k in f["kpis"] if k["achieved"] is not None]
    pooled.append(figure("kpis.met", "KPI targets met", sum(1 for k in kpis if k["achieved"]),
                         [by_plan[f["plan_id"]]["impact_event_id"] for f in evaluated]))
    pooled.append(figure("kpis.measured", "KPI targets measured", len(kpis),
                         [by_plan[f["plan_id"]]["impact_event_id"] for f in evaluated]))
    pooled += delivery_figures(data["sessions"])
    if data.get("members"):
        pooled += reported_figures(data)
    return {"factories": per_factory, "figures": pooled}


def reported_figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures buyers report on (shared/contracts/figures.py), pooled over
    every factory of the buyer's programmes: the buyers service's feed and
    exports give the same values under the same keys."""
    plan_of = {(p["country"], p["factory_id"], p["programme_id"]): p for p in data["plans"]}
    results_of = {r["plan_id"]: r for r in data["results"]}
    assessed = {b["factory_id"] for b in data["baselines"]}
    pool, src = Pool(), []
    for country, fid, pid in data["members"]:
        plan = plan_of.get((country, fid, pid))
        row: dict[str, Any] = {"country": country, "factory_id": fid,
                               "assessed_on": fid in assessed or None}
        if plan is not None:
            src.append(plan["event_id"])
            ss = [s for s in data["sessions"] if s["plan_id"] == plan["plan_id"]]
            src += [s["event_id"] for s in ss]
            cells = pooled(session_figures(s) for s in ss)
            row |= {"sessions_delivered": len(ss), "trainings_delivered": sum(is_training(s["activity"]) for s in ss),
                    "workers_reached": cells.get("reached") or 0,
                    "workers_reached_female": cells.get("reached.female") or 0,
                    "workers_reached_male": cells.get("reached.male") or 0}
            result = results_of.get(plan["plan_id"])
            c = next((c for c in _loads(result and result["comparisons"], []) if c["metric"] == "retention_rate"),
                     None)
            if c is not None:
                src.append(result["impact_event_id"])
                row |= {"retention_baseline": c["baseline"], "retention_endline": c["endline"],
                        "retention_change": c["change"]}
        pool.add(row)
    values = pool.result()
    return [figure(k, f.label, values[k], src, unit=f.unit,
                   people=pool.sums[k] if k in PEOPLE else None) for k, f in FIGURES.items()]
