"""Where the webhook sender connects and how much it reads (issue #17, SSRF
and unbounded answers): a buyer's endpoint must resolve to public addresses,
at registration and again when a delivery connects (DNS rebinding), unless
the operator's allow-list names it; an answer is read 4 KiB at most; the
delivery log says a category, never an exception's text, and quotes only
public receivers. DNS is played by `fake_dns` (the process's resolver), the
receivers are real sockets on loopback, the sender the real Dispatcher."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from services.buyers import egress
from services.buyers import webhooks as W
from shared.settings import Settings
from shared.store.database import Database
from tests.buyers.test_webhook_poison import PublicPeer, _queue
from tests.conftest import EXAMPLE_ADDRESS, eventually, fake_dns
from tests.harness import auth

OTTO = "Otto Group"
MiB = 2**20

REFUSED = ["127.0.0.1", "127.255.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
           "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1",
           "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "ff0e::1", "::ffff:127.0.0.1",
           "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b:1::5", "2002:7f00:1::",
           "2002:a00:1::", "2001:db8::1", "2001::1"]
PUBLIC = [EXAMPLE_ADDRESS, "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.215.14",
          "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"]


@pytest.mark.unit
@pytest.mark.parametrize("address", REFUSED)
def test_an_internal_address_is_not_public(address: str) -> None:
    assert not egress.public(ipaddress.ip_address(address))


@pytest.mark.unit
@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_public(address: str) -> None:
    assert egress.public(ipaddress.ip_address(address))


@pytest.mark.unit
def test_the_allow_list_names_hosts_addresses_and_networks_with_or_without_a_port() -> None:
    a = egress.Allowed.of(Settings(webhook_allow_hosts="localhost:8790, Hooks.Internal., 10.20.0.0/16,"
                                                      "[::1]:9000, 127.0.0.1").webhook_allow_hosts)
    ip = ipaddress.ip_address
    assert a.names("localhost", 8790) and not a.names("localhost", 8791)
    assert a.names("hooks.internal", 443) and a.names("HOOKS.internal.", 80)
    assert a.lists("x", 443, [ip("10.20.3.4")]) and not a.lists("x", 443, [ip("10.20.3.4"), ip("10.21.0.1")])
    assert a.lists("x", 9000, [ip("::1")]) and not a.lists("x", 9001, [ip("::1")])
    assert a.permits("x", 443, [ip(EXAMPLE_ADDRESS), ip("10.20.0.9")]) and not a.lists("x", 443, [ip(EXAMPLE_ADDRESS)])
    assert not a.permits("x", 443, [ip(EXAMPLE_ADDRESS), ip("10.21.0.9")])  # one address refused: all are
    assert not a.permits("x", 443, [])
    with pytest.raises(ValueError, match="port"):
        Settings(webhook_allow_hosts="localhost:http")


# -- registration -------------------------------------------------------------------------

REFUSED_URLS = [
    "https://169.254.169.254/latest/meta-data/iam/",
    "https://postgres:5432/",  # a name the service's network resolves to a private address
    "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:7f00:1]/hook",
    "https://10.0.0.1/hook", "https://100.64.0.1/hook", "https://224.0.0.1/hook", "https://0.0.0.0/hook",
    "https://2130706433/hook", "https://0x7f.1/hook", "https://0177.0.0.1/hook",  # 127.0.0.1 spelt otherwise
    "https://[fe80::1]/hook", "https://[fd00::1]/hook", "https://[64:ff9b::a00:1]/hook", "https://[2002:7f00:1::]/h",
    "https://localhost/hook",
    "https://mixed.example.net/hook",  # one public, one private address
    "https://nosuchname.example.net/hook",  # unresolved: the same answer as a private one
    "https://" + "a" * 70 + ".example.net/hook",  # a label too long to look up
    "http://example.org/hook",  # public, but plain http
    "https://example.org:0/hook", "https://example.org:99999/hook",
]


async def test_registration_refuses_every_internal_destination_naming_the_url_and_stores_nothing(
        in_process: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: https://169.254.169.254/latest/meta-data/iam/ and https://postgres:5432/ were registered (201)."""
    fake_dns(monkeypatch, {"postgres": ["172.18.0.3"], "mixed.example.net": [EXAMPLE_ADDRESS, "10.1.2.3"],
                           "nosuchname.example.net": []})
    _, c = await in_process("buyers")
    me = auth("buyer", buyer=OTTO)
    messages = {}
    for url in REFUSED_URLS:
        r = await c.post(f"/buyers/{OTTO}/webhooks", json={"url": url}, headers=me)
        assert r.status_code == 422, (url, r.status_code, r.text)
        body = r.json()
        assert (body.get("field"), body.get("rule")) == ("url", "webhook_url"), (url, body)
        messages[url] = body["detail"]
    # a name that does not resolve and one that resolves to the database answer alike: no scanner
    assert messages["https://nosuchname.example.net/hook"] == messages["https://postgres:5432/"]
    assert (await c.get(f"/buyers/{OTTO}/webhooks", headers=me)).json()["items"] == []
    r = await c.post(f"/buyers/{OTTO}/webhooks", json={"url": "https://example.org/hook"}, headers=me)
    assert r.status_code == 201, r.text


