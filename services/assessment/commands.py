"""The assessment service's commands: one class per state change, named as a
verb. A command is the whole input; who asks, where and on which version is
the CommandContext's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field, field_validator

from shared.application import Command
from shared.contracts.assessment import AmforiId, Demographics, Finding, OsId, PolicyAnswer, SedexId
from shared.contracts.values import Code, Int, Name, PastDate, Strict

IDENT = r"^[A-Za-z0-9_.-]+$"
ID = 100  # the longest factory, assessment or response id
MAX_QUESTIONS = 500  # answers in one survey response
Answer = Annotated[str, Field(max_length=2000)]  # a question's code, a choice or a free text
Choices = Annotated[list[Answer], Field(max_length=100)]  # of a multiple-choice question


# -- factories ---------------------------------------------------------------------


class RegisterFactory(Command):
    factory_id: str = Field(min_length=1, max_length=ID, pattern=IDENT)
    name: str = Field(min_length=1, max_length=300)
    supplier: str = Field(min_length=1, max_length=300)
    region: str = Field(min_length=1, max_length=200)
    sector: str = Field(min_length=1, max_length=100, examples=["garment", "toys"])
    buyers: list[Name] = Field(min_length=1, max_length=50)
    headcount: int = Field(ge=0, le=1_000_000)
    os_id: OsId | None = Field(None, description="Open Supply Hub's OS ID, of the factory's country")
    amfori_id: AmforiId | None = None
    sedex_id: SedexId | None = None

    @field_validator("buyers")
    @classmethod
    def _buyers(cls, v: list[str]) -> list[str]:
        if any(not b.strip() for b in v):
            raise ValueError("buyer names must not be empty")
        return v


class UpdateFactory(Command):
    """Change a factory's details (the fields given; the others stay)."""

    factory_id: str = Field(min_length=1, max_length=ID)
    name: str | None = Field(None, min_length=1, max_length=300)
    supplier: str | None = Field(None, min_length=1, max_length=300)
    region: str | None = Field(None, min_length=1, max_length=200)
    sector: str | None = Field(None, min_length=1, max_length=100)
    buyers: list[Name] | None = Field(None, min_length=1, max_length=50)
    headcount: int | None = Field(None, ge=0, le=1_000_000)


class SetFactoryIdentifiers(Command):
    """Set or correct the identifiers buyers join on: all three as they now
    are (one left out or null: none known). The same again changes nothing."""

    factory_id: str = Field(min_length=1, max_length=ID)
    os_id: OsId | None = Field(None, description="Open Supply Hub's OS ID, of the factory's country")
    amfori_id: AmforiId | None = None
    sedex_id: SedexId | None = None


class ArchiveFactory(Command):
    factory_id: str = Field(min_length=1, max_length=ID)
    reason: str = Field(min_length=1, max_length=2000)


# -- assessments ---------------------------------------------------------------------


class ScheduleAssessment(Command):
    assessment_id: str = Field(min_length=1, max_length=ID, pattern=IDENT)
    factory_id: str = Field(min_length=1, max_length=ID)
    scheduled_date: date
    assessors: list[Name] = Field(min_length=1, max_length=20)
    survey_version: int = Field(1, ge=1, le=1000)


class RecordSection(Command):
    """A section of the on-site assessment; recorded again on a completed
    assessment, an amendment (with a reason) that recomputes its outputs."""

    assessment_id: str = Field(min_length=1, max_length=ID)
    reason: str | None = Field(None, max_length=2000, description="required once the assessment is completed")


class RecordPolicies(RecordSection):
    items: dict[Code, PolicyAnswer] = Field(max_length=100)


class RecordDemographics(RecordSection):
    demographics: Demographics


class RecordFindings(RecordSection):
    findings: list[Finding] = Field(max_length=200)


class SurveyResponse(Strict):
    """One worker's anonymous answers, as captured (online or offline)."""

    response_id: str = Field(min_length=1, max_length=ID, pattern=IDENT,
                             description="made by the client, so that a resent response is recorded once")
    language: str = Field(min_length=2, max_length=5)
    answers: dict[Answer, Answer | Int | Choices] = Field(max_length=MAX_QUESTIONS)


class RecordSurveyResponse(SurveyResponse, Command):
    """One response, appended at the end of the survey whatever its version:
    a conflict with another writer is retried (the shared policy)."""

    retry_on_conflict: ClassVar[bool] = True
    assessment_id: str = Field(min_length=1, max_length=ID)


class RecordSurveyResponses(Command):
    """Responses captured offline, sent together (up to 500). Sending the
    same batch again, or responses already sent one by one, records nothing
    twice; a conflict with another writer is retried (the shared policy)."""

    retry_on_conflict: ClassVar[bool] = True
    assessment_id: str = Field(min_length=1, max_length=ID)
    responses: list[SurveyResponse] = Field(min_length=1, max_length=500)


class CompleteAssessment(Command):
    assessment_id: str = Field(min_length=1, max_length=ID)
    completed_on: PastDate
