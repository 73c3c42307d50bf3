"""Broker connection and JetStream streams.

Streams are provisioned (created, brought up to date) by a user allowed to:
the launcher as the operator before it starts the services, `wecare
provision` or `python -m shared.messaging.provision` in a deployment. A
service only checks that its streams are there (its NATS user may not
create or change a stream, wecare/natsauth.py)."""

from __future__ import annotations

from collections.abc import Iterable

from faststream._internal.constants import EMPTY
from faststream.nats import NatsBroker
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from shared.contracts.envelope import SUBJECT_ROOT
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger("jetstream")

CONTEXTS = ("assessment", "planning", "delivery", "evaluation")
# every context with a stream: the four above and the buyers' own (its webhook registrations)
STREAM_CONTEXTS = (*CONTEXTS, "buyers")
DEADLETTER_STREAM = "WECARE_DEADLETTER"
DEFAULT_INBOX = "_INBOX"


class StreamsNotProvisioned(RuntimeError):
    """A stream the service needs is missing: an operator provisions it."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"JetStream stream(s) {', '.join(missing)} missing: provision them first "
                         "(`wecare provision`, or the nats-provision step of docker-compose.yml; "
                         "deploy/OPERATIONS.md, NATS users); a service may not create streams")
        self.missing = missing


def stream_name(context: str) -> str:
    return f"WECARE_{context.upper()}"


def context_subjects(context: str) -> list[str]:
    return [f"{SUBJECT_ROOT}.*.{context}.>"]


def deadletter_subject(service: str, projection: str) -> str:
    return f"deadletter.{SUBJECT_ROOT}.{service}.{projection}"


def consumer_name(service: str, projection: str, context: str, country: str) -> str:
    """The durable consumer of one projection on one context's events of one
    country (a NATS user's permissions name each of its service's)."""
    return f"{service}-{projection}-{context}-{country}".replace(".", "_")


def consumer_filter(context: str, country: str) -> str:
    return f"{SUBJECT_ROOT}.{country}.{context}.>"


def inbox_prefix(nats_user: str | None) -> str:
    """Replies to a service's requests (JetStream API answers, fetched messages)
    come to inboxes under this prefix: `_INBOX_<user>`, which only that user
    may subscribe to (never the shared `_INBOX.>`)."""
    return f"{DEFAULT_INBOX}_{nats_user}" if nats_user else DEFAULT_INBOX


def redacted(nats_url: str) -> str:
    """The NATS URL(s) for a log line: without any user or password."""
    from urllib.parse import urlsplit, urlunsplit

    return ",".join(urlunsplit(u._replace(netloc=u.netloc.rsplit("@", 1)[-1]))
                    for u in map(urlsplit, (x.strip() for x in nats_url.split(","))))


def make_broker(settings: Settings, *, name: str | None = None) -> NatsBroker:
    """A broker whose connection never gives up reconnecting (nats-py's own
    default stops after about two minutes)."""
    log_ = get_logger("nats")

    async def on_disconnect() -> None:
        log_.warning("nats.disconnected", url=redacted(settings.nats_url))

    async def on_reconnect() -> None:
        log_.info("nats.reconnected", url=redacted(settings.nats_url))

    async def on_error(e: Exception) -> None:
        log_.warning("nats.error", error=str(e) or type(e).__name__)

    servers = [u.strip() for u in settings.nats_url.split(",") if u.strip()]  # a cluster: every node's URL
    if settings.nats_user:  # the service's own NATS user (wecare/natsauth.py)
        from urllib.parse import quote, urlsplit, urlunsplit

        creds = f"{quote(settings.nats_user, safe='')}:{quote(settings.nats_password or '', safe='')}@"
        servers = [urlunsplit(u._replace(netloc=creds + u.netloc.rsplit("@", 1)[-1]))
                   for u in map(urlsplit, servers)]
    return NatsBroker(
        servers,
        name=name or settings.service,
        inbox_prefix=inbox_prefix(settings.nats_user),
        allow_reconnect=True,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=2,
        ping_interval=5,
        max_outstanding_pings=2,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
        error_cb=on_error,
        graceful_timeout=15.0,
        logger=None if settings.log_level.upper() != "DEBUG" else EMPTY,
    )


def stream_configs(settings: Settings, contexts: Iterable[str] = STREAM_CONTEXTS) -> list[StreamConfig]:
    configs = [
        StreamConfig(
            name=stream_name(c),
            subjects=context_subjects(c),
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            duplicate_window=settings.js_duplicate_window_s,
            num_replicas=settings.js_replicas,
            deny_delete=True,
            deny_purge=True,
            allow_direct=True,
        )
        for c in contexts
    ]
    configs.append(
        StreamConfig(
            name=DEADLETTER_STREAM,
            subjects=[f"deadletter.{SUBJECT_ROOT}.>"],
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            num_replicas=settings.js_replicas,
            allow_direct=True,
        )
    )
    return configs


async def provision_streams(js: JetStreamContext, settings: Settings,
                            contexts: Iterable[str] = STREAM_CONTEXTS) -> list[str]:
    """Create (or bring up to date) the event streams and the dead-letter
    stream, as a user allowed to (the operator). Idempotent. Returns the
    streams' names."""
    configs = stream_configs(settings, contexts)
    for cfg in configs:
        try:
            await js.add_stream(cfg)
        except BadRequestError as e:  # exists with another config: bring it up to date
            if e.err_code != 10058:
                raise
            await js.update_stream(cfg)
    return [c.name for c in configs if c.name]


async def provision(settings: Settings, contexts: Iterable[str] = STREAM_CONTEXTS) -> list[str]:
    """Connect with the settings' URL and user (one allowed to create streams) and provision."""
    import nats

    servers = [u.strip() for u in settings.nats_url.split(",") if u.strip()]
    creds = {"user": settings.nats_user, "password": settings.nats_password} if settings.nats_user else {}
    nc = await nats.connect(servers, connect_timeout=5, max_reconnect_attempts=5, **creds)
    try:
        names = await provision_streams(nc.jetstream(), settings, contexts)
    finally:
        await nc.close()
    log.info("streams.provisioned", streams=names, replicas=settings.js_replicas)
    return names


async def check_streams(js: JetStreamContext, contexts: Iterable[str]) -> None:
    """A service's start: its streams (its own, those it reads, the dead
    letters) are there; else StreamsNotProvisioned naming them."""
    missing = []
    for name in [*(stream_name(c) for c in sorted(set(contexts))), DEADLETTER_STREAM]:
        try:
            await js.stream_info(name)
        except NotFoundError:
            missing.append(name)
    if missing:
        raise StreamsNotProvisioned(missing)
