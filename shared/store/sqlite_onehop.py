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
        async with self._adapt_connection._execute_mutex:
            description, rows, self._rowcount, self._lastrowid = await aio._execute(
                _run, aio._conn, operation, parameters, many)
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
