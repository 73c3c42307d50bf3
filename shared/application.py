"""The application layer every service shares: commands, the context they run
in, the unit of work that loads and saves aggregates with access checked,
idempotency keys, and the one conflict-retry policy.

Every entry point (HTTP, the console, a field-capture import, a reaction to
another service's event) builds a `Command` and a `CommandContext` and calls
`Application.handle`. Handlers (each service's `handlers.py`) are the only
code that loads and saves aggregates, and they do it through the
`UnitOfWork`, which decides access (deny by default): an aggregate of a
country outside the caller's scope does not exist for them, and no event is
written for a country the caller may not change."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.access import Principal
from shared.aggregate import Aggregate, DomainError, NotFound
from shared.contracts.envelope import Envelope, utcnow
from shared.contracts.values import Input
from shared.i18n import N_, Text
from shared.logging import current_correlation, get_logger, new_correlation_id
from shared.store.eventstore import AppendResult, ConcurrencyError, EventStore

log = get_logger("application")

KEY_TTL = timedelta(hours=24)  # how long an idempotency key is remembered, by default
RETRY_ATTEMPTS = 8  # the conflict-retry policy: attempts of a command whose client named no version
RETRY_BACKOFF_S = 0.002  # doubled on each attempt, with jitter


class Command(Input):
    """A request to change state, named as a verb (ApprovePlan). Its fields
    are the whole input, in the bounded vocabulary (shared/contracts/values.py);
    who asks, where and on which version is the CommandContext's."""

    # Retried on a conflict with another writer (when the client named no
    # version): for commands that add to a stream whatever its version.
    retry_on_conflict: ClassVar[bool] = False

    # A buyer (a read-only role) may send it: a command on its own integration
    # (its webhook endpoints); the handler decides which buyer with Principal.check_buyer.
    buyer_writes: ClassVar[bool] = False

    def fingerprint(self) -> str:
        """What the command asks for: the same idempotency key with another body is refused."""
        return hashlib.sha256(f"{type(self).__name__}:{self.model_dump_json()}".encode()).hexdigest()


@dataclass(frozen=True)
class CommandContext:
    """Who asks (principal: role and scope), in which country, on which
    version, under which idempotency key, and within which conversation."""

    principal: Principal
    country: str | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None

    @property
    def actor(self) -> str:
        return self.principal.subject

    @classmethod
    def for_reaction(cls, name: str, env: Envelope) -> CommandContext:
        """A policy acting on another service's event: the event's country only,
        in the event's conversation."""
        return cls(Principal.reaction(name, env.country), env.country, correlation_id=env.correlation_id,
                   causation_id=str(env.event_id))


class CommandReplayed(Exception):  # noqa: N818 - control flow, not an error
    """The command's key was recorded, with the same request, by a concurrent
    first use that committed first: everything this attempt did is rolled
    back and the handler answers as the first time."""

    def __init__(self, result: AppendResult) -> None:
        super().__init__(result.stream_id)
        self.result = result


class IdempotencyKeyReused(DomainError):
    def __init__(self) -> None:
        super().__init__(N_("this Idempotency-Key was used for another request: send a new key for a new request"),
                         field="Idempotency-Key", rule="idempotency_key_reused")


class ReadOnly(PermissionError):
    """A read-only role sent a command."""

    def __init__(self, role: str) -> None:
        self.text = Text(N_("the %(role)s role reads only"), {"role": role})
        super().__init__(str(self.text))


def scoped_key(tenant: str, command: str, key: str) -> str:
    """The stored key: the client's key within its tenant and the command type."""
    return hashlib.sha256(f"{tenant}\x1f{command}\x1f{key}".encode()).hexdigest()


A = TypeVar("A", bound=Aggregate)
Handler = Callable[[Any, "UnitOfWork"], Awaitable[Any]]


async def load(store: EventStore, cls: type[A], ident: str, *, conn: AsyncConnection | None = None) -> A:
    """An aggregate from its events (version 0: none yet), with no access
    check: for queries, whose scope the API checks; commands use UnitOfWork.get."""
    agg = cls(ident)
    stream = cls.stream_id(ident)
    # inside a transaction: read it there (uncommitted events must not be cached)
    for env in await (store.load(stream, conn=conn) if conn is not None else store.load_stream(stream)):
        agg.apply(env.event())
        agg.version = env.stream_version
        agg.country = env.country
    return agg


