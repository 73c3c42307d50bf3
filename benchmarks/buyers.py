"""A buyer's portfolio export at size: 1,000,000 rows as CSV and as XLSX,
streamed by the buyers service as a real uvicorn process, read by a client
that keeps nothing. Prints rows/s, time to first byte, bytes, and the
server's resident memory at the first byte and at its peak (sampled from
/proc every 50 ms), next to the raw ceiling measured in the same run: the
same rows read with the sqlite3 driver and written with the csv module to
nowhere, in one process.

Slow receiver isolation (--isolation): the buyers service as a process sends
webhooks to a receiver in this process; one buyer's endpoints register with
its whole feed queued, one after the other, alone and while another buyer's
endpoints hang until the service's timeout (rounds alternated, so the
machine's load weighs on both alike). Prints p50/p99 from registration to
each record's arrival, both ways.

    .venv/bin/python -m benchmarks.buyers [--rows 1000000]
    .venv/bin/python -m benchmarks.buyers --isolation [--hanging 4] [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import sqlite3
import tempfile
import threading
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import httpx

from shared.auth import issue, local_keys
from wecare.launcher import ServiceProcess
from wecare.natsserver import NatsServer, provision

BUYER = "Bench Brand"


def schema(db_path: Path) -> None:
    """The buyers service's database at its schema's head, made as the service
    makes it (its Alembic history), so that the service starting on it later
    finds it current (a database with tables but no revision is taken for
    one made before migrations, and upgraded from the baseline)."""
    from concurrent.futures import ThreadPoolExecutor

    from services.buyers.service import MIGRATIONS
    from shared.migrations import upgrade
    from shared.store.database import Database

    async def made() -> None:
        db = Database(f"sqlite+aiosqlite:///{db_path}")
        try:
            await upgrade(db, MIGRATIONS, "buyers")
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as run:  # its own event loop, whether or not the caller runs one
        run.submit(asyncio.run, made()).result()


def fill(db_path: Path, rows: int) -> None:
    """The buyers service's tables, with `rows` portfolio rows of one buyer."""
    schema(db_path)
    con = sqlite3.connect(db_path)
    start = date(2026, 2, 1)

    def gen():  # noqa: ANN202
        for i in range(rows):
            reached = (i * 7) % 120
            female = reached * 2 // 3
            yield (BUYER, ("bd", "cn", "tr", "vn")[i % 4], f"F{i:07d}", f"p{i % 20}", f"Factory {i} Ltd",
                   (start + timedelta(days=i % 90)).isoformat(), (start + timedelta(days=30 + i % 90)).isoformat(),
                   None, i % 9, i % 4, reached, female, reached - female, 80.0 + i % 10, 85.5 + i % 10, 5.5)

    con.executemany("INSERT INTO buyers_portfolio (buyer, country, factory_id, programme_id, factory_name, "
                    "assessed_on, plan_approved_on, closed_on, sessions_delivered, trainings_delivered, "
                    "workers_reached, workers_reached_female, workers_reached_male, retention_baseline, "
                    "retention_endline, retention_change) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", gen())
    con.commit()
    con.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler:
    """The peak resident memory of a process, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def export(url: str, token: str, fmt: str, pid: int, sink: Path | None = None) -> dict[str, float]:
    """Stream one export; the client counts bytes (and keeps the XLSX on disk if `sink`)."""
    t0 = time.perf_counter()
    first = rss0 = 0.0
    size = 0
    out = open(sink, "wb") if sink else None  # noqa: SIM115
    with Sampler(pid) as s, httpx.stream("GET", f"{url}/buyers/{BUYER}/exports/portfolio.{fmt}",
                                         headers={"Authorization": f"Bearer {token}"}, timeout=600) as r:
        r.raise_for_status()
        for chunk in r.iter_bytes(1 << 16):
            if not first:
                first, rss0 = time.perf_counter() - t0, rss_mb(pid)
            size += len(chunk)
            if out:
                out.write(chunk)
    if out:
        out.close()
    return {"seconds": time.perf_counter() - t0, "first_byte_s": first, "bytes": size, "rss_first_mb": rss0,
            "rss_peak_mb": s.peak}


def csv_rows(url: str, token: str) -> int:
    """The CSV read back with the standard library as it streams: its data rows."""
    with httpx.stream("GET", f"{url}/buyers/{BUYER}/exports/portfolio.csv",
                      headers={"Authorization": f"Bearer {token}"}, timeout=600) as r:
        lines = (line for line in r.iter_lines())
        reader = csv.reader(lines)
        next(reader)
        return sum(1 for _ in reader)


def xlsx_rows(path: Path) -> int:
    """Rows of the XLSX's portfolio sheet, counted in the zip as it decompresses."""
    n, tail = 0, b""
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            n += data.count(b"<row ")
            tail = data[-8:]
            n -= tail.count(b"<row ")  # counted again with the next chunk
    return n + tail.count(b"<row ")


