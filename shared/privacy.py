"""Personal data in the event store, encrypted with a key per person
(crypto-shredding). Events are never changed; forgetting a person deletes
their key, so every copy of their data, in the store, in JetStream and in
whatever a projection or report rebuilds from it, becomes unreadable at once.

The keys live in a key store of their own (`KeyStore`: by default a SQLite
file beside the service's database, `<service>-keys.db`, or the database at
WECARE_KEYSTORE_URL; production may plug a KMS behind the same interface),
never in the event database: a restored backup of the events brings back
ciphertext only. Each key has the country that owns the person (only that
country may forget them; rows made before the column existed have none, and
the first seal that names one claims it) and a random pseudonym: the only
name of the person that leaves the service (published events carry it, and
sealed values name their key by it). Forgetting deletes the key and its
pseudonym and leaves a tombstone (the pseudonym and the time, no personal
data) in the key store; the forget events in the event store (and in
JetStream) are tombstones too. `Vault.reapply` deletes again every key a
tombstone names, whichever store was restored from an older backup
(Service.start runs it; deploy/OPERATIONS.md, Backups).

A sealed value is a string "pii:v2:<pseudonym>:<nonce+ciphertext, base64>",
AES-256-GCM with the pseudonym as associated data. Values sealed before
pseudonyms, "pii:v1:<person id>:...", still open: a key moved from before
has its person id as its pseudonym (that id was published already)."""

from __future__ import annotations

import asyncio
import base64
import os
import sqlite3
import time
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, delete, event, insert, or_, select, text
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.store.database import Database
from shared.store.eventstore import ConcurrencyError

if TYPE_CHECKING:
    from shared.store.eventstore import EventStore

metadata = MetaData()  # the key store's tables (never the event database's)
person_keys = Table(
    "person_keys", metadata,
    Column("person_id", String(100), primary_key=True),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("country", String(8)),  # the country that owns the person (None: a row from before it was kept)
    Column("pseudonym", String(100)),  # what names the person outside (None: a row from before: its person id)
)
tombstones = Table(
    "person_tombstones", metadata,
    Column("pseudonym", String(100), primary_key=True),  # no personal data: the pseudonym died with the key
    Column("forgotten_at", DateTime(timezone=True), nullable=False),
)
PREFIX = "pii:"
V1, V2 = "pii:v1:", "pii:v2:"
FORGOTTEN = "[forgotten]"


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and (value.startswith(V1) or value.startswith(V2))


def person_of(sealed: str) -> str:
    """The name of the key a sealed value needs: the pseudonym (v2) or the person id (v1)."""
    return sealed[len(V2):].rsplit(":", 1)[0]


class PersonOfAnotherCountry(ValueError):
    """A seal for a person whose key another country owns."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"person {person_id} belongs to another country")
        self.person_id = person_id


class KeyRaced(ConcurrencyError):
    """Two commands made the first key of one person at once: the later one is
    refused as a conflict (409, and retried by the commands that retry conflicts),
    so that nothing is sealed with a key that was not kept."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"key-of-{person_id}", 0, 1)


@dataclass(frozen=True)
class PersonKey:
    person_id: str
    pseudonym: str
    key: bytes
    country: str | None
    created_at: datetime


class KeyStore(Protocol):
    """Where person keys live (a KMS or Vault in production can stand behind it)."""

    async def prepare(self) -> None: ...
    async def get(self, person_id: str) -> PersonKey | None: ...
    async def by_pseudonym(self, pseudonym: str) -> PersonKey | None: ...
    async def put(self, key: PersonKey) -> PersonKey:
        """Store a new key unless the person has one: the one stored."""
        ...
    async def claim(self, person_id: str, country: str) -> None:
        """A key with no country recorded becomes `country`'s."""
        ...
    async def delete(self, person_id: str, country: str | None, at: datetime) -> PersonKey | None:
        """Delete the key (of `country`, or of none recorded) and leave a tombstone: the key deleted."""
        ...
    async def tombstone(self, pseudonym: str, at: datetime) -> bool:
        """Delete a key the pseudonym names, made before `at`, and keep the tombstone: whether a key went."""
        ...
    async def tombstones(self) -> dict[str, datetime]: ...
    async def pseudonyms(self) -> set[str]:
        """The pseudonyms of the keys there are."""
        ...
    async def close(self) -> None: ...


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _row_key(r: Any) -> PersonKey:  # noqa: ANN401
    return PersonKey(r.person_id, r.pseudonym or r.person_id, r.key, r.country, _aware(r.created_at))


