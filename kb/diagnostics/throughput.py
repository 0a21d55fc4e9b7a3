"""Throughput tests: what iperf3 and a speed test measured, held against
the stream's bitrate.

The uplink, bitrate and jitter articles ask the customer to measure the
line with the encoder stopped and to attach the result: an iperf3 TCP
upload to an endpoint in the ingest region, iperf3 UDP at the stream's
bitrate, or a speed test. This pass reads them from the whole text of every
attachment::

    [ ID] Interval           Transfer     Bitrate         Retr
    [  5]   0.00-30.00  sec  27.1 MBytes  7.58 Mbits/sec  412             sender
    [  5]   0.00-30.05  sec  26.8 MBytes  7.48 Mbits/sec                  receiver
    [  5]   0.00-30.04  sec  21.4 MBytes  5.98 Mbits/sec  27.904 ms  41/15541 (0.26%)  receiver
          Upload:    46.41 Mbps (data used: 56.9 MB)        (Ookla's speedtest)
    Upload: 9.36 Mbit/s                                     (speedtest-cli)
     Packet Loss:     0.0%

A TCP test's receiver line is what crossed the line in the direction
tested: the client sends unless iperf3 says "Reverse mode" (``-R``), and
``--bidir`` tags each direction ([TX-C] the client sending). With
parallel streams (``-P``) the [SUM] lines are the total. A UDP test sends
at the rate it was told to, so its bitrate measures nothing; its receiver
line's jitter and lost datagrams are the reading. An iperf3 server's own
output (``iperf3 -s``) is not read: which way is the customer's upload
depends on who ran the client.

The upload is held against the stream's total bitrate (video and audio,
from an OBS log or ffmpeg output in the same diagnosis): the articles ask
for 1.5 times that. Several measurements of the same direction count by
the lowest, as the articles ask for the lowest of three. Nothing here
raises on any input: the engine's never-raise contract covers this pass.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import rules
from .messages import msg
from .models import FfmpegResult, Finding, ObsResult, ParsedAttachment
from .numbers import DECIMAL, count, percent, reading
from .scan import fold_case, lines_containing

# Every line read holds one of these (lower case).
_PHRASES = ("sender", "receiver", "connecting to host", "reverse mode", "accepted connection",
            "server listening", "iperf3", "upload:", "download:", "packet loss:", "server:",
            "hosted by")

# An iperf3 summary line without its closing "sender" / "receiver":
# "[  5]   0.00-30.05  sec  26.8 MBytes  7.48 Mbits/sec  ..." or
# "[SUM][TX-C]   0.00-10.00  sec ...".  iperf3 3.0 to 3.6 print the same.
_IPERF_SUMMARY = re.compile(
    rf"^\[\s*(?P<id>\d+|SUM)\](?:\[(?P<role>[TR]X-[CS])\])?\s+{DECIMAL}\s*-\s*{DECIMAL}\s+sec\s+"
    rf"{DECIMAL}\s+[KMGT]?Bytes\s+(?P<rate>{DECIMAL})\s+(?P<unit>[KMGT]?(?:bits|Bytes)/sec)"
    r"(?P<rest>.*)$"
)
# A UDP receiver's jitter and datagrams lost of those sent.
_IPERF_UDP = re.compile(rf"^\s*(?P<jitter>{DECIMAL})\s+ms\s+(?P<lost>\d+)/(?P<total>\d+)\b")
_IPERF_CONNECTING = re.compile(r"^Connecting to host (?P<host>\S+?),? port \d+")
# An iperf3 client's command line: a paste of the summary alone still says
# which way it measured ("-R") when the command is above it.
_IPERF_COMMAND = re.compile(r"(?:^|[\s>$#])iperf3(?:\.exe)?\s")

# iperf3's own error ("iperf3: error - the server is busy running a test. try
# again later"): the test did not measure.
_IPERF_ERROR = re.compile(r"\biperf3(?:\.exe)?: error - (?P<error>\S.*)$")

# A speed test's upload or download: Ookla's "Upload:   46.41 Mbps (data
# used: ...)", speedtest-cli's "Upload: 9.36 Mbit/s" (with --bytes
# "Mbyte/s"), or in the units Ookla's --unit asks for.
_SPEED = re.compile(
    rf"^\s*(?P<direction>Upload|Download):\s+(?P<rate>{DECIMAL})\s*"
    r"(?P<unit>[kKMG]?i?(?:bps|B/s|bit/s|byte/s))(?:\s|$)"
)
_SPEED_LOSS = re.compile(rf"^\s*Packet Loss:\s+(?P<pct>{DECIMAL})\s*%")
# The server a speed test ran against: Ookla's "Server: Name - City (id: 1234)",
# speedtest-cli's "Hosted by Name (City) [1.49 km]: 26.918 ms".
_SPEED_SERVER = re.compile(r"^\s*(?:Server:|Hosted by)\s")

# iperf3's "bits/sec" or "Bytes/sec", a speed test's "Upload:" or
# "Download:" and "Packet Loss:".
_READING_MARKS = ("/sec", "load:", "Packet Loss:", ": error - ")

# An upload too small for the stream.
UPLINK_SHORT = frozenset({"uplink-below-bitrate", "uplink-no-headroom"})
# Every finding an upload measurement gives: a pasted test outweighs what a
# description says of the line (kb.diagnostics.engine).
UPLINK_READINGS = UPLINK_SHORT | {"uplink-measured", "uplink-enough", "uplink-enough-nearby"}

_PREFIX_POWERS = {"k": 1, "K": 1, "M": 2, "G": 3, "T": 4}


@dataclass(frozen=True)
class Measurement:
    """One reading of the line: a rate in one direction, or a UDP test's
    jitter and loss."""

    tool: str  # "iperf3" | "speedtest"
    direction: str  # "up" | "down"
    line: str
    target: str | None = None
    mbps: float | None = None  # None for a UDP test: it sent what it was told to
    jitter_ms: float | None = None
    loss_pct: float | None = None
    lost: int | None = None  # iperf3's datagrams lost of those sent
    total: int | None = None
    error: str | None = None  # iperf3's error: no reading


@dataclass(frozen=True)
class StreamRate:
    """The stream's bitrate as its encoder was set, in kbit/s."""

    video_kbps: int
    audio_kbps: int

    @property
    def total_kbps(self) -> int:
        return self.video_kbps + self.audio_kbps


