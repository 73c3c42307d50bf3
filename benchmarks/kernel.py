"""Kernel benchmark: printed figures, each next to a ceiling measured in the
same run (not a timed test). Every figure is the median of alternating
rounds (ours, ceiling, ours, ...): this machine's fsync and scheduling vary
from second to second.

- appends/s on SQLite and PostgreSQL, 1, 4 and 16 concurrent writers, one
  event per command and batches of 10; ceiling: raw aiosqlite / asyncpg
  inserting the same rows with their outbox markers, one command a
  transaction, in as few driver calls as the driver allows (SQLite: BEGIN,
  one multi-row INSERT .. RETURNING, the outbox INSERT, COMMIT, one writer
  at a time; PostgreSQL: the rows through unnest, the outbox, a pool of one
  connection per writer and no lock, so its positions could commit out of
  order); peer: the `eventsourcing` library's application recorder, same
  database. On SQLite the ceiling makes four hops to aiosqlite's thread a
  command and ours one (its statements run on the event loop's thread under
  the write lock, sqlite_onehop.py), so ours can pass it; the peer, sqlite3
  on its caller's thread with no hop at all, is the one to beat there
- relay throughput to JetStream; ceiling: raw nats-py publish_async of the
  same bytes and headers (built before the clock starts), pipelined in the
  same batches
- projection catch-up through ProjectionRunner.submit, as the service's
  consumers run it; ceiling: raw nats-py pull fetch + ack, the same batch size
- peak memory while reading a long log with EventStore.read_all
- what the hash chain adds to an append: the same store with and without
  its link, interleaved

The process runs with the services' garbage-collector setting
(`shared.service.settle_heap`), ours and the ceilings alike.

    .venv/bin/python -m benchmarks.kernel [--quick] [--rounds N] [--log-events N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
import nats
import nats.js.errors
import orjson
import psutil

from benchmarks.common import pct, run_concurrently
from shared.messaging.jetstream import provision_streams, stream_name
from shared.messaging.relay import OutboxRelay
from shared.projections import ProjectionRunner
from shared.service import settle_heap
from shared.settings import Settings
from shared.store import Database, EventStore
from tests.kernel.helpers import noted, scheduled
from wecare.natsserver import NatsCluster, NatsServer, nats_server_binary
from wecare.sample import VisitBoard, metadata

PG_ADMIN = os.environ.get("WECARE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ROWS: list[list[str]] = []


def row(*cells: object) -> None:
    ROWS.append([str(c) for c in cells])


def flush(title: str, header: list[str]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in ROWS)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for r in ROWS:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    ROWS.clear()


# -- databases -------------------------------------------------------------------------

async def pg_create() -> str:
    name = f"wecare_bench_{uuid.uuid4().hex[:10]}"
    c = await asyncpg.connect(PG_ADMIN)
    await c.execute(f'CREATE DATABASE "{name}"')
    await c.close()
    return name


async def pg_drop(name: str) -> None:
    c = await asyncpg.connect(PG_ADMIN)
    await c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await c.close()


def pg_url(name: str, driver: str = "postgresql+asyncpg") -> str:
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql", driver, 1) + f"/{name}"


ROUNDS = 3
# every database and store of a run, made when the run starts and removed at its end (not at import:
# a script that imports a helper from here leaves nothing behind)
SCRATCH = str(Path(tempfile.gettempdir()) / f"wecare-bench-{os.getpid()}")


def events_for(i: int, batch: int) -> list:
    s = f"visit-{uuid.uuid4().hex}"
    return [scheduled(s)] + [noted(s, v) for v in range(2, batch + 1)]


Op = Callable[[int], Awaitable[None]]
Side = tuple[Op, Callable[[], Awaitable[None]]]  # command i, and closing


async def ours(url: str, total_cmds: int, batch: int) -> Side:
    db = Database(url)
    await db.create_all()
    store = EventStore(db, "sample")
    prepared = [events_for(i, batch) for i in range(total_cmds)]

    async def op(i: int) -> None:
        evs = prepared[i]
        await store.append(evs[0].stream_id, 0, evs)

    return op, db.dispose


async def interleaved(sides: dict[str, Side], total: int, writers: int, chunks: int) -> dict[str, tuple]:
    """Run each side's commands in `chunks` turns, alternating sides (and
    which goes first), so that both meet the same disk and the same
    neighbours: fsync time on a shared machine drifts by tens of per cent
    within a minute. Returns each side's (seconds, latencies)."""
    per = total // chunks
    out: dict[str, tuple[float, list[float]]] = {k: (0.0, []) for k in sides}
    names = list(sides)
    for c in range(chunks):
        for name in names if c % 2 == 0 else reversed(names):
            op = sides[name][0]
            secs, lat = await run_concurrently(per, writers, lambda i, op=op, base=c * per: op(base + i))
            out[name] = (out[name][0] + secs, out[name][1] + lat)
    for _, close in sides.values():
        await close()
    return out


