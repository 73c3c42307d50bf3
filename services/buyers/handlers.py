"""The buyers service's handlers: one function per command on a buyer's
integration. Access is decided first, by Principal.check_buyer (the buyer
itself, an admin, a programme manager of every country; an auditor reads
only): anyone else finds no such buyer (404, as for one that does not exist),
and another buyer's endpoint is as unknown under your path as a missing one.

The state is tables, not aggregates, so nothing here goes through the event
store; each command is one write transaction, serialised with the feed's
appends (a registration's backfill and the live queueing miss no record),
which also keeps its Idempotency-Key (UnitOfWork.remember): a registration
retried under its key answers with the endpoint it made, not a second one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.buyers import egress
from services.buyers.commands import DisableWebhook, RedriveWebhook, RegisterWebhook, RotateWebhookSecret
from services.buyers.projections import feed
from services.buyers.webhooks import (
    SecretBox,
    deliveries,
    endpoint_out,
    endpoint_row,
    endpoints,
    new_secret,
    requeue_parked,
    secret_box,
    secrets_,
)
from shared.aggregate import DomainError
from shared.application import Command, Handler, UnitOfWork
from shared.contracts.envelope import utcnow
from shared.contracts.feed import TYPES
from shared.i18n import N_
from shared.operator_actions import record as record_action
from shared.settings import Settings


@dataclass
class Webhooks:
    """What the webhook handlers take from their service: its settings (read
    at every command, so a changed setting holds at once) and the dispatcher's
    wake-up, called once a command has committed."""

    settings: Settings = field(default_factory=lambda: Settings(service="buyers"))
    wake: Callable[[], None] = lambda: None

    @property
    def box(self) -> SecretBox:
        """What seals the signing secrets at rest (the settings' keys)."""
        return secret_box(self.settings)


async def check_url(settings: Settings, url: str) -> str:
    """An https URL whose host resolves to public addresses only, or one the
    operator's allow-list names (services/buyers/egress.py)."""
    try:
        return await egress.check_url(settings, url)
    except ValueError as e:
        raise DomainError(str(e), field="url", rule="webhook_url") from None


def known_types(types: list[str] | None, field: str = "types") -> list[str]:
    types = sorted(set(types or []))
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise DomainError(N_("unknown record types: %(unknown)s (see /feed/types)"),
                          params={"unknown": ', '.join(unknown)}, field=field, rule="known_type", items=unknown)
    return types


def _manages(uow: UnitOfWork, buyer: str) -> None:
    """THE access decision for a buyer's integration, before anything is read."""
    uow.ctx.principal.check_buyer(buyer, write=True)


async def register_webhook(cmd: RegisterWebhook, uow: UnitOfWork, hooks: Webhooks) -> dict[str, Any]:
    """Register an endpoint; with start=beginning, the buyer's whole feed (of
    the wanted types) is queued for it. The answer holds its signing secret:
    it is shown this once (rotate it to get a new one)."""
    _manages(uow, cmd.buyer)
    if uow.replayed is not None:  # a retry under its key: the endpoint it made, with its signing secret
        async with uow.read() as conn:
            r = await endpoint_row(conn, cmd.buyer, uow.replayed.stream_id)
            return {**endpoint_out(r), "secret": await _current_secret(conn, r.endpoint_id, hooks.box),
                    "queued": 0,
                    "replayed": True}
    url = await check_url(hooks.settings, cmd.url)
    types = known_types(cmd.types)
    eid = "ep_" + uuid.uuid4().hex
    secret = new_secret()
    at = utcnow()
    async with uow.transaction() as tx, tx.read() as conn:  # serialised with the feed's appends
        await _room_for_one_more(conn, cmd.buyer, hooks.settings.webhook_endpoints_per_buyer)
        await conn.execute(endpoints.insert().values(
            endpoint_id=eid, buyer=cmd.buyer, url=url, types=orjson.dumps(types).decode(),
            description=cmd.description, active=True, created_at=at, created_by=uow.ctx.actor))
        await conn.execute(secrets_.insert().values(endpoint_id=eid, created_at=at, secret=hooks.box.seal(secret),
                                                   expires_at=None))
        queued = await _backfill(conn, cmd.buyer, eid, types, at) if cmd.start == "beginning" else 0
        r = await endpoint_row(conn, cmd.buyer, eid)
        await tx.remember(eid)
    hooks.wake()
    return {**endpoint_out(r), "secret": secret, "queued": queued, "replayed": False}


async def _room_for_one_more(conn: AsyncConnection, buyer: str, cap: int) -> None:
    """At most `cap` active endpoints per buyer (a disabled one does not count): each is a worker and up to
    `webhook_concurrency` connections of the sender's. Counted inside the registration's transaction, which
    is serialised with every other registration (the appenders' lock), so two at once cannot both pass."""
    n = await conn.scalar(select(func.count()).select_from(endpoints)
                          .where(endpoints.c.buyer == buyer, endpoints.c.active.is_(True)))
    if (n or 0) >= cap:
        raise DomainError(N_("a buyer has at most %(cap)s active webhook endpoints; disable one to register another"),
                          params={"cap": cap}, field="url", rule="webhook_endpoints_per_buyer")


async def _current_secret(conn: AsyncConnection, endpoint_id: str, box: SecretBox) -> str | None:
    stored = await conn.scalar(select(secrets_.c.secret).where(secrets_.c.endpoint_id == endpoint_id,
                                                               secrets_.c.expires_at.is_(None))
                               .order_by(secrets_.c.created_at.desc()).limit(1))
    return None if stored is None else box.open(stored)


async def _backfill(conn: AsyncConnection, buyer: str, eid: str, types: list[str], at: Any) -> int:
    q = select(feed.c.position, feed.c.country, feed.c.factory_id).where(feed.c.buyer == buyer)
    if types:
        q = q.where(feed.c.type.in_(types))
    rows = [{"endpoint_id": eid, "position": r.position, "ordering_key": f"{r.country}/{r.factory_id}",
             "status": "pending", "attempts": 0, "next_attempt_at": at}
            for r in await conn.execute(q.order_by(feed.c.position))]
    if rows:
        await conn.execute(deliveries.insert(), rows)
    return len(rows)


async def rotate_webhook_secret(cmd: RotateWebhookSecret, uow: UnitOfWork, hooks: Webhooks) -> dict[str, Any]:
    """A new signing secret; the current one keeps signing beside it for the
    grace period (the command's, else the service's setting), then stops."""
    _manages(uow, cmd.buyer)
    if uow.replayed is not None:  # a retry under its key: the secret it made, and until when the old one signs
        async with uow.read() as conn:
            await endpoint_row(conn, cmd.buyer, cmd.endpoint_id)
            until = await conn.scalar(select(secrets_.c.expires_at).where(
                secrets_.c.endpoint_id == cmd.endpoint_id, secrets_.c.expires_at.is_not(None))
                .order_by(secrets_.c.created_at.desc()).limit(1))
            return {"endpoint_id": cmd.endpoint_id, "secret": await _current_secret(conn, cmd.endpoint_id, hooks.box),
                    "previous_valid_until": until}
    grace = cmd.grace_s if cmd.grace_s is not None else hooks.settings.webhook_secret_grace_s
    at = utcnow()
    secret = new_secret()
    async with uow.transaction() as tx, tx.read() as conn:
        await endpoint_row(conn, cmd.buyer, cmd.endpoint_id)
        await tx.remember(cmd.endpoint_id)
        await conn.execute(update(secrets_).where(secrets_.c.endpoint_id == cmd.endpoint_id,
                                                  secrets_.c.expires_at.is_(None))
                           .values(expires_at=at + timedelta(seconds=grace)))
        await conn.execute(secrets_.insert().values(endpoint_id=cmd.endpoint_id, created_at=at,
                                                    secret=hooks.box.seal(secret), expires_at=None))
        await record_action(uow.store, uow.ctx.principal, "webhook.rotate_secret",
                            target=f"{cmd.buyer}/{cmd.endpoint_id}", parameters={"grace_s": grace}, conn=conn)
    return {"endpoint_id": cmd.endpoint_id, "secret": secret, "previous_valid_until": at + timedelta(seconds=grace)}


async def disable_webhook(cmd: DisableWebhook, uow: UnitOfWork, hooks: Webhooks) -> dict[str, Any]:
    """Stop deliveries to the endpoint (its log stays)."""
    _manages(uow, cmd.buyer)
    async with uow.transaction() as tx, tx.read() as conn:
        await endpoint_row(conn, cmd.buyer, cmd.endpoint_id)
        await conn.execute(update(endpoints).where(endpoints.c.endpoint_id == cmd.endpoint_id).values(active=False))
        await tx.remember(cmd.endpoint_id)
        await record_action(uow.store, uow.ctx.principal, "webhook.disable", target=f"{cmd.buyer}/{cmd.endpoint_id}",
                            conn=conn)
    return {"endpoint_id": cmd.endpoint_id, "active": False}


async def redrive_webhook(cmd: RedriveWebhook, uow: UnitOfWork, hooks: Webhooks) -> dict[str, Any]:
    """The endpoint's parked deliveries (all, or the one named) go again, in
    order; another endpoint's delivery id re-drives nothing."""
    _manages(uow, cmd.buyer)
    async with uow.transaction() as tx, tx.read() as conn:
        await endpoint_row(conn, cmd.buyer, cmd.endpoint_id)
        n = await requeue_parked(conn, endpoint_id=cmd.endpoint_id, delivery_id=cmd.delivery_id)
        await tx.remember(cmd.endpoint_id)
        await record_action(uow.store, uow.ctx.principal, "webhook.redrive", target=f"{cmd.buyer}/{cmd.endpoint_id}",
                            parameters={"delivery_id": cmd.delivery_id, "redriven": n}, conn=conn)
    hooks.wake()
    return {"endpoint_id": cmd.endpoint_id, "redriven": n}


def handlers(hooks: Webhooks) -> dict[type[Command], Handler]:
    """The service's handlers, bound to its settings and dispatcher."""
    return {
        RegisterWebhook: partial(register_webhook, hooks=hooks),
        RotateWebhookSecret: partial(rotate_webhook_secret, hooks=hooks),
        DisableWebhook: partial(disable_webhook, hooks=hooks),
        RedriveWebhook: partial(redrive_webhook, hooks=hooks),
    }


HANDLERS = handlers(Webhooks())  # with the default settings and no dispatcher (tools, tests)