def raw_ceiling(db_path: Path) -> float:
    """Rows/s of the sqlite3 driver reading the rows and the csv module writing them to nowhere."""
    con = sqlite3.connect(db_path)
    t0 = time.perf_counter()
    w = csv.writer(io.StringIO())
    n = 0
    for row in con.execute("SELECT * FROM buyers_portfolio WHERE buyer = ? ORDER BY country, factory_id, "
                           "programme_id", (BUYER,)):
        w.writerow(row)
        n += 1
    con.close()
    return n / (time.perf_counter() - t0)


class ExportStack:
    """nats-server and the buyers service as a process, on a data dir filled with `rows` rows."""

    def __init__(self, rows: int, data_dir: Path) -> None:
        self.rows, self.dir = rows, data_dir
        self.nats = NatsServer(store_dir=data_dir / "nats")
        self.svc: ServiceProcess | None = None

    def __enter__(self) -> ExportStack:
        fill(self.dir / "buyers.db", self.rows)
        self.nats.start()
        provision(self.nats.url)  # the streams: a service only checks them
        key, jwks = local_keys(self.dir / "keys")
        self.token = issue(key, role="buyer", buyer=BUYER, subject="bench")
        self.svc = ServiceProcess("buyers", {"WECARE_DATA_DIR": str(self.dir), "WECARE_NATS_URL": self.nats.url,
                                             "WECARE_AUTH_JWKS_FILE": str(jwks), "WECARE_LOG_LEVEL": "WARNING"},
                                  log_path=self.dir / "buyers.log").start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.svc:
            self.svc.terminate()
        self.nats.stop()

    @property
    def pid(self) -> int:
        assert self.svc and self.svc.proc
        return self.svc.proc.pid


# -- slow receiver isolation ------------------------------------------------------------------

OTHER, HANGING = "Bench Brand", "Hanging Brand"


HANG_FACTORIES = 8  # each hanging endpoint holds this many queues (the service's default slots per endpoint)


