"""Private events of the delivery context: who attended (pseudonymous ids)
and what a consulting case is about (sealed with the case's own key, which
a forget of the case deletes). Stored, never published."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from shared.contracts.delivery import CONTEXT, AgeBand, Role, Sex, event
from shared.contracts.registry import DomainEvent


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    role: Role
    sex: Sex
    age_band: AgeBand


@event(CONTEXT)
class AttendanceRecorded(DomainEvent):
    """The identified people of a delivered session, so that the people a plan
    reaches are counted once across its sessions."""

    private: ClassVar[bool] = True
    plan_id: str
    session_id: str
    participants: list[Participant]
    counts: list[dict[str, str | int]]  # the anonymous counts as sent
    receipt: str  # fingerprint of what was sent, to recognise the same delivery sent again


@event(CONTEXT)
class ConsultingCaseNoted(DomainEvent):
    """What a one-on-one consulting case is about: for the country team only."""

    private: ClassVar[bool] = True
    plan_id: str
    case_id: str
    details: str  # sealed with the case's key (shared/privacy.py; cases noted before: in the clear)

