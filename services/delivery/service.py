"""Wiring of the delivery service."""

from __future__ import annotations

import services.delivery.domain.events  # noqa: F401 - registers the private events
from services.delivery import CONTEXT
from services.delivery.api import router
from services.delivery.handlers import HANDLERS
from services.delivery.projections import metadata, projections
from services.delivery.reactions import reactions
from shared.service import Service
from shared.settings import Settings


def create_service(settings: Settings | None = None) -> Service:
    return Service(CONTEXT, settings or Settings(service=CONTEXT), projections=projections() + reactions(),
                   metadata=[metadata], routers=[router], handlers=HANDLERS, title="WeCare delivery service")
