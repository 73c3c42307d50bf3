"""Webhooks: a buyer's endpoints, the signed deliveries of its feed records,
and the dispatcher that makes them.

- What a receiver gets: a POST of one feed record, a CloudEvent 1.0 in
  structured mode (content-type application/cloudevents+json), the same
  bytes as in the pull feed, its `dataschema` the URL of its data's JSON
  Schema; described per record type in the OpenAPI `webhooks` and the
  AsyncAPI document (contract.py), with the answers expected (below).
- Signing follows the Standard Webhooks scheme (the `standardwebhooks`
  reference library): headers webhook-id (the record's id, the same on every
  retry, for the receiver's de-duplication), webhook-timestamp and
  webhook-signature = "v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>".
  After a rotation the previous secret signs too, for a grace period, so a
  receiver can switch when it likes: the header then holds both signatures.
- Signing secrets are sealed at rest (`SecretBox`: Fernet under the keys of
  `webhook_secret_key`, newest first); a database dump or backup holds no
  secret that signs. Those an older version stored in plain text, or sealed
  under a key since retired to second place, are sealed anew under the newest
  key when the dispatcher starts (`seal_stored_secrets`).
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
- Each endpoint on its own: an endpoint has a worker of its own with at most
  `webhook_concurrency` deliveries in flight, and no slot, queue or
  connection pool is shared between endpoints, so one buyer's slow, hanging
  or failing receivers never delay another endpoint's records.
- Each buyer within bounds: at most `webhook_endpoints_per_buyer` active
  endpoints (handlers.py), and its endpoints' attempts share
  `webhook_inflight_per_buyer` slots, so a buyer pointing many endpoints at a
  receiver that hangs holds that many connections and tasks, not endpoints x
  `webhook_concurrency`; a buyer at its cap waits for its own slots only.
  `webhook_inflight_total` bounds the whole process (sockets, memory): set
  it above the busy buyers' caps together, since a buyer waits for it too."""

from __future__ import annotations

import asyncio
import base64
import random
import secrets
import ssl
import time
import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from math import inf
from pathlib import Path
from typing import Any

import httpx
import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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
from shared.files import made_once
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


SEALED = "fernet:"  # the stored form of a sealed secret: this prefix, then the Fernet token
KEY_FILE = "webhook-secret.key"  # under <data_dir>/keys when WECARE_WEBHOOK_SECRET_KEY is not set


