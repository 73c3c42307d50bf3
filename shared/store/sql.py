"""Small SQL helpers that differ by dialect."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


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
    if isinstance(exc, OperationalError | DBAPIError):
        return bool(getattr(exc, "connection_invalidated", False)) or isinstance(exc, OperationalError)
    return False
