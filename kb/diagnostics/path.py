"""Path tools -> :class:`PathResult` (hops with loss and RTT).

- traceroute (Linux, macOS): ``jc``, which parses both correctly.
- tracert (Windows, English and Chinese): hand-parsed; jc invents hops.
- mtr ``--report`` / ``--report-wide``: hand-parsed from the column header
  (so ``-o`` field orders work too); jc has no mtr parser. NextTrace's
  report (``nexttrace -r``) has the same layout.
- ``mtr --json``: plain JSON.
- WinMTR export (text table): hand-parsed.
- pathping (Windows, English and Chinese): hand-parsed; jc invents hops.

Per-hop loss for traceroute/tracert is the share of the (usually three)
probes that got no answer, so it is coarse: 33 % steps.
"""

from __future__ import annotations

import ipaddress
import json
import re
from functools import lru_cache

from .models import Hop, PathResult
from .numbers import DECIMAL, count, percent, reading

_IP_IN_BRACKETS = re.compile(r"[\[(]([0-9a-fA-F:.]+)[\])]")
_TIMEOUT_HOST = re.compile(r"^(?:Request timed out\.?|请求超时。?|\*+)$")


@lru_cache(maxsize=4096)
def is_ip(text: str | None) -> bool:
    if not text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def host_and_name(text: str) -> tuple[str | None, str | None]:
    """Split "name [1.2.3.4]" / "name (1.2.3.4)" / "1.2.3.4" into (ip, name)."""
    text = text.strip()
    if not text or _TIMEOUT_HOST.match(text):
        return None, None
    m = _IP_IN_BRACKETS.search(text)
    if m and is_ip(m.group(1)):
        name = text[: m.start()].strip() or None
        return m.group(1), name
    token = text.split()[0]
    if is_ip(token):
        return token, None
    return token, token


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


# --------------------------------------------------------------- traceroute
# traceroute(8) annotations after a probe's time: !H host, !N network, !P
# protocol unreachable, !X / !C / !<n> (Cisco: !A) administratively
# prohibited, !F fragmentation needed.  The router that sent one ends the path.
_TR_ANNOTATION = re.compile(r"(?<!\S)!([HNPXSCFVUA]|F-?\d+|\d+)(?!\S)")
_TR_ERRORS = {"H": "host-unreachable", "N": "net-unreachable", "P": "host-unreachable"}


def traceroute_error(line: str) -> str | None:
    m = _TR_ANNOTATION.search(line)
    if not m:
        return None
    return _TR_ERRORS.get(m.group(1), "prohibited")


def parse_traceroute(text: str) -> PathResult:
    """Linux/macOS traceroute via jc."""
    result = PathResult(tool="traceroute", parser="jc")
    lines = text.split("\n")
    hop_lines: dict[int, str] = {}
    for line in lines:
        m = re.match(r"^\s*(\d+)\s+\S", line)
        if m:
            hop_lines.setdefault(int(m.group(1)), line.rstrip())
        m = re.match(r"^traceroute6? to (\S+) \(([^)]+)\)", line.strip())
        if m:
            result.target, result.target_ip = m.group(1), m.group(2)
    try:
        import jc

        data = jc.parse("traceroute", text, quiet=True)
    except Exception:
        data = None
    if not isinstance(data, dict) or not data.get("hops"):
        return _parse_traceroute_by_hand(text, result, hop_lines)
    for entry in data["hops"]:
        number = entry.get("hop")
        if number is None:
            continue
        probes = entry.get("probes") or []
        rtts = [rtt for p in probes if (rtt := reading(p.get("rtt"))) is not None]
        ips = [p.get("ip") for p in probes if p.get("ip")]
        names = [p.get("name") for p in probes if p.get("name")]
        asns = [p["asn"] for p in probes if isinstance(p.get("asn"), int)]  # traceroute -A
        # jc drops probes that timed out; count the "*" in the line instead.
        line = hop_lines.get(int(number), "")
        stars = len(re.findall(r"(?<!\S)\*(?!\S)", line))
        total = len(rtts) + stars or 3
        error = traceroute_error(line)
        result.hops.append(
            Hop(
                hop=int(number),
                host=ips[0] if ips else None,
                name=names[0] if names else None,
                asn=asns[0] if asns else None,
                # An ICMP error is no answer from the path beyond this hop.
                loss_pct=100.0 if error else round(100.0 * (total - len(rtts)) / total, 1),
                sent=total,
                rtt_avg_ms=_mean(rtts),
                rtt_best_ms=min(rtts) if rtts else None,
                rtt_worst_ms=max(rtts) if rtts else None,
                error=error,
                line=line,
            )
        )
    return result