def _to_mbps(rate: str, unit: str) -> float | None:
    """``rate`` in ``unit`` as Mbit/s.

    Bits count in thousands (iperf3's Kbits, Ookla's kbps); bytes in
    1,024s when iperf3 prints them (KBytes/sec), and where Ookla's --unit
    says so (MiB/s, Mibps).
    """
    value = reading(rate)
    if value is None:
        return None
    power = _PREFIX_POWERS.get(unit[0], 0)
    in_bytes = "B" in unit or "byte" in unit
    binary = unit[1:2] == "i" or (in_bytes and unit.endswith("Bytes/sec"))
    bits = value * (1024 if binary else 1000) ** power * (8 if in_bytes else 1)
    return round(bits / 1e6, 6)


def measurements(text: str) -> list[Measurement]:
    """Every throughput reading in ``text``: the text outputs' in order,
    then a ``--json`` report's."""
    return _text_measurements(text) + _json_measurements(text)


def _text_measurements(text: str) -> list[Measurement]:
    # Every reading's line holds one of these as the tools print them: most
    # pastes hold none, and four searches cost less than a dozen.
    if not any(mark in text for mark in _READING_MARKS):
        return []
    candidates = lines_containing(fold_case(text), _PHRASES)
    if not candidates:
        return []
    lines = text.split("\n")
    found: list[Measurement] = []
    run = _IperfRun()
    speed_server: str | None = None
    for idx in candidates:
        raw = lines[idx].strip()
        if m := _IPERF_CONNECTING.match(raw):
            if run.lines or not run.from_command:
                found.extend(run.readings())
                run = _IperfRun()
            run.target = m.group("host")
            continue
        if m := _IPERF_ERROR.search(raw):
            found.append(Measurement("iperf3", "up", raw, run.target, error=m.group("error")))
            continue
        if (m := _IPERF_COMMAND.search(raw)) and (command := _client_command(raw[m.end():])):
            found.extend(run.readings())
            run = command
            continue
        low = raw.lower()
        if low.startswith("reverse mode"):
            run.reverse = True
            continue
        if low.startswith(("accepted connection", "server listening")):
            found.extend(run.readings())
            run = _IperfRun(server=True)
            continue
        if low.endswith(("sender", "receiver")):
            run.add(raw)
            continue
        if _SPEED_SERVER.match(raw) and (server := _server_name(raw)):
            speed_server = server
            continue
        if (m := _SPEED.match(raw)) and (mbps := _to_mbps(m.group("rate"), m.group("unit"))):
            direction = "up" if m.group("direction") == "Upload" else "down"
            found.append(Measurement("speedtest", direction, raw, speed_server, mbps))
            continue
        if m := _SPEED_LOSS.match(raw):
            pct = percent(m.group("pct"))
            if pct is not None:
                # Ookla measures it with the upload and the download.
                found.append(Measurement("speedtest", "up", raw, speed_server, loss_pct=pct))
    found.extend(run.readings())
    return found


