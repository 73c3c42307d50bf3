"""SQLAlchemy's aiosqlite dialect, with each statement one hop to the
connection's thread.

aiosqlite runs every sqlite3 call on a thread of its own, and SQLAlchemy's
adapter makes one call per DBAPI step: open a cursor, execute, fetch the
rows, close the cursor, three or four hops for one statement, each a
thread hand-over and a wake-up of the event loop. Projections write a few
rows per event, so these hops, not SQLite, were what a projection's
catch-up spent its time on (about 17 event-loop turns per event).

Here the adapter's cursor sends the whole statement as one function: the
thread opens a cursor, executes, fetches, closes, and hands back the rows
with the description, rowcount and lastrowid. Everything else (server-side
cursors for streaming reads, commit, rollback, errors) is SQLAlchemy's own.
It uses aiosqlite's `_execute` and `_conn`, as SQLAlchemy's own adapter does
for its isolation-level setter; the versions are pinned in uv.lock and
`tests/kernel/test_sqlite_onehop.py` holds them to this.

The writer goes further (`writer()` marks `Database`'s one writer
connection). Inside its transaction it holds SQLite's write lock, taken by
BEGIN IMMEDIATE, so its statements wait for nobody: they are page-cache
work of a few microseconds, against some 30 µs of thread hand-over for a
hop. They run on the event loop's thread. BEGIN IMMEDIATE runs there too
when the lock is free at once (busy timeout 0); when another process holds
it, BEGIN hops and waits there, as COMMIT (the fsync) and ROLLBACK always
do. The event loop never waits for a lock or a disk flush.

`Database` selects it for `sqlite+aiosqlite` URLs.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT, await_only

DRIVER = "aiosqlite_onehop"
_WRITER = "_wecare_writer"  # on the writer's aiosqlite connection: its busy timeout in ms
_SQLITE_BUSY = 5


def _run(conn: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> tuple:
    """In the connection's thread: the statement from cursor to closed cursor."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def writer(aio: Any, busy_timeout_ms: int) -> None:
    """Mark an aiosqlite connection as the one writer: inside its
    transactions, statements run on the event loop's thread (its sqlite3
    connection must be opened with check_same_thread=False)."""
    setattr(aio, _WRITER, busy_timeout_ms)


def holds_write_lock(aio: Any) -> bool:
    """The writer inside its transaction (BEGIN IMMEDIATE): its statements
    run here, without a hop."""
    conn = aio._connection
    return conn is not None and conn.in_transaction and getattr(aio, _WRITER, None) is not None


async def hop(aio: Any, fn: Any, *args: Any) -> Any:
    """fn(sqlite3 connection, *args) in one hop to the connection's thread."""
    return await aio._execute(fn, aio._conn, *args)


async def call(aio: Any, fn: Any, *args: Any) -> Any:
    """fn(sqlite3 connection, *args): here when the writer holds the write
    lock, else in one hop to the connection's thread."""
    if holds_write_lock(aio):
        return fn(aio._conn, *args)
    return await hop(aio, fn, *args)


def fetchall(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
    return conn.execute(sql, args).fetchall()


async def begin_immediate(aio: Any) -> None:
    """BEGIN IMMEDIATE: here if the writer gets the lock at once, else in a
    hop that waits for it up to the busy timeout."""
    busy_timeout = getattr(aio, _WRITER, None)
    if busy_timeout is not None:
        conn = aio._conn
        conn.execute("PRAGMA busy_timeout=0")
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as e:
            if e.sqlite_errorcode & 0xFF != _SQLITE_BUSY:
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout={busy_timeout}")
    await hop(aio, fetchall, "BEGIN IMMEDIATE")


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:  # no hop to open a cursor
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._lastrowid

    async def _async_soft_close(self) -> None:
        return None  # the thread closed the cursor already

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Sequence[Any] | None) -> Any:
        return await self._hop(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._hop(operation, seq_of_parameters, True)

    async def _hop(self, operation: Any, parameters: Any, many: bool) -> None:
        aio = self._connection
        if holds_write_lock(aio):
            description, rows, self._rowcount, self._lastrowid = _run(aio._conn, operation, parameters, many)
        else:
            async with self._adapt_connection._execute_mutex:
                description, rows, self._rowcount, self._lastrowid = await hop(aio, _run, operation, parameters,
                                                                               many)
        self._description = description
        if rows is not None:
            self._rows = collections.deque(rows)


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor

    # no hop when SQLite has no transaction open (sqlite3 itself does nothing then): a transaction
    # that Database.batch committed on the driver connection, or one that wrote nothing
    def commit(self) -> None:
        if self._connection._connection and self._connection.in_transaction:
            super().commit()

    def rollback(self) -> None:
        if self._connection._connection and self._connection.in_transaction:
            super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's adapter does
        return OneHopConnection(self, await_only(connection))


class SQLiteDialect_onehop(SQLiteDialect_aiosqlite):  # noqa: N801 - SQLAlchemy's naming
    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:
        import aiosqlite

        return OneHopDBAPI(aiosqlite, sqlite3)


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialect_onehop")


def onehop_url(url: str) -> str:
    """A `sqlite+aiosqlite` URL on this dialect (other URLs unchanged)."""
    prefix = "sqlite+aiosqlite:"
    return f"sqlite+{DRIVER}:" + url[len(prefix):] if url.startswith(prefix) else url
