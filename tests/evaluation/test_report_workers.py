"""Reports are drawn off the event loop (services/evaluation/rendering.py):
while two PDFs are drawn, the evaluation service answers /health as fast as
when idle (p99 under 100 ms; drawn on the loop it waited for the whole PDF);
a third report beyond the workers and the queue answers 503 with
Retry-After; stopping the service stops the workers at once, a busy one too,
and a service killed outright leaves no worker behind."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import eventually
from tests.evaluation.conftest import Stack
from tests.evaluation.test_reports_and_order import _evaluated
from tests.harness import serve_services, serving, settings_for

pytestmark = pytest.mark.slow


@pytest.fixture
async def stack(nats_server, tmp_path) -> AsyncIterator[Stack]:
    """The four services, the evaluation's report workers two, and no queue beyond them."""
    async with AsyncExitStack() as es:
        clients = await serve_services(es, ["assessment", "planning", "delivery", "evaluation"], nats_server.url,
                                       str(tmp_path), report_workers=2, report_queue=0)
        yield Stack(clients["assessment"][1], clients["planning"][1], clients["delivery"][1],
                    clients["evaluation"][1], clients["evaluation"][0])


def _p99(ms: list[float]) -> float:
    s = sorted(ms)
    return s[min(len(s) - 1, round(0.99 * (len(s) - 1)))]


async def _health_ms(c, until) -> list[float]:  # noqa: ANN001
    """/health, one after another 10 ms apart, until `until()` (once at least): each one's time in ms, as
    a client outside the event loop sees it. The service and this test's client share the loop, so asked
    from the loop itself a request would only start once the loop is free again: the thread's clock runs
    while the loop is held, and includes the wait."""
    loop = asyncio.get_running_loop()

    def ask() -> list[float]:
        out: list[float] = []
        while not out or not until():
            t = time.perf_counter()
            assert asyncio.run_coroutine_threadsafe(c.get("/health"), loop).result(120).status_code == 200
            out.append(1000 * (time.perf_counter() - t))
            time.sleep(0.01)
        return out

    return await asyncio.to_thread(ask)


async def test_health_answers_while_two_pdfs_are_drawn(stack: Stack) -> None:
    await _evaluated(stack)
    e = stack.evaluation
    pdfs = ("/bd/reports/factories/F1.pdf", "/buyers/Otto Group/report.pdf")
    solo_until = time.monotonic() + 2.0
    solo = await _health_ms(e, lambda: time.monotonic() > solo_until)
    t = time.perf_counter()
    # the service's first reports: its two workers start, load WeasyPrint and draw
    drawing = [asyncio.ensure_future(e.get(p)) for p in pdfs]
    asked = asyncio.ensure_future(_health_ms(e, lambda: all(d.done() for d in drawing)))
    await eventually(lambda: stack.evaluation_service.renderer.drawing == 2, timeout=60, interval=0.01)
    third = await e.get(pdfs[1])  # the two workers are busy and the queue holds none
    loaded = await asked
    both_s = time.perf_counter() - t
    print(f"\nreport workers: two PDFs at once (the workers' start included) {both_s:.2f} s; /health solo "
          f"p99 {_p99(solo):.1f} ms max {max(solo):.1f} ms ({len(solo)} asked), while two PDFs render "
          f"p99 {_p99(loaded):.1f} ms max {max(loaded):.1f} ms ({len(loaded)} asked)")
    for d in drawing:
        r = d.result()
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text[:300]
    assert len(loaded) >= 5, loaded  # /health was asked while they rendered
    # the issue's bar, 100 ms; on a machine other work keeps busy, twice what /health took there alone
    assert _p99(loaded) < max(100.0, 2 * _p99(solo)), (solo, loaded)

    assert third.status_code == 503, third.text
    assert third.json()["reason"] == "busy" and int(third.headers["Retry-After"]) >= 1
    assert (await e.get("/buyers/Otto Group/report.html")).status_code == 200  # once they are done, drawn


@pytest.mark.unit
async def test_stopping_the_service_stops_its_workers_busy_or_not(tmp_path) -> None:  # noqa: ANN001
    from services.evaluation.service import create_service
    from shared.unavailable import Unavailable

    svc = create_service(settings_for("evaluation", "nats://127.0.0.1:1", str(tmp_path), log_level="ERROR"))
    empty = {"figures": [], "factories": []}
    page = {"kind": "portfolio", "subject": "T", "country": None, "names": {}, "assets": []}
    # a journey of 4,000 steps: seconds of drawing
    steps = [{"factory_id": "F", "occurred_at": datetime.now(UTC), "step": f"step {i}", "summary": "x" * 80}
             for i in range(4000)]
    async with serving(svc, wait_messaging=False):
        drawing = asyncio.ensure_future(svc.renderer.render("pdf", empty, **{**page, "journey": steps}))
        await eventually(lambda: svc.renderer.pids, timeout=10, interval=0.01)
        workers = svc.renderer.pids
        await asyncio.sleep(0.5)  # the worker loads WeasyPrint, then draws: busy either way
        assert not drawing.done()
        t = time.perf_counter()
    stop_s = time.perf_counter() - t
    print(f"\nstop with a report being drawn: {stop_s:.2f} s")
    assert stop_s < 5
    for pid in workers:  # gone, not orphaned
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(Unavailable):  # the report's request is told to come back
        await drawing


SERVICE_KILLED = """
import asyncio
from services.evaluation.rendering import Renderer

async def main():
    r = Renderer(2, 0)
    page = {"kind": "portfolio", "subject": "T", "country": None, "names": {}, "assets": [], "journey": []}
    drawing = [asyncio.ensure_future(r.render("pdf", {"figures": [], "factories": []}, **page)) for _ in range(2)]
    await asyncio.sleep(0.1)
    print(*r.pids, flush=True)
    await asyncio.gather(*drawing)
    await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.mark.unit
def test_workers_end_with_a_killed_service() -> None:
    """SIGKILL leaves no stop hook to run: the workers notice their service is gone and end."""
    root = Path(__file__).resolve().parents[2]
    service = subprocess.Popen([sys.executable, "-c", SERVICE_KILLED], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        workers = [int(p) for p in service.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(workers) == 2, workers
    finally:
        service.kill()
        service.wait()

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    deadline = time.monotonic() + 60
    while not all(gone(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(gone(p) for p in workers), [p for p in workers if not gone(p)]
