"""Wiring of the delivery service."""

from __future__ import annotations

from pathlib import Path

import services.delivery.domain.events  # noqa: F401 - registers the private events
from services.delivery import CONTEXT
from services.delivery.api import router
from services.delivery.handlers import HANDLERS
from services.delivery.projections import metadata, projections
from services.delivery.reactions import reactions
from shared.service import Service
from shared.settings import Settings

# the database's revisions (shared/migrations): `wecare migrate delivery`
MIGRATIONS = Path(__file__).parent / "migrations"


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections() + reactions(),
                   metadata=[metadata], routers=[router], handlers=HANDLERS, title="WeCare delivery service",
                   migrations=MIGRATIONS, locale=Path(__file__).parent / "locale")
