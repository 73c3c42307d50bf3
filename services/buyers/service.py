"""Wiring of the buyers service: the feed projection, the webhook dispatcher
(woken by every commit of the projection) and the API."""

from __future__ import annotations

from services.buyers import CONTEXT
from services.buyers.api import docs, ops, router
from services.buyers.projections import metadata, projections
from services.buyers.webhooks import Dispatcher
from services.buyers.webhooks import metadata as webhook_metadata
from shared.service import Service
from shared.settings import Settings


def create_service(settings: Settings | None = None) -> Service:
    svc = Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections(),
                  metadata=[metadata, webhook_metadata], routers=[router, docs, ops],
                  title="WeCare buyers service")
    svc.dispatcher = Dispatcher(svc.db, svc.settings)  # type: ignore[attr-defined]
    svc.on_start.append(svc.dispatcher.start)  # type: ignore[attr-defined]
    svc.on_stop.append(svc.dispatcher.stop)  # type: ignore[attr-defined]
    for runner in svc.runners.values():
        runner.after_commit.append(svc.dispatcher.wake)  # type: ignore[attr-defined]
    return svc