class SqlKeyStore:
    """Keys in tables of a database of their own (SQLite or PostgreSQL).

    SQLite: secure_delete is on (a deleted key's page is zeroed) and every
    delete is followed by a TRUNCATE checkpoint, so a forgotten key's bytes
    leave the -wal file and the database file at once. PostgreSQL keeps dead
    tuples until VACUUM and the key in WAL and archives until they expire:
    deploy/OPERATIONS.md says what the operator does."""

    def __init__(self, db: Database | str) -> None:
        self.db = Database(db) if isinstance(db, str) else db
        self._own = isinstance(db, str)
        self._prepared = False
        if self.db.is_sqlite:
            for engine in {self.db.writer, self.db.reader}:
                event.listen(engine.sync_engine, "connect", _secure_delete)

    async def prepare(self) -> None:
        if self._prepared:
            return
        await self.db.create_all(metadata)
        async with self.db.write() as c:
            await c.execute(text("CREATE INDEX IF NOT EXISTS ix_person_keys_pseudonym ON person_keys (pseudonym)"))
        self._prepared = True

    async def _one(self, q: Any) -> PersonKey | None:  # noqa: ANN401
        await self.prepare()
        async with self.db.read() as c:
            row = (await c.execute(q)).first()
        return _row_key(row) if row is not None else None

    async def get(self, person_id: str) -> PersonKey | None:
        return await self._one(select(person_keys).where(person_keys.c.person_id == person_id))

    async def by_pseudonym(self, pseudonym: str) -> PersonKey | None:
        return await self._one(select(person_keys).where(or_(
            person_keys.c.pseudonym == pseudonym,
            (person_keys.c.pseudonym.is_(None)) & (person_keys.c.person_id == pseudonym))))

    async def put(self, key: PersonKey) -> PersonKey:
        await self.prepare()
        async with self.db.write() as c:
            row = (await c.execute(select(person_keys).where(person_keys.c.person_id == key.person_id))).first()
            if row is not None:
                return _row_key(row)
            await c.execute(insert(person_keys).values(person_id=key.person_id, key=key.key,
                                                       created_at=key.created_at, country=key.country,
                                                       pseudonym=key.pseudonym))
        return key

    async def claim(self, person_id: str, country: str) -> None:
        await self.prepare()
        async with self.db.write() as c:
            await c.execute(sql_update(person_keys).where(person_keys.c.person_id == person_id,
                                                          person_keys.c.country.is_(None)).values(country=country))

    async def delete(self, person_id: str, country: str | None, at: datetime) -> PersonKey | None:
        await self.prepare()
        async with self.db.write() as c:
            q = select(person_keys).where(person_keys.c.person_id == person_id)
            if country is not None:
                q = q.where(or_(person_keys.c.country == country, person_keys.c.country.is_(None)))
            row = (await c.execute(q)).first()
            if row is None:
                return None
            found = _row_key(row)
            await c.execute(delete(person_keys).where(person_keys.c.person_id == person_id))
            await self._tomb(c, found.pseudonym, at)
        await self.checkpoint()
        return found

    async def tombstone(self, pseudonym: str, at: datetime) -> bool:
        await self.prepare()
        async with self.db.write() as c:
            gone = (await c.execute(delete(person_keys).where(
                or_(person_keys.c.pseudonym == pseudonym,
                    person_keys.c.pseudonym.is_(None) & (person_keys.c.person_id == pseudonym)),
                person_keys.c.created_at <= at))).rowcount
            await self._tomb(c, pseudonym, at)
        if gone:
            await self.checkpoint()
        return bool(gone)

    async def _tomb(self, c: AsyncConnection, pseudonym: str, at: datetime) -> None:
        have = (await c.execute(select(tombstones.c.forgotten_at).where(tombstones.c.pseudonym == pseudonym))).first()
        if have is None:
            await c.execute(insert(tombstones).values(pseudonym=pseudonym, forgotten_at=at))
        elif _aware(have.forgotten_at) < at:
            await c.execute(sql_update(tombstones).where(tombstones.c.pseudonym == pseudonym).values(forgotten_at=at))

    async def tombstones(self) -> dict[str, datetime]:
        await self.prepare()
        async with self.db.read() as c:
            return {r.pseudonym: _aware(r.forgotten_at) for r in await c.execute(select(tombstones))}

    async def pseudonyms(self) -> set[str]:
        await self.prepare()
        async with self.db.read() as c:
            return {r.pseudonym or r.person_id for r in await c.execute(
                select(person_keys.c.pseudonym, person_keys.c.person_id))}

    async def checkpoint(self) -> None:
        await checkpoint(self.db)

    async def close(self) -> None:
        await self.db.dispose()


def _secure_delete(dbapi_conn: Any, _record: Any) -> None:  # noqa: ANN401
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA secure_delete=ON")  # a deleted row's bytes are overwritten with zeros
    cur.close()


