"""Process settings from WECARE_* environment variables (pydantic-settings)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.countries import parse_country_list


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WECARE_", extra="ignore")

    service: str = "kernel"
    database_url: str = ""  # empty: sqlite file <data_dir>/<service>.db
    # person keys, in a store of their own (shared/privacy.py); empty: sqlite file <data_dir>/<service>-keys.db
    keystore_url: str = ""
    data_dir: str = "./data"
    nats_url: str = "nats://127.0.0.1:4222"
    nats_user: str | None = None
    nats_password: str | None = None
    countries: Annotated[tuple[str, ...], NoDecode] = Field(default_factory=lambda: parse_country_list(None))
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # where clients reach this service (scheme://host[:port][/prefix]): the buyers' feed's `dataschema`
    # URLs start with it; empty: http://<http_host>:<http_port> (127.0.0.1 for a wildcard host)
    public_url: str = ""
    idempotency_key_ttl_s: float = Field(24 * 3600.0, gt=0, le=90 * 24 * 3600.0)  # how long a key is remembered
    max_body_bytes: int = 5 * 2**20  # a larger request body gets 413 (batches are bounded per endpoint too)

    # access: bearer JWTs (RS256) verified against the identity provider's key set: an OpenID
    # issuer (its discovery document names the JWKS), a JWKS URL, or a JWKS file (read again
    # when it changes); none: the embedded stack's local key set under <data_dir>/keys.
    # "off" is a local development switch: every request acts as an admin.
    auth: Literal["jwt", "off"] = "jwt"
    auth_oidc_issuer: str = ""  # also the issuer (iss) tokens must name, instead of auth_issuer
    auth_jwks_url: str = ""
    auth_jwks_file: str = ""
    auth_jwks_cache_s: float = Field(300.0, gt=0)  # a fetched key set is used this long, then fetched again
    auth_jwks_cooldown_s: float = Field(10.0, ge=0)  # at most one fetch per this long for unknown key ids
    # while the identity provider cannot be reached, the keys fetched before work this long after that fetch
    auth_jwks_max_stale_s: float = Field(86400.0, gt=0)
    auth_issuer: str = "wecare"
    auth_audience: str = "wecare"
    auth_leeway_s: float = Field(60.0, ge=0, le=600)  # clock skew allowed on exp, nbf and iat
    auth_max_token_lifetime_s: float = Field(24 * 3600.0, gt=0)  # exp - iat (or exp - now without iat)

    # rate limits ("600/minute", "600/minute;50/second"; empty: none), in each process's memory:
    # per caller (token subject) and per client address (every request but /health and /ready)
    rate_limit_token: str = "600/minute"
    rate_limit_address: str = "1200/minute"
    # proxies (addresses or networks) whose X-Forwarded-For names the client; none: the socket's address
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()

    # JetStream
    js_replicas: int = 1
    js_duplicate_window_s: float = 120.0

    # consumers
    consumer_batch: int = 100
    consumer_max_attempts: int = 5
    # short, so that deliveries whose acks a crashed server lost come again within seconds;
    # batches still at work send in_progress every ack_wait/3
    consumer_ack_wait_s: float = 5.0
    consumer_backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0, 10.0)
    # an event whose predecessor has not come is parked only this long after it was stored
    consumer_gap_timeout_s: float = 120.0

    # outbox relay
    relay_batch: int = 500
    relay_poll_s: float = 0.5
    relay_ack_timeout_s: float = 5.0

    # buyers' webhooks: every failure is retried with exponential backoff, then parked
    webhook_max_attempts: int = 12
    webhook_backoff_base_s: float = 5.0  # 5 s, 10 s, 20 s, ... capped at webhook_backoff_max_s
    webhook_backoff_max_s: float = 3600.0
    webhook_timeout_s: float = 10.0
    webhook_concurrency: int = 8  # an endpoint's factories' queues served at once (each endpoint has its own)
    # what one buyer may hold: active endpoints (a disabled one does not count; one more answers 422), and
    # deliveries in flight at once over all its endpoints; and deliveries in flight in the whole process
    webhook_endpoints_per_buyer: int = Field(16, ge=1)
    webhook_inflight_per_buyer: int = Field(16, ge=1)
    webhook_inflight_total: int = Field(256, ge=1)
    webhook_poll_s: float = 1.0
    webhook_secret_grace_s: int = 86400  # a rotated-out secret still signs this long
    # Fernet keys sealing the endpoints' signing secrets at rest, comma separated, newest first (rotation:
    # put a new key first, start, then drop the old); empty: a key made once in <data_dir>/keys
    webhook_secret_key: str = ""
    # the webhook sender connects to public addresses only, over https; these destinations are the
    # exceptions (private addresses allowed, plain http too): comma-separated host names, addresses or
    # networks (CIDR), each optionally with a port: "127.0.0.1:8790,hooks.internal,10.20.0.0/16"
    webhook_allow_hosts: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("rate_limit_token", "rate_limit_address")
    @classmethod
    def _limits(cls, v: str) -> str:
        from shared.ratelimit import parse_limits

        parse_limits(v)  # ValueError names what is wrong
        return v

    @field_validator("auth_oidc_issuer", "auth_jwks_url")
    @classmethod
    def _key_source(cls, v: str) -> str:
        """The keys every token is checked with come from there: over https, so no one on the path can hand
        the services keys of their own; plain http only to this host (a local identity provider, tests)."""
        from urllib.parse import urlsplit

        if not v:
            return v
        parts = urlsplit(v)
        if parts.scheme == "https" and parts.hostname:
            return v
        if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost"):
            return v
        raise ValueError("must be an https URL (plain http only to 127.0.0.1, ::1 or localhost)")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, v: str) -> str:
        from urllib.parse import urlsplit

        if not v:
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be an http(s) URL with no query or fragment, e.g. https://wecare.example.org")
        return v.rstrip("/")

    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.http_host in ("", "0.0.0.0", "::") else self.http_host  # noqa: S104
        return f"http://{f'[{host}]' if ':' in host else host}:{self.http_port}"

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, v: object) -> tuple[str, ...]:
        import ipaddress

        items = [p.strip() for p in v.split(",")] if isinstance(v, str) else list(v or ())  # type: ignore[call-overload]
        for p in items:
            if p:
                ipaddress.ip_network(p, strict=False)  # ValueError: not an address or network
        return tuple(p for p in items if p)

    # the evaluation's reports (HTML, PDF) are drawn in worker processes, off the event loop: this many at
    # once, and this many more waiting for one; another answers 503 with Retry-After
    report_workers: int = Field(2, ge=1, le=32)
    report_queue: int = Field(4, ge=0, le=1000)

    @field_validator("countries", mode="before")
    @classmethod
    def _countries(cls, v: object) -> tuple[str, ...]:
        return parse_country_list(v)  # type: ignore[arg-type]

    @field_validator("webhook_allow_hosts", mode="before")
    @classmethod
    def _allow_hosts(cls, v: object) -> tuple[str, ...]:
        entries = v.split(",") if isinstance(v, str) else list(v)  # type: ignore[call-overload]
        out = tuple(e.strip().lower() for e in entries if e.strip())
        for e in out:  # "host", "host:port", "[v6]:port", "v6", "net/len"
            port = ""
            if e.startswith("[") and "]:" in e:
                port = e.rsplit("]:", 1)[1]
            elif e.count(":") == 1:
                port = e.split(":")[1]
            if port and not (port.isdigit() and 0 < int(port) < 65536):
                raise ValueError(f"webhook_allow_hosts: {e!r} has no valid port")
        return out

    def resolved_jwks_file(self) -> str:
        if self.auth_jwks_file:
            return self.auth_jwks_file
        from pathlib import Path

        from shared.auth import local_keys

        return str(local_keys(Path(self.data_dir) / "keys")[1])

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir}/{self.service}.db"

    def resolved_keystore_url(self) -> str:
        """Never the event database: a restored backup of it must not bring keys back."""
        if self.keystore_url:
            if self.keystore_url == self.resolved_database_url():
                raise ValueError("WECARE_KEYSTORE_URL must name a database of its own, not the service's")
            return self.keystore_url
        return f"sqlite+aiosqlite:///{self.data_dir}/{self.service}-keys.db"
