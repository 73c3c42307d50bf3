"""Wiring of the planning service."""

from __future__ import annotations

from pathlib import Path

from services.planning import CONTEXT
from services.planning.api import catalogue_router, router
from services.planning.handlers import HANDLERS
from services.planning.projections import metadata, projections
from services.planning.reactions import reactions
from shared.service import Service
from shared.settings import Settings

# the database's revisions (shared/migrations): `wecare migrate planning`
MIGRATIONS = Path(__file__).parent / "migrations"


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections() + reactions(),
                   metadata=[metadata], routers=[catalogue_router, router], handlers=HANDLERS,
                   title="WeCare planning service",
                   migrations=MIGRATIONS, locale=Path(__file__).parent / "locale")
