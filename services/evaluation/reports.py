"""Reports: a factory's impact report and a buyer's portfolio report, from the
same figures, as HTML, PDF (WeasyPrint), CSV and JSON.

The HTML and PDF are for a person, in their language (en, zh, bn, vi, tr:
shared.i18n, the catalogues in locale/): a first page that summarises
(factories, people reached by sex, trainings, retention, KPI results against
their targets, what is next), then the detail with readable names, each
figure in its unit (a percentage as a percentage, a 1-5 scale as a mean on
it), the definitions of the figures, and the events every figure comes from
in an appendix. The charts are bars drawn in HTML, not SVG: their labels are
text that wraps, in the page's fonts, so no label is clipped in any language,
and each chart has one unit. The JSON and CSV keep the figures' keys, raw
values and sources for machines."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shared.contracts.assessment import KPI_NAMES
from shared.contracts.delivery import AGE_BANDS, ROLES
from shared.contracts.evaluation import METRICS
from shared.contracts.figures import FIGURES
from shared.disclosure import MIN_PEOPLE
from shared.i18n import API_DOMAIN, KERNEL_LOCALE, N_, Catalogue, formats

# the KPIs' names are the kernel's (shared/contracts/assessment.py KPI_NAMES, shared/locale): looked up there
CATALOGUE = Catalogue(Path(__file__).parent / "locale", "reports", fallback=Catalogue(KERNEL_LOCALE, API_DOMAIN))
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])


# The KPIs the needs assessment measures, by name (the kernel's, translated in its catalogue). All are shares
# of people (0-1), shown as percentages; a KPI not named there is shown by its code, spaced.
KPIS = KPI_NAMES
RATES = ("retention_rate", "turnover_rate", "absenteeism_rate", "maternity_return_rate", "worker_satisfaction")
ROLE_NAMES = {"manager": N_("Managers"), "supervisor": N_("Supervisors"), "worker": N_("Workers"),
              "parent_worker": N_("Parent workers"), "child": N_("Children")}
AGE_NAMES = {"under_16": N_("Under 16"), "16_17": N_("16-17"), "18_24": N_("18-24"), "25_34": N_("25-34"),
             "35_44": N_("35-44"), "45_plus": N_("45 and over")}
STEPS = {"registered": N_("Registered"), "assessed": N_("Assessed"), "planned": N_("Planned"),
         "kick-off": N_("Kick-off"), "delivery": N_("Delivery"), "milestone": N_("Milestone"),
         "evaluated": N_("Evaluated"), "sustainability": N_("Sustainability plan"), "closed": N_("Closed")}
KINDS = {"story": N_("Story"), "photo": N_("Photo"), "video": N_("Video")}
USED_FIGURES = ("factories_covered", "sessions_delivered", "trainings_delivered", "workers_reached",
                "workers_reached_female", "workers_reached_male", "retention_change")


def dynamic_messages() -> list[str]:
    """The texts the report translates that are not written in it as literals (names from the contracts)."""
    return sorted({*METRICS.values(), *KPIS.values(), *ROLE_NAMES.values(), *AGE_NAMES.values(), *STEPS.values(),
                   *KINDS.values(), *(FIGURES[k].label for k in USED_FIGURES),
                   *(FIGURES[k].definition for k in USED_FIGURES)})


def _kpi_name(code: str) -> str:
    return KPIS.get(code) or METRICS.get(code) or code.replace("_", " ").capitalize()


def journey_line(step: dict[str, Any], lang: str) -> str:
    """A journey step's line in `lang`, as the reports write it (for the API)."""
    return _Page(lang).line(step)


def kpi_name(code: str, lang: str) -> str:
    """A KPI's (or an endline metric's) name in `lang`, for the API beside its code."""
    return CATALOGUE.translations(lang).gettext(_kpi_name(code))


class _Page:
    """What the template writes with: translated texts, and values in the reader's language."""

    def __init__(self, lang: str) -> None:
        self.t = CATALOGUE.translations(lang)
        self.f = formats(lang)

    def _(self, text: str) -> str:
        return self.t.gettext(text)

    def line(self, step: dict[str, Any]) -> str:
        """A journey step's line in the reader's language: its message translated and its
        values filled in (counts written as the language writes numbers); a step stored
        before lines kept their message (no `args`) is shown as it was written, in English."""
        if not step.get("args"):
            return step["summary"]
        args = orjson.loads(step["args"])
        values = {k: self.f.number(v) if isinstance(v, int) else v for k, v in args["params"].items()}
        return self._(args["message"]) % values

    def metric(self, metric: str, v: float | None) -> str:
        """An endline metric in its unit: rates are entered 0-100, the 1-5 scale is a mean, cost is USD."""
        if v is None:
            return "–"
        if metric in RATES:
            return self.f.percent(v / 100, 1)
        if metric == "recruitment_cost_per_hire":
            return self.f.money(v)
        return self.f.number(v, 2)

    def kpi(self, code: str, v: float | None) -> str:
        if v is None:
            return "–"
        return self.f.percent(v, 1) if code.startswith("share_") or 0 <= v <= 1 else self.f.number(v, 2)


