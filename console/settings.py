"""The gateway's settings: the kernel's (WECARE_DATA_DIR, WECARE_HTTP_PORT, the
token verification, the rate limits) and where the five services are."""

from __future__ import annotations

from pydantic import Field

from shared.settings import Settings


class ConsoleSettings(Settings):
    service: str = "console"
    http_port: int = 8100
    # each service's address, as JSON: {"assessment": "http://127.0.0.1:8101", ...}
    upstreams: dict[str, str] = Field(default_factory=dict)
    # the embedded default's accounts (hashed passwords, tokens signed with the stack's local key);
    # off: sign in with a token of the identity provider
    console_accounts: bool = True
    # the private key account tokens are signed with (its public key in the services' key set); empty: the
    # embedded stack's local key, <data_dir>/keys/signing-key.pem (made once)
    console_signing_key: str = ""
    console_token_ttl_s: int = Field(12 * 3600, gt=0, le=24 * 3600)
