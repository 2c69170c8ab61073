"""The client's address behind reverse proxies (LGSC_TRUSTED_PROXIES): the parsing the settings
check at start-up and config.middleware.TrustedProxyMiddleware applies to each request. Plain
Python, so that the settings may import it."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks_parse(entries: Sequence[str]) -> tuple[Network, ...]:
    """``["10.0.0.5", "10.1.0.0/16"]`` → networks; a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def client_address(remote_addr: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client's address behind the trusted proxies: walking ``X-Forwarded-For`` from the
    right (each proxy appends the address it was reached from), the first address that is not
    a trusted proxy. A header sent by the client itself only adds entries on the left, so it
    cannot name another client as long as the proxies nearest to us are trusted ones."""

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    if not is_trusted(remote_addr):
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote_addr  # garbage where an address should be: keep the proxy's
    return hops[0] if hops else remote_addr
