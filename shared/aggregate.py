"""Aggregates: the domain's decisions, plain Python over events (loading and
saving them is the application layer's work, in shared.application).

Domain code is plain Python over events: an aggregate records events with
`self.record(event)`, and each event type is applied by a method named
`on_<event_name>` (e.g. `on_factory_registered`). No ORM object reaches it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from shared.contracts.registry import DomainEvent
from shared.i18n import N_, Text


class DomainError(Exception):
    """A command broke a business rule. `field` names the input at fault.

    The message is a catalogue's message id with named values, translated
    when it is answered (the caller's Accept-Language, shared/http.py):
    `DomainError(N_("the plan uses %(used)s credits of a budget of %(budget)s"),
    params={"used": 12, "budget": 10}, ...)`. `message` is the English text."""

    def __init__(self, message: str, *, params: Mapping[str, Any] | None = None, field: str | None = None,
                 rule: str | None = None, items: list[str] | None = None) -> None:
        self.text = Text(message, dict(params or {}))
        self.message = str(self.text)
        super().__init__(self.message)
        self.field = field
        self.rule = rule
        self.items = items or []


class NotFound(Exception):
    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident
        # `what` in the reader's language too, when the catalogues name it (WHATS)
        self.text = Text(N_("%(what)s %(ident)s not found"), {"what": Text(what), "ident": ident})


# what a NotFound names (a stream's prefix, a collection, a read), for the catalogues
WHATS = (N_("factory"), N_("assessment"), N_("asset"), N_("delivery"), N_("evaluation"), N_("person"), N_("plan"),
         N_("programme"), N_("survey"), N_("journey"), N_("people"), N_("approved plan of factory"),
         N_("approved plan"), N_("buyer"), N_("catalogue version"), N_("completed assessment of factory"),
         N_("consulting case"), N_("indicators of factory"), N_("job"), N_("journey of factory"),
         N_("problem kind"), N_("programmes of buyer"), N_("projection"), N_("record type"), N_("stream"),
         N_("webhook endpoint"), N_("work plan"), N_("survey-instrument"), N_("session"))


class Aggregate:
    stream_prefix: ClassVar[str]  # e.g. "factory": stream ids are "factory-<id>"

    def __init__(self, ident: str) -> None:
        self.id = ident
        self.version = 0
        self.country: str | None = None
        self.pending: list[DomainEvent] = []
        self.pending_keys: list[str | None] = []

    @classmethod
    def stream_id(cls, ident: str) -> str:
        return f"{cls.stream_prefix}-{ident}"

    def apply(self, event: DomainEvent) -> None:
        handler = getattr(self, f"on_{event.subject_name()}", None)
        if handler is None:
            raise TypeError(f"{type(self).__name__} has no on_{event.subject_name()}")
        handler(event)

    def record(self, event: DomainEvent, *, key: str | None = None) -> None:
        """`key`: what makes this event the same one again (e.g. "session s1
        delivered"): its event id is derived from the stream and the key, so a
        command repeated by a client or a reaction repeated by a redelivery
        appends nothing twice."""
        self.apply(event)
        self.pending.append(event)
        self.pending_keys.append(key)

    @property
    def exists(self) -> bool:
        return self.version > 0 or bool(self.pending)
