"""The event store on both backends: versions, optimistic concurrency,
idempotency, ordered streaming reads, upcasting."""

from __future__ import annotations

import asyncio
import random
import uuid
from contextlib import asynccontextmanager

import orjson
import pytest
from sqlalchemy import func, insert, select

from shared.contracts.envelope import utcnow
from shared.store.database import Database
from shared.store.eventstore import ConcurrencyError, EventStore
from shared.store.schema import commands, events, outbox
from tests.kernel.helpers import noted, scheduled
from wecare.sample import CONTEXT, VisitScheduled


@pytest.fixture
def store(database: Database) -> EventStore:
    return EventStore(database, CONTEXT)


async def count(db: Database, table=events) -> int:  # noqa: ANN001
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)))


async def test_append_and_load_round_trip(store: EventStore) -> None:
    e1, e2 = scheduled("visit-a"), noted("visit-a", 2, note="crèche needed")
    res = await store.append("visit-a", 0, [e1, e2])
    assert res.version == 2 and len(res.positions) == 2 and res.positions[0] < res.positions[1]
    loaded = await store.load("visit-a")
    assert [e.event_id for e in loaded] == [e1.event_id, e2.event_id]
    assert [e.stream_version for e in loaded] == [1, 2]
    assert loaded[1].payload == {"note": "crèche needed"}
    assert loaded[0].recorded_at is not None and loaded[0].recorded_at.tzinfo is not None
    assert loaded[0].occurred_at == e1.occurred_at
    assert loaded[0].correlation_id == e1.correlation_id and loaded[0].country == "bd"
    assert await store.version("visit-a") == 2
    assert await store.backlog() == 2  # both marked for publication in the same transaction


async def test_stale_version_is_rejected_and_nothing_is_stored(store: EventStore) -> None:
    await store.append("visit-a", 0, [scheduled("visit-a")])
    with pytest.raises(ConcurrencyError) as err:
        await store.append("visit-a", 0, [scheduled("visit-a")])
    assert err.value.current_version == 1 and err.value.expected_version == 0
    assert await count(store.db) == 1 and await count(store.db, outbox) == 1


async def test_two_concurrent_writers_exactly_one_wins(store: EventStore) -> None:
    await store.append("visit-a", 0, [scheduled("visit-a")])
    for round_ in range(10):
        v = 1 + round_
        results = await asyncio.gather(
            *(store.append("visit-a", v, [noted("visit-a", v + 1, note=f"writer {w}")]) for w in range(2)),
            return_exceptions=True,
        )
        wins = [r for r in results if not isinstance(r, BaseException)]
        losses = [r for r in results if isinstance(r, ConcurrencyError)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert losses[0].current_version == v + 1
    assert await store.version("visit-a") == 11


async def test_same_event_ids_twice_is_a_no_op(store: EventStore) -> None:
    batch = [scheduled("visit-a"), noted("visit-a", 2)]
    first = await store.append("visit-a", 0, batch)
    again = await store.append("visit-a", 0, batch)
    assert again.replayed and again.positions == first.positions
    assert await count(store.db) == 2
    with pytest.raises(ConcurrencyError):  # other events at a taken version: a conflict
        await store.append("visit-a", 0, [scheduled("visit-a"), noted("visit-a", 2)])


async def test_idempotency_key_appends_once(store: EventStore) -> None:
    key = f"cmd-{uuid.uuid4()}"
    first = await store.append("visit-a", 0, [scheduled("visit-a")], idempotency_key=key)
    # the client retries with the same key (new event ids, as a retried request would build)
    again = await store.append("visit-a", 0, [scheduled("visit-a")], idempotency_key=key)
    assert again.replayed and again.positions == first.positions and again.event_ids == first.event_ids
    assert await count(store.db) == 1 and await count(store.db, commands) == 1


async def test_read_all_in_order_and_by_country(store: EventStore) -> None:
    for i in range(25):
        cc = "bd" if i % 2 else "vn"
        await store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}", country=cc)])
    all_ = [e async for e in store.read_all(page=7)]
    assert len(all_) == 25
    assert [e.position for e in all_] == sorted(e.position for e in all_)
    after = [e async for e in store.read_all(after=all_[9].position, page=4)]
    assert [e.event_id for e in after] == [e.event_id for e in all_[10:]]
    bd = [e async for e in store.read_all(countries=["bd"], page=5)]
    assert len(bd) == 12 and {e.country for e in bd} == {"bd"}