def _parse_traceroute_by_hand(
    text: str, result: PathResult, hop_lines: dict[int, str]
) -> PathResult:
    result.parser = "hand"
    for number, line in sorted(hop_lines.items()):
        times = (reading(x) for x in re.findall(rf"({DECIMAL})\s*ms", line))
        rtts = [rtt for rtt in times if rtt is not None]
        stars = len(re.findall(r"(?<!\S)\*(?!\S)", line))
        total = len(rtts) + stars or 3
        rest = re.sub(r"^\s*\d+\s+", "", line)
        ip, name = host_and_name(rest) if not rest.startswith("*") or rtts else (None, None)
        if ip and not is_ip(ip):
            m = _IP_IN_BRACKETS.search(rest)
            ip = m.group(1) if m else None
        error = traceroute_error(line)
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=100.0 if error else round(100.0 * (total - len(rtts)) / total, 1),
                sent=total,
                rtt_avg_ms=_mean(rtts),
                error=error,
                line=line,
            )
        )
    return result


# ------------------------------------------------------------------ tracert
_TRACERT_TARGET = re.compile(r"(?:Tracing route to|跟踪到|^到)\s*(\S+)(?:\s+\[([^\]]+)\])?")
_PROBE = re.compile(r"\s*(\*|<\s*1\s*(?:ms|毫秒)|\d+\s*(?:ms|毫秒))")
# "  4  198.51.100.2  reports: Destination net unreachable." (tracert prints
# the router's ICMP error instead of probe times; Chinese: "报告: 无法访问目标网。").
_TRACERT_REPORT = re.compile(
    r"^\s*(\d+)\s+(\S+(?:\s+\[[^\]]+\])?)\s+(?:reports|报告)\s*[:：]\s*(.*)$"
)


def _report_error(text: str) -> str:
    low = text.lower()
    if "net unreachable" in low or "目标网" in text:
        return "net-unreachable"
    if "host unreachable" in low or "目标主机" in text:
        return "host-unreachable"
    return "prohibited"


def parse_tracert(text: str) -> PathResult:
    """Windows tracert, English or Chinese locale (hand-parsed)."""
    result = PathResult(tool="tracert")
    for line in text.split("\n"):
        stripped = line.strip()
        m = _TRACERT_TARGET.search(stripped)
        if m and result.target is None and not re.match(r"^\d", stripped):
            target = m.group(1)
            result.target = target
            result.target_ip = m.group(2) or (target if is_ip(target) else None)
            continue
        m = _TRACERT_REPORT.match(line)
        if m:
            ip, name = host_and_name(m.group(2))
            result.hops.append(
                Hop(
                    hop=int(m.group(1)),
                    host=ip,
                    name=name,
                    loss_pct=100.0,
                    sent=None,
                    error=_report_error(m.group(3)),
                    line=line.rstrip(),
                )
            )
            continue
        m = re.match(r"^\s*(\d+)\s+(.*)$", line)
        if not m:
            continue
        number, rest = int(m.group(1)), m.group(2)
        probes: list[str] = []
        pos = 0
        while len(probes) < 3:
            pm = _PROBE.match(rest, pos)
            if not pm:
                break
            probes.append(pm.group(1))
            pos = pm.end()
        if not probes:
            continue
        rtts: list[float] = []
        for probe in probes:
            if probe == "*":
                continue
            digits = re.search(r"\d+", probe)
            assert digits is not None
            value = 0.5 if probe.startswith("<") else reading(digits.group())
            if value is not None:
                rtts.append(value)
        ip, name = host_and_name(rest[pos:])
        total = len(probes)
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=round(100.0 * (total - len(rtts)) / total, 1),
                sent=total,
                rtt_avg_ms=_mean(rtts),
                rtt_best_ms=min(rtts) if rtts else None,
                rtt_worst_ms=max(rtts) if rtts else None,
                line=line.rstrip(),
            )
        )
    return result


