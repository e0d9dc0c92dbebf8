"""The one way Tandem makes outbound HTTP requests: timeouts always, private addresses refused
unless allowed (so a URL typed by a user cannot reach the intranet), a clear User-Agent."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from tandem import __version__

USER_AGENT = f"Tandem/{__version__} (+https://github.com/tandem-marketing)"
DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class BlockedAddress(httpx.TransportError):
    """The host resolves to a private, loopback or link-local address and that is not allowed."""


def _is_private(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False  # the request itself will fail with a clear DNS error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
        ):
            return True
    return False


def _guard(request: httpx.Request) -> None:
    host = urlsplit(str(request.url)).hostname or ""
    if _is_private(host):
        raise BlockedAddress(
            f"{host} is a private or local address; Tandem does not call those here.",
            request=request,
        )


def http_client(
    *,
    allow_private: bool = False,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    hooks = {"request": [] if allow_private else [_guard]}
    return httpx.Client(
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        event_hooks=hooks,
        transport=transport,
        follow_redirects=False,
    )
