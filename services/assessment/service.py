"""Wiring of the assessment service."""

from __future__ import annotations

from pathlib import Path

from services.assessment import CONTEXT
from services.assessment.api import router, survey_router
from services.assessment.handlers import HANDLERS
from services.assessment.projections import metadata, projections
from services.assessment.reactions import reactions
from shared.service import Service
from shared.settings import Settings

# the database's revisions (shared/migrations): `wecare migrate assessment`
MIGRATIONS = Path(__file__).parent / "migrations"


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections() + reactions(),
                   metadata=[metadata], routers=[router, survey_router], handlers=HANDLERS,
                   title="WeCare assessment service",
                   migrations=MIGRATIONS, locale=Path(__file__).parent / "locale")
