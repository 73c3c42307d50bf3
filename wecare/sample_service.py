"""The sample service: the kernel's sample domain behind an HTTP API, run as
a real process by the kernel's tests and by the smoke demo."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from shared.api import actor, expected_version, idempotency_key, served_country
from shared.application import Repository
from shared.service import Service
from shared.settings import Settings
from wecare.sample import CONTEXT, Visit, VisitBoard, metadata, per_country, visits


class ScheduleVisit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visit_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    factory: str = Field(min_length=1, max_length=200)
    visit_date: date


class NoteVisit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=2000)


class CompleteVisit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    participants: int = Field(ge=0, le=100_000)


router = APIRouter(prefix="/{country}/visits", tags=["visits"])


def repo(request: Request) -> Repository[Visit]:
    return Repository(request.app.state.service.store, Visit)


@router.post("", status_code=201)
async def schedule(body: ScheduleVisit, country: str = Depends(served_country), who: str = Depends(actor),
                   key: str | None = Depends(idempotency_key), r: Repository[Visit] = Depends(repo)) -> dict:
    _, res = await r.execute(body.visit_id, lambda v: v.schedule(body.factory, body.visit_date), actor=who,
                             country=country, idempotency_key=key, create=True)
    return {"visit_id": body.visit_id, "version": res.version, "replayed": res.replayed}


@router.post("/{visit_id}/notes")
async def note(visit_id: str, body: NoteVisit, country: str = Depends(served_country),
               who: str = Depends(actor), key: str | None = Depends(idempotency_key),
               version: int | None = Depends(expected_version), r: Repository[Visit] = Depends(repo)) -> dict:
    _, res = await r.execute(visit_id, lambda v: v.note(body.note), actor=who, country=country,
                             idempotency_key=key, expected_version=version)
    return {"visit_id": visit_id, "version": res.version, "replayed": res.replayed}


@router.post("/{visit_id}/complete")
async def complete(visit_id: str, body: CompleteVisit, country: str = Depends(served_country),
                   who: str = Depends(actor), key: str | None = Depends(idempotency_key),
                   version: int | None = Depends(expected_version), r: Repository[Visit] = Depends(repo)) -> dict:
    _, res = await r.execute(visit_id, lambda v: v.complete(body.participants), actor=who, country=country,
                             idempotency_key=key, expected_version=version)
    return {"visit_id": visit_id, "version": res.version, "replayed": res.replayed}


@router.get("")
async def board(request: Request, country: str = Depends(served_country)) -> dict[str, Any]:
    db = request.app.state.service.db
    async with db.read() as conn:
        rows = [dict(r._mapping) for r in await conn.execute(
            select(visits).where(visits.c.country == country).order_by(visits.c.visit_id))]
        totals = (await conn.execute(select(per_country).where(per_country.c.country == country))).first()
    return {"country": country, "visits": rows,
            "totals": dict(totals._mapping) if totals else {"scheduled": 0, "completed": 0, "participants": 0}}


def create_service(settings: Settings | None = None) -> Service:
    settings = settings or Settings(service=CONTEXT)
    return Service(CONTEXT, settings, projections=[VisitBoard()], metadata=[metadata], routers=[router],
                   title="WeCare kernel sample service")


if __name__ == "__main__":
    create_service(Settings(service=CONTEXT)).serve()
