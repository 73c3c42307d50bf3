"""The envelope every stored and published event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from shared.contracts.registry import DomainEvent, registry, snake

SUBJECT_ROOT = "wecare"


def subject_for(country: str, context: str, event_type: str) -> str:
    return f"{SUBJECT_ROOT}.{country}.{context}.{snake(event_type)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    stream_id: str
    stream_version: int
    # the version of the stream's previous published event: private events in
    # between are never published, and a consumer must not wait for them
    # (None: stream_version - 1)
    previous_version: int | None = None
    position: int | None = None  # global position in the origin service's store
    context: str
    event_type: str
    schema_version: int
    country: str
    occurred_at: datetime
    recorded_at: datetime | None = None
    correlation_id: str
    causation_id: str | None = None
    actor: str
    payload: dict[str, Any]
    _event: DomainEvent | None = PrivateAttr(default=None)  # decoded once (envelopes are immutable)

    @classmethod
    def wrap(
        cls,
        event: DomainEvent,
        *,
        stream_id: str,
        stream_version: int,
        country: str,
        actor: str,
        correlation_id: str,
        causation_id: str | None = None,
        occurred_at: datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope:
        return cls(
            event_id=event_id or uuid.uuid4(),
            stream_id=stream_id,
            stream_version=stream_version,
            context=event.context,
            event_type=event.event_type,
            schema_version=event.schema_version,
            country=country,
            occurred_at=occurred_at or utcnow(),
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
            payload=event.model_dump(mode="json"),
        )

    @property
    def predecessor(self) -> int:
        """The stream version a consumer must have applied before this event."""
        return self.stream_version - 1 if self.previous_version is None else self.previous_version

    @property
    def subject(self) -> str:
        return subject_for(self.country, self.context, self.event_type)

    def event(self) -> DomainEvent:
        """The payload as the current model, upcast from older schema versions."""
        if self._event is None:
            self._event = registry.decode(self.context, self.event_type, self.schema_version, self.payload)
        return self._event

    def to_wire(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_wire(cls, data: bytes) -> Envelope:
        return cls.model_validate(orjson.loads(data))
