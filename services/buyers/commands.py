"""The buyers service's commands: a buyer's integration (its webhook
endpoints). One class per state change, named as a verb; the buyer and the
endpoint come from the path, the rest from the body. Who asks is the
CommandContext's; the handlers decide with Principal.check_buyer whether the
caller manages this buyer's integration.

The buyers service keeps no aggregates: its state is read models (the feed,
the portfolio) and the endpoints' tables, so these commands append no events."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.application import Command
from shared.contracts.values import MAX_INT, Code, Name


class RegisterWebhook(Command):
    """Register an endpoint for the buyer's feed records; its signing secret is answered once."""

    buyer_writes = True

    buyer: Name
    url: str = Field(min_length=8, max_length=2000, description="where records are POSTed (https)")
    types: list[Code] = Field(default_factory=list, max_length=50, description="record types; empty: all")
    description: str | None = Field(None, max_length=300)
    start: Literal["now", "beginning"] = Field("now", description="deliver records from now, or the whole feed")


class RotateWebhookSecret(Command):
    """A new signing secret; the current one keeps signing beside it for the grace period."""

    buyer_writes = True

    buyer: Name
    endpoint_id: str = Field(min_length=1, max_length=40)
    grace_s: int | None = Field(None, ge=0, le=30 * 86400,
                                description="how long the old secret still signs (default: the service's setting)")


class DisableWebhook(Command):
    """Stop deliveries to an endpoint (its log stays)."""

    buyer_writes = True

    buyer: Name
    endpoint_id: str = Field(min_length=1, max_length=40)


class RedriveWebhook(Command):
    """The endpoint's parked deliveries (all, or one) go again, in order, from a fresh count of attempts."""

    buyer_writes = True

    buyer: Name
    endpoint_id: str = Field(min_length=1, max_length=40)
    delivery_id: int | None = Field(None, ge=1, le=MAX_INT, description="one parked delivery; absent: all")
