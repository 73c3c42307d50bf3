"""The suggested action plan: the best set of activities for a factory's
needs profile within the budget and the plan rules, with the need each one
answers, and why.

Scoring (higher is better, compared in this order):
1. coverage: the sum of the severities (0-3) of the need areas that at least
   one chosen activity answers;
2. depth: for every chosen activity, the severities of the areas it answers,
   summed (two activities on a high need beat one);
3. fewer credits, for the same coverage and depth.
Ties are broken by the activity codes, so the suggestion is deterministic.

The search is exhaustive over the sets of activities offered in the country
that fit the budget (branch and bound on credits), so the result is optimal
for the scoring, not greedy."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from services.planning.domain.rules import KpiRequest, Terms, check
from shared.aggregate import DomainError
from shared.contracts.planning import Milestone, PlanContent, PlannedActivity
from shared.i18n import N_, Join, Text
from shared.menu import Menu

Score = tuple[int, int, int]
_KPIS = Path(__file__).parent.parent / "config" / "kpis.toml"


@dataclass(frozen=True)
class Suggestion:
    content: PlanContent
    score: Score
    why: list[Text]  # the explanation's lines, for a reader in any language
    considered: int  # valid plans compared

    @property
    def explanation(self) -> list[str]:
        """The explanation in English, as a drafted plan keeps it."""
        return [str(t) for t in self.why]


SEVERITIES = (N_("none"), N_("low"), N_("medium"), N_("high"))  # a need's severity, for the catalogues


def severities(needs_profile: list[dict]) -> dict[str, int]:
    return {n["area"]: int(n["score"]) for n in needs_profile if int(n.get("score", 0)) > 0}


def score(menu: Menu, sev: dict[str, int], codes: list[str] | tuple[str, ...]) -> Score:
    areas = [a for c in codes for a in menu.activities[c].areas]
    coverage = sum(s for a, s in sev.items() if a in set(areas))
    depth = sum(sev.get(a, 0) for a in areas)
    return coverage, depth, -sum(menu.activities[c].credits for c in codes)


def _valid(menu: Menu, country: str, codes: set[str]) -> bool:
    return all(r in codes for c in codes for r in menu.activities[c].requires) and \
        all(c in codes for c, a in menu.offered(country).items() if a.mandatory)


def best_activities(menu: Menu, country: str, budget: int, sev: dict[str, int]) -> tuple[list[str], Score, int]:
    offered = menu.offered(country)
    mandatory = sorted(c for c, a in offered.items() if a.mandatory)
    optional = sorted(c for c, a in offered.items() if not a.mandatory)
    base = sum(offered[c].credits for c in mandatory)
    best: tuple[Score, tuple[str, ...]] | None = None
    considered = 0

    def better(s: Score, codes: tuple[str, ...]) -> bool:
        if best is None:
            return True
        return s > best[0] or (s == best[0] and codes < best[1])

    def walk(i: int, chosen: list[str], credits: int) -> None:
        nonlocal best, considered
        if i == len(optional):
            codes = set(mandatory) | set(chosen)
            if _valid(menu, country, codes):
                considered += 1
                ordered = tuple(sorted(codes))
                s = score(menu, sev, ordered)
                if better(s, ordered):
                    best = (s, ordered)
            return
        walk(i + 1, chosen, credits)
        c = optional[i]
        if credits + offered[c].credits <= budget:
            walk(i + 1, [*chosen, c], credits + offered[c].credits)

    if base <= budget:
        walk(0, [], base)
    if best is None:
        raise DomainError(N_("no valid plan fits a budget of %(budget)s credits in %(country)s"),
                          params={"budget": budget, "country": country}, field="budget", rule="budget", items=mandatory)
    return list(best[1]), best[0], considered


@cache
def kpi_templates(path: Path = _KPIS) -> dict[str, tuple[str, float]]:
    d = tomllib.loads(path.read_text(encoding="utf-8"))
    return {k: (v["area"], float(v["change"])) for k, v in d["kpis"].items()}


def _milestones(menu: Menu, terms: Terms, codes: list[str]) -> list[Milestone]:
    """Kick-off in the first month, the activities spread over the period in
    menu order, the impact evaluation in the last month."""
    start, end = terms.starts_on, terms.ends_on
    span = (end - start).days
    kick = min(start + timedelta(days=30), end)
    last = max(end - timedelta(days=30), kick)
    paid = [c for c in menu.activities if c in codes]
    out = [Milestone(name="Kick-off held", due=kick)]
    for i, c in enumerate(paid, start=1):
        due = start + timedelta(days=round(span * i / (len(paid) + 1)))
        due = min(max(due, kick), last)
        out.append(Milestone(name=f"{menu.activities[c].name} delivered", due=due, activities=[c]))
    out.append(Milestone(name="Impact evaluation and sustainability workshop", due=last))
    return out


def suggest(menu: Menu, terms: Terms, needs_profile: list[dict], baselines: dict[str, float]) -> Suggestion:
    sev = severities(needs_profile)
    codes, s, considered = best_activities(menu, terms.country, terms.budget, sev)
    evidence = {n["area"]: n.get("evidence") or [] for n in needs_profile}
    levels = {n["area"]: n.get("severity", "") for n in needs_profile}
    activities = []
    why: list[Text] = []

    def need_of(x: str) -> Text:  # "maternal health and breastfeeding (high)"
        return Text(N_("%(area)s (%(severity)s)"), {"area": Text(menu.areas[x], english=menu.areas[x].lower()),
                                                     "severity": Text(str(levels.get(x)))})

    for c in [c for c in menu.activities if c in codes]:
        a = menu.activities[c]
        answered = sorted((x for x in a.areas if sev.get(x)), key=lambda x: -sev[x])
        need = answered[0] if answered else None
        activities.append(PlannedActivity(activity=c, need=need))
        name = Text(a.name)
        if a.mandatory:
            why.append(Text(N_("%(activity)s: mandatory in every plan"), {"activity": name}))
        elif answered:
            first = evidence.get(need) or []
            said = {"activity": name, "credits": a.credits, "needs": Join(", ", tuple(need_of(x) for x in answered))}
            why.append(Text(N_("%(activity)s (%(credits)s credits) answers %(needs)s: %(evidence)s"),
                            {**said, "evidence": first[0]}) if first else
                       Text(N_("%(activity)s (%(credits)s credits) answers %(needs)s"), said))
        else:
            why.append(Text(N_("%(activity)s (%(credits)s credits): needed by %(activities)s"), {
                "activity": name, "credits": a.credits, "activities": Join(", ", tuple(
                    Text(menu.activities[o].name) for o in codes if c in menu.activities[o].requires))}))
    covered = {x for c in codes for x in menu.activities[c].areas}
    used = -s[2]
    for area in sorted(sev, key=lambda a: -sev[a]):
        if area not in covered:
            options = [menu.activities[c] for c in menu.answering(area)
                       if menu.activities[c].offered_in(terms.country)]
            cheapest = min((o.credits for o in options), default=None)
            reason = (Text(N_("no activity offered here answers it")) if cheapest is None else
                      Text(N_("the cheapest activity for it costs %(cheapest)s credits; within %(budget)s credits "
                              "the chosen set answers more of the needs"), {"cheapest": cheapest,
                                                                            "budget": terms.budget}))
            why.append(Text(N_("not covered: %(need)s: %(reason)s"), {"need": need_of(area), "reason": reason}))
    why.append(Text(N_("uses %(used)s of %(budget)s credits; the best of %(considered)s valid plans (coverage "
                       "%(coverage)s, depth %(depth)s)"), {"used": used, "budget": terms.budget,
                                                          "considered": considered, "coverage": s[0],
                                                          "depth": s[1]}))
    kpis = []
    for indicator, (area, change) in kpi_templates().items():
        if area in covered and area in sev and indicator in baselines:
            b = baselines[indicator]
            target = round(max(b * (1 + change), 0.0), 2)
            if target != round(b, 2):  # a KPI that cannot move is no KPI
                kpis.append(KpiRequest(indicator=indicator, target=target))
    content = check(menu, terms, activities, _milestones(menu, terms, codes), kpis, baselines)
    return Suggestion(content=content, score=s, why=why, considered=considered)

