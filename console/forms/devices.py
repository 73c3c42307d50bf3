"""Setting up a phone on the console's page of field forms (/<country>/forms):
"Set up a phone" makes a device key for the signed-in user, named by them
("Rafi's phone"), and shows once the server URL with the key and the QR
code ODK Collect or KoboCollect scans; the user's phones are listed, each
with "Revoke". The key itself is never stored (its SHA-256 is) nor shown
again. Plain HTML forms with the page's csrf value, from this site only."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from console.forms.pages import _page, _server
from console.phones import qr_svg, server_url, settings_payload
from console.state import AccountError
from console.web import Caller, caller, check_csrf, check_same_origin, in_scope, not_found, see_other, state, writer
from shared.i18n import N_

router = APIRouter(include_in_schema=False)

DEVICE_TEXTS = [
    N_("Set up a phone"),
    N_("Name the phone, then scan the QR code with ODK Collect or KoboCollect (Add project, then Configure with "
       "QR code). The phone gets a key of its own: nobody types a password, and it works on the office's "
       "network without HTTPS. Revoke the key when the phone is lost or changes hands."),
    N_("Phone's name"), N_("e.g. Rafi's phone"), N_("Make a key for this phone"),
    N_("Scan this QR code now: it is shown only once."),
    N_("QR code to set up ODK Collect or KoboCollect"),
    N_("Or type this server URL in the app's server settings, and leave the user name and password empty:"),
    N_("This address is this computer's own: a phone cannot reach it. Open the console at the computer's "
       "network address (or set WECARE_PUBLIC_URL), then make a new key."),
    N_("Your phones"), N_("No phone yet."), N_("Phone"), N_("Added"), N_("Last used"), N_("never"), N_("Revoke"),
    N_("The phone's key is revoked."),
    N_("With your user name and password (HTTPS only)"),
    N_("ODK Collect sends a password only over HTTPS: on a plain http address, set the phone up with a QR code."),
    N_("Phones need an account of this console: ask an administrator (wecare user add)."),
    N_("An account has at most 20 phones: revoke one first."),
    N_("Name the phone, e.g. Rafi's phone."), N_("A phone's name is at most 60 characters."),
]
LABEL_ERRORS = {"name the phone": N_("Name the phone, e.g. Rafi's phone."),
                "at most 60": N_("A phone's name is at most 60 characters."),
                "revoke one first": N_("An account has at most 20 phones: revoke one first.")}
NO_ACCOUNT = N_("Phones need an account of this console: ask an administrator (wecare user add).")
MAX_SHOWN = 60
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names compared, nothing bound


def project_name(c: Caller) -> str:
    """The project's name in Collect: whose phone this is (a phone may hold several projects)."""
    return f"WeCare Ops · {c.username}"


def is_local(base: str) -> bool:
    host = (urlsplit(base).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.")


@router.post("/{country}/forms/devices")
async def new_device(request: Request, country: str, c: Caller = Depends(writer), label: str = Form("", max_length=500),
                     csrf: str = Form("", max_length=200)) -> Response:
    in_scope(c, country)
    check_csrf(c, csrf)
    accounts = state(request).accounts
    if accounts is None or accounts.get(c.username) is None:
        return await _page(request, c, country, 400, device_error=NO_ACCOUNT)
    try:
        key = accounts.new_device_key(c.username, label)
    except AccountError as e:
        message = next((m for k, m in LABEL_ERRORS.items() if k in str(e)), str(e))
        return await _page(request, c, country, 400, device_error=message, label=label[:MAX_SHOWN])
    base = _server(request)
    url = server_url(base, key)
    svg = qr_svg(settings_payload(url, project_name(c)), "QR")
    response = await _page(request, c, country, 201, new_device={"label": " ".join(label.split()), "url": url,
                                                                  "svg": svg, "local": is_local(base)})
    response.headers["Cache-Control"] = "no-store"  # the key is shown once: not kept in a cache
    return response


@router.post("/{country}/forms/devices/{key_id}/revoke")
async def revoke_device(request: Request, country: str, key_id: str, c: Caller = Depends(caller),
                        csrf: str = Form("", max_length=200)) -> Response:
    """Anyone signed in revokes their own phones' keys (a read-only role too); another user's key answers
    404, as a missing one."""
    in_scope(c, country)
    check_same_origin(request)
    check_csrf(c, csrf)
    accounts = state(request).accounts
    if accounts is None or len(key_id) > 32 or not accounts.revoke_device_key(c.username, key_id):
        raise not_found()
    return see_other(f"/{quote(country, safe='')}/forms?revoked=1#phones")
