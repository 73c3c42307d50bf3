"""Webhooks: a buyer's endpoints, the signed deliveries of its feed records,
and the dispatcher that makes them.

- Signing follows the Standard Webhooks scheme (the `standardwebhooks`
  reference library): headers webhook-id (the record's id, the same on every
  retry, for the receiver's de-duplication), webhook-timestamp and
  webhook-signature = "v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>".
  After a rotation the previous secret signs too, for a grace period, so a
  receiver can switch when it likes: the header then holds both signatures.
- Every failure is retried with exponential backoff: a refused connection, a
  timeout, any status but 2xx. After `webhook_max_attempts` the delivery is
  parked; an operator re-drives it.
- Order per factory: a factory's records go to an endpoint one at a time in
  feed order; while one waits for a retry or is parked, the later ones of that
  factory wait behind it, and other factories' records flow on.
- Every attempt is logged (status, error, duration), for the buyer's
  delivery log. The error is a category (`error_category`, `answer_error`),
  never an exception's text; of a public receiver's non-2xx answer a short
  printable excerpt (`excerpt`) follows: raw text (a NUL, which PostgreSQL
  refuses, control characters, broken UTF-8, a megabyte of HTML) could make
  the attempt unrecordable. Where the sender may connect, and how much of an
  answer it reads: services/buyers/egress.py. Should recording fail anyway, that delivery is
  held back in memory for a backoff interval: it is never resent in a loop.
- Fair shares: an endpoint has at most `per_endpoint` deliveries in flight
  (a quarter of `webhook_concurrency`), and free slots go first to the
  endpoints with the fewest in flight, so one buyer's many slow or hanging
  queues never hold every slot while another buyer's records wait."""

from __future__ import annotations

import asyncio
import base64
import random
import secrets
import ssl
import time
import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    case,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from standardwebhooks.webhooks import Webhook

from services.buyers import egress
from services.buyers.projections import feed, render
from shared.aggregate import NotFound
from shared.contracts.envelope import utcnow
from shared.logging import get_logger
from shared.settings import Settings
from shared.store.database import Database
from shared.store.schema import UTCDateTime

log = get_logger("webhooks")
metadata = MetaData()

endpoints = Table(
    "buyers_endpoints", metadata,
    Column("endpoint_id", String(40), primary_key=True),
    Column("buyer", String(300), nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("types", Text, nullable=False),  # JSON list; empty: every type
    Column("description", String(300)),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(300), nullable=False),
)

secrets_ = Table(
    "buyers_endpoint_secrets", metadata,
    Column("endpoint_id", String(40), primary_key=True),
    Column("created_at", UTCDateTime, primary_key=True),
    Column("secret", String(200), nullable=False),
    Column("expires_at", UTCDateTime),  # None: current
)

deliveries = Table(
    "buyers_deliveries", metadata,
    Column("delivery_id", Integer, primary_key=True, autoincrement=True),
    Column("endpoint_id", String(40), nullable=False),
    Column("position", Integer, nullable=False),  # of the feed record
    Column("ordering_key", String(200), nullable=False),  # <country>/<factory_id>
    Column("status", String(16), nullable=False),  # pending | delivered | parked
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("delivered_at", UTCDateTime),
    UniqueConstraint("endpoint_id", "position", name="uq_buyers_delivery"),
    Index("ix_buyers_deliveries_key", "endpoint_id", "ordering_key", "position"),
    Index("ix_buyers_deliveries_status", "status", "next_attempt_at"),
)

