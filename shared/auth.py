"""Who is asking: bearer JWTs (RS256) verified against a key set. What the
role and scope they carry allow is decided in shared.access.

Production verifies against the identity provider's JWKS: fetched from it
(WECARE_AUTH_OIDC_ISSUER, by discovery, or WECARE_AUTH_JWKS_URL), or a file
(WECARE_AUTH_JWKS_FILE). The embedded stack makes a local key pair under
its data folder; `wecare token` issues tokens signed with it."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.access import ROLES, InvalidScope, Principal
from shared.files import made_once
from shared.i18n import N_, Text
from shared.logging import get_logger

if TYPE_CHECKING:
    from shared.settings import Settings

ALGORITHM = "RS256"
KID = "wecare-local"

log = get_logger("auth")


class Unauthenticated(Exception):
    pass


# -- keys ----------------------------------------------------------------------------


def local_keys(folder: Path) -> tuple[Path, Path]:
    """The embedded stack's key pair (made once): the private key that signs
    local tokens and the JWKS the services verify them with."""
    private, jwks = folder / "signing-key.pem", folder / "jwks.json"
    pem = made_once(private, lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    if not jwks.exists():
        key = serialization.load_pem_private_key(pem, password=None)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        aside = jwks.with_name(f".{jwks.name}.{os.getpid()}.new")
        aside.write_text(json.dumps({"keys": [{**public, "kid": KID, "use": "sig", "alg": ALGORITHM}]}),
                         encoding="utf-8")
        os.replace(aside, jwks)  # whole or not at all: a verifier may read it meanwhile
    return private, jwks


def issue(private_key: Path, *, role: str, subject: str, countries: list[str] | None = None,
          buyer: str | None = None, ttl_s: int = 12 * 3600, issuer: str = "wecare", audience: str = "wecare") -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role == "country_team" and not countries:
        raise ValueError("a country team's token names its countries")
    if role == "buyer" and not buyer:
        raise ValueError("a buyer's token names the buyer")
    now = int(time.time())
    claims: dict[str, Any] = {"sub": subject, "role": role, "iss": issuer, "aud": audience, "iat": now,
                              "exp": now + ttl_s, "jti": uuid.uuid4().hex}
    if countries:
        claims["countries"] = countries
    if buyer:
        claims["buyer"] = buyer
    return jwt.encode(claims, private_key.read_bytes(), algorithm=ALGORITHM, headers={"kid": KID})


# -- key sets: a file, a JWKS URL, or an OpenID provider's discovery document ---------------


class KeySource:
    """Where the verifier's public keys come from. `key(kid)` gives the key a
    token names, or raises Unauthenticated saying why not; it never blocks the
    event loop (a remote set is fetched with an asynchronous client)."""

    description = "the key set"

    async def key(self, kid: str | None) -> jwt.PyJWK:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


def _signing_keys(data: Any) -> dict[str | None, jwt.PyJWK]:
    """{kid: key} of a JWKS document's signing keys (use "sig" or none); keys
    of an algorithm PyJWT cannot use are left out, as PyJWKSet does."""
    if not isinstance(data, dict):
        raise ValueError("a JWKS document is a JSON object with a `keys` list")
    keys = jwt.PyJWKSet.from_dict(data).keys
    return {k.key_id: k for k in keys if k.public_key_use in ("sig", None)}


def _pick(keys: dict[str | None, jwt.PyJWK], kid: str | None) -> jwt.PyJWK | None:
    if kid is None:  # a token that names no key: only a set of one key can say which
        return next(iter(keys.values())) if len(keys) == 1 else None
    return keys.get(kid)


class FileKeys(KeySource):
    """A JWKS file (mounted from the identity provider, or the embedded
    stack's own). Read again when it changes (its mtime, size or inode), so
    a rotated key set needs no restart; a file that cannot be read or parsed
    keeps the set read before (logged)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.description = f"the key set in {path}"
        self._stamp: tuple[int, int, int] | None = None
        self._keys: dict[str | None, jwt.PyJWK] = {}

    def current(self) -> dict[str | None, jwt.PyJWK]:
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            if stamp != self._stamp:
                self._keys = _signing_keys(json.loads(self.path.read_bytes()))
                self._stamp = stamp
        except (OSError, ValueError, jwt.PyJWTError) as e:
            if self._stamp is None:
                raise Unauthenticated(f"{self.description} cannot be read: {e}") from None
            log.warning("auth.jwks_file_unreadable", path=str(self.path), error=str(e) or type(e).__name__,
                        keeping="the key set read before")
        return self._keys

    async def key(self, kid: str | None) -> jwt.PyJWK:
        key = _pick(self.current(), kid)
        if key is None:
            raise Unauthenticated(f"the token's key {kid!r} is not in {self.description}")
        return key


class RemoteKeys(KeySource):
    """The identity provider's JWKS over HTTP: a JWKS URL, or an OpenID
    provider's issuer whose discovery document (/.well-known/openid-configuration)
    names it (jwks_uri). As PyJWKClient: the set is kept `lifetime_s` and fetched
    again after; a token naming a key the set lacks fetches it again at once
    (at most once per `cooldown_s`, so tokens with made-up key ids cannot make
    the service hammer the provider). Unlike PyJWKClient, the fetch is
    asynchronous (httpx; PyJWKClient blocks on urllib under a thread lock),
    concurrent requests share one fetch, and while the provider cannot be
    reached the keys fetched before keep working (logged): tokens whose key
    is known go on, a key never seen is refused (401, saying the provider
    could not be reached). A key the provider no longer lists stops working
    at the first fetch that does not have it: at the latest `lifetime_s` after
    the fetch before. Keys kept while the provider cannot be reached stop
    working `max_stale_s` after the last fetch that succeeded: a key the
    provider retired during an outage is not honoured for ever."""

    def __init__(self, *, jwks_url: str = "", issuer: str = "", lifetime_s: float = 300.0, cooldown_s: float = 10.0,
                 max_stale_s: float = 86400.0, timeout_s: float = 5.0, max_bytes: int = 512 * 1024) -> None:
        if not (jwks_url or issuer):
            raise ValueError("a JWKS URL or an OpenID issuer is needed")
        self.jwks_url = jwks_url
        self.issuer = issuer.rstrip("/")
        self.description = f"the key set of {jwks_url or self.issuer}"
        self.lifetime_s = lifetime_s
        self.cooldown_s = cooldown_s
        self.max_stale_s = max_stale_s
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None  # made in the loop that uses it; closed with the service
        self._keys: dict[str | None, jwt.PyJWK] | None = None
        self._fetched_at = -float("inf")  # monotonic time of the last fetch that succeeded
        self._tried_at = -float("inf")  # ... and of the last attempt
        self._error = ""
        self._lock = asyncio.Lock()
        self.fetches = 0  # attempts, for tests and logs

    async def key(self, kid: str | None) -> jwt.PyJWK:
        if time.monotonic() - self._fetched_at > self.lifetime_s:
            await self._refresh(self.fetches, why="expired")
        age = time.monotonic() - self._fetched_at
        if self._keys is not None and age > self.max_stale_s:
            raise Unauthenticated(f"{self.description} was last fetched {age:.0f} s ago, longer than the "
                                  f"{self.max_stale_s:.0f} s its keys are kept while the identity provider cannot "
                                  f"be reached ({self._error}); try again later")
        key = _pick(self._keys or {}, kid)
        if key is None:
            await self._refresh(self.fetches, why="unknown key")
            key = _pick(self._keys or {}, kid)
        if key is not None:
            return key
        if self._keys is None:
            raise Unauthenticated(f"{self.description} could not be fetched ({self._error}); try again later")
        if self._error:
            raise Unauthenticated(f"the token's key {kid!r} is not in {self.description} fetched before, and the "
                                  f"identity provider cannot be reached now ({self._error})")
        raise Unauthenticated(f"the token's key {kid!r} is not in {self.description}")

    async def _refresh(self, seen: int, *, why: str) -> None:
        """Fetch the set, unless another request did while this one waited
        (more fetches than `seen`), or one was tried less than cooldown_s ago
        (the keys held stay)."""
        async with self._lock:
            if self.fetches != seen or time.monotonic() - self._tried_at < self.cooldown_s:
                return
            self._tried_at = time.monotonic()
            self.fetches += 1
            try:
                url = self.jwks_url or await self._discover()
                self._keys = _signing_keys(await self._get_json(url))
                self._fetched_at, self._error = time.monotonic(), ""
                log.info("auth.jwks_fetched", url=url, keys=len(self._keys), why=why)
            except (httpx.HTTPError, ValueError, jwt.PyJWTError) as e:
                self._error = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
                log.warning("auth.jwks_unreachable", source=self.description, error=self._error, why=why,
                            keeping=len(self._keys or {}))

    async def _discover(self) -> str:
        """jwks_uri of the OpenID provider (OpenID Connect Discovery 1.0, section 4)."""
        doc = await self._get_json(f"{self.issuer}/.well-known/openid-configuration")
        if not isinstance(doc, dict) or not isinstance(doc.get("jwks_uri"), str):
            raise ValueError("the discovery document names no jwks_uri")
        if str(doc.get("issuer", "")).rstrip("/") != self.issuer:
            raise ValueError(f"the discovery document is of issuer {doc.get('issuer')!r}, not {self.issuer!r}")
        return doc["jwks_uri"]

    async def _get_json(self, url: str) -> Any:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout_s, follow_redirects=False,
                                             headers={"Accept": "application/json"})
        async with self._client.stream("GET", url) as r:
            if r.status_code != 200:
                raise ValueError(f"GET {url} answered {r.status_code}")
            body = b""
            async for chunk in r.aiter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise ValueError(f"GET {url} answered more than {self.max_bytes:,} bytes")
        return json.loads(body)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def key_source(settings: Settings) -> KeySource:
    s = settings
    if s.auth_oidc_issuer or s.auth_jwks_url:
        return RemoteKeys(jwks_url=s.auth_jwks_url, issuer=s.auth_oidc_issuer, lifetime_s=s.auth_jwks_cache_s,
                          cooldown_s=s.auth_jwks_cooldown_s, max_stale_s=s.auth_jwks_max_stale_s)
    return FileKeys(s.resolved_jwks_file())


