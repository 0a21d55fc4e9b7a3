"""PowerShell's ``Test-Connection`` -> results.

Windows users who live in PowerShell ping with ``Test-Connection``, which
prints tables, not ping's lines. Three layouts:

- PowerShell 7 (``pwsh``), a ping: one row per probe, grouped under the
  target; a probe nobody answered has ``*`` for its address, latency and
  size::

       Destination: Server01

    Ping Source           Address                   Latency BufferSize Status
                                                       (ms)        (B)
    ---- ------           -------                   ------- ---------- ------
       1 ADMIN1           10.59.137.44                   24         32 Success
       3 ADMIN1           *                               *          * TimedOut

- PowerShell 7, ``-Traceroute``: three probes per hop, one row each. The
  hop's router (found by a probe with the hop's TTL) is pinged directly;
  where no router answered, the probes go to the target with the hop's
  TTL and the Hostname is ``*``::

    Hop Hostname                  Ping Latency Status           Source       TargetAddress
                                          (ms)
    --- --------                  ---- ------- ------           ------       -------------
      1 172.20.0.1                   1       4 Success          Lira         172.217.9.174
      4 *                            1      14 DestinationNetw… Lira         172.217.9.174

- Windows PowerShell 5.1 (what "PowerShell" opens on Windows 10 and 11),
  a ping: one row per reply, and an error for each probe that got none
  (Win32's text for its status: a timeout reads "Error due to lack of
  resources")::

    Source        Destination     IPV4Address      IPV6Address     Bytes    Time(ms)
    ------        -----------     -----------      -----------     -----    --------
    DESKTOP-01    www.google.com  142.250.200.4                    32       14
    Test-Connection : Testing connection to computer 'www.google.com' failed: Error due to
    lack of resources

  (run with ``-ErrorAction SilentlyContinue``, a lost probe leaves no trace).

A status is .NET's ``IPStatus`` name, cut to the column's width with "…"
(or "..." in older versions). Written against PowerShell/PowerShell's
``TestConnectionCommand.cs`` and its table views in
``PowerShellCore_format_ps1xml.cs``.
"""

from __future__ import annotations

import re

from .models import Hop, PathResult, PingResult
from .numbers import reading
from .path import is_ip
from .ping import counts_from_replies, times_from_replies

PING_HEADER = re.compile(r"^\s*Ping\s+Source\s+Address\s+Latency\b")
TRACE_HEADER = re.compile(r"^\s*Hop\s+Hostname\s+Ping\s+Latency\s+Status\b")
LEGACY_PING_HEADER = re.compile(r"^\s*Source\s+Destination\s+IPV4Address\s+IPV6Address\b")
# The group header above a table: "   Destination: Server01", "   Target: google.com".
_GROUP = re.compile(r"^\s*(?:Destination|Target): (\S+)\s*$")
# One probe's error (5.1), or a target PowerShell 7 could not ping at all.
FAILED = re.compile(r"Testing connection to computer '([^']*)' failed: (.*)$")
# The name did not resolve: no probe was sent.
_NOT_RESOLVED = ("No such host is known", "Cannot resolve the target name")

# .NET's IPStatus names, by what the probe's answer means here.
_REPLY = "reply"
_NO_REPLY = "no-reply"
_TOO_BIG = "too-big"
_ERROR = "error"
_STATUSES: dict[str, str] = {
    "Success": _REPLY,
    "TimedOut": _NO_REPLY,
    "PacketTooBig": _TOO_BIG,
    # ICMP errors from the router in the Address column.
    "DestinationNetworkUnreachable": _ERROR,
    "DestinationHostUnreachable": _ERROR,
    "DestinationProtocolUnreachable": _ERROR,
    "DestinationPortUnreachable": _ERROR,
    "DestinationProhibited": _ERROR,
    "DestinationUnreachable": _ERROR,
    "DestinationScopeMismatch": _ERROR,
    "BadRoute": _ERROR,
    "BadDestination": _ERROR,
    "SourceQuench": _ERROR,
    "ParameterProblem": _ERROR,
    "TtlExpired": _ERROR,
    "TimeExceeded": _ERROR,
    "TtlReassemblyTimeExceeded": _ERROR,
    # The probe failed on this computer: no answer from anyone.
    "NoResources": _NO_REPLY,
    "BadOption": _NO_REPLY,
    "HardwareError": _NO_REPLY,
    "BadHeader": _NO_REPLY,
    "UnrecognizedNextHeader": _NO_REPLY,
    "IcmpError": _NO_REPLY,
    "Unknown": _NO_REPLY,
}
_CUT = ("…", "...")


def status_kind(token: str) -> str | None:
    """What a Status cell means (its name may be cut: "DestinationNetw…"),
    or None when it is no IPStatus name, or a cut one that could be names
    of different meanings."""
    for mark in _CUT:
        if token.endswith(mark):
            prefix = token[:-len(mark)]
            kinds = {kind for name, kind in _STATUSES.items() if name.startswith(prefix)}
            return kinds.pop() if prefix and len(kinds) == 1 else None
    return _STATUSES.get(token)


def _cell_ms(token: str) -> float | None:
    return None if token == "*" else reading(token)


