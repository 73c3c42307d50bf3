"""A small sample domain on the kernel: advisory visits to factories.

It exercises every part of the kernel (aggregate, events with an upcaster,
projection, relay, consumers) and is what `wecare demo` ran before the five
services existed; the kernel's tests use it too."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.aggregate import Aggregate, DomainError
from shared.contracts.envelope import Envelope
from shared.contracts.registry import DomainEvent, registry
from shared.projections import Projection, on
from shared.store.sql import upsert

CONTEXT = "sample"


@registry.event(CONTEXT, version=2)
class VisitScheduled(DomainEvent):
    """An advisory visit to a factory was scheduled."""

    factory: str = Field(min_length=1)
    visit_date: date
    purpose: str = "advisory"  # added in v2


@registry.upcaster(CONTEXT, "VisitScheduled", from_version=1)
def _visit_scheduled_v1(payload: dict) -> dict:
    # v1 called the factory "factory_name" and had no purpose
    payload["factory"] = payload.pop("factory_name")
    payload.setdefault("purpose", "advisory")
    return payload


@registry.event(CONTEXT)
class VisitNoted(DomainEvent):
    """A finding was noted during the visit."""

    note: str = Field(min_length=1)


@registry.event(CONTEXT)
class VisitConfidentialNote(DomainEvent):
    """A note that stays in the service: stored, never published."""

    private: ClassVar[bool] = True
    note: str


@registry.event(CONTEXT)
class VisitCompleted(DomainEvent):
    """The visit was completed."""

    participants: int = Field(ge=0)


class Visit(Aggregate):
    stream_prefix = "visit"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.status = "new"
        self.notes: list[str] = []

    # decisions
    def schedule(self, factory: str, visit_date: date) -> None:
        if self.exists:
            raise DomainError(f"visit {self.id} is already scheduled", field="visit_id", rule="unique")
        self.record(VisitScheduled(factory=factory, visit_date=visit_date))

    def note(self, note: str) -> None:
        if self.status != "scheduled":
            raise DomainError(f"visit {self.id} is {self.status}", field="visit_id", rule="open_visit")
        self.record(VisitNoted(note=note))

    def complete(self, participants: int) -> None:
        if self.status != "scheduled":
            raise DomainError(f"visit {self.id} is {self.status}", field="visit_id", rule="open_visit")
        self.record(VisitCompleted(participants=participants))

    # state
    def on_visit_scheduled(self, e: VisitScheduled) -> None:
        self.status = "scheduled"
        self.factory = e.factory

    def on_visit_noted(self, e: VisitNoted) -> None:
        self.notes.append(e.note)

    def on_visit_completed(self, e: VisitCompleted) -> None:
        self.status = "completed"


metadata = MetaData()
visits = Table(
    "sample_visits", metadata,
    Column("visit_id", String(100), primary_key=True),
    Column("country", String(8), nullable=False),
    Column("factory", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("notes", Integer, nullable=False),
    Column("participants", Integer),
)
per_country = Table(
    "sample_visits_per_country", metadata,
    Column("country", String(8), primary_key=True),
    Column("scheduled", Integer, nullable=False),
    Column("completed", Integer, nullable=False),
    Column("participants", Integer, nullable=False),
)


class VisitBoard(Projection):
    name = "visit_board"
    tables = (visits, per_country)

    async def _bump(self, conn: AsyncConnection, country: str, **delta: int) -> None:
        row = (await conn.execute(select(per_country).where(per_country.c.country == country))).first()
        cur = dict(row._mapping) if row else {"country": country, "scheduled": 0, "completed": 0,
                                                  "participants": 0}
        for k, v in delta.items():
            cur[k] += v
        await upsert(conn, per_country, cur, keys=["country"])

    @on(VisitScheduled)
    async def scheduled(self, conn: AsyncConnection, env: Envelope, e: VisitScheduled) -> None:
        await upsert(conn, visits, {"visit_id": env.stream_id, "country": env.country, "factory": e.factory,
                                    "status": "scheduled", "notes": 0, "participants": None}, keys=["visit_id"])
        await self._bump(conn, env.country, scheduled=1)

    @on(VisitNoted)
    async def noted(self, conn: AsyncConnection, env: Envelope, e: VisitNoted) -> None:
        n = await conn.scalar(select(visits.c.notes).where(visits.c.visit_id == env.stream_id))
        await conn.execute(visits.update().where(visits.c.visit_id == env.stream_id).values(notes=(n or 0) + 1))

    @on(VisitCompleted)
    async def completed(self, conn: AsyncConnection, env: Envelope, e: VisitCompleted) -> None:
        await conn.execute(visits.update().where(visits.c.visit_id == env.stream_id)
                           .values(status="completed", participants=e.participants))
        await self._bump(conn, env.country, completed=1, participants=e.participants)
