"""The delivery service's policies on other services' events: each builds a
command and runs it through the handlers, in the consumer's transaction
(with its tracking record), so a redelivered event changes nothing twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from services.delivery.commands import ReceiveWorkPlan
from shared.application import CommandContext
from shared.contracts.envelope import Envelope
from shared.contracts.planning import PlanApproved
from shared.projections import Projection, on


class WorkPlanReceiver(Projection):
    """A plan approved in the planning service (over NATS) -> ReceiveWorkPlan:
    the approved revision becomes (or updates) the factory's work plan."""

    name = "work_plan_receiver"

    def bind(self, service: Any) -> None:
        self.service = service

    @on(PlanApproved)
    async def approved(self, conn: AsyncConnection, env: Envelope, e: PlanApproved) -> None:
        await self.service.handle(
            ReceiveWorkPlan(plan_id=e.plan_id, programme_id=e.programme_id, factory_id=e.factory_id,
                            revision=e.revision, catalogue_version=e.content.catalogue_version,
                            activities=e.content.activities, milestones=e.content.milestones),
            CommandContext.for_reaction("delivery:plan-approved", env), conn=conn)


def reactions() -> list[Projection]:
    return [WorkPlanReceiver()]
