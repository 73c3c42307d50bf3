"""The gateway: one address for a phone or a laptop. It serves the console's
pages, the field-capture endpoints (OpenRosa) and the static files, and
passes `/api/<service>/<path>` to the five services' public APIs, with the
signed-in caller's token. It keeps no programme data of its own: the
services decide what a caller may see and do."""

from __future__ import annotations

import os
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import structlog
import uvicorn
from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.forms import router as field_forms
from console.i18n import gettext
from console.pages.assessment import router as assessment_pages
from console.pages.delivery import router as delivery_pages
from console.pages.planning import router as planning_pages
from console.pages.progress import router as progress_pages
from console.settings import ConsoleSettings
from console.state import SERVICES, Accounts, Console, Upstream
from console.web import (
    LANG_COOKIE,
    SESSION_COOKIE,
    Caller,
    SignInNeeded,
    check_same_origin,
    current_caller,
    language,
    render,
    safe_next,
    see_other,
)
from shared.auth import Unauthenticated, Verifier, local_keys
from shared.files import PRIVATE_UMASK
from shared.http import install
from shared.i18n import LANGUAGES, N_
from shared.logging import configure_logging, get_logger
from shared.ratelimit import RateLimited, RateLimits

log = get_logger("console")
TOO_MANY = N_("Too many attempts: wait %(s)s seconds and try again.")
STATIC = Path(__file__).parent / "static"
FONTS = {"bengali.ttf": Path("/usr/share/fonts/truetype/lohit-bengali/Lohit-Bengali.ttf"),
         "han.ttc": Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")}

# No outside asset, no inline script: what a page runs is the console's own files.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                               "font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# hop-by-hop and the gateway's own: not passed between the browser and a service
NOT_FORWARDED = {"host", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                 "proxy-authorization", "proxy-authenticate", "cookie", "authorization", "content-length",
                 "accept-encoding", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"}
NOT_RETURNED = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
                "set-cookie", "server", "date"}


def create_app(console: Console, *, rate_limits: RateLimits | None = None, max_body_bytes: int = 5 * 2**20,
               secure_cookies: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        yield
        await console.upstream.aclose()
        await console.verifier.aclose()

    app = FastAPI(title="WeCare Ops console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.console = console
    app.state.secure_cookies = secure_cookies
    app.state.signin_limits = RateLimits(per_token="10/minute")  # per user name: password guessing
    install(app, "console", max_body_bytes=max_body_bytes, rate_limits=rate_limits, json_only=False)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(field_forms)  # OpenRosa (formList, forms, submission), imports, /<country>/forms

    @app.exception_handler(SignInNeeded)
    async def to_signin(_request: Request, exc: SignInNeeded) -> RedirectResponse:
        return see_other(f"/signin?next={quote(exc.next_url, safe='/')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"status": exc.status_code, "detail": str(exc.detail)}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        request.state.caller = await current_caller(request)
        return render(request, "error.html", status_code=exc.status_code, status=exc.status_code,
                      message=gettext(language(request), str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        names = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors())
        if _wants_json(request):
            return JSONResponse({"status": 422, "detail": f"invalid input: {names}", "errors": [
                {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
                for e in exc.errors()]}, status_code=422)
        request.state.caller = await current_caller(request)
        return render(request, "error.html", status_code=422, status=422,
                      message=gettext(language(request), "Please check: %(fields)s", fields=names))

    @app.get("/fonts/{name}", include_in_schema=False)
    async def font(name: str) -> Response:
        """Chinese and Bengali for a browser that has neither (a phone usually has both: the CSS asks for
        the phone's own first). The fonts the reports use, from the system (make fonts, the Dockerfile)."""
        path = FONTS.get(name)
        if path is None or not path.exists():
            raise StarletteHTTPException(404, "no such font")
        return FileResponse(path, media_type="font/collection" if name.endswith(".ttc") else "font/ttf",
                            headers={"Cache-Control": "public, max-age=604800"})

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", include_in_schema=False)
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        c = await current_caller(request)
        if c is None:
            return see_other("/signin")
        if c.principal.role == "buyer":
            return see_other(f"/buyers/{quote(c.principal.buyer or '', safe='')}")
        return see_other(f"/{c.countries[0]}/" if c.countries else "/signin")

    @app.get("/signin", include_in_schema=False)
    async def signin_page(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002
        return render(request, "signin.html", next=safe_next(next), accounts=console.accounts is not None)

    @app.post("/signin", include_in_schema=False)
    async def signin(request: Request, username: str = Form("", max_length=63),
                     password: str = Form("", max_length=1024), token: str = Form("", max_length=8192),
                     next: str = Form("/", max_length=2000)) -> Response:  # noqa: A002
        check_same_origin(request)
        lang = language(request)
        minted = ""
        if token.strip():  # a token from the identity provider
            try:
                await console.principal(token.strip())
                minted = token.strip()
            except Unauthenticated:
                log.info("console.signin_refused", how="token")
        elif console.accounts is not None and username:
            try:
                await request.app.state.signin_limits.token(username.strip().lower())
            except RateLimited as e:
                return render(request, "signin.html", status_code=429, next=safe_next(next), username=username,
                              accounts=True, error=gettext(lang, TOO_MANY, s=e.retry_after_s))
            account = await console.accounts.verify(username, password)
            if account is not None:
                minted = console.mint(account)
                log.info("console.signed_in", user=account.username, role=account.role)
            else:
                log.info("console.signin_refused", how="password", user=username[:63])
        if not minted:
            return render(request, "signin.html", status_code=401, next=safe_next(next), username=username,
                          accounts=console.accounts is not None,
                          error=gettext(lang, "The user name or password is not right."))
        response = see_other(safe_next(next))
        response.set_cookie(SESSION_COOKIE, minted, max_age=console.token_ttl_s, httponly=True, samesite="strict",
                            secure=request.app.state.secure_cookies, path="/")
        return response

    @app.post("/signout", include_in_schema=False)
    async def signout(request: Request) -> Response:
        check_same_origin(request)
        response = see_other("/signin")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/lang", include_in_schema=False)
    async def choose_language(to: str, next: str = "/") -> Response:  # noqa: A002
        """The language switch in every page's header (a link or a form: works without JavaScript)."""
        response = see_other(safe_next(next))
        if to in LANGUAGES:
            response.set_cookie(LANG_COOKIE, to, max_age=365 * 86400, samesite="lax", path="/")
        return response

    @app.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
                   include_in_schema=False)
    async def proxy(request: Request, service: str, path: str) -> Response:
        """A service's public API through the console's address, as the signed-in caller (the cookie's
        token) or with the request's own bearer token."""
        if service not in SERVICES:
            return JSONResponse({"status": 404, "detail": "no such service"}, status_code=404)
        c: Caller | None = await current_caller(request)
        if request.method not in ("GET", "HEAD") and request.cookies.get(SESSION_COOKIE):
            check_same_origin(request)  # a browser's write: from this site's pages only
        if path.split("/", 1)[0] in ("docs", "redoc"):  # a service's docs need its own address (their scripts)
            return JSONResponse({"status": 404, "detail": "open a service's docs at its own address"},
                                status_code=404)
        named = {h.strip().lower() for h in request.headers.get("connection", "").split(",")}  # hop-by-hop too
        headers = {k: v for k, v in request.headers.items() if k.lower() not in NOT_FORWARDED | named}
        if "accept-language" not in {k.lower() for k in headers}:
            headers["Accept-Language"] = language(request)
        if request.client:
            headers["X-Forwarded-For"] = request.client.host
        r = await console.upstream.call(service, request.method, "/" + path, token=c.token if c else None,
                                        headers=headers, content=await request.body(),
                                        params=list(request.query_params.multi_items()))
        out = {k: v for k, v in r.headers.items() if k.lower() not in NOT_RETURNED}
        if "location" in {k.lower() for k in out}:
            loc = r.headers["location"]
            if loc.startswith("/"):
                out["location"] = f"/api/{service}{loc}"
        return Response(r.content, status_code=r.status_code, headers=out)

    app.include_router(assessment_pages)
    app.include_router(planning_pages)
    app.include_router(progress_pages)
    app.include_router(delivery_pages)  # sessions, offline (PWA)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/formList", "/submission", "/imports", "/key/")) or \
        "application/json" in request.headers.get("accept", "")


def build_console(settings: ConsoleSettings) -> Console:
    data = Path(settings.data_dir)
    signing_key = None
    if settings.console_accounts:
        signing_key = Path(settings.console_signing_key) if settings.console_signing_key else \
            local_keys(data / "keys")[0]
        if not signing_key.is_file():
            raise SystemExit(f"WECARE_CONSOLE_SIGNING_KEY: no key at {signing_key}")
    upstreams: dict[str, Any] = dict(settings.upstreams)
    missing = [s for s in SERVICES if s not in upstreams]
    if missing:
        raise SystemExit(f"WECARE_UPSTREAMS names no address for {', '.join(missing)}")
    return Console(accounts=Accounts(data / "console" / "accounts.db") if settings.console_accounts else None,
                   upstream=Upstream(upstreams), verifier=Verifier.from_settings(settings),
                   signing_key=signing_key, token_ttl_s=settings.console_token_ttl_s, public_url=settings.public_url)


class ConsoleProcess:
    """`wecare serve console`: the gateway as an operating-system process."""

    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings

    def serve(self) -> None:
        os.umask(PRIVATE_UMASK)
        s = self.settings
        configure_logging("console", s.log_format, s.log_level)
        hide_device_keys()
        app = create_app(build_console(s), rate_limits=RateLimits(per_token=s.rate_limit_token,
                                                                   per_address=s.rate_limit_address),
                         max_body_bytes=s.max_body_bytes, secure_cookies=s.public_url.startswith("https://"))
        uvicorn.Server(uvicorn.Config(app, host=s.http_host, port=s.http_port, log_config=None, access_log=False,
                                      proxy_headers=False, timeout_graceful_shutdown=10)).run()


DEVICE_KEY_IN_PATH = re.compile(r"/key/[^/\s\"']+")


def _redact_keys(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: a phone's key in a logged path (/key/<key>/formList) becomes /key/***."""
    for k, v in event_dict.items():
        if isinstance(v, str) and "/key/" in v:
            event_dict[k] = DEVICE_KEY_IN_PATH.sub("/key/***", v)
    return event_dict


def hide_device_keys() -> None:
    """No log line holds a device key (the URLs of /key/<key>/... are credentials)."""
    processors = list(structlog.get_config()["processors"])
    if _redact_keys not in processors:
        structlog.configure(processors=[_redact_keys, *processors])


def create_service(_settings: object = None) -> ConsoleProcess:
    return ConsoleProcess(ConsoleSettings())
