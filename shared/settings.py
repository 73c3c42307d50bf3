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
    idempotency_key_ttl_s: float = Field(24 * 3600.0, gt=0, le=90 * 24 * 3600.0)  # how long a key is remembered
    max_body_bytes: int = 5 * 2**20  # a larger request body gets 413 (batches are bounded per endpoint too)

    # access: bearer JWTs (RS256) verified against a JWKS file; empty: the embedded
    # stack's local key set under <data_dir>/keys (made on first start).
    # "off" is a local development switch: every request acts as an admin.
    auth: Literal["jwt", "off"] = "jwt"
    auth_jwks_file: str = ""
    auth_issuer: str = "wecare"
    auth_audience: str = "wecare"

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
    webhook_concurrency: int = 32  # factories' queues served at once
    webhook_poll_s: float = 1.0
    webhook_secret_grace_s: int = 86400  # a rotated-out secret still signs this long
    webhook_allow_http: bool = False  # plain http endpoints: local stacks and tests only

    # the evaluation's reports (HTML, PDF) are drawn in worker processes, off the event loop: this many at
    # once, and this many more waiting for one; another answers 503 with Retry-After
    report_workers: int = Field(2, ge=1, le=32)
    report_queue: int = Field(4, ge=0, le=1000)

    @field_validator("countries", mode="before")
    @classmethod
    def _countries(cls, v: object) -> tuple[str, ...]:
        return parse_country_list(v)  # type: ignore[arg-type]

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