# ---------------------------------------------------------------------- mtr
# A row: "  2.|-- 172.20.10.1  0.0% ...", with -z (AS lookup)
# "  6. AS8544   78.158.134.114  0.0% ..." or "  1. AS???    10.0.2.2 ...", and
# NextTrace's mtr-style report (nexttrace -r) "  1. one.one.one.one  0.0% ...".
_MTR_ROW = re.compile(r"^\s*(\d+)\.(?:\|--\s*|\s+)(?:AS(\d+|\?\?\?)\s+)?(\S.*)")
# NextTrace: another address of the hop above, with its own statistics, under
# five spaces (mtr's own lists of other addresses have no statistics).
_MTR_MORE_ROW = re.compile(r"^ {5}(?:AS(\d+|\?\?\?)\s+)?([^\s|`].*)")
# Instead of an address, mtr prints the hop's error in brackets; NextTrace
# prints "(waiting for reply)" for a hop nothing has answered yet.
_MTR_ERRORS = {"no route to host": "host-unreachable", "no route to network": "net-unreachable"}
_MTR_COLUMNS = {
    "loss%": "loss",
    "snt": "sent",
    "last": "last",
    "avg": "avg",
    "best": "best",
    "wrst": "worst",
    "stdev": "stdev",
    "rcv": "recv",
    "drop": "drop",
    # -o G, J, M, X, I: read past, not used.
    "gmean": "gmean",
    "jttr": "jitter",
    "javg": "jitter_avg",
    "jmax": "jitter_max",
    "jint": "jitter_interarrival",
}
_MTR_DEFAULT_COLUMNS = ["loss", "sent", "last", "avg", "best", "worst", "stdev"]
# A statistics cell: "0.0%", "10", "2072." (mtr's live screen when a time
# fills its column).
_MTR_CELL = re.compile(rf"{DECIMAL}\.?%?")


def _mtr_header(stripped: str) -> list[str] | None:
    """The columns a report's header names, in order: "HOST: name  Loss% Snt
    ...", the live screen's "Host  Loss%  Snt ...", or the titles alone (a
    report whose first line was not copied)."""
    tokens = stripped.split()
    if stripped.startswith("HOST:"):
        tokens = tokens[2:]
    elif tokens[:1] == ["Host"]:
        tokens = tokens[1:]
    names = [_MTR_COLUMNS.get(token.lower()) for token in tokens]
    if len(names) >= 2 and all(names) and "loss" in names:
        return [n for n in names if n]
    return None


def _mtr_cells(rest: str, width: int) -> tuple[list[str], str | None, list[str]]:
    """A row after its number: the host's words, the error in brackets
    printed instead of a host (if any), and the statistics.

    The statistics are the last ``width`` words when they are all numbers,
    so a host column of several words ("name (address)" with -b, or
    NextTrace's "AS4134 host China Guangdong Telecom") is read whole."""
    if rest.startswith("("):
        label, _, after = rest[1:].partition(")")
        return [], label.strip().lower(), after.split()
    words = rest.split()
    tail = words[-width:]
    if len(words) > width + 1 and all(_MTR_CELL.fullmatch(w) for w in tail):
        return words[:-width], None, tail
    return words[:1], None, words[1:]


def _mtr_hop(number: int, asn: str | None, rest: str, columns: list[str], line: str) -> Hop:
    host_words, error, values = _mtr_cells(rest, len(columns))
    row = {
        name: value
        for name, raw in zip(columns, values, strict=False)
        if (value := reading(raw.rstrip("%"))) is not None
    }
    host = host_words[0] if host_words else None
    ip = None if host == "???" else host
    name = ip if ip and not is_ip(ip) else None
    # "name (address)": mtr -b, NextTrace --show-ips.
    if name and len(host_words) > 1 and (m := _IP_IN_BRACKETS.fullmatch(host_words[1])) \
            and is_ip(m.group(1)):
        ip = m.group(1)
    loss = percent(row.get("loss"))
    if not values and (error is not None or host == "???"):
        # Nothing has answered, the cells are blank: NextTrace's "(waiting
        # for reply)", a bare "???" on mtr's live screen.
        loss = 100.0
    # Times of a hop that never answered are printed as 0.0: not readings.
    timed = ip is not None and loss != 100.0
    return Hop(
        hop=number,
        host=ip,
        name=name,
        loss_pct=loss,
        sent=count(row.get("sent")),
        rtt_avg_ms=row.get("avg") if timed else None,
        rtt_best_ms=row.get("best") if timed else None,
        rtt_worst_ms=row.get("worst") if timed else None,
        rtt_stdev_ms=row.get("stdev") if timed else None,
        error=_MTR_ERRORS.get(error or ""),
        line=line.rstrip(),
        asn=int(asn) if asn and asn.isdigit() else None,
    )


