"""NextTrace output -> :class:`PathResult`.

NextTrace is the trace Chinese network engineers reach for on a
cross-border route: it prints each hop's AS, network and place, so a
paste shows where a path leaves one carrier for another. Its default
output::

    NextTrace v1.3.4 2024-09-10T13:25:26Z 6a3ea6a
    [NextTrace API] preferred API IP - 172.67.155.192 - 118.16ms - Misaka.HKG
    IP Geo Data Provider: LeoMoeAPI
    traceroute to 59.36.216.1, 30 hops max, 52 bytes payload
    1   103.213.4.1     AS7720                    中国 香港   skywolf.cloud
                                                  0.90 ms
    2   10.0.0.6        *                         RFC1918
                                                  0.65 ms
    5   *
    11  218.30.54.181   AS4134   [CHINANET-US]    美国 加利福尼亚 圣何塞 ... 电信
                                                  165.18 ms

A hop is a line with its number and address, or "*" when nothing
answered; the "*" after an address is an AS the geo data does not know,
not a lost probe. The line under it holds the host name, if any, and the
probe times ("0.90 ms / * ms / 1.01 ms"). A hop that answered from
several addresses has one block per address, indented by four spaces. A
hop that answered nothing does not say how many probes it sent.

``nexttrace --json`` prints the same trace as Go marshals it: ``{"Hops":
[[probe, ...], ...]}``, one list per hop, each probe with ``Success``,
``Address`` (``{"IP": ...}`` or null), ``Hostname``, ``TTL``, ``RTT`` in
nanoseconds and ``Geo`` (``asnumber`` among the place fields).
"""

from __future__ import annotations

import json
import re
from collections import Counter

from .models import Hop, PathResult
from .numbers import DECIMAL, reading
from .path import is_ip

# "traceroute to 59.36.216.1, 30 hops max, 52 bytes payload" (the address
# first, a name asked for in brackets after it; "SRC -> 1.1.1.1" with a
# source address set).
_HEADER = re.compile(
    r"^(?:traceroute to|\S+ ->)\s+([0-9a-fA-F:.]+)(?:\s+\(([^)]*)\))?,\s*\d+ hops max,"
    r"\s*\d+ bytes payload"
)
_HOP = re.compile(r"^(\d{1,3})\s+(\*|[0-9a-fA-F:.]+)(?:\s|$)")
_AS = re.compile(r"^\d{1,3}\s+\S+\s+AS(\d{1,10})(?:\s|$)")
_ANOTHER_ADDRESS = re.compile(r"^ {4}([0-9a-fA-F:.]+)\s")
_PROBE = re.compile(rf"(?<!\S)(?:({DECIMAL})|\*) ms(?!\S)")


def _hop(number: int, host: str | None, lines: list[str]) -> Hop:
    rtts: list[float] = []
    stars = 0
    for line in lines[1:]:
        for m in _PROBE.finditer(line):
            if m.group(1) is None:
                stars += 1
            elif (rtt := reading(m.group(1))) is not None:
                rtts.append(rtt)
    sent = len(rtts) + stars
    if host is None:
        loss: float | None = 100.0
    else:
        loss = round(100.0 * stars / sent, 1) if sent else None
    as_column = _AS.match(lines[0])
    return Hop(
        hop=number,
        host=host,
        asn=int(as_column.group(1)) if as_column else None,
        loss_pct=loss,
        sent=sent or None,
        rtt_avg_ms=round(sum(rtts) / len(rtts), 3) if rtts else None,
        rtt_best_ms=min(rtts) if rtts else None,
        rtt_worst_ms=max(rtts) if rtts else None,
        line=lines[0].rstrip(),
    )


def parse_nexttrace(text: str) -> PathResult:
    """NextTrace's default (line by line) output, or its ``--table``."""
    result = PathResult(tool="traceroute", parser="hand")
    hops: list[tuple[int, str | None, list[str]]] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _TABLE_HEADER.match(line):
            result.hops = _table_hops(lines[i + 1:])
            return result
        if result.target_ip is None and (m := _HEADER.search(line.strip())):
            result.target_ip = m.group(1)
            result.target = m.group(2) or m.group(1)
            continue
        if result.target_ip is None or not line.strip():
            continue
        m = _HOP.match(line)
        if m and (m.group(2) == "*" or is_ip(m.group(2))):
            hops.append((int(m.group(1)), None if m.group(2) == "*" else m.group(2), [line]))
        elif hops and not (
            (other := _ANOTHER_ADDRESS.match(line)) and is_ip(other.group(1))
        ):
            hops[-1][2].append(line)
    result.hops = [_hop(number, host, lines) for number, host, lines in hops]
    return result


# nexttrace --table: one row per probe, the hop number on a hop's first row
# only; "name (address)" when the address has a name, "*" for no answer:
#   Hop  IP                    Latency   ASN   Location                   Owner
#   3    202.97.66.226         158.70ms  4134  Shanghai, Shanghai, China  ChinaNet
#        202.97.66.226         160.10ms  4134  Shanghai, Shanghai, China  ChinaNet
_TABLE_HEADER = re.compile(r"^\s*Hop\s+IP\s+Latency\s+ASN\s+Location\s+Owner\s*$")
_TABLE_LATENCY = re.compile(rf"^({DECIMAL})ms$")