class Verifier:
    """Checks a bearer token: signed (RS256) by a key of the set, for this
    audience and issuer, within its times give or take `leeway_s` of clock
    skew, and issued for at most `max_lifetime_s` (exp - iat; a token without
    iat: exp - now)."""

    def __init__(self, keys: KeySource | str, *, issuer: str = "wecare", audience: str = "wecare",
                 leeway_s: float = 60.0, max_lifetime_s: float = 24 * 3600.0) -> None:
        self.keys = FileKeys(keys) if isinstance(keys, str) else keys
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s
        self.max_lifetime_s = max_lifetime_s

    @classmethod
    def from_settings(cls, s: Settings) -> Verifier:
        return cls(key_source(s), issuer=s.auth_oidc_issuer or s.auth_issuer, audience=s.auth_audience,
                   leeway_s=s.auth_leeway_s, max_lifetime_s=s.auth_max_token_lifetime_s)

    async def principal(self, token: str) -> Principal:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid is not None and not isinstance(kid, str):
                raise Unauthenticated("the token's key id (kid) is not a string")
            key = await self.keys.key(kid)
            claims = jwt.decode(token, key.key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                                leeway=self.leeway_s, options={"require": ["exp", "sub", "role"]})
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as e:
            raise Unauthenticated(str(e) or type(e).__name__) from e
        self._check_lifetime(claims)
        try:
            return Principal.from_claims(claims)
        except InvalidScope as e:
            raise Unauthenticated(str(e)) from None

    def _check_lifetime(self, claims: dict[str, Any]) -> None:
        exp = claims["exp"]  # a number: PyJWT checked it
        start = claims.get("iat")
        lifetime = exp - (start if isinstance(start, int | float) else time.time())
        if lifetime > self.max_lifetime_s:
            raise Unauthenticated(f"token lifetime exceeds {self.max_lifetime_s:g} s (exp - "
                                  f"{'iat' if start is not None else 'now'} is {lifetime:.0f} s)")

    async def aclose(self) -> None:
        await self.keys.aclose()


