"""Handler unit tests in given-events / when-command / then-events form,
against a real event store on a SQLite file: no nats-server, no PostgreSQL,
no HTTP. Read models a handler consults are given as rows (`given_rows`), or
built by applying the service's projections to the given events.

    app = await Scenario.start(tmp_path, HANDLERS, metadata, projections=projections())
    await app.given("plan-P.f1", "bd", PlanDrafted(...))
    out = await app.when(ApprovePlan(...), team("bd"))
    assert app.then() == [PlanApproved(...)]
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, insert

from shared.access import Principal
from shared.application import Application, Command, CommandContext, Handler
from shared.contracts.envelope import Envelope
from shared.contracts.registry import DomainEvent
from shared.projections import Projection
from shared.store.database import Database
from shared.store.eventstore import EventStore


def team(*countries: str, subject: str = "team-user") -> Principal:
    return Principal(subject=subject, role="country_team", countries=tuple(countries))


def admin(subject: str = "admin-user") -> Principal:
    return Principal(subject=subject, role="admin")


def ctx(principal: Principal, country: str | None = None, **kw: Any) -> CommandContext:
    """A command's context; the country defaults to the principal's only one."""
    if country is None and principal.countries and len(principal.countries) == 1:
        country = principal.countries[0]
    return CommandContext(principal, country, **kw)


class Scenario:
    def __init__(self, db: Database, store: EventStore, app: Application, projections: Sequence[Projection]) -> None:
        self.db = db
        self.store = store
        self.app = app
        self.projections = list(projections)
        self._mark = 0

    @classmethod
    async def start(cls, tmp_path: Path, context: str, handlers: Mapping[type[Command], Handler],
                    *metadata: MetaData, projections: Sequence[Projection] = (),
                    served: Sequence[str] | None = None, bind: Callable[[Any], None] | None = None) -> Scenario:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / f'unit-{uuid.uuid4().hex[:8]}.db'}")
        await db.create_all(*metadata)
        store = EventStore(db, context)
        app = Application(store, handlers, served=served)
        scenario = cls(db, store, app, projections)
        for p in projections:
            p.bind(bind or scenario)
        return scenario

    async def close(self) -> None:
        from shared.privacy import release

        await self.db.dispose()
        await release(self.store)  # the key store beside the file, if a handler sealed anything

    # -- given ----------------------------------------------------------------------

    async def given(self, stream_id: str, country: str, *events: DomainEvent, actor: str = "given") -> None:
        """Events already in a stream (of this service's context or another's:
        another's are applied to the projections only, as they would arrive over NATS)."""
        own = [e for e in events if e.context == self.store.context]
        version = await self.store.version(stream_id)
        envs = [Envelope.wrap(e, stream_id=stream_id, stream_version=version + i, country=country, actor=actor,
                              correlation_id=uuid.uuid4().hex) for i, e in enumerate(events, start=1)]
        if own:
            await self.store.append(stream_id, version, envs)
        async with self.db.write(appending=True) as conn:
            for env in envs:
                for p in self.projections:
                    if p.handles(env):
                        await p.apply(conn, env)
        self._mark = await self.store.head()

    async def arrives(self, stream_id: str, country: str, *events: DomainEvent) -> None:
        """Another service's events arriving now (when, for a reaction): `then()`
        gives what the service's reactions appended in answer."""
        mark = await self.store.head()
        await self.given(stream_id, country, *events)
        self._mark = mark

    async def given_rows(self, table: Table, *rows: dict[str, Any]) -> None:
        async with self.db.write() as conn:
            await conn.execute(insert(table), list(rows))

    # -- when / then --------------------------------------------------------------------

    async def when(self, cmd: Command, context: CommandContext) -> Any:
        self._mark = await self.store.head()
        return await self.app.handle(cmd, context)

    async def then(self) -> list[DomainEvent]:
        """The events the last command appended, in order."""
        return [env.event() async for env in self.store.read_all(self._mark)]

    async def then_envelopes(self) -> list[Envelope]:
        return [env async for env in self.store.read_all(self._mark)]

    async def handle(self, cmd: Command, context: CommandContext, *, conn: Any = None) -> Any:
        """What a reaction calls (Scenario stands in for the service when bound to a projection)."""
        return await self.app.handle(cmd, context, conn=conn)
