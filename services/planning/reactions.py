"""The planning service's policies on other services' events: each builds a
command and runs it through the handlers, in the consumer's transaction
(with its tracking record), so a redelivered event changes nothing twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.planning.commands import SuggestPlans
from services.planning.projections import baselines
from shared.application import CommandContext
from shared.baseline import baseline_date, baseline_figures
from shared.contracts.assessment import AssessmentAmended, AssessmentCompleted
from shared.contracts.envelope import Envelope
from shared.projections import Projection, on
from shared.projections import json_text as dumps
from shared.store.sql import upsert


class PlanDrafter(Projection):
    """A factory's new baseline (shared.baseline's rule) -> SuggestPlans: a
    suggested draft in every programme that names the factory and has no plan
    for it yet. The policy keeps each factory's baseline (the handlers read it
    when a programme is created for factories already assessed)."""

    name = "plan_drafter"
    tables = (baselines,)

    def bind(self, service: Any) -> None:
        self.service = service

    @on(AssessmentCompleted, AssessmentAmended)
    async def baseline(self, conn: AsyncConnection, env: Envelope, e: AssessmentCompleted | AssessmentAmended
                       ) -> None:
        await self.service.store.db.lock_appends(conn)  # serialised with programme creation: one of the two drafts
        current = (await conn.execute(select(baselines.c.assessment_id, baselines.c.completed_on)
                                      .where(baselines.c.factory_id == e.factory_id))).first()
        completed_on = baseline_date(e, tuple(current) if current is not None else None)
        if completed_on is None:
            return
        needs = [n.model_dump() for n in e.needs_profile]
        figures = baseline_figures(e)
        await upsert(conn, baselines, {"factory_id": e.factory_id, "country": env.country,
                                       "assessment_id": e.assessment_id, "completed_on": completed_on,
                                       "needs_profile": dumps(needs), "indicators": dumps(figures)},
                     keys=["factory_id"])
        if isinstance(e, AssessmentCompleted):
            await self.service.handle(
                SuggestPlans(factory_id=e.factory_id, assessment_id=e.assessment_id, needs_profile=needs,
                             indicators=figures),
                CommandContext.for_reaction("planning:suggestion", env), conn=conn)


def reactions() -> list[Projection]:
    return [PlanDrafter()]
