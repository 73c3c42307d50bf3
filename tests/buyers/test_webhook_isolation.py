"""One receiver that hangs costs other buyers nothing: each endpoint has its
own worker, slots and connections in the dispatcher. Measured against the real
buyers service (five services on the real NATS server): another buyer's
delivery latency alone and while the hanging receiver holds every attempt of
its endpoints until the timeout, in the same run."""

from __future__ import annotations

import asyncio

import pytest

from tests.buyers.conftest import HASBRO, OTTO, BuyersStack, Receiver
from tests.conftest import eventually

HANGING = 4  # Hasbro's endpoints at the one receiver that answers nothing
PAIRS = 6  # rounds alone and rounds beside the hanging receiver, alternated (the machine's load weighs on both alike)


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


async def otto_round(s: BuyersStack, receiver: Receiver, name: str, records: int) -> list[float]:
    """Seconds from an Otto endpoint's registration (its backfill of Otto's feed queued) to each record's
    arrival at the receiver; the endpoint is disabled afterwards."""
    t0 = asyncio.get_running_loop().time()
    ep = await s.register(OTTO, f"{receiver.url}/{name}", start="beginning")
    receiver.secrets[name] = [ep["secret"]]
    await eventually(lambda: len(receiver.arrived.get(name, [])) >= records, timeout=30, interval=0.005)
    r = await s.buyers.delete(f"/buyers/{OTTO}/webhooks/{ep['endpoint_id']}", headers=s.as_buyer(OTTO))
    assert r.status_code == 200, r.text
    return [t - t0 for t in receiver.arrived[name]]


async def hang(s: BuyersStack, receiver: Receiver, k: int, n: int = HANGING, held: int | None = None) -> list[str]:
    """n new endpoints of Hasbro at the receiver, their records queued, each attempt hanging; once the
    receiver holds `held` (default n) of them."""
    names = [f"hasbro{k}-{i}" for i in range(n)]
    receiver.hang = set(names)
    eps = [(await s.register(HASBRO, f"{receiver.url}/{m}", start="beginning"))["endpoint_id"] for m in names]
    await eventually(lambda: receiver.hanging >= (held or n), timeout=5, interval=0.005)
    return eps


async def unhang(s: BuyersStack, receiver: Receiver, eps: list[str]) -> None:
    for eid in eps:
        await s.buyers.delete(f"/buyers/{HASBRO}/webhooks/{eid}", headers=s.as_buyer(HASBRO))
    await receiver.release()
    await eventually(lambda: receiver.hanging == 0, timeout=5, interval=0.005)

    async def recorded() -> bool:  # the answers' attempts written, before the next round alone
        return all([any(i["attempts"] for i in await s.deliveries(HASBRO, eid)) for eid in eps])

    await eventually(recorded, timeout=5)


@pytest.mark.slow  # a measurement: 10-30 s on a loaded machine
async def test_a_hanging_receiver_leaves_other_buyers_delivery_latency_as_it_is_alone(
        buyers_stack: BuyersStack, receiver: Receiver) -> None:
    """Hasbro's four endpoints at one receiver that hangs until the timeout
    (2 s here): with one pool of 4 slots for all endpoints they held all of
    them, and Otto's records waited for the timeouts (p99 about 2 s against
    0.1-0.7 s alone). Now Otto's p99 stays within 20 % of its solo figure
    (measured in the same run, rounds alternated), with a 50 ms floor for a
    shared machine's noise."""
    s = buyers_stack
    svc = s.buyers_service
    svc.dispatcher.s = svc.settings.model_copy(  # type: ignore[attr-defined]
        update={"webhook_concurrency": 4, "webhook_max_attempts": 10_000})
    await s.cycle("bd", "F1", buyer=OTTO, programme="otto")
    await s.cycle("bd", "F2", buyer=OTTO, programme="otto2")
    await s.cycle("bd", "H1", buyer=HASBRO, programme="hasbro")
    await s.settled()
    records = len(await s.feed(OTTO, limit=100))
    receiver.hang_s = svc.settings.webhook_timeout_s  # the server gives up when the sender does

    tries = []
    for _ in range(3):  # a shared machine's stall can spoil one measurement; waiting for a timeout spoils all
        solo: list[float] = []
        shared: list[float] = []
        for k in range(PAIRS):
            solo += await otto_round(s, receiver, f"otto-alone{len(tries)}-{k}", records)
            eps = await hang(s, receiver, len(tries) * PAIRS + k)
            shared += await otto_round(s, receiver, f"otto-beside{len(tries)}-{k}", records)
            await unhang(s, receiver, eps)
        p50, p99, q50, q99 = (percentile(solo, 50), percentile(solo, 99), percentile(shared, 50),
                              percentile(shared, 99))
        tries.append(f"alone p50 {p50 * 1000:.0f} ms p99 {p99 * 1000:.0f} ms; while {HANGING} endpoints hang "
                     f"p50 {q50 * 1000:.0f} ms p99 {q99 * 1000:.0f} ms")
        print(f"\nOtto's {len(solo)} deliveries each way: {tries[-1]}")
        if q99 <= max(1.2 * p99, p99 + 0.05):
            break
    assert receiver.rejected == []
    assert q99 <= max(1.2 * p99, p99 + 0.05), tries