async def test_old_schema_version_is_upcast_on_read(store: EventStore) -> None:
    # a v1 VisitScheduled as an older release stored it: "factory_name", no "purpose"
    async with store.db.write(appending=True) as conn:
        await conn.execute(insert(events).values(
            event_id=uuid.uuid4(), stream_id="visit-old", stream_version=1, event_type="VisitScheduled",
            schema_version=1, country="cn", occurred_at=utcnow(), recorded_at=utcnow(), correlation_id="c",
            causation_id=None, actor="legacy",
            payload=orjson.dumps({"factory_name": "Dongguan Toys", "visit_date": "2025-05-01"}).decode()))
    [env] = await store.load("visit-old")
    e = env.event()
    assert isinstance(e, VisitScheduled) and VisitScheduled.schema_version == 2
    assert e.factory == "Dongguan Toys" and e.purpose == "advisory"


def _delayed_commits(db: Database, serialise: bool) -> Database:
    """Make every append hold its transaction open for a random moment after
    inserting, so that late commits are likely. serialise=False drops the
    append lock between processes: the reader must then be able to catch the
    skip."""
    original = db.appending

    @asynccontextmanager
    async def appending():  # noqa: ANN202
        async with original() as driver:
            yield driver
            await asyncio.sleep(random.uniform(0, 0.01))

    async def begin_without_lock(driver) -> None:  # noqa: ANN001
        await driver.execute("BEGIN")

    db.appending = appending  # type: ignore[method-assign]
    if not serialise:
        db._begin_append = begin_without_lock  # type: ignore[method-assign]
    return db


async def _writers_against_reader(store: EventStore, writers: int, per_writer: int, *, replicas: int = 1,
                                  serialise: bool = True) -> tuple[list[int], int]:
    """`writers` concurrent writers spread over `replicas` processes' worth
    of stores (each its own Database, as two service replicas have), against
    a reader of read_all."""
    dbs = [_delayed_commits(Database(store.db.url), serialise) for _ in range(replicas)]
    stores = [EventStore(db, store.context) for db in dbs]
    done = asyncio.Event()
    seen: list[int] = []

    async def writer(w: int) -> None:
        for i in range(per_writer):
            await stores[w % replicas].append(f"visit-{w}-{i}", 0, [scheduled(f"visit-{w}-{i}")])

    async def reader() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            async for e in store.read_all(after=cursor, page=50):
                seen.append(e.position)  # type: ignore[arg-type]
                cursor = e.position  # type: ignore[assignment]
            if finished:
                return
            await asyncio.sleep(0.001)

    r = asyncio.create_task(reader())
    try:
        await asyncio.gather(*(writer(w) for w in range(writers)))
    finally:
        done.set()
        await r
        for db in dbs:
            await db.dispose()
    return seen, await count(store.db)


async def test_reader_never_skips_a_late_commit(store: EventStore) -> None:
    seen, total = await _writers_against_reader(store, writers=16, per_writer=15, replicas=4)
    assert len(seen) == total == 240
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_without_the_append_lock_the_reader_does_skip(store: EventStore) -> None:
    """The same test without the append lock between replicas on PostgreSQL:
    sequence values commit out of order and the reader misses events. This
    is what the advisory lock in Database.appending() prevents."""
    seen, total = await _writers_against_reader(store, writers=16, per_writer=15, replicas=4, serialise=False)
    assert total == 240
    assert len(seen) < total, "expected skipped events without the append lock"


