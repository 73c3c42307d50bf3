"""The SQLite adapter: a reader's statement is one hop to aiosqlite's thread;
the writer's statements run on the event loop's thread while it holds the
write lock, and only its COMMIT (or a BEGIN that must wait for another
process) hops. What SQLAlchemy reads back is unchanged, errors are
SQLAlchemy's, and a batch (Database.batch) commits all or nothing."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shared.store import Database

md = sa.MetaData()
items = sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("name", sa.String, unique=True), sa.Column("n", sa.Integer))


@pytest.fixture
async def db(tmp_path):
    d = Database(f"sqlite+aiosqlite:///{tmp_path}/onehop.db")
    await d.create_all(md)
    yield d
    await d.dispose()


def _count_hops(raw) -> list[int]:  # noqa: ANN001 - an aiosqlite connection
    calls = [0]
    real = raw._execute

    async def counting(fn, *a, **k):  # noqa: ANN001
        calls[0] += 1
        return await real(fn, *a, **k)

    raw._execute = counting
    return calls


async def test_the_writers_statements_make_no_hop_and_read_back_as_before(db: Database) -> None:
    async with db.write() as conn:
        raw = (await db.driver(conn)).raw
        hops = _count_hops(raw)
        result = await conn.execute(items.insert().values(name="a", n=1))
        assert result.inserted_primary_key == (1,)  # lastrowid
        await conn.execute(items.insert(), [{"name": "b", "n": 2}, {"name": "c", "n": 3}])  # executemany
        upd = await conn.execute(items.update().where(items.c.n >= 2).values(n=items.c.n * 10))
        assert upd.rowcount == 2
        rows = (await conn.execute(sa.select(items.c.name, items.c.n).order_by(items.c.id))).all()
        assert rows == [("a", 1), ("b", 20), ("c", 30)]
        assert list((await conn.execute(sa.select(items.c.name).order_by(items.c.id))).keys()) == ["name"]
        assert hops[0] == 0  # it holds the write lock: every statement ran on this thread
    assert hops[0] == 1  # COMMIT (the fsync) went to the connection's thread
    async with db.write() as conn:  # BEGIN took the free lock here too
        await conn.execute(items.delete().where(items.c.name == "c"))
    assert hops[0] == 2


async def test_a_readers_statements_are_one_hop_each(db: Database) -> None:
    async with db.read() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        hops = _count_hops(raw)
        assert (await conn.execute(sa.select(sa.func.count()).select_from(items))).scalar() == 0
        assert hops[0] == 2  # BEGIN (deferred: a reader takes no lock) and the statement
        assert (await conn.execute(sa.select(items.c.name))).all() == []
        assert hops[0] == 3


async def test_a_writer_waits_for_another_process_lock_off_the_event_loop(db: Database, tmp_path) -> None:
    other = sqlite3.connect(tmp_path / "onehop.db", isolation_level=None)  # as another process would
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        async def write() -> None:
            async with db.write() as conn:
                await conn.execute(items.insert().values(name="late", n=1))

        writing = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writing.done()  # waiting for the lock...
        assert ticks >= 5  # ...in aiosqlite's thread: the event loop runs on (a blocked loop: 0)
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 5)
    finally:
        ticker.cancel()
        other.close()
    async with db.read() as conn:
        assert (await conn.execute(sa.select(items.c.name))).scalars().all() == ["late"]


async def test_errors_are_sqlalchemys_and_the_transaction_rolls_back(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(items.insert().values(name="a", n=1))
    with pytest.raises(IntegrityError):
        async with db.write() as conn:
            await conn.execute(items.insert().values(name="b", n=2))
            await conn.execute(items.insert().values(name="a", n=3))  # unique name
    async with db.read() as conn:
        assert (await conn.execute(sa.select(items.c.name))).scalars().all() == ["a"]


async def test_streaming_reads_still_stream(db: Database) -> None:
    async with db.write() as conn:
        await conn.execute(items.insert(), [{"name": f"x{i}", "n": i} for i in range(50)])
    async with db.read() as conn:
        result = await conn.stream(sa.select(items.c.n).order_by(items.c.n))
        assert [n async for n in result.scalars()] == list(range(50))


async def test_a_batch_makes_one_hop_its_commit_with_statements_in_between(db: Database) -> None:
    sql = "SELECT count(*) FROM items"
    async with db.write() as conn:
        raw = (await db.driver(conn)).raw
    hops = _count_hops(raw)
    async with db.batch(sql, ()) as tx:
        assert tx.rows == [(0,)]
        await tx.conn.execute(items.insert().values(name="a", n=1))  # joins the batch's transaction
        tx.last = ("INSERT INTO items (name, n) VALUES (?, ?)", ("b", 2))
        assert hops[0] == 0
    assert hops[0] == 1
    async with db.read() as conn:
        assert (await conn.execute(sa.select(items.c.name).order_by(items.c.name))).scalars().all() == ["a", "b"]
    # and the SQLAlchemy connection is usable as before
    async with db.write() as conn:
        await conn.execute(items.insert().values(name="c", n=3))
    async with db.read() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(items)) == 3


@pytest.mark.parametrize("fails", ["in_between", "last_statement"])
async def test_a_failed_batch_stores_nothing(db: Database, fails: str) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - an IntegrityError, from SQLAlchemy or sqlite3
        async with db.batch("SELECT 1", ()) as tx:
            await tx.conn.execute(items.insert().values(name="a", n=1))
            if fails == "in_between":
                await tx.conn.execute(items.insert().values(name="a", n=2))
            tx.last = ("INSERT INTO items (name, n) VALUES (?, ?)", ("a", 3))
    async with db.read() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(items)) == 0
    async with db.batch("SELECT 1", ()) as tx:  # the connection is fine afterwards
        await tx.conn.execute(items.insert().values(name="z", n=9))
    async with db.read() as conn:
        assert (await conn.execute(sa.select(items.c.name))).scalars().all() == ["z"]
