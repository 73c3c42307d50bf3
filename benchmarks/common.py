"""What the benchmark scripts share: concurrent timed loops and percentiles."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


async def run_concurrently(total: int, workers: int, op: Callable[[int], Awaitable[None]]) -> tuple[float, list[float]]:
    """Run op(0..total-1) on `workers` concurrent tasks; (seconds, latencies in ms)."""
    lat: list[float] = []
    it = iter(range(total))

    async def w() -> None:
        for i in it:
            t = time.perf_counter()
            await op(i)
            lat.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(w() for _ in range(workers)))
    return time.perf_counter() - t0, lat


async def raw_sqlite_events(path):  # noqa: ANN001, ANN201
    """The raw ceiling's database: aiosqlite on an events table of the same shape, WAL, synchronous=FULL."""
    import aiosqlite

    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=FULL")
    await db.execute("CREATE TABLE e (position INTEGER PRIMARY KEY, event_id TEXT UNIQUE, stream_id TEXT, "
                     "stream_version INT, payload TEXT, UNIQUE(stream_id, stream_version))")
    return db
