"""Recognise which tool printed a paste, on which platform.

Detection scores tool-specific markers line by line.  Markers are phrases a
tool always prints (headers, summary lines), so a stray word in a customer's
note does not flip the result.  A paste that holds several outputs is split
at the header lines each tool prints first ("PING ...", "Tracing route to
...", "Start: ... HOST:" ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import powershell, resolution, unsent
from .scan import lines_containing

# (kind, platform or None, compiled pattern, weight).  Header markers weigh
# more because they also start a section.
_MARKERS: list[tuple[str, str | None, re.Pattern[str], int]] = [
    # ping
    # iputils in a Chinese locale translates some of these (kb.diagnostics.ping).
    ("ping", "linux", re.compile(r"^PING \S+ \(\S+\) \d+\(\d+\) (?:bytes of data|字节的数据)"), 5),
    ("ping", "linux", re.compile(r"rtt min/avg/max/mdev|^rtt 最小/平均/"), 4),
    ("ping", "linux", re.compile(r"\d+ packets transmitted, \d+ received,|已发送 \d+ 个包"), 3),
    # iputils, BSD, macOS and routers print the same English reply line: it
    # says "ping", not whose. Only iputils translates it.
    ("ping", None, re.compile(r"^\d+ bytes from .*icmp_seq=\d+ ttl=\d+ time="), 1),
    ("ping", "linux", re.compile(r"^\d+ 字节，来自 .*icmp_seq=\d+ ttl=\d+ (?:time|时间)="), 1),
    ("ping", "macos", re.compile(r"^PING \S+ \(\S+\): \d+ data bytes"), 5),
    ("ping", "macos", re.compile(r"round-trip min/avg/max/(?:stddev|std-dev)"), 4),
    ("ping", "macos", re.compile(r"\d+ packets transmitted, \d+ packets received"), 3),
    ("ping", "windows", re.compile(r"^Pinging \S+.* with \d+ bytes of data"), 5),
    ("ping", "windows", re.compile(r"^正在 Ping "), 5),
    ("ping", "windows", re.compile(r"^Ping statistics for|的 Ping 统计信息"), 4),
    ("ping", "windows", re.compile(r"Packets: Sent = \d+|已发送 = \d+"), 3),
    ("ping", "windows", re.compile(r"^Reply from |^来自 .*的回复"), 1),
    # ping on a router (kb.diagnostics.router_ping): the platform is the
    # router's system.
    ("ping", "vrp", re.compile(r"^PING \S+ ?: \d+\s+data bytes, press CTRL_C to break"), 5),
    ("ping", "vrp", re.compile(r"^Reply from \S+: bytes=\d+ Sequence=\d+ ttl=\d+ time"), 2),
    ("ping", "vrp", re.compile(r"^\d+ packet\(s\) (?:transmitted|received)$"), 3),
    (
        "ping",
        "comware",
        re.compile(r"^Ping \S+ \(\S+\)(?: from \S+)?: \d+ data bytes, press CTRL"),
        5,
    ),
    # "--- Ping statistics for 192.168.10.2 in VPN instance PROD ---"
    ("ping", "comware", re.compile(r"^--- Ping statistics for \S+"), 5),
    (
        "ping",
        "comware",
        re.compile(r"^\d+ packet\(s\) transmitted, \d+ packet\(s\) received"),
        3,
    ),
    ("ping", "ios", re.compile(r"^Sending \d+, \d+-byte ICMP Echos to \S+, timeout is"), 5),
    ("ping", "ios", re.compile(r"^Success rate is \d+ percent \(\d+/\d+\)"), 4),
    # MikroTik RouterOS (kb.diagnostics.routeros)
    ("ping", "routeros", re.compile(r"^SEQ\s+HOST\s+SIZE\s+TTL\s+TIME\s+STATUS"), 6),
    ("ping", "routeros", re.compile(r"^sent=\d+ received=\d+ packet-loss=-?\d"), 6),
    # PowerShell's Test-Connection, 7 and 5.1 (kb.diagnostics.powershell)
    ("ping", "powershell", powershell.PING_HEADER, 6),
    ("ping", "powershell", powershell.LEGACY_PING_HEADER, 6),
    ("ping", "powershell", powershell.FAILED, 3),
    # traceroute (Linux / macOS)
    ("traceroute", "linux", re.compile(r"^traceroute6? to \S+ \(\S+\), \d+ hops max, 60 byte"), 6),
    (
        "traceroute",
        "macos",
        re.compile(r"^traceroute6? to \S+ \(\S+\), 64 hops max, (?:52|40) byte"),
        6,
    ),
    ("traceroute", None, re.compile(r"^traceroute6? to \S+"), 5),
    # traceroute on a router (kb.diagnostics.router_path)
    (
        "traceroute",
        "vrp",
        re.compile(r"^traceroute to .*(?:max hops|hops max): \d+\s*,\s*packet length"),
        6,
    ),
    (
        "traceroute",
        "comware",
        re.compile(
            r"^traceroute to \S+ \(\S+\), \d+ hops at most, \d+ bytes each packet|"
            r"^tracert to \S+ \(\S+\), \d+ hops max,\s*\d+ bytes packet"
        ),
        6,
    ),
    ("traceroute", "ios", re.compile(r"^Tracing the route to \S+"), 6),
    # MikroTik RouterOS (kb.diagnostics.routeros)
    (
        "traceroute",
        "routeros",
        re.compile(r"^(?:#\s+)?ADDRESS\s+LOSS\s+SENT\s+LAST\s+AVG\s+BEST\s+WORST\b"),
        6,
    ),
    # PowerShell 7's Test-Connection -Traceroute (kb.diagnostics.powershell)
    ("traceroute", "powershell", powershell.TRACE_HEADER, 6),
    # NextTrace (kb.diagnostics.nexttrace) on any system
    ("traceroute", "nexttrace", re.compile(r"^NextTrace v\d"), 6),
    ("traceroute", "nexttrace", re.compile(r"^\[NextTrace API\]|^IP Geo Data Provider: "), 4),
    ("traceroute", "nexttrace", re.compile(r"^Hop\s+IP\s+Latency\s+ASN\s+Location\s+Owner"), 6),
    # nexttrace --json: {"Hops":[[{"Success":true,"Address":{"IP":...},...
    ("traceroute", "nexttrace", re.compile(r'"Hops"\s*:\s*\[|"TraceMapUrl"\s*:'), 6),
    (
        "traceroute",
        "nexttrace",
        re.compile(r"^(?:traceroute to|\S+ ->) \S+.*, \d+ hops max, \d+ bytes payload"),
        6,
    ),
    # tracert (Windows)
    (
        "tracert",
        "windows",
        re.compile(r"^Tracing route to |over a maximum of \d+ hops|个跃点跟踪"),
        5,
    ),
    ("tracert", "windows", re.compile(r"^Trace complete\.|^跟踪完成"), 1),
    # pathping (Windows) outranks tracert: it prints a tracert-like header.
    ("pathping", "windows", re.compile(r"[Cc]omputing statistics for|正在计算统计信息"), 9),
    (
        "pathping",
        "windows",
        re.compile(r"Source to Here|指向此处的源|Lost/Sent = Pct|已丢失/已发送"),
        9,
    ),
    # mtr
    ("mtr", None, re.compile(r"^HOST: \S+\s+Loss%\s+Snt"), 6),
    ("mtr", None, re.compile(r"^\s*\d+\.\s*\|-- |^\d+\. AS(?:\d+|\?\?\?)\s+\S+\s+\d"), 2),
    # mtr's live screen, copied from the terminal: "My traceroute [v0.95]",
    # "Host  Loss%  Snt ...", rows "1. 10.23.0.1  16.1%  113 ...".
    ("mtr", None, re.compile(r"^My traceroute\s+\[v?\d[\w.]*\]"), 6),
    ("mtr", None, re.compile(r"^Host\s+Loss%\s+Snt\s"), 5),
    (
        "mtr",
        None,
        re.compile(r"^\d+\.\s+\S+(?:\s+\([0-9a-fA-F:.]+\))?\s+\d+(?:\.\d+)?%\s+\d+\s"),
        2,
    ),
    ("mtr", None, re.compile(r'"report"\s*:\s*\{|"hubs"\s*:\s*\['), 5),
    (
        "mtr",
        "windows",
        re.compile(r"WinMTR statistics|\|\s*Sent\s*\|\s*Recv\s*\||\|\s*Hostname\s*\|\s*Nr\s*\|"),
        8,
    ),
    # OBS Studio log
    ("obs-log", None, re.compile(r"\[rtmp stream: '[^']*'\]|==== Streaming (?:Start|Stop) ="), 6),
    (
        "obs-log",
        None,
        re.compile(r"Output '[^']*': (?:Number of|Total frames|stopping|Reconnecting)"),
        6,
    ),
    (
        "obs-log",
        None,
        re.compile(r"Video stopped, number of skipped frames due to encoding lag"),
        6,
    ),
    (
        "obs-log",
        None,
        re.compile(
            r"\[(?:(?:x264|obs_x264|NVENC|FFmpeg NVENC|ffmpeg_nvenc|FFmpeg aac|qsv|FFmpeg VAAPI)"
            r" encoder|jim-nvenc(?: encoder)?|obs-nvenc|texture-amf-\w+): '"
        ),
        4,
    ),
    # OBS's SRT output (obs-ffmpeg-mpegts.c, obs-ffmpeg-srt.h).
    ("obs-log", None, re.compile(r"\[obs-ffmpeg mpegts muxer(?: / libsrt\]|: ')"), 6),
    ("obs-log", None, re.compile(r"\[obs-webrtc\] \[whip_output: '"), 6),
    (
        "obs-log",
        None,
        re.compile(
            r"OBS \d+\.\d+.*\((?:64|32)bit|^\d\d:\d\d:\d\d\.\d{3}: (?:audio|video) settings reset"
        ),
        4,
    ),
    # OBS Classic (0.6x, Windows only): its banner and RTMPPublisher lines.
    ("obs-log", "windows", re.compile(r"Open Broadcaster Software v0\.\d+"), 6),
    (
        "obs-log",
        None,
        re.compile(
            r"RTMPPublisher::|Number of b-frames dropped: \d+|=====Stream (?:Start|End): |"
            r"Completed handshake with \S+ in \d+ ms"
        ),
        6,
    ),
    # OBS 30+ on Windows: the socket thread's own lines.
    ("obs-log", "windows", re.compile(r"^socket_thread_windows: "), 4),
    # ffmpeg
    ("ffmpeg", None, re.compile(r"^ffmpeg version "), 6),
    ("ffmpeg", None, re.compile(r"^Stream mapping:|^(?:Input|Output) #\d+, \w+"), 4),
    (
        "ffmpeg",
        None,
        re.compile(
            r"^\[(?:rtmp|rtmps|tcp|tls|flv|hls|http|https|srt|libx264|aac|mpegts|udp) @ (?:0x)?[0-9a-f]+\]"  # noqa: E501
        ),
        3,
    ),
    ("ffmpeg", None, re.compile(r"^frame=\s*\d+ fps="), 2),
]

# A name that did not resolve is the tool's whole output (kb.diagnostics.resolution).
_RESOLUTION_MARKERS = range(len(_MARKERS), len(_MARKERS) + len(resolution.UNRESOLVED))
_MARKERS += [(kind, platform, pattern, 4) for kind, platform, pattern in resolution.UNRESOLVED]
# So is a ping that found no route at all (kb.diagnostics.unsent); and a
# Windows ping whose every probe failed to leave prints only this.
_MARKERS += [
    ("ping", "linux", unsent.NOTHING_SENT, 4),
    ("ping", "windows", re.compile(r"^PING: transmit failed\. General failure\.|"
                                   r"^PING：传输失败。常见故障。"), 3),
]

# Per kind, phrases one of which every marker of that kind needs (in its
# stripped line).  Scoring tests a kind's markers only on the lines that
# hold one of its phrases: most lines of a long log hold none.  Keep this
# in step with _MARKERS; a kind missing here fails at import.
_MARKER_HINTS: dict[str, tuple[str, ...]] = {
    "ping": (
        "connect: ",
        "transmit failed",
        "传输失败",
        "PING ",
        "rtt min/avg/max/mdev",
        " packets transmitted, ",
        "icmp_seq=",
        "round-trip min/avg/max/",
        "Pinging ",
        "正在 Ping ",
        "Ping statistics for",
        "的 Ping 统计信息",
        "Packets: Sent = ",
        "已发送 = ",
        "Reply from ",
        "来自 ",
        "字节的数据",
        "rtt 最小/",
        " 个包",
        "字节，来自",
        "data bytes, press CTRL",
        "packet(s) ",
        "-byte ICMP Echos to ",
        "Success rate is ",
        "SEQ ",
        "packet-loss=",
        "Latency",
        "IPV4Address",
        "Testing connection to computer",
    ),
    "traceroute": (
        "traceroute",
        "tracert to ",
        "Tracing the route to ",
        "ADDRESS ",
        "NextTrace",
        "IP Geo Data Provider: ",
        '"Hops"',
        '"TraceMapUrl"',
        "Latency ",
        " bytes payload",
        "Hostname",
    ),
    "tracert": (
        "Tracing route to ",
        "over a maximum of ",
        "个跃点跟踪",
        "Trace complete.",
        "跟踪完成",
    ),
    "pathping": (
        "omputing statistics for",
        "正在计算统计信息",
        "Source to Here",
        "指向此处的源",
        "Lost/Sent = Pct",
        "已丢失/已发送",
    ),
    "mtr": (
        "HOST: ",
        "My traceroute",
        "Loss%",
        "% ",
        "|-- ",
        ". AS",
        '"report"',
        '"hubs"',
        "WinMTR statistics",
        "Sent",
        "Hostname",
    ),
    "obs-log": (
        "[rtmp stream: '",
        "Open Broadcaster Software v0.",
        "RTMPPublisher::",
        "Number of b-frames dropped",
        "=====Stream ",
        "Completed handshake with ",
        "socket_thread_windows",
        "==== Streaming ",
        "Output '",
        "Video stopped, number of skipped frames due to encoding lag",
        " encoder: '",
        "-nvenc: '",
        "[texture-amf-",
        "[obs-ffmpeg mpegts muxer",
        "[whip_output: '",
        "OBS ",
        " settings reset",
    ),
    "ffmpeg": ("ffmpeg version ", "Stream mapping:", "Input #", "Output #", " @ ", "frame="),
}
# (hint phrases, indexes into _MARKERS) per kind; the resolution failures
# of every kind in one group of their own, so their phrases are looked for
# once, not once per kind.
_MARKER_GROUPS: list[tuple[tuple[str, ...], list[int]]] = [
    (_MARKER_HINTS[kind], [i for i, marker in enumerate(_MARKERS)
                           if marker[0] == kind and i not in _RESOLUTION_MARKERS])
    for kind in dict.fromkeys(marker[0] for marker in _MARKERS)
] + [(resolution.HINTS, list(_RESOLUTION_MARKERS))]

# Lines that start a new tool's output, for splitting mixed pastes.
_SECTION_STARTS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ping",
        re.compile(
            r"^PING \S+ \(|^Pinging \S+|^正在 Ping |^PING \S+ ?: \d+\s+data bytes|"
            r"^Ping \S+ \(\S+\)(?: from \S+)?: \d+ data bytes|^Sending \d+, \d+-byte ICMP Echos"
        ),
    ),
    ("traceroute", re.compile(r"^traceroute6? to |^tracert to |^Tracing the route to ")),
    # Test-Connection's tables start at their header.
    ("powershell", re.compile(
        r"^Ping\s+Source\s+Address\s+Latency\b|^Hop\s+Hostname\s+Ping\s+Latency\b|"
        r"^Source\s+Destination\s+IPV4Address\b")),
    ("tracert", re.compile(r"^Tracing route to |^通过最多 \d+ 个跃点跟踪")),
    ("mtr", re.compile(r"^Start: \S+|^HOST: \S+\s+Loss%|WinMTR statistics|^My traceroute\s+\[")),
    # A RouterOS prompt: "[admin@MikroTik] > /tool/traceroute ...", "... > /ping ...".
    ("routeros", re.compile(r"^\[[^\]\s]+@[^\]]+\] > /?(?:tool[/ ])?(?:ping|traceroute)\b")),
    ("ffmpeg", re.compile(r"^ffmpeg version ")),
]
# Every alternative of a _SECTION_STARTS pattern contains one of these
# phrases: only lines holding one are tested (a 20,000-line log has none).
_SECTION_HINTS = (
    "PING ",
    "Ping ",
    "Sending ",
    "Pinging ",
    "正在 Ping ",
    "traceroute",
    "tracert to ",
    "Tracing the route to ",
    "Tracing route to ",
    "通过最多 ",
    "Start: ",
    "HOST: ",
    "WinMTR statistics",
    "My traceroute",
    "] > ",
    "ffmpeg version ",
    "Latency",
    "IPV4Address",
)


@dataclass
class Section:
    kind: str
    platform: str | None
    start_line: int  # 1-based, inclusive
    end_line: int  # inclusive
    text: str


_SCORE_HEAD = 1500
_SCORE_TAIL = 500


def _score(lines: list[str]) -> dict[str, dict[str | None, int]]:
    scores: dict[str, dict[str | None, int]] = {}
    # A long log says what it is in its head and tail; scoring every line
    # of a 20,000-line OBS log would cost more than parsing it.
    if len(lines) > _SCORE_HEAD + _SCORE_TAIL:
        lines = lines[:_SCORE_HEAD] + lines[-_SCORE_TAIL:]
    text = "\n".join(lines)
    hits: list[tuple[int, int]] = []  # (line, marker)
    for phrases, marker_indexes in _MARKER_GROUPS:
        for line in lines_containing(text, phrases):
            stripped = lines[line].strip().strip("\ufeff")
            for i in marker_indexes:
                if _MARKERS[i][2].search(stripped):
                    hits.append((line, i))
    # Line by line, marker by marker: the order in which kinds and
    # platforms first score decides ties in _pick.
    for _line, i in sorted(hits):
        kind, platform, _pattern, weight = _MARKERS[i]
        plat = scores.setdefault(kind, {})
        plat[platform] = plat.get(platform, 0) + weight
    return scores


def _pick(scores: dict[str, dict[str | None, int]]) -> tuple[str, str | None, int]:
    if not scores:
        return "unknown", None, 0
    totals = {k: sum(v.values()) for k, v in scores.items()}
    # pathping prints a tracert header first: its own markers win outright.
    if "pathping" in totals:
        totals["pathping"] += totals.pop("tracert", 0)
    kind = max(totals, key=lambda k: totals[k])
    platforms = {p: s for p, s in scores.get(kind, {}).items() if p is not None}
    if kind == "pathping":
        platform: str | None = "windows"
    elif platforms:
        platform = max(platforms, key=lambda p: platforms[p])
    else:
        platform = None
    return kind, platform, totals[kind]


# (platform, phrases, pattern): the first platform whose phrase is in the
# log, or whose pattern matches it, is the OBS host's.  Plain phrases are
# tested with ``in``, which is much faster than a regex over a large log.
_OBS_PLATFORMS: list[tuple[str, tuple[str, ...], re.Pattern[str] | None]] = [
    # OBS Classic ran on Windows only; socket_thread_windows and Winsock
    # error numbers (10035-10065) are Windows' own.
    (
        "windows",
        ("Windows Version:", "Win32", ".dll'", "Open Broadcaster Software v0.",
         "socket_thread_windows", "RTMPPublisher::"),
        None,
    ),
    (
        "macos",
        ("OS Name: macOS", ".plugin'", "CoreAudio"),
        re.compile(r"OS Version: Version 1\d"),
    ),
    (
        "linux",
        ("Kernel Version: Linux", "Distribution:", "ALSA lib", "alsa-input", "pipewire"),
        re.compile(r"^info: ", re.M),
    ),
]


# Winsock error numbers (WSAEWOULDBLOCK 10035 to WSAEHOSTUNREACH 10065) in
# librtmp's "RTMP send error %d" lines exist on Windows only.
_WINSOCK_ERROR = re.compile(r"error 100[3-6]\d\b")


def _winsock_error(text: str) -> bool:
    pos = text.find("error 100")
    while pos >= 0:
        if _WINSOCK_ERROR.match(text, pos):
            return True
        pos = text.find("error 100", pos + 1)
    return False


# OBS writes the system it runs on in the log's first lines; a long log is
# only searched at its head and tail for it.
_PLATFORM_HEAD = 256 * 1024
_PLATFORM_TAIL = 64 * 1024


def _obs_platform(text: str) -> str | None:
    if len(text) > _PLATFORM_HEAD + _PLATFORM_TAIL:
        text = text[:_PLATFORM_HEAD] + "\n" + text[-_PLATFORM_TAIL:]
    if _winsock_error(text) and not any(p in text for p in _OBS_PLATFORMS[1][1]):
        return "windows"
    for platform, phrases, pattern in _OBS_PLATFORMS:
        if any(phrase in text for phrase in phrases) or (pattern and pattern.search(text)):
            return platform
    return None


def detect(text: str) -> tuple[str, str | None]:
    """Return ``(detected, platform)`` for a paste.

    ``detected`` is one of ping|traceroute|tracert|mtr|pathping|obs-log|
    ffmpeg|unknown; ``platform`` is linux|macos|windows, the system of the
    router that printed it (models.ROUTER_SYSTEMS), "nexttrace",
    "powershell" (Test-Connection), or None
    when the output does not say (mtr, ffmpeg).  For a mixed paste this is
    the dominant tool; :func:`split_sections` gives every part.
    """
    return _detect(text, text.split("\n"))


def _detect(text: str, lines: list[str]) -> tuple[str, str | None]:
    """:func:`detect` for ``text`` already split into ``lines``."""
    kind, platform, score = _pick(_score(lines))
    if score < 3:
        return "unknown", None
    if kind == "obs-log":
        platform = _obs_platform(text)
    if kind == "traceroute" and platform is None:
        platform = "linux"
    return kind, platform


def split_sections(text: str) -> list[Section]:
    """Split a paste holding several tool outputs; one section if it cannot."""
    lines = text.split("\n")
    starts: list[int] = []
    for i in lines_containing(text, _SECTION_HINTS):
        s = lines[i].strip()
        for _kind, pattern in _SECTION_STARTS:
            if pattern.search(s):
                # "Start:" and "HOST:" of one mtr report are one section.
                if starts and i - starts[-1] <= 1 and _kind == "mtr":
                    break
                starts.append(i)
                break
    if len(starts) <= 1:
        kind, platform = _detect(text, lines)
        return [Section(kind, platform, 1, len(lines), text)]
    if starts[0] != 0 and any(ln.strip() for ln in lines[: starts[0]]):
        starts.insert(0, 0)
    sections: list[Section] = []
    for idx, start in enumerate(starts):
        end = starts[idx + 1] if idx + 1 < len(starts) else len(lines)
        chunk = "\n".join(lines[start:end])
        kind, platform = detect(chunk)
        if kind == "unknown" and not chunk.strip():
            continue
        # Keep a prompt line or note that precedes the output with it.
        if sections and kind == "unknown":
            prev = sections[-1]
            prev.text += "\n" + chunk
            prev.end_line = end
            continue
        sections.append(Section(kind, platform, start + 1, end, chunk))
    # A note or prompt before the first output belongs to that output.
    if len(sections) > 1 and sections[0].kind == "unknown":
        first = sections.pop(0)
        sections[0].text = first.text + "\n" + sections[0].text
        sections[0].start_line = first.start_line
    known = [s for s in sections if s.kind != "unknown"]
    if len({s.kind for s in known}) <= 1 and len(known) <= 1:
        kind, platform = _detect(text, lines)
        return [Section(kind, platform, 1, len(lines), text)]
    return sections
