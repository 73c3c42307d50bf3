"""Who is asking: bearer JWTs (RS256) verified against a key set. What the
role and scope they carry allow is decided in shared.access.

Production verifies against the identity provider's JWKS, mounted as a
file (WECARE_AUTH_JWKS_FILE). The embedded stack makes a local key pair
under its data folder; `wecare token` issues tokens signed with it."""

from __future__ import annotations

import json
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import HTTPException, Request

from shared.access import ROLES, InvalidScope, Principal
from shared.files import private_dir

ALGORITHM = "RS256"
KID = "wecare-local"


class Unauthenticated(Exception):
    pass


# -- keys ----------------------------------------------------------------------------


def local_keys(folder: Path) -> tuple[Path, Path]:
    """The embedded stack's key pair (made once): the private key that signs
    local tokens and the JWKS the services verify them with."""
    private_dir(folder)  # 0700: the key is private from before its chmod
    private, jwks = folder / "signing-key.pem", folder / "jwks.json"
    if not private.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
        private.chmod(0o600)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwks.write_text(json.dumps({"keys": [{**public, "kid": KID, "use": "sig", "alg": ALGORITHM}]}),
                        encoding="utf-8")
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


@cache
def _keyset(jwks_file: str) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict(json.loads(Path(jwks_file).read_text(encoding="utf-8")))


class Verifier:
    def __init__(self, jwks_file: str, *, issuer: str = "wecare", audience: str = "wecare") -> None:
        self.jwks_file = jwks_file
        self.issuer = issuer
        self.audience = audience

    def principal(self, token: str) -> Principal:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            keys = _keyset(self.jwks_file)
            key = next((k for k in keys.keys if k.key_id == kid), None) if kid else keys.keys[0]
            if key is None:
                raise Unauthenticated("the token's key is not in the key set")
            claims = jwt.decode(token, key.key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                                options={"require": ["exp", "sub", "role"]})
        except (jwt.PyJWTError, ValueError, KeyError) as e:
            raise Unauthenticated(str(e) or type(e).__name__) from e
        try:
            return Principal.from_claims(claims)
        except InvalidScope as e:
            raise Unauthenticated(str(e)) from None


BUYER_WRITES = "x-wecare-buyer-writes"  # openapi_extra of a route a buyer may write to (its own integration)


def _buyer_writes(request: Request, p: Principal) -> bool:
    route = request.scope.get("route")
    return p.role == "buyer" and bool((getattr(route, "openapi_extra", None) or {}).get(BUYER_WRITES))


def principal(request: Request) -> Principal:
    """The FastAPI dependency every route but /health, /ready and the docs has."""
    service = request.app.state.service
    verifier: Verifier | None = service.verifier
    if verifier is None:  # WECARE_AUTH=off: a local development switch, never in a deployment
        p = Principal(subject=request.headers.get("x-actor") or "anonymous", role="admin")
    else:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "a bearer token is needed", headers={"WWW-Authenticate": "Bearer"})
        try:
            p = verifier.principal(token.strip())
        except Unauthenticated as e:
            raise HTTPException(401, f"the token is not valid: {e}",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    if request.method not in ("GET", "HEAD", "OPTIONS") and not p.can_write and not _buyer_writes(request, p):
        raise HTTPException(403, f"the {p.role} role reads only")
    request.state.principal = p
    return p


def admin_only(request: Request) -> Principal:
    p = principal(request)
    if p.role not in ("admin", "auditor") or (request.method != "GET" and p.role != "admin"):
        raise HTTPException(403, "operations are for admins (auditors may read)")
    return p
