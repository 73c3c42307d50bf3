"""Broker connection and JetStream streams."""

from __future__ import annotations

from collections.abc import Iterable

from faststream._internal.constants import EMPTY
from faststream.nats import NatsBroker
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from shared.contracts.envelope import SUBJECT_ROOT
from shared.logging import get_logger
from shared.settings import Settings

log = get_logger("jetstream")

CONTEXTS = ("assessment", "planning", "delivery", "evaluation")
DEADLETTER_STREAM = "WECARE_DEADLETTER"


def stream_name(context: str) -> str:
    return f"WECARE_{context.upper()}"


def context_subjects(context: str) -> list[str]:
    return [f"{SUBJECT_ROOT}.*.{context}.>"]


def deadletter_subject(service: str, projection: str) -> str:
    return f"deadletter.{SUBJECT_ROOT}.{service}.{projection}"


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


async def ensure_streams(js: JetStreamContext, settings: Settings, contexts: Iterable[str] = CONTEXTS) -> None:
    """Create (or bring up to date) the event streams and the dead-letter
    stream. Idempotent: every service calls it at start-up."""
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
    for cfg in configs:
        try:
            await js.add_stream(cfg)
        except BadRequestError as e:  # exists with another config: bring it up to date
            if e.err_code != 10058:
                raise
            await js.update_stream(cfg)