async def test_private_events_are_stored_but_never_marked_for_publication(store: EventStore) -> None:
    from shared.contracts.envelope import Envelope
    from wecare.sample import VisitConfidentialNote

    secret = Envelope.wrap(VisitConfidentialNote(note="names"), stream_id="visit-a", stream_version=2,
                           country="bd", actor="t", correlation_id="c")
    await store.append("visit-a", 0, [scheduled("visit-a"), secret])
    assert await count(store.db) == 2
    assert [e.event_type for e in await store.pending(10)] == ["VisitScheduled"]
    await store.mark_published([e.position for e in await store.pending(10)])
    assert (await store.republish_from(1)).marked == 1  # the operator's re-publish skips it too


async def test_append_at_the_end_whatever_the_version(store: EventStore) -> None:
    await asyncio.gather(*(store.append("survey-a", None, [noted("survey-a", 1, note=str(i))]) for i in range(20)))
    loaded = await store.load("survey-a")
    assert [e.stream_version for e in loaded] == list(range(1, 21))
    assert sorted(e.payload["note"] for e in loaded) == sorted(str(i) for i in range(20))


async def test_appends_in_one_transaction_commit_together_or_not_at_all(store: EventStore) -> None:
    async with store.transaction() as conn:
        await store.append("visit-a", 0, [scheduled("visit-a")], conn=conn)
        await store.append("visit-b", 0, [scheduled("visit-b", factory="F_2%")], conn=conn)
        assert await store.version("visit-a", conn=conn) == 1  # the transaction sees its own appends
        found = await store.find("VisitScheduled", containing='"F_2%"', conn=conn)  # LIKE's wildcards escaped
        assert [e.stream_id for e in found] == ["visit-b"]
    assert await store.version("visit-a") == 1 and await store.version("visit-b") == 1
    with pytest.raises(RuntimeError):
        async with store.transaction() as conn:
            await store.append("visit-c", 0, [scheduled("visit-c")], conn=conn)
            await store.append("visit-d", 0, [scheduled("visit-d")], conn=conn)
            raise RuntimeError("a later step fails")
    assert await store.version("visit-c") == 0 and await store.version("visit-d") == 0
    assert await count(store.db) == 2 and await count(store.db, outbox) == 2


async def test_a_cached_stream_still_shows_what_another_replica_appended(database: Database) -> None:
    mine, other = EventStore(database, CONTEXT), EventStore(database, CONTEXT)
    await mine.append("visit-a", 0, [scheduled("visit-a")])
    assert len(await mine.load_stream("visit-a")) == 1  # now cached
    await other.append("visit-a", 1, [noted("visit-a", 2)])
    assert [e.stream_version for e in await mine.load_stream("visit-a")] == [1, 2]
    with pytest.raises(RuntimeError):  # events of a transaction that rolls back are never cached
        async with mine.transaction() as conn:
            await mine.append("visit-a", 2, [noted("visit-a", 3)], conn=conn)
            assert len(await mine.load("visit-a", conn=conn)) == 3
            raise RuntimeError("a later step fails")
    assert [e.stream_version for e in await mine.load_stream("visit-a")] == [1, 2]


def _count_transactions(db: Database) -> list[int]:
    """How many append transactions committed (one group commit = one)."""
    original, commits = db.appending, [0]

    @asynccontextmanager
    async def appending():  # noqa: ANN202
        async with original() as driver:
            yield driver
        commits[0] += 1

    db.appending = appending  # type: ignore[method-assign]
    return commits


