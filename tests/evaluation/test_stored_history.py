"""Stored history stays readable: an endline or a plan stored before inputs
were bounded, holding NaN or Infinity (which JSON stored as null), is read
with the value refused and named, and the plan can be evaluated again. The
rows are inserted as the code before the bounded vocabulary wrote them (its
orjson turned NaN and Infinity into null)."""

from __future__ import annotations

import uuid
from datetime import date

import orjson
import pytest
from sqlalchemy import insert

from services.evaluation.commands import EvaluateImpact
from shared.contracts.envelope import utcnow
from shared.contracts.evaluation import EndlineRecorded, ImpactEvaluated
from shared.contracts.planning import PlanApproved
from shared.contracts.registry import registry
from shared.store.schema import events
from tests.evaluation.test_evaluation_handlers import BD, app  # noqa: F401 - the fixture
from tests.given import Scenario, ctx

pytestmark = pytest.mark.unit

# EndlineRecorded as the code before the bounded vocabulary stored it for a KPI of NaN and a rate of Infinity
V1_ENDLINE = {"plan_id": "otto.F1", "factory_id": "F1", "measured_on": "2027-02-10", "respondents": 12,
              "metrics": {"retention_rate": None, "turnover_rate": 14.0},
              "kpi_values": {"share_parents_reached": None}, "baseline_records": {"retention_rate": 79.0}}


async def _store_v1(scenario: Scenario, stream_id: str, version: int, event_type: str, payload: dict) -> None:
    async with scenario.db.write(appending=True) as conn:
        await conn.execute(insert(events).values(
            event_id=uuid.uuid4(), stream_id=stream_id, stream_version=version, event_type=event_type,
            schema_version=1, country="bd", occurred_at=utcnow(), recorded_at=utcnow(), correlation_id="c",
            causation_id=None, actor="team-user", payload=orjson.dumps(payload).decode()))


async def test_a_stored_nan_is_read_as_a_refused_measurement_and_the_plan_is_evaluated(app: Scenario):  # noqa: F811
    await _store_v1(app, "evaluation-otto.F1", 1, "EndlineRecorded", V1_ENDLINE)
    [env] = await app.store.load("evaluation-otto.F1")
    e = env.event()
    assert isinstance(e, EndlineRecorded) and env.schema_version == 1  # the stored event is as it was written
    assert e.metrics == {"turnover_rate": 14.0} and e.kpi_values == {}
    assert e.refused == {"metrics.retention_rate": "not a finite number (NaN or Infinity, stored as null)",
                         "kpi_values.share_parents_reached": "not a finite number (NaN or Infinity, stored as null)"}

    await app.when(EvaluateImpact(plan_id="otto.F1"), ctx(BD, expected_version=1))
    [impact] = await app.then()
    assert isinstance(impact, ImpactEvaluated)
    comp = {c.metric: c for c in impact.comparisons}
    assert "retention_rate" not in comp and comp["turnover_rate"].endline == 14.0
    [kpi] = impact.kpis
    assert kpi.indicator == "share_parents_reached" and kpi.endline is None and kpi.achieved is None


def test_a_plan_whose_kpi_target_was_nan_reads_without_that_kpi():
    content = {"activities": [], "milestones": [], "credits_used": 4, "catalogue_version": 1,
               "kpis": [{"indicator": "retention_rate", "baseline": 0.8, "target": None, "source": "assessment"},
                        {"indicator": "share_parents_reached", "baseline": 0.1, "target": 0.5,
                         "source": "assessment"}]}
    payload = {"plan_id": "otto.F1", "programme_id": "otto", "factory_id": "F1", "revision": 1, "content": content,
               "approved_by": "GM", "approved_on": "2026-03-10"}
    e = registry.decode("planning", "PlanApproved", 1, payload)
    assert isinstance(e, PlanApproved) and e.approved_on == date(2026, 3, 10)
    assert [k.indicator for k in e.content.kpis] == ["share_parents_reached"]
    assert e.content.refused == {"kpis.retention_rate.target": "not a finite number (NaN or Infinity, stored as null)"}


def test_a_target_a_hair_from_its_baseline_evaluates_without_a_share():
    """Accepted amounts (baseline 0, target 1e-300, endline 1e12) made the share
    of the way infinite, and every evaluation of the plan failed."""
    from services.evaluation.domain.evaluation import kpi_results

    [r] = kpi_results([{"indicator": "k", "baseline": 0.0, "target": 1e-300}], {"k": 1e12})
    assert r.endline == 1e12 and r.achievement is None and r.achieved is None
    [r] = kpi_results([{"indicator": "k", "baseline": 0.1, "target": 0.5}], {"k": 0.55})
    assert r.achievement == 1.125 and r.achieved is True
