"""Operator actions on the record: who re-drove, rebuilt, re-published,
rotated or disabled what, when, with which parameters, and what came of it.

Each is an `OperatorAction` event in the service's own event store, in the
stream `ops-<context>` of the pseudo-country `ops` (served by no deployment:
no country's reads or projections see it), private (never published), so the
hash chain covers it as every other event. Admins and auditors read them at
GET /ops/actions; each is logged as `ops.action` too. Where an action is a
command (a webhook's rotation, its disabling) it is recorded in the
command's transaction; around an HTTP route, `operator_action` records it
once done, with its outcome or its error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.auth import Principal
from shared.contracts.envelope import Envelope
from shared.contracts.registry import DomainEvent, registry
from shared.logging import current_correlation, get_logger, new_correlation_id
from shared.store.eventstore import EventStore

log = get_logger("ops")

OPS_COUNTRY = "ops"  # not a country: no deployment serves it


class OperatorAction(DomainEvent):
    """An operator's action on the service (registered in each service's context: `action_type`)."""

    private = True
    action: str  # e.g. "parked.redrive", "webhook.rotate_secret"
    target: str | None = None  # what it acted on, e.g. a projection, "<buyer>/<endpoint id>"
    role: str  # the actor's role (the event's actor is their subject)
    parameters: dict[str, Any] = Field(default_factory=dict)
    outcome: dict[str, Any] = Field(default_factory=dict)  # the answer's figures, or {"error": type}


_types: dict[str, type[OperatorAction]] = {}


def action_type(context: str) -> type[OperatorAction]:
    """OperatorAction registered in `context` (once per process)."""
    cls = _types.get(context)
    if cls is None:
        sub = type(f"OperatorAction_{context}", (OperatorAction,), {"__module__": __name__})
        cls = _types[context] = registry.event(context, name="OperatorAction")(sub)
    return cls


def stream_of(context: str) -> str:
    return f"ops-{context}"


async def record(store: EventStore, principal: Principal, action: str, *, target: str | None = None,
                 parameters: dict[str, Any] | None = None, outcome: dict[str, Any] | None = None,
                 conn: AsyncConnection | None = None) -> None:
    """Append the action to the service's `ops-<context>` stream (in `conn`'s
    transaction, if given: it commits with the action's own writes)."""
    event = action_type(store.context)(action=action, target=target, role=principal.role,
                                       parameters=parameters or {}, outcome=outcome or {})
    correlation_id, causation_id = current_correlation()
    stream = stream_of(store.context)
    env = Envelope.wrap(event, stream_id=stream, stream_version=1, country=OPS_COUNTRY, actor=principal.subject,
                        correlation_id=correlation_id or new_correlation_id(), causation_id=causation_id)
    log.info("ops.action", actor=principal.subject, role=principal.role, action=action, target=target,
             parameters=parameters or {}, outcome=outcome or {})
    await store.append(stream, None, [env], conn=conn)


@asynccontextmanager
async def operator_action(request: Request, action: str, *, target: str | None = None,
                          parameters: dict[str, Any] | None = None) -> AsyncIterator[dict[str, Any]]:
    """Around an operator's action in a route: recorded once the block is
    done, with the outcome the block puts in the dict it is given, or with
    the error it raised (then raised on)."""
    from shared.api import caller

    store: EventStore = request.app.state.service.store
    who = caller(request)
    outcome: dict[str, Any] = {}
    try:
        yield outcome
    except BaseException as e:  # a cancel too (the client went away): what was begun is recorded
        try:
            await asyncio.shield(record(store, who, action, target=target, parameters=parameters,
                                        outcome={"error": type(e).__name__}))
        except Exception as not_recorded:  # noqa: BLE001 - the action's own error is the answer
            log.error("ops.action_not_recorded", actor=who.subject, action=action, target=target,
                      error=type(not_recorded).__name__)
        raise
    try:
        await record(store, who, action, target=target, parameters=parameters, outcome=outcome)
    except Exception as not_recorded:
        # done but not in the log: the operator is told (500) and the log line keeps who did what
        log.error("ops.action_not_recorded", actor=who.subject, action=action, target=target, outcome=outcome,
                  error=type(not_recorded).__name__)
        raise


async def actions(store: EventStore, *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """The recorded actions after the `seq` given, oldest first."""
    out = []
    for e in await store.load(stream_of(store.context), after, limit=limit):
        p = e.payload
        out.append({"seq": e.stream_version, "at": e.recorded_at, "actor": e.actor, "role": p.get("role"),
                    "action": p.get("action"), "target": p.get("target"), "parameters": p.get("parameters", {}),
                    "outcome": p.get("outcome", {}), "correlation_id": e.correlation_id})
    return out
