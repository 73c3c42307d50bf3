"""The SQL key store (shared/privacy.py) on both backends: keys with their
owning country and pseudonym, forgets that leave tombstones, tombstones that
delete a key again (but not a later key of a reused id), and the first key of
a person made by two commands at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.privacy import KeyRaced, PersonOfAnotherCountry, SqlKeyStore, Vault


async def test_the_key_store_on_both_backends(db_url):
    vault = Vault(SqlKeyStore(db_url))
    try:
        sealed = await vault.seal("p-1", "Rahima Akter", country="bd")
        assert sealed.startswith("pii:v2:") and "p-1" not in sealed
        assert await vault.owner("p-1") == (True, "bd") and await vault.open(sealed) == "Rahima Akter"
        with pytest.raises(PersonOfAnotherCountry):
            await vault.seal("p-1", "x", country="cn")
        assert await vault.forget("p-1", "cn") is False  # another country's key is left alone
        pseudonym = await vault.pseudonym("p-1")
        assert await vault.forget("p-1", "bd") is True and await vault.open(sealed) is None
        assert list(await vault.keys.tombstones()) == [pseudonym]
        # a forget known to another store only (the event store, JetStream) deletes the key again
        other = await vault.seal("p-2", "Karim", country="bd")
        p2 = await vault.pseudonym("p-2")
        assert await vault.reapply({p2: datetime.now(UTC)}) == [p2]  # type: ignore[dict-item]
        assert await vault.open(other) is None
        # an id used again after its forget is a new person: old tombstones leave the new key alone
        again = await vault.seal("p-1", "Someone else", country="bd")
        assert await vault.reapply() == [] and await vault.open(again) == "Someone else"
        # two commands make the first key of a person at once: the later one is refused, nothing mixed
        first, second = await vault.sealer("p-3", "bd"), await vault.sealer("p-3", "bd")
        kept = first.seal("kept")
        await first.keep()
        with pytest.raises(KeyRaced):
            await second.keep()
        assert await vault.open(kept) == "kept"
    finally:
        await vault.close()


def test_the_key_store_is_never_the_event_database():
    """Keys beside the events they open come back with every restore of the events (and the start-up
    move of old keys out of the event database would delete them all)."""
    from shared.settings import Settings

    url = "postgresql+asyncpg://wecare@postgres:5432/evaluation"
    with pytest.raises(ValueError, match="KEYSTORE_URL"):
        Settings(service="evaluation", database_url=url, keystore_url=url).resolved_keystore_url()
    assert Settings(service="evaluation", data_dir="/d").resolved_keystore_url() == \
        "sqlite+aiosqlite:////d/evaluation-keys.db"
