"""The outbox relay: publishes stored events to JetStream in position order,
with Nats-Msg-Id = event id, and removes an outbox marker only after the
server's PubAck. It survives NATS outages: whatever was not acknowledged is
published again when NATS is back (JetStream drops the duplicates inside its
window; consumers recognise the rest by their tracking records)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from nats.js import JetStreamContext

from shared.logging import get_logger
from shared.store.eventstore import EventStore

log = get_logger("relay")


class OutboxRelay:
    def __init__(self, store: EventStore, js: Callable[[], JetStreamContext], *, batch: int = 500,
                 poll_s: float = 0.5, ack_timeout_s: float = 5.0) -> None:
        self.store = store
        self._js = js
        self.batch = batch
        self.poll_s = poll_s
        self.ack_timeout_s = ack_timeout_s
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="outbox-relay")

    def request_stop(self) -> None:
        """Ask `run()` to return after the batch in flight (the supervisor waits for it)."""
        self._stopping = True
        self._wake.set()

    async def stop(self) -> None:
        """Finish the batch in flight, then stop."""
        self.request_stop()
        if self._task:
            await self._task

    async def run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                sent = await self.publish_pending()
                failures = 0
            except Exception as e:  # NATS down, timeouts, database reconnects: try again
                failures += 1
                log.warning("relay.retry", error=str(e) or type(e).__name__, attempt=failures)
                await self._sleep(min(0.2 * 2**failures, 5.0))
                continue
            if sent == 0:
                await self._sleep(self.poll_s)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        except TimeoutError:
            pass
        self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish everything pending now, in position order, a batch at a
        time: a batch is published pipelined, and while its PubAcks come back
        the next batch is read from the store and the previous one's markers
        are removed. A marker is removed only after its PubAck. Returns how
        many were acknowledged."""
        total = 0
        batch = await self.store.outgoing(0, self.batch)
        marking: asyncio.Future[None] | None = None
        try:
            while batch:
                js = self._js()
                futures = [await js.publish_async(o.subject, o.data, headers=o.headers) for o in batch]
                following = (asyncio.ensure_future(self.store.outgoing(batch[-1].position, self.batch))
                             if len(batch) == self.batch else None)
                await asyncio.wait(futures, timeout=self.ack_timeout_s)
                done: list[int] = []
                error: BaseException | None = None
                for o, fut in zip(batch, futures, strict=True):
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        done.append(o.position)
                    else:  # keep the acknowledged ones, publish the rest again next round
                        if not fut.done():
                            fut.cancel()
                        error = error or (fut.exception() if fut.done() and not fut.cancelled() else TimeoutError())
                if marking is not None:
                    await marking
                marking = asyncio.ensure_future(self.store.mark_published(done))
                total += len(done)
                self.published += len(done)
                if error is not None:
                    if following is not None:
                        following.cancel()
                    raise RuntimeError(f"{len(batch) - len(done)} of {len(batch)} publishes not acknowledged: "
                                       f"{str(error) or type(error).__name__}")
                batch = await following if following is not None else []
        finally:
            if marking is not None:
                await marking
        return total
