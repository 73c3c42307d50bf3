"""The SQLite adapter that sends each statement to aiosqlite's thread in one
hop, and Database.batch (a projection batch opened and committed in one hop
each): what SQLAlchemy reads back is unchanged, errors are SQLAlchemy's,
and a batch commits all or nothing."""

from __future__ import annotations

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


async def test_a_statement_is_one_hop_and_reads_back_as_before(db: Database) -> None:
    async with db.write() as conn:
        raw = (await db.driver(conn)).raw
        hops = _count_hops(raw)
        result = await conn.execute(items.insert().values(name="a", n=1))
        assert result.inserted_primary_key == (1,)  # lastrowid
        assert hops[0] == 1
        await conn.execute(items.insert(), [{"name": "b", "n": 2}, {"name": "c", "n": 3}])  # executemany
        assert hops[0] == 2
        upd = await conn.execute(items.update().where(items.c.n >= 2).values(n=items.c.n * 10))
        assert upd.rowcount == 2
        rows = (await conn.execute(sa.select(items.c.name, items.c.n).order_by(items.c.id))).all()
        assert rows == [("a", 1), ("b", 20), ("c", 30)]
        assert list((await conn.execute(sa.select(items.c.name).order_by(items.c.id))).keys()) == ["name"]
        assert hops[0] == 5


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


async def test_a_batch_opens_and_commits_in_one_hop_each_with_statements_in_between(db: Database) -> None:
    sql = "SELECT count(*) FROM items"
    async with db.write() as conn:
        raw = (await db.driver(conn)).raw
    hops = _count_hops(raw)
    async with db.batch(sql, ()) as tx:
        assert tx.rows == [(0,)]
        await tx.conn.execute(items.insert().values(name="a", n=1))  # joins the batch's transaction
        tx.last = ("INSERT INTO items (name, n) VALUES (?, ?)", ("b", 2))
    assert hops[0] == 3
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