def _server_name(line: str) -> str | None:
    """The server a speed test line names, up to its "(id: ...)" or "[distance]"."""
    name = line.removeprefix("Server:").removeprefix("Hosted by")
    for mark in (" (id", " ["):
        cut = name.rfind(mark)
        if cut > 0:
            return name[:cut].strip()
    return None


def _json_measurements(text: str) -> list[Measurement]:
    """An iperf3 client's ``--json`` report: the received sum of a TCP test,
    the jitter and loss of a UDP one (a server's report names no
    ``connecting_to``)."""
    start = text.find("{")
    if start < 0 or '"connecting_to"' not in text or '"sum_received"' not in text:
        return []
    try:
        document, _end = json.JSONDecoder().raw_decode(text, start)
        begin, end = document["start"], document["end"]
        target = begin["connecting_to"]["host"]
        test = begin.get("test_start") or {}
        received = end["sum_received"]
        if not isinstance(target, str) or not isinstance(test, dict):
            return []
        direction = "down" if test.get("reverse") else "up"
        udp = end.get("sum") if test.get("protocol") == "UDP" else None
        if udp is not None:
            lost, total = count(udp.get("lost_packets")), count(udp.get("packets"))
            return [Measurement(
                "iperf3", direction, _line_of(text, '"jitter_ms"', '"end"', '"sum"'), target,
                jitter_ms=reading(udp.get("jitter_ms")),
                loss_pct=round(100.0 * lost / total, 2) if lost is not None and total else None,
                lost=lost, total=total)]
        bits = reading(received.get("bits_per_second"))
    except (ValueError, RecursionError, KeyError, TypeError, AttributeError):
        return []  # not iperf3's report, or cut short
    if not bits:
        return []
    line = _line_of(text, '"bits_per_second"', '"end"', '"sum_received"')
    return [Measurement("iperf3", direction, line, target, round(bits / 1e6, 6))]


def _line_of(text: str, phrase: str, *within: str) -> str:
    """The stripped line of the first ``phrase`` after each of ``within`` in turn."""
    at = 0
    for key in (*within, phrase):
        at = text.find(key, at)
        if at < 0:
            return ""
    end = text.find("\n", at)
    return text[text.rfind("\n", 0, at) + 1:end if end >= 0 else len(text)].strip()


def _client_command(arguments: str) -> _IperfRun | None:
    """The run an iperf3 client command line starts (None for a server's,
    or for a line that only names iperf3)."""
    words = arguments.split()
    target = None
    for flag in ("-c", "--client"):
        if flag in words[:-1]:
            target = words[words.index(flag) + 1]
    if target is None:
        return None
    reverse = "-R" in words or "--reverse" in words
    return _IperfRun(target=target, reverse=reverse, from_command=True)


