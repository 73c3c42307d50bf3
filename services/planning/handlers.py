"""The planning service's handlers: one function per command, the only code
that loads and saves its aggregates. Access is the unit of work's: a plan or
programme share of a country outside the caller's scope does not exist for
them, and neither does a factory (so a programme names only factories the
caller may plan for)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select

from services.planning.commands import (
    ApprovePlan,
    ChangePlan,
    CreateProgramme,
    DraftPlan,
    HoldKickOff,
    SuggestPlans,
)
from services.planning.domain.plan import Plan
from services.planning.domain.pricing import pricing
from services.planning.domain.programme import Programme, check_period
from services.planning.domain.rules import Terms, check
from services.planning.domain.suggest import suggest
from services.planning.projections import baselines, factories
from shared.aggregate import DomainError
from shared.application import UnitOfWork
from shared.contracts.planning import ProgrammeCreated
from shared.i18n import N_
from shared.logging import get_logger
from shared.menu import menu

log = get_logger("planning.handlers")


# -- programmes ----------------------------------------------------------------------


async def _factory_countries(uow: UnitOfWork, ids: list[str]) -> dict[str, str]:
    """Each factory's country; a factory outside the caller's scope is as unknown as a missing one."""
    async with uow.read() as conn:
        rows = (await conn.execute(select(factories).where(factories.c.factory_id.in_(ids)))).all()
    known = {r.factory_id: r for r in rows if uow.ctx.principal.can_change(r.country)}
    unknown = [f for f in ids if f not in known]
    if unknown:
        raise DomainError(N_("unknown factories: %(unknown)s"), params={"unknown": ', '.join(unknown)},
                          field="factories", rule="known_factory", items=unknown)
    archived = [f for f in ids if known[f].status == "archived"]
    if archived:
        raise DomainError(N_("archived factories: %(archived)s"), params={"archived": ', '.join(archived)},
                          field="factories", rule="active_factory", items=archived)
    return {f: known[f].country for f in ids}


async def create_programme(cmd: CreateProgramme, uow: UnitOfWork) -> dict[str, Any]:
    """A buyer's programme for factories in one or more countries: priced by its
    size, one share per country. Factories already assessed get their
    suggested draft plan at once."""
    if uow.replayed is not None:  # a retry: answer as the first time
        first = (await uow.store.load(uow.replayed.stream_id))[0].payload
        quote = pricing().quote(first["factories_total"])
        return {"programme_id": first["programme_id"], "countries": first["countries"], "ends_on": first["ends_on"],
                **quote.to_dict(), "plans_suggested": 0, "replayed": True}
    dup = sorted({f for f in cmd.factories if cmd.factories.count(f) > 1})
    if dup:
        raise DomainError(N_("factories listed twice: %(dup)s"), params={"dup": ', '.join(dup)}, field="factories",
                          rule="no_duplicates", items=dup)
    where = await _factory_countries(uow, cmd.factories)
    countries = sorted(set(where.values()))
    if uow.served is not None and (unserved := [c for c in countries if c not in uow.served]):
        raise DomainError(N_("factories in countries this deployment does not serve: %(unserved)s"),
                          params={"unserved": ', '.join(unserved)}, field="factories", rule="served_country",
                          items=[f for f, c in where.items() if c in unserved])
    ends_on = check_period(cmd.starts_on, cmd.ends_on)
    quote = pricing().quote(len(cmd.factories))
    credits = cmd.credits_per_factory if cmd.credits_per_factory is not None else menu().credits_per_factory
    drafted = 0
    async with uow.transaction() as tx:
        # Programme ids are global, as factory ids are: one taken in any country answers the same
        # (naming no country), so the answer tells only that the id is taken.
        if await tx.store.find(ProgrammeCreated.event_type, conn=tx.conn,
                               containing=f'"programme_id":"{cmd.programme_id}"'):
            raise DomainError(N_("programme %(programme_id)s exists already"),
                              params={"programme_id": cmd.programme_id}, field="programme_id", rule="unique")
        for cc in countries:
            mine = [f for f in cmd.factories if where[f] == cc]
            share = await tx.get(Programme, Programme.share_id(cmd.programme_id, cc), required=False)
            share.create(programme_id=cmd.programme_id, name=cmd.name, buyer=cmd.buyer, countries=countries,
                         starts_on=cmd.starts_on, ends_on=ends_on, credits_per_factory=credits, factories=mine,
                         quote=quote)
            await tx.save(share, country=cc)
            terms = share.terms()
            async with tx.read() as conn:
                rows = (await conn.execute(select(baselines).where(baselines.c.factory_id.in_(mine)))).all()
            for r in rows:
                drafted += await _draft_suggested(tx, terms, r.factory_id, r.assessment_id,
                                                  orjson.loads(r.needs_profile), orjson.loads(r.indicators))
    return {"programme_id": cmd.programme_id, "countries": countries, "ends_on": ends_on.isoformat(),
            **quote.to_dict(), "plans_suggested": drafted, "replayed": False}


async def programme_terms(uow: UnitOfWork, programme_id: str, country: str) -> Terms:
    p = await uow.get(Programme, Programme.share_id(programme_id, country), required=False)
    if not p.exists:
        raise DomainError(N_("no programme %(programme_id)s in %(country)s"),
                          params={"programme_id": programme_id, "country": country}, field="programme_id",
                          rule="known_programme")
    return p.terms()


async def baseline_figures(uow: UnitOfWork, factory_id: str) -> dict[str, float]:
    async with uow.read() as conn:
        raw = await conn.scalar(select(baselines.c.indicators).where(baselines.c.factory_id == factory_id))
    return orjson.loads(raw) if raw else {}


# -- plans ---------------------------------------------------------------------------


async def draft_plan(cmd: DraftPlan, uow: UnitOfWork) -> dict[str, Any]:
    country = uow.ctx.country
    assert country is not None
    terms = await programme_terms(uow, cmd.programme_id, country)
    programme = await uow.get(Programme, Programme.share_id(cmd.programme_id, country))
    if cmd.factory_id not in programme.factories:
        raise DomainError(N_("factory %(factory_id)s is not in programme %(programme_id)s in %(country)s"),
                          params={"factory_id": cmd.factory_id, "programme_id": cmd.programme_id, "country": country},
                          field="factory_id", rule="factory_in_programme", items=[cmd.factory_id])
    content = check(menu(), terms, cmd.activities, cmd.milestones, cmd.kpis,
                    await baseline_figures(uow, cmd.factory_id))
    plan_id = Plan.plan_id(cmd.programme_id, cmd.factory_id)
    _, res = await uow.execute(
        Plan, plan_id, lambda p: p.draft(terms=terms, factory_id=cmd.factory_id, content=content, suggested=False),
        create=True)
    return {"plan_id": plan_id, "version": res.version, "replayed": res.replayed}


async def _on_plan(uow: UnitOfWork, plan_id: str, act: Any) -> tuple[Plan, Any]:
    """A command on an existing plan: `act` decides, with its programme's terms."""
    async def run(p: Plan) -> None:
        assert p.country is not None
        await act(p, await programme_terms(uow, p.programme_id, p.country))

    return await uow.execute(Plan, plan_id, run)