@dataclass
class UnitOfWork:
    """One command's access to the event store and its own read models.

    Access is decided here for every aggregate a handler touches: loading one
    of a country outside the caller's scope answers NotFound (as if it did
    not exist), and saving one is refused the same way. The idempotency key
    and the client's expected version belong to the command's first save."""

    store: EventStore
    ctx: CommandContext
    conn: AsyncConnection | None = None  # inside a caller's transaction (a reaction, a multi-stream command)
    served: Sequence[str] | None = None  # the countries this deployment serves (None: every one)
    key: str | None = None
    fingerprint: str | None = None
    replayed: AppendResult | None = None  # the first result of a command retried under its key
    results: list[AppendResult] = field(default_factory=list)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """The service's read models (in the command's transaction, if it has one)."""
        if self.conn is not None:
            yield self.conn
        else:
            async with self.store.db.read() as conn:
                yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        """Several appends that commit together (serialised with every appender)."""
        if self.conn is not None:
            await self.store.db.lock_appends(self.conn)  # re-entrant within the transaction
            yield self
            return
        async with self.store.transaction() as conn:
            tx = replace(self, conn=conn, results=self.results)
            if tx.key is not None:  # serialised with every appender now: a concurrent use has committed or not
                await tx._check_key(tx.key)
            yield tx

    def reaches(self, country: str | None) -> bool:
        """Whether the caller may change an object of `country` through this
        command: in its scope, and (a command addressed to a country) that
        country's; anything else is as unknown to it as a missing object."""
        return self.ctx.principal.can_change(country) and self.ctx.country in (None, country)

    async def find(self, event_type: str, *, containing: str | None = None) -> list[Envelope]:
        """Events of one type across streams, of the countries in the caller's scope only."""
        p = self.ctx.principal
        return [env for env in await self.store.find(event_type, containing=containing, conn=self.conn)
                if p.sees_country(env.country)]

    async def get(self, cls: type[A], ident: str, *, required: bool = True) -> A:
        agg = await load(self.store, cls, ident, conn=self.conn)
        if (agg.version and not self.reaches(agg.country)) or (not agg.version and required):
            raise NotFound(cls.stream_prefix, ident)  # out of reach answers as a missing one does
        return agg

    async def save(self, agg: Aggregate, *, country: str | None = None, at_end: bool = False) -> AppendResult:
        """Append the aggregate's pending events at its version (a conflict if
        another writer came first); `at_end`: at the end of the stream whatever
        its version, for streams that only accumulate (a survey's responses),
        whose events carry their own ids (recorded with a key)."""
        country = country or agg.country or self.ctx.country
        if not self.ctx.principal.can_change(country):  # deny by default
            raise NotFound(agg.stream_prefix, agg.id)
        assert country is not None
        if self.served is not None and country not in self.served:
            raise DomainError(N_("country %(country)s is not served by this deployment"), params={"country": country},
                              field="country", rule="served_country")
        correlation_id, causation_id = self.ctx.correlation_id, self.ctx.causation_id
        if correlation_id is None:
            correlation_id, causation_id = current_correlation()
        stream_id = agg.stream_id(agg.id)
        actor = self.ctx.principal.subject
        envelopes = [
            Envelope.wrap(
                e, stream_id=stream_id, stream_version=agg.version + i, country=country, actor=actor,
                correlation_id=correlation_id or new_correlation_id(), causation_id=causation_id,
                event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"wecare:{stream_id}:{key}") if key else None,
            )
            for i, (e, key) in enumerate(zip(agg.pending, agg.pending_keys, strict=True), start=1)
        ]
        key, self.key = self.key, None  # the key goes with the command's first append
        expected = None if at_end else agg.version
        result = await self.store.append(stream_id, expected, envelopes, idempotency_key=key,
                                         fingerprint=self.fingerprint if key else None, conn=self.conn)
        if key is not None and result.replayed:
            await self._check_key(key)
        agg.pending.clear()
        agg.pending_keys.clear()
        agg.version = result.version
        agg.country = country
        self.results.append(result)
        return result

    async def remember(self, ident: str) -> None:
        """A command whose state is tables (no events): its idempotency key is
        kept in its transaction, naming what it made (`uow.replayed.stream_id`
        when it is retried)."""
        if self.key is None:
            return
        if self.conn is None:
            raise RuntimeError("remember() belongs inside uow.transaction()")
        key, self.key = self.key, None
        await self.store.remember_command(key, ident, self.fingerprint, conn=self.conn)

    async def _check_key(self, key: str) -> None:
        """The command's first append found its key taken: by a concurrent use
        that committed after this command's look-up. Decided here, inside the
        command's transaction, so that nothing else the handler did commits:
        another request under the key is refused, the same one answers as the
        first time. (A replay by the events' own keys records no key: fine.)"""
        record = await self.store.command_record(key, conn=self.conn)
        if record is None:
            return
        if record.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused()
        raise CommandReplayed(record.result)

    async def execute(self, cls: type[A], ident: str, decide: Callable[[A], Any], *, create: bool = False,
                      country: str | None = None) -> tuple[A, AppendResult]:
        """Load the aggregate, let `decide` record events, append them. The
        client's expected version (If-Match) makes a stale write fail with
        ConcurrencyError instead of being merged; access is checked before the
        version, so a resource out of scope is not found before it conflicts.
        A command retried under its idempotency key decides nothing again and
        answers with its first result."""
        if self.replayed is not None:
            return await self.get(cls, ident, required=False), self.replayed
        agg = await self.get(cls, ident, required=not create)
        expected = self.ctx.expected_version
        if expected is not None and agg.version != expected:
            raise ConcurrencyError(agg.stream_id(ident), expected, agg.version)
        out = decide(agg)
        if out is not None and hasattr(out, "__await__"):
            await out
        return agg, await self.save(agg, country=country)


