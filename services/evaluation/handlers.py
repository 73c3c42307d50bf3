"""The evaluation service's handlers: one function per command, the only code
that loads and saves its aggregates. Access is the unit of work's: a plan,
evaluation, asset or person of a country outside the caller's scope (or
addressed through another country's path) does not exist for them, and
nothing is written for a country the caller may not change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.evaluation.commands import (
    AddAsset,
    AgreeSustainabilityPlan,
    CloseCycle,
    EvaluateImpact,
    ForgetPerson,
    RecordEndline,
    RecordFollowUp,
    WithdrawConsent,
)
from services.evaluation.domain.asset import Asset, Person
from services.evaluation.domain.evaluation import Baseline, Evaluation, PlanTargets
from services.evaluation.projections import baselines, plans, programmes
from shared.aggregate import DomainError, NotFound
from shared.application import UnitOfWork
from shared.contracts.evaluation import AssetRecorded
from shared.i18n import N_
from shared.privacy import PersonOfAnotherCountry, vault_of

# -- what a command reads: the approved plan, the baseline, the programme ---------------


async def _row(uow: UnitOfWork, table: Any, *where: Any) -> dict[str, Any] | None:
    async with uow.read() as conn:
        row = (await conn.execute(select(table).where(*where))).first()
    return dict(row._mapping) if row else None


def _everywhere(uow: UnitOfWork) -> bool:
    """An admin of every country: the one who may forget a person no single country owns."""
    p = uow.ctx.principal
    return p.role == "admin" and p.countries is None


async def approved_plan(uow: UnitOfWork, plan_id: str) -> dict[str, Any]:
    """The approved plan; one of another country is as unknown as a missing one."""
    row = await _row(uow, plans, plans.c.plan_id == plan_id)
    if row is None or not uow.reaches(row["country"]):
        raise NotFound("approved plan", plan_id)
    return row


async def read_baseline(conn: AsyncConnection, factory_id: str, country: str) -> Baseline:
    """The factory's baseline (its stored figures are ratios; the Baseline
    carries the metrics an endline compares in the endline's units)."""
    row = (await conn.execute(select(baselines).where(baselines.c.factory_id == factory_id,
                                                      baselines.c.country == country))).first()
    if row is None:
        raise DomainError(N_("factory %(factory_id)s has no completed assessment: there is no baseline"),
                          params={"factory_id": factory_id}, field="factory_id", rule="known_baseline",
                          items=[factory_id])
    return Baseline.from_figures(row.assessment_id, row.completed_on, orjson.loads(row.figures),
                                 orjson.loads(row.indicators))


async def _baseline(uow: UnitOfWork, plan: dict[str, Any]) -> Baseline:
    async with uow.read() as conn:
        return await read_baseline(conn, plan["factory_id"], plan["country"])


async def _targets(uow: UnitOfWork, plan: dict[str, Any]) -> PlanTargets:
    prog = await _row(uow, programmes, programmes.c.programme_id == plan["programme_id"],
                      programmes.c.country == plan["country"])
    return PlanTargets(plan["plan_id"], plan["programme_id"], plan["factory_id"], prog["buyer"] if prog else "",
                       orjson.loads(plan["kpis"]))


async def _on_evaluation(uow: UnitOfWork, plan: dict[str, Any], decide: Any) -> dict[str, Any]:
    _, res = await uow.execute(Evaluation, plan["plan_id"], decide, create=True, country=plan["country"])
    return {"plan_id": plan["plan_id"], "version": res.version}


# -- the end of the cycle -------------------------------------------------------------


async def record_endline(cmd: RecordEndline, uow: UnitOfWork) -> dict[str, Any]:
    plan = await approved_plan(uow, cmd.plan_id)
    baseline = await _baseline(uow, plan)
    known = {k["indicator"] for k in orjson.loads(plan["kpis"])}
    unknown = sorted(set(cmd.kpis) - known)
    if unknown:
        raise DomainError(N_("not KPIs of the approved plan: %(unknown)s"), params={"unknown": ', '.join(unknown)},
                          field="kpis", rule="known_kpi", items=unknown)
    return await _on_evaluation(uow, plan, lambda e: e.record_endline(
        baseline=baseline, factory_id=plan["factory_id"], measured_on=cmd.measured_on, respondents=cmd.respondents,
        metrics=cmd.metrics(), kpi_values=dict(cmd.kpis),
        baseline_records=cmd.baseline_records.model_dump(exclude_none=True)))


async def evaluate_impact(cmd: EvaluateImpact, uow: UnitOfWork) -> dict[str, Any]:
    plan = await approved_plan(uow, cmd.plan_id)
    baseline = await _baseline(uow, plan)
    targets = await _targets(uow, plan)
    return await _on_evaluation(uow, plan, lambda e: e.evaluate(baseline=baseline, targets=targets))


async def agree_sustainability_plan(cmd: AgreeSustainabilityPlan, uow: UnitOfWork) -> dict[str, Any]:
    plan = await approved_plan(uow, cmd.plan_id)
    return await _on_evaluation(uow, plan, lambda e: e.agree_sustainability(
        workshop_on=cmd.workshop_on, participants=cmd.participants, practices=list(cmd.practices)))


