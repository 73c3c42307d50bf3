"""A phone set up with a device key (ODK Central's App Users): the key in the
server URL is the phone's credential, so ODK Collect needs no password and
works over plain http on a LAN. On the real services and NATS: a key lists
its account's forms only, under its own prefix, and submits a survey; a
revoked or wrong key answers 401 and records nothing; the console's page
makes a key (csrf and Origin checked), shows Collect's settings QR code
once, and lists the user's phones with "Revoke"; the key is kept hashed."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from console.forms.devices import is_local
from console.forms.mapping import client_id
from console.phones import collect_settings, decode_payload, qr_svg, server_url, settings_payload
from console.state import MAX_DEVICE_KEYS, AccountError, Accounts, key_hash
from tests.console.conftest import PASSWORD, ConsoleStack, signed_in
from tests.console.odk import (  # noqa: F401 - field_fixture: the fixture `field`
    BD_AID,
    VN_AID,
    basic,
    field_fixture,
    fill,
    multipart,
    settled,
    survey_answers,
)

KINDS = ("survey", "checklist", "demographics", "management")


def form_ids(xml: str) -> list[str]:
    return re.findall(r"<formID>([^<]+)</formID>", xml)


def key_of(url: str) -> str:
    return url.rsplit("/key/", 1)[1]


# -- the accounts' keys, without a stack ----------------------------------------------------------------------


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    a = Accounts(tmp_path / "console" / "accounts.db")
    a.add("lina", PASSWORD, "country_team", ("bd",))
    a.add("rafi", PASSWORD, "country_team", ("bd",))
    return a


@pytest.mark.unit
def test_a_key_is_kept_hashed_and_names_its_account(accounts: Accounts, tmp_path: Path):
    key = accounts.new_device_key("lina", "  Rafi's   phone ")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    (d,) = accounts.device_keys("lina")
    assert d.label == "Rafi's phone" and d.last_used_at is None and accounts.device_keys("rafi") == []
    a = accounts.device_account(key)
    assert a is not None and a.username == "lina" and a.countries == ("bd",)
    assert accounts.device_keys("lina")[0].last_used_at is not None
    # the SQLite file (and its write-ahead log) holds the key's SHA-256, never the key
    stored = b"".join(p.read_bytes() for p in (tmp_path / "console").glob("accounts.db*"))
    assert key.encode() not in stored and key_hash(key).encode() in stored
    for wrong in ("", "x", key[:-1] + ("A" if key[-1] != "A" else "B"), key + "A", "../" + key[3:],
                  key_hash(key)):
        assert accounts.device_account(wrong) is None, wrong


@pytest.mark.unit
def test_only_the_owner_revokes_a_key(accounts: Accounts):
    key = accounts.new_device_key("lina", "Lina's phone")
    (d,) = accounts.device_keys("lina")
    assert accounts.revoke_device_key("rafi", d.key_id) is False  # another account's key: not theirs
    assert accounts.device_account(key) is not None
    assert accounts.revoke_device_key("lina", d.key_id) is True
    assert accounts.device_account(key) is None and accounts.device_keys("lina") == []
    assert accounts.revoke_device_key("lina", d.key_id) is False


@pytest.mark.unit
def test_a_phones_name_is_checked_and_an_account_has_at_most_20_phones(accounts: Accounts):
    for label in ("", "   ", "x" * 61):
        with pytest.raises(AccountError) as e:
            accounts.new_device_key("lina", label)
        assert e.value.field == "label"
    with pytest.raises(AccountError) as e:
        accounts.new_device_key("nobody", "a phone")
    assert e.value.field == "username"
    keys = [accounts.new_device_key("lina", f"phone {i}") for i in range(MAX_DEVICE_KEYS)]
    with pytest.raises(AccountError, match="revoke one first"):
        accounts.new_device_key("lina", "one more")
    assert len(accounts.device_keys("lina")) == MAX_DEVICE_KEYS and len(set(keys)) == MAX_DEVICE_KEYS


@pytest.mark.unit
def test_the_qr_code_holds_collects_settings_zlib_compressed_then_base64():
    url = server_url("http://192.168.1.20:8100/", "k" * 43)
    assert url == "http://192.168.1.20:8100/key/" + "k" * 43
    payload = settings_payload(url, "WeCare Ops · lina")
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", payload) and payload.startswith("eN")  # zlib's header, base64
    settings = decode_payload(payload)
    assert settings == collect_settings(url, "WeCare Ops · lina")
    assert settings["general"]["server_url"] == url and settings["admin"] == {}  # Collect requires admin
    assert settings["general"]["username"] == settings["general"]["password"] == ""
    assert settings["project"] == {"name": "WeCare Ops · lina"}
    # a console opened at localhost would give the phone an address it cannot reach: the page says so
    assert is_local("http://localhost:8100") and is_local("http://127.0.0.1:8100") and is_local("http://[::1]/")
    assert not is_local("http://192.168.1.20:8100") and not is_local("https://wecare.example.org")
    svg = qr_svg(payload, "QR")
    assert svg.startswith("<svg") and "<script" not in svg and "href" not in svg and 'fill="#fff"' in svg


# -- a phone with a key, on the real services --------------------------------------------------------------


@pytest.fixture
async def keyed(field: ConsoleStack) -> ConsoleStack:
    """The module's stack (shared by its tests: each test has accounts of its own) with Minh (Viet Nam)."""
    field.account("minh", countries=("vn",))
    return field


