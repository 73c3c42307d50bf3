"""One async database per service, SQLite (aiosqlite) or PostgreSQL (asyncpg),
through one code path.

Writes are serialised on purpose, so that a reader of "everything after
position N" never skips an event that commits late:
- SQLite: one writer connection, held for the process's life and lent to one
  write transaction at a time; every write transaction is BEGIN IMMEDIATE
  (WAL mode, busy timeout, so other processes wait instead of failing).
- PostgreSQL: a write transaction that appends events first takes a
  transaction-scoped advisory lock, so positions become visible in order
  (the same idea as Message DB; `eventsourcing` takes a table lock).

The event store's own appends go through `appending()`: a transaction on the
driver connection (see driver.py). On PostgreSQL it has a connection of its
own, so the process's appends queue in the process (and are committed in
groups by the event store) before they queue on the advisory lock.
Projections write their batches through `batch()`, which commits with its
last statement. On SQLite the writer's statements run on the event loop's
thread while it holds the write lock, and a write transaction makes one
hop to aiosqlite's thread, its COMMIT; a reader's statement is one hop
(sqlite_onehop.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util import await_only

from shared.files import private_sqlite
from shared.store import sqlite_onehop as onehop
from shared.store.driver import POSTGRES, SQLITE, Dialect, Driver, SqliteDriver, driver_for
from shared.store.schema import kernel_metadata
from shared.store.sql import is_connectivity_error
from shared.store.sqlite_onehop import onehop_url

APPEND_LOCK_KEY = 0x5745_4341  # "WECA": pg_advisory_xact_lock key of the events table
_LOCK_APPENDS = f"SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY})"
_DRIVER = "wecare_driver"  # a connection's Driver, kept in its info (SQLAlchemy clears it on invalidation)
BUSY_TIMEOUT_MS = 30_000  # SQLite: how long a writer waits for another process's write lock
_BEGUN = "wecare_begun"  # in a connection's info while Database.batch holds a transaction open on it


@dataclass
class Batch:
    """The transaction `Database.batch` yields."""

    conn: AsyncConnection
    rows: list[tuple]  # of the opening query
    last: tuple[str, Sequence[Any]] | None = None  # the statement to commit with


class Database:
    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL") -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                private_sqlite(path)  # 0600 in a 0700 folder (shared/files.py)
            url = onehop_url(url)  # each statement one hop to aiosqlite's thread (see sqlite_onehop.py)
            self.writer = create_async_engine(
                url, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, pool_timeout=60,
                pool_reset_on_return=None,  # every write ends in COMMIT or ROLLBACK already
                connect_args={"check_same_thread": False},  # used on the event loop's thread as well
            )
            self.reader = create_async_engine(url, pool_size=4, max_overflow=4)
            _sqlite_setup(self.writer, writer=True, synchronous=sqlite_synchronous)
            _sqlite_setup(self.reader, writer=False, synchronous=sqlite_synchronous)
        else:
            self.writer = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
            self.reader = self.writer
        # the connection appends run on (SQLite: the one writer connection), lent under this lock
        self._held: AsyncConnection | None = None
        self._held_lock = asyncio.Lock()

    @property
    def dialect(self) -> str:
        return self.writer.dialect.name

    @property
    def sql(self) -> Dialect:
        """The kernel's hot statements for this database (driver.py)."""
        return SQLITE if self.is_sqlite else POSTGRES

    async def create_all(self, *metadatas: MetaData) -> None:
        """Missing tables, and the nullable columns a newer version added to
        existing ones (an upgrade that only adds may run on a live database;
        anything else needs a migration)."""
        async with self.write() as conn:
            for md in (kernel_metadata, *metadatas):
                await conn.run_sync(md.create_all)
                await conn.run_sync(_add_new_columns, md)

    @asynccontextmanager
    async def write(self, *, appending: bool = False) -> AsyncIterator[AsyncConnection]:
        """A write transaction. `appending=True` serialises it with every other
        appender (PostgreSQL advisory lock; SQLite is single-writer anyway)."""
        if self.is_sqlite:
            async with self._held_lock:
                conn = await self._connection()
                try:
                    async with conn.begin():
                        yield conn
                except BaseException:
                    await self._check_held(conn)
                    raise
            return
        async with self.writer.begin() as conn:
            if appending:
                await self.lock_appends(conn)
            yield conn

    @asynccontextmanager
    async def batch(self, first: str, args: Sequence[Any]) -> AsyncIterator[Batch]:
        """A write transaction that opens with the query `first` (its rows in
        `Batch.rows`) and commits with the statement put in `Batch.last`, for
        the projections' batches: on SQLite only the closing (the statement
        and COMMIT) is a hop to the connection's thread. Statements on
        `Batch.conn` in between join the transaction."""
        if not self.is_sqlite:
            async with self.writer.begin() as conn:
                driver = await self.driver(conn)
                tx = Batch(conn, await driver.fetch(first, args))
                yield tx
                if tx.last is not None:
                    await driver.execute(*tx.last)
            return
        async with self._held_lock:
            conn = await self._connection()
            driver = await self.driver(conn)
            assert isinstance(driver, SqliteDriver)
            try:
                tx = Batch(conn, await driver.begin_and_fetch(first, args))
            except BaseException:
                await self._check_held(conn)
                raise
            conn.info[_BEGUN] = True  # SQLAlchemy's own begin joins this transaction (see _sqlite_setup)
            try:
                yield tx
                await driver.execute_and_commit(tx.last)
            except BaseException:
                await self._rollback(driver)
                await conn.rollback()  # SQLAlchemy's side of it (no hop: nothing is open any more)
                raise
            finally:
                conn.info.pop(_BEGUN, None)
            await conn.commit()  # idem

    async def _connection(self) -> AsyncConnection:
        if self._held is None:
            self._held = await self.writer.connect()
        return self._held

    async def _rollback(self, driver: Driver) -> None:
        """Roll back on the held connection; one that cannot is given up."""
        try:
            await driver.rollback()
        except BaseException:
            await self._drop_held()
            raise

    async def _check_held(self, conn: AsyncConnection) -> None:
        """After a failed transaction: give up the held connection if it is broken."""
        if conn.invalidated or conn.closed:
            await self._drop_held()

    @asynccontextmanager
    async def appending(self) -> AsyncIterator[Driver]:
        """A write transaction on the driver connection, serialised with every
        appender: committed when the block ends, rolled back if it raises."""
        async with self._held_lock:
            for attempt in (1, 2):
                driver = await self.driver(await self._connection())
                try:
                    await self._begin_append(driver)
                    break
                except BaseException as e:
                    await self._drop_held()
                    # a connection the server closed since its last use (a restart): nothing was written,
                    # so once more on a fresh one
                    if attempt == 2 or not is_connectivity_error(e):
                        raise
            try:
                yield driver
            except BaseException:
                with suppress(BaseException):  # the block's own error is the one to raise
                    await self._rollback(driver)
                raise
            try:
                await driver.commit()
            except BaseException:
                await self._drop_held()  # the outcome is unknown to this connection: start afresh
                raise

    async def _begin_append(self, driver: Driver) -> None:
        if isinstance(driver, SqliteDriver):
            await driver.begin()
        else:  # one round trip for both
            await driver.execute(f"BEGIN; {_LOCK_APPENDS}")

    async def _drop_held(self) -> None:
        conn, self._held = self._held, None
        if conn is not None:
            try:
                await conn.invalidate()
                await conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass

    async def driver(self, conn: AsyncConnection) -> Driver:
        """The driver connection under a SQLAlchemy connection (same transaction)."""
        driver = conn.info.get(_DRIVER)
        if driver is None:
            raw = await conn.get_raw_connection()
            driver = conn.info[_DRIVER] = driver_for(raw.driver_connection, self.dialect)
        return driver

    async def lock_appends(self, conn: AsyncConnection) -> None:
        """Serialise this write transaction with every appender (a no-op on
        SQLite, whose one writer connection serialises already)."""
        if not self.is_sqlite:
            await conn.execute(text(_LOCK_APPENDS))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            yield conn

    async def ping(self) -> None:
        async with self.reader.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        async with self._held_lock:
            if self._held is not None:
                await self._held.close()
                self._held = None
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def _sqlite_setup(engine: AsyncEngine, *, writer: bool, synchronous: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        if writer:  # its statements run on the event loop's thread while it holds the write lock
            onehop.writer(dbapi_conn._connection, BUSY_TIMEOUT_MS)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        if conn.info.get(_BEGUN):  # inside Database.batch, which began the transaction itself
            return
        aio = conn.connection.dbapi_connection._connection
        if writer:
            await_only(onehop.begin_immediate(aio))
        else:  # one hop to aiosqlite's thread: through a DBAPI cursor it is three (open, execute, close)
            await_only(aio.execute_fetchall("BEGIN"))


def _add_new_columns(sync_conn: Any, md: MetaData) -> None:
    """ALTER TABLE ... ADD COLUMN for each nullable column of `md` a table
    lacks, and a wider VARCHAR where a newer version allows longer text
    (PostgreSQL; SQLite does not hold lengths). Both are changes of the
    catalogue only: no row is rewritten."""
    found = inspect(sync_conn)
    for table in md.sorted_tables:
        columns = {c["name"]: c for c in found.get_columns(table.name)}
        have = set(columns)
        for column in table.columns:
            old = getattr(columns.get(column.name, {}).get("type"), "length", None)
            new = getattr(column.type, "length", None)
            if old is not None and new is not None and new > old and sync_conn.dialect.name == "postgresql":
                q = sync_conn.dialect.identifier_preparer
                sync_conn.execute(text(f"ALTER TABLE {q.format_table(table)} ALTER COLUMN {q.quote(column.name)} "
                                       f"TYPE {column.type.compile(dialect=sync_conn.dialect)}"))
            if column.name not in have:
                if not column.nullable or column.primary_key:
                    raise RuntimeError(f"{table.name}.{column.name} is new and required: it needs a migration")
                q = sync_conn.dialect.identifier_preparer
                sync_conn.execute(text(f"ALTER TABLE {q.format_table(table)} ADD COLUMN {q.quote(column.name)} "
                                       f"{column.type.compile(dialect=sync_conn.dialect)}"))
