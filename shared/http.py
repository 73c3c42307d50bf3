"""HTTP conventions shared by every service: correlation ids, and errors for
people: RFC 9457 problems (`application/problem+json`, shared/problems.py) that
name the field and the rule, never a traceback."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from shared.aggregate import DomainError, NotFound
from shared.application import IdempotencyKeyReused
from shared.countries import UnknownCountry
from shared.i18n import KERNEL_TEXTS, N_, Text, Texts, language_of
from shared.logging import CAUSATION_HEADER, CORRELATION_HEADER, get_logger, new_correlation_id
from shared.problems import MEDIA_TYPE, problem
from shared.ratelimit import RateLimited, RateLimits
from shared.store.eventstore import ConcurrencyError
from shared.store.sql import unavailable
from shared.unavailable import Unavailable

log = get_logger("http")


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


# pydantic's checks (an error's `type`) as catalogue texts, their values named as pydantic's `ctx` names them;
# pydantic's own message is the English one, so an English answer is as it was
VALIDATION_TEXTS: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_too_short": N_("String should have at least %(min_length)s characters"),
    "string_too_long": N_("String should have at most %(max_length)s characters"),
    "string_pattern_mismatch": N_("String should match pattern '%(pattern)s'"),
    "too_short": N_("Should have at least %(min_length)s items, not %(actual_length)s"),
    "too_long": N_("Should have at most %(max_length)s items, not %(actual_length)s"),
    "greater_than": N_("Input should be greater than %(gt)s"),
    "greater_than_equal": N_("Input should be greater than or equal to %(ge)s"),
    "less_than": N_("Input should be less than %(lt)s"),
    "less_than_equal": N_("Input should be less than or equal to %(le)s"),
    "multiple_of": N_("Input should be a multiple of %(multiple_of)s"),
    "literal_error": N_("Input should be %(expected)s"),
    "enum": N_("Input should be %(expected)s"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime"),
    "date_type": N_("Input should be a valid date"),
    "datetime_parsing": N_("Input should be a valid datetime"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date"),
    "datetime_type": N_("Input should be a valid datetime"),
    "timezone_aware": N_("Input should have timezone info"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid object"),
    "model_attributes_type": N_("Input should be a valid object"),
    "json_invalid": N_("Invalid JSON: %(error)s"),
    "uuid_parsing": N_("Input should be a valid UUID"),
    "url_parsing": N_("Input should be a valid URL"),
    "url_scheme": N_("URL scheme should be %(expected_schemes)s"),
    "not_in_future": N_("%(date)s is in the future: a date of something done is today or before"),
    # the bounded vocabulary's own checks (shared/contracts/values.py)
    "string_nul": N_("Input must not contain the NUL character (U+0000)"),
    "string_unicode": N_("Input is not valid Unicode (a lone surrogate, e.g. \\ud800)"),
    "duplicate_key": N_("Input is the same key as another once normalised (NFC)"),
}


def validation_text(error: Any) -> Text:
    """A pydantic error's message for a person: pydantic's own in English, the catalogue's elsewhere
    (by the check's `type`, filled with its `ctx`); a check not in VALIDATION_TEXTS stays English."""
    msg = str(error.get("msg", ""))
    msgid = VALIDATION_TEXTS.get(str(error.get("type")))
    if msgid is None:
        return Text(msg)
    ctx = {k: v if isinstance(v, int | float | str) else str(v) for k, v in (error.get("ctx") or {}).items()}
    ctx.setdefault("actual_length", "?")
    return Text(msgid, ctx, english=msg)


def error_body(kind: str | int, detail: str | Text, instance: str | None = None, **more: Any) -> dict[str, Any]:
    """A problem (shared/problems.py) in the request's conversation (its correlation id). Its texts
    (`detail`, each `fields[].message`) may be Texts, made words of a language by `spoken`."""
    return problem(kind, detail, instance=instance, correlation_id=get_contextvars().get("correlation_id"), **more)  # type: ignore[arg-type]


def spoken(body: dict[str, Any], lang: str, texts: Texts = KERNEL_TEXTS) -> dict[str, Any]:
    """A problem's texts for a person in `lang`: its `title`, `detail` and each `fields[].message`
    (English when no catalogue has one). Every member a program reads (`type`, `field`, `rule`,
    `items`, `fields[].field`, `fields[].type`, codes) stays as it is."""
    out = dict(body)
    if "title" in out:
        out["title"] = texts(lang, out["title"])
    if out.get("detail") is not None:
        out["detail"] = texts(lang, out["detail"])
    if out.get("fields"):
        out["fields"] = [{**f, "message": texts(lang, f["message"])} if f.get("message") is not None else f
                         for f in out["fields"]]
    return out


def speaking(lang: str) -> dict[str, str]:
    """The headers of an answer whose words are in `lang`, chosen by Accept-Language (or ?lang=)."""
    return {"Content-Language": lang, "Vary": "Accept-Language"}


def scope_language(scope: dict) -> str:
    """The language a request asks for: `?lang=` (one of ours), else Accept-Language, else English."""
    accept = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    asked = next((v for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k == "lang"), None)
    return language_of(asked, accept)


class ProblemResponse(JSONResponse):
    media_type = MEDIA_TYPE


def refuse(request: Request, kind: str | int, detail: str | Text, status: int | None = None,
           headers: dict[str, str] | None = None, **more: Any) -> ProblemResponse:
    lang = scope_language(request.scope)
    body = spoken(error_body(kind, detail, request.url.path, **more), lang,
                  getattr(request.app.state, "texts", KERNEL_TEXTS))
    return ProblemResponse(body, status_code=status or body["status"], headers={**(headers or {}), **speaking(lang)})


async def answer(send: Any, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
                 scope: dict | None = None) -> None:
    """A problem answered from an ASGI middleware, before any route (in the request's language: `scope`)."""
    if scope is not None:
        lang = scope_language(scope)
        app = scope.get("app")
        body = spoken(body, lang, getattr(getattr(app, "state", None), "texts", KERNEL_TEXTS))
        headers = {**(headers or {}), **speaking(lang)}
    data = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(data)).encode()),
                            *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())]})
    await send({"type": "http.response.body", "body": data})


