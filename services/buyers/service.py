"""Wiring of the buyers service: the feed projection (which hands each new
record to the webhooks' queue), the webhook commands' handlers, the webhook
dispatcher (woken by every commit of the projection and by every command;
a loop under the service's supervisor) and the API. The buyers service reacts to no event with a command: its
projection keeps read models only, so it has no reactions."""

from __future__ import annotations

from pathlib import Path

from services.buyers import CONTEXT
from services.buyers.api import docs, ops, router
from services.buyers.contract import webhooks
from services.buyers.handlers import Webhooks, handlers
from services.buyers.projections import metadata, projections
from services.buyers.webhooks import Dispatcher, enqueue, parked_counts, queue_counts
from services.buyers.webhooks import metadata as webhook_metadata
from shared.service import Service
from shared.settings import Settings

# the database's revisions (shared/migrations): `wecare migrate buyers`
MIGRATIONS = Path(__file__).parent / "migrations"


def create_service(settings: Settings | None = None) -> Service:
    settings = settings or Settings(service=CONTEXT)
    hooks = Webhooks(settings)
    svc = Service(CONTEXT, settings, projections=projections(enqueue), handlers=handlers(hooks),
                  metadata=[metadata, webhook_metadata], routers=[router, ops],
                  title="WeCare buyers service", migrations=MIGRATIONS, locale=Path(__file__).parent / "locale")
    # the feed's documents (record types, JSON Schemas, AsyncAPI) answer without a token: services/buyers/api.py
    svc.app.include_router(docs)
    svc.app.webhooks.include_router(webhooks(svc.settings))  # the OpenAPI `webhooks`: what an endpoint receives
    svc.dispatcher = Dispatcher(svc.db, svc.settings)  # type: ignore[attr-defined]
    hooks.settings, hooks.wake = svc.settings, svc.dispatcher.wake  # type: ignore[attr-defined]
    # the dispatcher's loop runs under the service's supervisor; its HTTP client lives as long as the service
    svc.on_start.append(svc.dispatcher.open)  # type: ignore[attr-defined]
    svc.run_in_background("webhook-dispatcher", svc.dispatcher.run)  # type: ignore[attr-defined]
    svc.on_stop.append(svc.dispatcher.close)  # type: ignore[attr-defined]
    svc.parked_counts.append(lambda: parked_counts(svc.db))
    svc.queue_counts.append(lambda: _webhook_queue(svc))
    for runner in svc.runners.values():
        runner.after_commit.append(svc.dispatcher.wake)  # type: ignore[attr-defined]
    return svc


async def _webhook_queue(svc: Service) -> dict[tuple[str, str], int]:
    """The webhook deliveries waiting per buyer, and those in flight in this process."""
    return {**await queue_counts(svc.db), ("webhook-in-flight", "all"): svc.dispatcher.slots.total}  # type: ignore[attr-defined]
