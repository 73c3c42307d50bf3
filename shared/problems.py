"""Every refusal as an RFC 9457 problem (`application/problem+json`): the
standard members `type`, `title`, `status`, `detail`, `instance`, and ours as
extension members (`correlation_id`; `field`, `fields`, `rule`, `items` for
invalid input and broken rules; `reason`, `retry_after_s`, `limit`, `per`,
`stream_id`, `expected_version`, `current_version` where they apply).

`type` names the kind of problem: a URI reference, `/problems/<kind>`, which
every service answers (GET, no token needed) with the kind's title, status and
description. It is relative (RFC 9457 3.1.1 allows it): the same string on
every service and behind any proxy, so a client compares it as a constant, and
resolved against the request's URL it is an address that answers. A refusal of
no kind of ours (405, say) is `about:blank`, titled by its HTTP status."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.i18n import N_

MEDIA_TYPE = "application/problem+json"
PREFIX = "/problems/"
BLANK = "about:blank"


@dataclass(frozen=True)
class Kind:
    slug: str
    status: int
    title: str
    description: str

    @property
    def type(self) -> str:
        return PREFIX + self.slug


KINDS: dict[str, Kind] = {k.slug: k for k in (
    Kind("invalid-input", 422, N_("Invalid input"),
         "A parameter or a field of the body is missing, of the wrong type or out of its bounds; `fields` names "
         "each one (`field`, `message`, `type`). Nothing was stored."),
    Kind("rule-broken", 422, N_("A rule is broken"),
         "The input is well formed but breaks a rule of the domain; `rule` names the rule, `field` the field and "
         "`items` the values concerned. Nothing was stored."),
    Kind("idempotency-key-reused", 422, N_("Idempotency key reused"),
         "The Idempotency-Key was used before with another body; use a new key for another request."),
    Kind("unauthorized", 401, N_("A valid bearer token is needed"),
         "No bearer token, or one that is not valid (expired, not signed by a known key); `detail` says why. "
         "The WWW-Authenticate header names the Bearer scheme."),
    Kind("forbidden", 403, N_("Not allowed"),
         "The caller's role or scope does not allow it (a read-only role writing, a country outside the scope "
         "of a collection)."),
    Kind("not-found", 404, N_("Not found"),
         "No such object here, or one outside the caller's scope (which answers as if it did not exist), or a "
         "country this deployment does not serve."),
    Kind("conflict", 409, N_("Conflict"),
         "Another write changed the object at the same time; read it again and retry."),
    Kind("precondition-failed", 412, N_("Precondition failed"),
         "The If-Match version is not the object's current version: it changed since it was read. "
         "`expected_version` is the one sent, `current_version` the one there is; read it again (its ETag) "
         "and decide again."),
    Kind("too-large", 413, N_("Request body too large"), "The request body is over the service's limit."),
    Kind("unsupported-media-type", 415, N_("Unsupported media type"),
         "The request body is not JSON: send it with Content-Type: application/json. Nothing was stored."),
    Kind("rate-limited", 429, N_("Too many requests"),
         "Too many requests from this caller or client address; `limit` and `per` name the limit, Retry-After "
         "(and `retry_after_s`) says when to try again."),
    Kind("unavailable", 503, N_("Service unavailable"),
         "Not now (a full disk, a read-only or unreachable database, all report workers busy); `reason` says "
         "which. Try again after Retry-After seconds."),
    Kind("internal-error", 500, N_("Internal error"),
         "The server could not complete the request; quote the correlation id when you report it."),
)}


class ProblemKind(BaseModel):
    """What a problem's `type` names (GET /problems/<kind>)."""

    type: str
    title: str
    status: int
    description: str


class ProblemField(BaseModel):
    """One input a problem names."""

    model_config = ConfigDict(extra="allow")
    field: str = Field(description="the parameter or body field, dotted (`sections.0.answers`)")
    message: str | None = None
    type: str | None = Field(None, description="the kind of check that failed (`string_too_long`, ...)")


class Problem(BaseModel):
    """An RFC 9457 problem; the members after `instance` are extensions."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(BLANK, description="the kind of problem: `/problems/<kind>` (GET it for its description) "
                                         "or about:blank")
    title: str = Field(description="the kind's short summary (the same for every problem of the kind)")
    status: int = Field(description="the HTTP status code")
    detail: str | None = Field(None, description="what happened this time, for a person")
    instance: str | None = Field(None, description="the path of the request that had the problem")
    correlation_id: str | None = Field(None, description="quote it when you report a problem")
    field: str | None = Field(None, description="the field a rule or input names")
    fields: list[ProblemField] | None = None
    rule: str | None = Field(None, description="the rule broken")
    items: list[Any] | None = Field(None, description="the values a broken rule concerns")
    reason: str | None = Field(None, description="why a service is unavailable (503)")
    retry_after_s: int | None = None


# the titles of the HTTP statuses a refusal of no kind of ours may have (about:blank), for the catalogues
STATUS_TITLES = (N_("Method Not Allowed"), N_("Not Acceptable"), N_("Bad Request"), N_("Not Found"))


def problem(kind: str | int, detail: str | None, *, instance: str | None, correlation_id: str | None,
            **more: Any) -> dict[str, Any]:
    """A problem's body: one of KINDS by slug, or an HTTP status code (about:blank)."""
    if isinstance(kind, int):
        try:
            title = HTTPStatus(kind).phrase
        except ValueError:
            title = "Error"
        body: dict[str, Any] = {"type": BLANK, "title": title, "status": kind}
    else:
        k = KINDS[kind]
        body = {"type": k.type, "title": k.title, "status": k.status}
    body |= {"detail": detail, "instance": instance, "correlation_id": correlation_id}
    body |= {k: v for k, v in more.items() if v is not None}
    return {k: v for k, v in body.items() if v is not None}


def slug_of(problem_type: str) -> str | None:
    """The kind a `type` names (None for about:blank or another URI)."""
    return problem_type[len(PREFIX):] if problem_type.startswith(PREFIX) else None
