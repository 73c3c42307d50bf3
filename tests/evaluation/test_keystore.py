"""The person key store (shared/privacy.py), with no server: a forgotten
key's bytes leave every SQLite file at once, tombstones delete a key again
whatever was restored, and keys an older version kept in the event database
move to the key store at start-up."""

from __future__ import annotations

import base64
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from shared.privacy import SqlKeyStore, Vault, metadata, person_keys
from shared.store.database import Database

pytestmark = pytest.mark.unit


def _files(d: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in d.iterdir() if f.is_file()}


async def test_a_forgotten_key_is_in_no_file(tmp_path):
    """Finding: on SQLite a forgotten key stayed in the -wal file (and in the
    freed page) until a checkpoint. The key store zeroes deleted rows
    (secure_delete) and truncates the WAL after each forget."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}")
    await db.create_all(metadata)
    vault = Vault(db)
    try:
        sealed = [await vault.seal(f"p-{i}", f"name {i}", country="bd") for i in range(3)]
        async with db.read() as conn:
            key = (await conn.execute(select(person_keys.c.key).where(person_keys.c.person_id == "p-1"))).scalar()
        assert any(key in raw for raw in _files(tmp_path).values())
        assert await vault.forget("p-1", "bd") is True
        assert [name for name, raw in _files(tmp_path).items() if key in raw] == []
        assert await vault.open(sealed[1]) is None and await vault.open(sealed[2]) == "name 2"
    finally:
        await db.dispose()


async def test_tombstones_delete_a_key_again_whatever_was_restored(tmp_path):
    """The keys table restored from a backup (the tombstones table not), or a
    forget known only to another store (the event store, JetStream): the
    key goes again. A later key of a reused id is not a tombstone's."""
    vault = Vault(SqlKeyStore(f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}"))
    try:
        sealed = await vault.seal("p-1", "Rahima", country="bd")
        other = await vault.seal("p-2", "Karim", country="bd")
        src, dst = sqlite3.connect(tmp_path / "keys.db"), sqlite3.connect(tmp_path / "old.db")
        src.backup(dst)  # a backup, before the forget
        src.close()
        dst.close()
        pseudonym = await vault.pseudonym("p-1")
        assert pseudonym is not None and pseudonym != "p-1"
        assert await vault.forget("p-1", "bd") is True
        assert await vault.keys.tombstones() == {pseudonym: pytest.approx(datetime.now(UTC), abs=timedelta(5))}
        # the keys table comes back from before the forget; the tombstones stay
        old = sqlite3.connect(tmp_path / "old.db")
        row = old.execute("SELECT person_id, key, created_at, country, pseudonym FROM person_keys "
                          "WHERE person_id = 'p-1'").fetchone()
        old.close()
        async with vault.keys.db.write() as conn:  # type: ignore[attr-defined]
            await conn.execute(person_keys.insert().values(person_id=row[0], key=row[1],
                                                           created_at=datetime.fromisoformat(row[2]),
                                                           country=row[3], pseudonym=row[4]))
        assert await vault.open(sealed) == "Rahima"  # restored: readable again, until the tombstones apply
        assert await vault.reapply() == [pseudonym]
        assert await vault.open(sealed) is None and await vault.open(other) == "Karim"
        # a forget known only to the event store or JetStream
        p2 = await vault.pseudonym("p-2")
        assert await vault.reapply({p2: datetime.now(UTC)}) == [p2]  # type: ignore[dict-item]
        assert await vault.open(other) is None and p2 in await vault.keys.tombstones()
        # the id used again later: a new person, a new key, a new pseudonym; old tombstones leave it alone
        again = await vault.seal("p-1", "Someone else", country="bd")
        assert await vault.reapply() == [] and await vault.open(again) == "Someone else"
    finally:
        await vault.close()


async def test_keys_kept_in_the_event_database_move_to_the_key_store(tmp_path, in_process):
    """An upgraded deployment keeps its people readable: the keys of the old
    person_keys table of the event database move to the key store at
    start-up (and leave the event database's files), and what they sealed
    ("pii:v1:<person id>:...") still opens and can be forgotten."""
    data = tmp_path / "evaluation"
    data.mkdir()
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    v1 = "pii:v1:p-old:" + base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, b"Rahima", b"p-old")).decode()
    old = sqlite3.connect(data / "evaluation.db")
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("CREATE TABLE person_keys (person_id VARCHAR(100) PRIMARY KEY, key BLOB NOT NULL, "
                "created_at DATETIME NOT NULL, country VARCHAR(8))")
    old.execute("INSERT INTO person_keys VALUES ('p-old', ?, '2026-01-01 00:00:00.000000', 'bd')", (key,))
    old.commit()
    old.close()
    svc, _ = await in_process("evaluation")
    assert await svc.vault.owner("p-old") == (True, "bd")
    assert await svc.vault.pseudonym("p-old") == "p-old"  # its id was published already: it stays its name
    assert await svc.vault.open(v1) == "Rahima"
    async with svc.db.read() as conn:
        assert (await conn.exec_driver_sql("SELECT count(*) FROM person_keys")).scalar() == 0
    assert [n for n, raw in _files(data).items() if key in raw and "keys" not in n] == []
    assert await svc.vault.forget("p-old", "bd") is True and await svc.vault.open(v1) is None
    assert [n for n, raw in _files(data).items() if key in raw] == []
