"""A portfolio export of 1,000,000 rows, as CSV and as XLSX, from the buyers
service as a process: it finishes, every row is there, and the server's
memory stays flat (sampled from /proc while it streams). The XLSX's dates
are Excel dates, its header frozen and filtered over the million rows."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import httpx
import openpyxl
import pytest

from benchmarks.buyers import BUYER, ExportStack, Sampler, rss_mb, xlsx_rows

ROWS = 1_000_000
FLAT_MB = 64  # growth allowed from the first byte to the end: buffers, not rows


# about 90 s on a quiet machine; the suite's 180 s limit is for hangs, and this one is size
@pytest.mark.timeout(600)
def test_a_million_rows_stream_as_csv_and_xlsx_with_flat_memory(tmp_path: Path) -> None:
    with ExportStack(ROWS, tmp_path) as st:
        assert st.svc is not None
        headers = {"Authorization": f"Bearer {st.token}"}
        url = f"{st.svc.url}/buyers/{BUYER}/exports/portfolio"

        with Sampler(st.pid) as mem, httpx.stream("GET", f"{url}.csv", headers=headers, timeout=600) as r:
            assert r.status_code == 200
            lines = r.iter_lines()
            reader = csv.reader(lines)
            header = next(reader)
            start = rss_mb(st.pid)
            rows = 0
            for row in reader:
                rows += 1
                if rows == 1:
                    first = dict(zip(header, row, strict=True))
        assert rows == ROWS
        assert first["buyer"] == BUYER and first["factory_id"] == "F0000000"
        assert first["workers_reached"] == "" and first["suppressed"] == ";".join(
            ["workers_reached", "workers_reached_female", "workers_reached_male"])  # 0 people: blanked
        assert mem.peak - start < FLAT_MB, (start, mem.peak)

        sink = tmp_path / "export.xlsx"
        with Sampler(st.pid) as mem, httpx.stream("GET", f"{url}.xlsx", headers=headers, timeout=600) as r, \
                open(sink, "wb") as out:
            assert r.status_code == 200
            chunks = r.iter_bytes(1 << 16)
            out.write(next(chunks))
            start = rss_mb(st.pid)
            for chunk in chunks:
                out.write(chunk)
        assert mem.peak - start < FLAT_MB, (start, mem.peak)
        assert zipfile.ZipFile(sink).testzip() is None
        assert xlsx_rows(sink) == ROWS + 1  # and the header
        # every part as written but the million-row sheet cut to its first rows: openpyxl spent a minute
        # opening the whole workbook, even read-only, before it read the small Figures sheet
        wb = openpyxl.load_workbook(io.BytesIO(_first_rows_only(sink)), read_only=True)
        figures = {row[0]: row[2] for row in list(wb["Figures"].iter_rows(values_only=True))[1:]}
        assert figures["factories_covered"] == ROWS
        assert figures["sessions_delivered"] == sum(i % 9 for i in range(ROWS))
        sheet = wb["Portfolio"]
        header, row = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
        first = dict(zip(header, row, strict=True))  # a blank last cell is there: rows read whole
        assert (first["buyer"], first["country"], first["factory_id"], first["workers_reached"]) == (
            BUYER, "bd", "F0000000", None)
        assert (first["assessed_on"], first["plan_approved_on"], first["sessions_delivered"]) == (
            datetime(2026, 2, 1), datetime(2026, 3, 3), 0)  # typed: dates and numbers, not text
        with zipfile.ZipFile(sink) as z:
            assert f"Portfolio!$A$1:$T${ROWS + 1}".encode() in z.read("xl/workbook.xml")
            assert _tail(z, "xl/worksheets/sheet1.xml").endswith(
                f'</sheetData><autoFilter ref="A1:T{ROWS + 1}"/></worksheet>'.encode())
            assert b'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in _head(
                z, "xl/worksheets/sheet1.xml")


def _first_rows_only(path: Path) -> bytes:
    """The workbook cut down to its first rows (openpyxl reading a million rows would take minutes)."""
    with zipfile.ZipFile(path) as z:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for name in z.namelist():
                data = z.read(name) if name != "xl/worksheets/sheet1.xml" else _head(z, name)
                out.writestr(name, data)
        return buf.getvalue()


def _tail(z: zipfile.ZipFile, name: str) -> bytes:
    """The last bytes of a member, read as it decompresses (nothing kept)."""
    tail = b""
    with z.open(name) as f:
        while chunk := f.read(1 << 20):
            tail = (tail + chunk)[-200:]
    return tail


def _head(z: zipfile.ZipFile, name: str) -> bytes:
    with z.open(name) as f:
        data = f.read(1 << 16)
    cut = data.index(b'<row r="4"')
    return data[:cut] + b"</sheetData></worksheet>"
