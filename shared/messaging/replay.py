"""Replay a context's events from JetStream, for rebuilding a projection that
reads another service's events (a service never reads another's database:
the streams are the only copy it may read).

An ephemeral pull consumer per country reads the stream from its first
message to the last one there when the replay started; JetStream keeps each
subject's messages in order, and every stream of events belongs to one
country, so each stream's events come in version order."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.contracts.envelope import SUBJECT_ROOT, Envelope
from shared.logging import get_logger
from shared.messaging.jetstream import stream_name

log = get_logger("replay")


async def replay(js: JetStreamContext, context: str, countries: Sequence[str], *, batch: int = 500,
                 timeout_s: float = 2.0, only: str = ">") -> AsyncIterator[Envelope]:
    """`only`: the events of one subject name (e.g. "person_forgotten"), not all of them."""
    for country in countries:
        subject = f"{SUBJECT_ROOT}.{country}.{context}.{only}"
        sub = await js.pull_subscribe(subject, stream=stream_name(context), config=ConsumerConfig(
            deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=60.0))
        try:
            info = await sub.consumer_info()
            if not info.num_pending:
                continue
            while True:
                try:
                    msgs = await sub.fetch(batch, timeout=timeout_s)
                except TimeoutError:  # nats-py's own TimeoutError is one too
                    break
                for m in msgs:
                    try:
                        yield Envelope.from_wire(m.data)
                    except Exception as e:  # noqa: BLE001 - the live consumer parks these; a replay skips them
                        log.warning("replay.undecodable", subject=m.subject, error=str(e))
                if msgs and msgs[-1].metadata.num_pending == 0:
                    break
        finally:
            await sub.unsubscribe()
