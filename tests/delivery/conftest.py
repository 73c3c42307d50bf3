"""The delivery service with the two services it learns from, on the real
NATS server: factories come from assessment, approved plans from planning."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.planning.domain.plan import Plan
from shared.service import Service
from tests.assessment import builders as b
from tests.conftest import eventually
from tests.harness import no_lag, serve_services

PROGRAMME = "otto"
KPI = {"indicator": "share_parents_reached", "baseline": 0.0, "target": 0.5}


@dataclass
class Stack:
    assessment: httpx.AsyncClient
    planning: httpx.AsyncClient
    delivery: httpx.AsyncClient
    delivery_service: Service

    async def settled(self) -> None:
        async def all_() -> bool:
            return all([await no_lag(c) for c in (self.assessment, self.planning, self.delivery)])
        await eventually(all_, timeout=20)

    async def events(self) -> int:
        return await self.delivery_service.store.count()

    async def approved_plan(self, country: str, factory: str, activities: list[str],
                            milestones: list[dict[str, Any]] | None = None) -> str:
        """A factory with an approved plan of these activities; the plan id."""
        r = await self.assessment.post(f"/{country}/factories", json=b.factory(factory))
        assert r.status_code == 201, r.text
        await self.settled()
        pid = f"{PROGRAMME}-{factory}"
        r = await self.planning.post(f"/{country}/programmes", json={
            "programme_id": pid, "name": "WeCare", "buyer": "Otto Group", "factories": [factory],
            "starts_on": "2026-01-01"})
        assert r.status_code == 201, r.text
        body = {"programme_id": pid, "factory_id": factory,
                "activities": [{"activity": a} for a in ["family_day", *activities]],
                "milestones": milestones or [{"name": "Kick-off", "due": "2026-01-20"}], "kpis": [KPI]}
        r = await self.planning.post(f"/{country}/plans", json=body)
        assert r.status_code == 201, r.text
        plan_id = Plan.plan_id(pid, factory)
        r = await self.planning.post(f"/{country}/plans/{plan_id}/approve",
                                     json={"approved_by": "GM", "approved_on": "2026-01-10"})
        assert r.status_code == 200, r.text
        await self.settled()
        return plan_id


@pytest.fixture
async def stack(nats_server, tmp_path) -> AsyncIterator[Stack]:
    async with AsyncExitStack() as es:
        s = await serve_services(es, ["assessment", "planning", "delivery"], nats_server.url, str(tmp_path))
        yield Stack(s["assessment"][1], s["planning"][1], s["delivery"][1], s["delivery"][0])


def managers(*ids: str) -> list[dict[str, str]]:
    return [{"id": i, "role": "manager", "sex": "female" if n % 2 else "male", "age_band": "35_44"}
            for n, i in enumerate(ids)]


def session(sid: str, activity: str, *, at: str = "2026-03-02T14:00", trainers: list[str] | None = None,
            capacity: int = 60, expected: int = 20, **kw: Any) -> dict[str, Any]:
    return {"session_id": sid, "activity": activity, "local_start": at, "venue": "Factory training room",
            "trainers": trainers or ["wecare:lina"], "capacity": capacity, "expected_participants": expected, **kw}


def attendance(at: str = "2026-03-02T16:00", counts: list | None = None, participants: list | None = None,
               **kw: Any) -> dict[str, Any]:
    return {"delivered_at": at, "counts": counts or [], "participants": participants or [], **kw}
