"""API helpers every service uses: the country in the path, the actor, the
idempotency key and the expected version of a write."""

from __future__ import annotations

from fastapi import Header, HTTPException, Path, Request

from shared.countries import country as lookup_country


def served_country(request: Request, country: str = Path(..., description="country code, e.g. bd")) -> str:
    code = country.lower()
    lookup_country(code)  # UnknownCountry -> 422 naming the field
    if code not in request.app.state.service.settings.countries:
        raise HTTPException(404, f"country {code} is not served by this deployment")
    return code


def actor(x_actor: str | None = Header(None, description="who acts (until tokens carry it)")) -> str:
    return x_actor or "anonymous"


def idempotency_key(idempotency_key: str | None = Header(None, max_length=200)) -> str | None:
    return idempotency_key


def expected_version(if_match: str | None = Header(None, description="the stream version the write is based on")
                     ) -> int | None:
    if if_match is None:
        return None
    try:
        return int(if_match.strip('"W/'))
    except ValueError:
        from shared.aggregate import DomainError
        raise DomainError("If-Match must be a stream version number", field="If-Match", rule="version") from None
