"""The sample service: the kernel's sample domain behind an HTTP API, run as
a real process by the kernel's tests and by the smoke demo."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sqlalchemy import select

from shared.api import body_of, command_context, served_country
from shared.application import Command, CommandContext, UnitOfWork
from shared.service import Service
from shared.settings import Settings
from wecare.sample import CONTEXT, Visit, VisitBoard, metadata, per_country, visits

# -- commands and handlers (the shape every service has, in one file) ----------------------


class ScheduleVisit(Command):
    visit_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    factory: str = Field(min_length=1, max_length=200)
    visit_date: date


class NoteVisit(Command):
    visit_id: str = Field(min_length=1, max_length=100)
    note: str = Field(min_length=1, max_length=2000)


class CompleteVisit(Command):
    visit_id: str = Field(min_length=1, max_length=100)
    participants: int = Field(ge=0, le=100_000)


def _answer(visit_id: str, res: Any) -> dict[str, Any]:
    return {"visit_id": visit_id, "version": res.version, "replayed": res.replayed}


async def schedule_visit(cmd: ScheduleVisit, uow: UnitOfWork) -> dict[str, Any]:
    _, res = await uow.execute(Visit, cmd.visit_id, lambda v: v.schedule(cmd.factory, cmd.visit_date), create=True)
    return _answer(cmd.visit_id, res)


async def note_visit(cmd: NoteVisit, uow: UnitOfWork) -> dict[str, Any]:
    _, res = await uow.execute(Visit, cmd.visit_id, lambda v: v.note(cmd.note))
    return _answer(cmd.visit_id, res)


async def complete_visit(cmd: CompleteVisit, uow: UnitOfWork) -> dict[str, Any]:
    _, res = await uow.execute(Visit, cmd.visit_id, lambda v: v.complete(cmd.participants))
    return _answer(cmd.visit_id, res)


HANDLERS = {ScheduleVisit: schedule_visit, NoteVisit: note_visit, CompleteVisit: complete_visit}

# -- the API -------------------------------------------------------------------------------

router = APIRouter(prefix="/{country}/visits", tags=["visits"])
NoteBody = body_of(NoteVisit, "visit_id")
CompleteBody = body_of(CompleteVisit, "visit_id")


@router.post("", status_code=201)
async def schedule(request: Request, body: ScheduleVisit, ctx: CommandContext = Depends(command_context)) -> dict:
    return await request.app.state.service.handle(body, ctx)


@router.post("/{visit_id}/notes")
async def note(request: Request, visit_id: str, body: NoteBody, ctx: CommandContext = Depends(command_context)
               ) -> dict:
    return await request.app.state.service.handle(NoteVisit(**body.model_dump(), visit_id=visit_id), ctx)


@router.post("/{visit_id}/complete")
async def complete(request: Request, visit_id: str, body: CompleteBody,
                   ctx: CommandContext = Depends(command_context)) -> dict:
    return await request.app.state.service.handle(CompleteVisit(**body.model_dump(), visit_id=visit_id), ctx)


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
                   handlers=HANDLERS, title="WeCare kernel sample service")


if __name__ == "__main__":
    create_service(Settings(service=CONTEXT)).serve()
