"""ping run on a router -> :class:`PingResult`.

A customer on a dedicated international line (or the engineer who looks
after their office router) pings from the router itself, and pastes what
the router printed. Three formats cover what customers paste:

- ``vrp``: Huawei VRP, and H3C Comware 5, which prints the same::

    PING 10.1.1.2: 56  data bytes, press CTRL_C to break
      Reply from 10.1.1.2: bytes=56 Sequence=1 ttl=255 time=220 ms
      Request time out
    --- 10.1.1.2 ping statistics ---
      5 packet(s) transmitted
      4 packet(s) received
      20.00% packet loss
      round-trip min/avg/max = 140/178/220 ms

- ``comware``: H3C Comware 7, BSD-like replies with its own summary::

    Ping 1.1.2.2 (1.1.2.2): 56 data bytes, press CTRL+C to break
    56 bytes from 1.1.2.2: icmp_seq=0 ttl=254 time=4.685 ms
    --- Ping statistics for 1.1.2.2 ---
    5 packet(s) transmitted, 5 packet(s) received, 0.0% packet loss
    round-trip min/avg/max/std-dev = 1.187/2.135/4.685/1.334 ms

- ``ios``: Cisco IOS and IOS XE, one character per probe and no reply
  times::

    Sending 5, 100-byte ICMP Echos to 10.1.1.1, timeout is 2 seconds:
    !!.!!
    Success rate is 80 percent (4/5), round-trip min/avg/max = 1/2/4 ms

None of them says which router sent an ICMP error: Cisco prints "U" for
a probe answered "unreachable" and "M" for "fragmentation needed"; VRP
says "Request time out (unroutable)" when the router itself has no route.
"""

from __future__ import annotations

import re

from .models import PingResult
from .numbers import DECIMAL, count, percent, reading
from .ping import counts_consistent, counts_from_replies, times_from_replies
from .routeros import parse_routeros_ping

_TIMEOUT = re.compile(r"^\s*Request time ?out\b", re.I)
_ERROR = re.compile(r"unreachable|unroutable|TTL expired|time to live exceeded", re.I)
_ROUND_TRIP = re.compile(
    rf"round-trip min/avg/max(?:/std-?dev)?\s*=\s*({DECIMAL})/({DECIMAL})/({DECIMAL})"
    rf"(?:/({DECIMAL}))? ?ms"
)

# IPv6: "PING 2001:DB8:10:3::1 : 56  data bytes".
_VRP_HEADER = re.compile(r"^\s*PING (\S+?) ?:\s+(\d+)\s+data bytes")
_VRP_REPLY = re.compile(
    rf"^\s*Reply from \S+: bytes=\d+ Sequence=\d+ ttl=\d+ time[=<]\s*({DECIMAL}) ?ms"
)
_VRP_SENT = re.compile(r"^\s*(\d+) packet\(s\) transmitted\s*$")
_VRP_RECEIVED = re.compile(r"^\s*(\d+) packet\(s\) received\s*$")
_VRP_LOSS = re.compile(rf"^\s*({DECIMAL})% packet loss\s*$")

_COMWARE_HEADER = re.compile(r"^\s*Ping (\S+) \(([^)]+)\)(?: from \S+)?: (\d+) data bytes")
_COMWARE_REPLY = re.compile(rf"^\s*\d+ bytes from \S+ icmp_seq=\d+ ttl=\d+ time=({DECIMAL}) ms")
_COMWARE_SUMMARY = re.compile(
    rf"(\d+) packet\(s\) transmitted, (\d+) packet\(s\) received, ({DECIMAL})% packet loss"
)

_IOS_SENDING = re.compile(r"^\s*Sending (\d+), (\d+)-byte ICMP Echos to (\S+?),")
_IOS_SUCCESS = re.compile(r"^\s*Success rate is (\d+) percent \((\d+)/(\d+)\)")
# One character per probe: "!" a reply, "." no answer in time, "U" an ICMP
# unreachable, "Q" source quench, "M" could not fragment, "?" an unknown
# packet, "&" lifetime exceeded. Long runs wrap at 70 characters.
_IOS_PROBES = re.compile(r"^\s*[!.UQM?&]+\s*$")
# The datagram size IOS prints counts the IP (20) and ICMP (8) headers.
_IOS_HEADERS_BYTES = 28
# "ping 10.1.1.1 size 1500 df-bit", or "Packet sent with the DF bit set".
_IOS_DF = re.compile(r"\bdf-bit\b|DF bit set", re.I)
# VRP and Comware: "ping -f -s 1472 10.1.1.1".
_VRP_DF = re.compile(r"\bping\b.*\s-f\b")


def _first(lines: list[str], pattern: re.Pattern[str]) -> tuple[str, re.Match[str]] | None:
    """The first line ``pattern`` matches, with its match."""
    for line in lines:
        if m := pattern.search(line):
            return line, m
    return None


