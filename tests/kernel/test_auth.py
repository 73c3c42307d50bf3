"""Access: bearer JWTs verified against the key set, roles and scopes.

No route but /health, /ready and the documents answers without a valid
token; out of scope, a collection answers 403 and a resource 404 (whether
it exists does not leak); read-only roles cannot write; operations are for
admins; the actor on every event is the token's subject."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

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
        assert r.json()["type"] == "/problems/unauthorized" and "token" in r.json()["detail"]


async def test_tokens_that_are_not_valid(assessment, tmp_path):
    _, c = assessment
    other_private, _ = local_keys(tmp_path / "other-keys")  # signed with a key the service does not know
    now = int(time.time())
    claims = {"sub": "x", "role": "admin", "iss": "wecare", "aud": "wecare", "iat": now, "exp": now + 60}
    private = signing_keys()[0].read_bytes()
    for token in (
        jwt.encode(claims, other_private.read_bytes(), algorithm=ALGORITHM, headers={"kid": KID}),
        jwt.encode({**claims, "exp": now - 90}, private, algorithm=ALGORITHM, headers={"kid": KID}),  # past leeway
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
    assert r.status_code == 404 and r.json()["detail"] == "factory V1 not found"
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
        assert r.status_code == 404 and r.json()["detail"] == "programmes of buyer Hasbro not found"
        team = auth("country_team", countries=["bd"])  # reads the part in its countries: none here yet
        assert (await c.get("/buyers/Otto Group/impact", headers=team)).status_code == 404


def test_wecare_token_issues_what_the_stack_accepts(tmp_path):
    from shared.auth import Verifier

    run = [sys.executable, "-m", "wecare.cli", "token", "--data-dir", str(tmp_path)]
    r = subprocess.run([*run, "--role", "country_team", "--countries", "bd,vn", "--subject", "lina"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    p = asyncio.run(Verifier(str(local_keys(tmp_path / "keys")[1])).principal(r.stdout.strip()))
    assert (p.role, p.countries, p.subject) == ("country_team", ("bd", "vn"), "lina")
    r = subprocess.run([*run, "--role", "country_team"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "names its countries" in r.stderr
    r = subprocess.run([*run, "--role", "admin", "--hours", "25"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "lifetime cap of 24 h" in r.stderr, r.stderr  # the services would refuse it


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
        assert r.status_code == 413 and r.json()["type"] == "/problems/too-large"

        async def chunks():  # no Content-Length: counted as it arrives
            yield b'{"factory_id": "F9", "name": "'
            for _ in range(10):
                yield b"y" * 300
            yield b'"}'
        r = await c.post("/bd/factories", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert await svc.store.count() == 0


# -- key sets from the identity provider, rotation, clock skew, lifetime --------------------------


class Key:
    """A signing key of a pretend identity provider: its JWK and the tokens it signs."""

    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwk = {**public, "kid": kid, "use": "sig", "alg": ALGORITHM}

    def token(self, issuer: str = "wecare", subject: str = "idp-user", **claims: object) -> str:
        now = int(time.time())
        body = {"sub": subject, "role": "admin", "iss": issuer, "aud": "wecare", "iat": now, "exp": now + 600,
                **claims}
        return jwt.encode({k: v for k, v in body.items() if v is not None}, self.private, algorithm=ALGORITHM,
                          headers={"kid": self.kid})


class IdentityProvider:
    """A real HTTP server in a thread: its OpenID discovery document, its JWKS
    (what `keys` holds when asked), a count of the fetches, and a delay."""

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.fetches = 0
        self.delay_s = 0.0
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": idp.url, "jwks_uri": f"{idp.url}/keys"}
                elif self.path == "/keys":
                    idp.fetches += 1
                    time.sleep(idp.delay_s)
                    body = {"keys": [k.jwk for k in idp.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:  # unreachable from now on: connections are refused
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def idp():
    provider = IdentityProvider()
    yield provider
    with contextlib.suppress(OSError):
        provider.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_keys_from_the_providers_discovery_rotate_and_retire_without_a_restart(nats_server, tmp_path, idp):
    a, b, c = Key("key-a"), Key("key-b"), Key("key-c")
    idp.keys = [a]
    settings = settings_for("assessment", nats_server.url, str(tmp_path), auth_oidc_issuer=idp.url,
                            auth_jwks_cache_s=2.0, auth_jwks_cooldown_s=0, auth_jwks_max_stale_s=3.5)
    async with serving(assessment_service(settings)) as (_, client):
        async def status(key: Key) -> int:
            return (await client.get("/bd/factories", headers=bearer(key.token(issuer=idp.url)))).status_code

        assert await status(a) == 200 and await status(a) == 200
        assert idp.fetches == 1  # the set is kept (its lifetime), not fetched per request
        assert (await client.get("/bd/factories", headers=bearer(a.token()))).status_code == 401  # iss: the issuer's

        idp.keys = [a, b]  # the provider adds a key and signs with it: known at once, by its kid
        assert await status(b) == 200 and await status(a) == 200
        assert idp.fetches == 2

        idp.keys = [b]  # ... and retires the old one: it works while the set fetched before lives (2 s) ...
        assert await status(a) == 200
        await asyncio.sleep(2.1)
        r = await client.get("/bd/factories", headers=bearer(a.token(issuer=idp.url)))
        assert r.status_code == 401 and "key-a" in r.json()["detail"]  # ... and not after
        assert await status(b) == 200

        idp.keys = [c]  # a fetch that no longer has a key ends it at once, within the set's lifetime
        assert await status(c) == 200 and await status(b) == 401

        idp.stop()  # the provider cannot be reached: the keys fetched before keep working,
        await asyncio.sleep(2.1)  # also past their lifetime,
        assert await status(c) == 200
        r = await client.get("/bd/factories", headers=bearer(Key("key-d").token(issuer=idp.url)))
        assert r.status_code == 401  # a key never seen is refused, saying why (not 500)
        assert "key-d" in r.json()["detail"] and "cannot be reached" in r.json()["detail"]
        await asyncio.sleep(1.5)  # ... but not for ever: past AUTH_JWKS_MAX_STALE_S (3.5 s) after the last fetch
        r = await client.get("/bd/factories", headers=bearer(c.token(issuer=idp.url)))
        assert r.status_code == 401 and "last fetched" in r.json()["detail"], r.text


async def test_a_jwks_url_is_fetched_off_the_event_loop_and_an_unreachable_one_answers_401(nats_server, tmp_path,
                                                                                          idp):
    a = Key("key-a")
    idp.keys, idp.delay_s = [a], 1.5  # a slow provider
    settings = settings_for("assessment", nats_server.url, str(tmp_path), auth_jwks_url=f"{idp.url}/keys")
    async with serving(assessment_service(settings)) as (_, client):
        authed = asyncio.create_task(client.get("/bd/factories", headers=bearer(a.token())))
        await eventually(lambda: idp.fetches == 1)  # the key set is being fetched, for 1.5 s
        assert (await client.get("/health", headers={"Authorization": ""})).status_code == 200
        assert not authed.done()  # /health answered meanwhile: the fetch does not hold the event loop
        assert (await authed).status_code == 200

    idp.stop()
    settings = settings_for("assessment", nats_server.url, str(tmp_path / "2"), auth_jwks_url=f"{idp.url}/keys")
    async with serving(assessment_service(settings)) as (_, client):  # never reached: no key is known
        r = await client.get("/bd/factories", headers=bearer(a.token()))
        assert r.status_code == 401 and "could not be fetched" in r.json()["detail"]


async def test_a_rotated_key_file_is_read_again_without_a_restart(nats_server, tmp_path):
    a, b = Key("key-a"), Key("key-b")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [a.jwk]}), encoding="utf-8")
    settings = settings_for("assessment", nats_server.url, str(tmp_path), auth_jwks_file=str(jwks))
    async with serving(assessment_service(settings)) as (_, client):
        assert (await client.get("/bd/factories", headers=bearer(a.token()))).status_code == 200
        jwks.write_text(json.dumps({"keys": [b.jwk]}), encoding="utf-8")  # the mounted file is replaced
        assert (await client.get("/bd/factories", headers=bearer(b.token()))).status_code == 200
        assert (await client.get("/bd/factories", headers=bearer(a.token()))).status_code == 401
        jwks.write_text("{not json", encoding="utf-8")  # half written: the set read before stays
        assert (await client.get("/bd/factories", headers=bearer(b.token()))).status_code == 200


def signed(c: httpx.AsyncClient, **claims: object) -> Awaitable[httpx.Response]:
    """GET with a token of these times, signed by the stack's own key."""
    body = {"sub": "x", "role": "admin", "iss": "wecare", "aud": "wecare", **claims}
    token = jwt.encode(body, signing_keys()[0].read_bytes(), algorithm=ALGORITHM, headers={"kid": KID})
    return c.get("/bd/factories", headers=bearer(token))


