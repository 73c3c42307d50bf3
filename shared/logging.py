"""structlog set-up: one line per event, JSON in production, with the service,
country, correlation id and causation id bound from context variables."""

from __future__ import annotations

import logging
import sys
import uuid
from contextvars import ContextVar, Token
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, get_contextvars

CORRELATION_HEADER = "X-Correlation-Id"
CAUSATION_HEADER = "X-Causation-Id"


def configure_logging(service: str, fmt: str = "json", level: str = "INFO") -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            merge_unit_of_work,
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.dict_tracebacks if fmt == "json" else structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    bind_contextvars(service=service)
    # third-party loggers (uvicorn, faststream, nats) go through the same output
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")


def get_logger(name: str | None = None) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger(name)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


# The unit of work in progress (an event being applied, a command): its ids in
# one context variable, set and reset once per unit. structlog's own
# bound_contextvars costs a variable per key and a copy of the context on
# every bind, about 10 µs, which a projection would pay on every event.
_unit: ContextVar[dict[str, Any] | None] = ContextVar("wecare_unit_of_work", default=None)


def merge_unit_of_work(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: the unit of work's ids on every line (a key given
    to the log call itself wins)."""
    unit = _unit.get()
    if unit:
        for k, v in unit.items():
            event_dict.setdefault(k, str(v) if isinstance(v, uuid.UUID) else v)
    return event_dict


def enter_event(correlation_id: str, event_id: uuid.UUID, country: str) -> Token:
    """The unit of work of applying one event (its id is the causation of what
    it leads to): `correlation(...)` without the object, for the projections'
    per-event loop. Undo with `leave(token)`."""
    return _unit.set({"correlation_id": correlation_id, "causation_id": event_id, "country": country})


def leave(token: Token) -> None:
    _unit.reset(token)


def current_correlation() -> tuple[str | None, str | None]:
    unit = _unit.get()
    if unit is not None:
        cause = unit.get("causation_id")
        return unit.get("correlation_id"), str(cause) if cause is not None else None
    ctx = get_contextvars()
    return ctx.get("correlation_id"), ctx.get("causation_id")


class correlation:  # noqa: N801 - used as a function: `with correlation(cid): ...`
    """Bind a correlation (and causation) id for the duration of a unit of work.
    A class rather than a @contextmanager: projections enter one per event."""

    __slots__ = ("cid", "unit", "token")

    def __init__(self, correlation_id: str | None, causation_id: str | None = None, **more: object) -> None:
        self.cid = correlation_id or new_correlation_id()
        self.unit = {"correlation_id": self.cid, "causation_id": causation_id, **more}

    def __enter__(self) -> str:
        self.token = _unit.set(self.unit)
        return self.cid

    def __exit__(self, *exc: object) -> None:
        _unit.reset(self.token)
