"""ping output -> :class:`PingResult`.

Linux (iputils) and macOS/BSD ping go through ``jc``, which parses them
correctly.  Windows ping is hand-parsed in every locale: jc returns an
empty ``responses`` list for it without any error (see TECH-NOTES).

Jitter is the mean absolute difference of consecutive reply RTTs (the
simple form of RFC 3550's interarrival jitter, without its 1/16 smoothing)
whenever per-reply lines exist; when only a summary is pasted we fall back
to ``mdev`` (Linux) or ``stddev`` (macOS) and say so in ``jitter_source``.
"""

from __future__ import annotations

import re

from .models import PingResult
from .numbers import DECIMAL, count, percent, reading

# "<1ms" has no value; half a millisecond is the honest midpoint.
_LT1_MS = 0.5

_WIN_REPLY_TIME = re.compile(r"(?:time|时间)\s*([=<])\s*(\d+(?:\.\d+)?)\s*(?:ms|毫秒)", re.I)
_WIN_REPLY = re.compile(r"^\s*(?:Reply from|来自)\b")
_WIN_TIMEOUT = re.compile(r"^\s*(?:Request timed out\.?|请求超时。?)\s*$")
_WIN_ERROR_REPLY = re.compile(
    r"Destination (?:host|net|port) unreachable|TTL expired in transit|"
    r"General failure|Transmit failed|无法访问目标|TTL 传输中过期|传输失败|一般故障",
    re.I,
)
# The local stack refusing a packet larger than the interface or the path
# MTU it learnt, or "Reply from <router>: ..." when a router refused it.
_WIN_FRAG = re.compile(r"Packet needs to be fragmented but DF set|需要拆分数据包但是设置 DF")
_WIN_SUMMARY = re.compile(
    r"(?:Sent|已发送)\s*=\s*(\d+)\s*[,，]\s*(?:Received|已接收)\s*=\s*(\d+)\s*[,，]\s*"
    r"(?:Lost|丢失)\s*=\s*(\d+)\s*\((\d+)%"
)
_WIN_RTT = re.compile(
    r"(?:Minimum|最短)\s*=\s*(\d+)\s*(?:ms|毫秒)\s*[,，]\s*(?:Maximum|最长)\s*=\s*(\d+)\s*(?:ms|毫秒)\s*[,，]\s*"
    r"(?:Average|平均)\s*=\s*(\d+)\s*(?:ms|毫秒)"
)
_WIN_HEADER = re.compile(
    # "from <source>" when -S chose the source address.
    r"(?:Pinging|正在 Ping)\s+(\S+)(?:\s+\[([^\]]+)\])?(?:\s+from\s+\S+)?\s+"
    r"(?:with|具有)\s+(\d+)\s*(?:bytes|字节)"
)

_UNIX_HEADER = re.compile(r"^PING\s+(\S+)\s+\(([^)]+)\)[:\s]+(\d+)(?:\((\d+)\))?\s+(?:data )?bytes")
_UNIX_SUMMARY = re.compile(
    rf"(\d+) packets transmitted, (\d+)(?: packets)? received.*?({DECIMAL})% packet loss"
)
_UNIX_RTT = re.compile(
    r"(?:rtt|round-trip) min/avg/max/(mdev|stddev|std-dev) = "
    rf"({DECIMAL})/({DECIMAL})/({DECIMAL})/({DECIMAL})"
)
_UNIX_REPLY = re.compile(rf"icmp_seq=\d+.*?time[=<]({DECIMAL})\s*ms")
# iputils and BSD ping print ICMP errors as "From 198.51.100.6 icmp_seq=1
# Destination Host Unreachable" / "92 bytes from 198.51.100.6: Destination
# Host Unreachable" / "From ... Time to live exceeded".
_UNIX_ERROR = re.compile(
    r"^(?:From|\d+ bytes from)\s+(?:\S+\s+\()?([0-9a-fA-F:.]+)\)?:?\s.*?"
    r"(Destination (?:Host|Net|Port|Protocol) Unreachable|Time to live exceeded|"
    r"Packet filtered|Frag needed|Destination Host Prohibited|Communication prohibited)",
    re.I,
)
# iputils refusing to send a packet larger than the MTU it knows (the
# interface's, or a path MTU a router reported): "ping: local error:
# Message too long, mtu=1400".
_LOCAL_TOO_LONG = re.compile(r"local error: message too long", re.I)
_WIN_ERROR_FROM = re.compile(r"(?:Reply from|来自)\s+([0-9a-fA-F:.]+?)(?:\s*的回复)?\s*[:：]")
# A TTL given on the command line: Windows "ping host -i 5", Linux "-t 5".
# A command line that sets the TTL: "ping", then -i N (Windows), -t N
# (Linux) or /i N.  Two searches, the option after the first "ping": one
# pattern with ".*" between them rescanned a long line from every "ping".
_PING_WORD = re.compile(r"\bping\b", re.I)
_TTL_FLAG = re.compile(r"\s(?:-i|-t|/i)\s*\d+\b", re.I)


