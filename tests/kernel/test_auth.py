"""Access: bearer JWTs verified against the key set, roles and scopes.

No route but /health, /ready and the documents answers without a valid
token; out of scope, a collection answers 403 and a resource 404 (whether
it exists does not leak); read-only roles cannot write; operations are for
admins; the actor on every event is the token's subject."""

from __future__ import annotations

import subprocess
import sys
import time

import jwt
import pytest

from services.assessment.service import create_service as assessment_service
from services.evaluation.service import create_service as evaluation_service
from shared.auth import ALGORITHM, KID, local_keys
from tests.assessment import builders as b
from tests.conftest import eventually
from tests.harness import auth, no_lag, serving, settings_for, signing_keys


@pytest.fixture
async def assessment(nats_server, tmp_path):
    async with serving(assessment_service(settings_for("assessment", nats_server.url, str(tmp_path)))) as (svc, c):
        assert (await c.post("/bd/factories", json=b.factory("F1"))).status_code == 201
        assert (await c.post("/vn/factories", json=b.factory("V1"))).status_code == 201
        await eventually(lambda: no_lag(c))
        yield svc, c


async def test_no_token_no_answer_but_health_ready_and_documents(assessment):
    svc, c = assessment
    bare = {"Authorization": ""}
    for path in ("/health", "/ready", "/docs", "/openapi.json", "/asyncapi.json"):
        assert (await c.get(path, headers=bare)).status_code == 200, path
    for method, path in (("GET", "/bd/factories"), ("GET", "/bd/factories/F1"), ("POST", "/bd/factories"),
                         ("GET", "/ops/status")):
        r = await c.request(method, path, headers=bare, json=b.factory("F2") if method == "POST" else None)
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer"), path
        assert r.json()["error"] == "http_error" and "token" in r.json()["message"]


