"""The planning service beside the assessment service, both on the real NATS
server: planning learns factories and completed assessments from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from services.assessment.service import create_service as assessment_service
from services.planning.service import create_service as planning_service
from shared.service import Service
from tests.assessment import builders as b
from tests.conftest import _pg_create, _pg_drop, eventually, pg_url
from tests.harness import no_lag, serving, settings_for


@dataclass
class Stack:
    assessment: httpx.AsyncClient
    planning: httpx.AsyncClient
    planning_service: Service

    async def settled(self) -> None:
        async def both() -> bool:
            return await no_lag(self.assessment) and await no_lag(self.planning)
        await eventually(both, timeout=20)

    async def factory(self, country: str, fid: str, **kw: Any) -> None:
        r = await self.assessment.post(f"/{country}/factories", json=b.factory(fid, **kw))
        assert r.status_code == 201, r.text

    async def assess(self, country: str, fid: str, *, completed_on: date = date(2026, 2, 10),
                     respondents: int = 10, **response_kw: Any) -> str:
        """A whole assessment of the factory, completed."""
        aid = f"a-{fid}"
        a = self.assessment
        r = await a.post(f"/{country}/assessments", json={"assessment_id": aid, "factory_id": fid,
                                                         "scheduled_date": "2026-02-01", "assessors": ["Lina"]})
        assert r.status_code == 201, r.text
        for path, body in (("policies", b.policies(days=112 if country == "bd" else 180)),
                           ("demographics", b.demographics()), ("management", b.findings())):
            r = await a.put(f"/{country}/assessments/{aid}/{path}", json=body)
            assert r.status_code == 200, r.text
        r = await a.post(f"/{country}/assessments/{aid}/survey-responses/batch",
                         json={"responses": [b.response(i, **response_kw) for i in range(respondents)]})
        assert r.status_code == 201, r.text
        r = await a.post(f"/{country}/assessments/{aid}/complete", json={"completed_on": completed_on.isoformat()})
        assert r.status_code == 200, r.text
        return aid

    async def programme(self, country: str, pid: str, factories: list[str], **kw: Any) -> httpx.Response:
        body = {"programme_id": pid, "name": f"{pid} WeCare", "buyer": "Otto Group", "factories": factories,
                "starts_on": "2026-03-01", **kw}
        return await self.planning.post(f"/{country}/programmes", json=body)


@asynccontextmanager
async def _stack(nats_url: str, data_dir: str, planning_db: str = "") -> AsyncIterator[Stack]:
    async with AsyncExitStack() as es:
        _, a = await es.enter_async_context(serving(assessment_service(
            settings_for("assessment", nats_url, data_dir))))
        psvc, p = await es.enter_async_context(serving(planning_service(
            settings_for("planning", nats_url, data_dir, database_url=planning_db))))
        yield Stack(a, p, psvc)


@pytest.fixture
async def stack(nats_server, tmp_path) -> AsyncIterator[Stack]:
    async with _stack(nats_server.url, str(tmp_path)) as s:
        yield s


@pytest.fixture(params=["sqlite", "postgres"])
async def stack_both(request, nats_server, tmp_path) -> AsyncIterator[Stack]:
    """The planning store on both backends (the drafting reaction takes the append lock)."""
    if request.param == "sqlite":
        async with _stack(nats_server.url, str(tmp_path)) as s:
            yield s
    else:
        name = await _pg_create()
        try:
            async with _stack(nats_server.url, str(tmp_path), pg_url(name)) as s:
                yield s
        finally:
            await _pg_drop(name)
