"""API helpers every service uses: the country in the path, the caller, and
the one CommandContext a write runs in (actor and scope, country, expected
version, idempotency key, correlation)."""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

import orjson
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, Field, create_model

from shared.application import Command, CommandContext
from shared.auth import Principal
from shared.contracts.values import MAX_INT
from shared.countries import country as lookup_country
from shared.http import scope_language, speaking
from shared.i18n import KERNEL_TEXTS, LANGUAGES, N_, Text, Texts
from shared.logging import current_correlation
from shared.problems import KINDS, MEDIA_TYPE, Problem, problem

C = TypeVar("C", bound=Command)
E = TypeVar("E", bound=Callable[..., Awaitable[Any]])


def _iso_day(v: object) -> object:
    """A day in a query is written YYYY-MM-DD (pydantic alone reads `0` as 1970-01-01)."""
    if isinstance(v, str) and not (len(v) == 10 and v[4] == "-" and v[7] == "-"):
        raise ValueError("a day is written YYYY-MM-DD")
    return v


IsoDate = Annotated[date, BeforeValidator(_iso_day)]


LANGUAGE_DOC = (
    "**Languages.** Texts for people are in the language of the request's `Accept-Language` header "
    "(RFC 9110; tags matched case-insensitively, `zh-CN` is `zh`), or of a `lang` query parameter, which "
    f"comes first: {', '.join(LANGUAGES)}; English otherwise. That is every problem's `title`, `detail` and "
    "`fields[].message`, and the names beside codes (the menu's activities and need areas, KPIs, checklist "
    "items). The answer says which in `Content-Language`, with `Vary: Accept-Language`. Codes and every member "
    "a program reads (`type`, `field`, `rule`, `items`, `fields[].type`) are the same in every language.")


def answer_language(request: Request, response: Response) -> str:
    """The language an answer's names are in (`?lang=`, Accept-Language, English), said in its headers."""
    lang = scope_language(request.scope)
    response.headers.update(speaking(lang))
    return lang


def texts_of(request: Request) -> Texts:
    """The service's texts (its catalogues, then the kernel's)."""
    return getattr(request.app.state, "texts", KERNEL_TEXTS)


def caller(request: Request) -> Principal:
    """The verified caller: set by the `principal` dependency, which every router's
    routes have and which runs before their own parameters. A route without it is
    refused (deny by default), never served as nobody."""
    p = getattr(request.state, "principal", None)
    if p is None:
        raise HTTPException(401, N_("a bearer token is needed"), headers={"WWW-Authenticate": "Bearer"})
    return p


def served_country(request: Request, country: str = Path(..., description="country code, e.g. bd")) -> str:
    """The country in the path: known, served here, and in the caller's scope.
    Out of scope, a collection answers 403 and a resource 404 (its existence
    does not leak)."""
    code = country.lower()
    lookup_country(code)  # UnknownCountry -> 422 naming the field
    if code not in request.app.state.service.settings.countries:
        raise HTTPException(404, Text(N_("country %(country)s is not served by this deployment"), {"country": code}))
    if not caller(request).sees_country(code):
        parts = request.url.path.strip("/").split("/")
        if len(request.path_params) > 1 and len(parts) >= 3:  # a resource: as if it did not exist
            from shared.aggregate import NotFound

            collection = parts[1]
            what = collection[:-3] + "y" if collection.endswith("ies") else collection.rstrip("s")
            raise NotFound(what, parts[2])
        raise HTTPException(403, Text(N_("country %(country)s is outside your scope"), {"country": code}))
    return code


def buyer_scope(request: Request, buyer: str = Path(..., description="the buyer, e.g. Otto Group")) -> str:
    """A buyer reads its own portfolio only (another buyer's answers 404, as
    if it did not exist); a country team reads the part of any portfolio in
    its countries."""
    if not caller(request).sees_buyer(buyer):
        from shared.aggregate import NotFound

        raise NotFound("programmes of buyer", buyer)
    return buyer


def scope_countries(request: Request) -> tuple[str, ...] | None:
    """The countries a caller's portfolio views are limited to (None: all)."""
    p = caller(request)
    return None if p.role == "buyer" else p.countries


def idempotency_key(idempotency_key: str | None = Header(None, max_length=200)) -> str | None:
    return idempotency_key


