"""Where the webhook sender may connect, and how much of an answer it reads.

A buyer names the URL; without a guard the buyers service would POST to
whatever that name resolves to (the cloud's metadata service, the database, a
sibling service on loopback) and show the buyer what it answered. So:

- An endpoint's host is resolved at registration (`check_url`) and again for
  every connection the sender opens (`GuardedBackend`): every address must be
  public (`public`), or the operator's allow-list (`webhook_allow_hosts`:
  host names, addresses, networks, optionally with a port) names the host or
  its addresses. The sender connects to an address it checked, never to the
  result of a second resolution (a name that resolves public when checked and
  private a moment later: DNS rebinding). TLS still verifies the certificate
  against the host name, which is also the SNI and the Host header.
- Plain http only to allow-listed destinations (a receiver on this machine for
  a local stack); https everywhere else.
- Redirects are not followed (a 3xx is a failed attempt).
- An answer is read streamed, at most `ANSWER_LIMIT` bytes, then the
  connection is closed: a receiver's 150 MiB answer costs 4 KiB. The whole
  exchange has a deadline (`send`).
- A refused destination fails with `RefusedAddress` before any connection;
  whether the name did not resolve or resolved to a private address is logged
  for the operator but never told to the buyer (the delivery log would be a
  scanner of the internal network otherwise)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from shared.logging import get_logger
from shared.settings import Settings

log = get_logger("webhooks.egress")

ANSWER_LIMIT = 4096  # bytes of a receiver's answer ever read
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address is in the last 32 bits
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use (Python 3.11 calls it global)
_SIXTOFOUR = ipaddress.ip_network("2002::/16")


class RefusedAddress(Exception):  # noqa: N818 - the delivery log's category says `refused_address`
    """The destination is not one the sender may connect to (the reason is for the operator's log only)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host, self.reason = host, reason


def public(ip: IP) -> bool:
    """An address on the public internet: not loopback, private, link-local,
    shared (100.64/10), multicast, reserved, unspecified, documentation,
    benchmarking, IPv6 unique- or site-local; an IPv6 address that embeds an
    IPv4 one (IPv4-mapped, NAT64, 6to4) is judged by the IPv4 address it
    leads to. `is_global` alone calls 224.0.0.1, fec0::1 and 2002:7f00:1::
    (6to4 of 127.0.0.1) global."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return public(ip.ipv4_mapped)
        if ip in _NAT64:
            return public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return public(ip.sixtofour)
        if ip in _NAT64_LOCAL or ip.is_site_local:
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_private or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified)


@dataclass(frozen=True)
class Allowed:
    """The operator's exceptions (`webhook_allow_hosts`): a host name, an
    address or a network (CIDR), each optionally with a port ("localhost:8790",
    "127.0.0.1:8790", "[::1]:8790", "10.20.0.0/16")."""

    hosts: frozenset[tuple[str, int | None]]
    networks: tuple[tuple[Network, int | None], ...]

    @classmethod
    def of(cls, entries: Iterable[str]) -> Allowed:
        hosts, networks = set(), []
        for entry in entries:
            host, port = split_entry(entry)
            try:
                networks.append((ipaddress.ip_network(host, strict=False), port))
            except ValueError:
                hosts.add((host, port))
        return cls(frozenset(hosts), tuple(networks))

    def names(self, host: str, port: int) -> bool:
        host = host.lower().rstrip(".")
        return (host, None) in self.hosts or (host, port) in self.hosts

    def covers(self, ip: IP, port: int) -> bool:
        return any(ip in net and p in (None, port) for net, p in self.networks)

    def lists(self, host: str, port: int, addrs: list[IP]) -> bool:
        """The destination is an allow-listed one: its name, or every address it resolved to."""
        return self.names(host, port) or bool(addrs) and all(self.covers(a, port) for a in addrs)

    def permits(self, host: str, port: int, addrs: list[IP]) -> bool:
        """Every address public, or allow-listed."""
        return bool(addrs) and (self.names(host, port) or all(public(a) or self.covers(a, port) for a in addrs))


def split_entry(entry: str) -> tuple[str, int | None]:
    """"host", "host:port", "1.2.3.4/24", "[::1]:8790", "::1" -> (host or network, port)."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host.rstrip("."), int(port)
    return entry.rstrip("."), None


async def resolve(host: str, port: int) -> list[IP]:
    """Every address the host name resolves to (an address is itself; the
    system's resolver also reads 2130706433 and 0177.0.0.1 as 127.0.0.1)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[IP] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if ip not in out:
            out.append(ip)
    return out


async def checked(host: str, port: int, scheme: str, allowed: Allowed) -> list[IP]:
    """The addresses of `host` the sender may connect to, in the resolver's
    order; RefusedAddress if none may be (unresolved, or any address refused)."""
    try:
        addrs = await resolve(host, port)
    except (OSError, UnicodeError):  # no such name, the resolver failed, a label too long for IDNA
        raise RefusedAddress(host, "unresolved") from None
    if not allowed.permits(host, port, addrs):
        raise RefusedAddress(host, "not public: " + ", ".join(map(str, addrs)))
    if scheme != "https" and not allowed.lists(host, port, addrs):
        raise RefusedAddress(host, "plain http to a destination not allow-listed")
    return addrs


async def check_url(settings: Settings, url: str) -> str:
    """The registration's check of an endpoint URL: a ValueError naming what is wrong, else the URL.
    A name that does not resolve and one that resolves to a refused address get the same answer."""
    try:
        u = httpx.URL(url)
        port = u.port if u.port is not None else {"https": 443, "http": 80}.get(u.scheme, 0)
    except (httpx.InvalidURL, ValueError):
        raise ValueError("url is not a valid URL") from None
    if u.scheme not in ("https", "http") or not u.raw_host or u.is_relative_url:
        raise ValueError("url must be an absolute https URL")
    if u.userinfo:
        raise ValueError("url must not carry credentials: deliveries are signed")
    if not 0 < port < 65536:
        raise ValueError("url's port must be 1 to 65535")
    host = u.raw_host.decode("ascii")
    try:
        async with asyncio.timeout(settings.webhook_timeout_s):
            await checked(host, port, u.scheme, _allowed(tuple(settings.webhook_allow_hosts)))
    except TimeoutError:
        log.info("webhooks.url_refused", host=host, reason="resolving timed out")
        raise ValueError("url's host must resolve to public addresses only "
                         "(or be one the operator allows)") from None
    except RefusedAddress as e:
        log.info("webhooks.url_refused", host=e.host, reason=e.reason)
        if e.reason.startswith("plain http"):
            raise ValueError("url must be an https URL (plain http only to hosts the operator allows)") from None
        raise ValueError("url's host must resolve to public addresses only "
                         "(or be one the operator allows)") from None
    return url


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with a check between resolving and
    connecting: it resolves the host once, checks every address, and connects
    to a checked address (the next one if it refuses). TLS is started by
    httpcore with the host name, so SNI and certificate verification are by
    name as usual. One per scheme (plain http has the stricter rule)."""

    def __init__(self, allowed: Callable[[], Allowed], scheme: str) -> None:
        self.allowed, self.scheme = allowed, scheme
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                addrs = await checked(host, port, self.scheme, self.allowed())
        except TimeoutError:
            raise httpcore.ConnectTimeout("resolving timed out") from None
        except RefusedAddress as e:
            log.warning("webhooks.address_refused", host=e.host, reason=e.reason)
            raise
        failure: Exception = httpcore.ConnectError("no address")
        for ip in addrs:
            try:
                return await self.inner.connect_tcp(str(ip), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as e:
                failure = e
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise RefusedAddress(path, "a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@lru_cache(maxsize=8)
def _allowed(entries: tuple[str, ...]) -> Allowed:
    return Allowed.of(entries)


def client(settings: Callable[[], Settings]) -> httpx.AsyncClient:
    """The webhook sender's HTTP client: every connection through the guard
    (the allow-list read from `settings()` at each one), no redirects
    followed, no proxies from the environment."""
    def allowed() -> Allowed:
        return _allowed(tuple(settings().webhook_allow_hosts))

    def transport(scheme: str) -> httpx.AsyncHTTPTransport:
        t = httpx.AsyncHTTPTransport(trust_env=False)
        # httpx has no argument for a network backend; its pool is httpcore's, which has
        # no pool-wide cap on connections (httpx's default is 100): a shared cap would let endpoints that hang
        # hold every connection while the others' deliveries wait for one; each endpoint is capped instead
        # (the dispatcher's worker per endpoint, WEBHOOK_CONCURRENCY)
        t._pool = httpcore.AsyncConnectionPool(  # noqa: SLF001
            ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=None,
            max_keepalive_connections=20, keepalive_expiry=5.0,
            network_backend=GuardedBackend(allowed, scheme))
        return t

    return httpx.AsyncClient(transport=transport("https"), mounts={"http://": transport("http")},
                             timeout=settings().webhook_timeout_s, follow_redirects=False, trust_env=False,
                             headers={"user-agent": "WeCare-Webhooks/1"})


@dataclass(frozen=True)
class Answer:
    status: int
    head: bytes  # the answer's first ANSWER_LIMIT bytes at most
    public: bool  # it came from a public address: its words may be shown to the buyer


async def send(c: httpx.AsyncClient, url: str, content: bytes, headers: dict[str, str], timeout_s: float) -> Answer:
    """POST, read at most ANSWER_LIMIT bytes of the answer (as sent: no
    decompression, which could make a small answer a large one), close.
    Connecting, sending and each read have `timeout_s` (the client's); the
    whole exchange at most twice that, so a receiver that drips its answer
    a byte at a time cannot hold the delivery for hours."""
    async with asyncio.timeout(2 * timeout_s), c.stream("POST", url, content=content,
                                                     headers={**headers, "accept-encoding": "identity"}) as r:
        return Answer(r.status_code, await _head(r), peer_public(r))


async def _head(r: httpx.Response) -> bytes:
    if r.is_stream_consumed:  # an answer made in memory (a test's transport): nothing on the wire
        return r.content[:ANSWER_LIMIT]
    head = bytearray()
    chunks = r.aiter_raw()
    try:
        async for chunk in chunks:
            head += chunk[:ANSWER_LIMIT - len(head)]
            if len(head) >= ANSWER_LIMIT:
                break  # and the connection is closed, not drained
    finally:
        await chunks.aclose()  # type: ignore[attr-defined]
    return bytes(head)


def peer_public(r: httpx.Response) -> bool:
    """The answer came over a connection to a public address (deny when unknown)."""
    stream = r.extensions.get("network_stream")
    addr = stream.get_extra_info("server_addr") if stream is not None else None
    try:
        return bool(addr) and public(ipaddress.ip_address(str(addr[0]).split("%")[0]))
    except ValueError:
        return False