async def survey_ids(stack: ConsoleStack) -> list[str]:
    return [e.payload["response_id"] for e in await stack.services["assessment"][0].store.load(f"survey-{BD_AID}")]


async def test_a_key_lists_its_accounts_forms_under_its_prefix_and_submits_over_plain_http(keyed: ConsoleStack):
    accounts = keyed.console.accounts
    assert accounts is not None
    keyed.account("lina-key", countries=("bd",))
    lina_key = accounts.new_device_key("lina-key", "Rafi's phone")
    minh_key = accounts.new_device_key("minh", "Minh's phone")
    lina, minh = f"/key/{lina_key}", f"/key/{minh_key}"
    async with keyed.browser() as c:  # plain http, no Authorization header: what Collect does on a LAN
        r = await c.get(f"{lina}/formList")
        assert r.status_code == 200 and r.headers["x-openrosa-version"] == "1.0", r.text
        assert sorted(form_ids(r.text)) == sorted(f"wecare-{k}-bd-{BD_AID}" for k in KINDS)
        assert "Saigon" not in r.text
        urls = re.findall(r"<downloadUrl>([^<]+)</downloadUrl>", r.text)
        assert len(urls) == 4 and all(u.startswith(f"http://console{lina}/forms/") for u in urls), urls
        assert sorted(form_ids((await c.get(f"{minh}/formList")).text)) == sorted(
            f"wecare-{k}-vn-{VN_AID}" for k in KINDS)
        # the form as Collect downloads it: from the list's downloadUrl
        survey = next(u for u in urls if "survey" in u)
        xform = (await c.get(survey.removeprefix("http://console"))).text
        assert "<h:html" in xform or "<html" in xform
        assert (await c.get(f"{lina}/forms/wecare-survey-vn-{VN_AID}/form.xml")).status_code == 404  # not hers
        r = await c.head(f"{lina}/submission")
        assert r.status_code == 204 and int(r.headers["x-openrosa-accept-content-length"]) >= 1_000_000
        xml, iid = fill(xform, survey_answers("bn"))
        before = await survey_ids(keyed)
        r = await c.post(f"{lina}/submission", files=multipart(xml), headers={"X-OpenRosa-Version": "1.0"})
        assert r.status_code == 201, r.text
        assert await survey_ids(keyed) == [*before, client_id(iid)]
        r = await c.post(f"{lina}/submission", files=multipart(xml))  # sent again: nothing recorded twice
        assert r.status_code == 202
        # Minh's key cannot send to a Bangladeshi assessment: as a missing one
        r = await c.post(f"{minh}/submission", files=multipart(fill(xform, survey_answers("vi"))[0]))
        assert r.status_code == 404
        assert len(await survey_ids(keyed)) == len(before) + 1


async def test_a_revoked_or_wrong_key_answers_401_and_records_nothing(keyed: ConsoleStack):
    accounts = keyed.console.accounts
    assert accounts is not None
    keyed.account("lina-lost", countries=("bd",))
    key = accounts.new_device_key("lina-lost", "Lost phone")
    svc = keyed.services["assessment"][0]
    async with keyed.browser() as c:
        xform = (await c.get(f"/key/{key}/forms/wecare-survey-bd-{BD_AID}/form.xml")).text
        xml, _ = fill(xform, survey_answers("en"))
        (d,) = accounts.device_keys("lina-lost")
        assert accounts.revoke_device_key("lina-lost", d.key_id)
        before, surveys = await svc.store.count(), await survey_ids(keyed)
        wrong = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
        answers = set()
        for k in (key, wrong, "short", "a" * 500):
            for method, path, kw in (("GET", "/formList", {}), ("HEAD", "/submission", {}),
                                     ("POST", "/submission", {"files": multipart(xml)}),
                                     ("GET", f"/forms/wecare-survey-bd-{BD_AID}/form.xml", {})):
                # her password does not open a key's URL: the key alone is the credential there
                r = await c.request(method, f"/key/{k}{path}", headers=basic("lina-lost"), **kw)
                assert r.status_code == 401, (k, path, r.status_code)
                answers.add(r.text)
        assert len(answers) <= 2  # the same answer for a revoked key and a wrong one (HEAD has no body)
        assert await svc.store.count() == before and await survey_ids(keyed) == surveys


