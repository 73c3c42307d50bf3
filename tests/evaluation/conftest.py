"""The four services on the real NATS server, and a whole cycle for a factory
up to delivery, made through their public APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest

from services.planning.domain.plan import Plan
from shared.service import Service
from tests.assessment import builders as b
from tests.conftest import eventually
from tests.harness import no_lag, serve_services


@dataclass
class Stack:
    assessment: httpx.AsyncClient
    planning: httpx.AsyncClient
    delivery: httpx.AsyncClient
    evaluation: httpx.AsyncClient
    evaluation_service: Service

    async def settled(self) -> None:
        async def all_() -> bool:
            return all([await no_lag(c) for c in (self.assessment, self.planning, self.delivery, self.evaluation)])
        await eventually(all_, timeout=30)

    async def factory(self, country: str, fid: str) -> None:
        r = await self.assessment.post(f"/{country}/factories", json=b.factory(fid))
        assert r.status_code == 201, r.text

    async def cycle(self, country: str, fid: str, *, buyer: str = "Otto Group", programme: str = "otto",
                    counts: list[list[dict]] | None = None) -> str:
        """Assessed, planned (the suggested plan), approved, kicked off, two sessions delivered (or one per
        item of `counts`, each with those attendance counts)."""
        a, p, d = self.assessment, self.planning, self.delivery
        await self.factory(country, fid)
        aid = f"a-{fid}"
        assert (await a.post(f"/{country}/assessments", json={"assessment_id": aid, "factory_id": fid,
                                                               "scheduled_date": "2026-02-01",
                                                               "assessors": ["Lina"]})).status_code == 201
        for path, body in (("policies", b.policies()), ("demographics", b.demographics()),
                           ("management", b.findings())):
            assert (await a.put(f"/{country}/assessments/{aid}/{path}", json=body)).status_code == 200
        r = await a.post(f"/{country}/assessments/{aid}/survey-responses/batch",
                         json={"responses": [b.response(i) for i in range(10)]})
        assert r.status_code == 201, r.text
        assert (await a.post(f"/{country}/assessments/{aid}/complete",
                             json={"completed_on": "2026-02-05"})).status_code == 200
        await self.settled()
        pid = f"{programme}-{fid}"
        r = await p.post(f"/{country}/programmes", json={"programme_id": pid, "name": "WeCare", "buyer": buyer,
                                                         "factories": [fid], "starts_on": "2026-03-01"})
        assert r.status_code == 201 and r.json()["plans_suggested"] == 1, r.text
        plan_id = Plan.plan_id(pid, fid)
        assert (await p.post(f"/{country}/plans/{plan_id}/approve", json={
            "approved_by": "GM", "approved_on": "2026-03-10"})).status_code == 200
        assert (await p.post(f"/{country}/plans/{plan_id}/kick-off", json={
            "held_on": "2026-03-20", "participants": 30, "facilitators": ["Lina"]})).status_code == 200
        await self.settled()
        wp = (await d.get(f"/{country}/deliveries/{plan_id}")).json()
        act = next(x["activity"] for x in wp["activities"] if x["activity"] != "family_day")
        counts = counts or [[{"role": "parent_worker", "sex": "female", "age_band": "25_34", "count": 20 + i},
                             {"role": "worker", "sex": "male", "age_band": "18_24", "count": 8},
                             {"role": "manager", "sex": "male", "age_band": "35_44", "count": 2}] for i in range(2)]
        sessions = [{"session_id": f"s{i}", "activity": act, "local_start": f"2026-04-0{i + 1}T09:00",
                     "trainers": ["wecare:lina"], "capacity": 80, "expected_participants": 40,
                     "attendance": {"delivered_at": f"2026-04-0{i + 1}T12:00", "counts": c}}
                    for i, c in enumerate(counts)]
        r = await d.post(f"/{country}/deliveries/{plan_id}/batch", json={"sessions": sessions})
        assert r.status_code == 200, r.text
        await self.settled()
        return plan_id


@pytest.fixture
async def stack(nats_server, tmp_path) -> AsyncIterator[Stack]:
    async with AsyncExitStack() as es:
        clients = await serve_services(es, ["assessment", "planning", "delivery", "evaluation"], nats_server.url,
                                       str(tmp_path))
        yield Stack(clients["assessment"][1], clients["planning"][1], clients["delivery"][1],
                    clients["evaluation"][1], clients["evaluation"][0])


def endline(**kw) -> dict:  # noqa: ANN003
    body = {"measured_on": "2026-10-10", "respondents": 12, "retention_rate": 88.5, "turnover_rate": 14.0,
            "absenteeism_rate": 3.1, "maternity_return_rate": 92.0, "maternity_leave": 100, "worker_satisfaction": 81.0,
            "parenting_confidence": 3.9, "recruitment_cost_per_hire": 95.0,
            "baseline_records": {"retention_rate": 79.0, "turnover_rate": 24.0, "absenteeism_rate": 4.5,
                                 "recruitment_cost_per_hire": 140.0}}
    body.update(kw)
    return body
