"""Reports as people see them, and impact figures that do not depend on the
order in which the services' events arrive.

- The HTML report rendered in headless Chromium (Debian's chromium) shows
  the expected figures; the PDF, rendered to PNG with PDFium, has them too,
  and its charts are drawn.
- The same events fed to the evaluation projections in two different
  interleavings across services give the same tables and the same impact."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2

from services.evaluation.impact import load_rows, portfolio
from services.evaluation.projections import projections
from shared.messaging.replay import replay
from shared.projections import ProjectionRunner
from shared.store.database import Database
from tests.evaluation.conftest import Stack, endline

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHART_BLUE = (11, 93, 122)  # the reports' endline colour, #0b5d7a


async def _evaluated(stack: Stack) -> str:
    plan_id = await stack.cycle("bd", "F1")
    e = stack.evaluation
    assert (await e.post(f"/bd/evaluations/{plan_id}/endline", json=endline())).status_code == 200
    assert (await e.post(f"/bd/evaluations/{plan_id}/evaluate")).status_code == 200
    assert (await e.post(f"/bd/evaluations/{plan_id}/sustainability", json={
        "workshop_on": "2026-10-20", "participants": 14,
        "practices": [{"practice": "Child friendly space every summer", "owner": "HR manager",
                       "due": "2027-07-01"}]})).status_code == 200
    await stack.settled()
    return plan_id


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "chromium is needed for the report tests (make test installs Debian's chromium)"
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


async def test_the_report_in_chromium_and_as_pdf_shows_the_figures(stack: Stack, tmp_path):
    await _evaluated(stack)
    e = stack.evaluation
    page = tmp_path / "report.html"
    page.write_text((await e.get("/bd/reports/factories/F1.html")).text, encoding="utf-8")
    dom = _chromium(tmp_path / "chromium-profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    for text in ("WeCare impact report: F1 Garments", "Retention (%)", "88.5%", "Turnover (%)",
                 "Child friendly space every summer", "Attendances by role"):
        assert text in dom.stdout, text
    assert dom.stdout.count('class="bars chart"') >= 3  # KPIs, baseline/endline rates, attendances by role
    shot = tmp_path / "report.png"
    _chromium(tmp_path / "chromium-profile", f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000

    r = await e.get("/bd/reports/factories/F1.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(r.content)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for figure in ("F1 Garments", "88.5%", "Retention (%)", "Child friendly space every summer"):
        assert figure in text, figure
    image = pdf[0].render(scale=1.5).to_pil().convert("RGB")
    image.save(tmp_path / "report-page-1.png")
    px = image.tobytes()
    blue = sum(1 for i in range(0, len(px), 3)
               if all(abs(px[i + j] - CHART_BLUE[j]) < 20 for j in range(3)))
    assert blue > 500, "the baseline/endline chart is drawn on the first page"
    csv_lines = (await e.get("/buyers/Otto Group/report.csv")).text.splitlines()
    assert csv_lines[0] == "scope,key,label,value,unit,suppressed,sources"
    assert any(line.startswith("all,impact.retention_rate.endline,") for line in csv_lines)


async def test_the_same_events_in_another_order_give_the_same_impact(stack: Stack, tmp_path):
    await _evaluated(stack)
    svc = stack.evaluation_service
    by_context = {}
    for ctx in ("assessment", "planning", "delivery"):
        by_context[ctx] = [env async for env in replay(svc.js(), ctx, ["bd", "vn"])]
    by_context["evaluation"] = [env async for env in svc.store.read_all()]
    assert all(by_context.values())

    def interleave(order: list[str], reverse_streams: bool) -> list:
        """Every stream in its own order; streams and services mixed differently."""
        streams: dict[str, list] = {}
        for ctx in order:
            for env in by_context[ctx]:
                streams.setdefault(env.stream_id, []).append(env)
        keys = sorted(streams, reverse=reverse_streams)
        out, i = [], 0
        while any(streams[k] for k in keys):  # round robin over the streams
            k = keys[i % len(keys)]
            if streams[k]:
                out.append(streams[k].pop(0))
            i += 1
        return out

    results = []
    for n, (order, rev) in enumerate(((["assessment", "planning", "delivery", "evaluation"], False),
                                      (["evaluation", "delivery", "planning", "assessment"], True))):
        db = Database(f"sqlite+aiosqlite:///{tmp_path}/order-{n}.db")
        from services.evaluation.projections import metadata

        await db.create_all(metadata)
        runners = [ProjectionRunner(p, db) for p in projections()]
        envs = interleave(order, rev)
        for r in runners:
            async with db.write() as conn:
                await r.apply_envelopes(conn, [e for e in envs if r.projection.handles(e)])
        snapshot = {r.name: await r.fingerprint() for r in runners}
        async with db.read() as conn:
            impact = portfolio(await load_rows(conn, country="bd"))
        results.append((snapshot, impact))
        await db.dispose()
    assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]
    assert results[0][1]["factories"][0]["evaluated"] is True