attempts = Table(
    "buyers_delivery_attempts", metadata,
    Column("attempt_id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Integer, nullable=False, index=True),
    Column("attempt", Integer, nullable=False),  # since the delivery was queued or last re-driven
    Column("at", UTCDateTime, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret_values: list[str], msg_id: str, at: datetime, body: str) -> str:
    return " ".join(Webhook(s).sign(msg_id, at, body) for s in secret_values)


async def active_secrets(conn: AsyncConnection, endpoint_id: str, at: datetime) -> list[str]:
    """The current secret first, then those in their grace period."""
    rows = (await conn.execute(select(secrets_.c.secret, secrets_.c.expires_at)
                               .where(secrets_.c.endpoint_id == endpoint_id)
                               .order_by(secrets_.c.created_at.desc()))).all()
    return [s for s, exp in rows if exp is None or exp > at]


async def enqueue(conn: AsyncConnection, buyer: str, position: int, ce_type: str, key: str) -> None:
    """Queue a new feed record for every active endpoint of its buyer that wants its type."""
    for ep in (await conn.execute(select(endpoints.c.endpoint_id, endpoints.c.types)
                                  .where(endpoints.c.buyer == buyer, endpoints.c.active.is_(True)))).all():
        types = orjson.loads(ep.types)
        if types and ce_type not in types:
            continue
        await conn.execute(deliveries.insert().values(
            endpoint_id=ep.endpoint_id, position=position, ordering_key=key, status="pending", attempts=0,
            next_attempt_at=utcnow()))


async def endpoint_row(conn: AsyncConnection, buyer: str, endpoint_id: str) -> Any:
    """One endpoint of the buyer; another buyer's is as unknown as a missing one."""
    r = (await conn.execute(select(endpoints).where(endpoints.c.endpoint_id == endpoint_id,
                                                    endpoints.c.buyer == buyer))).one_or_none()
    if r is None:
        raise NotFound("webhook endpoint", endpoint_id)
    return r


def endpoint_out(r: Any) -> dict[str, Any]:
    return {"endpoint_id": r.endpoint_id, "buyer": r.buyer, "url": r.url, "types": orjson.loads(r.types),
            "description": r.description, "active": r.active, "created_at": r.created_at, "created_by": r.created_by}


def backoff(attempt: int, base_s: float, max_s: float) -> float:
    """Seconds before the next attempt after `attempt` failures: exponential, capped, with 10% jitter."""
    delay = min(max_s, base_s * 2 ** (attempt - 1))
    return delay * (0.9 + 0.2 * random.random())  # noqa: S311 - jitter, not a secret


def error_category(e: BaseException) -> str:
    """A short category for a failed attempt's error: all the delivery log
    says of it. Never the exception's text ("Name or service not known", "All
    connection attempts failed"): that would make the log a scanner of the
    network the sender sits in."""
    if isinstance(e, egress.RefusedAddress):
        return "refused_address"
    if isinstance(e, httpx.TimeoutException | TimeoutError):
        return "timeout"
    if isinstance(e, httpx.ConnectError):
        cause: BaseException | None = e
        while cause is not None and not isinstance(cause, ssl.SSLError):
            cause = cause.__cause__ or cause.__context__
        return "tls" if cause is not None else "connect_failed"
    if isinstance(e, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "invalid_url"
    if isinstance(e, httpx.RemoteProtocolError):
        return "protocol"
    if isinstance(e, httpx.HTTPError):
        return "transport"
    return "internal"  # not the receiver's doing: a bug or a stored value the sender cannot use


def answer_error(a: egress.Answer) -> str | None:
    """None for a 2xx answer; else its category (http_3xx: redirects are not
    followed, http_4xx, http_5xx) and, from a public address only, a short
    excerpt of what it said (an allow-listed private receiver's words stay
    with the operator)."""
    if 200 <= a.status < 300:
        return None
    category = f"http_{a.status // 100}xx"
    body = excerpt(a.head) if a.public else ""
    return f"{category}: {body}" if body else category


def excerpt(text: str | bytes, limit: int = 200) -> str:
    """A short excerpt of text someone else made (a receiver's answer, an
    exception's message) that can always be stored and shown: valid UTF-8
    (undecodable bytes and lone surrogates replaced), NFC, every control or
    format character (NUL, ESC, bidi overrides...) and run of white space made
    one space, at most `limit` characters."""
    if isinstance(text, bytes):
        text = text[:limit * 4].decode("utf-8", "replace")
    else:
        text = text[:limit * 4].encode("utf-8", "replace").decode("utf-8")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in unicodedata.normalize("NFC", text))
    return " ".join(text.split())[:limit]


class Dispatcher:
    """Sends due deliveries: the head of each (endpoint, factory) queue, many
    queues at once, one record per queue at a time. Each attempt is a task of
    its own: a slow or failing receiver holds only its own queue, never the
    next round of other endpoints' deliveries, and whatever goes wrong while
    sending one delivery (any exception) is that delivery's failed attempt,
    retried and parked as usual. The loop itself runs under the service's
    supervisor (`run`)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.feed = feed
        self.s = settings
        self._wake = asyncio.Event()
        self._client: httpx.AsyncClient | None = None
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._inflight_ep: dict[int, str] = {}  # delivery_id -> endpoint_id of the attempts in flight
        # delivery_id -> (monotonic time before which it is not sent, attempts in a row not recorded)
        self._held: dict[int, tuple[float, int]] = {}
        self.per_endpoint = max(1, settings.webhook_concurrency // 4)
        self.sent = 0

    def wake(self) -> None:
        self._wake.set()

    def open(self) -> None:
        self._client = egress.client(lambda: self.s)

    async def close(self) -> None:
        for t in list(self._inflight.values()):
            t.cancel()
        if self._inflight:
            await asyncio.wait(list(self._inflight.values()))
        if self._client:
            await self._client.aclose()
            self._client = None

    async def run(self) -> None:
        if self._client is None:
            self.open()
        try:
            while True:
                self._wake.clear()  # before the query: a wake while it runs is not lost
                free = self.s.webhook_concurrency - len(self._inflight)
                due: list[Any] = []
                if free > 0:
                    try:
                        due = await self._due(free)
                    except Exception as e:  # noqa: BLE001 - the database is away: try again soon
                        log.warning("webhooks.poll_failed", error=str(e) or type(e).__name__)
                for d in due:
                    task = asyncio.create_task(self._attempt(d), name=f"webhook-{d.delivery_id}")
                    self._inflight[d.delivery_id] = task
                    self._inflight_ep[d.delivery_id] = d.endpoint_id
                    task.add_done_callback(lambda _, i=d.delivery_id: self._done(i))
                try:
                    await asyncio.wait_for(self._wake.wait(), self.s.webhook_poll_s)
                except TimeoutError:
                    pass
        finally:
            inflight = list(self._inflight.values())
            for t in inflight:
                t.cancel()
            # and wait for them to unwind (roll back, give back their connection and the write lock): a stop
            # that returned at once left attempts holding them, and the database's dispose then waited for ever
            # (a full suite's run hung 180 s there once)
            await asyncio.gather(*inflight, return_exceptions=True)

    def _done(self, delivery_id: int) -> None:
        self._inflight.pop(delivery_id, None)
        self._inflight_ep.pop(delivery_id, None)
        self._wake.set()  # a queue is free again: its next record may be due

    async def _attempt(self, d: Any) -> None:
        try:
            await self._send(d)
        except Exception as e:  # noqa: BLE001 - recording the attempt failed: it stays due in the database,
            # so hold it back here for a backoff interval, or it would be sent again at once, for ever
            _, failures = self._held.get(d.delivery_id, (0.0, 0))
            wait = backoff(failures + 1, self.s.webhook_backoff_base_s, self.s.webhook_backoff_max_s)
            self._held[d.delivery_id] = (time.monotonic() + wait, failures + 1)
            log.warning("webhooks.attempt_not_recorded", tenant=d.buyer, delivery_id=d.delivery_id,
                        endpoint_id=d.endpoint_id, buyer=d.buyer, error=excerpt(str(e) or type(e).__name__, 300),
                        retry_in_s=round(wait, 2))
        else:
            self._held.pop(d.delivery_id, None)

    async def _due(self, limit: int) -> list[Any]:
        """Up to `limit` due heads of queues, none in flight or held back, at
        most `per_endpoint` in flight per endpoint counting those already
        sent, the least busy endpoints first (then feed order)."""
        d, e = deliveries, deliveries.alias("earlier")
        blocked = exists().where(and_(e.c.endpoint_id == d.c.endpoint_id, e.c.ordering_key == d.c.ordering_key,
                                      e.c.position < d.c.position, e.c.status != "delivered"))
        now = time.monotonic()
        for i in [i for i, (until, _) in self._held.items() if until + self.s.webhook_backoff_max_s < now]:
            del self._held[i]  # long past: a later failure to record starts its backoff afresh
        skip = list(self._inflight) + [i for i, (until, _) in self._held.items() if until > now]
        heads = (select(d.c.delivery_id, d.c.endpoint_id, d.c.position, d.c.attempts,
                        func.row_number().over(partition_by=d.c.endpoint_id, order_by=d.c.position).label("rank"))
                 .join(endpoints, endpoints.c.endpoint_id == d.c.endpoint_id)
                 .where(d.c.status == "pending", d.c.next_attempt_at <= utcnow(), endpoints.c.active.is_(True),
                        ~blocked))
        if skip:
            heads = heads.where(d.c.delivery_id.notin_(skip))
        h = heads.subquery("heads")
        busy = Counter(self._inflight_ep.values())
        load = h.c.rank + case(busy, value=h.c.endpoint_id, else_=0) if busy else h.c.rank
        q = (select(h.c.delivery_id, h.c.endpoint_id, h.c.position, h.c.attempts, endpoints.c.url,
                    endpoints.c.buyer, self.feed.c.record, self.feed.c.ce_id)
             .join(endpoints, endpoints.c.endpoint_id == h.c.endpoint_id)
             .join(self.feed, self.feed.c.position == h.c.position)
             .where(load <= self.per_endpoint)
             .order_by(load, h.c.position).limit(limit))
        async with self.db.read() as conn:
            return list((await conn.execute(q)).all())

    async def _post(self, d: Any) -> egress.Answer:
        body = render(d).decode()
        at = utcnow()
        async with self.db.read() as conn:
            keys = await active_secrets(conn, d.endpoint_id, at)
        headers = {"content-type": "application/cloudevents+json", "webhook-id": d.ce_id,
                   "webhook-timestamp": str(int(at.timestamp())),
                   "webhook-signature": signature(keys, d.ce_id, at, body)}
        assert self._client is not None
        return await egress.send(self._client, d.url, body.encode(), headers, self.s.webhook_timeout_s)

    async def _send(self, d: Any) -> None:
        at = utcnow()
        started = time.perf_counter()
        code: int | None = None
        error: str | None = None
        try:
            answer = await self._post(d)
            code, error = answer.status, answer_error(answer)
        except Exception as e:  # noqa: BLE001 - any failure of this delivery is its failed attempt
            error = error_category(e)
            if error == "internal":
                log.error("webhooks.send_raised", delivery_id=d.delivery_id, endpoint_id=d.endpoint_id,
                          buyer=d.buyer, error=error, exc_info=e)
        ms = int((time.perf_counter() - started) * 1000)
        n = d.attempts + 1
        values: dict[str, Any] = {"attempts": n, "last_status_code": code, "last_error": error}
        if error is None:
            values |= {"status": "delivered", "delivered_at": utcnow()}
            self.sent += 1
        elif n >= self.s.webhook_max_attempts:
            values["status"] = "parked"
            log.warning("webhooks.parked", tenant=d.buyer, buyer=d.buyer, delivery_id=d.delivery_id,
                        endpoint_id=d.endpoint_id, position=d.position, record=d.ce_id, attempts=n, error=error)
        else:
            wait = backoff(n, self.s.webhook_backoff_base_s, self.s.webhook_backoff_max_s)
            values["next_attempt_at"] = utcnow() + timedelta(seconds=wait)
            log.info("webhooks.retry", delivery_id=d.delivery_id, endpoint_id=d.endpoint_id, attempt=n,
                     error=error, retry_in_s=round(wait, 2))
        async with self.db.write() as conn:
            await conn.execute(update(deliveries).where(deliveries.c.delivery_id == d.delivery_id).values(**values))
            await conn.execute(attempts.insert().values(delivery_id=d.delivery_id, attempt=n, at=at,
                                                        status_code=code, error=error, duration_ms=ms))


async def parked_counts(db: Database) -> dict[tuple[str, str], int]:
    """{("webhook-dispatcher", buyer): parked deliveries}, for the metrics."""
    q = (select(endpoints.c.buyer, func.count()).select_from(deliveries)
         .join(endpoints, endpoints.c.endpoint_id == deliveries.c.endpoint_id)
         .where(deliveries.c.status == "parked").group_by(endpoints.c.buyer))
    async with db.read() as conn:
        return {("webhook-dispatcher", buyer): n for buyer, n in (await conn.execute(q)).all()}


async def redrive(db: Database, *, endpoint_id: str | None = None, delivery_id: int | None = None) -> int:
    """Parked deliveries go again, from a fresh count of attempts."""
    q = update(deliveries).where(deliveries.c.status == "parked")
    if endpoint_id:
        q = q.where(deliveries.c.endpoint_id == endpoint_id)
    if delivery_id is not None:
        q = q.where(deliveries.c.delivery_id == delivery_id)
    async with db.write() as conn:
        res = await conn.execute(q.values(status="pending", attempts=0, next_attempt_at=utcnow()))
    return res.rowcount or 0
