"""Events of the assessment context. The published ones are contracts in
shared/contracts/assessment.py; the private one (a worker's survey answers)
never leaves the service and lives here."""

from __future__ import annotations

from typing import ClassVar

from shared.contracts.assessment import CONTEXT, event
from shared.contracts.registry import DomainEvent


@event(CONTEXT)
class SurveyResponseRecorded(DomainEvent):
    """One anonymous worker's survey answers. Private: never leaves the service."""

    private: ClassVar[bool] = True
    assessment_id: str
    response_id: str
    survey_version: int
    language: str
    answers: dict[str, str | int | list[str]]