async def test_tokens_that_are_not_valid(assessment, tmp_path):
    _, c = assessment
    other_private, _ = local_keys(tmp_path / "other-keys")  # signed with a key the service does not know
    now = int(time.time())
    claims = {"sub": "x", "role": "admin", "iss": "wecare", "aud": "wecare", "iat": now, "exp": now + 60}
    private = signing_keys()[0].read_bytes()
    for token in (
        jwt.encode(claims, other_private.read_bytes(), algorithm=ALGORITHM, headers={"kid": KID}),
        jwt.encode({**claims, "exp": now - 10}, private, algorithm=ALGORITHM, headers={"kid": KID}),
        jwt.encode({**claims, "aud": "someone-else"}, private, algorithm=ALGORITHM, headers={"kid": KID}),
        jwt.encode({**claims, "role": "superuser"}, private, algorithm=ALGORITHM, headers={"kid": KID}),
        jwt.encode(claims, "a-shared-secret-that-is-long-enough-for-hs256!", algorithm="HS256",
                   headers={"kid": KID}),
        "not-a-token",
    ):
        r = await c.get("/bd/factories", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token


async def test_a_country_team_sees_its_countries_only(assessment):
    svc, c = assessment
    bd = auth("country_team", countries=["bd"], subject="team-bd")
    assert (await c.get("/bd/factories", headers=bd)).json()["total"] == 1
    assert (await c.get("/vn/factories", headers=bd)).status_code == 403  # a collection
    r = await c.get("/vn/factories/V1", headers=bd)  # a resource that exists: not found, as if it did not
    missing = await c.get("/vn/factories/NOPE", headers=auth())
    assert r.status_code == 404 and r.json()["message"] == "factory V1 not found"
    assert missing.status_code == 404
    assert (await c.patch("/vn/factories/V1", json={"headcount": 1}, headers=bd)).status_code == 404
    assert (await c.post("/vn/factories", json=b.factory("V2"), headers=bd)).status_code == 403
    assert (await c.get("/ops/status", headers=bd)).status_code == 403
    r = await c.post("/bd/factories", json=b.factory("F2"), headers=bd)
    assert r.status_code == 201
    [env] = await svc.store.load("factory-F2")
    assert env.actor == "team-bd"  # the actor on the event is the token's subject


async def test_read_only_roles_and_operations(assessment):
    _, c = assessment
    auditor = auth("auditor", subject="auditor-1")
    assert (await c.get("/vn/factories", headers=auditor)).status_code == 200
    assert (await c.get("/ops/status", headers=auditor)).status_code == 200
    assert (await c.post("/bd/factories", json=b.factory("F3"), headers=auditor)).status_code == 403
    assert (await c.post("/ops/projections/factories/rebuild", headers=auditor)).status_code == 403
    manager = auth("programme_manager", subject="pm")
    assert (await c.get("/vn/factories", headers=manager)).status_code == 200
    assert (await c.get("/ops/status", headers=manager)).status_code == 403
    buyer = auth("buyer", buyer="Otto Group", subject="otto")
    assert (await c.get("/bd/factories", headers=buyer)).status_code == 403  # buyers read their portfolio only
    assert (await c.post("/bd/factories", json=b.factory("F4"), headers=buyer)).status_code == 403


async def test_a_buyer_reads_its_own_portfolio_only(nats_server, tmp_path):
    async with serving(evaluation_service(settings_for("evaluation", nats_server.url, str(tmp_path)))) as (_, c):
        otto = auth("buyer", buyer="Otto Group")
        assert (await c.get("/buyers/Otto Group/impact", headers=otto)).status_code == 404  # nothing yet: its own
        r = await c.get("/buyers/Hasbro/impact", headers=otto)
        assert r.status_code == 404 and r.json()["message"] == "programmes of buyer Hasbro not found"
        team = auth("country_team", countries=["bd"])  # reads the part in its countries: none here yet
        assert (await c.get("/buyers/Otto Group/impact", headers=team)).status_code == 404


def test_wecare_token_issues_what_the_stack_accepts(tmp_path):
    from shared.auth import Verifier

    run = [sys.executable, "-m", "wecare.cli", "token", "--data-dir", str(tmp_path)]
    r = subprocess.run([*run, "--role", "country_team", "--countries", "bd,vn", "--subject", "lina"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    p = Verifier(str(local_keys(tmp_path / "keys")[1])).principal(r.stdout.strip())
    assert (p.role, p.countries, p.subject) == ("country_team", ("bd", "vn"), "lina")
    r = subprocess.run([*run, "--role", "country_team"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "names its countries" in r.stderr


async def test_the_audit_trail_says_who_did_what_and_when(assessment):
    svc, c = assessment
    bd = auth("country_team", countries=["bd"], subject="team-bd")
    assert (await c.patch("/bd/factories/F1", json={"headcount": 1300}, headers=bd)).status_code == 200
    trail = (await c.get("/bd/audit/factory-F1", headers=auth("auditor", subject="auditor-1"))).json()
    assert [(e["event"], e["actor"]) for e in trail["events"]] == [("FactoryRegistered", "test-admin"),
                                                                   ("FactoryUpdated", "team-bd")]
    assert trail["events"][1]["fields"] == sorted(["factory_id", "name", "supplier", "region", "sector", "buyers",
                                                    "headcount"])
    assert all(e["recorded_at"] for e in trail["events"])
    assert (await c.get("/vn/audit/factory-V1", headers=bd)).status_code == 404  # out of scope
    assert (await c.get("/bd/audit/factory-V1", headers=auth())).status_code == 404  # another country's stream


async def test_an_oversized_body_is_refused_and_nothing_is_stored(nats_server, tmp_path):
    svc = assessment_service(settings_for("assessment", nats_server.url, str(tmp_path), max_body_bytes=1000))
    async with serving(svc) as (svc, c):
        big = b.factory("F9", name="x" * 250)
        big["buyers"] = [f"buyer number {i} of a long list" for i in range(45)]  # about 1,900 bytes in all
        r = await c.post("/bd/factories", json=big)
        assert r.status_code == 413 and r.json()["error"] == "too_large"

        async def chunks():  # no Content-Length: counted as it arrives
            yield b'{"factory_id": "F9", "name": "'
            for _ in range(10):
                yield b"y" * 300
            yield b'"}'
        r = await c.post("/bd/factories", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert await svc.store.count() == 0
