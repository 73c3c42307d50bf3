"""The OpenRosa endpoints ODK Collect, KoboCollect and Enketo speak: the form
list, a form's download, and submissions (https://docs.getodk.org/openrosa/).

The server URL a phone is given is the console's own address. A device
authenticates with its user's console account (HTTP Basic: what ODK
Collect's server settings offer; Collect sends it over HTTPS only), a
bearer token, or a device key in the URL: every endpoint is also served
under `/key/<key>/` (ODK Central's App Users: the server URL a phone scans
from the console's QR code is `<console>/key/<key>`, so it needs no
password and works over plain http on a LAN). The gateway then calls the services with that user's token,
so every scope check is the services': a form or target outside the
caller's scope answers 404 like a missing one, and the form list holds only
the caller's forms.

A submission (multipart, `xml_submission_file`) is parsed with defusedxml
(no DTD, no entity) within size bounds; its meta/instanceID is the
Idempotency-Key and the source of the ids the client makes. 201: recorded;
202: this instance was recorded before (nothing recorded now); 400: refused,
the form's field named in the OpenRosaResponse message, nothing stored."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console.forms.mapping import parse_instance, record_of
from console.forms.targets import Outcome, form_for, refused, send, targets
from console.forms.xlsform import FormError, build
from console.web import from_another_site
from shared.access import Principal
from shared.auth import Unauthenticated

router = APIRouter(tags=["field capture (OpenRosa)"], include_in_schema=False)

OPENROSA = {"X-OpenRosa-Version": "1.0"}
REALM = "WeCare"
# what X-OpenRosa-Accept-Content-Length tells a device it may send at once (under the gateway's body limit)
MAX_SUBMISSION = 4 * 2**20
XML = "text/xml; charset=utf-8"
FAILURES_ALLOWED = 10  # wrong passwords per user name within FAILURE_WINDOW_S, then 429 for the rest of it
FAILURE_WINDOW_S = 300.0


class NotAuthenticated(Exception):  # noqa: N818 - answered as 401 with the challenge
    pass


@dataclass(frozen=True)
class Device:
    principal: Principal
    token: str


def _console(request: Request):  # noqa: ANN202
    return request.app.state.console


def _upstream(request: Request):  # noqa: ANN202
    return _console(request).upstream


def _failures(request: Request) -> dict[str, deque[float]]:
    """Wrong passwords per user name, in this gateway's memory."""
    st = request.app.state
    if not hasattr(st, "field_password_failures"):
        st.field_password_failures = {}
    return st.field_password_failures


def _too_many(failures: dict[str, deque[float]], username: str) -> bool:
    now = time.monotonic()
    q = failures.get(username)
    if q is None:
        return False
    while q and q[0] < now - FAILURE_WINDOW_S:
        q.popleft()
    if not q:
        failures.pop(username, None)
    return len(q) >= FAILURES_ALLOWED


def _failed(failures: dict[str, deque[float]], username: str) -> None:
    if len(failures) > 10_000:  # bounded memory whatever the names tried
        failures.clear()
    failures.setdefault(username, deque()).append(time.monotonic())


def openrosa_response(message: str, status: int, **headers: str) -> Response:
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
            f'<message nature="{"submit_success" if status < 300 else "error"}">{escape(message)}</message>'
            '</OpenRosaResponse>')
    return Response(body, status, media_type=XML, headers={**OPENROSA, **headers})


