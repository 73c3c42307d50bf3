"""The event log's hash chain: tamper evidence for each service's events.

Every event the store appends gets a link in `event_chain`, written in the
same transaction: the SHA-256 of the previous link's hash and of the event's
stored row in a canonical form (`record`: every column, the payload as the
text stored, so a sealed payload is hashed as ciphertext and erasure, which
deletes keys and never rewrites events, leaves the chain intact). The link
also names the position of the record before it, so a verifier tells a
changed record (its hash differs) from a deleted one (a link that names a
predecessor which is not the record before it, or a link without a record).

What it proves: that the log is the one the store wrote, record by record,
since the chain's first link, unless the whole chain from the changed
record on was computed again. Whoever can write the database can do that
(nothing here is secret); an exported head (`wecare audit head`) kept
elsewhere is what catches such a rewrite, and the removal of the last
records. Records written before the chain existed (a database from an older
version: its first link is the first event appended after the upgrade) are
counted and not covered.

The append keeps the last link in memory and writes the new links only if
the chain's last link is still that one (checked in the insert itself,
under the append lock): another process that appended in between makes it
read the last link and hash again. On PostgreSQL the links go in the same
statement as the outbox markers (no extra round trip); on SQLite the
statement runs on the event loop's thread under the write lock.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select

from shared.store.database import Database
from shared.store.schema import event_chain, events

GENESIS = ""  # the "previous hash" of the chain's first link


def time(v: datetime) -> str:
    """A stored time, canonical: UTC to the microsecond (what both databases keep)."""
    if v.tzinfo is not UTC:
        v = v.astimezone(UTC)
    return v.replace(tzinfo=None).isoformat(timespec="microseconds")


def record(position: int, event_id: uuid.UUID, stream_id: str, stream_version: int,
           previous_version: int | None, event_type: str, schema_version: int, country: str,
           occurred_at: str, recorded_at: str, correlation_id: str, causation_id: str | None,
           actor: str, payload: str) -> bytes:
    """An event's stored row, canonical (times by `time`): the same bytes
    from the values the append wrote and from the row read back, on SQLite
    and PostgreSQL."""
    return orjson.dumps([position, event_id.hex, stream_id, stream_version, previous_version, event_type,
                         schema_version, country, occurred_at, recorded_at, correlation_id, causation_id, actor,
                         payload])


def link(previous_hash: str, rec: bytes) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + rec).hexdigest()


def row_record(r: Any) -> bytes:  # noqa: ANN401 - a row of `events`
    return record(r.position, r.event_id, r.stream_id, r.stream_version, r.previous_version, r.event_type,
                  r.schema_version, r.country, time(r.occurred_at), time(r.recorded_at), r.correlation_id,
                  r.causation_id, r.actor, r.payload)


@dataclass(frozen=True)
class Break:
    """The first place where the log is not the one the store wrote."""

    position: int
    stream_id: str | None
    version: int | None
    what: str  # "content" | "link" | "missing" | "unchained" | "head"
    detail: str

    def __str__(self) -> str:
        at = f"position {self.position}"
        if self.stream_id is not None:
            at += f" (stream {self.stream_id} v{self.version})"
        return f"broken at {at}: {self.what}: {self.detail}"


@dataclass(frozen=True)
class Report:
    checked: int  # records whose link was verified
    before_chain: int  # records written before the chain began (not covered)
    head: tuple[int, str] | None  # the last link verified: (position, hash)
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


async def _paged(db: Database, table: Any, columns: list[Any], page: int) -> AsyncIterator[Any]:  # noqa: ANN401
    after = 0
    while True:
        async with db.read() as conn:
            rows = (await conn.execute(select(*columns).where(table.c.position > after)
                                       .order_by(table.c.position).limit(page))).all()
        for r in rows:
            yield r
        if len(rows) < page:
            return
        after = rows[-1].position


async def _merged(db: Database, page: int) -> AsyncIterator[tuple[int, Any, Any]]:  # noqa: ANN401
    """(position, event row or None, chain row or None), in position order."""
    evs = _paged(db, events, list(events.c), page).__aiter__()
    links = _paged(db, event_chain, list(event_chain.c), page).__aiter__()
    e = await anext(evs, None)
    c = await anext(links, None)
    while e is not None or c is not None:
        if c is None or (e is not None and e.position < c.position):
            yield e.position, e, None
            e = await anext(evs, None)
        elif e is None or c.position < e.position:
            yield c.position, None, c
            c = await anext(links, None)
        else:
            yield e.position, e, c
            e, c = await anext(evs, None), await anext(links, None)


async def verify(db: Database, *, expect_head: tuple[int, str] | None = None, page: int = 2000) -> Report:
    """Walk the log and its chain in position order; the first break found
    (None: every record since the chain's start is as written). With
    `expect_head` (a head exported earlier): that link must still be there,
    with that hash."""
    previous_position: int | None = None
    previous_hash = GENESIS
    started = False
    checked = before = 0
    head_seen = expect_head is None

    def report(broken: Break | None) -> Report:
        head = (previous_position, previous_hash) if previous_position is not None else None
        return Report(checked, before, head, broken)

    async for pos, ev, ch in _merged(db, page):
        stream = (ev.stream_id, ev.stream_version) if ev is not None else (None, None)
        if ch is None:
            if not started:
                before += 1
                continue
            return report(Break(pos, *stream, "unchained", "the record has no link in the chain: written "
                                "outside the event store, or its link was deleted"))
        if ev is None:
            return report(Break(pos, None, None, "missing", "the chain has a link for this position and the "
                                "record is gone: deleted"))
        if not started:
            started = True
            if ch.previous is not None:
                return report(Break(pos, *stream, "link", f"the chain's first link follows position "
                                    f"{ch.previous}, which has none: the chain's start was deleted"))
        elif ch.previous != previous_position:
            return report(Break(pos, *stream, "link", f"the record's link follows position {ch.previous}, the "
                                f"record before it is at {previous_position}: records in between were deleted "
                                "or added"))
        if link(previous_hash, row_record(ev)) != ch.hash:
            return report(Break(pos, *stream, "content", "the record differs from what was hashed when it "
                                "was written: changed since"))
        if expect_head is not None and pos == expect_head[0]:
            if ch.hash != expect_head[1]:
                return report(Break(pos, *stream, "head", "the chain was computed again since the head was "
                                    "exported: its hash at this position is another"))
            head_seen = True
        previous_position, previous_hash = pos, ch.hash
        checked += 1
    if not started and before:
        return report(Break(0, None, None, "unchained", f"none of the {before} records is in the chain: a "
                            "database from before it (the chain starts at the next append), or the chain "
                            "was deleted"))
    if not head_seen:
        assert expect_head is not None
        return report(Break(expect_head[0], None, None, "head", "the exported head's record is gone: the log "
                            "was cut back since"))
    return report(None)


async def head(db: Database) -> tuple[int, str] | None:
    """The chain's last link (position, hash): export it now and then, keep
    it elsewhere, and give it to `verify` (a rewrite of the chain since then
    no longer matches)."""
    async with db.read() as conn:
        r = (await conn.execute(select(event_chain.c.position, event_chain.c.hash)
                                .order_by(event_chain.c.position.desc()).limit(1))).first()
    return (r.position, r.hash) if r is not None else None