def _from_summary(result: PingResult, lines: list[str]) -> None:
    """min/avg/max (and Comware's std-dev) from the "round-trip" line; an
    edited line whose numbers contradict each other is not read."""
    for line in lines:
        m = _ROUND_TRIP.search(line)
        if m:
            low, avg, high = (reading(m.group(i)) for i in (1, 2, 3))
            if low is None or avg is None or high is None or not low <= avg <= high:
                return
            result.rtt_min_ms, result.rtt_avg_ms, result.rtt_max_ms = low, avg, high
            result.evidence["rtt_avg_ms"] = line.strip()
            if m.group(4) is not None and not result.rtts_ms:
                result.jitter_ms = reading(m.group(4))
                result.jitter_source = "stddev" if result.jitter_ms is not None else None
            return


def _replies(result: PingResult, lines: list[str], reply: re.Pattern[str]) -> int:
    """Reply times into ``result``; returns the probes that got no reply."""
    unanswered = 0
    for line in lines:
        m = reply.search(line)
        if m:
            value = reading(m.group(1))
            if value is not None:
                result.rtts_ms.append(value)
        elif _ERROR.search(line):
            result.error_replies.append(line.strip())
            unanswered += 1
        elif _TIMEOUT.search(line):
            unanswered += 1
    return unanswered


def parse_vrp(text: str) -> PingResult:
    """Huawei VRP or H3C Comware 5 ping."""
    result = PingResult(parser="hand")
    lines = text.split("\n")
    if header := _first(lines, _VRP_HEADER):
        result.target, result.payload_bytes = header[1].group(1), count(header[1].group(2))
    result.dont_fragment = any(_VRP_DF.search(line) for line in lines[:3])
    unanswered = _replies(result, lines, _VRP_REPLY)
    for line in lines:
        if m := _VRP_SENT.search(line):
            result.sent = count(m.group(1))
        elif m := _VRP_RECEIVED.search(line):
            result.received = count(m.group(1))
        elif m := _VRP_LOSS.search(line):
            result.loss_pct = percent(m.group(1))
            result.evidence["loss_pct"] = line.strip()
    if not counts_consistent(result.sent, result.received):
        result.sent = result.received = result.loss_pct = None
        result.evidence.pop("loss_pct", None)
        counts_from_replies(result, unanswered)
    elif result.loss_pct is None and result.sent:
        result.loss_pct = round(100.0 * (result.sent - result.received) / result.sent, 1)
    if result.received or result.rtts_ms:  # VRP prints 0/0/0 after 100% loss
        _from_summary(result, lines)
    return times_from_replies(result)


def parse_comware(text: str) -> PingResult:
    """H3C Comware 7 ping."""
    result = PingResult(parser="hand")
    lines = text.split("\n")
    if header := _first(lines, _COMWARE_HEADER):
        result.target, result.payload_bytes = header[1].group(2), count(header[1].group(3))
    result.dont_fragment = any(_VRP_DF.search(line) for line in lines[:3])
    unanswered = _replies(result, lines, _COMWARE_REPLY)
    if summary := _first(lines, _COMWARE_SUMMARY):
        line, m = summary
        sent, received = count(m.group(1)), count(m.group(2))
        if counts_consistent(sent, received):
            result.sent, result.received = sent, received
            result.loss_pct = percent(m.group(3))
            result.evidence["loss_pct"] = line.strip()
    counts_from_replies(result, unanswered)
    if result.received or result.rtts_ms:
        _from_summary(result, lines)
    return times_from_replies(result)


def parse_ios(text: str) -> PingResult:
    """Cisco IOS / IOS XE ping: counts from the probe characters or the
    "Success rate" line; min/avg/max only (IOS prints no reply times)."""
    result = PingResult(parser="hand")
    lines = text.split("\n")
    if sending := _first(lines, _IOS_SENDING):
        size = count(sending[1].group(2))
        result.target = sending[1].group(3)
        result.payload_bytes = size - _IOS_HEADERS_BYTES if size is not None else None
    result.dont_fragment = any(_IOS_DF.search(line) for line in lines)
    probe_lines = [line.strip() for line in lines if _IOS_PROBES.search(line)]
    probes = "".join(probe_lines)
    for line in probe_lines:
        result.error_replies.extend([line] * line.count("U"))
        if "M" in line:
            result.frag_needed += line.count("M")
            result.evidence.setdefault("frag_needed", line)
    if success := _first(lines, _IOS_SUCCESS):
        line, m = success
        received, sent = count(m.group(2)), count(m.group(3))
        if sent and counts_consistent(sent, received):
            result.sent, result.received = sent, received
            result.loss_pct = round(100.0 * (sent - received) / sent, 1)
            result.evidence["loss_pct"] = line.strip()
    if result.sent is None and probes:
        result.sent, result.received = len(probes), probes.count("!")
        result.loss_pct = round(100.0 * (result.sent - result.received) / result.sent, 1)
    if result.received:
        _from_summary(result, lines)
    return result


def parse_router_ping(text: str, system: str) -> PingResult:
    """A ping run on a router of ``system`` (models.ROUTER_SYSTEMS)."""
    if system == "routeros":
        return parse_routeros_ping(text)
    if system == "ios":
        return parse_ios(text)
    if system == "comware":
        return parse_comware(text)
    return parse_vrp(text)
