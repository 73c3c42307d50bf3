"""Issue #21, the buyers' side: a factory's identifiers (OS ID, amfori,
Sedex) reach its buyers' feed as `org.wecare.factory.identified.v1` records
and the portfolio exports as columns after the v1 ones; the XLSX export has
real dates, numbers as numbers, a frozen header and filters (read back with
openpyxl). Projections and exports in process, no nats-server."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from typing import Any

import jsonschema
import openpyxl
import orjson
import pytest
from sqlalchemy import select

from services.buyers.exports import COLUMNS, csv_stream, raw_rows, xlsx_stream
from services.buyers.projections import BuyerFeed, feed, portfolio, render
from services.buyers.projections import metadata as feed_metadata
from shared.contracts.assessment import FactoryIdentifiersSet, FactoryRegistered
from shared.contracts.feed import TYPES, record_schema, schemas
from shared.contracts.figures import FactoryFigures
from shared.contracts.planning import ProgrammeCreated
from tests.given import Scenario

pytestmark = pytest.mark.unit

OTTO = "Otto Group"
IDENTIFIED = "org.wecare.factory.identified.v1"
OS_F1, OS_F2 = "BD2019303BQ3FZP", "BD2021011K7M2QX"
V1_COLUMNS = ["buyer", "programme_id", "country", "factory_id", "factory_name", "assessed_on", "plan_approved_on",
              "closed_on", "sessions_delivered", "trainings_delivered", "workers_reached", "workers_reached_female",
              "workers_reached_male", "retention_baseline", "retention_endline", "retention_change", "suppressed"]


def registered(fid: str, **ids: Any) -> FactoryRegistered:
    return FactoryRegistered(factory_id=fid, name=f"{fid} Garments", supplier="S", region="Dhaka", sector="garment",
                             buyers=[OTTO], headcount=500, **ids)


@pytest.fixture
async def app(tmp_path) -> Any:
    async def on_record(*_: Any) -> None:
        return None

    s = await Scenario.start(tmp_path, "buyers", {}, feed_metadata, projections=[BuyerFeed(on_record)])
    yield s
    await s.close()


async def records(app: Scenario, type_: str = IDENTIFIED) -> list[dict[str, Any]]:
    async with app.db.read() as conn:
        rows = (await conn.execute(select(feed.c.record, feed.c.position).where(feed.c.type == type_)
                                   .order_by(feed.c.position))).all()
    return [orjson.loads(render(r, "https://wecare.example.org")) for r in rows]  # as a buyer receives it


async def export(gen: Any) -> bytes:
    return b"".join([chunk async for chunk in gen])


async def test_identifiers_reach_the_feed_and_the_exports(app: Scenario) -> None:
    await app.given("factory-F1", "bd", registered("F1", os_id=OS_F1, sedex_id="ZS1234567"))
    await app.given("factory-F2", "bd", registered("F2"))  # none known: no record
    await app.given("programme-p1", "bd", ProgrammeCreated(
        programme_id="p1", name="Otto BD", buyer=OTTO, countries=["bd"], starts_on=date(2026, 1, 1),
        ends_on=date(2027, 1, 1), credits_per_factory=10, factories=["F1", "F2"], factories_total=2,
        price_per_factory=1000, currency="EUR", contract_value=2000, country_value=2000))
    [f1] = await records(app)  # the programme came after the registration: the record still reaches Otto
    assert (f1["subject"], f1["data"]["os_id"], f1["data"]["sedex_id"], f1["data"]["amfori_id"],
            f1["data"]["factory_name"], f1["data"]["programme_id"]) == (
        "factories/F1", OS_F1, "ZS1234567", None, "F1 Garments", "p1")
    await app.given("factory-F2", "bd", FactoryIdentifiersSet(factory_id="F2", os_id=OS_F2, amfori_id="156-012345-000"))
    _, f2 = await records(app)
    assert (f2["subject"], f2["data"]["os_id"], f2["data"]["amfori_id"]) == ("factories/F2", OS_F2, "156-012345-000")
    for r in (f1, f2):  # valid against the schema served at /feed/schemas
        jsonschema.validate(r, record_schema(IDENTIFIED))
    assert IDENTIFIED in TYPES and IDENTIFIED in schemas()

    # the portfolio rows and both exports: identifiers after the v1 columns (a reader by position is unaffected)
    assert COLUMNS == [*V1_COLUMNS, "os_id", "amfori_id", "sedex_id"] == FactoryFigures.columns()
    rows = list(csv.reader(io.StringIO((await export(csv_stream(raw_rows(app.db, OTTO, None)))).decode())))
    got = {r[3]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert (got["F1"]["os_id"], got["F1"]["sedex_id"], got["F1"]["amfori_id"]) == (OS_F1, "ZS1234567", "")
    assert (got["F2"]["os_id"], got["F2"]["amfori_id"]) == (OS_F2, "156-012345-000")
    wb = openpyxl.load_workbook(io.BytesIO(await export(xlsx_stream(raw_rows(app.db, OTTO, None)))))
    header, *data = list(wb["Portfolio"].iter_rows(values_only=True))
    by_id = {r[3]: dict(zip(header, r, strict=True)) for r in data}
    assert (by_id["F1"]["os_id"], by_id["F2"]["os_id"], by_id["F2"]["amfori_id"]) == (OS_F1, OS_F2, "156-012345-000")


async def test_the_xlsx_has_real_dates_numbers_a_frozen_header_and_filters(app: Scenario) -> None:
    base = {"buyer": OTTO, "country": "bd", "programme_id": "p1", "closed_on": None, "sessions_delivered": 3,
            "trainings_delivered": 2, "workers_reached": 40, "workers_reached_female": 25, "workers_reached_male": 15,
            "retention_baseline": 81.5, "retention_endline": 88.0, "retention_change": 6.5, "os_id": OS_F1,
            "amfori_id": None, "sedex_id": None}
    await app.given_rows(portfolio, {**base, "factory_id": "F1", "factory_name": "=HYPERLINK(\"x\")",
                                     "assessed_on": date(2026, 2, 1), "plan_approved_on": date(2026, 3, 15)},
                         {**base, "factory_id": "F2", "factory_name": "Ünïcode & <Co>", "assessed_on": None,
                          "plan_approved_on": date(1999, 12, 31), "workers_reached_male": 3, "os_id": None})
    body = await export(xlsx_stream(raw_rows(app.db, OTTO, None)))
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    workbook = zipfile.ZipFile(io.BytesIO(body)).read("xl/workbook.xml")  # the filter's range, as Excel names it
    assert b'localSheetId="0" hidden="1">Portfolio!$A$1:$T$3</definedName>' in workbook
    wb = openpyxl.load_workbook(io.BytesIO(body))
    ws = wb["Portfolio"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:T3"
    assert [c.value for c in ws[1]] == COLUMNS and all(c.font.b for c in ws[1])
    col = {name: i + 1 for i, name in enumerate(COLUMNS)}
    f1 = {name: ws.cell(row=2, column=i) for name, i in col.items()}
    f2 = {name: ws.cell(row=3, column=i) for name, i in col.items()}
    # dates: Excel dates (numbers under a date format), read back as the same days
    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    assert b'<c r="F2" s="1"><v>46054</v></c>' in sheet  # 2026-02-01 is day 46054 to Excel (not a text cell)
    assert f1["assessed_on"].data_type == "d" and f1["assessed_on"].is_date
    assert f1["assessed_on"].number_format == "yyyy-mm-dd"
    assert (f1["assessed_on"].value, f1["plan_approved_on"].value, f2["plan_approved_on"].value) == (
        datetime(2026, 2, 1), datetime(2026, 3, 15), datetime(1999, 12, 31))
    assert f2["assessed_on"].value is None and f1["closed_on"].value is None
    # numbers as numbers, a blanked figure (under 5) empty, text as text (a formula never evaluated)
    assert (f1["sessions_delivered"].value, f1["workers_reached"].value, f1["retention_change"].value) == (3, 40, 6.5)
    assert {f1[k].data_type for k in ("sessions_delivered", "workers_reached", "retention_baseline")} == {"n"}
    assert f2["workers_reached_male"].value is None and f2["suppressed"].value == "workers_reached_male"
    assert f1["factory_name"].data_type == "s" and f2["factory_name"].value == "Ünïcode & <Co>"
    assert f1["os_id"].value == OS_F1 and f2["os_id"].value is None
    # read row by row (openpyxl read-only, as pandas does): every row has every column, a blank last one too
    rows = list(openpyxl.load_workbook(io.BytesIO(body), read_only=True)["Portfolio"].iter_rows(values_only=True))
    assert [len(r) for r in rows] == [len(COLUMNS)] * 3 and rows[2][-3:] == (None, None, None)
    figures = wb["Figures"]
    assert figures.freeze_panes == "A2" and figures.auto_filter.ref == "A1:E11"
    assert {r[0]: r[2] for r in list(figures.iter_rows(values_only=True))[1:]}["sessions_delivered"] == 6


async def test_an_empty_portfolio_is_still_a_workbook_with_its_header(app: Scenario) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(await export(xlsx_stream(raw_rows(app.db, OTTO, None)))))
    ws = wb["Portfolio"]
    assert [c.value for c in ws[1]] == COLUMNS and ws.auto_filter.ref == "A1:T1" and ws.freeze_panes == "A2"
