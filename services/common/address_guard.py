"""Keeping outbound HTTP (feeds, pages, webhooks) out of the network the workers run in.

Feed content decides which pages ingest fetches and subscribers decide where webhooks
go, and both requests leave from inside the deployment. Without a guard an entry linking
to ``http://127.0.0.1:9200/_cat/indices`` or to the cloud metadata service would be
fetched and its answer made searchable.

The check happens when a connection is opened, on the very addresses connected to: the
clients built here use an httpcore network backend whose ``connect_tcp`` resolves the
host once, checks every address it resolves to, and connects only to those checked
addresses (the next one if a connection fails). A name re-pointed after the check (DNS
rebinding) therefore cannot redirect the connection, and every redirect hop is checked
again because each new origin opens a new connection. The URL keeps its host name, so
TLS server name, certificate checks and connection pooling stay per name. Schemes are
limited to http and https on every hop (a request hook), ports to the allowed set.

Refused, unless an allow-list entry names the host, the host and port, or a network
holding the address:

- cloud metadata names: metadata.google.internal, metadata.goog, metadata,
  instance-data, instance-data.ec2.internal, metadata.azure.internal (refused by name,
  before any lookup)
- cloud metadata addresses: 169.254.169.254, 169.254.170.2, 169.254.170.23,
  100.100.100.200, 192.0.0.192, fd00:ec2::254, fd00:ec2::23
- loopback: 127.0.0.0/8, ::1
- unspecified and "this network": 0.0.0.0/8, ::
- private: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, unique-local fc00::/7,
  site-local fec0::/10
- link-local: 169.254.0.0/16, fe80::/10
- carrier-grade NAT (shared address space): 100.64.0.0/10
- multicast: 224.0.0.0/4, ff00::/8
- broadcast and reserved: 255.255.255.255, 240.0.0.0/4
- IETF protocol assignments 192.0.0.0/24, benchmarking 198.18.0.0/15, documentation
  192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, discard-only 100::/64,
  IETF assignments 2001::/23 (Teredo, ORCHIDv2 ...)
- IPv6 forms carrying an IPv4 address are judged by that address: IPv4-mapped
  ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96 (and the local-use NAT64
  prefix 64:ff9b:1::/48, refused outright), 6to4 2002::/16
- anything else Python's ``ipaddress`` does not count as globally reachable.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
import httpcore
import httpx

from services.common.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IPAddress]]

DEFAULT_PORTS = frozenset({80, 443, 8080, 8443})
FETCH_ALLOW_SETTING = "BRI_FETCH_ALLOWED_HOSTS"
WEBHOOK_ALLOW_SETTING = "BRI_WEBHOOK_ALLOWED_HOSTS"

METADATA_HOSTS = frozenset({
    "metadata.google.internal", "metadata.goog", "metadata", "instance-data",
    "instance-data.ec2.internal", "metadata.azure.internal",
})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "169.254.170.23", "100.100.100.200",
    "192.0.0.192", "fd00:ec2::254", "fd00:ec2::23",
))


def _nets(*cidrs: str) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Checked in this order, so an address is refused under its most telling name.
RULES: tuple[tuple[tuple[IPNetwork, ...], str], ...] = (
    (_nets("127.0.0.0/8", "::1/128"), "a loopback address"),
    (_nets("0.0.0.0/8", "::/128"), "an unspecified address"),
    (_nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"),
     "a private address"),
    (_nets("169.254.0.0/16", "fe80::/10"), "a link-local address"),
    (_nets("100.64.0.0/10"), "a carrier-grade NAT address"),
    (_nets("224.0.0.0/4", "ff00::/8"), "a multicast address"),
    (_nets("255.255.255.255/32", "240.0.0.0/4"), "a reserved address"),
    (_nets("192.0.0.0/24", "198.18.0.0/15", "192.0.2.0/24", "198.51.100.0/24",
           "203.0.113.0/24", "2001:db8::/32", "100::/64", "2001::/23", "64:ff9b:1::/48"),
     "a special-purpose (benchmark, documentation or protocol) address"),
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class AddressRefused(ValueError):
    """A URL or connection reaches somewhere outbound requests must not go."""


class HostNotFound(AddressRefused):
    """The name does not resolve: refused when checking a URL, a connection failure (worth
    retrying: DNS outages pass) when connecting."""


def forbidden_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be connected to, or None for a public address."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded, form = _embedded_ipv4(address)
        if embedded is not None:
            inner = forbidden_reason(embedded)
            return f"{form} of {embedded}, {inner}" if inner else None
    for networks, reason in RULES:
        if any(address in network for network in networks):
            return reason
    if not address.is_global:
        return "not a globally reachable address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, str]:
    if address.ipv4_mapped:
        return address.ipv4_mapped, "an IPv4-mapped IPv6 address"
    if address.sixtofour:
        return address.sixtofour, "a 6to4 IPv6 address"
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "a NAT64 IPv6 address"
    if address in IPV4_COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address)), "an IPv4-compatible IPv6 address"
    return None, ""


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order, once each."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostNotFound(f"{host} does not resolve ({exc})") from exc
    addresses = (ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos)
    return list(dict.fromkeys(addresses))


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").lower().rstrip(".")


@dataclass(frozen=True)
class AllowList:
    """Operator-chosen exceptions: host names, ``host:port`` pairs and networks."""

    hosts: frozenset[str] = frozenset()
    host_ports: frozenset[tuple[str, int]] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> AllowList:
        """``"feeds.internal, 127.0.0.1:8765, [::1]:8080, 10.0.0.0/8"`` and the like."""
        hosts: set[str] = set()
        host_ports: set[tuple[str, int]] = set()
        networks: list[IPNetwork] = []
        for item in (part.strip() for part in raw.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            host, colon, port = item.rpartition(":")
            if colon and port.isdigit() and (":" not in host or host.startswith("[")):
                host_ports.add((_normal_host(host), int(port)))
            elif colon and ":" not in host:
                raise ValueError(f"allow-list entry {item!r} has an invalid port")
            else:
                hosts.add(_normal_host(item))
        return cls(frozenset(hosts), frozenset(host_ports), tuple(networks))

    def names_host(self, host: str, port: int) -> bool:
        return host in self.hosts or (host, port) in self.host_ports

    def holds_address(self, address: IPAddress, port: int) -> bool:
        return (str(address), port) in self.host_ports or any(
            address in network for network in self.networks)


@dataclass(frozen=True)
class FetchPolicy:
    """Where outbound requests may connect: ports, exceptions, and how names resolve."""

    allow: AllowList = field(default_factory=AllowList)
    allowed_ports: frozenset[int] | None = DEFAULT_PORTS  # None: any port
    allow_setting: str = FETCH_ALLOW_SETTING  # named in refusals, to say how to allow
    resolver: Resolver = resolve

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The policy for feeds and pages."""
        return cls(allow=AllowList.parse(settings.fetch_allowed_hosts),
                   allowed_ports=frozenset(settings.fetch_allowed_ports))

    @classmethod
    def for_webhooks(cls, allowed_hosts: str) -> FetchPolicy:
        """Webhooks may use any port (receivers often do); addresses are checked the same."""
        return cls(allow=AllowList.parse(allowed_hosts), allowed_ports=None,
                   allow_setting=WEBHOOK_ALLOW_SETTING)

    def check_url(self, url: httpx.URL | str) -> None:
        """Refuse a URL that is not http(s) with a host (before any connection)."""
        parsed = httpx.URL(url) if isinstance(url, str) else url
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise AddressRefused(f"{url}: only http and https URLs with a host can be fetched")

    def addresses_to_connect(self, host: str, port: int) -> list[IPAddress]:
        """The checked addresses a connection to ``host:port`` may use, in order.

        Raises AddressRefused naming the host, the address and the rule it breaks.
        """
        host = _normal_host(host)
        named = self.allow.names_host(host, port)
        if not named and host in METADATA_HOSTS:
            raise AddressRefused(f"{host} is a cloud metadata service name; allow it with "
                                 f"{self.allow_setting} if intended")
        addresses = self.resolver(host, port)
        if not addresses:
            raise AddressRefused(f"{host} has no address")
        for address in addresses:
            if named or self.allow.holds_address(address, port):
                continue
            reason = forbidden_reason(address)
            if reason:
                where = f"{address} is" if host == str(address) else f"{host} resolves to {address},"
                raise AddressRefused(f"{where} {reason}; allow it with {self.allow_setting} "
                                     "if intended")
        if not self._port_allowed(host, port, addresses):
            ports = ", ".join(str(p) for p in sorted(self.allowed_ports or ()))
            raise AddressRefused(f"port {port} of {host} is not an allowed port ({ports}); "
                                 f"allow it with {self.allow_setting}={host}:{port} if intended")
        return addresses

    def _port_allowed(self, host: str, port: int, addresses: Iterable[IPAddress]) -> bool:
        if self.allowed_ports is None or port in self.allowed_ports:
            return True
        return (host, port) in self.allow.host_ports or any(
            (str(address), port) in self.allow.host_ports for address in addresses)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, connecting only to addresses the policy accepted."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.addresses_to_connect(host, port)
        except HostNotFound as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return self._backend.connect_tcp(str(address), port, timeout, local_address,
                                                 socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address may answer, as connecting by name would
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise AddressRefused("connections over Unix sockets are not allowed")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class AsyncGuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, connecting only to addresses the policy accepted."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        # Resolving blocks; a worker thread keeps the event loop serving other fetches.
        try:
            addresses = await anyio.to_thread.run_sync(self.policy.addresses_to_connect, host, port)
        except HostNotFound as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._backend.connect_tcp(str(address), port, timeout,
                                                       local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("connections over Unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own


def _pool_options(ssl_context: ssl.SSLContext, limits: httpx.Limits,
                  http2: bool) -> dict[str, Any]:
    return {
        "ssl_context": ssl_context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": True,
        "http2": http2,
    }


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses the guarded backend.

    httpx builds its pool itself without a way to pass a network backend, so the pool is
    replaced right after construction with one that is identical but for the backend.
    Proxies are not supported: a proxy would connect on our behalf, unchecked.
    """

    def __init__(self, policy: FetchPolicy, *, verify: ssl.SSLContext | str | bool = True,
                 limits: httpx.Limits = _DEFAULT_LIMITS, http2: bool = False) -> None:
        ssl_context = httpx.create_ssl_context(verify=verify)  # built once, shared below
        super().__init__(verify=ssl_context, limits=limits, http2=http2)
        self._pool = httpcore.ConnectionPool(network_backend=GuardedBackend(policy),
                                             **_pool_options(ssl_context, limits, http2))


class AsyncGuardedTransport(httpx.AsyncHTTPTransport):
    """The asyncio counterpart of GuardedTransport."""

    def __init__(self, policy: FetchPolicy, *, verify: ssl.SSLContext | str | bool = True,
                 limits: httpx.Limits = _DEFAULT_LIMITS, http2: bool = False) -> None:
        ssl_context = httpx.create_ssl_context(verify=verify)
        super().__init__(verify=ssl_context, limits=limits, http2=http2)
        self._pool = httpcore.AsyncConnectionPool(network_backend=AsyncGuardedBackend(policy),
                                                  **_pool_options(ssl_context, limits, http2))


_TRANSPORT_OPTIONS = ("verify", "limits", "http2")


def guarded_client(policy: FetchPolicy, **httpx_kwargs: Any) -> httpx.Client:
    """An httpx.Client whose every connection and redirect hop obeys ``policy``.

    ``verify``, ``limits`` and ``http2`` go to the transport; the rest to the client.
    """
    transport_options = {k: httpx_kwargs.pop(k) for k in _TRANSPORT_OPTIONS if k in httpx_kwargs}

    def check_scheme(request: httpx.Request) -> None:
        policy.check_url(request.url)

    hooks = httpx_kwargs.pop("event_hooks", {})
    hooks = {**hooks, "request": [check_scheme, *hooks.get("request", [])]}
    return httpx.Client(transport=GuardedTransport(policy, **transport_options),
                        event_hooks=hooks, **httpx_kwargs)


def guarded_async_client(policy: FetchPolicy, **httpx_kwargs: Any) -> httpx.AsyncClient:
    """An httpx.AsyncClient whose every connection and redirect hop obeys ``policy``."""
    transport_options = {k: httpx_kwargs.pop(k) for k in _TRANSPORT_OPTIONS if k in httpx_kwargs}

    async def check_scheme(request: httpx.Request) -> None:
        policy.check_url(request.url)

    hooks = httpx_kwargs.pop("event_hooks", {})
    hooks = {**hooks, "request": [check_scheme, *hooks.get("request", [])]}
    return httpx.AsyncClient(transport=AsyncGuardedTransport(policy, **transport_options),
                             event_hooks=hooks, **httpx_kwargs)
