"""ping and traceroute run on a MikroTik router (RouterOS) -> results.

MikroTik routers are common at the edge of small ISPs and studios; their
tools print tables, not lines.

``/ping``: one row per probe under a header that RouterOS repeats every
20 rows, each block followed by a running summary (the last one counts,
unless probe rows follow it: a paste cut mid-run)::

      SEQ HOST                  SIZE TTL TIME       STATUS
        0 159.148.172.205         56  55 1ms582us
        1 192.168.88.20                             timeout
        2 203.0.113.6            576  63 893us      fragmentation needed and DF set
        3                                           packet too large and cannot be fragmented
        sent=4 received=1 packet-loss=75% min-rtt=1ms582us avg-rtt=1ms582us ...

(the HOST column is wider than shown).

A row's STATUS says why the probe got no reply; HOST is then the router
that said so, or nobody when the router itself refused to send it.
RouterOS 7 prints times as "1ms582us", RouterOS 6 as "12ms".

``/tool traceroute``: one row per hop, redrawn after each round. RouterOS 6
numbers the hops ("#"); RouterOS 7 does not, and printed to a file or over
SSH it writes each round's table after the last, without the header::

     # ADDRESS                          LOSS SENT    LAST     AVG    BEST   WORST STD-DEV STATUS
     1 10.11.19.1                         0%   10   0.4ms     0.5     0.4     0.7     0.1
     2                                  100%   10 timeout
     3 etrunk43.milano1.mil.seabone...   50%    7 timeout     7.8     7.5     8.2     0.3

A new round starts where the hop numbers start again, where an address
already in the round comes again (the hops above it that did not answer
start the round with it), or where a row has been probed more often than
the round's first hop. The last round counts.
"""

from __future__ import annotations

import re

from .models import Hop, PathResult, PingResult
from .numbers import DECIMAL, count, percent, reading
from .path import is_ip
from .ping import counts_consistent, counts_from_replies, times_from_replies

# "1ms582us", "893us", "12ms", "1s3ms": RouterOS's durations.
_DURATION = re.compile(r"^(?:(\d+)s)?(?:(\d+(?:\.\d+)?)ms)?(?:(\d+)us)?$")

_PING_HEADER = re.compile(r"^\s*SEQ\s+HOST\s+SIZE\s+TTL\s+TIME\s+STATUS\b")
_PING_SUMMARY = re.compile(
    r"sent=(\d+) received=(\d+) packet-loss=(-?\d+(?:\.\d+)?)%"
    r"(?: min-rtt=(\S+) avg-rtt=(\S+) max-rtt=(\S+))?"
)
_PING_COMMAND = re.compile(r"(?:^|[\s>/])ping\s+(?:address=)?(\S+)")
# Statuses that mean the probe was not answered by its target.
_NO_REPLY = "timeout"
_FRAG_NEEDED = ("fragmentation needed and DF set", "packet too large and cannot be fragmented")
# ICMP errors from the router in HOST (RouterOS's ping manual lists them).
_ERROR_STATUSES = ("net unreachable", "host unreachable", "admin prohibited", "TTL exceeded",
                   "no route to host")
_REPLY_STATUSES = ("", "echo reply")

_TRACE_COMMAND = re.compile(r"(?:^|[\s>/])traceroute\s+(?:address=)?([0-9a-fA-F:.]+)(?:\s|$)")
_TRACE_HEADER = re.compile(r"^\s*(?:#\s+)?ADDRESS\s+LOSS\s+SENT\s+LAST\s+AVG\s+BEST\s+WORST\b")
_LOSS = re.compile(rf"^({DECIMAL})%$")


