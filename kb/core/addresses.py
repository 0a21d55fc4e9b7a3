"""The address a request comes from, for rate limits and sign-in lockouts.

``X-Forwarded-For`` is written by whoever sends the request, so it is only
believed when the request arrives from one of our own proxies
(``KB_TRUSTED_PROXIES``: addresses or CIDR networks). Each proxy appends
the address it received the request from, so the header is read from the
right: the first address that is not a trusted proxy is the client. The
entries to its left were written by the client and are ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from kb.core.deployment import Network, parse_networks

# What a request without a usable address is counted as (all of them share
# one bucket, which is what a limit should do with them).
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def trusted_proxies() -> tuple[Network, ...]:
    """The configured proxies, read when asked (tests may change the setting)."""
    return _trusted(tuple(getattr(settings, "KB_TRUSTED_PROXIES", ()) or ()))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(text: str) -> bool:
    """Whether ``text`` (an address as it appears in a header) is one of our proxies."""
    address = _address(text)
    if address is None:
        return False
    return any(address.version == network.version and address in network
               for network in trusted_proxies())


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or, when that is a trusted
    proxy, the right-most address of ``X-Forwarded-For`` that is not one.

    Works for Django's and DRF's requests (DRF's proxies ``META``).
    """
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return UNKNOWN
    if not is_trusted_proxy(str(remote)):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (h.strip() for h in forwarded.split(",")) if hop]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not written by one of our proxies: stop rather than let what
            # is to its left decide.
            break
        if not is_trusted_proxy(str(address)):
            return str(address)
        remote = address
    # Every hop is ours (a request from inside), or the header is missing or
    # broken: the last of our proxies we can see is the client.
    return str(remote)


def axes_client_address(request: HttpRequest) -> str | None:
    """django-axes' ``AXES_CLIENT_IP_CALLABLE``: the same address as the rate
    limits, or None when there is none (axes stores it in an IP address
    column, which PostgreSQL checks: "unknown" would fail the sign-in)."""
    address = client_address(request)
    return None if address == UNKNOWN else address