def _answered(hop: Hop) -> float | None:
    if hop.sent is None or hop.loss_pct is None:
        return None
    return hop.sent * (100.0 - hop.loss_pct) / 100.0


def _merge_addresses(hop: Hop, other: Hop) -> None:
    """Fold another address's row of the same hop into ``hop``, so the hop
    counts every probe sent at its distance, as mtr's own rows do."""
    answered, other_answered = _answered(hop), _answered(other)
    if answered is None or other_answered is None or hop.sent is None or other.sent is None:
        return
    sent = hop.sent + other.sent
    both = answered + other_answered
    pairs = [(n, avg, sd) for n, avg, sd in ((answered, hop.rtt_avg_ms, hop.rtt_stdev_ms),
                                             (other_answered, other.rtt_avg_ms,
                                              other.rtt_stdev_ms)) if n > 0]
    if pairs and all(avg is not None for _, avg, _ in pairs):
        mean = sum(n * avg for n, avg, _ in pairs) / both
        hop.rtt_avg_ms = round(mean, 3)
        if all(sd is not None for _, _, sd in pairs):
            # Pooled over both: each row's spread plus its mean's distance.
            variance = sum(n * (sd ** 2 + (avg - mean) ** 2) for n, avg, sd in pairs) / both
            hop.rtt_stdev_ms = round(variance ** 0.5, 3)
    bests = [v for v in (hop.rtt_best_ms, other.rtt_best_ms) if v is not None]
    worsts = [v for v in (hop.rtt_worst_ms, other.rtt_worst_ms) if v is not None]
    hop.rtt_best_ms = min(bests) if bests else None
    hop.rtt_worst_ms = max(worsts) if worsts else None
    hop.sent = sent
    hop.loss_pct = round(100.0 * (sent - both) / sent, 1) if sent else hop.loss_pct
    if hop.host is None and other.host is not None:
        hop.host, hop.name, hop.asn = other.host, other.name, other.asn


def parse_mtr_report(text: str) -> PathResult:
    """``mtr --report`` and ``--report-wide`` (hand-parsed from the header),
    mtr's live screen copied from a terminal, and NextTrace's report in the
    same layout (``nexttrace -r``, ``-w``)."""
    result = PathResult(tool="mtr")
    columns = _MTR_DEFAULT_COLUMNS
    for line in text.split("\n"):
        stripped = line.strip()
        named = _mtr_header(stripped) if "Loss%" in stripped else None
        if named is not None or stripped.startswith("HOST:"):
            columns = named or columns
            continue
        m = _MTR_ROW.match(line)
        if m:
            result.hops.append(_mtr_hop(int(m.group(1)), m.group(2), m.group(3), columns, line))
            continue
        more = _MTR_MORE_ROW.match(line)
        if more and result.hops:
            other = _mtr_hop(result.hops[-1].hop, more.group(1), more.group(2), columns, line)
            if other.sent is not None:
                _merge_addresses(result.hops[-1], other)
    return result


def parse_mtr_json(text: str) -> PathResult:
    """``mtr --json``: plain JSON, evidence lines are re-rendered hub rows."""
    result = PathResult(tool="mtr", parser="json")
    start = text.find("{")
    data = json.loads(text[start:]) if start >= 0 else {}
    report = data.get("report", {}) if isinstance(data, dict) else {}
    meta = report.get("mtr", {}) if isinstance(report, dict) else {}
    if isinstance(meta, dict) and meta.get("dst"):
        result.target = str(meta["dst"])
        result.target_ip = result.target if is_ip(result.target) else None
    for hub in report.get("hubs", []) if isinstance(report, dict) else []:
        if not isinstance(hub, dict):
            continue
        host = str(hub.get("host", "???"))
        ip = None if host == "???" else host
        loss = hub.get("Loss%")
        avg = hub.get("Avg")
        line = json.dumps(hub, ensure_ascii=False)
        number = count(hub.get("count"))
        # -z adds "ASN": "AS4134" (or "AS???").
        asn = re.fullmatch(r"AS(\d{1,10})", str(hub.get("ASN", "")).strip())
        result.hops.append(
            Hop(
                hop=len(result.hops) + 1 if number is None else number,
                host=ip,
                loss_pct=percent(loss),
                sent=count(hub.get("Snt")),
                rtt_avg_ms=reading(avg) if ip else None,
                rtt_best_ms=reading(hub.get("Best")) if ip else None,
                rtt_worst_ms=reading(hub.get("Wrst")) if ip else None,
                rtt_stdev_ms=reading(hub.get("StDev")) if ip else None,
                line=line,
                asn=int(asn.group(1)) if asn else None,
            )
        )
    return result


