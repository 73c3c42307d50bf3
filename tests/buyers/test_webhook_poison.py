"""The dispatcher against what a receiver or a buyer's setup can throw at it,
tested on the Dispatcher alone (no services): a receiver's answer the database
cannot store, an attempt that cannot be recorded at all, and one endpoint whose
many queues hang while another buyer waits for its one record."""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.buyers import webhooks as W
from services.buyers.projections import feed
from services.buyers.projections import metadata as feed_metadata
from shared.contracts.envelope import utcnow
from shared.settings import Settings
from shared.store.database import Database
from tests.conftest import eventually


async def _queue(db: Database, queues: dict[str, int], buyers: dict[str, str] | None = None) -> None:
    """One endpoint per entry (its buyer from `buyers`, else the endpoint id), with that many factories'
    queues of one record each."""
    await db.create_all(feed_metadata, W.metadata)
    pos = 0
    async with db.write() as conn:
        for ep, n in queues.items():
            await conn.execute(W.endpoints.insert().values(endpoint_id=ep, buyer=(buyers or {}).get(ep, ep),
                                                           url=f"http://r/{ep}",
                                                           types="[]", active=True, created_at=utcnow(),
                                                           created_by="x"))
            await conn.execute(W.secrets_.insert().values(endpoint_id=ep, created_at=utcnow(),
                                                          secret=W.new_secret()))
            for i in range(n):
                pos += 1
                await conn.execute(feed.insert().values(position=pos, buyer=ep, ce_id=f"{ep}-{i}", type="t",
                                                        country="bd", factory_id=f"f{i}", programme_id="p",
                                                        record='{"id":"x"}'))
                await conn.execute(W.deliveries.insert().values(endpoint_id=ep, position=pos, ordering_key=f"bd/f{i}",
                                                                status="pending", attempts=0,
                                                                next_attempt_at=utcnow()))


def _dispatcher(db: Database, tmp_path: Any, handler: Callable, **settings: Any) -> W.Dispatcher:
    d = W.Dispatcher(db, Settings(service="buyers", data_dir=str(tmp_path), **settings))
    d._client = httpx.AsyncClient(transport=httpx.MockTransport(handler))  # noqa: SLF001
    return d


