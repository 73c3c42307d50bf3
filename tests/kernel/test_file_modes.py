"""What the stack writes to disk is its owner's only: SQLite databases, their
-wal and -shm files and the key store 0600, the folders made for them 0700,
whatever the umask (shared/files.py). The modes of a launched stack's files
are checked in tests/stack/test_launcher.py."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.files import open_private, private_dir
from shared.store.database import Database

pytestmark = pytest.mark.unit


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give (files 0644, folders 0755), under which the files were readable by all."""
    old = os.umask(0o022)
    yield
    os.umask(old)


async def test_a_sqlite_database_and_its_folders_are_private(tmp_path, usual_umask):
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/data/stack/delivery-keys.db")
    try:
        async with db.write() as conn:
            await conn.execute(text("CREATE TABLE person_keys (k TEXT)"))
            await conn.execute(text("INSERT INTO person_keys VALUES ('secret')"))
        files = sorted((tmp_path / "data" / "stack").iterdir())
        assert [f.name for f in files] == ["delivery-keys.db", "delivery-keys.db-shm", "delivery-keys.db-wal"]
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert mode(tmp_path / "data") == mode(tmp_path / "data" / "stack") == 0o700
    finally:
        await db.dispose()


async def test_a_database_made_readable_before_is_narrowed_when_opened(tmp_path, usual_umask):
    path = tmp_path / "planning.db"
    old = Database(f"sqlite+aiosqlite:///{path}")
    async with old.write() as conn:
        await conn.execute(text("CREATE TABLE t (x INT)"))
    await old.dispose()
    path.chmod(0o644)  # as a version before this one left it
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        assert mode(path) == 0o600
        async with db.write() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        assert all(mode(f) == 0o600 for f in tmp_path.glob("planning.db*"))
    finally:
        await db.dispose()
    path.chmod(0o444)  # made read-only by an operator: narrowed, and still read-only
    await Database(f"sqlite+aiosqlite:///{path}").dispose()
    assert mode(path) == 0o400


def test_private_files_and_folders(tmp_path, usual_umask):
    (tmp_path / "mine").mkdir(mode=0o755)
    private_dir(tmp_path / "mine" / "a" / "b")
    assert mode(tmp_path / "mine") == 0o755  # existing: the operator's choice
    assert mode(tmp_path / "mine" / "a") == mode(tmp_path / "mine" / "a" / "b") == 0o700
    log = tmp_path / "logs" / "delivery.log"
    with open_private(log, "ab") as f:
        f.write(b"one\n")
    log.chmod(0o644)
    with open_private(log, "a") as f:
        f.write("two\n")
    assert mode(log) == 0o600 and log.read_text() == "one\ntwo\n"
    with open_private(log, "w") as f:
        f.write("new")
    assert log.read_text() == "new" and mode(log.parent) == 0o700


def test_signing_keys_made_readable_before_are_narrowed_and_made_whole(tmp_path, usual_umask):
    """A stack made by an older version kept its token-signing key 0644 in a
    0755 folder: any local user could read it and mint admin tokens. The key
    (and the webhook secrets' key) is narrowed when read again, and a new one
    is 0600 from its first byte."""
    from services.buyers.webhooks import _local_key
    from shared.auth import local_keys

    old = tmp_path / "old" / "keys"
    old.mkdir(parents=True)
    private, jwks = local_keys(tmp_path / "made")  # made once, as an older version made them...
    (old / "signing-key.pem").write_bytes(private.read_bytes())
    (old / "jwks.json").write_bytes(jwks.read_bytes())
    (old / "webhook-secret.key").write_bytes(b"k" * 43 + b"=\n")
    for f in old.iterdir():
        f.chmod(0o644)
    old.chmod(0o755)
    again, _ = local_keys(old)  # ...read by this one
    assert again.read_bytes() == private.read_bytes()  # the same key, not a new one
    assert _local_key(old / "webhook-secret.key") == "k" * 43 + "="
    assert (mode(old), mode(old / "signing-key.pem"), mode(old / "webhook-secret.key")) == (0o700, 0o600, 0o600)
    fresh = tmp_path / "fresh"
    made, _ = local_keys(fresh)
    assert (mode(fresh), mode(made)) == (0o700, 0o600)
    assert sorted(p.name for p in fresh.iterdir()) == ["jwks.json", "signing-key.pem"]  # nothing left aside
