"""The client's address and scheme behind the TLS proxy: believed only from a trusted proxy.

`IPGAR_TRUSTED_PROXIES` lists the addresses or networks the proxy connects from. A request
from anywhere else is taken at its socket: its `X-Forwarded-For` and `X-Forwarded-Proto`
are what the client wrote, so they are removed before anything reads them. Login
throttling (django-axes, `AXES_CLIENT_IP_CALLABLE`) and the access log both call
`client_address`, so they always agree on who asked.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.IPGAR_TRUSTED_PROXIES))


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(value: str | None) -> bool:
    address = _address(value or "")
    return address is not None and any(address in network for network in trusted_networks())


def client_address(request) -> str | None:
    """The address of whoever sent the request.

    The socket's address, unless that is a trusted proxy: then `X-Forwarded-For` read from
    the right, skipping our own proxies; the first address that is not one of them is the
    client (anything further left was written by the client and proves nothing).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage in the chain: stop at the last hop we could still vouch for.
            return remote
        if not is_trusted_proxy(hop):
            return str(address)
        remote = str(address)
    return remote


class TrustedProxyMiddleware:
    """Drop forwarded headers that did not come from a trusted proxy (first in MIDDLEWARE).

    Django's `SECURE_PROXY_SSL_HEADER` believes `X-Forwarded-Proto` from anyone; with this
    in front it only ever sees the proxy's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for header in _FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