async def test_the_page_makes_a_key_shows_its_qr_code_once_and_revokes_it(keyed: ConsoleStack):
    keyed.account("lina-page", countries=("bd",))
    keyed.account("rafi", countries=("bd",))
    accounts = keyed.console.accounts
    assert accounts is not None
    async with signed_in(keyed, "lina-page") as b:
        page = await b.get("/bd/forms")
        assert page.status_code == 200 and "Set up a phone" in page.text and 'for="device-label"' in page.text
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        # no csrf, a wrong one, or from another site: refused, no key made
        for data, headers in (({"label": "Rafi's phone"}, {}), ({"label": "x", "csrf": "wrong"}, {}),
                              ({"label": "x", "csrf": csrf}, {"Origin": "https://evil.example"})):
            r = await b.post("/bd/forms/devices", data=data, headers=headers)
            assert r.status_code == 403, (data, headers)
        assert accounts.device_keys("lina-page") == []
        r = await b.post("/bd/forms/devices", data={"label": "", "csrf": csrf})
        assert r.status_code == 400 and 'id="device-error"' in r.text and accounts.device_keys("lina-page") == []
        # Vietnam is not her page
        assert (await b.post("/vn/forms/devices", data={"label": "x", "csrf": csrf})).status_code == 404

        r = await b.post("/bd/forms/devices", data={"label": "Rafi's phone", "csrf": csrf},
                         headers={"Origin": "http://console"})
        assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
        url = re.search(r'<code id="device-url"[^>]*>([^<]+)</code>', r.text).group(1)
        key = key_of(url)
        assert url == f"http://console/key/{key}"
        assert "<script" not in r.text.split("<main", 1)[-1].split("</main>", 1)[0]
        # the QR code on the page is Collect's settings with this server URL (segno makes the same SVG again)
        payload = settings_payload(url, "WeCare Ops · lina-page")
        assert qr_svg(payload, "QR") in r.text
        assert decode_payload(payload)["general"]["server_url"] == url
        (d,) = accounts.device_keys("lina-page")
        assert d.label == "Rafi's phone"
        # the key works, and the page does not show it again
        assert (await b.get(f"/key/{key}/formList")).status_code == 200
        again = await b.get("/bd/forms")
        assert key not in again.text and "Rafi&#39;s phone" in again.text and "Revoke" in again.text

    # another user of the same country cannot revoke Lina's phone
    async with signed_in(keyed, "rafi") as other:
        page = await other.get("/bd/forms")
        rcsrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        r = await other.post(f"/bd/forms/devices/{d.key_id}/revoke", data={"csrf": rcsrf})
        assert r.status_code == 404
    assert accounts.device_account(key) is not None

    async with signed_in(keyed, "lina-page") as b:
        assert (await b.post(f"/bd/forms/devices/{d.key_id}/revoke", data={})).status_code == 403  # no csrf
        page = await b.get("/bd/forms")
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        r = await b.post(f"/bd/forms/devices/{d.key_id}/revoke", data={"csrf": csrf})
        assert r.status_code == 303 and r.headers["location"].startswith("/bd/forms")
        page = await b.get(r.headers["location"])
        assert "key is revoked." in page.text and "No phone yet." in page.text
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=keyed.app), base_url="http://console") as c:
        assert (await c.get(f"/key/{key}/formList")).status_code == 401


# -- an operator's terminal, and the logs -----------------------------------------------------------------


@pytest.mark.unit
def test_wecare_user_device_prints_the_url_the_qr_payload_and_a_qr_code(tmp_path: Path, capsys):
    from console.users import parser, run

    data = tmp_path / "stack"
    Accounts(data / "console" / "accounts.db").add("lina", PASSWORD, "country_team", ("bd",))
    args = ["device", "lina", "--label", "Rafi's phone", "--server", "http://192.168.1.20:8100",
            "--data-dir", str(data)]
    assert run(parser().parse_args(args)) == 0
    out = capsys.readouterr().out
    key = re.search(r"^path: +/key/([A-Za-z0-9_-]{43})$", out, re.M).group(1)
    payload = re.search(r"^QR payload: (\S+)$", out, re.M).group(1)
    assert decode_payload(payload)["general"]["server_url"] == f"http://192.168.1.20:8100/key/{key}"
    assert "█" in out or "▀" in out  # the QR code in the terminal
    accounts = Accounts(data / "console" / "accounts.db")
    assert accounts.device_account(key).username == "lina"
    (d,) = accounts.device_keys("lina")
    assert run(parser().parse_args(["devices", "lina", "--data-dir", str(data)])) == 0
    assert d.key_id in capsys.readouterr().out
    assert run(parser().parse_args(["device", "nobody", "--label", "x", "--data-dir", str(data)])) == 2
    assert run(parser().parse_args(["revoke", "lina", "--key-id", "nope", "--data-dir", str(data)])) == 2
    assert run(parser().parse_args(["revoke", "lina", "--key-id", d.key_id, "--data-dir", str(data)])) == 0
    assert accounts.device_account(key) is None


@pytest.mark.unit
def test_a_logged_path_holds_no_device_key():
    from console.app import _redact_keys

    key = "Wmw4I-V6MLo7SFUjZI_V66Z2VRorWUySr4eU_CbaSuM"
    line = _redact_keys(None, "info", {"event": "http.rate_limited", "path": f"/key/{key}/submission", "n": 1})
    assert line == {"event": "http.rate_limited", "path": "/key/***/submission", "n": 1}