def challenge(message: str = "sign in with your console account") -> Response:
    return openrosa_response(message, 401, **{"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'})


KEY_PREFIX = "/key/{key}"


async def device(request: Request) -> Device:
    """Who sends: under /key/<key>/, the key's account (and nothing else); elsewhere HTTP Basic with a
    console account, or a bearer token. NotAuthenticated otherwise."""
    console = _console(request)
    key = request.path_params.get("key")
    if key is not None:
        account = await asyncio.to_thread(console.accounts.device_account, key) if console.accounts else None
        if account is None:  # wrong, revoked or malformed: the same answer
            raise NotAuthenticated()
        token = console.mint(account)
        return Device(await console.principal(token), token)
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        try:
            token = credentials.strip()
            return Device(await console.principal(token), token)
        except Unauthenticated:
            raise NotAuthenticated() from None
    if scheme.lower() == "basic" and console.accounts is not None:
        try:
            username, sep, password = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise NotAuthenticated() from None
        username = username.strip().lower()
        failures = _failures(request)
        if not sep or not username or len(username) > 63 or len(password) > 1000 or _too_many(failures, username):
            raise NotAuthenticated()
        account = await console.accounts.verify(username, password)
        if account is None:
            _failed(failures, username)
            raise NotAuthenticated()
        token = console.mint(account)
        return Device(await console.principal(token), token)
    raise NotAuthenticated()


def _base(request: Request) -> str:
    """Where this device reaches the forms: the console's address, and the device's key prefix if it used one."""
    public = getattr(_console(request), "public_url", "") or ""
    base = (public or str(request.base_url)).rstrip("/")
    key = request.path_params.get("key")
    return f"{base}/key/{quote(key, safe='')}" if key is not None else base


def _lang(request: Request) -> str | None:
    return request.headers.get("accept-language")


async def _authenticated(request: Request) -> Device | Response:
    try:
        return await device(request)
    except NotAuthenticated:
        if "key" in request.path_params:
            return challenge("this phone's key is not accepted: set the phone up again on the console's "
                             "Field forms page")
        return challenge()


# -- the form list and the forms --------------------------------------------------------------------------


@router.get("/formList")
@router.get(KEY_PREFIX + "/formList")
async def form_list(request: Request, formID: str | None = None) -> Response:  # noqa: N803 - OpenRosa's name
    who = await _authenticated(request)
    if isinstance(who, Response):
        return who
    base = _base(request)
    rows = []
    for t in await targets(_upstream(request), who.token, who.principal):
        if formID and t.form_id != formID:
            continue
        form = build(t)
        xml = form.xform().encode()
        rows.append(f"<xform><formID>{escape(t.form_id)}</formID><name>{escape(form.title)}</name>"
                    f"<version>{escape(form.version)}</version><hash>md5:{hashlib.md5(xml).hexdigest()}</hash>"
                    f"<downloadUrl>{escape(base)}/forms/{quote(t.form_id, safe='')}/form.xml</downloadUrl></xform>")
    body = ('<?xml version="1.0" encoding="UTF-8"?><xforms xmlns="http://openrosa.org/xforms/xformsList">'
            + "".join(rows) + "</xforms>")
    return Response(body, 200, media_type=XML, headers=OPENROSA)


@router.get("/forms/{form_id}/form.xml")
@router.get(KEY_PREFIX + "/forms/{form_id}/form.xml")
async def download_form(request: Request, form_id: str) -> Response:
    form = await _callers_form(request, form_id)
    if isinstance(form, Response):
        return form
    return Response(form.xform(), 200, media_type=XML, headers=OPENROSA)


async def _callers_form(request: Request, form_id: str) -> Any:
    """The form of this id in the caller's scope, or the answer to give instead (401, 404)."""
    who = await _authenticated(request)
    if isinstance(who, Response):
        return who
    form = await form_for(_upstream(request), who.token, who.principal, form_id)
    return openrosa_response(f"no form {form_id[:100]}", 404) if form is None else form


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/forms/{form_id}/form.xlsx")
@router.get(KEY_PREFIX + "/forms/{form_id}/form.xlsx")
async def download_xlsform(request: Request, form_id: str) -> Response:
    """The XLSForm itself: to publish the same form on KoboToolbox or ODK Central (then import their export)."""
    form = await _callers_form(request, form_id)
    if isinstance(form, Response):
        return form
    return Response(form.xlsx(), 200, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{form_id[:150]}.xlsx"'})


# -- submissions ----------------------------------------------------------------------------------------------


@router.head("/submission")
@router.head(KEY_PREFIX + "/submission")
async def submission_head(request: Request) -> Response:
    """Before sending, a device asks here: authentication, and how much it may send at once."""
    who = await _authenticated(request)
    if isinstance(who, Response):
        return who
    return Response(status_code=204, headers={**OPENROSA, "X-OpenRosa-Accept-Content-Length": str(MAX_SUBMISSION)})


def _answer(o: Outcome) -> Response:
    if o.status == "recorded":
        return openrosa_response("Recorded.", 201)
    if o.status == "already recorded":
        return openrosa_response("Already recorded: nothing was recorded again.", 202)
    if o.status == "not found":
        return openrosa_response("No such form or target for this account.", 404)
    if o.status == "forbidden":
        return openrosa_response(o.message or "this account may not send forms", 403)
    if o.status == "unavailable":
        return openrosa_response(o.message or "the server cannot record this now; send again later", 503,
                                 **{"Retry-After": "60"})
    return openrosa_response(f"Refused: {o.message}" if o.message else f"Refused: {o.field}", 400)


@router.post("/submission")
@router.post(KEY_PREFIX + "/submission")
async def submission(request: Request) -> Response:
    if from_another_site(request):  # a page elsewhere posting with the browser's remembered Basic credentials
        return openrosa_response("a submission from another site's page is refused", 403)
    who = await _authenticated(request)
    if isinstance(who, Response):
        return who
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_SUBMISSION:
        return openrosa_response(f"a submission is at most {MAX_SUBMISSION} bytes", 413)
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        return _answer(refused("xml_submission_file", "send the instance as multipart/form-data, "
                                                      "in the part xml_submission_file"))
    try:
        parts = await request.form(max_files=20, max_fields=20, max_part_size=MAX_SUBMISSION)
    except Exception:  # a malformed body, or one over the bounds
        return _answer(refused("xml_submission_file", "the multipart body cannot be read"))
    try:
        upload = parts.get("xml_submission_file")
        if upload is None or isinstance(upload, str):
            return _answer(refused("xml_submission_file", "no part xml_submission_file"))
        xml = await upload.read(MAX_SUBMISSION + 1)
        try:
            instance = parse_instance(xml)
        except FormError as e:
            return _answer(refused(e.field, e.message))
        form = await form_for(_upstream(request), who.token, who.principal, instance.form_id)
        if form is None:
            return _answer(Outcome("not found", http=404))
        try:
            rec = record_of(form, instance.root)
        except FormError as e:
            return _answer(refused(e.field, e.message))
        return _answer(await send(_upstream(request), who.token, form, rec, instance.instance_id, _lang(request)))
    finally:
        await parts.close()
