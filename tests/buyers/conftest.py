"""The five services on the real NATS server, and a webhook receiver: a real
HTTP server on loopback that verifies every signature, can be taken down
and brought back, and can be told to fail."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import httpx
import orjson
import pytest
import uvicorn
from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shared.service import Service
from tests.conftest import _pg_create, _pg_drop, pg_url
from tests.evaluation.conftest import Stack
from tests.harness import auth, serve_services
from wecare.natsserver import free_port

OTTO, HASBRO = "Otto Group", "Hasbro"


def hand_signature(secret: str, msg_id: str, ts: str, body: bytes) -> str:
    """The Standard Webhooks signature computed by hand (not with the library that signed)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    return base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()


@dataclass
class Receiver:
    """POST /<name>: verifies the signature with the endpoint's secrets, keeps what it accepted."""

    port: int = field(default_factory=free_port)
    secrets: dict[str, list[str]] = field(default_factory=dict)  # path -> secrets any of which may sign
    accepted: dict[str, list[tuple[str, bytes, list[str]]]] = field(default_factory=dict)  # path -> (id, body, sigs)
    rejected: list[str] = field(default_factory=list)  # bad signatures: must stay empty
    fail_with: int | None = None  # answer this status to every request
    fail_for: set[str] = field(default_factory=set)  # answer 500 to records with these subjects
    stamps: dict[str, list[str]] = field(default_factory=dict)  # path -> webhook-timestamp of each accepted
    arrived: dict[str, list[float]] = field(default_factory=dict)  # path -> loop time each accepted one arrived
    hang: set[str] = field(default_factory=set)  # paths whose requests get no answer for hang_s (or until stop)
    # paths released from hanging: an attempt already in flight when its endpoint was disabled (queued for a
    # connection, or fetched just before) may still arrive; it gets the 503 its fellows got, not a signature check
    released: set[str] = field(default_factory=set)
    hang_s: float = 30.0
    hits: int = 0
    hanging: int = 0  # requests waiting for an answer now
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: Request) -> Response:
        self.hits += 1
        name = request.path_params["name"]
        body = await request.body()
        if name in self.hang:
            self.hanging += 1
            try:
                with contextlib.suppress(TimeoutError):  # the sender's timeout ends it first
                    await asyncio.wait_for(self._released.wait(), self.hang_s)
            finally:
                self.hanging -= 1
            return Response("too late", status_code=503)
        if name in self.released:
            return Response("too late", status_code=503)
        if self.fail_with:
            return Response("busy", status_code=self.fail_with)
        if self.fail_for and orjson.loads(body).get("subject") in self.fail_for:
            return Response("cannot take it", status_code=500)
        for _ in range(200):  # a backfill's first record can arrive before register() has answered the test
            if name in self.secrets:  # the secret the test learns from that answer
                break
            await asyncio.sleep(0.01)
        headers = dict(request.headers)
        sigs = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split(" ") if s]
        ok = False
        for secret in self.secrets.get(name, []):
            try:
                Webhook(secret).verify(body, headers)
            except Exception:  # noqa: BLE001, S112
                continue
            ok = hand_signature(secret, headers["webhook-id"], headers["webhook-timestamp"], body) in sigs
            if ok:
                break
        if not ok:
            self.rejected.append(headers.get("webhook-id", "?"))
            return Response("bad signature", status_code=401)
        self.accepted.setdefault(name, []).append((headers["webhook-id"], body, sigs))
        self.stamps.setdefault(name, []).append(headers["webhook-timestamp"])
        self.arrived.setdefault(name, []).append(asyncio.get_running_loop().time())
        return Response(status_code=204)

    async def start(self) -> None:
        self._released = asyncio.Event()
        app = Starlette(routes=[Route("/{name}", self._handle, methods=["POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                     lifespan="off"))
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 - uvicorn says so with a flag only
            await asyncio.sleep(0.02)

    async def release(self) -> None:
        """Hanging requests answer now (503), and those to come no longer hang."""
        self.released |= self.hang
        self.hang = set()
        released, self._released = self._released, asyncio.Event()
        released.set()

    async def stop(self) -> None:
        self._released.set()  # hanging requests end: uvicorn waits for them before it stops
        if self._server is not None:
            self._server.should_exit = True
            await self._task
            self._server = None

    def records(self, name: str) -> list[dict]:
        return [orjson.loads(b) for _, b, _ in self.accepted.get(name, [])]


@dataclass
class BuyersStack(Stack):
    buyers: httpx.AsyncClient = None  # type: ignore[assignment]
    buyers_service: Service = None  # type: ignore[assignment]

    async def settled(self) -> None:
        await super().settled()
        from tests.conftest import eventually
        from tests.harness import no_lag
        await eventually(lambda: no_lag(self.buyers), timeout=30)

    def as_buyer(self, buyer: str) -> dict[str, str]:
        return auth("buyer", buyer=buyer, subject=f"{buyer} compliance")

    async def deliveries(self, buyer: str, endpoint_id: str, **params: object) -> list[dict]:
        """An endpoint's delivery log, as its buyer reads it."""
        r = await self.buyers.get(f"/buyers/{buyer}/webhooks/{endpoint_id}/deliveries",
                                  params={"limit": 1000, **params}, headers=self.as_buyer(buyer))
        return r.json()["items"]

    async def register(self, buyer: str, url: str, **body: object) -> dict:
        r = await self.buyers.post(f"/buyers/{buyer}/webhooks", json={"url": url, **body},
                                   headers=self.as_buyer(buyer))
        assert r.status_code == 201, r.text
        return r.json()

    async def feed(self, buyer: str, limit: int = 3) -> list[bytes]:
        """The whole feed read in pages, each record's bytes."""
        out, after = [], ""
        while True:
            r = await self.buyers.get(f"/buyers/{buyer}/feed", params={"after": after, "limit": limit},
                                      headers=self.as_buyer(buyer))
            assert r.status_code == 200, r.text
            page = orjson.loads(r.content)
            out += [orjson.dumps(x, option=orjson.OPT_SORT_KEYS) for x in page["records"]]
            after = page["next"]
            if not page["more"]:
                return out


# the receiver listens on loopback over plain http: the operator's allow-list names it
WEBHOOKS = {"webhook_allow_hosts": ("127.0.0.1",), "webhook_backoff_base_s": 0.1, "webhook_backoff_max_s": 0.5,
            "webhook_poll_s": 0.05, "webhook_timeout_s": 2.0}


@pytest.fixture
async def buyers_stack(request, nats_server, tmp_path) -> AsyncIterator[BuyersStack]:
    """The buyers service on SQLite, or on PostgreSQL with indirect parametrization ("postgres")."""
    backend = getattr(request, "param", "sqlite")
    async with AsyncExitStack() as es:
        clients = await serve_services(es, ["assessment", "planning", "delivery", "evaluation"], nats_server.url,
                                       str(tmp_path))
        store = {}
        if backend == "postgres":
            name = await _pg_create()
            es.push_async_callback(_pg_drop, name)
            store = {"database_url": pg_url(name)}
        (b,) = (await serve_services(es, ["buyers"], nats_server.url, str(tmp_path), **WEBHOOKS, **store)).values()
        yield BuyersStack(clients["assessment"][1], clients["planning"][1], clients["delivery"][1],
                          clients["evaluation"][1], clients["evaluation"][0], buyers=b[1], buyers_service=b[0])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()