def replaying(body: bytes, receive: Any) -> Any:
    """A `receive` that gives the body a middleware already read, then the client's own messages."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def invalid_input(field: str, message: str | Text, kind: str, instance: str | None = None) -> dict[str, Any]:
    return error_body("invalid-input", Text(N_("invalid input: %(fields)s"), {"fields": field}), instance,
                      fields=[{"field": field, "message": message, "type": kind}])


class BodyLimit:
    """Refuses a request body larger than `limit` bytes with 413, before any of
    it reaches a handler (also when it comes chunked, without a length)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self._refuse(scope, send)
        if length is not None or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        # no length given (chunked): read it first, at most limit + 1 bytes, then hand it on
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await self._refuse(scope, send)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        await self.app(scope, replaying(body, receive), send)

    async def _refuse(self, scope: dict, send: Any) -> None:
        await answer(send, 413, error_body(
            "too-large", Text(N_("the request body is over %(limit)s bytes"), {"limit": f"{self.limit:,}"}),
            scope.get("path"), field="body"), scope=scope)


class TextInURL:
    """Refuses a path or query holding NUL (%00) with 422 naming the
    parameter, before routing: no store can keep it (PostgreSQL refuses it in
    any text) and no id holds it. Bodies are the commands' (values.py)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            where = None
            if "\x00" in scope.get("path", ""):
                where = "path"
            elif b"%00" in (qs := scope.get("query_string", b"")) or b"\x00" in qs:
                where = next((k for k, v in parse_qsl(qs.decode("latin-1"), keep_blank_values=True)
                              if "\x00" in k or "\x00" in v), "query")
            if where is not None:
                await answer(send, 422, invalid_input(where, Text(N_("must not contain the NUL character (U+0000)")),
                                                      "string_nul", scope.get("path")), scope=scope)
                return
        await self.app(scope, receive, send)


class _NotJSON:
    def __init__(self, token: str) -> None:
        self.token = token


def _not_json_at(value: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    if isinstance(value, _NotJSON):
        return path, value.token
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        if (found := _not_json_at(v, (*path, k))) is not None:
            return found
    return None


def _is_json(ctype: bytes) -> bool:
    ctype = ctype.split(b";")[0].strip().lower()
    return ctype == b"application/json" or (ctype.startswith(b"application/") and ctype.endswith(b"+json"))


class FiniteJSON:
    """Every body is JSON: one sent as anything else (or with no Content-Type)
    is refused with 415 naming the media type expected, before any route reads
    it (FastAPI would have read a body without Content-Type as JSON, and
    answered another type with a 422 about the body's shape). And a JSON body
    holding NaN, Infinity or -Infinity is refused with 422 naming the field:
    they are not JSON (RFC 8259), but Python's parser, which FastAPI uses,
    reads them as floats. The body is looked at only when those bytes are in
    it; the commands refuse non-finite numbers too (values.py), for every
    other way in."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").strip()
        if length == b"0":  # no body: nothing to read or refuse
            return await self.app(scope, receive, send)
        ctype = headers.get(b"content-type", b"")
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and not _is_json(ctype):
            said = ctype.decode("latin-1").split(";")[0].strip() or "none"
            await answer(send, 415, error_body(
                "unsupported-media-type", Text(N_("the body must be JSON (Content-Type: application/json), not "
                                                  "%(type)s"), {"type": said}),
                scope.get("path"), field="Content-Type", expected="application/json"),
                {"Accept-Post": "application/json"} if scope.get("method") == "POST" else
                {"Accept-Patch": "application/json"} if scope.get("method") == "PATCH" else None, scope=scope)
            return
        if b"NaN" in body or b"Infinity" in body:
            try:
                found = _not_json_at(json.loads(body, parse_constant=_NotJSON))
            except ValueError:
                found = None  # not JSON at all: FastAPI says where
            if found is not None:
                path, token = found
                field = ".".join(map(str, path)) or "body"
                await answer(send, 422, invalid_input(
                    field, Text(N_("%(token)s is not a JSON number: numbers are finite (RFC 8259)"), {"token": token}),
                    "finite_number", scope.get("path")), scope=scope)
                return
        await self.app(scope, replaying(body, receive), send)