def expected_version(if_match: str | None = Header(
        None, description="the stream version the write is based on: the ETag of the object's read "
                          "(`\"4-…\"`), or the version alone (`4`); a stale one answers 412")) -> int | None:
    if if_match is None or if_match.strip() == "*":  # `*`: if it exists (RFC 9110 13.1.1), as a missing one is 404
        return None
    from shared.aggregate import DomainError

    try:  # "4-9f86d081884c7d659a2f" (an ETag of ours: the version, then the digest), "4" or 4
        version = int(if_match.strip().removeprefix("W/").strip('"').split("-", 1)[0])
    except ValueError:
        raise DomainError(N_("If-Match must be a stream version number"), field="If-Match", rule="version") from None
    if not 0 <= version <= MAX_INT:
        raise DomainError(N_("If-Match must be a stream version from 0 to %(max)s"), params={"max": MAX_INT},
                          field="If-Match", rule="version")
    return version


def caller_context(request: Request, version: int | None = Depends(expected_version),
                   key: str | None = Depends(idempotency_key)) -> CommandContext:
    """THE context a command runs in, from a request: the caller (role and
    scope), If-Match, Idempotency-Key and the correlation ids. Addressed to
    no country (a buyer's integration); see command_context."""
    correlation_id, causation_id = current_correlation()
    return CommandContext(caller(request), None, expected_version=version, idempotency_key=key,
                          correlation_id=correlation_id, causation_id=causation_id)


def command_context(country: str = Depends(served_country), ctx: CommandContext = Depends(caller_context)
                    ) -> CommandContext:
    """The context of a command addressed to a country (every write under /{country})."""
    return replace(ctx, country=country)


def body_of(command: type[C], *path: str) -> type[C]:
    """A command's request body: the command without the fields the URL's path
    gives (the route builds the command from both, so the command's own
    limits apply to the path too)."""
    fields: Any = {name: (str, Field("", exclude=True)) for name in path}
    return create_model(f"{command.__name__}Body", __base__=command, **fields)


# -- pagination: one convention -------------------------------------------------------------
# A list answers {items, total, limit, offset} for ?limit=&offset=, and a Link header (RFC 8288)
# with the pages around it: first and last always, prev and next where there is one. A feed read
# by a cursor (the buyers' feed, /ops/actions) answers its own `next` and a Link rel="next" while
# there is more. The links are relative references (the request's path and its other parameters).

LINK_HEADER = {"Link": {"description": "RFC 8288 links to the other pages: rel first, prev, next, last",
                        "schema": {"type": "string"}}}

CURSOR_LINK = {"Link": {"description": "RFC 8288 link rel=\"next\" to the records after these, while there are more",
                        "schema": {"type": "string"}}}


def _page_url(request: Request, **params: Any) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    # the path as a URI (RFC 8288: a Link's target is a URI-Reference): percent-encoded, so a space, `>`
    # or `,` of a path parameter (a buyer's name) neither breaks the header nor makes another link of it
    return f"{quote(request.url.path, safe=PATH_SAFE)}?{urlencode(query)}"


# RFC 3986's pchar, less `%` (the path is decoded: a `%` in it is a `%`) and less `;` and `,`, which
# Link parsers split on even inside <...> (the service decodes the path: %3B and ; are one path to it)
PATH_SAFE = "/!$&'()*+=:@-._~"


