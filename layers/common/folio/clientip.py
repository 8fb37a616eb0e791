"""The client's address: never a header the client can set freely, one spelling per address, and
one key per IPv6 network prefix (a single host or home gets a whole /64 to rotate through)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import Scope

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"  # the one key shared by every request whose address cannot be read


def parse_networks(entries: list[str]) -> list[Network]:
    return [_unmapped_network(ipaddress.ip_network(entry, strict=False)) for entry in entries]


def parse_address(text: str) -> Address | None:
    """Any spelling of an address as one value: case, leading zeros and `::` folded by ipaddress;
    brackets, a port and a zone id (`fe80::1%eth0`) dropped; an IPv4-mapped IPv6 address
    (`::ffff:192.0.2.1`, what a dual-stack socket shows for an IPv4 peer) is that IPv4 address."""
    value = text.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value, closed, _port = value[1:].partition("]")
        if not closed:
            return None
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(scope: Scope, trusted_proxies: list[Network]) -> Address | None:
    """On Lambda: the Function URL's sourceIp. Elsewhere: the TCP peer, unless the peer is a
    trusted proxy, in which case the right-most X-Forwarded-For hop that is not a trusted proxy."""
    event = scope.get("aws.event")
    if isinstance(event, dict):
        context = event.get("requestContext")
        http = context.get("http") if isinstance(context, dict) else None
        source = http.get("sourceIp") if isinstance(http, dict) else None
        return parse_address(source) if isinstance(source, str) else None
    client = scope.get("client")
    peer = parse_address(str(client[0])) if client else None
    if peer is None or not _trusted(peer, trusted_proxies):
        return peer
    forwarded = ",".join(
        value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"x-forwarded-for"
    )
    hops = [parse_address(hop) for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop is None:
            return peer  # the proxy passed on something that is not an address: count the proxy
        if not _trusted(hop, trusted_proxies):
            return hop
    return hops[0] if hops and hops[0] is not None else peer


def client_key(scope: Scope, trusted_proxies: list[Network], ipv6_prefix: int) -> str:
    """What per-client limits count against: an IPv4 address, or the IPv6 network of
    `ipv6_prefix` bits around the address (`2001:db8:0:7::/64`)."""
    address = client_ip(scope, trusted_proxies)
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, ipv6_prefix), strict=False))
    return str(address)


def _trusted(address: Address, networks: list[Network]) -> bool:
    return any(address in network for network in networks)


def _unmapped_network(network: Network) -> Network:
    """`::ffff:10.0.0.0/104` is 10.0.0.0/8: addresses are compared after mapping, so networks are too."""
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network
