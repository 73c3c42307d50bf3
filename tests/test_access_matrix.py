"""The access matrix, generated from every service's OpenAPI document: each
endpoint called with each role and scope, and with no token. The matrix is
printed (pytest -s shows it).

Expected: no token, 401; a read-only role writing, 403; operations only
for admins (auditors read them); a country outside the caller's scope, 403
for a collection and 404 for a resource; a buyer only under its own
/buyers/{buyer} (a country team sees the part in its countries); otherwise
the caller gets through (whatever the endpoint then says about the made-up
ids and bodies, never 401 or 403)."""

from __future__ import annotations

import re
import time
from contextlib import AsyncExitStack

import jwt

from tests.harness import auth, serve_services, signing_keys

# and the buyers' feed's documents: record types, JSON Schemas (a record's dataschema), AsyncAPI (schemas are
# not data: services/buyers/api.py)
PUBLIC = {"/health", "/ready", "/asyncapi.json", "/feed/types", "/feed/schemas", "/feed/asyncapi.json",
          "/feed/schemas/{record_type}.json", "/feed/schemas/{record_type}/data.json"}


def raw_token(**claims: object) -> dict[str, str]:
    """A correctly signed token whose scope claims are what the test says (the
    issuer of a deployment might get them wrong: they must never widen a scope)."""
    now = int(time.time())
    body = {"sub": "odd-token", "iss": "wecare", "aud": "wecare", "iat": now, "exp": now + 600, **claims}
    tok = jwt.encode(body, signing_keys()[0].read_bytes(), algorithm="RS256", headers={"kid": "wecare-local"})
    return {"Authorization": f"Bearer {tok}"}


# Finding: a country-team token with no `countries` claim, or with [], saw every
# country; with `countries: 5` it got a 500. Every malformed scope is a 401.
MALFORMED = {
    "team_noclaim": raw_token(role="country_team"),
    "team_empty": raw_token(role="country_team", countries=[]),
    "team_five": raw_token(role="country_team", countries=5),
    "team_xx": raw_token(role="country_team", countries=["xx"]),
    "pm_empty": raw_token(role="programme_manager", countries=[]),
    "buyer_none": raw_token(role="buyer"),
}
CALLERS = {
    "none": {"Authorization": ""},
    "admin": auth("admin"),
    "programme_manager": auth("programme_manager"),
    "team_bd": auth("country_team", countries=["bd"]),
    "buyer_otto": auth("buyer", buyer="Otto Group"),
    "auditor": auth("auditor"),
    **MALFORMED,
}
ALLOWED = "ok"  # anything but 401 and 403


def expect(caller: str, method: str, template: str, country: str | None, buyer: str | None) -> int | str:
    write = method != "GET"
    if template in PUBLIC:
        return 200 if "{" not in template else ALLOWED  # a made-up record type: 404
    if template == "/problems/{kind}":  # public too (what a problem's type means); no kind is named x1
        return 404
    if caller == "none" or caller in MALFORMED:
        return 401
    if template.startswith("/buyers/{buyer}/webhooks"):
        # a buyer's integration: the buyer itself, an admin, an auditor (reading) and a programme
        # manager of every country; anyone else (a country team, a scoped programme manager,
        # another buyer) finds no such buyer, before its body is read
        if write and caller == "auditor":
            return 403
        if caller == "team_bd" or caller.startswith("pm_") or (caller == "buyer_otto" and buyer != "Otto Group"):
            return 404
        return ALLOWED
    if write and caller in ("buyer_otto", "auditor"):
        return 403
    if template.startswith("/ops") or template == "/metrics":  # operations (the metrics' labels name buyers)
        return ALLOWED if caller == "admin" or (caller == "auditor" and not write) else 403
    resource = len(re.findall(r"{[^}]+}", template)) > 1
    if buyer is not None:
        if caller == "buyer_otto" and buyer != "Otto Group":
            return 404
        return ALLOWED
    if country is not None:
        out_of_scope = caller == "buyer_otto" or (caller == "team_bd" and country != "bd")
        if out_of_scope:
            return 404 if resource else 403
    return ALLOWED


def fill(template: str, country: str, buyer: str) -> str:
    def value(m: re.Match) -> str:
        name = m.group(1)
        return {"country": country, "buyer": buyer, "version": "1", "fmt": "json"}.get(name, "x1")
    return re.sub(r"{([^}]+)}", value, template)


async def test_every_endpoint_with_every_role(nats_server, tmp_path):
    rows, wrong = [], []
    async with AsyncExitStack() as es:
        services = await serve_services(es, ["assessment", "planning", "delivery", "evaluation", "buyers"],
                                        nats_server.url, str(tmp_path))
        for name, (svc, client) in services.items():
            for template, methods in sorted(svc.app.openapi()["paths"].items()):
                for method in sorted(methods):
                    method = method.upper()
                    for country in (("bd", "vn") if "{country}" in template else (None,)):
                        for buyer in (("Otto Group", "Hasbro") if "{buyer}" in template else (None,)):
                            path = fill(template, country or "bd", buyer or "Otto Group")
                            got = []
                            for caller, headers in CALLERS.items():
                                before = await svc.store.head()
                                r = await client.request(method, path, headers=headers,
                                                         json={} if method != "GET" else None)
                                want = expect(caller, method, template, country, buyer)
                                if want in (401, 403, 404) and await svc.store.head() != before:
                                    wrong.append((name, method, path, caller, "stored an event"))
                                ok = r.status_code not in (401, 403) if want == ALLOWED else r.status_code == want
                                got.append(f"{r.status_code}{'' if ok else '!'}")
                                if not ok:
                                    wrong.append((name, method, path, caller, r.status_code, want))
                            rows.append(f"{name:<10} {method:<6} {path:<62} " + " ".join(f"{g:>5}" for g in got))
    print("\n" + f"{'service':<10} {'method':<6} {'path':<62} " + " ".join(f"{c[:5]:>5}" for c in CALLERS))
    print("\n".join(rows))
    assert len(rows) > 60
    assert not wrong, wrong[:20]