def parse_winmtr(text: str) -> PathResult:
    """WinMTR "Export TEXT"/"Copy Text to clipboard" table (hand-parsed).

    Two layouts exist: ``| Host - % | Sent | Recv | Best | Avrg | Wrst |
    Last |`` (WinMTR 0.9x) and ``| Hostname | Nr | Loss % | Sent | Recv |
    Best | Avrg | Worst | Last |``.
    """
    result = PathResult(tool="mtr")
    header: list[str] | None = None
    number = 0
    for line in text.split("\n"):
        stripped = line.strip()
        # Borders: the top and header rules are dashes, the bottom rule is
        # underscores (a real export ends with one).
        if not stripped.startswith("|") or set(stripped) <= {"|", "-", "_", " "}:
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        lowered = [c.lower() for c in cells]
        if any("sent" == c for c in lowered) and any("recv" == c for c in lowered):
            header = lowered
            continue
        if header is None or len(cells) != len(header):
            continue
        row = dict(zip(header, cells, strict=False))
        host_cell = cells[0]
        loss: float | None = None
        if "nr" in row or "hostname" in row:
            host = row.get("hostname", host_cell)
            loss_raw = row.get("loss %") or row.get("loss%") or row.get("loss")
            nr = count(row.get("nr"))
            number = number + 1 if nr is None else nr
        else:
            host, _, loss_raw = host_cell.rpartition(" - ")
            host = host.strip() or host_cell
            number += 1
        loss = percent((loss_raw or "").strip().rstrip("%"))

        def num(key: str, row: dict[str, str] = row) -> float | None:
            return reading(row.get(key))

        silent = host.lower().startswith("no response")
        ip, name = (None, None) if silent else host_and_name(host)
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=loss,
                sent=count(row.get("sent")) or None,
                # WinMTR shows resolved names: a hop that answered has times
                # whether or not its address is shown.
                rtt_avg_ms=None if silent else num("avrg"),
                rtt_best_ms=None if silent else num("best"),
                rtt_worst_ms=None if silent else (num("wrst") if "wrst" in row else num("worst")),
                line=line.rstrip(),
            )
        )
    return result


# ----------------------------------------------------------------- pathping
_PP_HOP = re.compile(
    r"^\s*(\d+)\s+(\d+ms|---)\s+(\d+)/\s*(\d+)\s*=\s*(\d+)%\s+(\d+)/\s*(\d+)\s*=\s*(\d+)%\s+(.+?)\s*$"
)
_PP_LINK = re.compile(r"^\s+(\d+)/\s*(\d+)\s*=\s*(\d+)%\s+\|\s*$")


def parse_pathping(text: str) -> PathResult:
    """Windows pathping statistics table (English or Chinese)."""
    result = PathResult(tool="pathping")
    lines = text.split("\n")
    for _i, line in enumerate(lines):
        stripped = line.strip()
        m = _TRACERT_TARGET.search(stripped)
        if m and result.target is None and not re.match(r"^\d", stripped):
            result.target = m.group(1)
            result.target_ip = m.group(2) or (m.group(1) if is_ip(m.group(1)) else None)
            # Chinese pathping wraps: "通过最多 30 个跃点跟踪\n到 host [ip] 的路由:"
            if result.target in ("的路由", "的路由:") or result.target.endswith("跟踪"):
                result.target = None
        m = _PP_HOP.match(line)
        if not m:
            continue
        number = int(m.group(1))
        if number == 0:
            continue  # hop 0 is the source host itself
        rtt = m.group(2)
        ip, name = host_and_name(m.group(9))
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=percent(m.group(5)),  # "Source to Here": what reaches this hop
                sent=count(m.group(4)),
                rtt_avg_ms=reading(rtt[:-2]) if rtt.endswith("ms") else None,
                line=line.rstrip(),
            )
        )
    return result


