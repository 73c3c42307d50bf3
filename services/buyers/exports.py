# ruff: noqa: E501 - the OOXML parts below are long lines of fixed XML
"""A buyer's portfolio as CSV and XLSX, streamed.

Rows are read in keyset pages (a short read per page, no long transaction)
and written as they come: the response starts at once and memory stays flat
whatever the number of rows. The XLSX is a zip streamed by `stream-zip`
(ZIP64, data descriptors), with the sheet's XML written row by row (inline
strings, so no shared-strings table grows in memory); its second sheet holds
the pooled figures, accumulated while the rows streamed."""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select, tuple_
from stream_zip import ZIP_64, async_stream_zip

from services.buyers.projections import portfolio
from shared.contracts.figures import FIGURES, PEOPLE, FactoryFigures, Pool, too_few
from shared.store.database import Database

PAGE = 2000
COLUMNS = FactoryFigures.columns()
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


async def raw_rows(db: Database, buyer: str, countries: Sequence[str] | None) -> AsyncIterator[dict[str, Any]]:
    """The buyer's portfolio rows, unsuppressed, ordered by (country, factory, programme)."""
    p = portfolio.c
    after: tuple[str, str, str] | None = None
    while True:
        q = select(portfolio).where(p.buyer == buyer)
        if countries is not None:
            q = q.where(p.country.in_(list(countries)))
        if after is not None:
            q = q.where(tuple_(p.country, p.factory_id, p.programme_id) > after)
        q = q.order_by(p.country, p.factory_id, p.programme_id).limit(PAGE)
        async with db.read() as conn:
            page = (await conn.execute(q)).all()
        for r in page:
            yield r
        if len(page) < PAGE:
            return
        last = page[-1]
        after = (last.country, last.factory_id, last.programme_id)


_AT = [list(portfolio.c.keys()).index(c) for c in COLUMNS[:-1]]  # the row's index of each column
_PEOPLE_AT = [(COLUMNS.index(k), k) for k in PEOPLE]


def values(row: Any) -> list[Any]:
    """A portfolio row as the exports show it (FactoryFigures' columns, people
    figures under 5 blanked): plain values by index, no model or dict per row."""
    out = [row[i] for i in _AT]
    hidden = []
    for i, k in _PEOPLE_AT:
        if too_few(out[i]):
            out[i] = None
            hidden.append(k)
    out.append(hidden)
    return out


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(v)
    s = str(v)
    return "'" + s if s.startswith(FORMULA_START) and not _number(s) else s  # no formulas in a spreadsheet


def _number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


async def csv_stream(rows: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    n = 0
    async for r in rows:
        w.writerow([_cell(v) for v in values(r)])
        n += 1
        if n % 500 == 0:
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


# -- XLSX -------------------------------------------------------------------------

def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


LETTERS = [_col(i) for i in range(len(COLUMNS))]

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Portfolio" sheetId="1" r:id="rId1"/><sheet name="Figures" sheetId="2" r:id="rId2"/></sheets>
</workbook>"""
WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_END = b"</sheetData></worksheet>"


def _xml_row(n: int, values: list[Any]) -> str:
    cells = []
    for letter, v in zip(LETTERS, values, strict=False):
        if v is None:
            continue
        ref = f"{letter}{n}"
        if isinstance(v, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, int | float):  # (dates go as ISO text, like the CSV)
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            text = ";".join(v) if isinstance(v, list) else str(v)
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>')
    return f'<row r="{n}">{"".join(cells)}</row>'


async def _portfolio_sheet(rows: AsyncIterator[Any], pool: Pool) -> AsyncIterator[bytes]:
    yield SHEET_START + _xml_row(1, list(COLUMNS)).encode()
    parts: list[str] = []
    n = 1
    async for r in rows:
        pool.add(r._mapping)
        n += 1
        parts.append(_xml_row(n, values(r)))
        if len(parts) >= 500:
            yield "".join(parts).encode()
            parts.clear()
    yield "".join(parts).encode() + SHEET_END


async def _figures_sheet(pool: Pool) -> AsyncIterator[bytes]:
    values = pool.result()
    rows = [_xml_row(1, ["key", "label", "value", "unit", "definition"])]
    for i, (k, f) in enumerate(FIGURES.items(), start=2):
        rows.append(_xml_row(i, [k, f.label, values.get(k), f.unit, f.definition]))
    yield SHEET_START + "".join(rows).encode() + SHEET_END


async def _const(b: bytes) -> AsyncIterator[bytes]:
    yield b


async def xlsx_stream(rows: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    pool = Pool()
    at = datetime.now(UTC).replace(tzinfo=None)

    async def members():  # noqa: ANN202
        for name, body in (("[Content_Types].xml", _const(CONTENT_TYPES)), ("_rels/.rels", _const(ROOT_RELS)),
                           ("xl/workbook.xml", _const(WORKBOOK)), ("xl/_rels/workbook.xml.rels", _const(WORKBOOK_RELS)),
                           ("xl/styles.xml", _const(STYLES)),
                           ("xl/worksheets/sheet1.xml", _portfolio_sheet(rows, pool))):
            yield name, at, 0o600, ZIP_64, body
        yield "xl/worksheets/sheet2.xml", at, 0o600, ZIP_64, _figures_sheet(pool)

    # deflate level 1: a tenth of level 9's time (the default), and the sheets' XML still shrinks ~8 times
    async for chunk in async_stream_zip(members(), get_compressobj=lambda: zlib.compressobj(1, zlib.DEFLATED, -15)):
        yield chunk