def _command(lines: list[str], pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The command line's match, among the paste's first lines (the prompt)."""
    return next((m for line in lines[:5] if (m := pattern.search(line))), None)


def duration_ms(token: str) -> float | None:
    """A RouterOS duration ("1ms582us", "12ms", "893us", "1s3ms") in ms."""
    m = _DURATION.match(token)
    if not m or not any(m.groups()):
        return None
    seconds, millis, micros = (reading(g) if g is not None else 0.0 for g in m.groups())
    if seconds is None or millis is None or micros is None:
        return None
    return round(seconds * 1000 + millis + micros / 1000, 3)


# ------------------------------------------------------------------- ping
def _ping_row(tokens: list[str]) -> tuple[str | None, float | None, str]:
    """(HOST, TIME in ms, STATUS) of a probe row after its SEQ."""
    host = None
    if tokens and not tokens[0].isdigit() and duration_ms(tokens[0]) is None \
            and not _is_status(" ".join(tokens)):
        host, tokens = tokens[0], tokens[1:]
    while tokens and tokens[0].isdigit():  # SIZE, TTL
        tokens = tokens[1:]
    time = duration_ms(tokens[0]) if tokens else None
    if time is not None:
        tokens = tokens[1:]
    return host, time, " ".join(tokens)


def _is_status(words: str) -> bool:
    """True when a row's cells after SEQ are a status alone (no HOST)."""
    return words == _NO_REPLY or words in _FRAG_NEEDED or words in _ERROR_STATUSES


def parse_routeros_ping(text: str) -> PingResult:
    result = PingResult(parser="hand")
    lines = text.split("\n")
    if command := _command(lines, _PING_COMMAND):
        result.target = command.group(1)
    result.dont_fragment = any("do-not-fragment" in line for line in lines[:5])
    in_table = False
    unanswered = 0
    summary = None
    for line in lines:
        stripped = line.strip()
        if _PING_HEADER.match(stripped):
            in_table = True
            continue
        if m := _PING_SUMMARY.search(stripped):
            summary = (stripped, m)
            continue
        tokens = stripped.split()
        if not in_table or not tokens or not tokens[0].isdigit():
            continue
        summary = None  # a running summary with probes after it is not the last word
        host, time, status = _ping_row(tokens[1:])
        if status in _REPLY_STATUSES and time is not None:
            result.rtts_ms.append(time)
            if result.target is None and host:
                result.target = host
        elif status in _FRAG_NEEDED:
            result.frag_needed += 1
            result.evidence.setdefault("frag_needed", stripped)
            unanswered += 1
        elif status and status != _NO_REPLY:
            result.error_replies.append(stripped)
            if host:
                result.error_from.append(host)
            unanswered += 1
        elif status == _NO_REPLY:
            unanswered += 1
    if summary is not None:
        line, m = summary
        sent, received = count(m.group(1)), count(m.group(2))
        if sent and counts_consistent(sent, received):
            result.sent, result.received = sent, received
            result.loss_pct = percent(m.group(3))
            result.evidence["loss_pct"] = line
            if received and m.group(4):
                low, avg, high = (duration_ms(m.group(i)) for i in (4, 5, 6))
                if low is not None and avg is not None and high is not None \
                        and low <= avg <= high:
                    result.rtt_min_ms, result.rtt_avg_ms, result.rtt_max_ms = low, avg, high
                    result.evidence["rtt_avg_ms"] = line
    counts_from_replies(result, unanswered)
    return times_from_replies(result)


# ------------------------------------------------------------- traceroute
def _milliseconds(token: str) -> float | None:
    """AVG/BEST/WORST: "0.5" or "0.5ms" (RouterOS 7 repeats the unit)."""
    return reading(token[:-2]) if token.endswith("ms") else reading(token)


def _trace_row(line: str) -> tuple[int | None, Hop] | None:
    """A row's hop number (None when RouterOS 7 prints none) and hop."""
    tokens = line.split()
    number = None
    if len(tokens) > 2 and tokens[0].isdigit():
        number, tokens = int(tokens[0]), tokens[1:]
    at = next((i for i, token in enumerate(tokens) if _LOSS.match(token)), None)
    if at is None or at > 1 or len(tokens) < at + 2:
        return None
    address = tokens[0] if at == 1 else None
    loss = percent(tokens[at][:-1])
    sent = count(tokens[at + 1])
    stats = [_milliseconds(token) for token in tokens[at + 3:at + 6]]
    answered = loss is not None and loss < 100.0 and len(stats) == 3 and None not in stats
    avg, best, worst = stats if answered else (None, None, None)
    host = address if address and address != "*" else None
    return number, Hop(
        hop=number or 0,
        host=host,
        name=host if host and not is_ip(host) else None,
        loss_pct=loss,
        sent=sent,
        rtt_avg_ms=avg,
        rtt_best_ms=best,
        rtt_worst_ms=worst,
        line=line.rstrip(),
    )


class _Rounds:
    """RouterOS 7's unnumbered rows, printed one round after another, sorted
    into rounds: ``done`` is the last whole round, ``frame`` the one being read."""

    def __init__(self) -> None:
        self.done: list[Hop] = []
        self.frame: list[Hop] = []
        self._where: dict[str, int] = {}  # address -> index in frame

    def close(self) -> None:
        if self.frame:
            self.done, self.frame, self._where = self.frame, [], {}

    def add(self, hop: Hop) -> None:
        seen = self._where.get(hop.host) if hop.host else None
        if seen is not None:
            # An address already in this round starts the next one: the rows
            # above it there (hops that did not answer) are the next round's too.
            self.done, self.frame = self.frame[:len(self.frame) - seen], \
                self.frame[len(self.frame) - seen:]
            self._where = {}
            for index, moved in enumerate(self.frame):
                moved.hop = index + 1
                if moved.host:
                    self._where[moved.host] = index
        elif self.frame and hop.sent is not None and self.frame[0].sent is not None \
                and hop.sent > self.frame[0].sent:
            # The first hop is probed first in every round: a row probed more
            # often than it belongs to the next round.
            self.close()
        hop.hop = len(self.frame) + 1
        if hop.host:
            self._where.setdefault(hop.host, len(self.frame))
        self.frame.append(hop)


def parse_routeros_trace(text: str) -> PathResult:
    result = PathResult(tool="traceroute", parser="hand")
    lines = text.split("\n")
    if command := _command(lines, _TRACE_COMMAND):
        result.target = result.target_ip = command.group(1)
    numbered: list[Hop] = []  # RouterOS 6: the round being read
    rounds = _Rounds()  # RouterOS 7
    for line in lines:
        if _TRACE_HEADER.match(line.strip()):
            rounds.close()
            if numbered:
                result.hops, numbered = numbered, []
            continue
        row = _trace_row(line)
        if row is None:
            continue
        number, hop = row
        if number is None:
            rounds.add(hop)
            continue
        if numbered and number <= numbered[-1].hop:
            result.hops, numbered = numbered, []
        hop.hop = number
        numbered.append(hop)
    rounds.close()
    result.hops = numbered or rounds.done or result.hops
    return result
