"""Endpoints' signing secrets are sealed at rest (Fernet under the keys of
WECARE_WEBHOOK_SECRET_KEY, newest first): the table read with plain SQL holds
no secret that signs, and deliveries still verify (standardwebhooks, and by
hand). Secrets an older version stored in plain text, and those sealed under a
key since moved to second place, are sealed anew under the newest when the
dispatcher starts; a key list that opens none of them stops it, named."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook

from services.buyers import webhooks as W
from shared.settings import Settings
from shared.store.database import Database
from tests.buyers.conftest import OTTO, BuyersStack, Receiver
from tests.buyers.test_feed_and_webhooks import _all_delivered
from tests.buyers.test_webhook_poison import _queue
from tests.conftest import eventually


async def _stored(db: Database) -> list[str]:
    async with db.read() as conn:
        return list((await conn.execute(text("SELECT secret FROM buyers_endpoint_secrets"))).scalars())


@pytest.mark.parametrize("buyers_stack", ["sqlite", "postgres"], indirect=True)
async def test_the_secrets_table_holds_no_secret_and_deliveries_still_verify(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    s = buyers_stack
    ep = await s.register(OTTO, f"{receiver.url}/otto")
    r = await s.buyers.post(f"/buyers/{OTTO}/webhooks/{ep['endpoint_id']}/rotate-secret", json={"grace_s": 3600},
                            headers=s.as_buyer(OTTO))
    secrets = [ep["secret"], r.json()["secret"]]
    receiver.secrets = {"otto": secrets[1:]}
    stored = await _stored(s.buyers_service.db)
    assert len(stored) == 2 and all(v.startswith(W.SEALED) for v in stored)
    key_material = [part for sec in secrets for part in (sec, sec.removeprefix("whsec_"))]
    assert not any(k in v for k in key_material for v in stored)

    await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await eventually(lambda: _all_delivered(s, OTTO, ep["endpoint_id"]), timeout=30)
    assert receiver.rejected == [] and receiver.accepted["otto"]  # verified by the library and by hand
    msg_id, body, sigs = receiver.accepted["otto"][0]
    assert len(sigs) == 2  # both secrets sign for the grace period: both were opened


def _dispatcher(db: Database, tmp_path: Path, handler: Any, **settings: Any) -> W.Dispatcher:
    d = W.Dispatcher(db, Settings(service="buyers", data_dir=str(tmp_path), webhook_poll_s=0.05, **settings))
    d._client = httpx.AsyncClient(transport=httpx.MockTransport(handler))  # noqa: SLF001
    return d


async def test_plain_text_secrets_of_an_older_version_are_sealed_at_start_and_still_sign(tmp_path: Path) -> None:
    """Rows written before sealing hold the secret itself: read as they are,
    and sealed under the key at the dispatcher's start; deliveries verify with
    the same secret before and after."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/b.db")
    await _queue(db, {"e1": 1})  # stored as an older version did: in plain text
    (plain,) = await _stored(db)
    assert plain.startswith("whsec_")
    verified: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        Webhook(plain).verify(req.content, dict(req.headers))  # raises on a bad signature
        verified.append(req.headers["webhook-id"])
        return httpx.Response(204)

    key = Fernet.generate_key().decode()
    d = _dispatcher(db, tmp_path, handler, webhook_secret_key=key)
    task = asyncio.create_task(d.run())
    try:
        await eventually(lambda: verified, timeout=5)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await d.close()
    (sealed,) = await _stored(db)
    assert sealed.startswith(W.SEALED) and plain not in sealed
    assert W.SecretBox([key]).open(sealed) == plain
    assert await W.seal_stored_secrets(db, W.SecretBox([key])) == 0  # sealed once

    # rotation: a new key first, the old one second; the start seals anew under the new one
    new = Fernet.generate_key().decode()
    assert await W.seal_stored_secrets(db, W.SecretBox([new, key])) == 1
    (resealed,) = await _stored(db)
    assert W.SecretBox([new]).open(resealed) == plain  # the old key may go now
    # a key list that opens none of them: the start stops, naming the setting
    with pytest.raises(ValueError, match="WECARE_WEBHOOK_SECRET_KEY"):
        await W.seal_stored_secrets(db, W.SecretBox([Fernet.generate_key().decode()]))
    await db.dispose()


def test_without_the_setting_a_key_is_made_once_in_the_data_folder_readable_by_its_owner_only(
        tmp_path: Path) -> None:
    one = W.secret_box(Settings(service="buyers", data_dir=str(tmp_path)))
    path = tmp_path / "keys" / W.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    two = W.secret_box(Settings(service="buyers", data_dir=str(tmp_path)))
    assert two.open(one.seal("whsec_x")) == "whsec_x"
    with pytest.raises(ValueError, match="WECARE_WEBHOOK_SECRET_KEY must be Fernet keys"):
        W.secret_box(Settings(service="buyers", webhook_secret_key="not-a-key"))
