"""Small SQL helpers that differ by dialect."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.unavailable import Unavailable


async def upsert(conn: AsyncConnection, table: Table, values: dict[str, Any] | list[dict[str, Any]],
                 keys: Sequence[str], update: Sequence[str] | None = None) -> None:
    """INSERT .. ON CONFLICT (keys) DO UPDATE SET update-columns (default: all non-key)."""
    rows = values if isinstance(values, list) else [values]
    if not rows:
        return
    cols = update if update is not None else [c for c in rows[0] if c not in keys]
    await conn.execute(_upsert_statement(conn.dialect.name, table, tuple(keys), tuple(cols)), rows)


@lru_cache(maxsize=1024)
def _upsert_statement(dialect_name: str, table: Table, keys: tuple[str, ...], cols: tuple[str, ...]) -> Insert:
    """Built once per shape: a new statement each call costs more than running
    it (`excluded` aliases the table anew and the statement is compiled
    again instead of coming from SQLAlchemy's compiled cache)."""
    dialect = sqlite if dialect_name == "sqlite" else postgresql
    stmt = dialect.insert(table)
    if cols:
        return stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in cols})
    return stmt.on_conflict_do_nothing(index_elements=list(keys))


def is_connectivity_error(exc: BaseException) -> bool:
    """A database that is down or restarting (retry later), as opposed to a
    bug or a bad message (park it)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, InterfaceError | PoolTimeout | ConnectionError | OSError):
        return True
    # raised by the driver itself on the hot paths that run on the driver connection (store/driver.py)
    import sqlite3

    import asyncpg

    if isinstance(exc, asyncpg.exceptions.InterfaceError | asyncpg.exceptions.PostgresConnectionError
                  | asyncpg.exceptions.OperatorInterventionError | sqlite3.OperationalError):
        return True
    if isinstance(exc, OperationalError | DBAPIError) and (
            getattr(exc, "connection_invalidated", False) or isinstance(exc, OperationalError)):
        return True
    return unavailable(exc) is not None  # a full disk, a read-only database: it will pass


# A store that cannot do it now but will: (what a person is told, Retry-After seconds) by reason. The
# operator's log names the database's own error (shared/http.py).
_NOT_NOW = {
    "disk_full": ("the database's disk is full: nothing of this request was stored; try again later", 60),
    "read_only": ("the database is read-only at the moment (maintenance or a failover): nothing of this request "
                  "was stored; try again later", 30),
    "io_error": ("the database could not read or write its disk; try again later", 30),
    "no_resources": ("the database is out of memory or connections; try again later", 10),
    "busy": ("the database is busy: its write lock or connections were held too long; try again later", 5),
    "unreachable": ("the database or another server this service needs cannot be reached now; a write "
                    "retried with the same Idempotency-Key is done once", 5),
}
# SQLite primary result codes (the low byte of an extended code)
_SQLITE = {13: "disk_full", 8: "read_only", 10: "io_error", 14: "io_error", 7: "no_resources", 5: "busy",
           6: "busy"}
# PostgreSQL SQLSTATEs, exact, then by class (the first two characters)
_PG = {"53100": "disk_full", "25006": "read_only", "58030": "io_error", "57P01": "unreachable",
       "57P02": "unreachable", "57P03": "unreachable", "53": "no_resources", "08": "unreachable"}


def _causes(exc: BaseException) -> list[BaseException]:
    """The error and what it wraps: SQLAlchemy's `orig`, the driver's `__cause__`."""
    out: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(out) < 8:
        e = todo.pop(0)
        if e is None or any(e is o for o in out):
            continue
        out.append(e)
        todo += [getattr(e, "orig", None), e.__cause__]
    return out


def unavailable(exc: BaseException) -> Unavailable | None:
    """A full disk, a read-only, broken or unreachable database, as the
    `Unavailable` it is (503 with Retry-After), whichever way it came: from
    the driver connection (sqlite3, asyncpg) or through SQLAlchemy. None for
    every other error (a bug stays a 500)."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    for e in _causes(exc):
        reason = None
        if isinstance(e, Unavailable):
            return e
        if isinstance(code := getattr(e, "sqlite_errorcode", None), int):
            reason = _SQLITE.get(code & 0xFF)
        elif isinstance(state := getattr(e, "sqlstate", None), str):
            reason = _PG.get(state) or _PG.get(state[:2])
        elif isinstance(e, ConnectionError):
            reason = "unreachable"
        elif isinstance(e, PoolTimeout):
            reason = "busy"
        if reason is not None:
            return Unavailable(reason, *_NOT_NOW[reason])
    return None