@dataclass
class _IperfRun:
    """The summary lines of one iperf3 client run."""

    target: str | None = None
    reverse: bool = False
    server: bool = False
    from_command: bool = False
    # Each summary line, its match and its side ("sender" or "receiver").
    lines: list[tuple[str, re.Match[str], str]] = field(default_factory=list)

    def add(self, raw: str) -> None:
        side = "sender" if raw.lower().endswith("sender") else "receiver"
        m = _IPERF_SUMMARY.match(raw[: -len(side)].rstrip())
        if m:
            self.lines.append((raw, m, side))

    def readings(self) -> list[Measurement]:
        """A reading per receiver line of each direction and protocol (the
        sender's where a run cut short printed no receiver line)."""
        if self.server or not self.lines:
            return []
        lines = self.lines
        if any(m.group("id") == "SUM" for _r, m, _s in lines):
            lines = [(r, m, s) for r, m, s in lines if m.group("id") == "SUM"]
        groups: dict[tuple[str, bool], list[tuple[str, re.Match[str], str]]] = {}
        for raw, m, side in lines:
            direction = self._direction(m)
            if direction is None or "Datagrams" in m.group("rest"):
                continue
            udp = _IPERF_UDP.match(m.group("rest")) is not None
            groups.setdefault((direction, udp), []).append((raw, m, side))
        out: list[Measurement] = []
        for (direction, _udp), group in groups.items():
            for raw, m, _side in [x for x in group if x[2] == "receiver"] or group:
                if found := self._reading(direction, raw, m):
                    out.append(found)
        return out

    def _reading(self, direction: str, raw: str, m: re.Match[str]) -> Measurement | None:
        udp = _IPERF_UDP.match(m.group("rest"))
        if udp is None:
            mbps = _to_mbps(m.group("rate"), m.group("unit"))
            return Measurement("iperf3", direction, raw, self.target, mbps) if mbps else None
        lost, total = count(udp.group("lost")), count(udp.group("total"))
        loss = round(100.0 * lost / total, 2) if lost is not None and total else None
        return Measurement("iperf3", direction, raw, self.target,
                           jitter_ms=reading(udp.group("jitter")),
                           loss_pct=loss if loss is None or loss <= 100 else None,
                           lost=lost, total=total)

    def _direction(self, m: re.Match[str]) -> str | None:
        role = m.group("role")
        if role:
            return {"TX-C": "up", "RX-C": "down"}.get(role)
        return "down" if self.reverse else "up"


def stream_rate(parsed: list[ParsedAttachment]) -> StreamRate | None:
    """The stream's bitrate as an OBS log or ffmpeg's output names it (the
    highest, when several do)."""
    best: StreamRate | None = None
    for p in parsed:
        for r in p.results:
            if isinstance(r, ObsResult):
                video, audio = r.settings.get("bitrate"), r.settings.get("audio_bitrate")
            elif isinstance(r, FfmpegResult):
                video = r.settings.get("video_bitrate_kbps")
                audio = r.settings.get("audio_bitrate_kbps")
            else:
                continue
            video_kbps = count(video) if isinstance(video, int | float) else None
            if not video_kbps:
                continue
            audio_kbps = count(audio) if isinstance(audio, int | float) else None
            rate = StreamRate(video_kbps, audio_kbps or 0)
            if best is None or rate.total_kbps > best.total_kbps:
                best = rate
    return best


def analyse_throughput(parsed: ParsedAttachment, text: str,
                       stream: StreamRate | None = None) -> list[Finding]:
    """Findings from the throughput tests in one attachment's text."""
    if not text:
        return []
    readings = measurements(text)
    if not readings:
        return []
    uploads = [m for m in readings if m.direction == "up" and m.mbps]
    downloads = [m for m in readings if m.direction == "down" and m.mbps and m.tool == "iperf3"]
    findings = _upload_findings(uploads, stream) if uploads else _download_only(downloads)
    if not any(m.tool == "iperf3" and m.error is None for m in readings):
        findings += _iperf_errors([m for m in readings if m.error])
    findings += _udp_findings([m for m in readings
                               if m.tool == "iperf3" and m.jitter_ms is not None])
    findings += _speedtest_loss([m for m in readings
                                 if m.tool == "speedtest" and m.loss_pct is not None])
    for f in findings:
        f.facts["attachment"] = parsed.name
    return findings


def _tool_name(m: Measurement) -> str:
    return f"{m.tool} ({m.target})" if m.target else m.tool


def uplink_needed(stream_kbps: int) -> float:
    """The upload (Mbit/s) a stream of ``stream_kbps`` needs with headroom."""
    return round(stream_kbps * rules.THRESHOLDS["uplink_headroom"] / 1000, 1)


def uplink_carries(upload_mbps: float) -> float:
    """The largest stream (Mbps, video and audio together) an upload
    carries with headroom."""
    return round(upload_mbps / rules.THRESHOLDS["uplink_headroom"],
                 1 if upload_mbps >= 1.5 else 2)


def uplink_shortfall(upload_mbps: float, stream_kbps: int) -> str | None:
    """The finding kind of an upload too small for a stream (below its
    bitrate, or without headroom); None when it has room. Measured
    uploads and those a description states are judged alike."""
    if upload_mbps * 1000 < stream_kbps:
        return "uplink-below-bitrate"
    if upload_mbps < uplink_needed(stream_kbps):
        return "uplink-no-headroom"
    return None