async def test_concurrent_commands_commit_in_groups_each_with_its_own_outcome(store: EventStore) -> None:
    """Commands that arrive while another commits share the next transaction,
    and each still gets its own result: fresh appends, a stale version, a
    retried idempotency key and the same events again, all in flight at once."""
    await store.append("visit-old", 0, [scheduled("visit-old")], idempotency_key="done-before")
    again = [scheduled("visit-same"), noted("visit-same", 2)]
    first_same = await store.append("visit-same", 0, again)
    commits = _count_transactions(store.db)
    fresh = [store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}"), noted(f"visit-{i}", 2)]) for i in range(40)]
    stale = store.append("visit-old", 0, [scheduled("visit-old")])
    retried = store.append("visit-old", 0, [scheduled("visit-old")], idempotency_key="done-before")
    same = store.append("visit-same", 0, again)
    rivals = [store.append("visit-rival", 0, [scheduled("visit-rival", factory=f"F{w}")]) for w in range(2)]
    results = await asyncio.gather(*fresh, stale, retried, same, *rivals, return_exceptions=True)
    assert commits[0] < 10, f"{commits[0]} transactions for 45 commands: not grouped"
    fresh_r, stale_r, retried_r, same_r, rival_r = results[:40], results[40], results[41], results[42], results[43:]
    assert all(r.version == 2 and not r.replayed and len(r.positions) == 2 for r in fresh_r)
    positions = [p for r in fresh_r for p in r.positions]
    assert len(set(positions)) == 80
    assert isinstance(stale_r, ConcurrencyError) and stale_r.current_version == 1
    assert retried_r.replayed and retried_r.version == 1
    assert same_r.replayed and same_r.positions == first_same.positions
    assert sorted(type(r).__name__ for r in rival_r) == ["AppendResult", "ConcurrencyError"]
    assert await count(store.db) == 1 + 2 + 80 + 1
    assert await count(store.db, outbox) == 1 + 2 + 80 + 1
    for r in fresh_r:  # every stream reads back whole, in version order
        assert [e.stream_version for e in await store.load(r.stream_id)] == [1, 2]


async def test_an_event_id_taken_by_another_stream_fails_only_its_own_command(store: EventStore) -> None:
    """A duplicate event id breaks the group's transaction: the group is
    committed again one command at a time, so only the culprit fails."""
    taken = scheduled("visit-a")
    await store.append("visit-a", 0, [taken])
    thief = taken.model_copy(update={"stream_id": "visit-b"})
    results = await asyncio.gather(
        *(store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}")]) for i in range(10, 20)),
        store.append("visit-b", 0, [thief]),
        return_exceptions=True,
    )
    assert all(not isinstance(r, BaseException) for r in results[:10]), results
    assert isinstance(results[10], ConcurrencyError)
    assert await store.version("visit-b") == 0 and await count(store.db) == 11


async def test_a_caller_that_goes_away_does_not_undo_the_others(store: EventStore) -> None:
    """The command that leads a group commit is cancelled (its client went
    away): the group's other commands still commit and get their results."""
    await store.append("visit-warm", 0, [scheduled("visit-warm")])
    async with store._group_lock:  # hold the committer so that a group forms behind it
        tasks = [asyncio.create_task(store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}")])) for i in range(8)]
        await asyncio.sleep(0.01)
    await asyncio.sleep(0)  # the first waiter takes the group and starts committing
    tasks[0].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(not isinstance(r, BaseException) for r in results[1:]), results
    assert await count(store.db) == 1 + 8  # the cancelled caller's command committed with its group
    assert await store.backlog() == 9


async def test_previous_version_skips_private_events_across_commands(store: EventStore) -> None:
    """Each event names its stream's previous *published* version, computed in
    the insert itself from what is stored, also across commands and groups."""
    from shared.contracts.envelope import Envelope
    from wecare.sample import VisitConfidentialNote

    def secret(v: int) -> Envelope:
        return Envelope.wrap(VisitConfidentialNote(note="x"), stream_id="visit-a", stream_version=v, country="bd",
                             actor="t", correlation_id="c")

    await store.append("visit-a", 0, [scheduled("visit-a"), secret(2)])
    await store.append("visit-a", 2, [secret(3)])
    await asyncio.gather(store.append("visit-a", 3, [noted("visit-a", 4), secret(5), noted("visit-a", 6)]),
                         store.append("visit-z", 0, [scheduled("visit-z")]))
    await store.append("visit-a", None, [noted("visit-a", 1)])
    loaded = await store.load("visit-a")
    assert [(e.stream_version, e.previous_version) for e in loaded] == [
        (1, 0), (2, 1), (3, 1), (4, 1), (5, 4), (6, 4), (7, 6)]
