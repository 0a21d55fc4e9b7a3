"""Which Chinese carrier network a hop belongs to.

Engineers on cross-border lines read a trace for the carrier it runs
over: China Telecom's standard 163 network (ChinaNet, backbone routers in
202.97.0.0/16) congests on its international links at the evening peak,
its CN2 network (59.43.0.0/16) is the premium one, and so on for China
Unicom and China Mobile. A hop is placed by the AS number the tool
printed (NextTrace, Cisco's ``[AS 4134]``), else by the backbone prefixes
that traces without AS numbers show.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from .models import Hop


@dataclass(frozen=True)
class Carrier:
    code: str  # catalogue key: carrier.<code>
    tier: str  # "standard" | "premium" | "other"


_CARRIERS = {
    "ct-163": Carrier("ct-163", "standard"),
    "ct-cn2": Carrier("ct-cn2", "premium"),
    "cu-169": Carrier("cu-169", "standard"),
    "cu-9929": Carrier("cu-9929", "premium"),
    "cu-cug": Carrier("cu-cug", "other"),
    "cm-cmnet": Carrier("cm-cmnet", "other"),
    "cm-cmi": Carrier("cm-cmi", "other"),
    "cm-cmin2": Carrier("cm-cmin2", "premium"),
}
_BY_AS = {
    4134: "ct-163",
    4809: "ct-cn2",
    4837: "cu-169",
    9929: "cu-9929",
    10099: "cu-cug",
    9808: "cm-cmnet",
    58453: "cm-cmi",
    58807: "cm-cmin2",
}
_BY_PREFIX = (
    (ipaddress.ip_network("202.97.0.0/16"), "ct-163"),
    (ipaddress.ip_network("59.43.0.0/16"), "ct-cn2"),
    (ipaddress.ip_network("219.158.0.0/16"), "cu-169"),
    (ipaddress.ip_network("221.183.0.0/16"), "cm-cmnet"),
)


@lru_cache(maxsize=4096)
def _by_address(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return next((code for network, code in _BY_PREFIX if ip in network), None)


def carrier_of(hop: Hop) -> Carrier | None:
    code = _BY_AS.get(hop.asn) if hop.asn is not None else None
    if code is None and hop.host:
        code = _by_address(hop.host)
    return _CARRIERS[code] if code else None


def carriers_on(hops: list[Hop]) -> list[tuple[Carrier, Hop]]:
    """Each carrier the path runs over, with the first hop on it, in path order."""
    seen: dict[str, tuple[Carrier, Hop]] = {}
    for hop in hops:
        carrier = carrier_of(hop)
        if carrier is not None and carrier.code not in seen:
            seen[carrier.code] = (carrier, hop)
    return list(seen.values())