def digest_tag(body: bytes) -> str:
    """The opaque part of an ETag: a digest of the representation's bytes."""
    return hashlib.sha256(body).hexdigest()[:20]


def _tags(header: bytes) -> list[bytes]:
    return [t.strip().removeprefix(b"W/") for t in header.split(b",") if t.strip()]


def none_match(if_none_match: bytes | None, etag: bytes) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): does it name this ETag (or `*`)?"""
    if if_none_match is None:
        return False
    tags = _tags(if_none_match)
    return b"*" in tags or etag.removeprefix(b"W/") in tags


class ConditionalGET:
    """Every JSON read (GET, 200, a whole body) carries an ETag, and a request whose
    If-None-Match names it is answered 304 Not Modified with no body: after the route
    ran, so access and scope were decided as for the 200. A route that knows the
    object's stream version set a strong `"<version>-<digest>"` (shared.api.versioned,
    which If-Match takes back); any other read gets a weak `W/"<digest>"` here, a digest
    of the bytes. A streamed answer (no Content-Length: the exports) is passed on as it
    comes, untagged, so it is never held in memory."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: dict[str, Any]) -> None:
            nonlocal start, passing
            if passing or message["type"] not in ("http.response.start", "http.response.body"):
                return await send(message)
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers") or []}
                if message["status"] != 200 or b"content-length" not in headers \
                        or not _is_json(headers.get(b"content-type", b"")):
                    passing = True
                    return await send(message)
                start = message
                return None
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return None
            assert start is not None
            body = b"".join(chunks)
            headers = list(start.get("headers") or [])
            etag = next((v for k, v in headers if k.lower() == b"etag"), None)
            if etag is None:
                etag = f'W/"{digest_tag(body)}"'.encode()
                headers.append((b"etag", etag))
            if none_match(dict(scope.get("headers") or []).get(b"if-none-match"), etag):
                kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
                await send({**start, "status": 304, "headers": kept})
                return await send({"type": "http.response.body", "body": b""})
            await send({**start, "headers": headers})
            return await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def not_now(exc: Exception, request: Request) -> JSONResponse | None:
    """A full disk, a read-only or unreachable database, a full work queue:
    503 with Retry-After and the reason, not a 500 (shared/unavailable.py);
    the log tells the operator what the database said. None for any other error."""
    busy = unavailable(exc)
    if busy is None:
        return None
    # the store's trouble is the operator's to mend; a full work queue passes by itself
    say = log.warning if isinstance(exc, Unavailable) else log.error
    say("http.unavailable", reason=busy.reason, path=request.url.path, method=request.method,
        error=f"{type(exc).__name__}: {exc}"[:500], retry_after_s=busy.retry_after_s)
    return refuse(request, "unavailable", busy.message, reason=busy.reason, retry_after_s=busy.retry_after_s,
                  headers={"Retry-After": str(busy.retry_after_s)})


