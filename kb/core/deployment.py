"""What settings read from the environment and refuse when it is unsafe.

Imported by ``kb/settings.py`` while settings load, so only the standard
library and Django's exceptions are used here. A refusal is
``ImproperlyConfigured`` with the name of the variable to set: a site
started with ``DEBUG=0`` and the public development secrets would sign
sessions, password-reset links and webhook pages with values anyone can
read in this repository.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def production_secret(environ: Mapping[str, str], name: str, *, development_value: str,
                      debug: bool) -> str:
    """``environ[name]``; with ``debug`` off it must be set and not the
    development value, with it on the development value is the default."""
    value = (environ.get(name) or "").strip()
    if value and value != development_value:
        return value
    if debug:
        return development_value
    raise ImproperlyConfigured(
        f"{name} must be set to a secret of your own when DEBUG is off "
        f"({'it is the public development value' if value else 'it is not set'}). "
        f"Set the {name} environment variable, e.g. to the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'.")


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.5", "10.1.0.0/16"]`` as networks; ValueError names a bad entry."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not an IP address or a CIDR network") from exc
    return tuple(networks)


def trusted_proxies(environ: Mapping[str, str], name: str = "KB_TRUSTED_PROXIES") -> list[str]:
    """The proxies whose forwarded headers are believed (comma-separated
    addresses or networks, none by default), checked now so that a typo
    stops the start instead of silently trusting nobody."""
    entries = [item.strip() for item in (environ.get(name) or "").split(",") if item.strip()]
    try:
        parse_networks(entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}.") from exc
    return entries