# ---------------------------------------------------------------- summaries
def lost_count(hop: Hop) -> float | None:
    """Probes lost at ``hop`` (None when the tool does not say how many were sent)."""
    if hop.loss_pct is None or not hop.sent:
        return None
    return hop.loss_pct * hop.sent / 100.0


def significant_loss(hop: Hop, threshold_pct: float, min_lost: float = 2) -> bool:
    """Loss at ``hop`` that is evidence: at least ``threshold_pct`` and, when
    the count is known, at least ``min_lost`` probes (one lost probe of
    five is chance, not a loss rate)."""
    if hop.loss_pct is None or hop.loss_pct < threshold_pct:
        return False
    lost = lost_count(hop)
    # Loss% is printed rounded (mtr: one decimal), so round the count back.
    return lost is None or round(lost) >= min_lost


def _silent(hop: Hop) -> bool:
    return hop.error is None and (hop.loss_pct or 0) >= 100 and hop.rtt_avg_ms is None


# A TTL is 8 bits: a trace has at most 255 hops.
MAX_HOPS = 255


def summarise(result: PathResult, *, loss_threshold_pct: float) -> PathResult:
    """Fill reached / ended / dest_* / loss_starts_hop from the hop list
    (its first :data:`MAX_HOPS` hops).

    - A trace that dies (every probe from hop N to the end unanswered, or a
      router at hop N answering with an ICMP unreachable) did not reach its
      target: ``loss_starts_hop`` = N, ``dest_loss_pct`` = 100.
    - Otherwise ``loss_starts_hop`` is the first hop from which every
      answering hop up to the destination shows significant loss
      (:func:`significant_loss`).  Silent middle hops are skipped: routers
      that do not answer TTL-expired probes say nothing about forwarding,
      and loss at a hop that later hops do not show is ICMP rate limiting.
    """
    if len(result.hops) > MAX_HOPS:
        result.hops_dropped = len(result.hops) - MAX_HOPS
        result.hops = result.hops[:MAX_HOPS]
    hops = result.hops
    if not hops:
        return result
    target = result.target_ip if result.target_ip and is_ip(result.target_ip) else None
    last = hops[-1]
    if (
        last.error is None
        and last.host
        and last.host != target
        and any(h.host == last.host for h in hops[:-1])
    ):
        # The last hop repeats an earlier router's address (mtr, WinMTR show
        # no ICMP types): that router answers for a next hop it cannot
        # reach, with "host unreachable" after its ARP or route lookup
        # fails (hence RTTs of seconds).  The path ends there.
        last.error = "host-unreachable"
    error_hop = next((h for h in hops if h.error), None)
    if target and error_hop is None:
        reached = any(h.host == target for h in hops if h.host)
    else:
        reached = error_hop is None and not _silent(hops[-1]) and hops[-1].host is not None
    result.reached = reached
    if not reached:
        dying: Hop | None = error_hop
        if error_hop is not None:
            # Probes lost just before the router's error report died at the
            # same place: the path ends after the last hop that answered.
            index = hops.index(error_hop)
            while index > 0 and _silent(hops[index - 1]):
                index -= 1
            dying = hops[index]
        if dying is None:
            # The trailing run of hops that answered nothing at all.
            for h in reversed(hops):
                if not _silent(h) and not ((h.loss_pct or 0) >= 100 and h is not hops[0]):
                    break
                dying = h
        if dying is not None:
            result.ended = dying.error or "silent"
            result.loss_starts_hop = dying.hop
            result.dest_loss_pct = 100.0
            result.dest_rtt_avg_ms = None
            return result
        # The last hop answered but is not the target (a trace cut short,
        # or a target that does not answer probes): nothing is known of it.
        result.dest_loss_pct = None
        result.dest_rtt_avg_ms = None
        result.loss_starts_hop = None
        return result
    dest = next((h for h in hops if target and h.host == target), hops[-1])
    result.dest_loss_pct = dest.loss_pct
    result.dest_rtt_avg_ms = dest.rtt_avg_ms
    result.loss_starts_hop = None
    if not significant_loss(dest, loss_threshold_pct):
        return result
    start: int | None = None
    for h in hops:
        if h.hop > dest.hop:
            break
        if h is not dest and _silent(h):
            continue
        if h.loss_pct is not None and h.loss_pct >= loss_threshold_pct:
            if start is None:
                start = h.hop
        else:
            start = None
    result.loss_starts_hop = start
    return result