def fill_feed(db_path: Path, factories: int, per_factory: int) -> int:
    """The buyers service's tables with a feed: OTHER's records over `factories` factories, HANGING's over
    HANG_FACTORIES."""
    schema(db_path)
    con = sqlite3.connect(db_path)
    rows = [(buyer, f"{buyer[:1]}-{f}-{i}", "org.wecare.bench.v1", "bd", f"F{f}", "p", '{"data":{}}')
            for buyer, fs in ((OTHER, factories), (HANGING, HANG_FACTORIES))
            for f in range(fs) for i in range(per_factory)]
    con.executemany("INSERT INTO buyers_feed (buyer, ce_id, type, country, factory_id, programme_id, record) "
                    "VALUES (?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    return factories * per_factory


class Receiver:
    """POST /<name> on loopback: an arrival time per request, or no answer for `hang_s` on the paths in `hang`."""

    def __init__(self, hang_s: float) -> None:
        import uvicorn
        from starlette.applications import Starlette
        from starlette.responses import Response
        from starlette.routing import Route

        from wecare.natsserver import free_port

        self.hang: set[str] = set()
        self.hang_s, self.hanging, self.released = hang_s, 0, 0
        self.arrived: dict[str, list[float]] = {}
        self.port = free_port()

        async def handle(request):  # noqa: ANN001, ANN202
            name = request.path_params["name"]
            await request.body()
            if name in self.hang:
                self.hanging += 1
                until, released = time.monotonic() + self.hang_s, self.released
                try:
                    while time.monotonic() < until and self.released == released:  # noqa: ASYNC110 - set by another thread
                        await asyncio.sleep(0.02)
                finally:
                    self.hanging -= 1
                return Response(status_code=503)
            self.arrived.setdefault(name, []).append(time.monotonic())
            return Response(status_code=204)

        app = Starlette(routes=[Route("/{name}", handle, methods=["POST"])])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off", timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def release(self) -> None:
        """Hanging requests answer now (503), and those to come no longer hang."""
        self.hang = set()
        self.released += 1
        wait_for(lambda: self.hanging == 0)

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.server.should_exit = True
        self.thread.join(timeout=10)


def wait_for(cond, timeout: float = 60) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("the deliveries did not arrive in time")
        time.sleep(0.002)


def isolation(rounds: int, hanging: int, factories: int, per_factory: int, timeout_s: float) -> None:
    with tempfile.TemporaryDirectory() as d, Receiver(hang_s=timeout_s + 1) as rx:
        data = Path(d)
        records = fill_feed(data / "buyers.db", factories, per_factory)
        nats = NatsServer(store_dir=data / "nats")
        nats.start()
        key, jwks = local_keys(data / "keys")
        svc = ServiceProcess("buyers", {"WECARE_DATA_DIR": d, "WECARE_NATS_URL": nats.url,
                                        "WECARE_AUTH_JWKS_FILE": str(jwks), "WECARE_LOG_LEVEL": "WARNING",
                                        "WECARE_WEBHOOK_ALLOW_HOSTS": f"127.0.0.1:{rx.port}",
                                        "WECARE_WEBHOOK_TIMEOUT_S": str(timeout_s)},
                             log_path=data / "buyers.log").start()
        try:
            tokens = {b: {"Authorization": f"Bearer {issue(key, role='buyer', buyer=b, subject='bench')}"}
                      for b in (OTHER, HANGING)}
            http = httpx.Client(base_url=svc.url, timeout=30)

            def register(buyer: str, name: str) -> str:
                r = http.post(f"/buyers/{buyer}/webhooks", headers=tokens[buyer],
                              json={"url": f"http://127.0.0.1:{rx.port}/{name}", "start": "beginning"})
                r.raise_for_status()
                return r.json()["endpoint_id"]

            def disable(buyer: str, eid: str) -> None:
                http.delete(f"/buyers/{buyer}/webhooks/{eid}", headers=tokens[buyer]).raise_for_status()

            def recorded(eid: str) -> int:
                """The endpoint's deliveries with an attempt recorded."""
                r = http.get(f"/buyers/{HANGING}/webhooks/{eid}/deliveries", headers=tokens[HANGING])
                return sum(1 for i in r.json()["items"] if i["attempts"])

            def one_round(name: str) -> list[float]:
                t0 = time.monotonic()
                eid = register(OTHER, name)
                wait_for(lambda: len(rx.arrived.get(name, [])) >= records)
                disable(OTHER, eid)
                return [t - t0 for t in rx.arrived[name]]

            one_round("warm-up")  # connections, caches: in neither figure
            alone: list[float] = []
            beside: list[float] = []
            for k in range(rounds):
                alone += one_round(f"alone{k}")
                rx.hang = {f"hang{k}-{i}" for i in range(hanging)}
                hung = [register(HANGING, n) for n in sorted(rx.hang)]
                wait_for(lambda: rx.hanging >= hanging * HANG_FACTORIES)
                beside += one_round(f"beside{k}")
                for eid in hung:
                    disable(HANGING, eid)
                rx.release()
                wait_for(lambda h=hung: all(recorded(e) >= HANG_FACTORIES for e in h))  # written before the next
            print(f"slow receiver isolation (buyers service process, SQLite): {OTHER}'s {records} records over "
                  f"{factories} factories, queued at an endpoint's registration, {rounds} endpoints each way; "
                  f"{hanging} endpoints of {HANGING} ({HANG_FACTORIES} factories' queues each) at a receiver that "
                  f"answers nothing until the {timeout_s:g} s timeout")
            for label, xs in (("alone", alone), (f"beside {hanging} hanging endpoints", beside)):
                xs.sort()
                p50, p99 = xs[len(xs) // 2], xs[min(len(xs) - 1, round(0.99 * (len(xs) - 1)))]
                print(f"  {label:<34} p50 {p50 * 1000:6.0f} ms   p99 {p99 * 1000:6.0f} ms   ({len(xs)} deliveries)")
        finally:
            svc.terminate()
            nats.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--isolation", action="store_true", help="the slow receiver isolation figure instead")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--hanging", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=10.0, help="the service's webhook timeout, seconds")
    a = ap.parse_args()
    if a.isolation:
        isolation(a.rounds, a.hanging, factories=4, per_factory=5, timeout_s=a.timeout)
        return
    with tempfile.TemporaryDirectory() as d, ExportStack(a.rows, Path(d)) as st:
        ceiling = raw_ceiling(Path(d) / "buyers.db")
        print(f"portfolio export of {a.rows:,} rows (buyers service process, SQLite), pid {st.pid}")
        print(f"  raw ceiling (sqlite3 + csv in one process): {ceiling:,.0f} rows/s")
        for fmt in ("csv", "xlsx"):
            sink = Path(d) / f"export.{fmt}" if fmt == "xlsx" else None
            m = export(st.svc.url, st.token, fmt, st.pid, sink)  # type: ignore[union-attr]
            print(f"  {fmt:<4}: {a.rows / m['seconds']:,.0f} rows/s ({a.rows / m['seconds'] / ceiling:.0%} of raw), "
                  f"{m['seconds']:.1f} s, first byte {m['first_byte_s'] * 1000:.0f} ms, "
                  f"{m['bytes'] / 2**20:,.1f} MiB; server RSS {m['rss_first_mb']:.0f} MiB at first byte, "
                  f"peak {m['rss_peak_mb']:.0f} MiB (+{m['rss_peak_mb'] - m['rss_first_mb']:.0f})")
            if sink:
                print(f"        rows in the sheet: {xlsx_rows(sink) - 1:,}")
                os.unlink(sink)


if __name__ == "__main__":
    main()
