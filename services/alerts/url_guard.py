"""Refusing webhook URLs that point inside the network the workers run in.

A subscriber chooses the webhook URL, and the alerts worker POSTs to it from inside the
deployment; without this check a subscription could make the worker call Redis, the
cloud metadata service or an internal admin page. The host name is resolved and every
address it resolves to is checked, at subscription time and again before each delivery
(a name can be re-pointed after it was accepted). Delivery then connects to an address
it checked rather than resolving the name again, so a name re-pointed between the check
and the connection (DNS rebinding) cannot redirect it. ``BRI_WEBHOOK_ALLOWED_HOSTS``
lets chosen hosts or networks through, e.g. a receiver on 127.0.0.1 in tests.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Addresses cloud providers serve instance metadata (and credentials) on.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}
METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data"}


class UnsafeWebhookURL(ValueError):
    """The URL is malformed or reaches an address alerts must not call."""


def parse_allow_list(raw: str) -> tuple[set[str], list[IPNetwork]]:
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            hosts.add(item.lower().rstrip("."))
    return hosts, networks


def _forbidden(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private or address.is_reserved or address.is_multicast or address.is_unspecified:
        return "a private or reserved address"
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"):
        return "a carrier-grade NAT address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeWebhookURL(f"webhook host {host!r} does not resolve: {exc.strerror}") from exc
    addresses = (ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos)
    return list(dict.fromkeys(addresses))  # one entry per address, in the resolver's order


def check_webhook_url(url: str, allowed_hosts: str = "") -> list[IPAddress]:
    """Raise UnsafeWebhookURL unless ``url`` is http(s) and reaches only public addresses.

    Returns the addresses checked, to connect to; none for a host allowed by name.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeWebhookURL(f"webhook URL {url!r} must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("webhook URL must not carry credentials; sign with the secret")
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeWebhookURL(f"webhook URL {url!r} has an invalid port") from exc
    allowed_names, allowed_networks = parse_allow_list(allowed_hosts)
    if host in allowed_names:
        return []
    if host in METADATA_HOSTS:
        raise UnsafeWebhookURL(f"webhook host {host!r} is a cloud metadata service")
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeWebhookURL(f"webhook host {host!r} has no address")
    for address in addresses:
        if any(address in network for network in allowed_networks):
            continue
        reason = _forbidden(address)
        if reason:
            raise UnsafeWebhookURL(
                f"webhook host {host!r} resolves to {address}, {reason}; allow it with "
                "BRI_WEBHOOK_ALLOWED_HOSTS if that is intended")
    return addresses