async def change_plan(cmd: ChangePlan, uow: UnitOfWork) -> dict[str, Any]:
    """Edit a draft; or, once approved, a new revision (with a reason) that
    needs approval again. The plan keeps its catalogue version."""
    async def act(p: Plan, terms: Terms) -> None:
        assert p.content is not None
        content = check(menu(p.content.catalogue_version), terms, cmd.activities, cmd.milestones, cmd.kpis,
                        await baseline_figures(uow, p.factory_id))
        p.change(content, note=cmd.note, reason=cmd.reason)

    agg, res = await _on_plan(uow, cmd.plan_id, act)
    return {"plan_id": cmd.plan_id, "version": res.version, "status": agg.status, "revision": agg.revision}


async def approve_plan(cmd: ApprovePlan, uow: UnitOfWork) -> dict[str, Any]:
    async def act(p: Plan, terms: Terms) -> None:
        p.approve(approved_by=cmd.approved_by, approved_on=cmd.approved_on, terms=terms)

    agg, res = await _on_plan(uow, cmd.plan_id, act)
    return {"plan_id": cmd.plan_id, "version": res.version, "status": agg.status, "revision": agg.revision}


async def hold_kick_off(cmd: HoldKickOff, uow: UnitOfWork) -> dict[str, Any]:
    async def act(p: Plan, terms: Terms) -> None:
        p.kick_off(held_on=cmd.held_on, participants=cmd.participants, facilitators=cmd.facilitators,
                   note=cmd.note, terms=terms)

    _, res = await _on_plan(uow, cmd.plan_id, act)
    return {"plan_id": cmd.plan_id, "version": res.version, "kicked_off_on": cmd.held_on.isoformat()}


# -- suggested drafts ------------------------------------------------------------------


async def _draft_suggested(uow: UnitOfWork, terms: Terms, factory_id: str, assessment_id: str,
                           needs_profile: list[dict[str, Any]], indicators: dict[str, float]) -> bool:
    """Draft the suggested plan unless the factory has a plan in the programme.
    Both ways in call this, each inside a write transaction serialised with
    every appender, so whichever comes second sees the other: a programme
    created for factories already assessed, and an assessment completed for a
    factory already in programmes."""
    plan = await uow.get(Plan, Plan.plan_id(terms.programme_id, factory_id), required=False)
    if plan.exists:
        return False
    try:
        s = suggest(menu(), terms, needs_profile, indicators)
    except DomainError as e:  # e.g. a catalogue with no valid plan here: the team drafts by hand
        log.warning("plan.not_suggested", plan_id=plan.id, error=e.message, rule=e.rule)
        return False
    plan.draft(terms=terms, factory_id=factory_id, content=s.content, suggested=True, assessment_id=assessment_id,
               explanation=s.explanation)
    await uow.save(plan, country=terms.country)
    log.info("plan.suggested", plan_id=plan.id, activities=[a.activity for a in s.content.activities],
             credits=s.content.credits_used)
    return True


async def suggest_plans(cmd: SuggestPlans, uow: UnitOfWork) -> int:
    """Suggested drafts in every programme of the command's country that names the factory."""
    n = 0
    async with uow.transaction() as tx:
        for env in await tx.find(ProgrammeCreated.event_type, containing=f'"{cmd.factory_id}"'):
            e = env.event()
            assert isinstance(e, ProgrammeCreated)
            if env.country == uow.ctx.country and cmd.factory_id in e.factories:
                terms = Terms(e.programme_id, env.country, e.starts_on, e.ends_on, e.credits_per_factory)
                n += await _draft_suggested(tx, terms, cmd.factory_id, cmd.assessment_id,
                                            [a.model_dump() for a in cmd.needs_profile], cmd.indicators)
    return n


HANDLERS = {
    CreateProgramme: create_programme,
    DraftPlan: draft_plan,
    ChangePlan: change_plan,
    ApprovePlan: approve_plan,
    HoldKickOff: hold_kick_off,
    SuggestPlans: suggest_plans,
}
