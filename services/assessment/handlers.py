"""The assessment service's handlers: one function per command, the only code
that loads and saves its aggregates. Access is the unit of work's: a factory
or assessment of a country outside the caller's scope, or addressed through
another country's path, does not exist for them; an assessment is scheduled
only for a factory the caller may see in the path's country.

Ids are global (a stream per factory, assessment and survey): an id taken in
a country the caller does not see answers exactly as one taken in their own
country, naming neither the country nor its holder."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from services.assessment.commands import (
    ArchiveFactory,
    CompleteAssessment,
    RecordDemographics,
    RecordFindings,
    RecordPolicies,
    RecordSurveyResponse,
    RecordSurveyResponses,
    RegisterFactory,
    ScheduleAssessment,
    SetFactoryIdentifiers,
    SurveyResponse,
    UpdateFactory,
)
from services.assessment.domain.assessment import Assessment, SurveyLog, already_exists
from services.assessment.domain.factory import Factory, already_registered, os_id_taken
from shared.aggregate import DomainError, NotFound
from shared.application import UnitOfWork
from shared.contracts.assessment import FactoryIdentifiersSet, FactoryRegistered
from shared.i18n import N_

# -- factories ---------------------------------------------------------------------


async def register_factory(cmd: RegisterFactory, uow: UnitOfWork) -> dict[str, Any]:
    details = cmd.model_dump(exclude={"factory_id"})

    def register(f: Factory) -> None:
        f.register(**details, country=uow.ctx.country)

    try:
        if cmd.os_id is None or uow.ctx.country is None:
            _, res = await uow.execute(Factory, cmd.factory_id, register, create=True)
        else:
            async with uow.transaction() as tx:  # serialised with every appender: the OS ID's check holds
                await _os_id_free(tx, cmd.os_id, uow.ctx.country, cmd.factory_id)
                _, res = await tx.execute(Factory, cmd.factory_id, register, create=True)
    except NotFound:  # taken in a country the caller does not see (or not through this path): taken, no more
        raise already_registered(cmd.factory_id) from None
    return {"factory_id": cmd.factory_id, "version": res.version, "replayed": res.replayed}


async def set_factory_identifiers(cmd: SetFactoryIdentifiers, uow: UnitOfWork) -> dict[str, Any]:
    """In the caller's scope (another country's factory is not found); an OS ID
    another active factory of the country holds is refused."""
    ids = cmd.model_dump(include={"os_id", "amfori_id", "sedex_id"})
    async with uow.transaction() as tx:  # serialised with every appender: the OS ID's check holds
        factory = await tx.get(Factory, cmd.factory_id)
        if cmd.os_id is not None and factory.identifiers["os_id"] != cmd.os_id and factory.country is not None:
            await _os_id_free(tx, cmd.os_id, factory.country, cmd.factory_id)
        _, res = await tx.execute(Factory, cmd.factory_id, lambda f: f.set_identifiers(**ids))
    return {"factory_id": cmd.factory_id, "version": res.version, **ids}


async def _os_id_free(tx: UnitOfWork, os_id: str, country: str, factory_id: str) -> None:
    """No other active factory of the country holds this OS ID (called inside
    the append lock, so two commands cannot both find it free). An OS ID names
    its country, so only that country's factories can hold it."""
    holders = {env.stream_id.removeprefix(f"{Factory.stream_prefix}-")
               for t in (FactoryRegistered, FactoryIdentifiersSet)
               for env in await tx.store.find(t.event_type, country=country, containing=os_id, conn=tx.conn)}
    for fid in sorted(holders - {factory_id}):
        other = await tx.get(Factory, fid, required=False)
        if not other.archived and other.identifiers["os_id"] == os_id:
            raise os_id_taken(os_id, fid)


async def update_factory(cmd: UpdateFactory, uow: UnitOfWork) -> dict[str, Any]:
    changes = cmd.model_dump(exclude={"factory_id"})
    _, res = await uow.execute(Factory, cmd.factory_id, lambda f: f.update(**changes))
    return {"factory_id": cmd.factory_id, "version": res.version}


async def archive_factory(cmd: ArchiveFactory, uow: UnitOfWork) -> dict[str, Any]:
    _, res = await uow.execute(Factory, cmd.factory_id, lambda f: f.archive(cmd.reason))
    return {"factory_id": cmd.factory_id, "version": res.version, "status": "archived"}


# -- assessments ---------------------------------------------------------------------


async def _active_factory(uow: UnitOfWork, factory_id: str) -> Factory:
    """The factory an assessment is for: in the path's country and the caller's
    scope; one outside either answers exactly like one that does not exist."""
    try:
        factory = await uow.get(Factory, factory_id)
    except NotFound:
        if uow.ctx.country:
            raise DomainError(N_("no factory %(factory_id)s in %(country)s"),
                              params={"factory_id": factory_id, "country": uow.ctx.country}, field="factory_id",
                              rule="known_factory") from None
        raise DomainError(N_("no factory %(factory_id)s"), params={"factory_id": factory_id}, field="factory_id",
                          rule="known_factory") from None
    if factory.archived:
        raise DomainError(N_("factory %(factory_id)s is archived"), params={"factory_id": factory_id},
                          field="factory_id", rule="active_factory")
    return factory


async def schedule_assessment(cmd: ScheduleAssessment, uow: UnitOfWork) -> dict[str, Any]:
    if uow.replayed is not None:  # a retry under its key: answer as the first time
        return {"assessment_id": cmd.assessment_id, "version": uow.replayed.version, "replayed": True}
    factory = await _active_factory(uow, cmd.factory_id)
    try:
        _, res = await uow.execute(
            Assessment, cmd.assessment_id,
            lambda a: a.schedule(factory_id=cmd.factory_id, scheduled_date=cmd.scheduled_date,
                                 assessors=cmd.assessors, survey_version=cmd.survey_version),
            create=True, country=factory.country)
    except NotFound:  # the id is taken in a country the caller does not see
        raise already_exists(cmd.assessment_id) from None
    return {"assessment_id": cmd.assessment_id, "version": res.version, "replayed": res.replayed}


