"""The buyers' webhook handlers, when a command / then the tables: the
endpoint rules (url, types), the backfill, rotation and disabling, and who
manages a buyer's integration (Principal.check_buyer), with no nats-server,
no PostgreSQL and no HTTP. The buyers service keeps no aggregates: its
commands change tables and append no events (checked too)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from services.buyers.commands import DisableWebhook, RegisterWebhook, RotateWebhookSecret
from services.buyers.handlers import Webhooks, handlers
from services.buyers.projections import feed
from services.buyers.projections import metadata as feed_metadata
from services.buyers.webhooks import deliveries, endpoints, secrets_
from services.buyers.webhooks import metadata as webhook_metadata
from shared.access import Principal
from shared.aggregate import DomainError, NotFound
from shared.contracts.envelope import utcnow
from shared.settings import Settings
from tests.given import Scenario, admin, ctx, team

pytestmark = pytest.mark.unit

OTTO, HASBRO = "Otto Group", "Hasbro"
ASSESSED, SESSION = "org.wecare.assessment.completed.v1", "org.wecare.session.delivered.v1"


def buyer(name: str = OTTO) -> Principal:
    return Principal(subject=f"{name} compliance", role="buyer", buyer=name)


def pm(*countries: str) -> Principal:
    return Principal(subject="pm-user", role="programme_manager", countries=tuple(countries) or None)


AUDITOR = Principal(subject="auditor-user", role="auditor")


@pytest.fixture
async def app(tmp_path) -> Any:
    woken: list[int] = []
    hooks = Webhooks(Settings(service="buyers", webhook_secret_grace_s=600,
                              data_dir=str(tmp_path)),
                     wake=lambda: woken.append(1))
    s = await Scenario.start(tmp_path, "buyers", handlers(hooks), feed_metadata, webhook_metadata)
    s.hooks, s.woken = hooks, woken  # type: ignore[attr-defined]
    rows = [{"buyer": b, "ce_id": f"ce-{i}", "type": t, "country": "bd", "factory_id": f"F{i}", "programme_id": "p",
             "record": "{}"} for i, (b, t) in enumerate([(OTTO, ASSESSED), (OTTO, SESSION), (HASBRO, ASSESSED),
                                                          (OTTO, ASSESSED)])]
    await s.given_rows(feed, *rows)
    yield s
    await s.close()


def register(**kw: Any) -> RegisterWebhook:
    return RegisterWebhook(**{"buyer": OTTO, "url": "https://example.org/hook", **kw})


async def count(app: Scenario, table: Any) -> int:
    async with app.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)))


async def nothing_stored(app: Scenario) -> bool:
    return (await count(app, endpoints), await count(app, secrets_), await count(app, deliveries)) == (0, 0, 0)


# -- register -------------------------------------------------------------------------------


async def test_a_buyer_registers_its_endpoint_and_sees_its_secret_once(app: Scenario) -> None:
    out = await app.when(register(types=[SESSION, ASSESSED, SESSION], description="ESG"), ctx(buyer()))
    assert out["endpoint_id"].startswith("ep_") and out["secret"].startswith("whsec_")
    assert (out["buyer"], out["url"], out["types"], out["active"], out["queued"]) == (
        OTTO, "https://example.org/hook", sorted({SESSION, ASSESSED}), True, 0)
    assert out["created_by"] == f"{OTTO} compliance"
    async with app.db.read() as conn:
        (row,) = (await conn.execute(select(endpoints))).all()
        (sec,) = (await conn.execute(select(secrets_))).all()
    assert row.buyer == OTTO and orjson.loads(row.types) == sorted({SESSION, ASSESSED})
    assert app.hooks.box.open(sec.secret) == out["secret"] and sec.expires_at is None  # sealed at rest
    assert out["secret"] not in sec.secret
    assert await app.then() == []  # tables, not events
    assert app.woken == [1]  # type: ignore[attr-defined]


async def test_from_the_beginning_queues_the_buyers_records_of_the_wanted_types_in_order(app: Scenario) -> None:
    out = await app.when(register(start="beginning", types=[ASSESSED]), ctx(buyer()))
    assert out["queued"] == 2
    async with app.db.read() as conn:
        rows = (await conn.execute(select(deliveries).order_by(deliveries.c.position))).all()
    assert [(r.ordering_key, r.status, r.attempts) for r in rows] == [("bd/F0", "pending", 0),
                                                                      ("bd/F3", "pending", 0)]
    everything = await app.when(register(start="beginning"), ctx(buyer()))
    assert everything["queued"] == 3  # all of Otto's, none of Hasbro's


BAD = [
    ("not https", {"url": "ftp://example.org/hook"}, "url", "webhook_url"),
    ("plain http in a deployment", {"url": "http://example.org/hook"}, "url", "webhook_url"),
    ("no host", {"url": "https:///hook-only"}, "url", "webhook_url"),
    ("credentials in the url", {"url": "https://user:pw@example.org/hook"}, "url", "webhook_url"),
    ("unknown type", {"types": ["org.wecare.nope.v1", ASSESSED]}, "types", "known_type"),
]


@pytest.mark.parametrize(("why", "body", "field", "rule"), BAD, ids=[b[0] for b in BAD])
async def test_a_bad_endpoint_is_refused_naming_the_field_and_nothing_is_stored(
        app: Scenario, why: str, body: dict, field: str, rule: str) -> None:
    with pytest.raises(DomainError) as e:
        await app.when(register(**body), ctx(buyer()))
    assert (e.value.field, e.value.rule) == (field, rule), why
    assert await nothing_stored(app)


async def test_plain_http_is_allowed_to_an_allow_listed_host_as_soon_as_the_setting_says_so(app: Scenario) -> None:
    with pytest.raises(DomainError):
        await app.when(register(url="http://127.0.0.1:9/hook"), ctx(buyer()))
    app.hooks.settings.webhook_allow_hosts = ("127.0.0.1:9",)  # type: ignore[attr-defined]
    out = await app.when(register(url="http://127.0.0.1:9/hook"), ctx(buyer()))
    assert out["url"] == "http://127.0.0.1:9/hook"


async def test_a_buyer_registers_up_to_its_cap_of_active_endpoints_and_a_disabled_one_does_not_count(
        app: Scenario) -> None:
    """Each endpoint is a worker and up to webhook_concurrency connections:
    one buyer registering endpoints without end held as many (20 endpoints at
    a receiver that hangs: 100 requests open, 51 tasks)."""
    app.hooks.settings.webhook_endpoints_per_buyer = 2  # type: ignore[attr-defined]
    first = await app.when(register(start="beginning"), ctx(buyer()))
    await app.when(register(url="https://example.org/other"), ctx(buyer()))
    stored = [await count(app, t) for t in (endpoints, secrets_, deliveries)]
    with pytest.raises(DomainError) as e:
        await app.when(register(start="beginning"), ctx(admin()))  # whoever asks
    assert (e.value.field, e.value.rule) == ("url", "webhook_endpoints_per_buyer")
    assert "at most 2 active webhook endpoints" in e.value.message
    assert [await count(app, t) for t in (endpoints, secrets_, deliveries)] == stored  # nothing stored
    await app.when(register(buyer=HASBRO), ctx(buyer(HASBRO)))  # another buyer's count is its own
    await app.when(DisableWebhook(buyer=OTTO, endpoint_id=first["endpoint_id"]), ctx(buyer()))
    await app.when(register(), ctx(buyer()))  # the disabled one makes room
    with pytest.raises(DomainError):
        await app.when(register(), ctx(buyer()))


def test_the_command_is_the_whole_input() -> None:
    with pytest.raises(ValueError):
        RegisterWebhook(buyer=OTTO, url="https://example.org/hook", secret="mine")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        RegisterWebhook(buyer=OTTO, url="https://example.org/hook", start="yesterday")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RotateWebhookSecret(buyer=OTTO, endpoint_id="ep_1", grace_s=-1)


# -- who manages a buyer's integration ----------------------------------------------------------


@pytest.mark.parametrize("who", [buyer(), admin(), pm()], ids=["the buyer", "admin", "pm of every country"])
async def test_those_who_manage_the_buyers_integration_register(app: Scenario, who: Principal) -> None:
    out = await app.when(register(), ctx(who))
    assert out["buyer"] == OTTO and await count(app, endpoints) == 1


OUTSIDERS = [
    ("another buyer", buyer(HASBRO)),
    ("a country team", team("bd")),
    ("a country team of every country it may have", team("bd", "vn", "cn", "tr")),
    ("a programme manager of some countries", pm("bd")),
    ("a service's reaction", Principal.reaction("some_policy", "bd")),
]


@pytest.mark.parametrize(("why", "who"), OUTSIDERS, ids=[o[0] for o in OUTSIDERS])
async def test_anyone_else_finds_no_such_buyer_and_nothing_is_stored(app: Scenario, why: str, who: Principal
                                                                      ) -> None:
    with pytest.raises(NotFound) as e:
        await app.when(register(), ctx(who))
    assert str(e.value) == str(NotFound("buyer", OTTO)), why
    assert await nothing_stored(app)


async def test_an_auditor_reads_only(app: Scenario) -> None:
    with pytest.raises(PermissionError):
        await app.when(register(), ctx(AUDITOR))
    assert await nothing_stored(app)


async def test_outsiders_find_no_buyer_on_rotation_and_disabling_either(app: Scenario) -> None:
    eid = (await app.when(register(), ctx(buyer())))["endpoint_id"]
    for _, who in OUTSIDERS:
        for cmd in (RotateWebhookSecret(buyer=OTTO, endpoint_id=eid), DisableWebhook(buyer=OTTO, endpoint_id=eid)):
            with pytest.raises(NotFound) as e:
                await app.when(cmd, ctx(who, expected_version=7))  # a stale version changes nothing: still 404
            assert str(e.value) == str(NotFound("buyer", OTTO))
    async with app.db.read() as conn:
        assert (await conn.execute(select(endpoints.c.active))).scalar_one() is True
    assert await count(app, secrets_) == 1


async def test_another_buyers_endpoint_under_your_path_is_as_unknown_as_a_missing_one(app: Scenario) -> None:
    theirs = (await app.when(register(buyer=HASBRO), ctx(buyer(HASBRO))))["endpoint_id"]
    for cmd, missing in ((RotateWebhookSecret(buyer=OTTO, endpoint_id=theirs),
                          RotateWebhookSecret(buyer=OTTO, endpoint_id="ep_nope")),
                         (DisableWebhook(buyer=OTTO, endpoint_id=theirs),
                          DisableWebhook(buyer=OTTO, endpoint_id="ep_nope"))):
        with pytest.raises(NotFound) as e1:
            await app.when(cmd, ctx(buyer()))
        with pytest.raises(NotFound) as e2:
            await app.when(missing, ctx(buyer()))
        assert str(e1.value).replace(theirs, "ID") == str(e2.value).replace("ep_nope", "ID")
    async with app.db.read() as conn:
        assert (await conn.execute(select(endpoints.c.active))).scalar_one() is True
    assert await count(app, secrets_) == 1


# -- rotate, disable --------------------------------------------------------------------------------


async def test_a_rotation_keeps_the_old_secret_signing_for_the_grace_period(app: Scenario) -> None:
    first = await app.when(register(), ctx(buyer()))
    before = utcnow()
    out = await app.when(RotateWebhookSecret(buyer=OTTO, endpoint_id=first["endpoint_id"], grace_s=60), ctx(buyer()))
    assert out["secret"] != first["secret"] and out["endpoint_id"] == first["endpoint_id"]
    assert before + timedelta(seconds=59) <= out["previous_valid_until"] <= utcnow() + timedelta(seconds=61)
    async with app.db.read() as conn:
        rows = {app.hooks.box.open(r.secret): r.expires_at for r in await conn.execute(select(secrets_))}
    assert rows[out["secret"]] is None and rows[first["secret"]] == out["previous_valid_until"]
    default = await app.when(RotateWebhookSecret(buyer=OTTO, endpoint_id=first["endpoint_id"]), ctx(admin()))
    assert default["previous_valid_until"] >= before + timedelta(seconds=599)  # the service's setting


async def test_disabling_stops_deliveries_and_keeps_the_log(app: Scenario) -> None:
    eid = (await app.when(register(start="beginning"), ctx(buyer())))["endpoint_id"]
    assert await app.when(DisableWebhook(buyer=OTTO, endpoint_id=eid), ctx(pm())) == {"endpoint_id": eid,
                                                                                    "active": False}
    async with app.db.read() as conn:
        assert (await conn.execute(select(endpoints.c.active))).scalar_one() is False
    assert await count(app, deliveries) == 3


# -- idempotency keys (review: a retried registration made a second endpoint) ---------------


async def test_a_registration_retried_under_its_key_answers_with_the_endpoint_it_made(app: Scenario) -> None:
    from shared.application import IdempotencyKeyReused

    first = await app.when(register(start="beginning"), ctx(buyer(), idempotency_key="reg-1"))
    again = await app.when(register(start="beginning"), ctx(buyer(), idempotency_key="reg-1"))
    assert again["replayed"] is True and first["replayed"] is False
    assert (again["endpoint_id"], again["secret"]) == (first["endpoint_id"], first["secret"])
    assert (await count(app, endpoints), await count(app, deliveries)) == (1, first["queued"])
    with pytest.raises(IdempotencyKeyReused):  # the same key, another request
        await app.when(register(url="https://example.org/other"), ctx(buyer(), idempotency_key="reg-1"))
    # another buyer's same key is its own
    other = await app.when(register(buyer=HASBRO), ctx(buyer(HASBRO), idempotency_key="reg-1"))
    assert other["replayed"] is False and await count(app, endpoints) == 2


async def test_a_rotation_retried_under_its_key_rotates_once(app: Scenario) -> None:
    eid = (await app.when(register(), ctx(buyer())))["endpoint_id"]
    first = await app.when(RotateWebhookSecret(buyer=OTTO, endpoint_id=eid), ctx(buyer(), idempotency_key="rot"))
    again = await app.when(RotateWebhookSecret(buyer=OTTO, endpoint_id=eid), ctx(buyer(), idempotency_key="rot"))
    assert again["secret"] == first["secret"] and await count(app, secrets_) == 2
