"""tracert / traceroute run on a router -> :class:`PathResult`.

The routers' traces differ in their headers, and little in their rows:

- Huawei VRP::

    traceroute to  4.4.4.4(4.4.4.4), max hops: 30 ,packet length: 40,press CTRL_C to break
     1 192.168.12.2 20 ms  20 ms  20 ms
     2 10.0.23.3[MPLS Label=1024/1027 Exp=0/0 S=0/1 TTL=1/1] 60 ms  50 ms  50 ms

- H3C Comware 7 (older Comware: "tracert to ..., 30 hops max,40 bytes packet")::

    traceroute to 10.2.1.2 (10.2.1.2), 30 hops at most, 40 bytes each packet, press CTRL_C ...
     1  10.3.1.1 (10.3.1.1)  1.438 ms  0.424 ms  0.418 ms
        MPLS Label=100048 Exp=0 TTL=1 S=1

- Cisco IOS, times in "msec", probes that came back from another address
  of an equal-cost path on lines of their own::

    Tracing the route to 213.180.193.3
      3 10.222.71.6 [AS 3356] [MPLS: Label 4274 Exp 0] 11 msec
        10.222.71.2 [AS 3356] [MPLS: Label 7188 Exp 0] 12 msec
      8  *  *  *

Bracketed annotations are dropped but for the AS number (Cisco's
``[AS 3356]``); a hop's address is the first one it shows, its probes all
of its lines' probes.
"""

from __future__ import annotations

import re

from .models import Hop, PathResult
from .numbers import DECIMAL, reading
from .path import host_and_name, is_ip, traceroute_error
from .routeros import parse_routeros_trace

_TARGET = re.compile(
    r"^\s*(?:traceroute to|tracert to|Tracing the route to)\s+"
    r"([^\s(]+)(?:\s*\(([0-9a-fA-F:.]+)\))?"
)
_ROW = re.compile(r"^\s*(\d{1,3})(?:\s+(.*?))?\s*$")
_ANNOTATION = re.compile(r"\[[^\]]*\]")
_AS = re.compile(r"\[AS (\d{1,10})\]")
_TIME = re.compile(rf"({DECIMAL})\s*(?:msec|ms)\b")
_STAR = re.compile(r"(?<!\S)\*(?!\S)")
# What is not the hop's host: probe times, stars and error annotations
# ("!H"). A lost first probe comes before the address ("* 10.1.1.1 4 msec").
_NOT_HOST = re.compile(rf"(?<!\S)(?:{DECIMAL}\s*(?:msec|ms)\b|\*|!\S*)(?!\S)")


def _address_line(rest: str) -> bool:
    """True when ``rest`` starts with an address (or "name (address)"):
    a Cisco continuation line, not an MPLS label line or a prompt."""
    token = rest.split(maxsplit=1)[0] if rest.strip() else ""
    return is_ip(token) or bool(re.match(r"\S+\s+\(([0-9a-fA-F:.]+)\)", rest))


def _host(rest: str) -> tuple[str | None, str | None]:
    left = _NOT_HOST.sub(" ", rest)
    return host_and_name(left) if left.strip() else (None, None)


def _hop(number: int, lines: list[str]) -> Hop:
    rests = [_ANNOTATION.sub(" ", line) for line in lines]
    rests[0] = _ROW.match(rests[0]).group(2) or ""  # type: ignore[union-attr]
    rtts = [t for r in rests for x in _TIME.findall(r) if (t := reading(x)) is not None]
    stars = sum(len(_STAR.findall(r)) for r in rests)
    host = name = None
    for rest in rests:
        host, name = _host(rest)
        if host:
            break
    error = next((e for line in lines if (e := traceroute_error(line))), None)
    sent = len(rtts) + stars
    as_number = _AS.search(lines[0])
    return Hop(
        hop=number,
        host=host,
        name=name,
        asn=int(as_number.group(1)) if as_number else None,
        loss_pct=100.0 if error else (round(100.0 * stars / sent, 1) if sent else None),
        sent=sent or None,
        rtt_avg_ms=round(sum(rtts) / len(rtts), 3) if rtts else None,
        rtt_best_ms=min(rtts) if rtts else None,
        rtt_worst_ms=max(rtts) if rtts else None,
        error=error,
        line=lines[0].rstrip(),
    )


def parse_router_trace(text: str) -> PathResult:
    """Huawei VRP tracert, H3C Comware tracert or Cisco IOS traceroute."""
    result = PathResult(tool="traceroute", parser="hand")
    rows: list[tuple[int, list[str]]] = []
    started = False
    for line in text.split("\n"):
        m = _TARGET.search(line)
        if m and not started:
            result.target = m.group(1)
            result.target_ip = m.group(2) or (m.group(1) if is_ip(m.group(1)) else None)
            started = True
            continue
        if not started or not line.strip():
            continue
        row = _ROW.match(line)
        if row:
            rows.append((int(row.group(1)), [line]))
        elif rows and line[:1].isspace() and _address_line(line):
            rows[-1][1].append(line)
    for number, lines in rows:
        hop = _hop(number, lines)
        # A bare hop number is where the trace was stopped (Ctrl+C).
        if hop.sent is not None or hop.host is not None:
            result.hops.append(hop)
    return result


def parse_trace_on_router(text: str, system: str) -> PathResult:
    """A trace run on a router of ``system`` (models.ROUTER_SYSTEMS): RouterOS
    prints a table, the others lines."""
    return parse_routeros_trace(text) if system == "routeros" else parse_router_trace(text)
