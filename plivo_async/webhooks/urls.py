"""The URL Plivo signed, rebuilt from what the app sees behind proxies.

A TLS terminator or load balancer changes the scheme, host (and maybe path prefix) the app
sees, so the signature of a genuine callback would not match. Two ways to get the URL
Plivo called: ``public_url`` (the base URL Plivo calls, joined with the request's path
and query), or the proxy's ``Forwarded`` / ``X-Forwarded-Proto`` / ``X-Forwarded-Host``
headers, read only when the request comes from one of ``trusted_proxies``: anyone can
send those headers to an app that is reachable directly.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

__all__ = ["Proxies", "TrustedProxies", "public_request_url"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: Addresses or networks of proxies whose forwarded headers are believed
#: (``["10.0.0.0/8", "127.0.0.1"]``).
Proxies = Iterable[str | ipaddress.IPv4Network | ipaddress.IPv6Network]

_NOT_IN_A_HOST = frozenset("/?#@\\ \t\r\n")


class TrustedProxies:
    """The proxies whose forwarded headers count; the peer address says who sent a request."""

    def __init__(self, proxies: Proxies = ()) -> None:
        if isinstance(proxies, str):
            proxies = [proxies]
        networks: list[Network] = []
        for proxy in proxies:
            try:
                networks.append(ipaddress.ip_network(proxy, strict=False))
            except (TypeError, ValueError):
                raise ValueError(
                    f"trusted_proxies: {proxy!r} is not an IP address or network"
                    " (like '10.0.0.0/8' or '127.0.0.1')"
                ) from None
        self.networks = tuple(networks)
        #: Every address trusted (the deprecated ``trust_forwarded=True``): a hop nobody
        #: named is trusted too, so the leftmost forwarded value counts.
        self.everyone = any(net.prefixlen == 0 for net in self.networks)

    def __repr__(self) -> str:
        return f"TrustedProxies({[str(net) for net in self.networks]!r})"

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str) or not address:
            return False
        address = address.strip()
        if address.startswith("["):  # [v6]:port, as in Forwarded: for=
            address = address[1:].partition("]")[0]
        elif address.count(":") == 1:  # v4:port
            address = address.partition(":")[0]
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.networks)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in value.split(",")] if value else []


def _forwarded_elements(value: str | None) -> list[dict[str, str]]:
    """RFC 7239 ``Forwarded``: one dict of (lower-cased) pairs per element, oldest first."""
    elements = []
    for element in _split(value):
        pairs = {}
        for pair in element.split(";"):
            key, eq, val = pair.partition("=")
            if eq:
                pairs[key.strip().lower()] = val.strip().strip('"')
        elements.append(pairs)
    return elements


def _outermost_trusted(hops: list[str], trusted: TrustedProxies, count: int) -> int:
    """How many of the ``count`` forwarded values were added by trusted proxies, walking
    from the nearest: the peer (trusted) added the last; each address it names that is
    trusted too added the one before."""
    n = 1
    while n < count and (hops[n - 1] in trusted if n - 1 < len(hops) else trusted.everyone):
        n += 1
    return n


def _forwarded_origin(
    get: Callable[[str], str | None], trusted: TrustedProxies
) -> tuple[str | None, str | None]:
    """The scheme and host the outermost trusted proxy was asked for, if it said."""
    elements = _forwarded_elements(get("forwarded"))
    if elements:
        # element i was added by a proxy that saw the request come from its for=
        hops = [e.get("for", "") for e in reversed(elements)]
        chosen = elements[-_outermost_trusted(hops, trusted, len(elements))]
        return chosen.get("proto"), chosen.get("host")
    protos = _split(get("x-forwarded-proto"))
    hosts = _split(get("x-forwarded-host"))
    hops = list(reversed(_split(get("x-forwarded-for"))))
    depth = _outermost_trusted(hops, trusted, max(len(protos), len(hosts), 1))
    proto = protos[-min(depth, len(protos))] if protos else None
    host = hosts[-min(depth, len(hosts))] if hosts else None
    return proto, host


def public_request_url(
    scheme: str,
    host: str,
    target: str,
    *,
    headers: Callable[[str], str | None],
    peer: str | None,
    public_url: str | None = None,
    trusted_proxies: TrustedProxies | None = None,
) -> str:
    """The URL Plivo called, for a request to ``target`` (its raw path and query).

    ``public_url`` wins: ``public_url`` + ``target``. Otherwise forwarded headers are read
    (``headers(name)``, lower-case name) only when ``peer`` is a trusted proxy; a scheme
    other than http(s) or a host that is not a bare host is ignored, not believed.
    """
    if public_url is not None:
        return public_url.rstrip("/") + target
    if trusted_proxies and peer in trusted_proxies:
        proto, forwarded_host = _forwarded_origin(headers, trusted_proxies)
        if proto and proto.lower() in ("http", "https"):
            scheme = proto.lower()
        if forwarded_host and not _NOT_IN_A_HOST.intersection(forwarded_host):
            host = forwarded_host
    return f"{scheme}://{host}{target}"
