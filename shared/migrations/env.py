"""Alembic's environment, for the `alembic` command (writing a new revision):
`alembic -c shared/migrations/alembic.ini --name delivery revision -m "..."`.
The services and `wecare migrate` do not load this file: they run the same
migrations through shared.migrations.upgrade, on the service's own Database.

Async engines (aiosqlite, asyncpg), as in Alembic's asyncio recipe; the URL
comes from -x url=... or WECARE_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

config = context.config


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "WECARE_DATABASE_URL", "sqlite+aiosqlite:///./data/scratch.db")


def _run(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def _online() -> None:
    engine = create_async_engine(_url(), poolclass=NullPool)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


if context.is_offline_mode():  # `alembic upgrade --sql`: the SQL script, for a DBA to read or run
    context.configure(url=_url().replace("+asyncpg", "").replace("+aiosqlite", ""), literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_online())
