"""Wiring of the assessment service."""

from __future__ import annotations

from services.assessment import CONTEXT
from services.assessment.api import router, survey_router
from services.assessment.projections import metadata, projections
from shared.service import Service
from shared.settings import Settings


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections(), metadata=[metadata],
                   routers=[router, survey_router], title="WeCare assessment service")
