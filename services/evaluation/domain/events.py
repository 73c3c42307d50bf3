"""Private events of the evaluation context: who gave consent for an asset."""

from __future__ import annotations

from typing import ClassVar

from shared.contracts.evaluation import CONTEXT, event
from shared.contracts.registry import DomainEvent


@event(CONTEXT)
class ConsentGiven(DomainEvent):
    """Who consented to an asset's use (a guardian for a minor): never
    published, and the names are sealed with the person's key."""

    private: ClassVar[bool] = True
    asset_id: str
    consented_by: str  # sealed
    guardian: str | None = None  # sealed
