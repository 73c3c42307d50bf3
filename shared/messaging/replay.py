"""Replay a context's events from JetStream, for rebuilding a projection that
reads another service's events (a service never reads another's database:
the streams are the only copy it may read).

The stream is read with JetStream's batched direct get (ADR-31), one
country at a time, from its first message to the last one there when the
replay started: no consumer is made, so a service needs no right to create
consumers other than its own durable ones (wecare/natsauth.py), and two
replays at once (two replicas starting) cannot share one. JetStream keeps
each subject's messages in order, and every stream of events belongs to one
country, so each stream's events come in version order."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence

from nats.js import JetStreamContext

from shared.contracts.envelope import SUBJECT_ROOT, Envelope
from shared.logging import get_logger
from shared.messaging.jetstream import stream_name

log = get_logger("replay")


class ReplayError(RuntimeError):
    pass


async def replay(js: JetStreamContext, context: str, countries: Sequence[str], *, batch: int = 500,
                 timeout_s: float = 5.0, only: str = ">") -> AsyncIterator[Envelope]:
    """`only`: the events of one subject name (e.g. "person_forgotten"), not all of them."""
    stream = stream_name(context)
    last = (await js.stream_info(stream)).state.last_seq
    if not last:
        return
    nc = js._nc  # noqa: SLF001 - the connection the context was made from
    api = f"{js._prefix}.DIRECT.GET.{stream}"  # noqa: SLF001 - "$JS.API" or a domain's prefix
    inbox = nc.new_inbox()  # under the user's own inbox prefix
    sub = await nc.subscribe(inbox)
    try:
        for country in countries:
            subject = f"{SUBJECT_ROOT}.{country}.{context}.{only}"
            seq = 1
            while seq <= last:
                request = {"seq": seq, "next_by_subj": subject, "batch": batch, "up_to_seq": last}
                await nc.publish(api, json.dumps(request).encode(), reply=inbox)
                pending = None
                while pending is None:
                    try:
                        m = await sub.next_msg(timeout=timeout_s)
                    except TimeoutError as e:  # nats-py's own TimeoutError is one too
                        raise ReplayError(f"no answer from {stream} within {timeout_s}s at sequence {seq}") from e
                    headers = m.headers or {}
                    status = headers.get("Status")
                    if status == "404":  # nothing (more) on this subject
                        pending = 0
                    elif status == "204":  # the end of this batch: more to come?
                        pending = int(headers.get("Nats-Num-Pending", "0"))
                    elif status:
                        raise ReplayError(f"{stream} answered {status} {headers.get('Description', '')}".strip())
                    else:
                        seq = int(headers["Nats-Sequence"]) + 1
                        try:
                            env = Envelope.from_wire(m.data)
                        except Exception as e:  # noqa: BLE001 - the live consumer parks these; a replay skips them
                            log.warning("replay.undecodable", subject=headers.get("Nats-Subject"), error=str(e))
                            continue
                        yield env
                if not pending:
                    break
    finally:
        await sub.unsubscribe()
