"""Where a feed may send briefterm: the rule for redirects into private address ranges."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from briefterm.config import PollConfig
from briefterm.sanitize import clean_line

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_private_address(address: _Address) -> bool:
    """True for an address outside the public internet (loopback, RFC 1918, link-local…)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


async def host_addresses(host: str) -> list[_Address]:
    """The addresses ``host`` names: itself if an IP literal, else its DNS answer ([] if none)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []  # the connection will fail with its own clear message
    found: list[_Address] = []
    for info in infos:
        try:
            found.append(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except ValueError:
            continue
    return found


async def private_redirect_refused(feed_url: str, target: str, limits: PollConfig) -> str | None:
    """Why a redirect from ``feed_url`` to ``target`` is refused, or None to follow it.

    The one place the policy lives: a target whose host is, or resolves to, a
    private or local address is refused when the feed's own host is public.
    A feed the user subscribed on a private or local address (a home server,
    a test server on 127.0.0.1) may redirect within private ranges.
    """
    if limits.allow_private_redirects:
        return None
    host = urlsplit(target).hostname or ""
    if not any(is_private_address(a) for a in await host_addresses(host)):
        return None
    if any(is_private_address(a) for a in await host_addresses(urlsplit(feed_url).hostname or "")):
        return None
    return (
        f"a redirect from a public feed to a private or local address was refused "
        f"({clean_line(host, max_length=100)}); set poll.allow_private_redirects = true "
        "if you trust this feed"
    )