class SecretBox:
    """Endpoints' signing secrets sealed at rest with Fernet (AES-128-CBC and
    HMAC-SHA256, the `cryptography` library's recipe) under the operator's
    keys, newest first: the newest seals, any of them opens (MultiFernet), so a
    key is rotated by putting a new one first and dropping the old one after a
    start (which seals every stored secret anew under the newest)."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("WECARE_WEBHOOK_SECRET_KEY names no key")
        try:
            self._keys = [Fernet(k) for k in keys]
        except ValueError:
            raise ValueError("WECARE_WEBHOOK_SECRET_KEY must be Fernet keys (32 url-safe base64-encoded bytes, e.g. "
                             "from `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key()"
                             ".decode())'`), comma separated, newest first") from None
        self._box = MultiFernet(self._keys)

    def seal(self, secret: str) -> str:
        return SEALED + self._box.encrypt(secret.encode()).decode()

    def open(self, stored: str) -> str:
        """The secret; one stored in plain text by an older version is read as it is (until the start seals it)."""
        if not stored.startswith(SEALED):
            return stored
        try:
            return self._box.decrypt(stored.removeprefix(SEALED).encode()).decode()
        except InvalidToken:
            raise ValueError("a webhook signing secret was sealed under a key WECARE_WEBHOOK_SECRET_KEY no longer "
                             "lists") from None

    def sealed_by_newest(self, stored: str) -> bool:
        if not stored.startswith(SEALED):
            return False
        try:
            self._keys[0].decrypt(stored.removeprefix(SEALED).encode())
        except InvalidToken:
            return False
        return True


def secret_box(settings: Settings) -> SecretBox:
    """The box of the service's settings: WECARE_WEBHOOK_SECRET_KEY, else a
    key made once in the stack's data folder (<data_dir>/keys, 0600), as the
    local token signing key is."""
    raw = settings.webhook_secret_key
    if not raw:
        raw = _local_key(Path(settings.data_dir) / "keys" / KEY_FILE)
    return _box(raw)


@lru_cache(maxsize=8)
def _box(raw: str) -> SecretBox:
    return SecretBox([k.strip() for k in raw.split(",") if k.strip()])


def _local_key(path: Path) -> str:
    return made_once(path, Fernet.generate_key).decode().strip()


async def seal_stored_secrets(db: Database, box: SecretBox) -> int:
    """Seal under the newest key every stored secret that is not: those an older
    version stored in plain text, those sealed under an older key. How many."""
    async with db.read() as conn:
        rows = (await conn.execute(select(secrets_.c.endpoint_id, secrets_.c.created_at, secrets_.c.secret))).all()
    stale = [r for r in rows if not box.sealed_by_newest(r.secret)]
    if stale:
        async with db.write() as conn:
            for r in stale:
                await conn.execute(update(secrets_).where(
                    secrets_.c.endpoint_id == r.endpoint_id, secrets_.c.created_at == r.created_at,
                    secrets_.c.secret == r.secret).values(secret=box.seal(box.open(r.secret))))
        log.info("webhooks.secrets_sealed", count=len(stale))
    return len(stale)


def signature(secret_values: list[str], msg_id: str, at: datetime, body: str) -> str:
    return " ".join(Webhook(s).sign(msg_id, at, body) for s in secret_values)


async def active_secrets(conn: AsyncConnection, endpoint_id: str, at: datetime, box: SecretBox) -> list[str]:
    """The current secret first, then those in their grace period (opened)."""
    rows = (await conn.execute(select(secrets_.c.secret, secrets_.c.expires_at)
                               .where(secrets_.c.endpoint_id == endpoint_id)
                               .order_by(secrets_.c.created_at.desc()))).all()
    return [box.open(s) for s, exp in rows if exp is None or exp > at]


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


class _Endpoint:
    """One endpoint's queue in the dispatcher: its worker task (alive while
    the endpoint has something due or in flight, or waits for a slot) and its
    attempts in flight."""

    def __init__(self, endpoint_id: str, buyer: str) -> None:
        self.endpoint_id = endpoint_id
        self.buyer = buyer
        self.wake = asyncio.Event()
        self.inflight: dict[int, asyncio.Task[None]] = {}  # delivery_id -> its attempt
        self.worker: asyncio.Task[None] | None = None


class _Slots:
    """Attempts in flight, per buyer and in all. A worker looks for at most as
    many due records as there are free slots, then takes a slot for each
    (without a wait in between: others may have taken some meanwhile, and
    what it gets no slot for stays due); one that found records it got no slot
    for waits to be woken when its buyer's, or any, slot is given back: as
    many waiting workers, first come first woken, as slots came back (each
    woken worker queries the database; waking all of a buyer's at every slot
    given back weighed on other buyers' deliveries), and one that leaves a
    slot unused wakes the next. Slots are not reserved across the query: a
    reservation held while a worker found nothing due woke the others for
    nothing, round after round."""

    def __init__(self) -> None:
        self.total = 0
        self.full_logged_at = -inf  # when reaching the process's cap was last logged
        self.by_buyer: dict[str, int] = {}
        # buyer (None: the process's cap) -> the workers waiting for a slot, in order (an ordered set)
        self._waiting: dict[str | None, dict[_Endpoint, None]] = {}

    def free(self, buyer: str, per_buyer: int, total: int) -> int:
        return max(0, min(per_buyer - self.by_buyer.get(buyer, 0), total - self.total))

    def take(self, ep: _Endpoint, want: int, per_buyer: int, total: int) -> int:
        """Up to `want` slots for the endpoint's attempts; for fewer, it waits for one to be given back."""
        held = self.by_buyer.get(ep.buyer, 0)
        buyer_free, total_free = per_buyer - held, total - self.total
        n = max(0, min(want, buyer_free, total_free))
        if n:
            self.by_buyer[ep.buyer] = held + n
            self.total += n
        if n < want:  # waits for whichever cap held it back
            self._waiting.setdefault(ep.buyer if buyer_free <= total_free else None, {})[ep] = None
            if total_free <= n and time.monotonic() - self.full_logged_at > 60:  # a minute apart at most
                self.full_logged_at = time.monotonic()
                log.warning("webhooks.inflight_total_reached", inflight=self.total, cap=total,
                            hint="every buyer's deliveries wait for a slot: raise WECARE_WEBHOOK_INFLIGHT_TOTAL?")
        return n

    def give(self, buyer: str, n: int) -> None:
        if n <= 0:
            return
        held = self.by_buyer.get(buyer, 0) - n
        if held > 0:
            self.by_buyer[buyer] = held
        else:
            self.by_buyer.pop(buyer, None)
        self.total = max(0, self.total - n)
        self.wake(buyer, n)

    def wake(self, buyer: str, n: int) -> None:
        """Up to n of the workers waiting for the buyer's slots, and up to n of those waiting for the process's."""
        for key in (buyer, None):
            waiting = self._waiting.get(key) or {}
            for ep in list(waiting)[:n]:
                del waiting[ep]
                ep.wake.set()

    def waiting(self, ep: _Endpoint) -> bool:
        return any(ep in w for w in self._waiting.values())

    def forget(self, ep: _Endpoint) -> None:
        for w in self._waiting.values():
            w.pop(ep, None)


class Dispatcher:
    """Sends due deliveries, each endpoint on its own: a worker per endpoint
    sends the heads of that endpoint's (factory) queues, one record per queue
    at a time, at most `per_endpoint` at once, taking a slot of its buyer's
    (`webhook_inflight_per_buyer`) and of the process's
    (`webhook_inflight_total`) for each. Nothing else is shared between
    endpoints but the database and the HTTP client (whose connection pool has
    no global cap), so one endpoint's slow, hanging or failing receiver changes
    no other buyer's delivery time. The loop (`run`, under the service's
    supervisor) only finds the endpoints with something due, starting or
    waking their workers; a worker ends when its endpoint has nothing due or
    in flight. Each attempt is a task of its own, and whatever goes wrong while
    sending one delivery (any exception) is that delivery's failed attempt,
    retried and parked as usual."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.feed = feed
        self.s = settings
        self._wake = asyncio.Event()
        self._client: httpx.AsyncClient | None = None
        self.box = secret_box(settings)
        self._endpoints: dict[str, _Endpoint] = {}
        self.slots = _Slots()
        # delivery_id -> (monotonic time before which it is not sent, attempts in a row not recorded)
        self._held: dict[int, tuple[float, int]] = {}
        self.sent = 0

    @property
    def per_endpoint(self) -> int:
        """Deliveries of one endpoint in flight at once (its factories' queues served together)."""
        return max(1, self.s.webhook_concurrency)

    def wake(self) -> None:
        self._wake.set()

    def open(self) -> None:
        self._client = egress.client(lambda: self.s)

    async def _cancel_all(self) -> None:
        """Cancel every worker and attempt, and wait for them to unwind (roll back, give back their connection
        and the write lock): a stop that returned at once left attempts holding them, and the database's
        dispose then waited for ever (a full suite's run hung 180 s there once)."""
        tasks = [t for ep in self._endpoints.values() for t in (ep.worker, *ep.inflight.values()) if t]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._endpoints.clear()

    async def close(self) -> None:
        await self._cancel_all()
        if self._client:
            await self._client.aclose()
            self._client = None

    async def run(self) -> None:
        if self._client is None:
            self.open()
        # secrets stored in plain text or under a retired key are sealed anew first; a key that opens none of
        # them ends the loop here, named in its error (the supervisor retries, /health says degraded)
        try:
            await seal_stored_secrets(self.db, self.box)
        except ValueError:
            raise
        except Exception as e:  # noqa: BLE001 - the database is away: they are read as they are, sealed next start
            log.warning("webhooks.seal_failed", error=excerpt(str(e) or type(e).__name__, 300))
        try:
            while True:
                self._wake.clear()  # before the query: a wake while it runs is not lost
                try:
                    for endpoint_id, buyer in await self._due_endpoints():
                        self._serve(endpoint_id, buyer)
                except Exception as e:  # noqa: BLE001 - the database is away: try again soon
                    log.warning("webhooks.poll_failed", error=str(e) or type(e).__name__)
                # asyncio.timeout, not wait_for: Python 3.11's wait_for loses a cancel that arrives with a wake
                try:
                    async with asyncio.timeout(self.s.webhook_poll_s):
                        await self._wake.wait()
                except TimeoutError:
                    pass
        finally:
            await self._cancel_all()

    def _serve(self, endpoint_id: str, buyer: str) -> None:
        """Wake the endpoint's worker, or start one. One waiting for a slot is left to wait: a slot given back
        wakes it (woken at every poll, a capped buyer's workers queried the database for nothing, and another
        buyer's deliveries waited for those queries)."""
        ep = self._endpoints.get(endpoint_id)
        if ep is None:
            ep = self._endpoints[endpoint_id] = _Endpoint(endpoint_id, buyer)
        if not self.slots.waiting(ep):
            ep.wake.set()
        if ep.worker is None or ep.worker.done():
            ep.worker = asyncio.create_task(self._work(ep), name=f"webhooks-{endpoint_id}")

    async def _work(self, ep: _Endpoint) -> None:
        """One endpoint's worker: start its due heads while it has free slots (its own, its buyer's and the
        process's); end when nothing is due or in flight and it waits for no slot (the loop starts it again
        when something is due)."""
        try:
            await self._serve_endpoint(ep)
        finally:
            self.slots.forget(ep)

    async def _serve_endpoint(self, ep: _Endpoint) -> None:
        while True:
            ep.wake.clear()  # before the query: an attempt's end, a slot given back or a wake is not lost
            per_buyer, total = self.s.webhook_inflight_per_buyer, self.s.webhook_inflight_total
            self.slots.forget(ep)  # whether it waits for a slot is decided anew
            due: list[Any] = []
            want = self.per_endpoint - len(ep.inflight)
            free = self.slots.free(ep.buyer, per_buyer, total)
            if want > 0 and not free:
                self.slots.take(ep, want, per_buyer, total)  # none: it waits for one
            elif want > 0:
                try:
                    due = await self._due(ep, min(want, free))
                except Exception as e:  # noqa: BLE001 - the database is away: the loop wakes us again
                    log.warning("webhooks.poll_failed", endpoint_id=ep.endpoint_id, error=str(e) or type(e).__name__)
                due = due[:self.slots.take(ep, len(due), per_buyer, total)]  # the rest stays due: it waits
                if len(due) < free:  # slots it leaves free (one it was woken for, say): for the next waiting
                    self.slots.wake(ep.buyer, self.slots.free(ep.buyer, per_buyer, total))
            for d in due:
                task = asyncio.create_task(self._attempt(d), name=f"webhook-{d.delivery_id}")
                ep.inflight[d.delivery_id] = task
                task.add_done_callback(lambda _, i=d.delivery_id: self._done(ep, i))
            if not ep.inflight and not due and not ep.wake.is_set() and not self.slots.waiting(ep):
                if self._endpoints.get(ep.endpoint_id) is ep:
                    del self._endpoints[ep.endpoint_id]
                return
            await ep.wake.wait()  # an attempt ended, or the loop found something due

    def _done(self, ep: _Endpoint, delivery_id: int) -> None:
        if ep.inflight.pop(delivery_id, None) is not None:
            self.slots.give(ep.buyer, 1)  # wakes the buyer's workers waiting for a slot
        ep.wake.set()  # a queue of this endpoint is free again: its next record may be due

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

    def _skipped(self) -> list[int]:
        """Deliveries not to pick: those in flight and those held back."""
        now = time.monotonic()
        for i in [i for i, (until, _) in self._held.items() if until + self.s.webhook_backoff_max_s < now]:
            del self._held[i]  # long past: a later failure to record starts its backoff afresh
        return [i for ep in self._endpoints.values() for i in ep.inflight] + [
            i for i, (until, _) in self._held.items() if until > now]

    def _heads(self) -> Any:
        """Due heads of the (endpoint, factory) queues: pending, due, of an active endpoint, with no earlier
        record of their queue undelivered."""
        d, e = deliveries, deliveries.alias("earlier")
        blocked = exists().where(and_(e.c.endpoint_id == d.c.endpoint_id, e.c.ordering_key == d.c.ordering_key,
                                      e.c.position < d.c.position, e.c.status != "delivered"))
        return (select(d.c.delivery_id, d.c.endpoint_id, d.c.position, d.c.attempts, endpoints.c.buyer)
                .join(endpoints, endpoints.c.endpoint_id == d.c.endpoint_id)
                .where(d.c.status == "pending", d.c.next_attempt_at <= utcnow(), endpoints.c.active.is_(True),
                       ~blocked))

    async def _due_endpoints(self) -> list[tuple[str, str]]:
        """The endpoints (and their buyers) with a due head not in flight or held back."""
        h = self._heads()
        skip = self._skipped()
        if skip:
            h = h.where(deliveries.c.delivery_id.notin_(skip))
        h = h.subquery("heads")
        async with self.db.read() as conn:
            return [(r.endpoint_id, r.buyer) for r in await conn.execute(
                select(h.c.endpoint_id, h.c.buyer).distinct())]

    async def _due(self, ep: _Endpoint, limit: int) -> list[Any]:
        """Up to `limit` of the endpoint's due heads not in flight or held back, in feed order."""
        heads = self._heads().where(deliveries.c.endpoint_id == ep.endpoint_id)
        skip = self._skipped()
        if skip:
            heads = heads.where(deliveries.c.delivery_id.notin_(skip))
        h = heads.subquery("heads")
        q = (select(h.c.delivery_id, h.c.endpoint_id, h.c.position, h.c.attempts, endpoints.c.url,
                    endpoints.c.buyer, self.feed.c.record, self.feed.c.ce_id)
             .join(endpoints, endpoints.c.endpoint_id == h.c.endpoint_id)
             .join(self.feed, self.feed.c.position == h.c.position)
             .order_by(h.c.position).limit(limit))
        async with self.db.read() as conn:
            return list((await conn.execute(q)).all())

    async def _post(self, d: Any) -> egress.Answer:
        body = render(d, self.s.resolved_public_url()).decode()
        at = utcnow()
        async with self.db.read() as conn:
            keys = await active_secrets(conn, d.endpoint_id, at, self.box)
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


async def queue_counts(db: Database) -> dict[tuple[str, str], int]:
    """{("webhook-deliveries", buyer): deliveries waiting to be sent (pending, due or backing off)}, for the metrics."""
    q = (select(endpoints.c.buyer, func.count()).select_from(deliveries)
         .join(endpoints, endpoints.c.endpoint_id == deliveries.c.endpoint_id)
         .where(deliveries.c.status == "pending").group_by(endpoints.c.buyer))
    async with db.read() as conn:
        return {("webhook-deliveries", buyer): n for buyer, n in (await conn.execute(q)).all()}


async def requeue_parked(conn: AsyncConnection, *, endpoint_id: str | None = None,
                         delivery_id: int | None = None) -> int:
    """Parked deliveries go again, from a fresh count of attempts (in order: each is
    the head of its factory's queue)."""
    q = update(deliveries).where(deliveries.c.status == "parked")
    if endpoint_id:
        q = q.where(deliveries.c.endpoint_id == endpoint_id)
    if delivery_id is not None:
        q = q.where(deliveries.c.delivery_id == delivery_id)
    res = await conn.execute(q.values(status="pending", attempts=0, next_attempt_at=utcnow()))
    return res.rowcount or 0


async def redrive(db: Database, *, endpoint_id: str | None = None, delivery_id: int | None = None) -> int:
    """Parked deliveries go again (an operator's re-drive, of any buyer's)."""
    async with db.write() as conn:
        return await requeue_parked(conn, endpoint_id=endpoint_id, delivery_id=delivery_id)
