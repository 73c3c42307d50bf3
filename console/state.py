"""What the gateway holds: the console's accounts, the key that signs their
tokens, and the way to the five services (their public APIs only).

Accounts are the embedded default's sign-in: a user name, an Argon2id hash
of the password (argon2-cffi, the reference implementation's binding; its
defaults are RFC 9106's second recommended parameters), and the role and
scope its tokens carry. Signing in mints a token exactly like
`wecare token` does (shared.auth.issue), so a console user reaches the
services with the same checks as any other client. In production, tokens
come from the identity provider instead (WECARE_CONSOLE_ACCOUNTS=off): the
console then accepts a bearer token the provider issued."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shared.access import ROLES, Principal
from shared.auth import Verifier, issue
from shared.countries import countries as known_countries
from shared.files import private_dir
from shared.logging import CORRELATION_HEADER, current_correlation, get_logger

log = get_logger("console")

SERVICES = ("assessment", "planning", "delivery", "evaluation", "buyers")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 10
MAX_DEVICE_KEYS = 20  # per account
MAX_LABEL = 60
DEVICE_KEY = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
LAST_USED_EVERY = timedelta(minutes=10)  # how often a key's use is written down
# Argon2id hashes at once (each takes 64 MiB for tens of milliseconds): sign-ins and every ODK request with
# Basic credentials hash, unauthenticated; without a bound, a burst of them takes a thread pool's worth of memory
HASHES_AT_ONCE = 4


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    countries: tuple[str, ...] = ()
    buyer: str | None = None
    name: str = ""  # how the console greets them; the username if empty


@dataclass(frozen=True)
class DeviceKey:
    """A phone's key, as listed: never the key itself (only its SHA-256 is kept)."""

    key_id: str
    username: str
    label: str
    created_at: str  # ISO 8601, UTC
    last_used_at: str | None = None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class AccountError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Accounts:
    """The console's users, in a SQLite file of their own (<data>/console/accounts.db).
    Hashing is slow on purpose (tens of milliseconds): it runs off the event loop."""

    def __init__(self, path: Path) -> None:
        self.path = path
        private_dir(path.parent)
        self._hasher = PasswordHasher()
        self._hashing = threading.BoundedSemaphore(HASHES_AT_ONCE)
        # a hash to verify against when the user does not exist: the same time either way
        self._decoy = self._hasher.hash("decoy password, never matches")
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS accounts (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,"
                       " role TEXT NOT NULL, countries TEXT NOT NULL, buyer TEXT, name TEXT NOT NULL DEFAULT '')")
            # a phone's key (ODK Collect's server URL carries it): its SHA-256 only, never the key
            db.execute("CREATE TABLE IF NOT EXISTS device_keys (key_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL "
                       "UNIQUE, username TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL, "
                       "last_used_at TEXT)")
            db.execute("CREATE INDEX IF NOT EXISTS device_keys_user ON device_keys (username)")

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    @staticmethod
    def _account(row: tuple[Any, ...]) -> Account:
        username, role, countries, buyer, name = row
        return Account(username, role, tuple(c for c in countries.split(",") if c), buyer, name)

    def add(self, username: str, password: str, role: str, countries: tuple[str, ...] | list[str] = (),
            buyer: str | None = None, name: str = "", *, replace: bool = False) -> Account:
        if not USERNAME.match(username):
            raise AccountError("username", "a user name is 2-63 of a-z, 0-9, '.', '_' and '-', starting with a "
                                           "letter or digit")
        if len(password) < MIN_PASSWORD:
            raise AccountError("password", f"a password has at least {MIN_PASSWORD} characters")
        if role not in ROLES:
            raise AccountError("role", f"role must be one of {', '.join(ROLES)}")
        bad = [c for c in countries if c not in known_countries()]
        if bad:
            known = ", ".join(sorted(known_countries()))
            raise AccountError("countries", f"unknown country {bad[0]!r}; known: {known}")
        if role == "country_team" and not countries:
            raise AccountError("countries", "a country team's account names its countries")
        if role == "buyer" and not buyer:
            raise AccountError("buyer", "a buyer's account names the buyer")
        account = Account(username, role, tuple(countries), buyer, name)
        with self._db() as db:
            verb = "INSERT OR REPLACE" if replace else "INSERT"
            try:
                db.execute(f"{verb} INTO accounts VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - two fixed verbs
                           (username, self._hasher.hash(password), role, ",".join(countries), buyer, name))
            except sqlite3.IntegrityError:
                raise AccountError("username", f"the user {username} exists already") from None
        return account

    def get(self, username: str) -> Account | None:
        with self._db() as db:
            row = db.execute("SELECT username, role, countries, buyer, name FROM accounts WHERE username = ?",
                             (username,)).fetchone()
        return self._account(row) if row else None

    def all(self) -> list[Account]:
        with self._db() as db:
            rows = db.execute("SELECT username, role, countries, buyer, name FROM accounts ORDER BY username")
            return [self._account(r) for r in rows.fetchall()]

    def _verify(self, username: str, password: str) -> Account | None:
        with self._db() as db:
            row = db.execute("SELECT password_hash, username, role, countries, buyer, name FROM accounts "
                             "WHERE username = ?", (username.strip().lower(),)).fetchone()
        try:
            with self._hashing:
                self._hasher.verify(row[0] if row else self._decoy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(row[0]):
            with self._db() as db:
                db.execute("UPDATE accounts SET password_hash = ? WHERE username = ?",
                           (self._hasher.hash(password), row[1]))
        return self._account(row[1:])

    async def verify(self, username: str, password: str) -> Account | None:
        """The account whose password this is; None for a wrong user name or password alike."""
        return await asyncio.to_thread(self._verify, username, password)

    # -- device keys: a phone signs in with a key in its server URL (ODK Central's App Users) ------------------

    def new_device_key(self, username: str, label: str) -> str:
        """A new key for one of the user's phones, returned once: only its SHA-256 is kept."""
        label = " ".join(label.split())
        if not label:
            raise AccountError("label", "name the phone, e.g. Rafi's phone")
        if len(label) > MAX_LABEL:
            raise AccountError("label", f"a phone's name is at most {MAX_LABEL} characters")
        key = secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")  # the count and the insert at once: at most MAX_DEVICE_KEYS
            try:
                if db.execute("SELECT 1 FROM accounts WHERE username = ?", (username,)).fetchone() is None:
                    raise AccountError("username", f"no account {username}")
                (n,) = db.execute("SELECT count(*) FROM device_keys WHERE username = ?", (username,)).fetchone()
                if n >= MAX_DEVICE_KEYS:
                    raise AccountError("label", f"an account has at most {MAX_DEVICE_KEYS} phones: revoke one first")
                db.execute("INSERT INTO device_keys VALUES (?, ?, ?, ?, ?, NULL)",
                           (secrets.token_hex(8), key_hash(key), username, label, now))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return key

    def device_account(self, key: str) -> Account | None:
        """The account a phone's key belongs to; None for a wrong, revoked or malformed key alike. The key is
        looked up by its SHA-256 (what an attacker times is a hash of their guess, not a comparison with a key)."""
        if not DEVICE_KEY.match(key):
            return None
        h = key_hash(key)
        with self._db() as db:
            row = db.execute("SELECT k.key_hash, k.key_id, k.last_used_at, a.username, a.role, a.countries, a.buyer,"
                             " a.name FROM device_keys k JOIN accounts a ON a.username = k.username "
                             "WHERE k.key_hash = ?", (h,)).fetchone()
            if row is None or not hmac.compare_digest(row[0], h):
                return None
            now = datetime.now(UTC)
            if row[2] is None or row[2] < (now - LAST_USED_EVERY).isoformat(timespec="seconds"):
                db.execute("UPDATE device_keys SET last_used_at = ? WHERE key_id = ?",
                           (now.isoformat(timespec="seconds"), row[1]))
        return self._account(row[3:])

    def device_keys(self, username: str) -> list[DeviceKey]:
        with self._db() as db:
            rows = db.execute("SELECT key_id, username, label, created_at, last_used_at FROM device_keys "
                              "WHERE username = ? ORDER BY created_at, key_id", (username,)).fetchall()
        return [DeviceKey(*r) for r in rows]

    def revoke_device_key(self, username: str, key_id: str) -> bool:
        """Revokes one of the user's keys; False if the user has no such key (another's is not theirs)."""
        with self._db() as db:
            return db.execute("DELETE FROM device_keys WHERE username = ? AND key_id = ?",
                              (username, key_id)).rowcount > 0


class Upstream:
    """The five services' public APIs, called with the caller's own token: the
    services decide access, the console only shows what they answer."""

    def __init__(self, targets: Mapping[str, str | httpx.AsyncClient], timeout: float = 30.0) -> None:
        self.clients: dict[str, httpx.AsyncClient] = {}
        for name, target in targets.items():
            self.clients[name] = target if isinstance(target, httpx.AsyncClient) else httpx.AsyncClient(
                base_url=target, timeout=timeout)

    async def call(self, service: str, method: str, path: str, *, token: str | None, json: Any = None,
                   headers: Mapping[str, str] | None = None, lang: str | None = None, content: bytes | None = None,
                   params: Any = None) -> httpx.Response:
        if service not in self.clients:
            raise KeyError(service)
        h: dict[str, str] = {}
        if token:
            h["Authorization"] = f"Bearer {token}"
        if lang:
            h["Accept-Language"] = lang
        cid, _ = current_correlation()
        if cid:
            h[CORRELATION_HEADER] = cid
        h.update(headers or {})
        return await self.clients[service].request(method, path, json=json, headers=h, content=content,
                                                   params=params)

    async def aclose(self) -> None:
        for c in self.clients.values():
            await c.aclose()


@dataclass
class Console:
    accounts: Accounts | None  # None: accounts are off, tokens come from the identity provider
    upstream: Upstream
    verifier: Verifier
    signing_key: Path | None
    token_ttl_s: int = 12 * 3600
    public_url: str = ""

    def mint(self, account: Account) -> str:
        if self.signing_key is None:
            raise RuntimeError("this console signs no tokens (accounts are off)")
        return issue(self.signing_key, role=account.role, subject=account.username,
                     countries=list(account.countries) or None, buyer=account.buyer, ttl_s=self.token_ttl_s)

    async def principal(self, token: str) -> Principal:
        return await self.verifier.principal(token)
