"""Impact pooled over many factories at once (the seeds quote 62), with the
suppression of figures over fewer than 5 people."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson

from services.evaluation.impact import portfolio


def _factory(i: int, *, respondents: int = 20) -> dict:
    plan = {"plan_id": f"p.F{i}", "factory_id": f"F{i}", "programme_id": "p", "country": "cn", "event_id": f"pa{i}",
            "kpis": "[]"}
    result = {"plan_id": plan["plan_id"], "impact_event_id": f"ie{i}", "respondents": respondents,
              "endline_on": date(2027, 1, 1), "closed_on": None, "practices": None, "follow_ups": None,
              "kpis": orjson.dumps([{"indicator": "k", "baseline": 0.4, "target": 0.2, "endline": 0.2 + i % 2 * 0.1,
                                     "achievement": 1.0 if i % 2 == 0 else 0.5, "achieved": i % 2 == 0}]).decode(),
              "comparisons": orjson.dumps([{"metric": "retention_rate", "baseline": 70.0 + i % 10,
                                            "baseline_source": "factory records", "endline": 80.0 + i % 10,
                                            "change": 10.0, "improved": True}]).decode()}
    baseline = {"factory_id": plan["factory_id"], "event_id": f"ac{i}", "completed_on": date(2026, 1, 1)}
    session = {"plan_id": plan["plan_id"], "session_id": "s1", "event_id": f"sd{i}", "total": 10, "female": 7,
               "reached": 10, "reached_female": 7, "by_role": orjson.dumps({"parent_worker": 9, "manager": 1}).decode(),
               "by_age_band": orjson.dumps({"25_34": 10}).decode(), "delivered_at": datetime(2026, 5, 1, tzinfo=UTC)}
    return {"plan": plan, "result": result, "baseline": baseline, "session": session}


def test_sixty_two_factories_pooled():
    rows = [_factory(i) for i in range(62)]
    data = {"plans": [r["plan"] for r in rows], "results": [r["result"] for r in rows],
            "baselines": [r["baseline"] for r in rows], "sessions": [r["session"] for r in rows], "factories": []}
    out = portfolio(data)
    figs = {f["key"]: f for f in out["figures"]}
    assert figs["factories"]["value"] == 62 and figs["factories.evaluated"]["value"] == 62
    expected_endline = round(sum(80.0 + i % 10 for i in range(62)) / 62, 2)
    assert figs["impact.retention_rate.endline"]["value"] == expected_endline
    assert figs["kpis.met"]["value"] == 31 and figs["kpis.measured"]["value"] == 62
    assert figs["delivery.attendances"]["value"] == 620
    # one manager and three men per session: hidden in each session (with the complement that would give them by
    # subtraction), so in no pool either: 62 managers pooled from 62 hidden cells would give each one back by
    # difference with a pool of 61
    f0 = {f["key"]: f for f in out["factories"][0]["figures"]}
    for key in ("delivery.by_role.manager", "delivery.by_role.parent_worker", "delivery.by_sex.male",
                "delivery.by_sex.female", "delivery.share_female"):
        assert figs[key]["suppressed"] is True and figs[key]["value"] is None, key
        assert f0[key]["suppressed"] is True and f0[key]["value"] is None, key
    assert f0["delivery.by_role.manager"]["sources"] == ["sd0"]
    assert figs["delivery.by_age_band.25_34"]["value"] == 620  # a split with no small cell is released
    assert len(figs["impact.retention_rate.endline"]["sources"]) == 62
