"""The event log is tamper-evident: every record appended through the store
is linked into a hash chain, and `wecare audit verify` names the first
record that was changed or deleted behind the store's back (plain SQL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from shared.contracts.envelope import Envelope
from shared.store import chain
from shared.store.database import Database
from shared.store.eventstore import EventStore
from shared.store.schema import event_chain, events
from tests.kernel.helpers import noted, scheduled
from wecare.cli import main as wecare
from wecare.sample import CONTEXT, VisitConfidentialNote


@pytest.fixture
def store(database: Database) -> EventStore:
    return EventStore(database, CONTEXT)


async def _fill(store: EventStore) -> None:
    """Eight records the ways the store appends them: a command's batch, a
    private event, at the end of a stream, several streams in one transaction."""
    await store.append("visit-a", 0, [scheduled("visit-a"), noted("visit-a", 2, note="crèche needed")])
    secret = Envelope.wrap(VisitConfidentialNote(note="names"), stream_id="visit-a", stream_version=3,
                           country="bd", actor="t", correlation_id="c")
    await store.append("visit-a", 2, [secret])
    await store.append("visit-b", None, [scheduled("visit-b")])
    await store.append("visit-b", None, [noted("visit-b", 1)])
    async with store.transaction() as conn:
        await store.append("visit-c", 0, [scheduled("visit-c")], conn=conn)
        await store.append("visit-d", 0, [scheduled("visit-d"), noted("visit-d", 2)], conn=conn)


async def _verify(db: Database, capsys, *more: str) -> tuple[int, str]:  # noqa: ANN001
    """The command as an operator runs it (its own event loop: in a thread here)."""
    code = await asyncio.to_thread(wecare, ["audit", "verify", "sample", "--database-url", db.url, *more])
    return code, capsys.readouterr().out


async def test_verify_passes_on_an_untouched_store(store: EventStore, capsys) -> None:  # noqa: ANN001
    await _fill(store)
    code, out = await _verify(store.db, capsys)
    assert code == 0, out
    assert "8 records checked, chain intact" in out
    head = await chain.head(store.db)
    assert head is not None and head[0] == await store.head() and f"head {head[0]}:{head[1]}" in out
    assert await asyncio.to_thread(wecare, ["audit", "head", "sample", "--database-url", store.db.url]) == 0
    assert capsys.readouterr().out.strip() == f"{head[0]}:{head[1]}"


async def test_a_payload_changed_with_plain_sql_is_named(store: EventStore, capsys) -> None:  # noqa: ANN001
    await _fill(store)
    [e] = [e for e in await store.load("visit-a") if e.stream_version == 2]
    async with store.db.write() as conn:
        await conn.execute(update(events).where(events.c.position == e.position)
                           .values(payload='{"note":"no crèche needed"}'))
    code, out = await _verify(store.db, capsys)
    assert code == 1
    assert f"BROKEN after 1 records checked\n  broken at position {e.position} (stream visit-a v2): content:" in out


async def test_a_record_deleted_in_the_middle_is_named(store: EventStore, capsys) -> None:  # noqa: ANN001
    await _fill(store)
    b1, b2 = await store.load("visit-b")
    async with store.db.write() as conn:
        await conn.execute(delete(events).where(events.c.position == b1.position))
    code, out = await _verify(store.db, capsys)
    assert code == 1 and f"broken at position {b1.position}: missing:" in out
    # its link deleted as well: the next record's link names it
    async with store.db.write() as conn:
        await conn.execute(text("DELETE FROM event_chain WHERE position = :p"), {"p": b1.position})
    code, out = await _verify(store.db, capsys)
    assert code == 1
    assert f"broken at position {b2.position} (stream visit-b v2): link: its link follows position " \
           f"{b1.position}, the link before it ends at {b1.position - 1}" in out


async def test_a_record_added_behind_the_store_is_named(store: EventStore, capsys) -> None:  # noqa: ANN001
    await _fill(store)
    event_id = "'00000000000000000000000000000001'" if store.db.is_sqlite else "CAST(:id AS uuid)"
    async with store.db.write() as conn:
        await conn.execute(text(
            "INSERT INTO events (position, event_id, stream_id, stream_version, event_type, schema_version, "
            "country, occurred_at, recorded_at, correlation_id, actor, payload) SELECT position + 1, " + event_id + ", "
            "'visit-z', 1, event_type, schema_version, country, occurred_at, recorded_at, correlation_id, "
            "'intruder', payload FROM events WHERE position = (SELECT max(position) FROM events)"),
            {"id": "00000000-0000-0000-0000-000000000001"})
    code, out = await _verify(store.db, capsys)
    assert code == 1 and "(stream visit-z v1): unchained:" in out


async def test_replicas_appending_in_turn_keep_one_chain(database: Database, capsys) -> None:  # noqa: ANN001
    """Two stores on one database (two replicas): each appends after the
    other, so the last link each remembers is stale; and a transaction that
    rolls back leaves a remembered link that never committed."""
    mine, other = EventStore(database, CONTEXT), EventStore(database, CONTEXT)
    for i in range(3):
        await mine.append(f"visit-m{i}", 0, [scheduled(f"visit-m{i}")])
        await other.append(f"visit-o{i}", 0, [scheduled(f"visit-o{i}"), noted(f"visit-o{i}", 2)])
    with pytest.raises(RuntimeError):
        async with mine.transaction() as conn:
            await mine.append("visit-x", 0, [scheduled("visit-x")], conn=conn)
            raise RuntimeError("a later step fails")
    await mine.append("visit-y", 0, [scheduled("visit-y")])
    code, out = await _verify(database, capsys)
    assert code == 0 and "10 records checked, chain intact" in out, out


async def test_group_commits_link_every_command(store: EventStore, capsys) -> None:  # noqa: ANN001
    """Concurrent commands commit in groups (one link for each group), some
    of them failing on a stale version: the chain covers exactly what
    committed."""
    await store.append("visit-a", 0, [scheduled("visit-a")])
    outcomes = await asyncio.gather(*(store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}"), noted(f"visit-{i}", 2)])
                                      for i in range(40)),
                                    *(store.append("visit-a", 0, [scheduled("visit-a")]) for _ in range(5)),
                                    return_exceptions=True)
    assert sum(isinstance(o, Exception) for o in outcomes) == 5
    async with store.db.read() as conn:
        links = len((await conn.execute(event_chain.select())).all())
    code, out = await _verify(store.db, capsys)
    assert code == 0 and "81 records checked, chain intact" in out, out
    assert links < 41  # grouped


async def test_a_rewritten_chain_passes_alone_and_fails_against_an_exported_head(store: EventStore,
                                                                                    capsys) -> None:  # noqa: ANN001
    """What the chain does not prove: whoever can write the database can hash
    the whole chain again. A head exported before catches it."""
    await _fill(store)
    head = await chain.head(store.db)
    assert head is not None
    async with store.db.write() as conn:
        await conn.execute(update(events).where(events.c.position == 1).values(actor="someone else"))
        rows = {r.position: r for r in (await conn.execute(events.select())).all()}
        previous = chain.GENESIS
        for lk in (await conn.execute(event_chain.select().order_by(event_chain.c.position))).all():
            listed = " ".join(f"{p}:{chain.digest(chain.row_record(rows[int(p)]))}"
                              for p, _, _ in (x.partition(":") for x in lk.records.split()))
            previous = chain.link_hash(previous, listed)
            await conn.execute(update(event_chain).where(event_chain.c.position == lk.position)
                               .values(records=listed, hash=previous))
    assert (await _verify(store.db, capsys))[0] == 0
    code, out = await _verify(store.db, capsys, "--head", f"{head[0]}:{head[1]}")
    assert code == 1 and f"broken at position {head[0]}" in out and ": head: the chain was computed again" in out


async def test_a_database_from_before_the_chain_starts_it_at_the_next_append(database: Database,
                                                                               capsys) -> None:  # noqa: ANN001
    """An upgrade: the records already there are counted, not covered; the
    chain starts with the first record appended by this version."""
    store = EventStore(database, CONTEXT)
    await _fill(store)
    async with database.write() as conn:
        await conn.execute(text("DROP TABLE event_chain"))  # as the older version left it
    await database.create_all()
    code, out = await _verify(database, capsys)
    assert code == 1 and "none of the 8 records is in the chain" in out
    fresh = EventStore(database, CONTEXT)  # a restarted service
    await fresh.append("visit-n", 0, [scheduled("visit-n"), noted("visit-n", 2)])
    code, out = await _verify(database, capsys)
    assert code == 0 and "2 records checked, chain intact; 8 records before the chain began (not covered)" in out


async def test_erasure_leaves_the_chain_intact(store: EventStore, tmp_path, capsys) -> None:  # noqa: ANN001
    """Crypto-shredding deletes the key, never the stored event: the chain
    hashed the ciphertext, and still verifies once the key is gone."""
    from shared.privacy import SqlKeyStore, Vault, is_sealed

    vault = Vault(SqlKeyStore(f"sqlite+aiosqlite:///{tmp_path}/keys.db"))
    await vault.keys.prepare()
    try:
        sealed = await vault.seal("person-1", "Rahima Begum", country="bd")
        await store.append("visit-a", 0, [scheduled("visit-a"), noted("visit-a", 2, note=sealed)])
        assert await vault.forget("person-1", "bd")
        assert await vault.show(sealed) == "[forgotten]"
    finally:
        await vault.close()
    [_, e] = await store.load("visit-a")
    assert is_sealed(e.payload["note"]) and e.payload["note"] == sealed  # stored as it was
    assert (await _verify(store.db, capsys))[0] == 0


async def _forge(db: Database, position: int, stream_id: str, version: int) -> None:
    """A record written with plain SQL at a chosen position, as someone with
    write access to the database would (past the CHECK on position, which a
    database from before it lacks, and its owner can drop)."""
    now = datetime.now(UTC)
    row = {"position": position, "event_id": uuid.uuid4(), "stream_id": stream_id, "stream_version": version,
           "previous_version": version - 1, "event_type": "VisitNoted", "schema_version": 1, "country": "bd",
           "occurred_at": now, "recorded_at": now, "correlation_id": "x", "causation_id": None, "actor": "intruder",
           "payload": '{"note":"forged"}'}
    async with db.write() as conn:
        if db.is_sqlite:
            await conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        else:
            await conn.execute(text("ALTER TABLE events DROP CONSTRAINT IF EXISTS ck_events_position"))
        try:
            await conn.execute(insert(events).values(**row))
        finally:
            if db.is_sqlite:
                await conn.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")


async def test_the_log_refuses_a_record_at_position_zero_or_below(store: EventStore) -> None:
    """The store numbers records from 1; the schema says so for a new
    database (a forged low record needs its constraint dropped first)."""
    await _fill(store)
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError):
        async with store.db.write() as conn:
            await conn.execute(insert(events).values(
                position=0, event_id=uuid.uuid4(), stream_id="visit-z", stream_version=1, event_type="VisitNoted",
                schema_version=1, country="bd", occurred_at=now, recorded_at=now, correlation_id="x",
                actor="intruder", payload="{}"))


async def test_a_record_forged_below_the_chain_is_named(store: EventStore, capsys) -> None:  # noqa: ANN001
    """A record at position 0 or below was never read by `verify`, and
    `load` hands it to the aggregate as the stream's next version. On a log
    chained from its first record, every record below the chain's start is a
    break, at a positive position too (PostgreSQL's numbering skips the
    position of a transaction that rolled back)."""
    with pytest.raises(RuntimeError):
        async with store.transaction() as conn:  # on PostgreSQL: position 1 is never used
            await store.append("visit-x", 0, [scheduled("visit-x")], conn=conn)
            raise RuntimeError("rolled back")
    await _fill(store)
    await _forge(store.db, -1, "visit-a", 4)
    assert [(e.stream_version, e.actor) for e in await store.load("visit-a")][-1] == (4, "intruder")
    code, out = await _verify(store.db, capsys)
    assert code == 1, out
    assert "broken at position -1 (stream visit-a v4): unchained: position 0 or below" in out
    async with store.db.write() as conn:
        await conn.execute(delete(events).where(events.c.position == -1))
    assert (await _verify(store.db, capsys))[0] == 0
    if not store.db.is_sqlite:
        assert await _first_link_start(store.db) == 2
        await _forge(store.db, 1, "visit-a", 4)
        code, out = await _verify(store.db, capsys)
        assert code == 1, out
        assert "broken at position 1 (stream visit-a v4): unchained: the chain began with the log" in out


async def _first_link_start(db: Database) -> int:
    async with db.read() as conn:
        records = await conn.scalar(select(event_chain.c.records).order_by(event_chain.c.position).limit(1))
    return int(records.split(":", 1)[0])


async def test_records_added_or_deleted_before_the_chain_are_named(database: Database,
                                                                    capsys) -> None:  # noqa: ANN001
    """On a database from before the chain, the first link hashes how many
    records preceded it: one added among them, or one deleted, is a break."""
    store = EventStore(database, CONTEXT)
    await _fill(store)
    async with database.write() as conn:
        await conn.execute(text("DROP TABLE event_chain"))  # as the older version left it
        await conn.execute(delete(events).where(events.c.position == 3))  # a gap among the old records
    await database.create_all()
    fresh = EventStore(database, CONTEXT)
    await fresh.append("visit-n", 0, [scheduled("visit-n"), noted("visit-n", 2)])
    code, out = await _verify(database, capsys)
    assert code == 0 and "2 records checked, chain intact; 7 records before the chain began" in out, out
    await _forge(database, 3, "visit-a", 4)
    code, out = await _verify(database, capsys)
    assert code == 1, out
    assert ": link: 8 records before the chain's first link" in out
    async with database.write() as conn:
        await conn.execute(delete(events).where(events.c.position.in_([1, 3])))
    code, out = await _verify(database, capsys)
    assert code == 1 and ": link: 6 records before the chain's first link" in out, out


async def test_verify_while_the_service_appends_raises_no_alarm(store: EventStore) -> None:
    """Events and links are read page by page, in separate transactions: an
    append committing in between made a healthy log look tampered with
    ("missing", "unchained"). The run judges the log up to the chain's head
    as it was when it began."""
    for i in range(150):
        await store.append(f"visit-{i}", 0, [scheduled(f"visit-{i}")])
    stop = asyncio.Event()
    appended = 0

    async def service() -> None:
        nonlocal appended
        while not stop.is_set():
            await store.append(f"visit-w{appended}", 0, [scheduled(f"visit-w{appended}")])
            appended += 1

    writer = asyncio.create_task(service())
    reports, raced = [], 0
    try:
        while raced < 10 and len(reports) < 200:
            was = appended
            reports.append(await chain.verify(store.db, page=40))
            raced += appended > was  # the service appended while this run read
    finally:
        stop.set()
        await writer
    assert raced == 10
    assert [str(r.broken) for r in reports if not r.ok] == []
    assert all(r.checked >= 150 for r in reports)
    final = await chain.verify(store.db, page=40)
    assert final.ok and final.checked == 150 + appended