def too_many(exc: RateLimited, instance: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The 429 answer's body (the limit named) and its Retry-After (whole seconds)."""
    return (error_body("rate-limited", exc.text, instance, limit=exc.limit, per=exc.per,
                       retry_after_s=exc.retry_after_s), {"Retry-After": str(exc.retry_after_s)})


CONVERSATION_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")  # an event keeps at most 64 characters of each


def conversation_id(value: str | None) -> str | None:
    """A caller's correlation (or causation) id, if it is one an event can keep: a longer one made
    every write answer 500 on PostgreSQL (the column holds 64), and it was echoed into every log line,
    problem and message; another is not taken (a new correlation id is made, the causation left out)."""
    return value if value is not None and CONVERSATION_ID.fullmatch(value) else None


HTTP_KINDS = {401: "unauthorized", 403: "forbidden", 404: "not-found"}  # HTTPException's codes that have a kind

UNLIMITED_PATHS = frozenset({"/health", "/ready"})  # probes: never throttled


class ClientRateLimit:
    """Counts every request (but the probes') against its client address and
    answers 429 with Retry-After over the limit, before anything reads the
    body. The address is the socket's peer, or, from a trusted proxy only,
    the one X-Forwarded-For names (install puts uvicorn's ProxyHeadersMiddleware
    outside this one)."""

    def __init__(self, app: Any, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") not in UNLIMITED_PATHS:
            client = scope.get("client")
            try:
                await self.limits.address(client[0] if client else "unknown")
            except RateLimited as e:
                log.info("http.rate_limited", per=e.per, limit=e.limit, path=scope.get("path"))
                body, headers = too_many(e, scope.get("path"))
                return await answer(send, 429, body, headers, scope=scope)
        await self.app(scope, receive, send)


def install(app: FastAPI, service: str, *, max_body_bytes: int = 5 * 2**20, rate_limits: RateLimits | None = None,
            trusted_proxies: tuple[str, ...] = (), texts: Texts = KERNEL_TEXTS, json_only: bool = True) -> None:
    """The kernel's HTTP behaviour. `json_only=False` for the console's gateway, whose pages take HTML
    forms and OpenRosa's multipart (the services behind it still check the JSON they are sent)."""
    app.state.texts = texts  # the problems' texts in the caller's language (refuse, answer)
    app.add_middleware(ConditionalGET)
    if json_only:
        app.add_middleware(FiniteJSON)
    app.add_middleware(TextInURL)
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    if rate_limits is not None:
        app.add_middleware(ClientRateLimit, limits=rate_limits)
    if trusted_proxies:  # only then is X-Forwarded-For believed (uvicorn itself is told not to: Service.serve)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies))

    @app.middleware("http")
    async def correlation_middleware(request: Request, call_next):  # noqa: ANN001, ANN202
        service_bound = get_contextvars().get("service", service)
        clear_contextvars()
        cid = conversation_id(request.headers.get(CORRELATION_HEADER)) or new_correlation_id()
        bind_contextvars(service=service_bound, correlation_id=cid,
                         causation_id=conversation_id(request.headers.get(CAUSATION_HEADER)))
        try:
            response = await call_next(request)
        except Exception as e:  # the last net: a person gets a message and an id, the log gets the trace
            response = not_now(e, request)
            if response is None:
                log.exception("http.unhandled", path=request.url.path, method=request.method, error=str(e))
                response = refuse(request, "internal-error", Text(N_(
                    "the server could not complete this request; quote the correlation id when you report it")))
        response.headers[CORRELATION_HEADER] = cid
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [{"field": _field(e.get("loc", ())), "message": validation_text(e), "type": e.get("type")}
                  for e in exc.errors()]
        names = ", ".join(f["field"] for f in fields)
        return refuse(request, "invalid-input", Text(N_("invalid input: %(fields)s"), {"fields": names}),
                      fields=fields)

    @app.exception_handler(ValidationError)
    async def invalid_command(request: Request, exc: ValidationError) -> JSONResponse:
        """A command built from the path and the body (an id in the path too long, say)."""
        fields = [{"field": _field(e.get("loc", ())), "message": validation_text(e), "type": e.get("type")}
                  for e in exc.errors()]
        return refuse(request, "invalid-input", Text(N_("invalid input: %(fields)s"),
                                                     {"fields": ", ".join(f["field"] for f in fields)}), fields=fields)

    @app.exception_handler(DomainError)
    async def rule_broken(request: Request, exc: DomainError) -> JSONResponse:
        fields = [{"field": exc.field, "message": exc.text}] if exc.field else None
        return refuse(request, "rule-broken", exc.text, rule=exc.rule, field=exc.field, items=exc.items or None,
                      fields=fields)

    @app.exception_handler(IdempotencyKeyReused)
    async def key_reused(request: Request, exc: IdempotencyKeyReused) -> JSONResponse:
        return refuse(request, "idempotency-key-reused", exc.text, field=exc.field,
                      fields=[{"field": exc.field, "message": exc.text}])

    @app.exception_handler(PermissionError)
    async def forbidden(request: Request, exc: PermissionError) -> JSONResponse:
        return refuse(request, "forbidden", getattr(exc, "text", None) or str(exc))

    @app.exception_handler(UnknownCountry)
    async def unknown_country(request: Request, exc: UnknownCountry) -> JSONResponse:
        return refuse(request, "invalid-input", exc.text, field="country",
                      fields=[{"field": "country", "message": exc.text}])

    @app.exception_handler(ConcurrencyError)
    async def conflict(request: Request, exc: ConcurrencyError) -> JSONResponse:
        """A write based on a version (If-Match) the object is no longer at: 412 (RFC 9110 13.1.1).
        Without If-Match, a conflict with another writer the retries did not resolve: 409."""
        stale = request.headers.get("if-match") is not None
        said = Text(N_("stream %(stream)s is at version %(current)s, the write expected %(expected)s"),
                    {"stream": exc.stream_id, "current": exc.current_version, "expected": exc.expected_version},
                    english=str(exc))
        return refuse(request, "precondition-failed" if stale else "conflict", said, stream_id=exc.stream_id,
                      expected_version=exc.expected_version if stale else None,
                      current_version=exc.current_version if exc.current_version >= 0 else None)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited) -> JSONResponse:
        log.info("http.rate_limited", per=exc.per, limit=exc.limit)
        body, headers = too_many(exc, request.url.path)
        lang = scope_language(request.scope)
        return ProblemResponse(spoken(body, lang, getattr(request.app.state, "texts", KERNEL_TEXTS)),
                               status_code=429, headers={**headers, **speaking(lang)})

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return refuse(request, "not-found", exc.text)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = HTTP_KINDS.get(exc.status_code, exc.status_code)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Allow: every method of the resource (RFC 9110 15.5.6), not the first route's
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        detail = exc.detail if isinstance(exc.detail, Text) else str(exc.detail)
        return refuse(request, kind, detail, status=exc.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """The methods a route of the request's path answers in full (asked of the router per method, so
    routers included in routers are asked too)."""
    scope = {k: v for k, v in request.scope.items() if k not in ("route", "endpoint", "path_params")}
    return [m for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
            if any(r.matches({**scope, "method": m})[0] == Match.FULL for r in request.app.router.routes)]
