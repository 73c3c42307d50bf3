"""Personal data in the event store, encrypted with a key per person
(crypto-shredding). Events are never changed; forgetting a person deletes
their key, so every copy of their data, in the store and in whatever a
projection or report rebuilds from it, becomes unreadable at once.

A sealed value is a string "pii:v1:<person id>:<nonce+ciphertext, base64>",
AES-256-GCM with the person id as associated data. The keys live in the
service's own database (table person_keys), beside the events they open,
each with the country that owns the person: only that country may forget
them, and the forget is recorded in that country's audit trail. (Rows made
before the column existed have no country; the first seal that names one
claims it.)"""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store.database import Database

metadata = MetaData()
person_keys = Table(
    "person_keys", metadata,
    Column("person_id", String(100), primary_key=True),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("country", String(8)),  # the country that owns the person (None: a row from before it was kept)
)
PREFIX = "pii:v1:"
FORGOTTEN = "[forgotten]"


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def person_of(sealed: str) -> str:
    return sealed[len(PREFIX):].rsplit(":", 1)[0]


class PersonOfAnotherCountry(ValueError):
    """A seal for a person whose key another country owns."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"person {person_id} belongs to another country")
        self.person_id = person_id


class Vault:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def seal(self, person_id: str, text: str, *, conn: AsyncConnection | None = None,
                   country: str | None = None) -> str:
        """Seal `text` with the person's key (made on first use, owned by
        `country`). A person whose key another country owns is refused
        (PersonOfAnotherCountry): one country's data never opens with a key
        another country may forget."""
        key = await self._key(person_id, create=True, conn=conn, country=country)
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

    async def owner(self, person_id: str, *, conn: AsyncConnection | None = None) -> tuple[bool, str | None]:
        """Whether the person has a key, and the country that owns it (None: not recorded)."""
        q = select(person_keys.c.country).where(person_keys.c.person_id == person_id)
        if conn is not None:
            row = (await conn.execute(q)).first()
        else:
            async with self.db.read() as c:
                row = (await c.execute(q)).first()
        return (row is not None, row.country if row is not None else None)

    async def forget(self, person_id: str, country: str | None = None, *,
                     conn: AsyncConnection | None = None) -> bool:
        """Delete the person's key. With `country`, only a key of that country
        (or one with no country recorded): another country's key is left alone."""
        stmt = delete(person_keys).where(person_keys.c.person_id == person_id)
        if country is not None:
            stmt = stmt.where(or_(person_keys.c.country == country, person_keys.c.country.is_(None)))
        if conn is not None:
            return bool((await conn.execute(stmt)).rowcount)
        async with self.db.write() as c:
            return bool((await c.execute(stmt)).rowcount)

    async def _key(self, person_id: str, *, create: bool, conn: AsyncConnection | None,
                   country: str | None = None) -> bytes | None:
        q = select(person_keys.c.key, person_keys.c.country).where(person_keys.c.person_id == person_id)
        if conn is not None:
            row = (await conn.execute(q)).first()
        else:
            async with self.db.read() as c:
                row = (await c.execute(q)).first()
        if row is not None:
            if create and country is not None and row.country != country:
                if row.country is not None:
                    raise PersonOfAnotherCountry(person_id)
                await self._write(update(person_keys).where(person_keys.c.person_id == person_id)
                                  .values(country=country), conn)  # an old row: the first country claims it
            return row.key
        if not create:
            return None
        key = AESGCM.generate_key(bit_length=256)
        await self._write(insert(person_keys).values(person_id=person_id, key=key, created_at=datetime.now(UTC),
                                                     country=country), conn)
        return key

    async def _write(self, stmt, conn: AsyncConnection | None) -> None:  # noqa: ANN001
        if conn is not None:
            await conn.execute(stmt)
        else:
            async with self.db.write() as c:
                await c.execute(stmt)


def new_person_id() -> str:
    return uuid.uuid4().hex