# -- delivery --------------------------------------------------------------------------------


class Listener:
    """A TCP server on loopback that counts connections and answers each
    with `answer` (bytes) once it has read the request's head (or
    `at_once`), or a 500 whose body of `big` bytes is made as it is sent, or
    nothing at all (`silent`), or a header a byte at a time (`drip`)."""

    def __init__(self, answer: bytes = b"", *, big: int = 0, silent: bool = False, at_once: bool = False,
                 drip: bool = False) -> None:
        self.answer, self.big, self.silent, self.at_once, self.drip = answer, big, silent, at_once, drip
        self.connections = 0
        self.sent = 0
        self.server: asyncio.Server | None = None
        self.tasks: set[asyncio.Task] = set()
        self.writers: set[asyncio.StreamWriter] = set()
        self.stop = asyncio.Event()

    async def __aenter__(self) -> Listener:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port: int = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        self.stop.set()
        for w in self.writers:
            w.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        self.writers.add(writer)
        try:
            if not self.at_once:  # else it answers before the request (a TLS client's hello) is in
                await reader.readuntil(b"\r\n\r\n")
            if self.silent:
                await asyncio.wait_for(self.stop.wait(), 30)
            elif self.drip:  # a header byte every 0.1 s, for ever: no read ever waits long
                writer.write(b"HTTP/1.1 200 OK\r\nx-slow: ")
                while not self.stop.is_set():
                    writer.write(b"z")
                    await writer.drain()
                    await asyncio.sleep(0.1)
            elif self.big:
                writer.write(b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\n"
                             b"content-length: %d\r\n\r\n" % self.big)
                chunk = b"x" * MiB  # one chunk, sent again and again: the server holds no more than that
                while self.sent < self.big:
                    writer.write(chunk)
                    await writer.drain()
                    self.sent += len(chunk)
            else:
                writer.write(self.answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def answer(status: str, body: bytes = b"", **headers: str) -> bytes:
    head = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
    return f"HTTP/1.1 {status}\r\n{head}content-length: {len(body)}\r\n\r\n".encode() + body


async def _deliver_once(tmp_path: Any, urls: dict[str, str], **settings: Any) -> dict[str, Any]:
    """Each endpoint (id -> its stored URL, past registration) gets one
    delivery, one attempt only; the recorded attempt of each."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/egress.db")
    await _queue(db, dict.fromkeys(urls, 1))
    async with db.write() as conn:
        for ep, url in urls.items():
            await conn.execute(update(W.endpoints).where(W.endpoints.c.endpoint_id == ep).values(url=url))
    d = W.Dispatcher(db, Settings(**{"service": "buyers", "data_dir": str(tmp_path), "webhook_max_attempts": 1,
                                     "webhook_poll_s": 0.05, "webhook_timeout_s": 2.0, **settings}))
    task = asyncio.create_task(d.run())

    async def recorded() -> dict[str, Any] | None:
        async with db.read() as conn:
            rows = (await conn.execute(W.attempts.join(W.deliveries, W.deliveries.c.delivery_id
                                                       == W.attempts.c.delivery_id).select())).all()
        return {r.endpoint_id: r for r in rows} if len(rows) == len(urls) else None

    try:
        return await eventually(recorded, timeout=20)
    finally:
        await _cancel(task)
        await d.close()
        await db.dispose()


async def _cancel(task: asyncio.Task) -> None:
    """Cancel the dispatcher's loop, again if need be: on Python 3.11 its
    `asyncio.wait_for` on the wake-up event can swallow a cancellation that
    comes as the event is set (fixed in 3.12), and the test would wait for ever."""
    tries = 0
    while not task.done():
        tries += 1
        task.cancel()
        await asyncio.wait([task], timeout=0.5)
    if tries > 1:
        print(f"\nthe dispatcher's loop took {tries} cancellations to stop")


async def test_a_name_that_turns_private_after_registration_is_refused_at_delivery_without_connecting(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name resolves to a public address when registered,
    to loopback when the delivery connects. Before, the sender connected to
    whatever its own resolution gave; now it checks what it connects to."""
    answers = iter([[EXAMPLE_ADDRESS]])
    fake_dns(monkeypatch, {"rebind.example.net": lambda: next(answers, ["127.0.0.1"]),
                           "gone.example.net": []})
    async with Listener(answer("204 No Content")) as inside:
        url = f"https://rebind.example.net:{inside.port}/hook"
        assert await egress.check_url(Settings(), url) == url  # public at registration
        got = await _deliver_once(tmp_path, {"e1": url, "e2": f"http://127.0.0.1:{inside.port}/plain",
                                             "e3": f"https://[::ffff:127.0.0.1]:{inside.port}/x",
                                             "e4": f"https://gone.example.net:{inside.port}/x"})
        assert inside.connections == 0
    assert {ep: (a.status_code, a.error) for ep, a in got.items()} == dict.fromkeys(got, (None, "refused_address"))
    assert all(a.status == "parked" for a in got.values())


async def test_an_allow_listed_receiver_gets_plain_http_and_its_answer_is_not_quoted(tmp_path: Any) -> None:
    """The operator's allow-list is the only way to a private address (and
    to plain http); a private receiver's words stay out of the buyer's log."""
    async with Listener(answer("500 Internal Server Error", b"db password=hunter2 at 10.0.0.7")) as inside, \
            Listener(answer("204 No Content")) as ok:
        got = await _deliver_once(tmp_path, {"e1": f"http://127.0.0.1:{inside.port}/h",
                                             "e2": f"http://localhost:{ok.port}/h"},
                                  webhook_allow_hosts=(f"127.0.0.1:{inside.port}", f"localhost:{ok.port}"))
        assert inside.connections == 1 and ok.connections == 1
    assert (got["e1"].status_code, got["e1"].error) == (500, "http_5xx")
    assert (got["e2"].status_code, got["e2"].error, got["e2"].status) == (204, None, "delivered")


async def test_the_log_keeps_a_category_never_the_exception_text_and_redirects_are_not_followed(
        tmp_path: Any) -> None:
    """Before: "connect: ConnectError: All connection attempts failed" (a port
    scanner's answer), "HTTP 500: <what the internal server said>"."""
    async with Listener(answer("200 OK"), at_once=True) as target, Listener(silent=True) as hangs, \
            Listener() as closed, Listener() as redirect, Listener(drip=True) as drips:
        redirect.answer = answer("307 Temporary Redirect", Location=f"http://127.0.0.1:{target.port}/")
        await closed.__aexit__()  # nothing listens at its port now
        got = await _deliver_once(tmp_path, {"e1": f"http://127.0.0.1:{closed.port}/",
                                             "e2": f"https://127.0.0.1:{target.port}/",  # TLS to a plain server
                                             "e3": f"http://127.0.0.1:{hangs.port}/",
                                             "e4": f"http://127.0.0.1:{redirect.port}/",
                                             "e5": f"http://127.0.0.1:{drips.port}/"},
                                  webhook_allow_hosts=("127.0.0.1",), webhook_timeout_s=0.5)
        assert target.connections == 1  # the TLS attempt's, not the redirect's
    assert {ep: (a.status_code, a.error) for ep, a in got.items()} == {
        "e1": (None, "connect_failed"), "e2": (None, "tls"), "e3": (None, "timeout"), "e4": (307, "http_3xx"),
        "e5": (None, "timeout")}
    assert got["e3"].duration_ms < 2000  # no answer within the timeout (0.5 s): given up
    assert 900 <= got["e5"].duration_ms < 3000  # an answer that never ends: given up at twice the timeout


@pytest.mark.unit
def test_only_a_public_receivers_answer_is_quoted_and_then_short_and_printable() -> None:
    said = b"\x00no such \x1b[31mcustomer" + b"!" * 5000
    quoted = ("no such [31mcustomer" + "!" * 5000)[:200]  # NUL and ESC gone, 200 characters
    assert W.answer_error(egress.Answer(503, said, public=True)) == "http_5xx: " + quoted
    assert W.answer_error(egress.Answer(503, said, public=False)) == "http_5xx"
    assert W.answer_error(egress.Answer(404, b"", public=True)) == "http_4xx"
    assert W.answer_error(egress.Answer(204, said, public=True)) is None


async def test_a_public_receivers_answer_is_known_public_from_the_connection(tmp_path: Any) -> None:
    import httpx

    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(500, content=b"try later", extensions={"network_stream": PublicPeer()})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as c:
        a = await egress.send(c, "https://example.org/h", b"{}", {}, 2.0)
    assert a == egress.Answer(500, b"try later", public=True)


def _rss(key: str) -> int:
    lines = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(key + ":"))


