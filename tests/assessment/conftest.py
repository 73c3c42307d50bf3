from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.assessment.service import create_service
from shared.service import Service
from tests.harness import serving, settings_for


@pytest.fixture
async def assessment(nats_server, tmp_path) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    svc = create_service(settings_for("assessment", nats_server.url, str(tmp_path)))
    async with serving(svc) as running:
        yield running