def _table_hops(lines: list[str]) -> list[Hop]:
    rows: list[tuple[int, list[tuple[str | None, float | None]]]] = []
    about: dict[str, tuple[int | None, str | None]] = {}
    for line in lines:
        words = line.split()
        if not words:
            continue
        if not line[0].isspace():
            if not words[0].isdigit() or len(words) < 2:
                break  # the table ended (a prompt, another output)
            rows.append((int(words[0]), []))
            words = words[1:]
        elif not rows:
            continue
        at = next((i for i, word in enumerate(words) if _TABLE_LATENCY.match(word)), None)
        cell = words[:at] if at is not None else words[:1]
        ip = cell[-1].strip("()") if cell else "*"
        if ip == "*" or not is_ip(ip):
            rows[-1][1].append((None, None))
            continue
        rtt = reading(_TABLE_LATENCY.match(words[at]).group(1)) if at is not None else None
        rows[-1][1].append((ip, rtt))
        if ip not in about:
            after = words[at + 1] if at is not None and at + 1 < len(words) else None
            about[ip] = (_as_number(after), cell[0] if len(cell) > 1 else None)
    return [_summed_hop(number, probes, about) for number, probes in rows]


def _json_probe(probe: dict) -> tuple[str | None, float | None]:
    """A probe's answering address and round-trip time in ms (None, None
    when it got no answer)."""
    address = probe.get("Address")
    ip = address.get("IP") if isinstance(address, dict) else None
    if probe.get("Success") is not True or not isinstance(ip, str) or not is_ip(ip):
        return None, None
    nanoseconds = probe.get("RTT")
    if type(nanoseconds) not in (int, float) or not 0 <= nanoseconds <= 1e15:
        return ip, None
    milliseconds = reading(nanoseconds / 1e6)
    return ip, round(milliseconds, 3) if milliseconds is not None else None


def _summed_hop(number: int, probes: list[tuple[str | None, float | None]],
                about: dict[str, tuple[int | None, str | None]]) -> Hop:
    """One hop from its probes, each (answering address or None, RTT in ms);
    ``about`` holds each address's AS and host name. Its evidence line is
    rendered as NextTrace prints the hop ("3  202.97.66.226  AS4134  158.70 ms
    / * ms")."""
    answered = [ip for ip, _ in probes if ip is not None]
    if not answered:
        return Hop(hop=number, host=None, loss_pct=100.0, sent=len(probes) or None,
                   line=f"{number:<3} *")
    # The address most of the answers came from speaks for the hop.
    host = Counter(answered).most_common(1)[0][0]
    asn, name = about.get(host, (None, None))
    rtts = [rtt for _, rtt in probes if rtt is not None]
    times = " / ".join("* ms" if ip is None else f"{rtt:.2f} ms" if rtt is not None else "? ms"
                       for ip, rtt in probes)
    return Hop(
        hop=number,
        host=host,
        name=name,
        loss_pct=round(100.0 * (len(probes) - len(answered)) / len(probes), 1),
        sent=len(probes),
        rtt_avg_ms=round(sum(rtts) / len(rtts), 3) if rtts else None,
        rtt_best_ms=min(rtts) if rtts else None,
        rtt_worst_ms=max(rtts) if rtts else None,
        line=f"{number:<3} {host:<15} {f'AS{asn}' if asn else '*':<8} {times}",
        asn=asn,
    )


def _as_number(raw: object) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) <= 10 else None


def _json_hop(number: int, probes: list[dict]) -> Hop:
    answers = [_json_probe(probe) for probe in probes]
    about: dict[str, tuple[int | None, str | None]] = {}
    for probe, (ip, _) in zip(probes, answers, strict=True):
        if ip is not None and ip not in about:
            geo = probe.get("Geo") if isinstance(probe.get("Geo"), dict) else {}
            name = probe.get("Hostname")
            about[ip] = (_as_number(geo.get("asnumber")),
                         name.strip() or None if isinstance(name, str) else None)
    return _summed_hop(number, answers, about)


def parse_nexttrace_json(text: str) -> PathResult:
    """``nexttrace --json``. Raises ValueError for JSON of another shape."""
    data = json.loads(text)
    hops = data.get("Hops") if isinstance(data, dict) else None
    if not isinstance(hops, list):
        raise ValueError("no Hops list: not NextTrace's JSON")
    result = PathResult(tool="traceroute", parser="json")
    for index, probes in enumerate(hops, 1):
        if not isinstance(probes, list):
            continue
        probes = [p for p in probes if isinstance(p, dict)]
        # Each list is one TTL, in order; a probe's own TTL says so too.
        ttls = [p["TTL"] for p in probes if type(p.get("TTL")) is int and 0 < p["TTL"] < 256]
        result.hops.append(_json_hop(ttls[0] if ttls else index, probes))
    return result