def sets_ttl(line: str) -> bool:
    """The command line ``line`` runs ping with its TTL set."""
    m = _PING_WORD.search(line)
    return bool(m and _TTL_FLAG.search(line, m.end()))


def consecutive_jitter(rtts: list[float]) -> float | None:
    """The mean absolute difference of consecutive reply times (ms)."""
    if len(rtts) < 2:
        return None
    diffs = [abs(b - a) for a, b in zip(rtts, rtts[1:], strict=False)]
    return round(sum(diffs) / len(diffs), 3)


def counts_consistent(sent: int | None, received: int | None) -> bool:
    """A summary whose counts an edit has not made impossible."""
    return sent is not None and received is not None and received <= sent


def counts_from_replies(result: PingResult, unanswered: int) -> None:
    """sent/received/loss from the reply lines, when no summary could be read
    (a router's ping, counted line by line)."""
    probes = len(result.rtts_ms) + unanswered
    if result.sent is None and probes:
        result.sent, result.received = probes, len(result.rtts_ms)
        result.loss_pct = round(100.0 * unanswered / probes, 1)


def times_from_replies(result: PingResult) -> PingResult:
    """min/avg/max from the reply times when no summary gave them, and the
    jitter of consecutive replies."""
    if result.rtt_min_ms is None and result.rtts_ms:
        result.rtt_min_ms = min(result.rtts_ms)
        result.rtt_max_ms = max(result.rtts_ms)
        result.rtt_avg_ms = round(sum(result.rtts_ms) / len(result.rtts_ms), 3)
    jitter = consecutive_jitter(result.rtts_ms)
    if jitter is not None:
        result.jitter_ms, result.jitter_source = jitter, "consecutive"
    return result


