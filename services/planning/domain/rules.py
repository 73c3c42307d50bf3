"""The rules every version of an action plan obeys. `check` refuses a plan
with the first rule it breaks, naming the rule, the field and every item at
fault; it returns the plan as it will be stored (cohort sizes and KPI
baselines filled in).

Rules: activities known to the plan's catalogue version and offered in the
country, none twice, every mandatory one present, every prerequisite
present, cohorts within the size the credits buy, credits within the
budget; milestones inside the programme period, in order, naming only
planned activities; KPIs once each, every one with a baseline (from the
assessment unless given) and a target."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field

from shared.aggregate import DomainError
from shared.contracts.planning import Kpi, Milestone, PlanContent, PlannedActivity
from shared.contracts.values import Amount, Strict
from shared.i18n import N_, Join, Text
from shared.menu import Menu


@dataclass(frozen=True)
class Terms:
    """What the programme fixes for a factory's plan."""

    programme_id: str
    country: str
    starts_on: date
    ends_on: date
    budget: int


class KpiRequest(Strict):
    """A KPI as the country team writes it: the baseline comes from the
    factory's assessment unless given."""

    indicator: str = Field(min_length=1, max_length=100)
    target: Amount
    baseline: Amount | None = None


def _fail(message: str, params: dict[str, Any], field: str, rule: str, items: list[str]) -> DomainError:
    return DomainError(message, params=params, field=field, rule=rule, items=items)


def check_activities(menu: Menu, country: str, budget: int, activities: list[PlannedActivity]) -> list[PlannedActivity]:
    codes = [a.activity for a in activities]
    unknown = [c for c in codes if c not in menu.activities]
    if unknown:
        raise _fail(N_("unknown activities in catalogue version %(version)s: %(unknown)s"),
                    {"version": menu.version, "unknown": ', '.join(unknown)}, "activities", "unknown_activity", unknown)
    twice = sorted(c for c, n in Counter(codes).items() if n > 1)
    if twice:
        raise _fail(N_("activities planned twice: %(twice)s"), {"twice": ', '.join(twice)}, "activities",
                    "no_duplicates", twice)
    offered = menu.offered(country)
    absent = [c for c in codes if c not in offered]
    if absent:
        raise _fail(N_("not offered in %(country)s: %(absent)s"), {"country": country, "absent": ', '.join(absent)},
                    "activities", "available_in_country", absent)
    mandatory = [c for c, a in offered.items() if a.mandatory and c not in codes]
    if mandatory:
        raise _fail(N_("mandatory in every plan: %(mandatory)s"), {"mandatory": ', '.join(mandatory)}, "activities",
                    "mandatory", mandatory)
    lacking = [c for c in codes if any(r not in codes for r in menu.activities[c].requires)]
    if lacking:
        needs = Join("; ", tuple(Text(N_("%(activity)s needs %(required)s"), {
            "activity": c, "required": ", ".join(r for r in menu.activities[c].requires if r not in codes)})
            for c in lacking))
        raise _fail(N_("prerequisites missing: %(needs)s"), {"needs": needs}, "activities", "prerequisites", lacking)
    out = []
    too_big = []
    for a in activities:
        cohort = menu.activities[a.activity].cohort
        size = a.cohort_size
        if cohort is not None:
            size = size if size is not None else cohort.size
            if size > cohort.size:
                too_big.append(a.activity)
        out.append(a.model_copy(update={"cohort_size": size}))
    if too_big:
        limits = Join(", ", tuple(Text(N_("%(activity)s at most %(size)s"), {
            "activity": c, "size": menu.activities[c].cohort.size}) for c in too_big))  # type: ignore[union-attr]
        raise _fail(N_("cohorts larger than the credits buy: %(limits)s"), {"limits": limits}, "activities",
                    "cohort_size", too_big)
    used = sum(menu.activities[c].credits for c in codes)
    if used > budget:
        paid = [c for c in codes if menu.activities[c].credits]
        raise _fail(N_("the plan uses %(used)s credits of a budget of %(budget)s"), {"used": used, "budget": budget},
                    "activities", "budget", paid)
    return out


def check_milestones(terms: Terms, codes: list[str], milestones: list[Milestone]) -> None:
    outside = [m.name for m in milestones if not terms.starts_on <= m.due <= terms.ends_on]
    if outside:
        i = next(i for i, m in enumerate(milestones) if m.name in outside)
        raise _fail(N_("milestones outside the programme period %(starts_on)s to %(ends_on)s: %(outside)s"),
                    {"starts_on": terms.starts_on, "ends_on": terms.ends_on, "outside": ', '.join(outside)},
                    f"milestones.{i}.due", "milestone_in_period", outside)
    late = [b.name for a, b in zip(milestones, milestones[1:], strict=False) if b.due < a.due]
    if late:
        i = next(i for i, m in enumerate(milestones) if m.name in late)
        raise _fail(N_("milestones due before the one listed ahead of them: %(late)s"), {"late": ', '.join(late)},
                    f"milestones.{i}.due", "milestones_in_order", late)
    unplanned = sorted({c for m in milestones for c in m.activities if c not in codes})
    if unplanned:
        raise _fail(N_("milestones name activities not in the plan: %(unplanned)s"),
                    {"unplanned": ', '.join(unplanned)}, "milestones", "milestone_activities", unplanned)


def check_kpis(kpis: list[KpiRequest], baselines: dict[str, float]) -> list[Kpi]:
    twice = sorted(k for k, n in Counter(k.indicator for k in kpis).items() if n > 1)
    if twice:
        raise _fail(N_("KPIs listed twice: %(twice)s"), {"twice": ', '.join(twice)}, "kpis", "no_duplicates", twice)
    without = [k.indicator for k in kpis if k.baseline is None and k.indicator not in baselines]
    if without:
        raise _fail(N_("no baseline for these KPIs in the factory's assessment; give one: %(without)s"),
                    {"without": ', '.join(without)}, "kpis", "kpi_baseline", without)
    return [Kpi(indicator=k.indicator, target=k.target,
                baseline=k.baseline if k.baseline is not None else baselines[k.indicator],
                source="given" if k.baseline is not None else "assessment") for k in kpis]


def check(menu: Menu, terms: Terms, activities: list[PlannedActivity], milestones: list[Milestone],
          kpis: list[KpiRequest], baselines: dict[str, float]) -> PlanContent:
    acts = check_activities(menu, terms.country, terms.budget, activities)
    codes = [a.activity for a in acts]
    check_milestones(terms, codes, milestones)
    return PlanContent(activities=acts, milestones=milestones, kpis=check_kpis(kpis, baselines),
                       credits_used=sum(menu.activities[c].credits for c in codes),
                       catalogue_version=menu.version)


def check_complete(content: PlanContent) -> None:
    """What approval needs on top of the rules: something to track."""
    missing = [what for what, have in (("milestones", content.milestones), ("kpis", content.kpis)) if not have]
    if missing:
        raise _fail(N_("an approved plan needs %(missing)s"), {"missing": Join(N_(" and "), tuple(missing))},
                    missing[0], "plan_complete", missing)
