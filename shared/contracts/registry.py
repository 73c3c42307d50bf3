"""Event types, their schema versions and upcasters."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

E = TypeVar("E", bound="DomainEvent")
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class DomainEvent(BaseModel):
    """Base of every event. Subclasses are registered with @registry.event(context)."""

    # no NaN or Infinity: stored as JSON they would come back as null, and the
    # event would no longer load (shared/contracts/values.py)
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    context: ClassVar[str]
    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    # private events stay in the service's own store: never published (e.g. individual survey answers)
    private: ClassVar[bool] = False

    @classmethod
    def subject_name(cls) -> str:
        return snake(cls.event_type)


class UnknownEventType(LookupError):
    pass


class EventRegistry:
    def __init__(self) -> None:
        self._types: dict[tuple[str, str], type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, str, int], Upcaster] = {}
        self._private: dict[str, frozenset[str]] = {}

    def event(self, context: str, *, version: int = 1, name: str | None = None) -> Callable[[type[E]], type[E]]:
        def register(cls: type[E]) -> type[E]:
            cls.context = context
            cls.event_type = name or cls.__name__
            cls.schema_version = version
            key = (context, cls.event_type)
            if key in self._types and self._types[key] is not cls:
                raise ValueError(f"event type {key} registered twice")
            self._types[key] = cls
            self._private.clear()
            return cls

        return register

    def upcaster(self, context: str, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register fn(payload of from_version) -> payload of from_version + 1."""

        def register(fn: Upcaster) -> Upcaster:
            self._upcasters[(context, event_type, from_version)] = fn
            return fn

        return register

    def get(self, context: str, event_type: str) -> type[DomainEvent]:
        try:
            return self._types[(context, event_type)]
        except KeyError:
            raise UnknownEventType(f"no event type {context}.{event_type} is registered") from None

    def upcast(self, context: str, event_type: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
        current = self.get(context, event_type).schema_version
        if version > current:
            raise UnknownEventType(
                f"{context}.{event_type} v{version} is newer than this code knows (v{current})"
            )
        while version < current:
            fn = self._upcasters.get((context, event_type, version))
            if fn is None:
                raise UnknownEventType(f"no upcaster for {context}.{event_type} from v{version}")
            payload = fn(dict(payload))
            version += 1
        return payload

    def decode(self, context: str, event_type: str, version: int, payload: dict[str, Any]) -> DomainEvent:
        cls = self.get(context, event_type)
        return cls.model_validate(self.upcast(context, event_type, version, payload))

    def types(self, context: str | None = None) -> list[type[DomainEvent]]:
        return [t for (c, _), t in sorted(self._types.items()) if context is None or c == context]

    def private_types(self, context: str) -> frozenset[str]:
        """The names of a context's private event types (asked on every append: kept)."""
        if context not in self._private:
            self._private[context] = frozenset(t.event_type for t in self.types(context) if t.private)
        return self._private[context]


registry = EventRegistry()
