"""The envelope every stored and published event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.registry import DomainEvent, registry, snake

SUBJECT_ROOT = "wecare"


@lru_cache(maxsize=4096)
def subject_for(country: str, context: str, event_type: str) -> str:
    return f"{SUBJECT_ROOT}.{country}.{context}.{snake(event_type)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def wire(*, event_id: str, stream_id: str, stream_version: int, previous_version: int | None, position: int | None,
         context: str, event_type: str, schema_version: int, country: str, occurred_at: datetime | str,
         recorded_at: datetime | str | None, correlation_id: str, causation_id: str | None, actor: str,
         payload: dict[str, Any] | orjson.Fragment) -> bytes:
    """An envelope's bytes on the wire, the same as pydantic's JSON of it. The
    relay builds them straight from stored rows (`payload` as the stored JSON
    text in an orjson.Fragment, times as their wire text or as datetimes),
    without a model in between."""
    return orjson.dumps({
        "event_id": event_id, "stream_id": stream_id, "stream_version": stream_version,
        "previous_version": previous_version, "position": position, "context": context, "event_type": event_type,
        "schema_version": schema_version, "country": country, "occurred_at": occurred_at,
        "recorded_at": recorded_at, "correlation_id": correlation_id, "causation_id": causation_id, "actor": actor,
        "payload": payload,
    }, option=orjson.OPT_UTC_Z)


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
        return self._decoded

    @cached_property
    def _decoded(self) -> DomainEvent:  # decoded once: envelopes are immutable (no private attribute to set
        # up on every envelope, which cost more than validating the envelope's fields)
        return registry.decode(self.context, self.event_type, self.schema_version, self.payload)

    def to_wire(self) -> bytes:
        return wire(
            event_id=str(self.event_id), stream_id=self.stream_id, stream_version=self.stream_version,
            previous_version=self.previous_version, position=self.position, context=self.context,
            event_type=self.event_type, schema_version=self.schema_version, country=self.country,
            occurred_at=self.occurred_at, recorded_at=self.recorded_at, correlation_id=self.correlation_id,
            causation_id=self.causation_id, actor=self.actor, payload=self.payload,
        )

    @classmethod
    def from_wire(cls, data: bytes) -> Envelope:
        # the validator itself: model_validate_json's wrapper costs a fifth of the decoding
        return cls.__pydantic_validator__.validate_json(data)  # type: ignore[no-any-return]
