"""Wiring of the planning service."""

from __future__ import annotations

from services.planning import CONTEXT
from services.planning.api import catalogue_router, router
from services.planning.handlers import HANDLERS
from services.planning.projections import metadata, projections
from services.planning.reactions import reactions
from shared.service import Service
from shared.settings import Settings


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections() + reactions(),
                   metadata=[metadata], routers=[catalogue_router, router], handlers=HANDLERS,
                   title="WeCare planning service")
