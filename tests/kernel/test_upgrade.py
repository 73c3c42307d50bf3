"""A database made by an older version gets the nullable columns a newer one
added, when the service starts (Database.create_all), on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, text

from shared.privacy import Vault
from shared.privacy import metadata as privacy_metadata
from shared.store.database import Database
from shared.store.eventstore import EventStore
from tests.kernel.helpers import scheduled


async def test_new_nullable_columns_are_added_to_an_existing_database(db_url):
    db = Database(db_url)
    try:
        await db.create_all(privacy_metadata)
        async with db.write() as conn:  # the tables as the version before the application layer made them
            await conn.execute(text("ALTER TABLE commands DROP COLUMN fingerprint"))
            await conn.execute(text("ALTER TABLE person_keys DROP COLUMN country"))
            await conn.execute(text("INSERT INTO person_keys (person_id, key, created_at) "
                                    "VALUES ('p-old', :k, CURRENT_TIMESTAMP)"), {"k": b"0" * 32})
        await db.create_all(privacy_metadata)  # what a service does at start-up
        store = EventStore(db, "sample")
        res = await store.append("visit-v1", 0, [scheduled("visit-v1", 1)], idempotency_key="k", fingerprint="f")
        record = await store.command_record("k")
        assert record is not None and record.fingerprint == "f" and record.result.version == res.version
        await Vault(db).seal("p-new", "a name", country="bd")
        assert await Vault(db).owner("p-new") == (True, "bd")
        assert await Vault(db).owner("p-old") == (True, None)  # kept, with no owner recorded
        # a new column that must have a value is not added silently
        extra = MetaData()
        Table("person_keys", extra, Column("person_id", String(100), primary_key=True),
              Column("must_have", Integer, nullable=False))
        with pytest.raises(RuntimeError, match="person_keys.must_have is new and required"):
            await db.create_all(extra)
    finally:
        await db.dispose()


async def test_a_stream_id_as_long_as_a_plan_needs_fits_after_the_upgrade(pg_database):
    """A plan's stream id is plan-<programme>.<factory>: with both ids at their
    100 characters it is 206 long, and the stream_id columns held 200, so on
    PostgreSQL the plan's first append answered 500. The upgrade widens them in
    place (a catalogue change), keeping what is stored."""
    db = Database(pg_database)
    try:
        await db.create_all()
        async with db.write() as conn:  # the columns as the versions before made them
            for table in ("events", "commands"):
                await conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN stream_id TYPE VARCHAR(200)"))
        store = EventStore(db, "sample")
        await store.append("visit-old", 0, [scheduled("visit-old", 1)])
        await db.create_all()  # what a service does at start-up
        long_id = "plan-" + "p" * 100 + "." + "f" * 100
        await store.append(long_id, 0, [scheduled(long_id, 1)], idempotency_key="k2", fingerprint="f")
        assert [e.stream_id for e in await store.load(long_id)] == [long_id]
        assert len(await store.load("visit-old")) == 1
    finally:
        await db.dispose()