async def test_a_150_mib_answer_costs_the_sender_4_kib_not_150_mib(tmp_path: Any) -> None:
    """Before: a receiver answering 500 with 150 MiB took the buyers process
    from 121 MiB to 3,120 MiB. The peak RSS of this process (the sender) while
    the attempt is made, against its RSS just before."""
    async with Listener(answer("204 No Content")) as warm:  # the sender's one-off allocations first
        await _deliver_once(tmp_path / "warm", {"e1": f"http://127.0.0.1:{warm.port}/"},
                            webhook_allow_hosts=("127.0.0.1",))
    async with Listener(big=150 * MiB) as huge:
        Path("/proc/self/clear_refs").write_text("5")  # noqa: ASYNC240 - the peak (VmHWM) starts again from here
        before = _rss("VmRSS")
        t0 = time.perf_counter()
        got = await _deliver_once(tmp_path, {"e1": f"http://127.0.0.1:{huge.port}/"},
                                  webhook_allow_hosts=("127.0.0.1",))
        took = time.perf_counter() - t0
        grew = _rss("VmHWM") - before
        await asyncio.sleep(0.1)  # the server sees the closed connection
    print(f"\n150 MiB answer: peak RSS +{grew / MiB:.1f} MiB, the receiver sent {huge.sent / MiB:.0f} MiB "
          f"before the sender closed, {took:.2f} s")
    assert grew < 8 * MiB  # before: +311.7 MiB here (the body, then its copies)
    assert huge.sent < 32 * MiB  # closed, not drained
    assert (got["e1"].status_code, got["e1"].error) == (500, "http_5xx")
