"""Evaluation end to end on real NATS: from a completed assessment to an
impact report, with the sustainability plan, the closing, and the journey
across the four services."""

from __future__ import annotations

import nats

from tests.evaluation.conftest import Stack, endline


async def test_from_a_completed_assessment_to_an_impact_report(stack: Stack, nats_server):
    plan_id = await stack.cycle("bd", "F1")
    e = stack.evaluation
    plan = (await stack.planning.get(f"/bd/plans/{plan_id}")).json()
    kpis = {k["indicator"]: round(k["target"] - 0.01, 4) for k in plan["content"]["kpis"]}  # every target beaten
    assert kpis, "the suggested plan has KPIs from the assessment"

    nc = await nats.connect(nats_server.url)
    sub = await nc.jetstream().subscribe("wecare.bd.evaluation.>", ordered_consumer=True)

    r = await e.post(f"/bd/evaluations/{plan_id}/endline", json=endline(kpis=kpis))
    assert r.status_code == 200, r.text
    r = await e.post(f"/bd/evaluations/{plan_id}/evaluate")
    assert r.status_code == 200, r.text
    r = await e.post(f"/bd/evaluations/{plan_id}/sustainability", json={
        "workshop_on": "2026-10-20", "participants": 14, "practices": [
            {"practice": "Child friendly space every summer", "owner": "HR manager", "due": "2027-07-01"},
            {"practice": "Parenting sessions by the factory's trainers", "owner": "Trainer team",
             "due": "2027-06-01"}]})
    assert r.status_code == 200, r.text
    r = await e.post(f"/bd/evaluations/{plan_id}/close", json={"closed_on": "2026-10-28"})
    assert r.status_code == 200, r.text
    r = await e.post(f"/bd/evaluations/{plan_id}/follow-ups", json={
        "practice": "Child friendly space every summer", "checked_on": "2026-11-15", "status": "continued"})
    assert r.status_code == 200, r.text
    await stack.settled()
    published = []
    while len(published) < 5:
        m = await sub.next_msg(timeout=10)
        published.append(m.subject.rsplit(".", 1)[1])
    await nc.close()
    assert published == ["endline_recorded", "impact_evaluated", "sustainability_plan_agreed", "programme_closed",
                         "follow_up_recorded"]

    impact = (await e.get("/bd/impact/factories/F1")).json()
    f = impact["factories"][0]
    assert f["evaluated"] and f["kpis_met"] == len(kpis) and f["closed_on"] == "2026-10-28"
    comp = {c["metric"]: c for c in f["comparisons"]}
    # the baseline of maternity return comes from the assessment: 32 of 40 women came back
    assert comp["maternity_return_rate"]["baseline"] == 80.0 and comp["maternity_return_rate"]["improved"] is True
    assert comp["retention_rate"]["baseline_source"] == "factory records" and comp["retention_rate"]["change"] == 9.5
    assert comp["turnover_rate"]["improved"] is True  # lower is better
    figs = {x["key"]: x for x in impact["figures"]}
    assert figs["delivery.sessions"]["value"] == 2 and figs["delivery.attendances"]["value"] == 61
    assert figs["delivery.by_role.manager"]["suppressed"] is True  # 4 managers: fewer than 5 people
    assert figs["delivery.share_female"]["value"] == round(41 / 61, 4)
    assert all(x["sources"] for x in impact["figures"])  # every figure names its events
    # the KPIs are named in the caller's language beside their codes (the names the reports use)
    names = {k["indicator"]: k["name"] for k in f["kpis"]}
    assert names.get("share_high_stress", "Workers highly stressed by work and family") == \
        "Workers highly stressed by work and family" and all(names.values())
    tr = await e.get("/bd/impact/factories/F1", headers={"Accept-Language": "tr"})
    assert tr.headers["content-language"] == "tr" and "Accept-Language" in tr.headers["vary"]
    tr_names = {k["indicator"]: k["name"] for k in tr.json()["factories"][0]["kpis"]}
    assert tr_names.keys() == names.keys() and all(tr_names[k] != names[k] for k in names)
    if "share_separated_parents_feel_guilty" in tr_names:
        assert tr_names["share_separated_parents_feel_guilty"] == \
            "Çocuklarından ayrı yaşayıp suçluluk duyan ebeveynler"

    steps = [s["step"] for s in (await e.get("/bd/journey/F1")).json()["steps"]]
    en, vi = [(await e.get("/bd/journey/F1", headers={"Accept-Language": lang})).json()["steps"]
              for lang in ("en", "vi")]
    assert [s["step"] for s in vi] == steps and all(a["summary"] != b["summary"] for a, b in zip(en, vi, strict=True))
    assert steps[:3] == ["registered", "assessed", "planned"]
    assert steps.index("kick-off") < steps.index("delivery") < steps.index("evaluated") < steps.index("closed")

    report = (await e.get("/bd/reports/factories/F1.json")).json()
    assert report["factories"][0]["kpis_met"] == len(kpis)
    csv_text = (await e.get("/bd/reports/factories/F1.csv")).text
    assert "impact.retention_rate.endline" in csv_text and "88.5" in csv_text
    html = (await e.get("/bd/reports/factories/F1.html")).text
    assert 'id="chart-impact"' in html and "88.5%" in html and "Child friendly space every summer" in html
    portfolio = (await e.get("/buyers/Otto Group/impact")).json()
    assert [x["factory_id"] for x in portfolio["factories"]] == ["F1"]
    assert (await e.get("/buyers/Nobody/impact")).status_code == 404
