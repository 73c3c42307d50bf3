"""The gateway: signing in (hashed passwords minting the stack's own tokens,
or a token of the identity provider), one address for the five services'
APIs with the caller's scope, and what another site cannot do."""

from __future__ import annotations

import sqlite3

import jwt
import pytest

from console.state import AccountError
from tests.console.conftest import PASSWORD, ConsoleStack, signed_in
from tests.harness import token

FACTORY = {"factory_id": "bd-gw-1", "name": "Gateway Knit", "supplier": "Gateway Group", "region": "Dhaka",
           "sector": "garment", "buyers": ["Otto Group"], "headcount": 300}


async def test_signing_in_mints_a_token_of_the_accounts_role_and_scope(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    async with console_stack.browser() as b:
        wrong = await b.post("/signin", data={"username": "lina", "password": "not her password"})
        assert wrong.status_code == 401 and "wecare_session" not in wrong.headers.get("set-cookie", "")
        assert "The user name or password is not right." in wrong.text
        r = await b.post("/signin", data={"username": "lina", "password": PASSWORD, "next": "/bd/factories"})
        assert r.status_code == 303 and r.headers["location"] == "/bd/factories"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        claims = jwt.decode(b.cookies["wecare_session"], options={"verify_signature": False})
        assert (claims["sub"], claims["role"], claims["countries"]) == ("lina", "country_team", ["bd"])
        assert (await b.get("/")).headers["location"] == "/bd/"


async def test_passwords_are_stored_as_argon2id_hashes_and_bad_accounts_are_refused(console_stack: ConsoleStack):
    accounts = console_stack.console.accounts
    assert accounts is not None
    accounts.add("rafi", PASSWORD, "country_team", ("bd",), replace=True)
    with sqlite3.connect(accounts.path) as db:
        (stored,) = db.execute("SELECT password_hash FROM accounts WHERE username = 'rafi'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    for kw, field in [({"username": "x", "password": PASSWORD, "role": "admin"}, "username"),
                      ({"username": "short", "password": "2short", "role": "admin"}, "password"),
                      ({"username": "team", "password": PASSWORD, "role": "country_team"}, "countries"),
                      ({"username": "brand", "password": PASSWORD, "role": "buyer"}, "buyer"),
                      ({"username": "rafi", "password": PASSWORD, "role": "admin"}, "username")]:
        with pytest.raises(AccountError) as e:
            accounts.add(**kw)
        assert e.value.field == field
    assert accounts.get("team") is None and accounts.get("x") is None


async def test_pages_need_signing_in_and_next_stays_on_this_site(console_stack: ConsoleStack):
    console_stack.account("lina")
    async with console_stack.browser() as b:
        assert (await b.get("/")).headers["location"] == "/signin"
        for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            r = await b.post("/signin", data={"username": "lina", "password": PASSWORD, "next": evil})
            assert r.headers["location"] == "/", evil


async def test_the_api_through_the_console_is_the_callers_scope(console_stack: ConsoleStack):
    console_stack.account("lina", countries=("bd",))
    async with signed_in(console_stack, "lina") as b:
        r = await b.post("/api/assessment/bd/factories", json=FACTORY, headers={"Origin": "http://console"})
        assert r.status_code == 201, r.text
        assert r.headers["location"].startswith("/api/assessment/bd/factories/")
        assert (await b.get("/api/assessment/vn/factories")).status_code == 403
        audit = await console_stack.admin("assessment").get("/bd/audit/factory-bd-gw-1")
        if audit.status_code == 200:  # the actor on the event is the account, not the gateway
            assert "lina" in audit.text
        # another site's page cannot write with the user's cookie
        r = await b.post("/api/assessment/bd/factories", json={**FACTORY, "factory_id": "bd-gw-2"},
                         headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
    async with console_stack.browser() as anonymous:
        assert (await anonymous.get("/api/assessment/bd/factories")).status_code == 401
        bearer = {"Authorization": f"Bearer {token('country_team', countries=['vn'])}"}
        assert (await anonymous.get("/api/assessment/vn/factories", headers=bearer)).status_code == 200
        assert (await anonymous.get("/api/nothing/bd/x", headers=bearer)).status_code == 404


async def test_a_token_of_the_identity_provider_signs_in_and_a_forged_one_does_not(console_stack: ConsoleStack):
    async with console_stack.browser() as b:
        good = token("country_team", countries=["vn"], subject="mai")
        assert (await b.post("/signin", data={"token": good})).status_code == 303
        assert (await b.get("/")).headers["location"] == "/vn/"
    forged = jwt.encode({"sub": "eve", "role": "admin", "iss": "wecare", "aud": "wecare", "exp": 2**31},
                        "not the key the stack signs with, at all", algorithm="HS256")
    async with console_stack.browser() as b:
        assert (await b.post("/signin", data={"token": forged})).status_code == 401
        assert "wecare_session" not in b.cookies


async def test_guessing_passwords_is_slowed_down(console_stack: ConsoleStack):
    console_stack.account("guessed")
    async with console_stack.browser() as b:
        codes = [(await b.post("/signin", data={"username": "guessed", "password": f"guess {i}"})).status_code
                 for i in range(11)]
        assert codes[:10] == [401] * 10 and codes[10] == 429
        assert (await b.post("/signin", data={"username": "guessed", "password": PASSWORD})).status_code == 429


async def test_pages_speak_the_chosen_language_and_load_nothing_from_outside(console_stack: ConsoleStack):
    async with console_stack.browser() as b:
        page = await b.get("/signin", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        assert "用户名" in page.text and page.headers["content-language"] == "zh"
        r = await b.get("/lang", params={"to": "bn", "next": "/signin"})
        assert r.status_code == 303 and r.headers["location"] == "/signin"
        page = await b.get("/signin")
        assert "ব্যবহারকারীর নাম" in page.text and 'lang="bn"' in page.text
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "http://" not in page.text.replace('http://console', '') and "https://" not in page.text


async def test_the_proxy_drops_hop_by_hop_headers_and_does_not_serve_the_services_docs(console_stack: ConsoleStack):
    """A header the client names in Connection is for the gateway only (RFC 9110 7.6.1), and a service's
    Swagger page cannot run on the console's address (its inline script is outside the console's CSP)."""
    seen: list[dict[str, str]] = []
    upstream = console_stack.console.upstream
    real = upstream.call

    async def spy(service, method, path, **kw):  # noqa: ANN001, ANN003, ANN202
        seen.append({k.lower(): v for k, v in (kw.get("headers") or {}).items()})
        return await real(service, method, path, **kw)

    upstream.call = spy  # type: ignore[method-assign]
    try:
        bearer = {"Authorization": f"Bearer {token('country_team', countries=['bd'])}"}
        async with console_stack.browser() as c:
            r = await c.get("/api/assessment/bd/factories", headers={**bearer, "Connection": "close, X-Secret-Hop",
                                                                      "X-Secret-Hop": "1", "X-Kept": "2"})
            assert r.status_code == 200
            assert "x-secret-hop" not in seen[-1] and seen[-1].get("x-kept") == "2"
            assert (await c.get("/api/assessment/docs", headers=bearer)).status_code == 404
    finally:
        upstream.call = real  # type: ignore[method-assign]
