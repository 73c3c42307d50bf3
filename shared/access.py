"""Who may do what: a caller's role and scope, read from a token's claims and
decided here, in one place, for every entry point (HTTP, the console, a
field-capture import, a reaction).

Roles:
- admin: everything, the operations endpoints included;
- programme_manager: every country (or the countries its token names), reads and writes;
- country_team: its countries only (its token must name them), reads and writes;
- buyer: read-only, the factories in its own programmes, aggregates only;
  it writes only to its own integration (its webhook endpoints);
- auditor: read-only, every country (or the countries its token names);
- service: a service's own reaction to another service's event, scoped to
  that event's country (never in a token).

Deny by default: a claim that is missing where the role needs it, empty, or
not of its form makes the token invalid (401), never "every country"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.aggregate import NotFound
from shared.countries import countries as known_countries

ROLES = ("admin", "programme_manager", "country_team", "buyer", "auditor")
WRITERS = frozenset({"admin", "programme_manager", "country_team", "service"})
MAX_CLAIM = 300  # characters of a buyer name
MAX_SUBJECT = 200  # characters of a subject: every event keeps its writer's (events.actor holds 200)


class InvalidScope(ValueError):
    """A token's role or scope claims are not of their form."""


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    countries: tuple[str, ...] | None = None  # None: every country (never for a country team or a buyer)
    buyer: str | None = None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """The one reading of a token's claims (deny by default)."""
        role, subject = claims.get("role"), claims.get("sub")
        if role not in ROLES:
            raise InvalidScope(f"unknown role {role!r}")
        if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT:
            raise InvalidScope(f"the subject (sub) must be a non-empty string of at most {MAX_SUBJECT} characters")
        raw = claims.get("countries")
        scope: tuple[str, ...] | None = None
        if role == "buyer":
            buyer = claims.get("buyer")
            if not isinstance(buyer, str) or not buyer.strip() or len(buyer) > MAX_CLAIM:
                raise InvalidScope("a buyer's token must name its buyer")
            if raw is not None:
                raise InvalidScope("a buyer's token names no countries")
            return cls(subject=subject, role=role, buyer=buyer)
        if raw is not None or role == "country_team":
            if not isinstance(raw, list) or not raw or not all(isinstance(c, str) for c in raw):
                raise InvalidScope("countries must be a non-empty list of country codes")
            scope = tuple(sorted({c.lower() for c in raw}))
            unknown = [c for c in scope if c not in known_countries()]
            if unknown:
                raise InvalidScope(f"unknown countries in the token: {', '.join(unknown)}")
        return cls(subject=subject, role=role, countries=scope)

    @classmethod
    def reaction(cls, name: str, country: str) -> Principal:
        """A service's policy acting on an event of `country`: that country only."""
        return cls(subject=name, role="service", countries=(country,))

    @property
    def can_write(self) -> bool:
        return self.role in WRITERS

    def sees_country(self, country: str) -> bool:
        if self.role == "buyer":
            return False  # buyers read their portfolio, never a country team's views
        return self.countries is None or country in self.countries

    def sees_buyer(self, buyer: str) -> bool:
        """Reads of a buyer's portfolio: a buyer its own; the others the part in their countries."""
        return self.role != "buyer" or self.buyer == buyer

    def manages_buyer(self, buyer: str) -> bool:
        """A buyer's integration (its webhook endpoints, their deliveries and secrets): the buyer
        itself, an admin, an auditor (to read) and a programme manager of every country."""
        if self.role == "buyer":
            return self.buyer == buyer
        return self.role in ("admin", "auditor") or (self.role == "programme_manager" and self.countries is None)

    @property
    def tenant(self) -> str:
        """Whose idempotency keys these are: one caller (a subject in its role and scope)."""
        scope = self.buyer if self.role == "buyer" else ",".join(self.countries or ("*",))
        return f"{self.role}:{scope}:{self.subject}"

    def can_change(self, country: str | None) -> bool:
        """Deny by default: a writer, and a country in its scope."""
        return (country is not None and self.role in WRITERS
                and (self.countries is None or country in self.countries))  # (buyers are no writers)

    def check_country(self, country: str | None, what: str, ident: str) -> None:
        """An object of `country` that this caller may change, else it does
        not exist for them (404, the same answer as a missing one)."""
        if not self.can_change(country):
            raise NotFound(what, ident)

    def check_buyer(self, buyer: str, *, write: bool) -> None:
        if not self.manages_buyer(buyer) or (write and self.role == "auditor"):
            raise NotFound("buyer", buyer)