async def _answers(uow: UnitOfWork, assessment_id: str) -> list[dict]:
    """The survey's answers, read from the stored payloads (a survey of 10,000
    responses would otherwise build 10,000 event models only to read this
    field). Called once the assessment itself is in reach: the survey is its own."""
    return [env.payload["answers"] for env in await uow.store.load(SurveyLog.stream_id(assessment_id),
                                                                   conn=uow.conn)]


async def _record_section(uow: UnitOfWork, assessment_id: str, decide: Callable[[Assessment], None]
                          ) -> dict[str, Any]:
    amended = False

    async def run(a: Assessment) -> None:
        nonlocal amended
        amended = a.status == "completed"  # recording a section again: an amendment
        answers = await _answers(uow, assessment_id) if amended else []
        decide(a)
        a.amend_outputs(answers)

    _, res = await uow.execute(Assessment, assessment_id, run)
    return {"assessment_id": assessment_id, "version": res.version, "amended": amended}


async def record_policies(cmd: RecordPolicies, uow: UnitOfWork) -> dict[str, Any]:
    def decide(a: Assessment) -> None:
        assert a.country is not None
        a.record_policies(cmd.items, a.country, cmd.reason)

    return await _record_section(uow, cmd.assessment_id, decide)


async def record_demographics(cmd: RecordDemographics, uow: UnitOfWork) -> dict[str, Any]:
    return await _record_section(uow, cmd.assessment_id, lambda a: a.record_demographics(cmd.demographics, cmd.reason))


async def record_findings(cmd: RecordFindings, uow: UnitOfWork) -> dict[str, Any]:
    return await _record_section(uow, cmd.assessment_id, lambda a: a.record_findings(cmd.findings, cmd.reason))


async def complete_assessment(cmd: CompleteAssessment, uow: UnitOfWork) -> dict[str, Any]:
    async def run(a: Assessment) -> None:
        a.complete(await _answers(uow, cmd.assessment_id), cmd.completed_on)

    agg, res = await uow.execute(Assessment, cmd.assessment_id, run)
    return {"assessment_id": cmd.assessment_id, "version": res.version, "status": agg.status}


# -- survey responses ------------------------------------------------------------------


def _legacy_id(assessment_id: str, response_id: str) -> uuid.UUID:
    """The event id a response got before responses were recorded with a key
    (a response stored then and sent again is recorded once all the same)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"wecare:survey:{assessment_id}:{response_id}")


async def _record_responses(uow: UnitOfWork, assessment_id: str, responses: Sequence[SurveyResponse]
                            ) -> tuple[int, int]:
    """Validate every response first (nothing is stored if one is bad), skip
    the ones already recorded, append the rest at the end of the survey
    stream. A concurrent copy of the same responses may win the race: the
    append then conflicts and the command is retried (the shared policy),
    and finds them recorded. Returns (recorded now, responses in the survey)."""
    a = await uow.get(Assessment, assessment_id)
    events = []
    for i, r in enumerate(responses):
        try:
            events.append(SurveyLog.response(a, r.response_id, r.language, r.answers))
        except DomainError as err:
            if len(responses) > 1 and err.field and err.field != "assessment_id":
                err.field = f"responses.{i}.{err.field}"
            raise
    log = SurveyLog(assessment_id)
    log.country = a.country
    stream = log.stream_id(assessment_id)
    # a response's event id is made from its response id (the key it is recorded with), so the
    # same response, sent again by any way, is recorded once
    ids = {r.response_id: (uuid.uuid5(uuid.NAMESPACE_URL, f"wecare:{stream}:{r.response_id}"),
                           _legacy_id(assessment_id, r.response_id)) for r in responses}
    seen = await uow.store.existing_ids([i for pair in ids.values() for i in pair])
    for e, r in zip(events, responses, strict=True):
        if not seen.intersection(ids[r.response_id]):
            log.record(e, key=r.response_id)
    if not log.pending:
        return 0, await uow.store.version(stream, conn=uow.conn)
    fresh = len(log.pending)
    res = await uow.save(log, at_end=True)
    return (0 if res.replayed else fresh), res.version


async def record_survey_response(cmd: RecordSurveyResponse, uow: UnitOfWork) -> dict[str, Any]:
    recorded, total = await _record_responses(uow, cmd.assessment_id, [cmd])
    return {"response_id": cmd.response_id, "recorded": bool(recorded), "responses": total}


async def record_survey_responses(cmd: RecordSurveyResponses, uow: UnitOfWork) -> dict[str, Any]:
    ids = [r.response_id for r in cmd.responses]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise DomainError(N_("response ids repeated in the batch: %(dup)s"), params={"dup": ', '.join(dup)},
                          field="responses", rule="unique_response_id", items=dup)
    recorded, total = await _record_responses(uow, cmd.assessment_id, cmd.responses)
    return {"received": len(cmd.responses), "recorded": recorded, "responses": total}


HANDLERS = {
    RegisterFactory: register_factory,
    UpdateFactory: update_factory,
    SetFactoryIdentifiers: set_factory_identifiers,
    ArchiveFactory: archive_factory,
    ScheduleAssessment: schedule_assessment,
    RecordPolicies: record_policies,
    RecordDemographics: record_demographics,
    RecordFindings: record_findings,
    RecordSurveyResponse: record_survey_response,
    RecordSurveyResponses: record_survey_responses,
    CompleteAssessment: complete_assessment,
}
