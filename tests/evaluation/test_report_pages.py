"""What an ESG manager saw in the Otto Group portfolio PDF, page by page:
no summary; a third of it event UUIDs; a chart mixing percentages with a
1-5 scale; clipped chart labels; KPI code names and raw fractions (0.2333);
"Sessions delivered" twice; attendances beside people reached with no
definition. Each is a check on the report drawn from the same figures."""

from __future__ import annotations

import re

import pypdfium2
import pytest

from services.evaluation import reports

pytestmark = pytest.mark.unit

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SRC = ["4d456a93-6971-4ec4-98e9-796375dba59b", "17eef887-de96-59d1-abc3-a7a847163909"]


def _figure(key: str, label: str, value: float | None, unit: str = "") -> dict:
    return {"key": key, "label": label, "value": value, "unit": unit, "suppressed": value is None, "sources": SRC}


def _factory(fid: str, evaluated: bool) -> dict:
    kpis = [{"indicator": "share_women_not_returned_after_pregnancy", "baseline": 0.2333, "target": 0.12,
             "endline": 0.18, "achievement": 0.4704, "achieved": False},
            {"indicator": "share_separated_parents_feel_guilty", "baseline": 1.0, "target": 0.67, "endline": 0.67,
             "achievement": 1.0, "achieved": True}] if evaluated else []
    return {"factory_id": fid, "country": "bd", "evaluated": evaluated, "baseline_on": "2026-03-02",
            "endline_on": "2026-11-16" if evaluated else None, "closed_on": "2026-11-30" if evaluated else None,
            "kpis": kpis, "kpis_met": 1 if evaluated else 0,
            "sustainability": [{"practice": "Family Day every year", "owner": "Welfare committee",
                                "due": "2027-10-31"}] if evaluated else [],
            "follow_ups": [], "figures": [_figure("delivery.sessions", "Sessions delivered", 4)]}


# the figures impact.portfolio gives a buyer's portfolio (the delivery figures and the buyers' standard ones)
DATA = {"factories": [_factory("bd-dhaka", True), _factory("bd-gazipur", False)], "figures": [
    _figure("factories", "Factories", 2), _figure("factories.evaluated", "Factories evaluated", 1),
    _figure("impact.retention_rate.endline", "Retention (%), endline (mean of 1 factory)", 84.75),
    _figure("impact.retention_rate.baseline", "Retention (%), baseline (mean of 1 factory)", 77.0),
    _figure("impact.parenting_confidence.endline", "Parenting confidence (mean, 1-5), endline", 3.8),
    _figure("impact.parenting_confidence.baseline", "Parenting confidence (mean, 1-5), baseline", 3.26),
    _figure("impact.recruitment_cost_per_hire.endline", "Recruitment cost per hire (USD), endline", 88.0),
    _figure("kpis.met", "KPI targets met", 1), _figure("kpis.measured", "KPI targets measured", 2),
    _figure("delivery.sessions", "Sessions delivered", 9), _figure("delivery.attendances", "Attendances", 137),
    _figure("delivery.people_reached", "People reached", 134),
    _figure("delivery.share_female", "Share female", 0.79, "share"),
    _figure("delivery.by_sex.female", "Attendances, female", 108),
    _figure("delivery.by_sex.male", "Attendances, male", 29),
    _figure("delivery.by_role.manager", "Attendances by role: manager", 37),
    _figure("delivery.by_role.parent_worker", "Attendances by role: parent worker", 100),
    _figure("sessions_delivered", "Sessions delivered", 9, "sessions"),
    _figure("trainings_delivered", "Trainings delivered", 7, "sessions"),
    _figure("workers_reached", "Workers reached", 134, "people"),
    _figure("workers_reached_female", "Workers reached, female", 105, "people"),
    _figure("workers_reached_male", "Workers reached, male", 29, "people"),
    _figure("retention_endline", "Retention (%), endline", 84.75, "%")]}
