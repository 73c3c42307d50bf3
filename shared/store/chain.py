"""The event log's hash chain: tamper evidence for each service's events.

Every append writes a link in `event_chain`, in its own transaction (a
group commit: one link for all its commands): the position and SHA-256 of
each event's stored row in a canonical form (`record`: every column, the
payload as the text stored, so a sealed payload is hashed as ciphertext,
and erasure, which deletes keys and never rewrites events, leaves the chain
intact), and the SHA-256 of that list with the previous link's hash. A link
also names the position where the link before it ends. So a verifier names
a changed record (its digest differs), a deleted one (listed, not there),
one added past the store (there, not listed), and a deleted link (the next
one follows a position the chain does not end at).

What it proves: that the log is the one the store wrote since the chain's
first link, unless the chain from the changed record on was computed again.
Whoever can write the database can do that (nothing here is secret); an
exported head (`wecare audit head`) kept elsewhere is what catches such a
rewrite, and the removal of the last records. Records written before the
chain existed (a database from an older version: its first link is the
first append after the upgrade) are counted and not covered; the first
link hashes how many there were (`genesis`: none on a log chained from its
first record), so one added below the chain's start, or deleted there, is
a break. The store numbers records from 1: one at 0 or below is a break.

`verify` reads page by page, each page its own read transaction, and
judges the log up to the chain's head as it was when the run began:
appends commit in position order, each with its link, so every record up
to that link was there already, and what a running service appends
meanwhile is not taken for tampering (the next run judges it).

The append keeps the last link in memory and writes the new one only if
the chain's last link is still that one (checked in the insert itself,
under the append lock): another process that appended in between makes it
read the last link and hash again. On PostgreSQL the link goes in the same
statement as the outbox markers (no extra round trip); on SQLite the
statement runs on the event loop's thread under the write lock. One row
per append, not per event: a command of ten events costs one more row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, select

from shared.store.database import Database
from shared.store.schema import event_chain, events

GENESIS = ""  # the "previous hash" of the chain's first link


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def time(v: datetime) -> int:
    """A stored time, canonical: microseconds since 1970-01-01 UTC (both
    databases keep microseconds; exact, and cheaper than any text form)."""
    return (v - _EPOCH) // _MICROSECOND


def record(position: int, event_id: uuid.UUID, stream_id: str, stream_version: int,
           previous_version: int | None, event_type: str, schema_version: int, country: str,
           occurred_at: int, recorded_at: int, correlation_id: str, causation_id: str | None,
           actor: str, payload: str) -> bytes:
    """An event's stored row, canonical (times by `time`): the same bytes
    from the values the append wrote and from the row read back, on SQLite
    and PostgreSQL."""
    return orjson.dumps([position, event_id.hex, stream_id, stream_version, previous_version, event_type,
                         schema_version, country, occurred_at, recorded_at, correlation_id, causation_id, actor,
                         payload])


def digest(rec: bytes) -> str:
    return hashlib.sha256(rec).hexdigest()


def link_hash(previous_hash: str, records: str) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + records.encode()).hexdigest()


def genesis(before: int) -> str:
    """The "previous hash" of the chain's first link, written when the log
    held `before` records (0: a log chained from its first record; else a
    database from before the chain): a record added below the chain's start,
    or one of those deleted, breaks the first link."""
    return f"after {before} records" if before else GENESIS


def new_link(head: tuple[int, str], records: Sequence[tuple[int, bytes]],
             before: int = 0) -> tuple[int, int | None, str, str]:
    """The link (position, previous, records, hash) of `records` ((position,
    canonical record), in position order) after the link `head` ((position,
    hash); position 0: the chain's start, after `before` records)."""
    listed = " ".join(f"{p}:{digest(rec)}" for p, rec in records)
    return records[-1][0], head[0] or None, listed, link_hash(head[1] if head[0] else genesis(before), listed)


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


async def _paged(db: Database, table: Any, columns: list[Any], page: int, upto: int) -> AsyncIterator[Any]:  # noqa: ANN401
    """The rows of `table` up to position `upto`, in position order from the
    lowest: whatever their position (the store numbers from 1; a row below
    was written past it, and is judged like any other)."""
    after: int | None = None
    while True:
        q = select(*columns).where(table.c.position <= upto)
        if after is not None:
            q = q.where(table.c.position > after)
        async with db.read() as conn:
            rows = (await conn.execute(q.order_by(table.c.position).limit(page))).all()
        for r in rows:
            yield r
        if len(rows) < page:
            return
        after = rows[-1].position


async def _first_after(db: Database, position: int) -> Any | None:  # noqa: ANN401 - a row of `events`
    async with db.read() as conn:
        return (await conn.execute(select(*events.c).where(events.c.position > position)
                                   .order_by(events.c.position).limit(1))).first()


async def verify(db: Database, *, expect_head: tuple[int, str] | None = None, page: int = 2000) -> Report:
    """Walk the chain's links and the log in position order; the first break
    found (None: every record since the chain's start is as written). With
    `expect_head` (a head exported earlier): that link must still be there,
    with that hash.

    The walk ends at the chain's head as it was when it began: the records
    up to its link all committed before it (appends commit in position
    order, each with its link), and what a running service appends meanwhile
    is judged by the next run. Pages are separate read transactions (memory
    stays flat on a long log; no snapshot held open on the database)."""
    top = await head(db)
    if top is None:  # no chain: the records there are all before it (unless one appended meanwhile began it)
        async with db.read() as conn:
            upto = int(await conn.scalar(select(func.max(events.c.position))) or 0)
        top = await head(db)
    if top is not None:
        upto = top[0]
    evs = _paged(db, events, list(events.c), page, upto).__aiter__()
    ev = await anext(evs, None)
    previous_position: int | None = None
    previous_hash = GENESIS
    checked = before = 0
    lowest: Any = None  # the first record before the chain's first link
    head_seen = expect_head is None

    def report(broken: Break | None) -> Report:
        head = (previous_position, previous_hash) if previous_position is not None else None
        return Report(checked, before, head, broken)

    def at(position: int, row: Any, what: str, detail: str) -> Report:  # noqa: ANN401
        stream = (row.stream_id, row.stream_version) if row is not None else (None, None)
        return report(Break(position, *stream, what, detail))

    def below_one(row: Any) -> Report:  # noqa: ANN401
        return at(row.position, row, "unchained", "position 0 or below: the store numbers records from 1, so it "
                  "was written outside the event store")

    async for lk in _paged(db, event_chain, list(event_chain.c), page, upto):
        listed = [(int(p), d) for p, _, d in (x.partition(":") for x in lk.records.split())]
        first = listed[0][0] if listed else lk.position
        rows: dict[int, Any] = {}  # the log's records up to the link's end
        while ev is not None and ev.position <= lk.position:
            if ev.position <= 0:
                return below_one(ev)
            if previous_position is None and ev.position < first:
                before += 1  # before the chain's first link
                lowest = lowest or ev
            else:
                rows[ev.position] = ev
            ev = await anext(evs, None)
        if previous_position is None:  # the first link hashed how many records the log held before it
            previous_hash = genesis(before)
            if before and link_hash(GENESIS, lk.records) == lk.hash:
                return at(lowest.position, lowest, "unchained", "the chain began with the log (no record before "
                          "its first link), and no link lists this record: written outside the event store")
        if lk.previous != previous_position:
            if previous_position is None:
                detail = (f"the chain's first link follows position {lk.previous}, and no link ends there: "
                          "the chain's start was deleted")
            else:
                detail = (f"its link follows position {lk.previous}, the link before it ends at "
                          f"{previous_position}: a link in between was deleted (with its records or not), or "
                          "one added")
            return at(first, rows.get(first), "link", detail)
        digests = dict(listed)
        for pos in sorted(set(digests) | set(rows)):
            row = rows.get(pos)
            if row is None:
                return at(pos, None, "missing", "its link lists the record and the record is gone: deleted")
            if pos not in digests:
                return at(pos, row, "unchained", "no link lists the record: written outside the event store, "
                          "or its link was changed")
            if digest(row_record(row)) != digests[pos]:
                return at(pos, row, "content", "the record differs from what was hashed when it was written: "
                          "changed since")
            checked += 1
        if link_hash(previous_hash, lk.records) != lk.hash:
            detail = "the link's list of record digests was changed"
            if previous_position is None:
                detail = (f"{before} records before the chain's first link, not the number it was hashed "
                          f"after: records before the chain were added or deleted, or {detail}")
            return at(first, rows.get(first), "link", detail)
        if expect_head is not None and lk.position == expect_head[0]:
            if lk.hash != expect_head[1]:
                return at(lk.position, rows.get(lk.position), "head", "the chain was computed again since the "
                          "head was exported: its hash at this position is another")
            head_seen = True
        previous_position, previous_hash = lk.position, lk.hash
    while ev is not None:
        if ev.position <= 0:
            return below_one(ev)
        if previous_position is not None:
            return at(ev.position, ev, "unchained", "no link lists the record: written outside the event store, "
                      "or its link was deleted")
        before += 1
        ev = await anext(evs, None)
    if previous_position is None and before:
        return report(Break(0, None, None, "unchained", f"none of the {before} records is in the chain: a "
                            "database from before it (the chain starts at the next append), or the chain "
                            "was deleted"))
    if previous_position is not None and (past := await _first_after(db, previous_position)) is not None:
        # past the head the walk began with: appended since (its link committed with it, so the chain's
        # head, read after it, reaches it), or written past the store
        now = await head(db)
        if now is None or now[0] < past.position:
            return at(past.position, past, "unchained", "no link lists the record: written outside the event "
                      "store, or its link was deleted")
    if not head_seen:
        assert expect_head is not None
        return report(Break(expect_head[0], None, None, "head", "the exported head's link is gone: the log "
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