async def checkpoint(db: Database) -> None:
    """SQLite: move the WAL into the database file and truncate it (a deleted
    key's frames go with it). Nothing to do on PostgreSQL (OPERATIONS.md)."""
    if not db.is_sqlite:
        return
    path = db.url.split("///", 1)[1] if "///" in db.url else ""
    if path and path != ":memory:":
        await asyncio.to_thread(checkpoint_file, path)


def checkpoint_file(path: str, attempts: int = 50) -> None:
    """PRAGMA wal_checkpoint(TRUNCATE) on a SQLite file, retried while a reader holds the WAL."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        for _ in range(attempts):
            busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{path}: the WAL could not be truncated (a reader holds it)")
    finally:
        conn.close()


class Sealer:
    """One person's key for one command: values sealed in memory; the key (if
    new) is stored by `keep()`, called once the command's rules have passed
    and before its events commit. An orphan key (stored, then the events
    fail to commit) opens nothing and is harmless."""

    def __init__(self, vault: Vault, key: PersonKey, *, new: bool, claim: bool) -> None:
        self.vault, self.key, self.new, self._claim = vault, key, new, claim

    @property
    def pseudonym(self) -> str:
        return self.key.pseudonym

    def seal(self, text: str) -> str:
        nonce = os.urandom(12)
        data = AESGCM(self.key.key).encrypt(nonce, text.encode(), self.key.pseudonym.encode())
        return f"{V2}{self.key.pseudonym}:{base64.urlsafe_b64encode(nonce + data).decode()}"

    async def keep(self) -> None:
        if self.new:
            stored = await self.vault.keys.put(self.key)
            if stored.key != self.key.key:
                raise KeyRaced(self.key.person_id)
            self.new = False
        if self._claim and self.key.country is not None:
            await self.vault.keys.claim(self.key.person_id, self.key.country)
            self._claim = False


class Vault:
    """The one API that seals and opens personal data (and forgets it)."""

    def __init__(self, keys: KeyStore | Database) -> None:
        self.keys: KeyStore = SqlKeyStore(keys) if isinstance(keys, Database) else keys

    async def sealer(self, person_id: str, country: str | None = None) -> Sealer:
        """The person's key (a new one, owned by `country`, if they have none).
        A person whose key another country owns is refused (PersonOfAnotherCountry):
        one country's data never opens with a key another country may forget."""
        found = await self.keys.get(person_id)
        if found is not None:
            if country is not None and found.country != country:
                if found.country is not None:
                    raise PersonOfAnotherCountry(person_id)
                return Sealer(self, replace(found, country=country), new=False, claim=True)  # the first claims it
            return Sealer(self, found, new=False, claim=False)
        key = PersonKey(person_id, uuid.uuid4().hex, AESGCM.generate_key(bit_length=256), country, datetime.now(UTC))
        return Sealer(self, key, new=True, claim=False)

    async def seal(self, person_id: str, text: str, *, conn: AsyncConnection | None = None,
                   country: str | None = None) -> str:
        """Seal `text` with the person's key, stored at once (`sealer` for a
        command that may still refuse). `conn` is not used: keys are in their own store."""
        s = await self.sealer(person_id, country)
        await s.keep()
        return s.seal(text)

    async def open(self, sealed: str, *, conn: AsyncConnection | None = None) -> str | None:
        """The text, or None once the person is forgotten."""
        version, ref, blob = sealed[:len(V2)], *sealed[len(V2):].rsplit(":", 1)
        key = await (self.keys.by_pseudonym(ref) if version == V2 else self.keys.get(ref))
        if key is None:
            return None
        raw = base64.urlsafe_b64decode(blob)
        try:
            return AESGCM(key.key).decrypt(raw[:12], raw[12:], ref.encode()).decode()
        except InvalidTag:  # a later key of a reused id: not the one this was sealed with
            return None

    async def show(self, value: str | None) -> str | None:
        """What a read model shows: the text, FORGOTTEN once the person is forgotten (plain text as it is)."""
        if not is_sealed(value):
            return value
        assert value is not None
        opened = await self.open(value)
        return FORGOTTEN if opened is None else opened

    async def known(self, person_id: str, *, conn: AsyncConnection | None = None) -> bool:
        return await self.keys.get(person_id) is not None

    async def owner(self, person_id: str, *, conn: AsyncConnection | None = None) -> tuple[bool, str | None]:
        """Whether the person has a key, and the country that owns it (None: not recorded)."""
        found = await self.keys.get(person_id)
        return (found is not None, found.country if found is not None else None)

    async def pseudonym(self, person_id: str) -> str | None:
        found = await self.keys.get(person_id)
        return found.pseudonym if found is not None else None

    async def forget_key(self, person_id: str, country: str | None = None,
                         at: datetime | None = None) -> PersonKey | None:
        """Delete the person's key and leave a tombstone: the key deleted (None: none of `country`)."""
        return await self.keys.delete(person_id, country, at or datetime.now(UTC))

    async def forget(self, person_id: str, country: str | None = None, *,
                     conn: AsyncConnection | None = None) -> bool:
        """Delete the person's key. With `country`, only a key of that country
        (or one with no country recorded): another country's key is left alone."""
        return await self.forget_key(person_id, country) is not None

    async def reapply(self, forgotten: Mapping[str, datetime] | None = None) -> list[str]:
        """Delete again every key a tombstone names: the key store's own and
        `forgotten` (pseudonym -> when, from forget events of the event store
        or JetStream). The pseudonyms whose key was found and deleted."""
        kept = await self.keys.tombstones()
        marks = dict(kept)
        for p, at in (forgotten or {}).items():
            marks[p] = max(marks.get(p, _aware(at)), _aware(at))
        alive = await self.keys.pseudonyms()
        # a write only where a key is there to delete or a tombstone is missing or older
        todo = sorted(p for p, at in marks.items() if p in alive or kept.get(p) != at)
        return [p for p in todo if await self.keys.tombstone(p, marks[p])]

    async def close(self) -> None:
        await self.keys.close()


