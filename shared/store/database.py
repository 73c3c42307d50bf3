"""One async database per service, SQLite (aiosqlite) or PostgreSQL (asyncpg),
through one code path.

Writes are serialised on purpose, so that a reader of "everything after
position N" never skips an event that commits late:
- SQLite: one writer connection, every write transaction is BEGIN IMMEDIATE
  (WAL mode, busy timeout, so other processes wait instead of failing).
- PostgreSQL: a write transaction that appends events first takes a
  transaction-scoped advisory lock, so positions become visible in order
  (the same idea as Message DB; `eventsourcing` takes a table lock).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import MetaData, event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from shared.store.schema import kernel_metadata

APPEND_LOCK_KEY = 0x5745_4341  # "WECA": pg_advisory_xact_lock key of the events table


class Database:
    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL") -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.writer = create_async_engine(
                url, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, pool_timeout=60,
                pool_reset_on_return=None,  # every write ends in COMMIT or ROLLBACK already
            )
            self.reader = create_async_engine(url, pool_size=4, max_overflow=4)
            _sqlite_setup(self.writer, immediate=True, synchronous=sqlite_synchronous)
            _sqlite_setup(self.reader, immediate=False, synchronous=sqlite_synchronous)
        else:
            self.writer = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
            self.reader = self.writer

    @property
    def dialect(self) -> str:
        return self.writer.dialect.name

    async def create_all(self, *metadatas: MetaData) -> None:
        async with self.writer.begin() as conn:
            for md in (kernel_metadata, *metadatas):
                await conn.run_sync(md.create_all)

    @asynccontextmanager
    async def write(self, *, appending: bool = False) -> AsyncIterator[AsyncConnection]:
        """A write transaction. `appending=True` serialises it with every other
        appender (PostgreSQL advisory lock; SQLite is single-writer anyway)."""
        async with self.writer.begin() as conn:
            if appending:
                await self.lock_appends(conn)
            yield conn

    async def lock_appends(self, conn: AsyncConnection) -> None:
        """Serialise this write transaction with every appender (a no-op on
        SQLite, whose one writer connection serialises already)."""
        if not self.is_sqlite:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK_KEY})

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            yield conn

    async def ping(self) -> None:
        async with self.reader.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def _sqlite_setup(engine: AsyncEngine, *, immediate: bool, synchronous: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