def page_links(request: Request, total: int, limit: int, offset: int) -> str:
    """The Link header of one page of a list of `total`."""
    last = max(0, (total - 1) // limit * limit)
    rels = [("first", 0)]
    if offset > 0:
        rels.append(("prev", max(0, min(offset - limit, last))))
    if offset + limit < total:
        rels.append(("next", offset + limit))
    rels.append(("last", last))
    return ", ".join(f'<{_page_url(request, limit=limit, offset=o)}>; rel="{rel}"' for rel, o in rels)


def cursor_link(request: Request, cursor: str, name: str = "after") -> str:
    return f'<{_page_url(request, **{name: cursor})}>; rel="next"'


class Page:
    """?limit=&offset= for list endpoints; answers {items, total, limit, offset} and sets the
    Link header (first, prev, next, last) on the answer."""

    def __init__(self, request: Request, response: Response, limit: int = Query(50, ge=1, le=500),
                 offset: int = Query(0, ge=0, le=MAX_INT)) -> None:
        self.limit = limit
        self.offset = offset
        self.request = request
        self.response = response

    async def fetch(self, conn, query) -> dict:  # noqa: ANN001
        from sqlalchemy import func, select

        total = int(await conn.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
        rows = await conn.execute(query.limit(self.limit).offset(self.offset))
        self.response.headers["Link"] = page_links(self.request, total, self.limit, self.offset)
        return {"items": [dict(r._mapping) for r in rows], "total": total, "limit": self.limit,
                "offset": self.offset}


# -- conditional reads: ETag -------------------------------------------------------------------


def versioned(body: Any, version: int) -> JSONResponse:
    """A read of one object whose stream version is known: a strong ETag `"<version>-<digest>"`
    (the digest of these bytes: the read model may change without the stream, an erasure
    say), which If-Match takes back as the version a write is based on (expected_version).
    If-None-Match is answered by shared.http.ConditionalGET."""
    from shared.http import digest_tag

    response = JSONResponse(jsonable_encoder(body))
    response.headers["ETag"] = f'"{version}-{digest_tag(response.body)}"'
    return response


async def one_in_country(db, table, key, ident: str, country: str, what: str) -> dict:  # noqa: ANN001
    """One row of a per-country read model; another country's row does not exist here."""
    from sqlalchemy import and_, select

    from shared.aggregate import NotFound

    async with db.read() as conn:
        row = (await conn.execute(select(table).where(and_(key == ident, table.c.country == country)))).first()
    if row is None:
        raise NotFound(what, ident)
    return dict(row._mapping)


def attachment(stem: str, ext: str) -> str:
    """A Content-Disposition for a download named after anything (a buyer's name in any
    script): HTTP writes headers in Latin-1, so the plain filename keeps ASCII letters and
    digits, and filename* (RFC 6266) carries the name in UTF-8."""
    safe = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in stem.lower())
    safe = "-".join(filter(None, safe.split("-"))) or "download"
    full = "-".join(stem.lower().split()) or "download"
    return f"attachment; filename=\"{safe}.{ext}\"; filename*=UTF-8''{quote(full, safe='')}.{ext}"


def json_columns(row: dict, *keys: str) -> dict:
    """Decode a read-model row's JSON text columns in place (empty or NULL: None)."""
    import orjson

    for k in keys:
        v = row.get(k)
        row[k] = orjson.loads(v) if v else None
    return row


# -- where a created object lives, and what a client does with it next ---------------------
# A create answers 201 with Location: the created object's URL (RFC 9110, 10.2.2 and 15.3.2),
# built from the path the request came by, the answer and the body. declare_errors declares
# the header and the OpenAPI links from each write to the operations on the object it wrote
# (create, then read, change or act on it), so a client, and the fuzz run's stateful phase,
# can follow them without knowing the URL scheme.

_PARAM = re.compile(r"\{(\w+)\}")


def located(template: str, *feeds: str) -> Callable[[E], E]:
    """A create route: its 201 answer carries Location, `template` (the full path, e.g.
    "/{country}/factories/{factory_id}") filled from the request's path parameters, then the
    answer, then the body; an id the answer does not name is added to it, so a client (and a
    link) finds every id of the created object in the answer. `feeds` ("POST /{country}/assessments")
    are other operations that take the created object's ids (in their path or body): declared
    as links too."""
    names = _PARAM.findall(template)

    def wrap(endpoint: E) -> E:
        @functools.wraps(endpoint)
        async def created(*args: Any, **kwargs: Any) -> Any:
            result = await endpoint(*args, **kwargs)
            request = next(v for v in (*args, *kwargs.values()) if isinstance(v, Request))
            bodies = [v for v in (*args, *kwargs.values()) if isinstance(v, BaseModel)]
            answer = dict(result) if isinstance(result, dict) else {}
            values: dict[str, Any] = {}
            for name in names:
                if name in request.path_params:
                    values[name] = request.path_params[name]
                    continue
                if answer.get(name) is None:
                    answer[name] = next(getattr(b, name) for b in bodies if getattr(b, name, None) is not None)
                values[name] = answer[name]
            location = template.format(**{k: quote(str(v), safe="") for k, v in values.items()})
            return JSONResponse(jsonable_encoder(answer if isinstance(result, dict) else result), status_code=201,
                                headers={"Location": location})

        created.__wecare_location__ = (template, feeds)  # type: ignore[attr-defined]
        return created  # type: ignore[return-value]

    return wrap


def _route_params(route: APIRoute) -> list[str]:
    return _PARAM.findall(route.path_format)


def _object_of(route: APIRoute) -> str | None:
    """The object a write acts on: its path up to its last path parameter, when that names an
    object inside a collection (/{country}/plans/{plan_id}/approve: /{country}/plans/{plan_id})."""
    head = route.path_format.rsplit("}", 1)[0] + "}" if "}" in route.path_format else ""
    return head if head.count("/") >= 3 else None


def _declare_links(routes: list[APIRoute]) -> None:
    by_key = {(m, r.path_format): r for r in routes for m in r.methods}
    gets = {r.path_format: r for r in routes if "GET" in r.methods}
    for source in routes:
        location, feeds = getattr(source.endpoint, "__wecare_location__", (None, ()))
        writes = bool(source.methods & {"POST", "PUT", "PATCH", "DELETE"})
        obj = location or (_object_of(source) if writes else None)
        if obj is None:
            continue
        own = set(_route_params(source))
        known = {n: f"$request.path.{n}" if n in own else f"$response.body#/{n}" for n in _PARAM.findall(obj)}
        links: dict[str, Any] = {}
        targets = [r for r in routes if r is not source
                   and (r.path_format == obj or r.path_format.startswith(obj + "/"))]
        if obj not in gets:  # no read of its own: the nearest read that shows it, and what acts on
            above = [p for p in gets if obj.startswith(p + "/") and _PARAM.search(p)]  # that object
            parent = max(above, key=len) if above else None
            if parent is not None:
                targets += [gets[parent], *(r for r in routes if r is not source and r not in targets and location
                                             and parent.endswith("}") and r.path_format.startswith(parent + "/"))]
        for target in [*targets, *(by_key[tuple(f.split(" ", 1))] for f in feeds)]:
            link: dict[str, Any] = {"operationId": operation_id(target), "parameters": {
                n: known[n] for n in _route_params(target) if n in known}}
            model = target.body_field.field_info.annotation if target.body_field is not None else None
            body = {n: e for n, e in known.items()
                    if n in getattr(model, "model_fields", {}) and n not in link["parameters"]}
            if body:  # merged into the body the client (or the fuzzer) writes
                link["requestBody"] = body
            links.setdefault(target.name, link)
        response = source.responses.setdefault(201 if location else (source.status_code or 200), {})
        if location:
            response.setdefault("description", "Created")
            response.setdefault("headers", {})["Location"] = {
                "description": "the created object's URL", "schema": {"type": "string", "format": "uri-reference"}}
        if links:
            response.setdefault("links", {}).update({k: v for k, v in links.items()
                                                     if k not in response.get("links", {})})


# -- the errors a route answers, in its OpenAPI ---------------------------------------------
# What shared/http.py answers for every refusal: an RFC 9457 problem (shared/problems.py),
# application/problem+json, with the schema `Problem` (components) and a real body of each
# kind as its example. Declared on every route (declare_errors), so a client (and the fuzz
# test's status-code, content-type and schema checks) knows each answer.

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

def _described(code: int) -> str:
    """What an error status means in the OpenAPI: the text of each problem kind answered with it
    (shared/problems.py, also its /problems/<kind> page); a body that could not be read has none."""
    texts = [k.description for k in KINDS.values() if k.status == code]
    return " Or: ".join(texts) if texts else "A body that could not be read (not valid JSON)."


def _examples() -> dict[int, dict[str, dict[str, Any]]]:
    """A real body of each kind, made by the function that makes the answers (shared.problems.problem)."""
    cid = "0f5c8a3e2b7d4c1e9a6b5d4c3b2a1f0e"

    def p(kind: str, detail: str, instance: str, **more: Any) -> dict[str, Any]:
        return {"value": problem(kind, detail, instance=instance, correlation_id=cid, **more)}

    return {
        401: {"unauthorized": p("unauthorized", "a bearer token is needed", "/bd/factories")},
        403: {"forbidden": p("forbidden", "the auditor role reads only", "/bd/factories")},
        404: {"not-found": p("not-found", "factory F1 not found", "/bd/factories/F1")},
        409: {"conflict": p("conflict", "stream plan-P1 is at version 4, the write expected 3", "/bd/plans/P1",
                            stream_id="plan-P1", current_version=4)},
        412: {"precondition-failed": p(
            "precondition-failed", "stream plan-P1 is at version 4, the write expected 3", "/bd/plans/P1/approve",
            stream_id="plan-P1", expected_version=3, current_version=4)},
        413: {"too-large": p("too-large", "the request body is over 5,242,880 bytes", "/bd/factories",
                             field="body")},
        415: {"unsupported-media-type": p(
            "unsupported-media-type", "the body must be JSON (Content-Type: application/json), not text/plain",
            "/bd/factories", field="Content-Type", expected="application/json")},
        422: {"invalid-input": p("invalid-input", "invalid input: name", "/bd/factories", fields=[
                  {"field": "name", "message": "String should have at most 200 characters",
                   "type": "string_too_long"}]),
              "rule-broken": p("rule-broken", "31 attended, more than the cohort of 25", "/bd/deliveries/P1/sessions",
                               rule="cohort_size", field="attendance", items=["photo_voice"],
                               fields=[{"field": "attendance", "message": "31 attended, more than the cohort of 25"}])},
        429: {"rate-limited": p("rate-limited", "too many requests: the limit is 600 per 1 minute per token; try "
                                "again in 12 s", "/bd/factories", limit="600 per 1 minute", per="token",
                                retry_after_s=12)},
        503: {"unavailable": p("unavailable", "the database is read-only at the moment (maintenance or a failover): "
                               "nothing of this request was stored; try again later", "/bd/factories",
                               reason="read_only", retry_after_s=30)},
        400: {"bad-request": {"value": problem(400, "There was an error parsing the body", instance="/bd/factories",
                                               correlation_id=cid)}},
    }


EXAMPLES = _examples()
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer", "minimum": 1}}}


def answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route's errors that declare_errors cannot see (a 404 without a
    path parameter, say)."""
    return {code: {"description": _described(code),
                   "content": {MEDIA_TYPE: {"schema": PROBLEM_REF, "examples": EXAMPLES[code]}},
                   **({"headers": RETRY_AFTER} if code in (429, 503) else {})} for code in codes}


def declare_errors(*routers: APIRouter) -> None:
    """Declare on each route of the routers (call it once they hold their routes, before
    the app includes them) the errors it can answer: 401, 403, 429 and 503 everywhere, 422
    on a route with any parameter, 404 with a path parameter, and on a write 409, 412, 413
    and 415. A route's own declaration wins. Then the Location of each create (`located`)
    and the links from each write to what acts on the object it wrote."""
    _declare_links([r for router in routers for r in router.routes if isinstance(r, APIRoute)])
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            codes = {401, 403, 429, 503}  # 503: a store or a work queue that cannot now (shared/unavailable.py)
            if get_flat_params(route.dependant) or route.body_field is not None:
                codes.add(422)
            if route.param_convertors:
                codes.add(404)
            if route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
                codes |= {409, 412, 413, 415}
                if route.body_field is not None:
                    codes.add(400)
            for code, response in answers(*sorted(codes)).items():
                route.responses.setdefault(code, response)
            if _uses(route.dependant, Page):
                route.responses.setdefault(route.status_code or 200, {}).setdefault("headers", {}).update(LINK_HEADER)


def _uses(dependant: Any, call: Any) -> bool:
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)


ETAG = {"ETag": {"description": "the representation's tag: `\"<version>-<digest>\"` (strong) where the object's "
                                "stream version is known (If-Match takes it back), else `W/\"<digest>\"`; send it "
                                "as If-None-Match to be answered 304 while it is unchanged",
                 "schema": {"type": "string"}}}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "an ETag of this read: 304 Not Modified (no body) while it is still the current one"}


def _conditional_reads(spec: dict[str, Any]) -> None:
    """Every JSON read (shared.http.ConditionalGET): its ETag, If-None-Match and the 304."""
    for ops in spec.get("paths", {}).values():
        op = ops.get("get")
        ok = (op or {}).get("responses", {}).get("200", {})
        if not op or "application/json" not in ok.get("content", {}):
            continue
        ok.setdefault("headers", {}).update(ETAG)
        params = op.setdefault("parameters", [])
        if not any(p.get("name") == "If-None-Match" for p in params):
            params.append(IF_NONE_MATCH)
        op["responses"].setdefault("304", {"description": "Not Modified: the If-None-Match tag is the current one",
                                           "headers": ETAG})


# -- operation ids, and the contract's shared parts ------------------------------------------


def operation_id(route: APIRoute) -> str:
    """A route's operationId: its function's name in camelCase (approve_plan: approvePlan),
    stable while the function keeps its name; unique per service (tests/kernel/test_api_docs.py)."""
    head, *rest = route.name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def finish_openapi(app: FastAPI) -> None:
    """The document FastAPI writes, with the named schemas of a problem (`Problem`,
    `ProblemField`) the error answers refer to."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, openapi_version=app.openapi_version,
                               description=app.description, routes=app.routes, webhooks=app.webhooks.routes,
                               tags=app.openapi_tags, servers=app.servers)
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            for hook in spec.get("webhooks", {}).values():  # what a receiver answers is not our validation:
                for op in hook.values():                  # FastAPI's 422 of a body has no place there
                    op.get("responses", {}).pop("422", None)
            if b"HTTPValidationError" not in orjson.dumps({k: v for k, v in spec.items() if k != "components"}):
                schemas.pop("HTTPValidationError", None)
                schemas.pop("ValidationError", None)
            extra = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(extra.pop("$defs", {}))
            schemas["Problem"] = extra
            _conditional_reads(spec)
            spec["info"]["description"] = "\n\n".join(d for d in (spec["info"].get("description"), LANGUAGE_DOC)
                                                       if d)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
