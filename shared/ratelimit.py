"""Rate limits: per caller (the token's subject) and per client address,
counted in this process's memory by the `limits` library's sliding window
counters (O(1) memory per key; an average over the current and the previous
window, so a burst up to the whole amount passes, then the rate).

shared/http.py counts every request but /health and /ready against its
client address (before anything else reads it) and answers 429 with
Retry-After; shared/auth.py counts each authenticated request against its
subject, once the token is verified (a made-up token has no budget of its
own: it counts against the address only)."""

from __future__ import annotations

import ipaddress
import math

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from shared.i18n import N_, Text


class RateLimited(Exception):
    def __init__(self, limit: str, per: str, retry_after_s: int) -> None:
        self.text = Text(N_("too many requests: the limit is %(limit)s per %(per)s; try again in %(seconds)s s"),
                         {"limit": limit, "per": per, "seconds": retry_after_s})
        super().__init__(str(self.text))
        self.limit = limit
        self.per = per
        self.retry_after_s = retry_after_s


def parse_limits(text: str) -> list[RateLimitItem]:
    """"600/minute", "600 per minute; 50 per second" (the limits library's
    notation); empty: no limit."""
    return parse_many(text) if text.strip() else []


class RateLimits:
    def __init__(self, *, per_token: str = "", per_address: str = "") -> None:
        self.per_token = parse_limits(per_token)
        self.per_address = parse_limits(per_address)
        self._storage = MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)

    async def _hit(self, items: list[RateLimitItem], per: str, key: str) -> None:
        for item in items:
            if not await self._limiter.hit(item, per, key):
                raise RateLimited(str(item), per, await self._retry_after(item, per, key))

    async def _retry_after(self, item: RateLimitItem, per: str, key: str) -> int:
        """Whole seconds until one more request passes, if no other comes: the
        counter is previous * (its share of the window left) + current, and a
        request passes while it is under the amount. (The limiter's own
        get_window_stats gives when the count drops by one, which for this
        strategy may still be over the limit.)"""
        window, amount = item.get_expiry(), item.amount
        previous, _, current, current_ttl = await self._storage.get_sliding_window(item.key_for(per, key), window)
        left = current_ttl - window  # of this window
        if current < amount:  # this window's share of the previous one has to shrink
            wait = left - (amount - current) * window / previous if previous else 0.0
        else:  # this window is full: the next one, once the weight of this one is under the amount
            wait = left + window * (1 - amount / current)
        return max(1, math.ceil(wait + 0.001))

    async def token(self, subject: str) -> None:
        """Count one request of the caller; RateLimited when over its limit."""
        await self._hit(self.per_token, "token", subject)

    async def address(self, host: str) -> None:
        await self._hit(self.per_address, "client address", client_key(host))


def client_key(host: str) -> str:
    """Whom an address's budget belongs to: an IPv4 address, or an IPv6 address's
    /64 (one host is given a whole /64, and would otherwise have a budget per
    address); an IPv4-mapped IPv6 address is its IPv4 address."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host  # "unknown", a test client's name
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