async def record_follow_up(cmd: RecordFollowUp, uow: UnitOfWork) -> dict[str, Any]:
    plan = await approved_plan(uow, cmd.plan_id)
    return await _on_evaluation(uow, plan, lambda e: e.follow_up(
        practice=cmd.practice, checked_on=cmd.checked_on, status=cmd.status, note=cmd.note))


async def close_cycle(cmd: CloseCycle, uow: UnitOfWork) -> dict[str, Any]:
    plan = await approved_plan(uow, cmd.plan_id)
    targets = await _targets(uow, plan)
    return await _on_evaluation(uow, plan, lambda e: e.close(targets=targets, closed_on=cmd.closed_on))


# -- the communications package, consent and people ----------------------------------------


async def add_asset(cmd: AddAsset, uow: UnitOfWork) -> dict[str, Any]:
    """The asset and its consent; every personal field (title, uri, caption,
    who consented) is sealed with the person's key (owned by the plan's
    country), and the events name the person by their pseudonym only. A new
    key is stored in the key store once the rules have passed, before the
    events commit (an orphan key of a failed commit opens nothing)."""
    plan = await approved_plan(uow, cmd.plan_id)
    country = plan["country"]
    if uow.replayed is not None:  # a retry under its key: the first answer
        return {"asset_id": cmd.asset_id, "version": uow.replayed.version}
    today = datetime.now(UTC).date()
    vault = vault_of(uow.store)
    refused = DomainError(N_("person_id %(person_id)s cannot be used here: choose another pseudonymous id"),
                          params={"person_id": cmd.person_id}, field="person_id", rule="person_in_country",
                          items=[cmd.person_id])
    async with uow.transaction() as tx:
        known, owner = await _owner(tx, cmd.person_id)
        if known and owner != country:  # another country's person (or of no one country): not theirs to seal
            raise refused
        try:
            sealer = await vault.sealer(cmd.person_id, country)
        except PersonOfAnotherCountry:
            raise refused from None
        sealed = {f: sealer.seal(getattr(cmd, f)) for f in ("title", "uri", "consented_by", "caption")}
        sealed["guardian"] = sealer.seal(cmd.guardian) if cmd.guardian else None
        fields = cmd.model_dump(exclude={"asset_id", "person_id", *sealed})
        _, res = await tx.execute(Asset, cmd.asset_id, lambda a: a.add(factory_id=plan["factory_id"], today=today,
                                                                        person=sealer.pseudonym, **fields, **sealed),
                                  create=True, country=country)
        await sealer.keep()  # the rules passed: the key is stored (committed) before the events
    return {"asset_id": cmd.asset_id, "version": res.version}


async def withdraw_consent(cmd: WithdrawConsent, uow: UnitOfWork) -> dict[str, Any]:
    _, res = await uow.execute(Asset, cmd.asset_id, lambda a: a.withdraw(cmd.withdrawn_on))
    return {"asset_id": cmd.asset_id, "version": res.version, "withdrawn": True}


async def _owner(uow: UnitOfWork, person_id: str) -> tuple[bool, str | None]:
    """Whether the service knows the person, and the country that owns them:
    their key's; for a key made before keys kept one, the one country of the
    person's assets (none, or several: no country may act on them alone),
    named by the person's id (v1 events) or pseudonym."""
    vault = vault_of(uow.store)
    known, country = await vault.owner(person_id)
    if known and country is None:
        pseudonym = await vault.pseudonym(person_id)
        found = {env.country for text in {f'"person_id":"{person_id}"', f'"person":"{pseudonym}"'}
                 for env in await uow.store.find(AssetRecorded.event_type, conn=uow.conn, containing=text)}
        country = found.pop() if len(found) == 1 else None
    return known, country


async def forget_person(cmd: ForgetPerson, uow: UnitOfWork) -> dict[str, Any]:
    """Forget a person: their key is deleted, so their data in the event store
    and in JetStream cannot be read again, and every list, report and rebuild
    goes without them. Only the country that owns the person may, and the
    forget is recorded in that country, under the person's pseudonym; to
    anyone else the person does not exist (nothing is forgotten, nothing
    recorded). The event commits first, then the key goes: a crash in
    between leaves a PersonForgotten that the next start re-applies."""
    if uow.replayed is not None:  # a retry under its key: the first answer
        return {"person_id": cmd.person_id, "forgotten": True, "version": uow.replayed.version}
    vault = vault_of(uow.store)
    async with uow.transaction() as tx:
        known, country = await _owner(tx, cmd.person_id)
        if known and country is None and _everywhere(tx):  # a key older than owners, of no one country
            country = tx.ctx.country
        pseudonym = await vault.pseudonym(cmd.person_id)
        if not known or not tx.reaches(country) or pseudonym is None:
            raise NotFound("person", cmd.person_id)
        assert country is not None
        today = datetime.now(UTC).date()
        _, res = await tx.execute(Person, pseudonym, lambda p: p.forget(today), create=True, country=country)
    await vault.forget_key(cmd.person_id, country)
    return {"person_id": cmd.person_id, "forgotten": True, "version": res.version}


HANDLERS = {
    RecordEndline: record_endline,
    EvaluateImpact: evaluate_impact,
    AgreeSustainabilityPlan: agree_sustainability_plan,
    RecordFollowUp: record_follow_up,
    CloseCycle: close_cycle,
    AddAsset: add_asset,
    WithdrawConsent: withdraw_consent,
    ForgetPerson: forget_person,
}