def _find_line(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    for line in lines:
        if pattern.search(line):
            return line
    return None


def parse_windows(text: str) -> PingResult:
    """Hand-parse Windows ping, English or Chinese locale."""
    result = PingResult(parser="hand")
    lines = text.split("\n")
    result.ttl_set = any(
        sets_ttl(line) and not line.lstrip().startswith(("Pinging", "正在"))
        for line in lines[:5]
    )
    for line in lines:
        m = _WIN_HEADER.search(line)
        if m:
            result.target = m.group(2) or m.group(1)
            result.payload_bytes = count(m.group(3))
            break
    echo_replies = 0
    for line in lines:
        if _WIN_FRAG.search(line):
            result.frag_needed += 1
            result.evidence.setdefault("frag_needed", line.strip())
            continue
        if _WIN_REPLY.search(line) or "bytes=" in line or "字节=" in line:
            if _WIN_ERROR_REPLY.search(line):
                result.error_replies.append(line.strip())
                m = _WIN_ERROR_FROM.search(line)
                if m:
                    result.error_from.append(m.group(1))
                continue
            m = _WIN_REPLY_TIME.search(line)
            value = reading(m.group(2)) if m else None
            if m and value is not None:
                result.rtts_ms.append(_LT1_MS if m.group(1) == "<" else value)
                echo_replies += 1
        elif _WIN_ERROR_REPLY.search(line):
            result.error_replies.append(line.strip())
    timeouts = sum(1 for line in lines if _WIN_TIMEOUT.search(line))
    summary_line = _find_line(lines, _WIN_SUMMARY) or ""
    m = _WIN_SUMMARY.search(summary_line)
    if m and counts_consistent(count(m.group(1)), count(m.group(2))):
        result.sent = count(m.group(1))
        result.received = count(m.group(2))
        result.loss_pct = percent(m.group(4))
        result.evidence["loss_pct"] = summary_line.strip()
    else:
        counted = echo_replies + timeouts + len(result.error_replies) + result.frag_needed
        if counted:
            result.sent = counted
            result.received = echo_replies
            result.loss_pct = round(100.0 * (counted - echo_replies) / counted, 1)
    # Windows counts "Destination host unreachable", "TTL expired in
    # transit" and a router's "needs to be fragmented" as *received*; they
    # are not echo replies from the target, so the loss that matters is
    # computed from real echo replies.
    if result.sent and (result.error_replies or result.frag_needed) and result.received is not None:
        if result.received > echo_replies:
            result.received = echo_replies
            result.loss_pct = round(100.0 * (result.sent - echo_replies) / result.sent, 1)
    rtt_line = _find_line(lines, _WIN_RTT)
    if rtt_line and echo_replies:
        m = _WIN_RTT.search(rtt_line)
        assert m is not None
        result.rtt_min_ms = reading(m.group(1))
        result.rtt_max_ms = reading(m.group(2))
        result.rtt_avg_ms = reading(m.group(3))
        result.evidence["rtt_avg_ms"] = rtt_line.strip()
    elif result.rtts_ms:
        result.rtt_min_ms = min(result.rtts_ms)
        result.rtt_max_ms = max(result.rtts_ms)
        result.rtt_avg_ms = round(sum(result.rtts_ms) / len(result.rtts_ms), 3)
    result.jitter_ms = consecutive_jitter(result.rtts_ms)
    if result.jitter_ms is not None:
        result.jitter_source = "consecutive"
    return result


def _parse_unix_by_hand(text: str, result: PingResult) -> None:
    """Fallback when jc cannot parse (a truncated or edited paste)."""
    lines = text.split("\n")
    result.parser = "hand"
    for line in lines:
        m = _UNIX_REPLY.search(line)
        value = reading(m.group(1)) if m else None
        if value is not None:
            result.rtts_ms.append(value)
    line = _find_line(lines, _UNIX_SUMMARY)
    if line:
        m = _UNIX_SUMMARY.search(line)
        assert m is not None
        result.sent, result.received = count(m.group(1)), count(m.group(2))
        result.loss_pct = percent(m.group(3))
    line = _find_line(lines, _UNIX_RTT)
    if line:
        m = _UNIX_RTT.search(line)
        assert m is not None
        result.rtt_min_ms, result.rtt_avg_ms, result.rtt_max_ms = (
            reading(m.group(2)),
            reading(m.group(3)),
            reading(m.group(4)),
        )


# iputils translates its messages (po/zh_CN.po), so a system in a Chinese
# locale prints "64 字节，来自 203.0.113.10: icmp_seq=1 ttl=60 时间=90.0 毫秒".
# Which messages are translated depends on the version (20240117 translates
# the reply's "bytes from" and the rtt line, later ones keep them in
# English). Each translation is turned back into iputils' English, line for
# line, so one parser (and jc) reads every version; evidence quotes the line
# as pasted.
_ZH_CN_MESSAGES = [
    (re.compile(r"(\d+) 字节，来自 "), r"\1 bytes from "),
    (re.compile(r"^来自 ", re.M), "From "),
    (re.compile(rf" 时间=({DECIMAL}) 毫秒"), r" time=\1 ms"),
    (re.compile(r" 字节的数据。"), " bytes of data."),
    (re.compile(r" ping 统计 ---"), " ping statistics ---"),
    (re.compile(r"已发送 (\d+) 个包[ \t]*[，,][ \t]*"), r"\1 packets transmitted, "),
    (re.compile(r"已接收 (\d+) 个包"), r"\1 received"),
    (re.compile(r"\+(\d+) 重复"), r"+\1 duplicates"),
    (re.compile(r"\+(\d+) 错误"), r"+\1 errors"),
    (re.compile(rf"({DECIMAL})% 包丢失"), r"\1% packet loss"),
    (re.compile(r"耗时 (\d+) 毫秒"), r"time \1ms"),
    # The label is mistranslated ("moving average" for max); iputils prints
    # min, avg, max and mdev in that order whatever the label says.
    (re.compile(r"^rtt 最小/平均/移动平均/最大 =", re.M), "rtt min/avg/max/mdev ="),
    (re.compile(r" \(重复!\)"), " (DUP!)"),
    (re.compile(r"icmp_seq=(\d+) 未响应"), r"no answer yet for icmp_seq=\1"),
    (re.compile(r"目标网络不可达"), "Destination Net Unreachable"),
    (re.compile(r"目标主机不可达"), "Destination Host Unreachable"),
    (re.compile(r"目标协议不可达"), "Destination Protocol Unreachable"),
    (re.compile(r"目标端口不可达"), "Destination Port Unreachable"),
    (re.compile(r"需要分段但是设置了 DF"), "Frag needed and DF set"),
    (re.compile(r"被目标主机禁止|目标主机被禁止"), "Destination Host Prohibited"),
    (re.compile(r"数据包被过滤"), "Packet filtered"),
    (re.compile(r"超过生存时间"), "Time to live exceeded"),
    # "ping: 本地错误：消息太长，mtu=1400" (iputils 2024 and later: "MTU：1400").
    (
        re.compile(r"本地错误：消息太长，(?:mtu=|MTU：)(\d+)"),
        r"local error: message too long, mtu=\1",
    ),
]
# One of these is in every Chinese-locale output (its header, reply or summary).
_ZH_CN_HINTS = ("字节", "个包", "来自 ")


def _from_chinese_locale(text: str) -> str:
    """``text`` with iputils' Chinese messages in their English originals."""
    if not any(hint in text for hint in _ZH_CN_HINTS):
        return text
    for pattern, english in _ZH_CN_MESSAGES:
        text = pattern.sub(english, text)
    return text


def parse_unix(text: str) -> PingResult:
    """Parse Linux iputils or macOS/BSD ping with jc (hand fallback)."""
    result = PingResult(parser="jc")
    pasted_lines = text.split("\n")
    text = _from_chinese_locale(text)
    lines = text.split("\n")
    as_pasted = dict(zip(lines, pasted_lines, strict=True))
    header = _find_line(lines, _UNIX_HEADER)
    if header:
        m = _UNIX_HEADER.search(header)
        assert m is not None
        result.target = m.group(2)
        result.payload_bytes = count(m.group(3))
    result.dont_fragment = bool(
        re.search(r"Frag(?:mentation)? needed|message too long|-M do", text, re.I)
    )
    for line in lines:
        if ("Frag needed" in line and _UNIX_ERROR.search(line.strip())) or _LOCAL_TOO_LONG.search(
            line
        ):
            result.frag_needed += 1
            result.evidence.setdefault("frag_needed", as_pasted[line].strip())
        elif any(word in line for word in ("nreachable", "exceeded", "rohibited", "filtered")):
            m = _UNIX_ERROR.search(line.strip())
            if m:
                result.error_replies.append(as_pasted[line].strip())
                result.error_from.append(m.group(1))
    result.ttl_set = any(
        sets_ttl(line) for line in lines[:3] if "bytes of data" not in line
    )
    try:
        import jc  # local import: jc loads its parser registry on import

        data = jc.parse("ping", text, quiet=True)
    except Exception:  # jc raises ParseError and friends on broken input
        data = None
    if isinstance(data, dict) and data.get("packets_transmitted") is not None:
        result.sent = count(data.get("packets_transmitted"))
        result.received = count(data.get("packets_received"))
        result.loss_pct = percent(data.get("packet_loss_percent"))
        result.rtt_min_ms = reading(data.get("round_trip_ms_min"))
        result.rtt_avg_ms = reading(data.get("round_trip_ms_avg"))
        result.rtt_max_ms = reading(data.get("round_trip_ms_max"))
        for resp in data.get("responses") or []:
            if resp.get("type") == "reply" and not resp.get("duplicate"):
                value = reading(resp.get("time_ms"))
                if value is not None:
                    result.rtts_ms.append(value)
        spread = data.get("round_trip_ms_stddev")
    else:
        _parse_unix_by_hand(text, result)
        spread = None
    if result.sent is not None and result.received is not None:
        if not counts_consistent(result.sent, result.received):
            result.sent = result.received = result.loss_pct = None
    rtt_line = _find_line(lines, _UNIX_RTT)
    loss_line = _find_line(lines, _UNIX_SUMMARY) if result.sent is not None else None
    if loss_line:
        result.evidence["loss_pct"] = as_pasted[loss_line].strip()
        if result.loss_pct is None:  # jc reads none when "+3 errors" precedes it
            m = _UNIX_SUMMARY.search(loss_line)
            assert m is not None
            result.loss_pct = percent(m.group(3))
    if rtt_line:
        result.evidence["rtt_avg_ms"] = as_pasted[rtt_line].strip()
    result.jitter_ms = consecutive_jitter(result.rtts_ms)
    if result.jitter_ms is not None:
        result.jitter_source = "consecutive"
    elif rtt_line:
        m = _UNIX_RTT.search(rtt_line)
        assert m is not None
        result.jitter_ms = reading(m.group(5) if spread is None else spread)
        if result.jitter_ms is not None:
            result.jitter_source = "mdev" if m.group(1) == "mdev" else "stddev"
    return result


def parse_ping(text: str, platform: str | None) -> PingResult:
    result = parse_windows(text) if platform == "windows" else parse_unix(text)
    return _summary_times_in_order(result)


def _summary_times_in_order(result: PingResult) -> PingResult:
    """An edited summary (its minimum above its maximum, an average outside
    them) is no reading: the reply times speak instead, when there are any."""
    times = [t for t in (result.rtt_min_ms, result.rtt_avg_ms, result.rtt_max_ms)
             if t is not None]
    if times == sorted(times):
        return result
    result.rtt_min_ms = result.rtt_avg_ms = result.rtt_max_ms = None
    result.evidence.pop("rtt_avg_ms", None)
    return times_from_replies(result)
