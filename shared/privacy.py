"""Personal data in the event store, encrypted with a key per person
(crypto-shredding). Events are never changed; forgetting a person deletes
their key, so every copy of their data, in the store and in whatever a
projection or report rebuilds from it, becomes unreadable at once.

A sealed value is a string "pii:v1:<person id>:<nonce+ciphertext, base64>",
AES-256-GCM with the person id as associated data. The keys live in the
service's own database (table person_keys), beside the events they open."""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store.database import Database

metadata = MetaData()
person_keys = Table(
    "person_keys", metadata,
    Column("person_id", String(100), primary_key=True),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
PREFIX = "pii:v1:"
FORGOTTEN = "[forgotten]"


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def person_of(sealed: str) -> str:
    return sealed[len(PREFIX):].rsplit(":", 1)[0]


class Vault:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def seal(self, person_id: str, text: str, *, conn: AsyncConnection | None = None) -> str:
        key = await self._key(person_id, create=True, conn=conn)
        assert key is not None
        nonce = os.urandom(12)
        data = AESGCM(key).encrypt(nonce, text.encode(), person_id.encode())
        return f"{PREFIX}{person_id}:{base64.urlsafe_b64encode(nonce + data).decode()}"

    async def open(self, sealed: str, *, conn: AsyncConnection | None = None) -> str | None:
        """The text, or None once the person is forgotten."""
        person_id, _, blob = sealed[len(PREFIX):].rpartition(":")
        key = await self._key(person_id, create=False, conn=conn)
        if key is None:
            return None
        raw = base64.urlsafe_b64decode(blob)
        return AESGCM(key).decrypt(raw[:12], raw[12:], person_id.encode()).decode()

    async def known(self, person_id: str, *, conn: AsyncConnection | None = None) -> bool:
        return await self._key(person_id, create=False, conn=conn) is not None

    async def forget(self, person_id: str) -> bool:
        async with self.db.write() as conn:
            return bool((await conn.execute(delete(person_keys).where(person_keys.c.person_id == person_id)))
                        .rowcount)

    async def _key(self, person_id: str, *, create: bool, conn: AsyncConnection | None) -> bytes | None:
        q = select(person_keys.c.key).where(person_keys.c.person_id == person_id)
        if conn is not None:
            key = await conn.scalar(q)
        else:
            async with self.db.read() as c:
                key = await c.scalar(q)
        if key is not None or not create:
            return key
        key = AESGCM.generate_key(bit_length=256)
        row = {"person_id": person_id, "key": key, "created_at": datetime.now(UTC)}
        if conn is not None:
            await conn.execute(insert(person_keys).values(**row))
        else:
            async with self.db.write() as c:
                await c.execute(insert(person_keys).values(**row))
        return key


def new_person_id() -> str:
    return uuid.uuid4().hex