def raw_rows(batch: int) -> list[tuple]:
    s = f"visit-{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    payload = orjson.dumps({"factory": "F1", "visit_date": "2026-03-01", "purpose": "advisory"}).decode()
    return [(uuid.uuid4(), s, v, "VisitScheduled", 2, "bd", now, now, "c", None, "bench", payload)
            for v in range(1, batch + 1)]


async def raw_sqlite(path: Path, total_cmds: int, batch: int) -> Side:
    """The ceiling on SQLite: aiosqlite used as well as it can be for this
    transaction: BEGIN IMMEDIATE, one multi-row INSERT .. RETURNING, one
    outbox INSERT, COMMIT (four hops to the connection's thread), one command
    a transaction, one writer at a time."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.create_all()  # the same tables
    await db.dispose()
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=FULL")
    lock = asyncio.Lock()
    prepared = [[x for r in raw_rows(batch) for x in (str(r[0]).replace("-", ""), *r[1:6], r[6].replace(tzinfo=None),
                                                      r[7].replace(tzinfo=None), *r[8:])]
                for _ in range(total_cmds)]
    values = ",".join(["(?,?,?,?,?,?,?,?,?,?,?,?)"] * batch)
    ins = ("INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, country, "
           f"occurred_at, recorded_at, correlation_id, causation_id, actor, payload) VALUES {values} "
           "RETURNING position")

    async def op(i: int) -> None:
        async with lock:  # one writer
            await conn.execute("BEGIN IMMEDIATE")
            positions = await conn.execute_fetchall(ins, prepared[i])
            await conn.executemany("INSERT INTO outbox (position) VALUES (?)", positions)
            await conn.execute("COMMIT")

    return op, conn.close


async def raw_pg(name: str, total_cmds: int, writers: int, batch: int) -> Side:
    db = Database(pg_url(name))
    await db.create_all()
    await db.dispose()
    pool = await asyncpg.create_pool(pg_url(name, "postgresql"), min_size=writers, max_size=writers)
    prepared = [raw_rows(batch) for _ in range(total_cmds)]
    ins = ("INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, country, "
           "occurred_at, recorded_at, correlation_id, causation_id, actor, payload) "
           "SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[], "
           "$7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::text[]) "
           "RETURNING position")

    async def op(i: int) -> None:
        cols = list(zip(*prepared[i], strict=True))
        async with pool.acquire() as c, c.transaction():
            positions = [r[0] for r in await c.fetch(ins, *[list(col) for col in cols])]
            await c.executemany("INSERT INTO outbox (position) VALUES ($1)", [(p,) for p in positions])

    return op, pool.close


def peer(recorder_factory: Callable[[], object], total_cmds: int, writers: int, batch: int) -> tuple[float, list]:
    from eventsourcing.persistence import StoredEvent

    rec = recorder_factory()
    rec.create_table()  # type: ignore[attr-defined]
    prepared = [[StoredEvent(originator_id=uuid.uuid4() if v == 1 else None, originator_version=v,  # type: ignore
                             topic="VisitScheduled", state=b'{"factory":"F1","visit_date":"2026-03-01"}')
                 for v in range(1, batch + 1)] for _ in range(total_cmds)]
    for evs in prepared:  # one originator per command
        oid = evs[0].originator_id
        evs[:] = [StoredEvent(oid, e.originator_version, e.topic, e.state) for e in evs]
    lat: list[float] = []
    it = iter(range(total_cmds))
    lock = threading.Lock()

    def w() -> None:
        while True:
            with lock:
                i = next(it, None)
            if i is None:
                return
            t = time.perf_counter()
            rec.insert_events(prepared[i])  # type: ignore[attr-defined]
            lat.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=w) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, lat


async def bench_appends(quick: bool) -> None:
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    n = 300 if quick else 1000
    for backend in ("sqlite", "postgres"):
        for batch in (1, 10):
            for writers in (1, 4, 16):
                chunks = 2 * ROUNDS
                cmds = max(n // batch, 100 if quick else 200)
                cmds -= cmds % chunks
                tmp = Path(tempfile.mkdtemp(dir=SCRATCH))
                names: list[str] = []
                try:
                    if backend == "sqlite":
                        sides = {"ours": await ours(f"sqlite+aiosqlite:///{tmp}/ours.db", cmds, batch),
                                 "raw": await raw_sqlite(tmp / "raw.db", cmds, batch)}
                    else:
                        names = [await pg_create() for _ in range(2)]
                        sides = {"ours": await ours(pg_url(names[0]), cmds, batch),
                                 "raw": await raw_pg(names[1], cmds, writers, batch)}
                    res = await interleaved(sides, cmds, writers, chunks)
                finally:
                    for nm in names:
                        await pg_drop(nm)
                o, r = res["ours"], res["raw"]
                tmp = Path(tempfile.mkdtemp(dir=SCRATCH))
                if backend == "sqlite":
                    p = await asyncio.to_thread(peer, lambda tmp=tmp: SQLiteApplicationRecorder(
                        SQLiteDatastore(str(tmp / "es.db"))), cmds, writers, batch)
                else:
                    nm = await pg_create()
                    try:
                        p = await asyncio.to_thread(peer, lambda nm=nm, w=writers: PostgresApplicationRecorder(
                            PostgresDatastore(nm, "127.0.0.1", 5432, "postgres", "", pool_size=w,
                                              max_overflow=0)), cmds, writers, batch)
                    finally:
                        await pg_drop(nm)
                events = cmds * batch
                rate = lambda x, ev=events: ev / x[0]  # noqa: E731
                row(backend, writers, batch, f"{rate(o):.0f}", f"{rate(r):.0f}", f"{rate(o) / rate(r):.0%}",
                    f"{rate(p):.0f}", f"{statistics.median(o[1]):.2f}", f"{pct(o[1], 99):.2f}",
                    f"{statistics.median(r[1]):.2f}", f"{pct(r[1], 99):.2f}")
    flush("appends (events/s; latency per command in ms)",
          ["backend", "writers", "batch", "ours ev/s", "raw ev/s", "ours/raw", "eventsourcing ev/s", "p50",
           "p99", "raw p50", "raw p99"])


# -- the hash chain ----------------------------------------------------------------------------

class _Unchained(EventStore):
    """The append as it was before the hash chain: outbox markers only."""

    async def _seal(self, driver: Any, results: Sequence[Any]) -> None:
        public = [p for r in results for p in r.public_positions]
        if public:
            await driver.execute(driver.sql.outbox(), (driver.sql.array(public),))


async def bench_chain(quick: bool) -> None:
    """What the hash chain's link adds to an append (shared/store/chain.py):
    the same store with and without it, one writer, in alternating chunks of
    50 commands (so that load from elsewhere falls on both alike)."""
    chunks = 10 if quick else 30
    for backend in ("sqlite", "postgres"):
        for batch in (1, 10):
            sides: dict[str, tuple[EventStore, list[float]]] = {}
            names: list[str] = []
            try:
                for label, cls in (("unchained", _Unchained), ("chained", EventStore)):
                    if backend == "sqlite":
                        db = Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp(dir=SCRATCH)}/{label}.db")
                    else:
                        names.append(await pg_create())
                        db = Database(pg_url(names[-1]))
                    await db.create_all()
                    sides[label] = (cls(db, "sample"), [])
                for i in range(chunks + 1):  # the first round warms up
                    for label in (("unchained", "chained") if i % 2 else ("chained", "unchained")):
                        store, times = sides[label]
                        for _ in range(50):
                            evs = events_for(0, batch)
                            t0 = time.perf_counter()
                            await store.append(evs[0].stream_id, 0, evs)
                            if i:
                                times.append(time.perf_counter() - t0)
            finally:
                for store, _ in sides.values():
                    await store.db.dispose()
                for nm in names:
                    await pg_drop(nm)
            u, c = (statistics.median(sides[k][1]) * 1000 for k in ("unchained", "chained"))
            row(backend, batch, f"{u:.3f}", f"{c:.3f}", f"{c / u:.0%}")
    flush("hash chain (ms per command, median, one writer)", ["backend", "batch", "unchained", "chained", "ratio"])


# -- NATS ----------------------------------------------------------------------------------

async def _filled_store(tmp: Path, n: int) -> tuple[Database, EventStore]:
    """A store holding n events (n/2 streams of two), all marked for publication."""
    db = Database(f"sqlite+aiosqlite:///{tmp}/store-{uuid.uuid4().hex[:6]}.db")
    await db.create_all(metadata)
    store = EventStore(db, "sample")
    await asyncio.gather(*(store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}", country="bd"),
                                                         noted(f"visit-{i}", 2, country="bd")])
                           for i in range(n // 2)))
    return db, store


async def bench_relay_and_catchup(quick: bool) -> None:
    n = 5000 if quick else 20000
    tmp = Path(tempfile.mkdtemp(dir=SCRATCH))
    settings = Settings(service="sample", log_level="ERROR")
    relay_batch, fetch = settings.relay_batch, settings.consumer_batch
    with NatsServer(store_dir=tmp / "nats") as server:
        settings = Settings(service="sample", nats_url=server.url, log_level="ERROR")
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await provision_streams(js, settings, ["sample"])
        await js.add_stream(name="RAW", subjects=["raw.>"])

        # relay: each round a fresh store of n pending events, then the same bytes published raw
        ours_s, raw_s = [], []
        db = None
        for _ in range(ROUNDS):
            if db is not None:
                await db.dispose()
            db, store = await _filled_store(tmp, n)
            wires = [(f"raw.{o.subject}", o.data, o.headers) for o in await store.outgoing(0, n)]
            assert len(wires) == n
            relay = OutboxRelay(store, lambda: js, batch=relay_batch)
            t0 = time.perf_counter()
            assert await relay.publish_pending() == n
            ours_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for start in range(0, n, relay_batch):
                futs = [await js.publish_async(subj, data, headers=h)
                        for subj, data, h in wires[start:start + relay_batch]]
                await asyncio.gather(*futs)
            raw_s.append(time.perf_counter() - t0)
        o, r = statistics.median(ours_s), statistics.median(raw_s)
        row(f"relay to JetStream (batches of {relay_batch})", n, f"{n / o:.0f}", f"{n / r:.0f}", f"{r / o:.0%}")

        # catch-up of the first n events in JetStream, by a fresh durable consumer each round
        assert db is not None
        async def ours_catchup(runner: ProjectionRunner, sub: Any, count: int) -> float:
            t0 = time.perf_counter()
            fetched = 0
            while fetched < count:
                msgs = await sub.fetch(min(fetch, count - fetched), timeout=5)
                fetched += len(msgs)
                await runner.submit(msgs)
            await runner.drain()
            return time.perf_counter() - t0

        async def raw_catchup(sub: Any, count: int) -> float:
            t0 = time.perf_counter()
            got = 0
            while got < count:
                msgs = await sub.fetch(min(fetch, count - got), timeout=5)
                for m in msgs:
                    await m.ack()
                got += len(msgs)
            return time.perf_counter() - t0

        # Catch-up of the first n events in JetStream by fresh durable consumers, ours and raw taking
        # turns of n/(2 x rounds) events. First the kernel's own cost (a projection that writes nothing),
        # then a projection that writes (2-3 SQLAlchemy statements an event), to show what writes cost.
        for label, projection in (("no writes: the kernel's own cost", _Null()),
                                  ("VisitBoard: 2-3 writes an event", VisitBoard())):
            async with db.write() as conn:  # a fresh read model
                await ProjectionRunner(projection, db).reset(conn)
            runner = ProjectionRunner(projection, db)
            ours_sub = await js.pull_subscribe("wecare.bd.sample.>", durable=f"bench-{projection.name}",
                                               stream=stream_name("sample"))
            raw_sub = await js.pull_subscribe("raw.>", durable=f"raw-{projection.name}", stream="RAW")
            turns = 2 * ROUNDS
            o = r = 0.0
            for k in range(turns):
                if k % 2 == 0:
                    o += await ours_catchup(runner, ours_sub, n // turns)
                    r += await raw_catchup(raw_sub, n // turns)
                else:
                    r += await raw_catchup(raw_sub, n // turns)
                    o += await ours_catchup(runner, ours_sub, n // turns)
            total = n // turns * turns
            assert runner.applied == total
            row(f"catch-up (fetch {fetch}), {label}", total, f"{total / o:.0f}", f"{total / r:.0f}", f"{r / o:.0%}")
        await nc.close()
        await db.dispose()
    flush("NATS (events/s)", ["what", "events", "ours", "raw nats-py", "ours/raw"])


class _Null(VisitBoard):
    name = "null"
    tables = ()

    async def apply(self, conn, env) -> None:  # noqa: ANN001
        return None


# -- memory ------------------------------------------------------------------------------------

async def bench_memory(log_events: int) -> None:
    tmp = Path(tempfile.mkdtemp(dir=SCRATCH))
    path = tmp / "log.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.create_all()
    await db.dispose()
    con = sqlite3.connect(path)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    payload = '{"factory":"F1","visit_date":"2026-03-01","purpose":"advisory"}'
    chunk = 50_000
    for start in range(0, log_events, chunk):
        con.executemany(
            "INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version, country, "
            "occurred_at, recorded_at, correlation_id, causation_id, actor, payload) VALUES "
            "(?,?,1,'VisitScheduled',2,'bd',?,?,'c',NULL,'bench',?)",
            [(uuid.uuid4().hex, f"visit-{i}", now, now, payload) for i in range(start, min(start + chunk, log_events))])
        con.commit()
    con.close()
    db = Database(f"sqlite+aiosqlite:///{path}")
    store = EventStore(db, "sample")
    proc = psutil.Process()
    peak = [proc.memory_info().rss]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.01)

    th = threading.Thread(target=sample)
    th.start()
    base = proc.memory_info().rss
    tracemalloc.start()
    marks = {int(log_events * f): f for f in (0.1, 0.5, 1.0)}
    n = 0
    t0 = time.perf_counter()
    async for _ in store.read_all(page=1000):
        n += 1
        if n in marks:
            _, tpeak = tracemalloc.get_traced_memory()
            row(f"{marks[n]:.0%}", n, f"{(peak[0] - base) / 2**20:.1f}", f"{tpeak / 2**20:.1f}",
                f"{n / (time.perf_counter() - t0):.0f}")
    tracemalloc.stop()
    stop.set()
    th.join()
    await db.dispose()
    flush(f"reading a {log_events:,}-event log with read_all (memory must stay flat)",
          ["read", "events", "RSS growth MiB", "tracemalloc peak MiB", "events/s"])


async def _publish_rate(urls: list[str], replicas: int, n: int) -> float:
    """Raw nats-py pipelined publishes of 200-byte events to a file-stored stream."""
    nc = await nats.connect(urls)
    try:
        js = nc.jetstream()
        deadline = time.monotonic() + 30
        while True:  # a cluster that has just elected its meta leader may not place an R3 stream yet
            try:
                await js.add_stream(name="FSYNC", subjects=["fsync.>"], num_replicas=replicas)
                break
            except (nats.errors.TimeoutError, nats.js.errors.ServiceUnavailableError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
        body = b"x" * 200
        t0 = time.perf_counter()
        for start in range(0, n, 500):
            futs = [await js.publish_async("fsync.e", body, headers={"Nats-Msg-Id": f"{start}-{i}"})
                    for i in range(min(500, n - start))]
            await asyncio.gather(*futs)
        return n / (time.perf_counter() - t0)
    finally:
        await nc.close()


async def bench_fsync(quick: bool) -> None:
    """What `sync_interval: always` (deploy/nats/) costs against the default 2-minute fsync interval, on
    one server and on the three-node cluster with R3 streams."""
    n = 5000 if quick else 20000
    for label, size in (("one server, R1", 1), ("three nodes, R3", 3)):
        rates = {}
        for sync in (False, True):
            tmp = Path(tempfile.mkdtemp(dir=SCRATCH))
            if size == 1:
                conf = tmp / "nats.conf"
                conf.write_text("jetstream {\n" + ("  sync_interval: always\n" if sync else "") + "}\n")
                with NatsServer(store_dir=tmp / "store", config_file=conf) as server:
                    rates[sync] = await _publish_rate([server.url], 1, n)
            else:
                with NatsCluster(tmp, sync_always=sync) as cluster:
                    rates[sync] = await _publish_rate(cluster.url.split(","), 3, n)
        row(label, n, f"{rates[False]:.0f}", f"{rates[True]:.0f}", f"{1 - rates[True] / rates[False]:.0%}")
    flush("JetStream publish (events/s): what fsync on every write costs",
          ["where", "events", "default fsync (2 min)", "sync_interval always", "cost"])


def header() -> None:
    pg = subprocess.run(["psql", PG_ADMIN, "-tAc", "show server_version"], capture_output=True, text=True)
    ns = subprocess.run([nats_server_binary(), "--version"], capture_output=True, text=True)
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
          f"{platform.system()} {platform.release()}")
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, postgresql {pg.stdout.strip()}, "
          f"{ns.stdout.strip()}")


SECTIONS = ("appends", "chain", "nats", "fsync", "memory")


async def main(quick: bool, log_events: int, only: Sequence[str] = SECTIONS) -> None:
    header()
    os.makedirs(SCRATCH, exist_ok=True)
    try:
        if "appends" in only:
            await bench_appends(quick)
        if "chain" in only:
            await bench_chain(quick)
        if "nats" in only:
            await bench_relay_and_catchup(quick)
        if "fsync" in only:
            await bench_fsync(quick)
        if "memory" in only:
            await bench_memory(log_events)
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per figure (the median is printed)")
    ap.add_argument("--log-events", type=int, default=None)
    ap.add_argument("--only", choices=SECTIONS, action="append",
                    help="run only this section (repeatable): a steadier median with more --rounds")
    a = ap.parse_args()
    ROUNDS = a.rounds
    settle_heap()  # the collector as a service process runs it (Service.serve); the ceilings share it
    asyncio.run(main(a.quick, a.log_events or (100_000 if a.quick else 1_000_000), a.only or SECTIONS))