async def retrying(attempt: Callable[[], Awaitable[Any]], *, attempts: int = RETRY_ATTEMPTS) -> Any:
    """The one conflict-retry policy: run again, from a fresh read, after a
    conflict with another writer; the last conflict is the caller's answer."""
    for i in range(attempts):
        try:
            return await attempt()
        except ConcurrencyError:
            if i == attempts - 1:
                raise
            await asyncio.sleep(RETRY_BACKOFF_S * 2**i * (0.5 + uuid.uuid4().int % 1000 / 1000))
    raise AssertionError("unreachable")


class Application:
    """A service's commands and their handlers: the one way to change its state."""

    def __init__(self, store: EventStore, handlers: Mapping[type[Command], Handler], *,
                 served: Sequence[str] | None = None, key_ttl: timedelta = KEY_TTL) -> None:
        self.store = store
        self.handlers = dict(handlers)
        self.served = tuple(served) if served is not None else None
        self.key_ttl = key_ttl

    async def handle(self, cmd: Command, ctx: CommandContext, *, conn: AsyncConnection | None = None) -> Any:
        handler = self.handlers.get(type(cmd))
        if handler is None:
            raise TypeError(f"no handler for {type(cmd).__name__}")
        if not ctx.principal.can_write and not (type(cmd).buyer_writes and ctx.principal.role == "buyer"):
            raise ReadOnly(ctx.principal.role)
        key = fingerprint = None
        replayed: AppendResult | None = None
        if ctx.idempotency_key is not None:
            key = scoped_key(ctx.principal.tenant, type(cmd).__name__, ctx.idempotency_key)
            fingerprint = cmd.fingerprint()
            replayed = await self._prior(key, fingerprint)

        async def attempt() -> Any:
            uow = UnitOfWork(self.store, ctx, conn=conn, served=self.served, key=key, fingerprint=fingerprint,
                             replayed=replayed)
            try:
                return await handler(cmd, uow)
            except CommandReplayed as first:  # the same request, done concurrently: its answer
                if conn is not None:
                    raise  # the caller's transaction holds more than this command: it must roll back
                return await handler(cmd, UnitOfWork(self.store, ctx, conn=conn, served=self.served,
                                                     replayed=first.result))

        if type(cmd).retry_on_conflict and ctx.expected_version is None and conn is None:
            return await retrying(attempt)
        return await attempt()

    async def _prior(self, key: str, fingerprint: str | None) -> AppendResult | None:
        record = await self.store.command_record(key)
        if record is None:
            return None
        expiry = utcnow() - self.key_ttl
        if record.recorded_at < expiry:
            await self.store.forget_command(key, expiry)
            return None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        return record.result
