"""The console's pages: who is signed in, in which language, and how a page
is rendered (Jinja2, server-side; a page works without JavaScript).

A signed-in browser holds its token in one cookie (HttpOnly, SameSite=Strict,
Secure behind HTTPS): the token the services verify, minted at sign-in for
an account or given by the identity provider. Every form that changes
something carries a `csrf` value derived from that token, and a POST whose
Origin is another site's is refused, so another site cannot act for a
signed-in user."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from console.i18n import LANGUAGE_NAMES, translator
from console.state import Console
from shared.access import Principal
from shared.auth import Unauthenticated
from shared.countries import countries as known_countries
from shared.i18n import LANGUAGES, N_, formats, negotiate

SESSION_COOKIE = "wecare_session"
LANG_COOKIE = "wecare_lang"
TEMPLATES = Path(__file__).parent / "templates"


class SignInNeeded(Exception):  # noqa: N818 - control flow: redirect to the sign-in page
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@dataclass(frozen=True)
class Caller:
    principal: Principal
    token: str

    @property
    def username(self) -> str:
        return self.principal.subject

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries the caller may see: its token's, or every country."""
        p = self.principal
        if p.role == "buyer":
            return ()
        return p.countries if p.countries is not None else tuple(sorted(known_countries()))

    @property
    def can_write(self) -> bool:
        return self.principal.can_write

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)


def csrf_for(token: str) -> str:
    return hmac.new(b"wecare-console-csrf", token.encode(), hashlib.sha256).hexdigest()[:32]


def state(request: Request) -> Console:
    return request.app.state.console


def language(request: Request) -> str:
    """The cookie's language (the switch in the header), else Accept-Language's, else English."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return negotiate(None, request.headers.get("accept-language"))


async def current_caller(request: Request) -> Caller | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        header = request.headers.get("authorization", "")
        scheme, _, bearer = header.partition(" ")
        token = bearer.strip() if scheme.lower() == "bearer" else ""
    if not token:
        return None
    try:
        return Caller(await state(request).principal(token), token)
    except Unauthenticated:
        return None


async def caller(request: Request) -> Caller:
    """The FastAPI dependency of every page: the signed-in caller, or to the sign-in page."""
    c = await current_caller(request)
    if c is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(target)
    request.state.caller = c
    return c


async def writer(request: Request) -> Caller:
    """A page that changes something: a signed-in caller who may write, on a form of this site."""
    c = await caller(request)
    check_same_origin(request)
    if not c.can_write:
        raise HTTPException(403, "your role reads only")
    return c


def from_another_site(request: Request) -> bool:
    """A browser names the page's site in Origin on every POST (and says cross-site in Sec-Fetch-Site): is it
    another site than this one (as the request reached us, or as the public see us behind a TLS proxy:
    WECARE_PUBLIC_URL)? No Origin: not a browser's form (a phone's app, a script)."""
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    o = urlsplit(origin)
    ours = {(request.url.scheme, request.url.netloc)}
    public = state(request).public_url
    if public:
        p = urlsplit(public)
        ours.add((p.scheme, p.netloc))
    return origin == "null" or (o.scheme, o.netloc) not in ours


def check_same_origin(request: Request) -> None:
    """A POST from another site's page is refused (403)."""
    if from_another_site(request):
        raise HTTPException(403, "this form was sent from another site")


def check_csrf(c: Caller, sent: str | None) -> None:
    if not sent or not hmac.compare_digest(sent, c.csrf):
        raise HTTPException(403, "this form has expired: reload the page and send it again")


def in_scope(c: Caller, country: str) -> str:
    """A country of the caller's scope, or 404 as for a page that does not exist."""
    if country not in c.countries:
        raise not_found()
    return country


def safe_next(url: str | None, default: str = "/") -> str:
    """Where to go after signing in: a path of this site only."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


@cache
def environment(lang: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    t = translator(lang)
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(languages=LANGUAGES, language_names=LANGUAGE_NAMES, lang=lang, fmt=formats(lang),
                       quote=quote)
    return env


def nav(c: Caller | None, country: str | None) -> list[tuple[str, str]]:
    """The header's links: (English label, path). Labels are translated in the template."""
    if c is None:
        return []
    if c.principal.role == "buyer":
        return [(N_("Portfolio"), f"/buyers/{quote(c.principal.buyer or '', safe='')}")]
    cc = country or (c.countries[0] if c.countries else None)
    if cc is None:
        return []
    return [(N_("Worklist"), f"/{cc}/"), (N_("Factories"), f"/{cc}/factories"), (N_("Plans"), f"/{cc}/plans"),
            (N_("Sessions"), f"/{cc}/deliveries"), (N_("Progress"), f"/{cc}/progress"),
            (N_("Reports"), f"/{cc}/reports"), (N_("Field forms"), f"/{cc}/forms")]


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = language(request)
    c: Caller | None = getattr(request.state, "caller", None)
    country = ctx.pop("country", None) or request.path_params.get("country")
    body = environment(lang).get_template(template).render(
        request=request, caller=c, csrf=c.csrf if c else "", country=country, nav=nav(c, country),
        path=request.url.path, **ctx)
    headers = {"Content-Language": lang, "Vary": "Cookie, Accept-Language"}
    if c is not None:  # a signed-in page holds the programme's data: no copy in a cache (a shared phone's, a proxy's)
        headers["Cache-Control"] = "private, no-store"
    return HTMLResponse(body, status_code=status_code, headers=headers)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@dataclass(frozen=True)
class Problem:
    """A service's refusal, as a page shows it: the sentence, and the messages by field."""

    status: int
    detail: str
    fields: dict[str, str]
    rule: str | None = None
    items: tuple[str, ...] = ()

    @classmethod
    def of(cls, response: httpx.Response) -> Problem:
        try:
            body: Mapping[str, Any] = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, Mapping):
            body = {}
        fields: dict[str, str] = {}
        for e in body.get("errors") or body.get("fields") or []:
            if isinstance(e, Mapping) and e.get("field"):
                fields.setdefault(str(e["field"]), str(e.get("message", "")))
        return cls(response.status_code, str(body.get("detail") or body.get("title") or response.reason_phrase),
                   fields, body.get("rule"), tuple(str(i) for i in body.get("items") or ()))


def not_found() -> HTTPException:
    """What every page answers for an object it may not show: the same as for one that does not exist."""
    return HTTPException(404, "no such page")


def missing(r: httpx.Response) -> bool:
    """The service does not show it to this caller: absent, or out of scope (both the console's 404)."""
    return r.status_code in (403, 404)


def failed(r: httpx.Response) -> HTTPException:
    return HTTPException(502 if r.status_code >= 500 else r.status_code, Problem.of(r).detail)


async def api(request: Request, c: Caller, service: str, method: str, path: str, **kw: Any) -> httpx.Response:
    """One call to a service's public API as the caller, in the caller's language."""
    return await state(request).upstream.call(service, method, path, token=c.token, lang=language(request), **kw)



async def factory_names(request: Request, c: Caller, country: str) -> dict[str, str]:
    """The factories' names (the assessment service's registry); ids where it does not answer."""
    names: dict[str, str] = {}
    offset = 0
    while offset < 5000:
        r = await api(request, c, "assessment", "GET", f"/{country}/factories", params={"limit": 500,
                                                                                        "offset": offset})
        if r.status_code != 200:
            break
        body = r.json()
        for f in body.get("items", []):
            names[f["factory_id"]] = f.get("name") or f["factory_id"]
        offset += 500
        if offset >= body.get("total", 0):
            break
    return names