# -- where a service's keys are ------------------------------------------------------------

_beside: weakref.WeakKeyDictionary[Any, Vault] = weakref.WeakKeyDictionary()


def keys_beside(database_url: str, service: str = "") -> str:
    """The default key store: a SQLite file beside a SQLite database (x.db -> x-keys.db)."""
    if database_url.startswith("sqlite") and "///" in database_url:
        path = Path(database_url.split("///", 1)[1])
        return f"sqlite+aiosqlite:///{path.with_name(path.stem + '-keys' + path.suffix)}"
    raise ValueError("a key store URL is needed beside a database that is not a SQLite file "
                     f"(WECARE_KEYSTORE_URL) for {service or database_url}")


def vault_of(store: EventStore) -> Vault:
    """The vault of the service that owns `store` (Service sets it; a store
    with none, as in handler tests, gets one beside its SQLite file)."""
    v = getattr(store, "vault", None)
    if v is None:
        v = _beside.get(store)
        if v is None:
            v = _beside[store] = Vault(SqlKeyStore(keys_beside(store.db.url)))
    return v


async def release(store: EventStore) -> None:
    """Close the key store `vault_of` made for a store with none (a handler test's)."""
    v = _beside.pop(store, None)
    if v is not None:
        await v.close()


def forget_events(context: str) -> list[tuple[str, str]]:
    """(event type, field naming the key's pseudonym) of a context's forget events."""
    from shared.contracts.registry import registry

    return [(t.event_type, t.forgets) for t in registry.types(context) if getattr(t, "forgets", None)]


async def forgotten_in(store: EventStore) -> dict[str, datetime]:
    """The tombstones a service's event store holds: pseudonym -> when forgotten."""
    out: dict[str, datetime] = {}
    for event_type, field in forget_events(store.context):
        for env in await store.find(event_type):
            p = getattr(env.event(), field)
            if p:  # None: a forget of data sealed with no key (a case noted before keys)
                out[p] = max(out.get(p, env.occurred_at), env.occurred_at)
    return out


async def move_old_keys(event_db: Database, vault: Vault) -> int:
    """Keys of an older version, kept in the event database's person_keys
    table: copied to the key store (with their person id as pseudonym) and
    deleted from the event database (zeroed and checkpointed on SQLite)."""
    def columns(sync_conn: Any) -> set[str]:  # noqa: ANN401
        from sqlalchemy import inspect

        found = inspect(sync_conn)
        return {c["name"] for c in found.get_columns("person_keys")} if found.has_table("person_keys") else set()

    if isinstance(vault.keys, SqlKeyStore) and vault.keys.db.url == event_db.url:
        raise ValueError("the key store is the event database: set WECARE_KEYSTORE_URL to a database of its own")
    async with event_db.read() as c:
        have = await c.run_sync(columns)
    if not have:
        return 0
    country = "country" if "country" in have else "NULL AS country"
    async with event_db.read() as c:
        rows = (await c.execute(text(f"SELECT person_id, key, created_at, {country} FROM person_keys"))).all()
    for r in rows:
        created = r.created_at if isinstance(r.created_at, datetime) else datetime.fromisoformat(str(r.created_at))
        await vault.keys.put(PersonKey(r.person_id, r.person_id, bytes(r.key), r.country, _aware(created)))
    async with event_db.write() as c:
        if event_db.is_sqlite:
            await c.execute(text("PRAGMA secure_delete=ON"))
        await c.execute(text("DELETE FROM person_keys"))
    await checkpoint(event_db)
    return len(rows)


def new_person_id() -> str:
    return uuid.uuid4().hex