NAMES = {"bd-dhaka": "Dhaka Knitwear Ltd", "bd-gazipur": "Gazipur Apparel"}
PAGE = {"kind": "portfolio", "subject": "Otto Group", "country": None, "names": NAMES, "journey": [], "assets": []}


@pytest.fixture(scope="module")
def drawn() -> tuple[str, list[str]]:
    html = reports.html(DATA, **PAGE)
    pdf = pypdfium2.PdfDocument(reports.pdf(html))
    return html, [" ".join(p.get_textpage().get_text_range().split()) for p in pdf]  # lines joined


def _body(pages: list[str]) -> str:
    text = "\n".join(pages)
    return text.split("Appendix")[0]


def test_the_first_page_summarises(drawn) -> None:
    first = drawn[1][0]
    for text in ("Summary", "Factories", "1 evaluated", "People reached", "134", "105 women, 29 men",
                 "Trainings delivered", "Retention at the endline", "84.8%", "KPI targets met", "1 / 2",
                 "What is next", "Gazipur Apparel: the endline survey",
                 "Dhaka Knitwear Ltd: a check that “Family Day every year” continues"):
        assert text in first, text


def test_names_not_codes_and_percentages_not_fractions(drawn) -> None:
    body = _body(drawn[1])
    assert "share_" not in body and "_rate" not in body
    assert "Women who did not return to work after pregnancy" in body
    assert "0.2333" not in body and "23.3%" in body and "12%" in body
    assert "77%" in body and "84.8%" in body and "3.8" in body and "$88.00" in body


def test_one_unit_per_chart_and_no_label_drawn_in_an_svg(drawn) -> None:
    html = drawn[0]
    charts = re.findall(r'<table class="bars chart" id="chart-(\w+)">(.*?)</table>', html, re.S)
    assert {name for name, _ in charts} >= {"kpis", "impact", "by_role"}
    impact = dict(charts)["impact"]
    assert "Retention (%)" in impact and "Parenting confidence" not in impact and "Recruitment" not in impact
    assert "<svg" not in html  # labels are HTML text that wraps: none is clipped ("3aseline and endline")


def test_no_row_twice_every_figure_defined_and_sources_only_in_the_appendix(drawn) -> None:
    html, pages = drawn
    body = _body(pages)
    assert html.count("<td>Sessions delivered</td>") == 1
    assert not UUID.search(body), "event ids in the body"
    assert "Appendix" in "\n".join(pages) and UUID.search("\n".join(pages).split("Appendix")[1])
    definitions = body.split("What the figures mean")[1]
    for term in ("People reached", "Attendances", "Sessions delivered", "Trainings delivered", "Baseline",
                 "Endline", "Progress to target"):
        assert term in definitions, term
    assert "more attendances than people reached" in definitions


def test_a_factorys_report_says_the_people_reached_by_sex() -> None:
    """A factory's report read women and men from the buyer's pooled figures only, so
    Dhaka Knitwear's first page said "106 people reached: – women, – men". Its delivery
    figures now carry people reached by sex (the released counts the buyer's rows already
    carry), and the summary shows them."""
    from services.evaluation.impact import delivery_figures

    row = {"total": 50, "female": 38, "by_role": "{}", "by_age_band": "{}", "reached": 50, "reached_female": 38}
    rows = [{**row, "event_id": "e1"}, {**row, "event_id": "e2", "total": 20, "female": 12, "reached": 20,
                                        "reached_female": 12}]
    figures = {f["key"]: f["value"] for f in delivery_figures(rows)}
    assert (figures["delivery.people_reached"], figures["delivery.people_reached.female"],
            figures["delivery.people_reached.male"]) == (70, 50, 20)
    page = reports.view({**DATA, "figures": delivery_figures(rows)}, kind="factory", subject="Dhaka Knitwear Ltd",
                        country="bd", names=NAMES, journey=[], assets=[])
    assert (page["summary"]["reached"], page["summary"]["female"], page["summary"]["male"]) == ("70", "50", "20")