def _upload_findings(uploads: list[Measurement], stream: StreamRate | None) -> list[Finding]:
    lowest = min(uploads, key=lambda m: m.mbps or 0.0)
    measured = lowest.mbps or 0.0
    facts = {"upload_mbps": measured, "tool": lowest.tool, "target": lowest.target}
    args = {"tool": _tool_name(lowest), "mbps": measured, "most": uplink_carries(measured)}
    if stream is None:
        return [Finding.of("uplink-measured", msg("throughput.uplink-measured", **args),
                           evidence=[lowest.line], facts=facts)]
    needed = uplink_needed(stream.total_kbps)
    facts |= {"stream_kbps": stream.total_kbps, "needed_mbps": needed}
    args |= {"stream": round(stream.total_kbps / 1000, 2), "video": stream.video_kbps,
             "audio": stream.audio_kbps, "needed": needed}
    kind = uplink_shortfall(measured, stream.total_kbps)
    if kind is None:
        # A speed test runs to a server it picks nearby, over several connections.
        kind = "uplink-enough-nearby" if lowest.tool == "speedtest" else "uplink-enough"
    return [Finding.of(kind, msg(f"throughput.{kind}", **args), evidence=[lowest.line],
                       problems=rules.problems_for(kind), facts=facts)]


def _download_only(downloads: list[Measurement]) -> list[Finding]:
    """An iperf3 run with -R measured the server sending, not the push's way."""
    if not downloads:
        return []
    lowest = min(downloads, key=lambda m: m.mbps or 0.0)
    return [Finding.of(
        "downlink-measured",
        msg("throughput.downlink-measured", tool=_tool_name(lowest), mbps=lowest.mbps),
        evidence=[lowest.line], facts={"download_mbps": lowest.mbps, "target": lowest.target})]


def _iperf_errors(errors: list[Measurement]) -> list[Finding]:
    """iperf3 stopped before it measured: say why, not "not recognised"."""
    if not errors:
        return []
    last = errors[-1]
    error = last.error or ""
    if error.startswith("unable to connect to server"):
        code = "throughput.iperf3-unreachable"
    elif "busy" in error:
        code = "throughput.iperf3-busy"
    else:
        code = "throughput.iperf3-error"
    return [Finding.of("iperf3-error", msg(code, error=error.rstrip()), evidence=[last.line],
                       facts={"error": error, "target": last.target})]


def _udp_findings(tests: list[Measurement]) -> list[Finding]:
    findings: list[Finding] = []
    jittery = [m for m in tests if (m.jitter_ms or 0) >= rules.THRESHOLDS["udp_jitter_ms"]]
    if jittery:
        worst = max(jittery, key=lambda m: m.jitter_ms or 0.0)
        findings.append(Finding.of(
            "udp-jitter",
            msg("throughput.udp-jitter", tool=_tool_name(worst), jitter=worst.jitter_ms),
            evidence=[worst.line], problems=rules.problems_for("udp-jitter"),
            facts={"jitter_ms": worst.jitter_ms, "target": worst.target}))
    if worst := _worst_loss(tests):
        findings.append(Finding.of(
            "udp-loss",
            msg("throughput.udp-loss", tool=_tool_name(worst), lost=worst.lost,
                total=worst.total, pct=worst.loss_pct),
            evidence=[worst.line], problems=rules.problems_for("udp-loss"),
            facts={"lost_pct": worst.loss_pct, "target": worst.target}))
    elif tests and not jittery:
        last = tests[-1]
        findings.append(Finding.of(
            "udp-clean",
            msg("throughput.udp-clean", tool=_tool_name(last), jitter=last.jitter_ms or 0.0,
                pct=last.loss_pct or 0.0),
            evidence=[last.line], facts={"target": last.target}))
    return findings


def _speedtest_loss(tests: list[Measurement]) -> list[Finding]:
    worst = _worst_loss(tests)
    if worst is None:
        return []
    return [Finding.of(
        "speedtest-loss",
        msg("throughput.speedtest-loss", tool=_tool_name(worst), pct=worst.loss_pct),
        evidence=[worst.line], problems=rules.problems_for("speedtest-loss"),
        facts={"lost_pct": worst.loss_pct, "target": worst.target})]


def _worst_loss(tests: list[Measurement]) -> Measurement | None:
    """The test that lost the most, when that loss counts."""
    lossy = [m for m in tests if (m.loss_pct or 0) >= rules.THRESHOLDS["loss_significant_pct"]]
    return max(lossy, key=lambda m: m.loss_pct or 0.0) if lossy else None
