"""Suggested drafts: when a factory has a baseline (a completed assessment)
and is in a programme, it gets a suggested draft plan, once. Both ways in
call this: a completed assessment arriving (projections.PlanDrafter) and a
programme created for factories already assessed (api). Either runs inside
a write transaction serialised with every appender, so whichever comes
second sees the other and drafts nothing twice."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from services.planning.domain.plan import Plan
from services.planning.domain.rules import Terms
from services.planning.domain.suggest import suggest
from shared.aggregate import DomainError, Repository
from shared.contracts.planning import ProgrammeCreated
from shared.logging import get_logger
from shared.menu import menu
from shared.store.eventstore import EventStore

log = get_logger("planning.drafting")


async def draft_suggested(store: EventStore, conn: AsyncConnection, terms: Terms, baseline: dict[str, Any], *,
                          actor: str) -> bool:
    """Draft the suggested plan unless the factory has a plan in the programme."""
    factory_id = baseline["factory_id"]
    repo = Repository(store, Plan)
    plan = await repo.get(Plan.plan_id(terms.programme_id, factory_id), required=False, conn=conn)
    if plan.exists:
        return False
    try:
        s = suggest(menu(), terms, orjson.loads(baseline["needs_profile"]), orjson.loads(baseline["indicators"]))
    except DomainError as e:  # e.g. a catalogue with no valid plan here: the team drafts by hand
        log.warning("plan.not_suggested", plan_id=plan.id, error=e.message, rule=e.rule)
        return False
    plan.draft(terms=terms, factory_id=factory_id, content=s.content, suggested=True,
               assessment_id=baseline["assessment_id"], explanation=s.explanation)
    await repo.save(plan, actor=actor, country=terms.country, conn=conn)
    log.info("plan.suggested", plan_id=plan.id, activities=[a.activity for a in s.content.activities],
             credits=s.content.credits_used)
    return True


async def draft_for_programmes(store: EventStore, conn: AsyncConnection, baseline: dict[str, Any], *,
                               actor: str) -> int:
    """Suggested drafts in every programme of the baseline's country that names the factory."""
    n = 0
    factory_id = baseline["factory_id"]
    for env in await store.find(ProgrammeCreated.event_type, country=baseline["country"],
                                containing=f'"{factory_id}"', conn=conn):
        e = env.event()
        assert isinstance(e, ProgrammeCreated)
        if factory_id in e.factories:
            terms = Terms(e.programme_id, env.country, e.starts_on, e.ends_on, e.credits_per_factory)
            n += await draft_suggested(store, conn, terms, baseline, actor=actor)
    return n
