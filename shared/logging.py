"""structlog set-up: one line per event, JSON in production, with the service,
country, correlation id and causation id bound from context variables."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, get_contextvars

CORRELATION_HEADER = "X-Correlation-Id"
CAUSATION_HEADER = "X-Causation-Id"


def configure_logging(service: str, fmt: str = "json", level: str = "INFO") -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
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


def current_correlation() -> tuple[str | None, str | None]:
    ctx = get_contextvars()
    return ctx.get("correlation_id"), ctx.get("causation_id")


@contextmanager
def correlation(correlation_id: str | None, causation_id: str | None = None, **more: object) -> Iterator[str]:
    """Bind a correlation (and causation) id for the duration of a unit of work."""
    cid = correlation_id or new_correlation_id()
    with bound_contextvars(correlation_id=cid, causation_id=causation_id, **more):
        yield cid
