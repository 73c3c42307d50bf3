"""Reports: a factory's impact report and a buyer's portfolio report, from the
same figures, as HTML with charts (pygal SVG, drawn on the server so that
the PDF has them too), PDF (WeasyPrint), CSV and JSON. Every figure names
the events it comes from, in the JSON, the CSV and the HTML alike."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pygal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pygal.style import Style

from shared.contracts.evaluation import METRICS
from shared.disclosure import MIN_PEOPLE

_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(["html"]))
_STYLE = Style(background="white", plot_background="white", foreground="#1d2a33", foreground_strong="#0b5d7a",
               colors=("#8fb8c9", "#0b5d7a", "#e07b39", "#4c9a2a", "#8a5fbf", "#c23b22"),
               font_family="DejaVu Sans, Arial, sans-serif", title_font_size=15, label_font_size=12,
               major_label_font_size=12, legend_font_size=12, value_font_size=11)


def _chart(kind: type, title: str, **kw: Any) -> Any:
    # no JavaScript from elsewhere: the report must render offline and in a PDF
    return kind(title=title, style=_STYLE, js=[], width=760, height=360, print_values=True,
                disable_xml_declaration=True, legend_at_bottom=True, **kw)


def _value_text(f: dict[str, Any]) -> str:
    v = f["value"]
    if v is None:
        return "-"
    if f["unit"] == "share":
        return f"{v:.0%}"
    return f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else f"{v:,}"


def _svg(chart: Any, name: str) -> str:
    """The chart's SVG, its legend anchors named after the chart (several charts share one page)."""
    return chart.render(is_unicode=True).replace("activate-serie-", f"activate-{name}-serie-")


def charts(data: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    figs = {f["key"]: f for f in data["figures"]}
    metrics = [m for m in METRICS if f"impact.{m}.endline" in figs and m != "recruitment_cost_per_hire"]
    if metrics:
        c = _chart(pygal.Bar, "Baseline and endline", x_label_rotation=20)
        c.x_labels = [METRICS[m] for m in metrics]
        c.add("Baseline", [figs.get(f"impact.{m}.baseline", {}).get("value") for m in metrics])
        c.add("Endline", [figs[f"impact.{m}.endline"]["value"] for m in metrics])
        out["impact"] = _svg(c, "impact")
    kpis = [k for f in data["factories"] for k in f["kpis"] if k["achievement"] is not None]
    if kpis:
        c = _chart(pygal.HorizontalBar, "KPI targets: share of the way from baseline to target (%)")
        for k in kpis:
            c.add(k["indicator"].replace("_", " "), round(k["achievement"] * 100))
        out["kpis"] = _svg(c, "kpis")
    for key, title in (("by_sex", "Attendances by sex"), ("by_role", "Attendances by role"),
                       ("by_age_band", "Attendances by age band")):
        cells = [f for k, f in figs.items() if k.startswith(f"delivery.{key}.") and not f["suppressed"]]
        if cells:
            c = _chart(pygal.Bar, title)
            c.x_labels = [f["key"].rsplit(".", 1)[1].replace("_", " ") for f in cells]
            c.add("Attendances", [f["value"] for f in cells])
            out[key] = _svg(c, key)
    return out


def html(data: dict[str, Any], *, title: str, subtitle: str, names: dict[str, str], journey: list[dict],
         assets: list[dict]) -> str:
    factories = [{**f, "name": names.get(f["factory_id"], f["factory_id"])} for f in data["factories"]]
    kpis = [{**k, "factory": names.get(f["factory_id"], f["factory_id"])} for f in data["factories"] for k in f["kpis"]]
    practices = []
    for f in data["factories"]:
        checks = {c["practice"]: f"{c['checked_on']}: {c['status']}" for c in f["follow_ups"]}
        practices += [{**p, "factory": names.get(f["factory_id"], f["factory_id"]), "check": checks.get(p["practice"])}
                      for p in f["sustainability"]]
    figures = [{**f, "text": _value_text(f)} for f in data["figures"]]
    return _TEMPLATES.get_template("report.html").render(
        title=title, subtitle=subtitle, made_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        factories=factories, figures=figures, kpis=kpis, practices=practices, charts=charts(data),
        journey=[{**j, "factory": names.get(j["factory_id"], j["factory_id"]),
                  "when": j["occurred_at"].strftime("%Y-%m-%d")} for j in journey],
        assets=assets, min_people=MIN_PEOPLE)


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