async def _stop(d: W.Dispatcher, task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await d.close()


@pytest.mark.unit
def test_an_excerpt_is_short_printable_valid_text() -> None:
    raw = b"oops\x00\x01\x1b[31m red \xff\xfe half" + "\u202e\ud800".encode("utf-8", "surrogatepass") + b"x" * 5000
    for text in (raw, raw.decode("utf-8", "surrogateescape"), "caf\u0065\u0301\r\n\tend"):
        out = W.excerpt(text)
        assert len(out) <= 200 and out == out.strip()
        assert not any(unicodedata.category(ch)[0] == "C" for ch in out)
        out.encode("utf-8")  # no lone surrogate left
    assert W.excerpt(b"oops\x00  \x00end") == "oops end"
    assert W.excerpt("caf\u0065\u0301\r\n\tend") == "caf\u00e9 end"


class PublicPeer:
    """A response's network stream as httpcore gives it, from a public address: the excerpt of a non-2xx
    answer is kept only for those (services/buyers/egress.py)."""

    def get_extra_info(self, info: str) -> Any:
        return ("93.184.215.14", 443) if info == "server_addr" else None


BODIES = [b"oops\x00 and then \x00", "\x1b[31mno\u202e ".encode() + b"\xff\xfe" + b"y" * 100_000]


@pytest.mark.parametrize("body", BODIES, ids=["nul", "control-bidi-bad-utf8-100k"])
async def test_a_receiver_answer_the_database_cannot_store_is_recorded_as_a_short_excerpt(
        pg_database: str, tmp_path: Any, body: bytes) -> None:
    """A receiver answering 500 with a NUL in its body: PostgreSQL refuses the
    text, the attempt went unrecorded, and the delivery was sent again at once,
    for ever (81 POSTs in 2 s). Now its excerpt is stored: three attempts, parked."""
    db = Database(pg_database)
    await _queue(db, {"e1": 1})
    posts = 0

    def handler(_: httpx.Request) -> httpx.Response:
        nonlocal posts
        posts += 1
        return httpx.Response(500, content=body, extensions={"network_stream": PublicPeer()})

    d = _dispatcher(db, tmp_path, handler, webhook_max_attempts=3, webhook_backoff_base_s=0.05,
                    webhook_poll_s=0.1)
    task = asyncio.create_task(d.run())

    async def parked() -> Any:
        async with db.read() as conn:
            row = (await conn.execute(W.deliveries.select())).one()
        return row if row.status == "parked" else None

    try:
        row = await eventually(parked, timeout=5)
    finally:
        await _stop(d, task)
        async with db.read() as conn:
            logged = (await conn.execute(W.attempts.select())).all()
        await db.dispose()
    assert posts == row.attempts == 3 and len(logged) == 3
    assert row.last_error.startswith("http_5xx: ") and len(row.last_error) <= 220
    assert "\x00" not in row.last_error and not any(unicodedata.category(ch)[0] == "C" for ch in row.last_error)
    assert all(a.error == row.last_error for a in logged)


async def test_an_attempt_that_cannot_be_recorded_is_held_back_not_resent_at_once(tmp_path: Any) -> None:
    """Whatever makes recording an attempt fail (the database away, a value it
    refuses), the delivery stays due in the database; the dispatcher holds it
    back for a backoff interval instead of sending it again in a loop."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/b.db")
    await _queue(db, {"e1": 1, "e2": 1})
    posts: dict[str, int] = {"e1": 0, "e2": 0}

    def handler(req: httpx.Request) -> httpx.Response:
        posts[req.url.path.strip("/")] += 1
        return httpx.Response(500, content=b"no")

    d = _dispatcher(db, tmp_path, handler, webhook_backoff_base_s=0.6, webhook_poll_s=0.05)
    real_write = db.write

    def failing_write() -> Any:
        raise RuntimeError("the database refuses this attempt")

    db.write = failing_write  # type: ignore[method-assign]
    task = asyncio.create_task(d.run())
    try:
        await eventually(lambda: all(posts.values()), timeout=5, interval=0.01)
        await asyncio.sleep(0.3)  # within the first hold (0.54 s at least): one POST each
        assert posts == {"e1": 1, "e2": 1}, posts
        await asyncio.sleep(1.0)  # held 0.6 s, then 1.2 s: at most one more each
        assert 1 <= posts["e1"] <= 2 and 1 <= posts["e2"] <= 2, posts
        db.write = real_write  # type: ignore[method-assign]
        n = dict(posts)

        async def recorded() -> bool:
            async with db.read() as conn:
                return all(r.attempts == 1 for r in (await conn.execute(W.deliveries.select())).all())

        await eventually(recorded, timeout=5)  # when recording works again, the held ones go and are recorded
        assert all(posts[k] == n[k] + 1 for k in posts), (n, posts)
        assert not d._held  # noqa: SLF001
    finally:
        await _stop(d, task)
        await db.dispose()


async def _latency_of_b(tmp_path: Any, slow_queues: int, *, timeout_s: float) -> tuple[float, int]:
    """Seconds until endpoint B's only record arrives while endpoint A has
    `slow_queues` factories' records whose receiver hangs until the timeout;
    and how many of A's were in flight at most at once."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/b{slow_queues}.db")
    await _queue(db, {"A": slow_queues, "B": 0})
    await _queue_one(db, "B", position=slow_queues + 1)  # last in the feed, behind all of A's
    got_b: float | None = None
    a_now = a_max = 0
    t0 = time.monotonic()

    async def handler(req: httpx.Request) -> httpx.Response:
        nonlocal got_b, a_now, a_max
        if req.url.path == "/A":
            a_now += 1
            a_max = max(a_max, a_now)
            try:
                await asyncio.sleep(timeout_s)  # hangs until the client's timeout
                raise httpx.ReadTimeout("timed out", request=req)
            finally:
                a_now -= 1
        got_b = got_b or time.monotonic() - t0
        return httpx.Response(204)

    d = _dispatcher(db, tmp_path, handler, webhook_concurrency=2, webhook_timeout_s=timeout_s)
    task = asyncio.create_task(d.run())
    try:
        await eventually(lambda: got_b is not None, timeout=10, interval=0.01)
    finally:
        await _stop(d, task)
        await db.dispose()
    assert got_b is not None
    return got_b, a_max


async def _queue_one(db: Database, ep: str, *, position: int) -> None:
    async with db.write() as conn:
        await conn.execute(feed.insert().values(position=position, buyer=ep, ce_id=f"{ep}-only", type="t",
                                                country="bd", factory_id="g", programme_id="p", record='{"id":"y"}'))
        await conn.execute(W.deliveries.insert().values(endpoint_id=ep, position=position, ordering_key="bd/g",
                                                        status="pending", attempts=0, next_attempt_at=utcnow()))


async def test_one_endpoints_hanging_queues_do_not_take_the_slots_another_buyer_needs(tmp_path: Any) -> None:
    """Endpoint A has 40 factories' records and a receiver that hangs until the
    3 s timeout; with 8 slots for all endpoints A used to take all of them
    round after round and B's one record, last in the feed, waited 5 rounds.
    Each endpoint now has slots of its own (2 here), and B's are free."""
    solo, _ = await _latency_of_b(tmp_path, 0, timeout_s=3.0)
    shared, a_max = await _latency_of_b(tmp_path, 40, timeout_s=3.0)
    print(f"\nB's one record delivered after {solo:.3f} s alone, {shared:.3f} s while A's 40 queues hang "
          f"(at most {a_max} of A's in flight, 2 slots per endpoint)")
    assert a_max <= 2  # the endpoint's own slots
    assert shared < solo + 1.5  # before: at least one full timeout (3 s), here 5 rounds


async def test_one_cancel_stops_the_dispatcher_even_when_a_wake_arrives_with_it(tmp_path: Any) -> None:
    """Python 3.11's asyncio.wait_for returns the awaited result when the
    wake-up completes in the step the cancel arrives, and the cancel is lost:
    the loop went round again and a stop needed a second cancel (seen as a
    180 s hang of a stop that cancels once)."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/b.db")
    await db.create_all(feed_metadata, W.metadata)
    d = _dispatcher(db, tmp_path, lambda r: httpx.Response(204), webhook_poll_s=30)
    task = asyncio.create_task(d.run())
    try:
        await asyncio.sleep(0.3)  # in its wait for a wake-up
        d.wake()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert done and task.cancelled(), "one cancel did not stop the dispatcher"
    finally:
        for _ in range(10):  # stop it whatever happened
            if task.done():
                break
            task.cancel()
            await asyncio.wait({task}, timeout=1)
        await d.close()
        await db.dispose()
