"""Wiring of the planning service."""

from __future__ import annotations

from services.planning import CONTEXT
from services.planning.api import catalogue_router, router
from services.planning.projections import metadata, projections
from shared.service import Service
from shared.settings import Settings


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections(), metadata=[metadata],
                   routers=[catalogue_router, router], title="WeCare planning service")