BUYER_WRITES = "x-wecare-buyer-writes"  # openapi_extra of a route a buyer may write to (its own integration)


def _buyer_writes(request: Request, p: Principal) -> bool:
    route = request.scope.get("route")
    return p.role == "buyer" and bool((getattr(route, "openapi_extra", None) or {}).get(BUYER_WRITES))


# The scheme in the OpenAPI document (components.securitySchemes.bearer, and `security` on every
# operation that has `principal` or `admin_only`), so Swagger UI's Authorize takes a token. The
# header itself is read by `principal`, which answers 401 as a problem (auto_error=False).
BEARER = HTTPBearer(scheme_name="bearer", bearerFormat="JWT", auto_error=False,
                    description="A JWT (RS256) from the identity provider, or `wecare token` on the embedded stack: "
                                "its role (admin, country_team, auditor, buyer) and scope (countries, buyer) decide "
                                "what it may read and write.")


async def principal(request: Request, _bearer: HTTPAuthorizationCredentials | None = Security(BEARER)) -> Principal:
    """The FastAPI dependency every route but /health, /ready and the docs has.
    A verified caller's request counts against its rate limit (429 over it)."""
    service = request.app.state.service
    verifier: Verifier | None = service.verifier
    if verifier is None:  # WECARE_AUTH=off: a local development switch, never in a deployment
        p = Principal(subject=request.headers.get("x-actor") or "anonymous", role="admin")
    else:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, N_("a bearer token is needed"), headers={"WWW-Authenticate": "Bearer"})
        try:
            p = await verifier.principal(token.strip())
        except Unauthenticated as e:
            raise HTTPException(401, Text(N_("the token is not valid: %(reason)s"), {"reason": str(e)}),
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    if service.rate_limits is not None:
        await service.rate_limits.token(p.subject)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not p.can_write and not _buyer_writes(request, p):
        raise HTTPException(403, Text(N_("the %(role)s role reads only"), {"role": p.role}))
    request.state.principal = p
    return p


async def admin_only(request: Request, _bearer: HTTPAuthorizationCredentials | None = Security(BEARER)
                     ) -> Principal:
    p = getattr(request.state, "principal", None) or await principal(request)  # counted once per request
    if p.role not in ("admin", "auditor") or (request.method != "GET" and p.role != "admin"):
        raise HTTPException(403, N_("operations are for admins (auditors may read)"))
    return p
