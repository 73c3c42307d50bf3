"""Wiring of the evaluation service."""

from __future__ import annotations

from pathlib import Path

import services.evaluation.domain.events  # noqa: F401 - registers the private events
from services.evaluation import CONTEXT
from services.evaluation.api import buyers_router, router
from services.evaluation.handlers import HANDLERS
from services.evaluation.projections import metadata, projections
from services.evaluation.rendering import Renderer
from shared.service import Service
from shared.settings import Settings

# the database's revisions (shared/migrations): `wecare migrate evaluation`
MIGRATIONS = Path(__file__).parent / "migrations"


def create_service(settings: Settings | None = None) -> Service:
    svc = Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections(), metadata=[metadata],
                  routers=[buyers_router, router], handlers=HANDLERS, title="WeCare evaluation service",
                  migrations=MIGRATIONS, locale=Path(__file__).parent / "locale")
    # reports are drawn in worker processes, off the event loop; stopped with the service
    svc.renderer = Renderer(svc.settings.report_workers, svc.settings.report_queue)  # type: ignore[attr-defined]
    svc.on_stop.append(svc.renderer.close)  # type: ignore[attr-defined]
    return svc
