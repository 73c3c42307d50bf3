"""Setting up a phone for field capture: the server URL with the phone's
device key (`<console>/key/<key>`, as ODK Central's App Users) and the QR
code ODK Collect and KoboCollect scan to configure themselves.

Collect's settings QR code holds its settings as JSON, zlib-compressed,
then base64 (what ODK Central's QR codes hold too: pako's zlib deflate,
then btoa): `{"general": {...}, "admin": {}, "project": {"name": ...}}`.
Collect requires the `admin` object. The key is in the server URL, so the
user name and password are left empty: no password is typed on a phone or
sent over plain http."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any, TextIO
from urllib.parse import quote

import segno


def server_url(base: str, key: str) -> str:
    """The server URL a phone is given: the console's address and the phone's key."""
    return f"{base.rstrip('/')}/key/{quote(key, safe='')}"


def collect_settings(url: str, project: str) -> dict[str, Any]:
    return {"general": {"server_url": url, "username": "", "password": "",
                        # send what was filled as soon as there is a connection (Central's managed QR codes too)
                        "autosend": "wifi_and_cellular"},
            "admin": {}, "project": {"name": project}}


def settings_payload(url: str, project: str) -> str:
    """The text of the QR code: the settings' JSON, zlib-compressed, base64."""
    raw = json.dumps(collect_settings(url, project), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def decode_payload(payload: str) -> dict[str, Any]:
    """What Collect reads from the QR code (for tests and operators)."""
    return json.loads(zlib.decompress(base64.b64decode(payload, validate=True)).decode())


def qr(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False)


def qr_svg(payload: str, title: str) -> str:
    """The QR code as inline SVG (no script, no outside asset): black on white, with its quiet zone, sized by
    its container."""
    return qr(payload).svg_inline(scale=1, border=4, omitsize=True, light="#fff", dark="#000", title=title,
                                  svgclass="qr", lineclass=None)


def print_qr(payload: str, out: TextIO) -> None:
    """The QR code in a terminal (for an operator setting up a phone from a laptop)."""
    qr(payload).terminal(out=out, compact=True)