# ------------------------------------------------------------------- ping
def parse_test_connection(text: str) -> PingResult:
    """A ping by ``Test-Connection`` (PowerShell 7 or Windows PowerShell
    5.1). Only the first target's probes count when several were pinged."""
    result = PingResult(parser="hand")
    lines = text.split("\n")
    layout = None
    unanswered = 0
    for line in lines:
        stripped = line.strip()
        if PING_HEADER.match(stripped):
            layout = "pwsh"
            continue
        if LEGACY_PING_HEADER.match(stripped):
            layout = "windows-powershell"
            continue
        if m := _GROUP.match(line):
            if result.target is not None and m.group(1) != result.target:
                break  # the next target's table
            result.target = m.group(1)
            continue
        if m := FAILED.search(stripped):
            if result.target is None:
                result.target = m.group(1)
            if m.group(1) == result.target and not m.group(2).startswith(_NOT_RESOLVED):
                unanswered += 1
                result.evidence.setdefault("loss_pct", stripped)
            continue
        tokens = stripped.split()
        if layout == "pwsh":
            unanswered += _pwsh_ping_row(result, tokens, stripped)
        elif layout == "windows-powershell" and not _legacy_ping_row(result, tokens):
            break  # the next target's rows
    counts_from_replies(result, unanswered)
    return times_from_replies(result)


def _pwsh_ping_row(result: PingResult, tokens: list[str], line: str) -> int:
    """Reads one PowerShell 7 row; returns how many probes it lost (0 or 1)."""
    # Ping, Source (one word, perhaps cut), Address, Latency, BufferSize, Status
    if len(tokens) < 6 or not tokens[0].isdigit():
        return 0
    address, latency, status = tokens[-4], tokens[-3], tokens[-1]
    kind = status_kind(status)
    if kind is None:
        return 0
    if kind == _REPLY:
        time = _cell_ms(latency)
        if time is None:
            return 0
        result.rtts_ms.append(time)
        if result.target is None and address != "*":
            result.target = address
        return 0
    if kind == _NO_REPLY:
        result.evidence.setdefault("loss_pct", line)
    elif kind == _TOO_BIG:
        result.frag_needed += 1
        result.evidence.setdefault("frag_needed", line)
    elif kind == _ERROR:
        result.error_replies.append(line)
        if address != "*":
            result.error_from.append(address)
    return 1


def _legacy_ping_row(result: PingResult, tokens: list[str]) -> bool:
    """Reads one Windows PowerShell 5.1 row (a reply) of the first target;
    False for a row of another target."""
    # Source, Destination, IPV4Address, [IPV6Address], Bytes, Time(ms)
    if len(tokens) < 5 or not (tokens[-1].isdigit() and tokens[-2].isdigit()):
        return True
    destination = tokens[1]
    if result.target is None:
        result.target = destination
    elif destination != result.target:
        return False
    time = reading(tokens[-1])
    if time is not None:
        result.rtts_ms.append(time)
    return True


# ------------------------------------------------------------- traceroute
_TRACE_ROW = re.compile(
    r"^\s*(\d+)\s+(\S+)\s+(\d+)\s+(\d+|\*)\s+(\S+)\s+\S+\s+(\S+)\s*$"
)


def parse_test_connection_trace(text: str) -> PathResult:
    """``Test-Connection -Traceroute`` (PowerShell 7): a hop's rows, one per
    probe, make the hop; a probe with any answer but Success was not
    answered by the hop's router (the rows of a hop with no router carry
    what the target's probes met on the way, not the hop's own answer)."""
    result = PathResult(tool="traceroute", parser="hand")
    probes: dict[int, list[tuple[float | None, str]]] = {}
    hosts: dict[int, str | None] = {}
    for line in text.split("\n"):
        if m := _GROUP.match(line):
            result.target = result.target or m.group(1)
            continue
        m = _TRACE_ROW.match(line)
        if not m or status_kind(m.group(5)) is None:
            continue
        number = int(m.group(1))
        if number == 0 or number > 255:
            continue
        if number not in probes and probes and number < max(probes):
            probes.clear()  # a second trace in the same paste: the last one counts
            hosts.clear()
        hostname = m.group(2)
        hosts.setdefault(number, None if hostname == "*" else hostname)
        answered = status_kind(m.group(5)) == _REPLY
        probes.setdefault(number, []).append(
            (_cell_ms(m.group(4)) if answered else None, line.rstrip()))
        if is_ip(m.group(6)):
            result.target_ip = m.group(6)
    result.hops = [_hop(number, hosts[number], rows) for number, rows in sorted(probes.items())]
    return result


def _hop(number: int, host: str | None, rows: list[tuple[float | None, str]]) -> Hop:
    times = [time for time, _ in rows if time is not None]
    lost = len(rows) - len(times)
    # The row that shows what happened: the first lost probe when one was.
    line = next((text for time, text in rows if time is None), rows[0][1])
    return Hop(
        hop=number,
        host=host,
        name=host if host and not is_ip(host) else None,
        loss_pct=round(100.0 * lost / len(rows), 1),
        sent=len(rows),
        rtt_avg_ms=round(sum(times) / len(times), 3) if times else None,
        rtt_best_ms=min(times) if times else None,
        rtt_worst_ms=max(times) if times else None,
        line=line,
    )
