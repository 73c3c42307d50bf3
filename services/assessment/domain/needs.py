"""The needs profile: a severity per need area, the evidence behind it, and
the menu activities that answer it. Evidence uses only unsuppressed figures."""

from __future__ import annotations

from services.assessment.domain.checklist import checklist
from shared.contracts.assessment import (
    Demographics,
    DemographicsSummary,
    Finding,
    Indicator,
    NeedArea,
    PolicyAnswer,
)
from shared.disclosure import share_releasable, workforce
from shared.menu import menu

SEVERITY = ("none", "low", "medium", "high")


def summarise(d: Demographics) -> DemographicsSummary:
    """The factory's demographics in figures. A share over fewer than 5
    people, or one that gives such a count back (the share of women beside
    the headcount, with 3 men), is left out, as survey figures are: the
    summary is published, and its shares reach buyers as plan baselines and
    impact comparisons."""
    total = d.total
    women, men = d.by_sex("female"), d.by_sex("male")
    split = workforce(total, women, men)
    return DemographicsSummary(
        headcount=total, female=women, male=men,
        share_female=round(women / total, 4) if total and split["headcount_female"] is not None else None,
        migrant_workers=d.migrant_workers, parent_workers=d.parent_workers,
        left_behind_children=d.left_behind_children, juvenile_workers=d.by_band("16_17"),
        young_workers_18_24=d.by_band("18_24"),
        maternity_return_rate=(round(d.returned_after_maternity_12m / d.maternity_leave_12m, 4)
                               if share_releasable(d.returned_after_maternity_12m, d.maternity_leave_12m) else None),
    )


def _pct(v: float) -> str:
    return f"{round(v * 100)}%"


def needs_profile(policies: dict[str, PolicyAnswer], flags: list[str], demographics: Demographics,
                  findings: list[Finding], ind: dict[str, Indicator]) -> list[NeedArea]:
    points: dict[str, int] = {a: 0 for a in menu().areas}
    evidence: dict[str, list[str]] = {a: [] for a in menu().areas}

    def add(area: str, n: int, why: str) -> None:
        points[area] += n
        evidence[area].append(why)

    def val(name: str) -> float | None:
        i = ind.get(name)
        return None if i is None or i.suppressed else i.value

    cl = checklist()
    for item_id, answer in sorted(policies.items()):
        if answer.status == "missing":
            add(cl.items[item_id].area, 1, f"no {cl.items[item_id].label.lower()}")
        elif answer.status == "partial":
            evidence[cl.items[item_id].area].append(f"{cl.items[item_id].label.lower()} only in part")
    for f in flags:
        if f.startswith("maternity_leave_below_statutory"):
            add("maternal_health", 1, "paid maternity leave below the statutory minimum")

    s = summarise(demographics)
    if s.headcount:
        if s.parent_workers / s.headcount >= 0.3:
            add("parenting_family_support", 1, f"{_pct(s.parent_workers / s.headcount)} of workers are parents")
        if s.migrant_workers / s.headcount >= 0.3:
            add("responsible_recruitment", 1, f"{_pct(s.migrant_workers / s.headcount)} of workers are migrants")
    if s.left_behind_children:
        add("parenting_family_support", 1, f"{s.left_behind_children} children live apart from their parents")
    if s.juvenile_workers:
        add("young_workers", 2, f"{s.juvenile_workers} juvenile workers (16-17)")
    if s.young_workers_18_24 and s.headcount and s.young_workers_18_24 / s.headcount >= 0.25:
        add("young_workers", 1, f"{_pct(s.young_workers_18_24 / s.headcount)} of workers are 18-24")
    if s.maternity_return_rate is not None and s.maternity_return_rate < 0.9:
        add("maternal_health", 1, f"{_pct(1 - s.maternity_return_rate)} of women did not return after maternity leave")

    rules = [
        ("share_parents_cannot_afford_basics", 0.2, "financial_psychological_support",
         "of parents cannot afford basic necessities"),
        ("share_separated_parents_feel_guilty", 0.5, "parenting_family_support",
         "of separated parents feel guilty about their parenting"),
        ("share_women_not_returned_after_pregnancy", 0.1, "maternal_health",
         "of women did not return to work after pregnancy"),
        ("share_parents_need_childcare", 0.3, "childcare", "of parents would use childcare"),
        ("share_paid_recruitment_fee", 0.1, "responsible_recruitment", "of workers paid a recruitment fee"),
        ("share_high_stress", 0.3, "flexible_work_wellbeing", "of workers feel highly stressed by work and family"),
    ]
    for name, threshold, area, text in rules:
        v = val(name)
        if v is not None and v >= threshold:
            add(area, 2 if v >= 2 * threshold else 1, f"{_pct(v)} {text}")
    for f in findings:
        if f.area in points:
            add(f.area, {"low": 0, "medium": 1, "high": 2}[f.priority], f"management: {f.text}")

    out = []
    for area in menu().areas:
        score = min(points[area], 3)
        out.append(NeedArea(area=area, severity=SEVERITY[score], score=score, evidence=evidence[area],  # type: ignore[arg-type]
                            activities=menu().answering(area) if score else []))
    return out