async def test_clock_skew_of_a_minute_is_allowed(assessment):
    _, c = assessment
    now = int(time.time())
    assert (await signed(c, iat=now + 30, exp=now + 600)).status_code == 200  # the issuer's clock runs ahead
    assert (await signed(c, iat=now - 600, exp=now - 30)).status_code == 200  # ... or behind
    assert (await signed(c, iat=now + 120, exp=now + 600)).status_code == 401
    assert (await signed(c, iat=now - 600, exp=now - 90)).status_code == 401
    assert (await signed(c, nbf=now + 30, exp=now + 600)).status_code == 200
    assert (await signed(c, nbf=now + 120, exp=now + 600)).status_code == 401


async def test_a_token_lives_a_day_at_most(assessment):
    _, c = assessment
    now = int(time.time())
    assert (await signed(c, iat=now, exp=now + 23 * 3600)).status_code == 200
    assert (await signed(c, exp=now + 3600)).status_code == 200  # no iat: judged by exp - now
    for claims in ({"iat": now, "exp": now + 10 * 365 * 86400}, {"iat": now - 3600, "exp": now + 23 * 3600 + 60},
                   {"exp": now + 25 * 3600}):
        r = await signed(c, **claims)
        assert r.status_code == 401 and "token lifetime exceeds 86400 s" in r.json()["detail"], claims


@pytest.mark.unit
def test_keys_come_from_an_identity_provider_over_https_only():
    """Over plain http anyone on the path could hand the services keys of their own, and mint any token."""
    from pydantic import ValidationError

    from shared.settings import Settings

    for field in ("auth_jwks_url", "auth_oidc_issuer"):
        with pytest.raises(ValidationError, match=f"{field}[\\s\\S]*must be an https URL"):
            Settings(service="assessment", **{field: "http://idp.example.org/jwks"})
        assert getattr(Settings(service="assessment", **{field: "https://idp.example.org/x"}), field)
        assert getattr(Settings(service="assessment", **{field: "http://127.0.0.1:9000/x"}), field)  # local
