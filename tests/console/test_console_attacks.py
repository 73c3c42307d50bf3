"""The merged console attacked as an attacker would: each test here failed before its fix.
The module's tests share one stack (console_stack): ids and user names of their own (prefix `atk`)."""

from __future__ import annotations

import asyncio
import io
import re
import threading
import time
import zipfile

import pytest

from console.state import HASHES_AT_ONCE
from tests.console import odk
from tests.console.conftest import ConsoleStack, signed_in

EVIL = "https://evil.example"
AID = "A-atk-bd-1"


@pytest.fixture(name="field", scope="module")
async def field_fixture(console_stack: ConsoleStack) -> ConsoleStack:
    await odk.assessment(console_stack, "bd", "bd-atk-1", "Attack Knit", AID)
    console_stack.account("atk-lina", countries=("bd",))
    await odk.settled(console_stack, "assessment")
    return console_stack


async def _survey_events(stack: ConsoleStack) -> list[dict]:
    return [e.payload for e in await stack.services["assessment"][0].store.load(f"survey-{AID}")]


def _answers() -> dict:
    return {"country": "bd", "assessment_id": AID, "language": "en", "sex": "female", "age_band": "25_34",
            "migrant": "yes", "is_parent": "yes", "children_live_with": "apart", "afford_basics": "no",
            "feel_guilty": "yes", "returned_after_pregnancy": "returned", "needs_childcare": "yes",
            "recruitment_fee": "no", "support_needed": "childcare", "stress": "4", "parenting_confidence": "3"}


@pytest.mark.parametrize("cross_site", [{"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}])
async def test_another_sites_page_cannot_submit_or_import_with_the_browsers_basic_credentials(
        field: ConsoleStack, cross_site: dict[str, str]):
    """A browser remembers Basic credentials typed once (e.g. opening /formList) and sends them with a
    cross-site multipart POST (no preflight): /submission and /imports must refuse a page of another site."""
    lina = odk.basic("atk-lina")
    async with field.browser() as c:
        r = await c.get(f"/forms/wecare-survey-bd-{AID}/form.xml", headers=lina)
        assert r.status_code == 200, r.text
        xml, _ = odk.fill(r.text, _answers())
        before = len(await _survey_events(field))
        r = await c.post("/submission", files=odk.multipart(xml), headers={**lina, **cross_site})
        assert r.status_code == 403, r.text
        csv = f"meta/instanceID,stress\nuuid:atk-{len(cross_site)},4\n".encode()
        r = await c.post(f"/imports/wecare-survey-bd-{AID}", files={"file": ("x.csv", csv, "text/csv")},
                         headers={**lina, **cross_site})
        assert r.status_code == 403, r.text
        assert len(await _survey_events(field)) == before
        # the phone itself (no Origin) still sends, and this site's own page too
        r = await c.post("/submission", files=odk.multipart(xml), headers={**lina, "Origin": "http://console"})
        assert r.status_code == 201, r.text


async def test_a_management_form_row_numbered_in_the_millions_does_not_draw_a_page_of_millions_of_rows(
        field: ConsoleStack):
    """The page shown again after a refusal drew every row up to the highest number sent: one POST with
    text.20000 made a 20 000-row page (text.10000000: the server's memory)."""
    async with signed_in(field, "atk-lina") as b:
        page = (await b.get(f"/bd/assessments/{AID}")).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        r = await b.post(f"/bd/assessments/{AID}/management", headers={"Origin": "http://console"},
                         data={"csrf": csrf.group(1), "text.20000": "x", "area.20000": "no such area",
                               "priority.20000": "bogus", "text.0": "x", "area.0": "no such area"})
        assert r.status_code == 422, r.text[:500]
        assert "no such area" in r.text or "need area" in r.text  # refused, the page shown again
        assert len(re.findall(r'name="text\.\d+"', r.text)) <= 200
        assert len(r.content) < 2_000_000


async def test_a_signed_in_page_is_not_kept_in_a_cache(field: ConsoleStack):
    """A shared phone: after signing out, the browser's cache (or a proxy's) must not hold the pages seen."""
    async with signed_in(field, "atk-lina") as b:
        for path in ("/bd/", "/bd/factories", f"/bd/assessments/{AID}", "/bd/forms", "/bd/plans", "/bd/nothing/x"):
            r = await b.get(path)
            assert "no-store" in r.headers.get("cache-control", ""), path


async def test_a_link_cannot_put_its_own_sentence_in_a_pages_alert(field: ConsoleStack):
    """/bd/plans?error=... showed the query's text as the page's red alert (a link in a phishing mail:
    "Your account is locked: call ..."), on the console's own address."""
    async with signed_in(field, "atk-lina") as b:
        r = await b.get("/bd/plans", params={"error": "Your account is locked: call +1 555 0100"})
        assert r.status_code == 200
        assert "555 0100" not in r.text


async def test_a_burst_of_sign_ins_hashes_a_few_passwords_at_once_only(field: ConsoleStack):
    """Each Argon2id verification takes 64 MiB: a burst of unauthenticated sign-ins (or ODK requests with Basic
    credentials) ran one per thread of the pool at once (32 on a large machine: 2 GiB)."""
    accounts = field.console.accounts
    assert accounts is not None
    real = accounts._hasher
    running, most = 0, 0
    lock = threading.Lock()

    class Slow:
        def verify(self, hash_: str, password: str) -> bool:
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            return real.verify(hash_, password)

        def __getattr__(self, name: str):
            return getattr(real, name)

    accounts._hasher = Slow()  # type: ignore[assignment]
    try:
        answers = await asyncio.gather(*(accounts.verify(f"atk-nobody-{i}", "wrong password") for i in range(16)))
    finally:
        accounts._hasher = real
    assert answers == [None] * 16
    assert most <= HASHES_AT_ONCE


def _zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _encrypted_flag(data: bytes) -> bytes:
    """The zip with its members marked encrypted (general purpose bit 0), as a password-protected export is."""
    b = bytearray(data)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = b.find(sig)
        while at != -1:
            flag = at + (6 if sig == b"PK\x03\x04" else 8)
            b[flag] |= 1
            at = b.find(sig, at + 4)
    return bytes(b)


BAD_EXPORTS = {
    "deep-json": b"[" * 200_000 + b"]" * 200_000,
    "csv-huge-field": b"meta/instanceID,stress\nuuid:x,\"" + b"a" * 200_000 + b"\"\n",
    "zip-huge-field": _zip({"s.csv": b"meta-instanceID,KEY,stress\nuuid:x,uuid:x,\"" + b"a" * 200_000 + b"\"\n"}),
    "zip-encrypted": _encrypted_flag(_zip({"s.csv": b"meta-instanceID,KEY\nuuid:x,uuid:x\n"})),
    "csv-many-rows": b"meta/instanceID\n" + b"uuid:x\n" * 600_000,
}


@pytest.mark.parametrize("name", list(BAD_EXPORTS))
async def test_an_unreadable_export_is_refused_naming_the_file_not_a_server_error(field: ConsoleStack, name: str):
    """A deeply nested JSON, a CSV field over the csv module's limit, an encrypted zip: each was a 500 (and a
    CSV of 600 000 rows was read whole before the 5 000-row limit was applied)."""
    async with field.browser() as c:
        r = await c.post(f"/imports/wecare-survey-bd-{AID}", headers=odk.basic("atk-lina"),
                         files={"file": (f"{name}.bin", BAD_EXPORTS[name], "application/octet-stream")})
        assert r.status_code == 400, r.text[:300]
        assert r.json()["errors"][0]["field"] == "file"
