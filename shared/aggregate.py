"""Aggregates and command handling: load, decide, append.

Domain code is plain Python over events: an aggregate records events with
`self.record(event)`, and each event type is applied by a method named
`on_<event_name>` (e.g. `on_factory_registered`). No ORM object reaches it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import ClassVar, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.contracts.envelope import Envelope
from shared.contracts.registry import DomainEvent
from shared.logging import current_correlation, new_correlation_id
from shared.store.eventstore import AppendResult, ConcurrencyError, EventStore


class DomainError(Exception):
    """A command broke a business rule. `field` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None,
                 items: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule
        self.items = items or []


class NotFound(Exception):
    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident


class Aggregate:
    stream_prefix: ClassVar[str]  # e.g. "factory": stream ids are "factory-<id>"

    def __init__(self, ident: str) -> None:
        self.id = ident
        self.version = 0
        self.country: str | None = None
        self.pending: list[DomainEvent] = []
        self.pending_keys: list[str | None] = []

    @classmethod
    def stream_id(cls, ident: str) -> str:
        return f"{cls.stream_prefix}-{ident}"

    def apply(self, event: DomainEvent) -> None:
        handler = getattr(self, f"on_{event.subject_name()}", None)
        if handler is None:
            raise TypeError(f"{type(self).__name__} has no on_{event.subject_name()}")
        handler(event)

    def record(self, event: DomainEvent, *, key: str | None = None) -> None:
        """`key`: what makes this event the same one again (e.g. "session s1
        delivered"): its event id is derived from the stream and the key, so a
        command repeated by a client or a reaction repeated by a redelivery
        appends nothing twice."""
        self.apply(event)
        self.pending.append(event)
        self.pending_keys.append(key)

    @property
    def exists(self) -> bool:
        return self.version > 0 or bool(self.pending)


A = TypeVar("A", bound=Aggregate)


class Repository(Generic[A]):
    def __init__(self, store: EventStore, cls: type[A]) -> None:
        self.store = store
        self.cls = cls

    async def get(self, ident: str, *, required: bool = True, conn: AsyncConnection | None = None) -> A:
        agg = self.cls(ident)
        stream = self.cls.stream_id(ident)
        # inside a caller's transaction: read it there (uncommitted events must not be cached)
        for env in await (self.store.load(stream, conn=conn) if conn is not None else self.store.load_stream(stream)):
            agg.apply(env.event())
            agg.version = env.stream_version
            agg.country = env.country
        if required and agg.version == 0:
            raise NotFound(self.cls.stream_prefix, ident)
        return agg

    async def save(self, agg: A, *, actor: str, country: str | None = None,
                   idempotency_key: str | None = None, conn: AsyncConnection | None = None) -> AppendResult:
        country = country or agg.country
        if country is None:
            raise ValueError("an event needs a country")
        correlation_id, causation_id = current_correlation()
        stream_id = self.cls.stream_id(agg.id)
        envelopes = [
            Envelope.wrap(
                e, stream_id=stream_id, stream_version=agg.version + i, country=country, actor=actor,
                correlation_id=correlation_id or new_correlation_id(), causation_id=causation_id,
                event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"wecare:{stream_id}:{key}") if key else None,
            )
            for i, (e, key) in enumerate(zip(agg.pending, agg.pending_keys, strict=True), start=1)
        ]
        result = await self.store.append(stream_id, agg.version, envelopes, idempotency_key=idempotency_key,
                                         conn=conn)
        agg.pending.clear()
        agg.pending_keys.clear()
        agg.version = result.version
        agg.country = country
        return result

    async def execute(
        self,
        ident: str,
        decide: Callable[[A], None] | Callable[[A], Awaitable[None]],
        *,
        actor: str,
        country: str | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
        create: bool = False,
        guard: Callable[[A], None] | None = None,
        conn: AsyncConnection | None = None,
    ) -> tuple[A, AppendResult]:
        """Load the aggregate, let `decide` record events, append them.
        `expected_version` (from the client, e.g. If-Match) makes a stale
        client's write fail with ConcurrencyError instead of being merged.
        `guard` runs first on the loaded aggregate (e.g. "is it in the caller's
        country?"), so a resource out of scope is not found before it conflicts."""
        if idempotency_key is not None:
            prior = await self.store.command_result(idempotency_key)
            if prior is not None:  # a retried command: answer as the first time, append nothing
                return await self.get(ident, required=False), prior
        agg = await self.get(ident, required=not create, conn=conn)
        if guard is not None:
            guard(agg)
        if expected_version is not None and agg.version != expected_version:
            raise ConcurrencyError(agg.stream_id(ident), expected_version, agg.version)
        out = decide(agg)
        if out is not None and hasattr(out, "__await__"):
            await out  # type: ignore[misc]
        result = await self.save(agg, actor=actor, country=country, idempotency_key=idempotency_key, conn=conn)
        return agg, result