def _bar(value: float | None, top: float) -> float:
    return 0.0 if value is None or top <= 0 else max(0.0, min(100.0, 100 * value / top))


def view(data: dict[str, Any], *, kind: str, subject: str, country: str | None, names: dict[str, str],
         journey: list[dict], assets: list[dict], lang: str = "en") -> dict[str, Any]:
    """Everything the page shows, in the reader's language."""
    p = _Page(lang)
    _, f = p._, p.f
    name = lambda fid: names.get(fid, fid)  # noqa: E731
    figs = {x["key"]: x for x in data["figures"]}
    val = lambda key: figs.get(key, {}).get("value")  # noqa: E731
    factories = sorted(({**x, "name": name(x["factory_id"])} for x in data["factories"]),
                       key=lambda x: (x["country"], x["name"]))
    n_factories = len({x["factory_id"] for x in factories})
    evaluated = [x for x in factories if x["evaluated"]]
    reached = val("workers_reached") if "workers_reached" in figs else val("delivery.people_reached")
    # by sex: a buyer's pooled figures, else the delivery's (a factory's or a country's report)
    female, male = ((val("workers_reached_female"), val("workers_reached_male")) if "workers_reached_female" in figs
                    else (val("delivery.people_reached.female"), val("delivery.people_reached.male")))

    # KPI results against their targets, one row per factory's KPI: readable names, percentages
    kpis = [{"factory": x["name"], "name": _(_kpi_name(k["indicator"])),
             "baseline": p.kpi(k["indicator"], k["baseline"]),
             "target": p.kpi(k["indicator"], k["target"]), "endline": p.kpi(k["indicator"], k["endline"]),
             "progress": "–" if k["achievement"] is None else f.percent(k["achievement"]),
             "width": _bar(k["achievement"], 1.0), "met": k["achieved"]}
            for x in factories for k in x["kpis"]]
    # the endline against the baseline: every metric in its unit; the chart has the rates (%) only
    impact = []
    for m, label in METRICS.items():
        end, base = figs.get(f"impact.{m}.endline"), figs.get(f"impact.{m}.baseline")
        if end is None:
            continue
        b, e = (base or {}).get("value"), end["value"]
        change = None if b is None or e is None else e - b
        impact.append({"metric": m, "name": _(label), "baseline": p.metric(m, b), "endline": p.metric(m, e),
                       "change": "–" if change is None else (
                           _("%(n)s points") % {"n": f.number(change, 1)} if m in RATES else p.metric(m, change)),
                       "rate": m in RATES, "wb": _bar(b, 100), "we": _bar(e, 100)})
    ret_b, ret_e = val("retention_baseline"), val("retention_endline")
    if ret_e is None:
        ret_b, ret_e = val("impact.retention_rate.baseline"), val("impact.retention_rate.endline")

    def cells(prefix: str, labels: dict[str, str], order: tuple[str, ...]) -> list[dict]:
        rows = [(k, figs.get(f"delivery.{prefix}.{k}")) for k in order if f"delivery.{prefix}.{k}" in figs]
        top = max([r["value"] or 0 for _k, r in rows] or [0])
        return [{"name": _(labels.get(k, k)), "text": _("hidden") if r["value"] is None else f.number(r["value"]),
                 "width": _bar(r["value"], top)} for k, r in rows if r["value"] != 0]

    delivery = [(_("Sessions delivered"), val("delivery.sessions")),
                (_(FIGURES["trainings_delivered"].label), val("trainings_delivered")),
                (_("Attendances"), val("delivery.attendances")),
                (_("People reached"), reached),
                (_(FIGURES["workers_reached_female"].label), female),
                (_(FIGURES["workers_reached_male"].label), male)]
    nexts = []
    for x in factories:
        if not x["endline_on"]:
            nexts.append(_("%(factory)s: the endline survey and the workforce figures") % {"factory": x["name"]})
        elif not x["evaluated"]:
            nexts.append(_("%(factory)s: the impact against the baseline") % {"factory": x["name"]})
        elif not x["closed_on"]:
            nexts.append(_("%(factory)s: the closing workshop, its sustainability plan, and the cycle closed")
                         % {"factory": x["name"]})
        else:
            due = sorted(x["sustainability"], key=lambda s: s["due"])
            nexts.append(_("%(factory)s: a check that “%(practice)s” continues, by %(date)s")
                         % {"factory": x["name"], "practice": due[0]["practice"], "date": f.date(due[0]["due"])}
                         if due else _("%(factory)s: the cycle is closed") % {"factory": x["name"]})

    title = (_("WeCare portfolio report: %(buyer)s") % {"buyer": subject} if kind == "portfolio"
             else _("WeCare impact report: %(factory)s") % {"factory": subject})
    subtitle = (p.t.ngettext("%(num)s factory", "%(num)s factories", n_factories) % {"num": f.number(n_factories)}
                if kind == "portfolio" else _("Country: %(country)s") % {"country": (country or "").upper()})
    # the pooled figures' sources; each factory's are in the JSON (and the factory's own report)
    sources = [{"key": x["key"], "sources": x["sources"]} for x in data["figures"]]
    practices = []
    for x in factories:
        checks = {c["practice"]: c for c in x["follow_ups"]}
        practices += [{"factory": x["name"], "practice": s["practice"], "owner": s["owner"], "due": f.date(s["due"]),
                       "check": (f"{f.date(checks[s['practice']]['checked_on'])}: {checks[s['practice']]['status']}"
                                 if s["practice"] in checks else "–")} for s in x["sustainability"]]
    return {
        "lang": lang, "title": title, "subtitle": subtitle,
        "made_on": f.date(datetime.now(UTC).date()), "min_people": MIN_PEOPLE,
        "summary": {
            "factories": f.number(n_factories),
            "evaluated": f.number(len(evaluated)),
            "reached": "–" if reached is None else f.number(reached),
            "female": "–" if female is None else f.number(female), "male": "–" if male is None else f.number(male),
            "trainings": "–" if val("trainings_delivered") is None else f.number(val("trainings_delivered")),
            "sessions": f.number(val("delivery.sessions") or 0),
            "retention": None if ret_e is None else p.metric("retention_rate", ret_e),
            "retention_base": None if ret_b is None else p.metric("retention_rate", ret_b),
            "retention_change": None if ret_b is None or ret_e is None else f.number(ret_e - ret_b, 1),
            "kpis_met": f.number(sum(1 for k in kpis if k["met"])),
            "kpis_measured": f.number(sum(1 for k in kpis if k["met"] is not None)),
        },
        "factories": [{**x, "baseline": f.date(x["baseline_on"]) or "–", "endline": f.date(x["endline_on"]) or "–",
                       "closed": f.date(x["closed_on"]) or "–", "kpis_met": f.number(x["kpis_met"]),
                       "kpis_n": f.number(len(x["kpis"]))} for x in factories],
        "kpis": kpis, "impact": impact, "rates": [i for i in impact if i["rate"]],
        "delivery": [(k, "–" if v is None else f.number(v)) for k, v in delivery if k],
        "share_female": None if val("delivery.share_female") is None else f.percent(val("delivery.share_female")),
        "by_role": cells("by_role", ROLE_NAMES, ROLES), "by_age_band": cells("by_age_band", AGE_NAMES, AGE_BANDS),
        "next": nexts, "practices": practices,
        "definitions": [
            (_(FIGURES["factories_covered"].label), _(FIGURES["factories_covered"].definition)),
            (_("Factories evaluated"), _("factories whose endline has been compared with their baseline")),
            (_("People reached"), _(FIGURES["workers_reached"].definition)),
            (_("Attendances"), _("places taken at sessions: a person at three sessions is three attendances, so "
                                 "there are more attendances than people reached")),
            (_("Sessions delivered"), _(FIGURES["sessions_delivered"].definition)),
            (_(FIGURES["trainings_delivered"].label), _(FIGURES["trainings_delivered"].definition)),
            (_("Baseline"), _("measured at the needs assessment, or from the factory's records of the year before")),
            (_("Endline"), _("measured at the end of the cycle, with the follow-up survey")),
            (_("Progress to target"), _("the share of the way from the baseline to the target that the endline "
                                        "went; 100% is the target met")),
            (_(FIGURES["retention_change"].label), _(FIGURES["retention_change"].definition)),
        ],
        "journey": [{"when": f.date(j["occurred_at"].date()), "factory": name(j["factory_id"]),
                     "step": _(STEPS.get(j["step"], j["step"])), "summary": p.line(j)} for j in journey],
        "assets": [{**a, "kind": _(KINDS.get(a["kind"], a["kind"])), "expires": f.date(a["expires_on"])}
                   for a in assets],
        "sources": sources,
    }


def html(data: dict[str, Any], *, lang: str = "en", **page: Any) -> str:
    t = CATALOGUE.translations(lang)
    _TEMPLATES.install_gettext_translations(t, newstyle=True)  # a worker draws one report at a time
    return _TEMPLATES.get_template("report.html").render(**view(data, lang=lang, **page))


def pdf(html_text: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only reports need

    return HTML(string=html_text).write_pdf()


def csv_text(data: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["scope", "key", "label", "value", "unit", "suppressed", "sources"])
    for f in data["figures"]:
        w.writerow(["all", f["key"], f["label"], "" if f["value"] is None else f["value"], f["unit"],
                    f["suppressed"], " ".join(f["sources"])])
    for fac in data["factories"]:
        for f in fac["figures"]:
            w.writerow([fac["factory_id"], f["key"], f["label"], "" if f["value"] is None else f["value"], f["unit"],
                        f["suppressed"], " ".join(f["sources"])])
    return buf.getvalue()
