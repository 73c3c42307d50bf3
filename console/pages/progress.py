"""Progress, reports and the buyers' read-only view (#20).

`/{country}/progress`: per factory, planned against delivered (delivery
/progress), the seed's statements (/statements), the milestones of each
work plan and the cascade of trainers (/cascade), with bar charts drawn
here as plain HTML and CSS (each bar's number is text beside it).
`/{country}/reports`: impact (evaluation /impact) and the reports to
download through the gateway's proxy (/api/evaluation/...), in five languages.
`/buyers/{buyer}`: a buyer's portfolio as the buyers API gives it, with its
exports and the portfolio report; another buyer's answers 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from console.web import Caller, api, caller, factory_names, in_scope, not_found, render
from shared.i18n import LANGUAGES

router = APIRouter(include_in_schema=False)
REPORT_FORMATS = ("pdf", "html")  # in each language; CSV once (numbers, no sentences)


def _json(r: Any, default: Any) -> Any:
    return r.json() if r.status_code == 200 else default


def scale(values: list[float | int | None]) -> float:
    """The largest value of a chart (its bars' 100 %), at least 1."""
    return max([v for v in values if isinstance(v, int | float)] + [1])


@router.get("/{country}/progress")
async def progress_page(request: Request, country: str, factory: str | None = None,
                        c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    params = {"factory_id": factory} if factory else None
    prog = _json(await api(request, c, "delivery", "GET", f"/{country}/progress", params=params), {})
    st = _json(await api(request, c, "delivery", "GET", f"/{country}/statements", params=params), {})
    plans = _json(await api(request, c, "delivery", "GET", f"/{country}/deliveries",
                            params={"limit": 500, **(params or {})}), {})
    ids = [p["plan_id"] for p in plans.get("items", [])]
    # one factory's cascade: its plan's (the totals too), when it has one plan
    one = {"plan_id": ids[0]} if factory and len(ids) == 1 else None
    cascade = _json(await api(request, c, "delivery", "GET", f"/{country}/cascade", params=one), {})
    milestones = {p["plan_id"]: p.get("milestones") or [] for p in plans.get("items", [])}
    factories = prog.get("factories", [])
    trainers = sorted((t for t in cascade.get("trainers", []) if not factory or t["factory_id"] == factory),
                      key=lambda t: (-t["attendances"], t["plan_id"], t["trainer_id"]))
    names = await factory_names(request, c, country)
    return render(request, "progress/progress.html", factories=factories, names=names,
                  statements=st.get("statements", []),  # in the reader's language (Accept-Language)
                  milestones=milestones, trainers=trainers, cascade=cascade, factory=factory,
                  people_max=scale([f["people_reached"] for f in factories]),
                  trainer_max=scale([t["attendances"] for t in trainers]))


@router.get("/{country}/reports")
async def reports_page(request: Request, country: str, factory: str | None = None,
                       c: Caller = Depends(caller)) -> Response:
    in_scope(c, country)
    if factory:
        r = await api(request, c, "evaluation", "GET", f"/{country}/impact/factories/{quote(factory, safe='')}")
        impact = _json(r, {"factories": [], "figures": []})
    else:
        impact = _json(await api(request, c, "evaluation", "GET", f"/{country}/impact"),
                       {"factories": [], "figures": []})
    factories = impact.get("factories", [])
    comparisons = [x for f in factories for x in f.get("comparisons", [])]
    return render(request, "progress/reports.html", impact=impact, factories=factories, factory=factory,
                  report_languages=LANGUAGES, formats=REPORT_FORMATS,
                  compare_max=scale([x.get("baseline") for x in comparisons] + [x.get("endline") for x in comparisons]),
                  report_base=f"/api/evaluation/{country}/reports/factories/")


@router.get("/buyers/{buyer}")
async def buyer_page(request: Request, buyer: str, c: Caller = Depends(caller)) -> Response:
    """The buyer's portfolio, read-only: what the buyers API gives this caller, nothing more."""
    p = c.principal
    if p.role == "buyer" and p.buyer != buyer:
        raise not_found()
    r = await api(request, c, "buyers", "GET", f"/buyers/{quote(buyer, safe='')}/portfolio")
    if r.status_code != 200:
        raise not_found()
    b = quote(buyer, safe="")
    return render(request, "progress/buyer.html", buyer=buyer, portfolio=r.json(), report_languages=LANGUAGES,
                  exports=[("CSV", f"/api/buyers/buyers/{b}/exports/portfolio.csv"),
                           ("XLSX", f"/api/buyers/buyers/{b}/exports/portfolio.xlsx")],
                  report_base=f"/api/evaluation/buyers/{b}/report")
