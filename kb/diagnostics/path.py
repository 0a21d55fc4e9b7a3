"""Path tools -> :class:`PathResult` (hops with loss and RTT).

- traceroute (Linux, macOS): ``jc``, which parses both correctly.
- tracert (Windows, English and Chinese): hand-parsed; jc invents hops.
- mtr ``--report`` / ``--report-wide``: hand-parsed from the column header
  (so ``-o`` field orders work too); jc has no mtr parser.
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

from .models import Hop, PathResult

_IP_IN_BRACKETS = re.compile(r"[\[(]([0-9a-fA-F:.]+)[\])]")
_TIMEOUT_HOST = re.compile(r"^(?:Request timed out\.?|请求超时。?|\*+)$")


def is_ip(text: str | None) -> bool:
    if not text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _host_and_name(text: str) -> tuple[str | None, str | None]:
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
        rtts = [float(p["rtt"]) for p in probes if p.get("rtt") is not None]
        ips = [p.get("ip") for p in probes if p.get("ip")]
        names = [p.get("name") for p in probes if p.get("name")]
        # jc drops probes that timed out; count the "*" in the line instead.
        line = hop_lines.get(int(number), "")
        stars = len(re.findall(r"(?<!\S)\*(?!\S)", line))
        total = len(rtts) + stars or 3
        result.hops.append(
            Hop(
                hop=int(number),
                host=ips[0] if ips else None,
                name=names[0] if names else None,
                loss_pct=round(100.0 * (total - len(rtts)) / total, 1),
                sent=total,
                rtt_avg_ms=_mean(rtts),
                rtt_best_ms=min(rtts) if rtts else None,
                rtt_worst_ms=max(rtts) if rtts else None,
                line=line,
            )
        )
    return result


def _parse_traceroute_by_hand(
    text: str, result: PathResult, hop_lines: dict[int, str]
) -> PathResult:
    result.parser = "hand"
    for number, line in sorted(hop_lines.items()):
        rtts = [float(x) for x in re.findall(r"([\d.]+)\s*ms", line)]
        stars = len(re.findall(r"(?<!\S)\*(?!\S)", line))
        total = len(rtts) + stars or 3
        rest = re.sub(r"^\s*\d+\s+", "", line)
        ip, name = _host_and_name(rest) if not rest.startswith("*") or rtts else (None, None)
        if ip and not is_ip(ip):
            m = _IP_IN_BRACKETS.search(rest)
            ip = m.group(1) if m else None
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=round(100.0 * (total - len(rtts)) / total, 1),
                sent=total,
                rtt_avg_ms=_mean(rtts),
                line=line,
            )
        )
    return result


# ------------------------------------------------------------------ tracert
_TRACERT_TARGET = re.compile(r"(?:Tracing route to|跟踪到|^到)\s*(\S+)(?:\s+\[([^\]]+)\])?")
_PROBE = re.compile(r"\s*(\*|<\s*1\s*(?:ms|毫秒)|\d+\s*(?:ms|毫秒))")


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
            value = re.search(r"\d+", probe)
            assert value is not None
            rtts.append(0.5 if probe.startswith("<") else float(value.group()))
        ip, name = _host_and_name(rest[pos:])
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
_MTR_ROW = re.compile(r"^\s*(\d+)\.\s*\|--\s+(\S+)\s+(.*)$")
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
}


def parse_mtr_report(text: str) -> PathResult:
    """``mtr --report`` and ``--report-wide`` (hand-parsed from the header)."""
    result = PathResult(tool="mtr")
    columns = ["loss", "sent", "last", "avg", "best", "worst", "stdev"]
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("HOST:"):
            names = [_MTR_COLUMNS.get(tok.lower()) for tok in stripped.split()[2:]]
            if names and all(names):
                columns = [n for n in names if n]
            continue
        m = _MTR_ROW.match(line)
        if not m:
            continue
        number, host = int(m.group(1)), m.group(2)
        values = m.group(3).split()
        row: dict[str, float] = {}
        for name, raw in zip(columns, values, strict=False):
            try:
                row[name] = float(raw.rstrip("%"))
            except ValueError:
                continue
        ip = None if host == "???" else host
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=host if ip and not is_ip(ip) else None,
                loss_pct=row.get("loss"),
                sent=int(row["sent"]) if "sent" in row else None,
                rtt_avg_ms=row.get("avg") if ip else None,
                rtt_best_ms=row.get("best") if ip else None,
                rtt_worst_ms=row.get("worst") if ip else None,
                line=line.rstrip(),
            )
        )
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
        result.hops.append(
            Hop(
                hop=int(hub.get("count", len(result.hops) + 1)),
                host=ip,
                loss_pct=float(loss) if loss is not None else None,
                sent=int(hub["Snt"]) if hub.get("Snt") is not None else None,
                rtt_avg_ms=float(avg) if (avg is not None and ip) else None,
                rtt_best_ms=hub.get("Best"),
                rtt_worst_ms=hub.get("Wrst"),
                line=line,
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
            number = int(row["nr"]) if row.get("nr", "").isdigit() else number + 1
        else:
            host, _, loss_raw = host_cell.rpartition(" - ")
            host = host.strip() or host_cell
            number += 1
        try:
            loss = float((loss_raw or "").strip().rstrip("%"))
        except ValueError:
            loss = None

        def num(key: str, row: dict[str, str] = row) -> float | None:
            try:
                return float(row.get(key, ""))
            except ValueError:
                return None

        silent = host.lower().startswith("no response")
        ip, name = (None, None) if silent else _host_and_name(host)
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=loss,
                sent=int(num("sent") or 0) or None,
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
        ip, name = _host_and_name(m.group(9))
        result.hops.append(
            Hop(
                hop=number,
                host=ip,
                name=name,
                loss_pct=float(m.group(5)),  # "Source to Here": what reaches this hop
                sent=int(m.group(4)),
                rtt_avg_ms=float(rtt[:-2]) if rtt.endswith("ms") else None,
                line=line.rstrip(),
            )
        )
    return result


# ---------------------------------------------------------------- summaries
def summarise(result: PathResult, *, loss_threshold_pct: float) -> PathResult:
    """Fill reached / dest_* / loss_starts_hop from the hop list.

    loss_starts_hop is the first hop from which every *answering* hop up to
    the destination shows loss >= the threshold.  Hops that never answer
    (100 % loss, no address) in the middle are skipped: routers that drop
    TTL-expired probes say nothing about forwarding.
    """
    hops = result.hops
    if not hops:
        return result
    last = hops[-1]
    if result.target_ip and is_ip(result.target_ip):
        answered = [h for h in hops if h.host]
        result.reached = any(h.host == result.target_ip for h in answered)
    else:
        result.reached = last.host is not None
    if result.target_ip and result.reached is False:
        # The trace never reached the target: we know nothing about it.
        result.dest_loss_pct = None
        result.dest_rtt_avg_ms = None
        result.loss_starts_hop = None
        return result
    dest = last
    if result.target_ip:
        for h in hops:
            if h.host == result.target_ip:
                dest = h
                break
    result.dest_loss_pct = dest.loss_pct
    result.dest_rtt_avg_ms = dest.rtt_avg_ms
    if dest.loss_pct is None or dest.loss_pct < loss_threshold_pct:
        result.loss_starts_hop = None
        return result
    start: int | None = None
    for h in hops:
        if h.hop > dest.hop:
            break
        silent = h.host is None and (h.loss_pct or 0) >= 100 and h is not dest
        if silent:
            continue
        if h.loss_pct is not None and h.loss_pct >= loss_threshold_pct:
            if start is None:
                start = h.hop
        else:
            start = None
    result.loss_starts_hop = start
    return result
