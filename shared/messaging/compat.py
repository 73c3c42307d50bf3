"""A shim for a mismatch between nats-py and FastStream, applied on import.

nats-py's PullSubscription.fetch raises a bare asyncio.TimeoutError when the
deadline runs out between the first probe and the lingering request of a
batch, but FastStream's pull loops catch only nats.errors.TimeoutError. The
loop task then dies with the messages it had already fetched (they wait for
ack_wait before they come again) and FastStream's supervisor restarts it:
projections stall for seconds at random. Re-raising the nats-py error (a
subclass of asyncio.TimeoutError, so every other caller behaves the same)
keeps the loop alive and hands over what was fetched.
"""

from __future__ import annotations

import functools

import nats.errors
from nats.js.client import JetStreamContext

_fetch = JetStreamContext.PullSubscription.fetch


@functools.wraps(_fetch)
async def _fetch_with_nats_timeout(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    try:
        return await _fetch(self, *args, **kwargs)
    except nats.errors.TimeoutError:
        raise
    except TimeoutError as e:
        raise nats.errors.TimeoutError from e


if not getattr(JetStreamContext.PullSubscription.fetch, "_wecare_shim", False):
    _fetch_with_nats_timeout._wecare_shim = True  # type: ignore[attr-defined]
    JetStreamContext.PullSubscription.fetch = _fetch_with_nats_timeout  # type: ignore[method-assign]
