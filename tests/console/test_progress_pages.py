"""Progress, reports and the buyers' view through the console: the seed's
statements and charts from sessions recorded through the delivery API,
reports downloaded through the gateway's proxy with their content type,
and a buyer who sees its own portfolio only."""

from __future__ import annotations

import re
from html import unescape

from tests.console import seed
from tests.console.conftest import ConsoleStack, signed_in


def visible(page: str) -> str:
    """The page's text, as a screen reader reads it (tags out, entities in)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


async def test_progress_shows_the_seed_statements_milestones_and_the_cascade_with_their_numbers_as_text(
        console_stack: ConsoleStack):
    plan_id = await seed.cycle(console_stack, "bd", "bd-pr-1")
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        r = await b.get("/bd/progress")
        assert r.status_code == 200, r.text
        text = visible(r.text)
        assert "3 trainings of trainers delivered to 14 managers" in text
        assert "2 parenting sessions reaching 100 parent workers" in text
        # the charts: bars drawn here (no script, no outside asset), each with its number in text
        assert 'class="chart"' in r.text and "<script" not in r.text.split("<main")[1].split("</main>")[0]
        assert "3 of 3 sessions delivered" in text and "2 of 2 sessions delivered" in text
        assert "People reached" in text and "bd-pr-1 Garments 114" in text  # by name; 14 managers + 100 parents
        # milestones of the work plan, and the cascade: m3 trained in the ToT led a parenting session
        assert "Trainers trained" in text and "Kick-off" in text
        assert "m3 (bd-pr-1 Garments) sessions: 1, attendances: 50" in text
        assert f"/bd/plans/{plan_id}" in r.text
        # one factory's page: its statements and its cascade
        text = visible((await b.get("/bd/progress", params={"factory": "bd-pr-1"})).text)
        assert "3 trainings of trainers delivered to 14 managers" in text
        assert "Sessions led by the factories' own trainers: 1, with 50 attendances." in text
        r = await b.get("/bd/progress", params={"factory": "bd-nothing"})
        assert r.status_code == 200 and "3 trainings of trainers" not in r.text
        assert (await b.get("/vn/progress")).status_code == 404


async def test_reports_download_through_the_proxy_in_the_readers_language(console_stack: ConsoleStack):
    await seed.cycle(console_stack, "bd", "bd-pr-2")
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        page = (await b.get("/bd/reports")).text
        assert "bd-pr-2" in page
        links = re.findall(r'href="(/api/evaluation/bd/reports/factories/bd-pr-2\.[a-z]+(?:\?lang=[a-z]+)?)"', page)
        assert {f"/api/evaluation/bd/reports/factories/bd-pr-2.{fmt}?lang={lang}" for fmt in ("pdf", "html")
                for lang in ("en", "zh", "bn", "vi", "tr")} <= set(links)
        assert "/api/evaluation/bd/reports/factories/bd-pr-2.csv" in links
        pdf = await b.get("/api/evaluation/bd/reports/factories/bd-pr-2.pdf?lang=bn")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
        assert pdf.headers["content-language"] == "bn"
        csv = await b.get("/api/evaluation/bd/reports/factories/bd-pr-2.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        # one factory's impact
        r = await b.get("/bd/reports", params={"factory": "bd-pr-2"})
        assert r.status_code == 200 and "bd-pr-2" in r.text
    console_stack.account("mai", countries=("vn",))
    async with signed_in(console_stack, "mai") as b:
        assert (await b.get("/bd/reports")).status_code == 404
        assert (await b.get("/api/evaluation/bd/reports/factories/bd-pr-2.pdf")).status_code in (403, 404)


async def test_a_buyer_sees_its_own_portfolio_read_only_and_another_buyers_is_missing(console_stack: ConsoleStack):
    await seed.cycle(console_stack, "bd", "bd-pr-3", buyer="Otto Group")
    console_stack.account("otto", role="buyer", countries=(), buyer="Otto Group")
    async with signed_in(console_stack, "otto") as b:
        home = await b.get("/")
        assert home.status_code == 303 and home.headers["location"] == "/buyers/Otto%20Group"
        r = await b.get(home.headers["location"])
        assert r.status_code == 200, r.text
        text = visible(r.text)
        assert "Portfolio of Otto Group" in text and "Factories covered" in text
        assert "<form" not in r.text.split("<main")[1]  # read-only: nothing to send
        figures = (await b.get("/api/buyers/buyers/Otto%20Group/portfolio")).json()["figures"]
        for f in figures:  # never more than the buyer's API gives: a withheld figure stays withheld
            if f["value"] is None:
                assert f"{f['label']} –" in text
        for fmt, media in (("csv", "text/csv"),
                           ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
            assert f"/api/buyers/buyers/Otto%20Group/exports/portfolio.{fmt}" in r.text
            x = await b.get(f"/api/buyers/buyers/Otto%20Group/exports/portfolio.{fmt}")
            assert x.status_code == 200 and x.headers["content-type"].startswith(media), x.text[:300]
        assert "bd-pr-3" in (await b.get("/api/buyers/buyers/Otto%20Group/exports/portfolio.csv")).text
        assert "/api/evaluation/buyers/Otto%20Group/report.pdf?lang=bn" in r.text
        # another buyer, and a country's pages: as if they did not exist
        assert (await b.get("/buyers/Hasbro")).status_code == 404
        assert (await b.get("/buyers/Nobody%20Inc")).status_code == 404
        assert (await b.get("/bd/progress")).status_code == 404
        assert (await b.get("/bd/plans")).status_code == 404
