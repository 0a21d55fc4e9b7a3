"""ffmpeg stderr (RTMP/RTMPS/SRT/HLS push and pull) -> :class:`FfmpegResult`.

Hand-parsed: jc has no ffmpeg parser.  The error is the first cause found
in a fixed priority order (the most specific message wins: a 403 page also
ends in "Input/output error", a refused connection also prints "Cannot open
connection").
"""

from __future__ import annotations

import re

from .models import FfmpegResult

# (error enum, pattern).  Order = priority.  The messages are ffmpeg's own
# (libavformat/rtmpproto.c, tcp.c, tls_*.c, http.c, libsrt.c) plus the
# errno strings of Linux, macOS and Windows builds.
_ERRORS: list[tuple[str, re.Pattern[str]]] = [
    (
        "already_publishing",
        re.compile(r"Already publishing|NetStream\.Publish\.BadName|流名已被占用", re.I),
    ),
    (
        "forbidden",
        re.compile(
            r"\b403\b.*Forbidden|Server returned 403|NetStream\.Publish\.(?:Rejected|Unauthorized)|"
            r"Authentication failed|authorization failed|\bUnauthorized\b|\b401\b",
            re.I,
        ),
    ),
    (
        "not_found",
        re.compile(
            r"\b404\b.*Not Found|Server returned 404|NetStream\.Play\.StreamNotFound|"
            r"No such file or directory\s*$",
            re.I,
        ),
    ),
    (
        "dns_failure",
        re.compile(
            r"Failed to resolve hostname|Name or service not known|"
            r"Temporary failure in name resolution|nodename nor servname|No such host is known|"
            r"getaddrinfo",
            re.I,
        ),
    ),
    (
        "tls_error",
        re.compile(
            r"\[tls @|TLS handshake|SSL routines|GnuTLS|certificate verify failed|"
            r"Cannot open connection tls://|error:0A0000|SEC_E_|handshake failed",
            re.I,
        ),
    ),
    (
        "connection_refused",
        re.compile(r"Connection refused|actively refused|WSAECONNREFUSED|error 10061", re.I),
    ),
    (
        "timeout",
        re.compile(
            r"Connection timed out|Operation timed out|timed out|ETIMEDOUT|"
            r"Connection setup failure: connection time",
            re.I,
        ),
    ),
    ("message_too_long", re.compile(r"Message too long|EMSGSIZE", re.I)),
    (
        "broken_pipe",
        re.compile(
            r"Broken pipe|Error number -32 occurred|Connection reset by peer|"
            r"Error writing trailer.*(?:pipe|reset)",
            re.I,
        ),
    ),
]

_DTS = re.compile(r"Non-monotonous DTS|non monotonically increasing dts|Non-monotonic DTS", re.I)
_URL = re.compile(r"((?:rtmps?|rtmpt|srt|https?|udp|rtp)://[^\s'\"]+)")
_VIDEO = re.compile(r"Stream #\d+:\d+(?:\[\w+\])?(?:\(\w+\))?: Video: (\w+)(?: \(([^)]*)\))?(.*)")
_AUDIO = re.compile(r"Stream #\d+:\d+(?:\[\w+\])?(?:\(\w+\))?: Audio: (\w+)(?: \(([^)]*)\))?(.*)")


def _settings(lines: list[str]) -> dict[str, object]:
    """Read codec/profile/resolution/fps/bitrate/sample rate of the output.

    Only output stream lines count: they describe what is pushed or
    written; input lines (a capture card, a test source) would mislead.
    """
    settings: dict[str, object] = {}
    in_output = False
    for line in lines:
        if line.startswith("Output #"):
            in_output = True
        elif line.startswith("Input #"):
            in_output = False
        m = _VIDEO.search(line)
        if m and in_output:
            rest = m.group(3)
            settings["video_codec"] = m.group(1)
            if m.group(2) and m.group(1) == "h264" and re.match(r"[A-Za-z]", m.group(2)):
                settings["profile"] = m.group(2)
            res = re.search(r"(\d{2,5})x(\d{2,5})", rest)
            if res:
                settings["resolution"] = f"{res.group(1)}x{res.group(2)}"
            fps = re.search(r"([\d.]+) fps", rest)
            if fps:
                settings["fps"] = float(fps.group(1))
            br = re.search(r"(\d+) kb/s", rest)
            if br:
                settings["video_bitrate_kbps"] = int(br.group(1))
            pix = re.search(r"\b(yuv\w+|nv12|p010\w*)", rest)
            if pix:
                settings["pix_fmt"] = pix.group(1)
        m = _AUDIO.search(line)
        if m and in_output:
            settings["audio_codec"] = m.group(1)
            sr = re.search(r"(\d+) Hz", m.group(3))
            if sr:
                settings["audio_sample_rate"] = int(sr.group(1))
            ab = re.search(r"(\d+) kb/s", m.group(3))
            if ab:
                settings["audio_bitrate_kbps"] = int(ab.group(1))
        m = re.search(r"\[libx264 @ [^\]]+\] profile ([\w :]+?), level", line)
        if m:
            settings["profile"] = m.group(1).strip()
        m = re.search(r"\bkeyint=(\d+)", line)
        if m:
            settings["keyint"] = int(m.group(1))
        m = re.search(r"\bbframes=(\d+)", line)
        if m:
            settings["bframes"] = int(m.group(1))
    if settings.get("keyint") and settings.get("fps"):
        settings["keyint_sec"] = round(int(settings["keyint"]) / float(settings["fps"]), 2)  # type: ignore[arg-type]
    return settings


def parse_ffmpeg(text: str) -> FfmpegResult:
    result = FfmpegResult()
    lines = text.split("\n")
    for error, pattern in _ERRORS:
        hits = [ln.strip() for ln in lines if pattern.search(ln)]
        if hits:
            result.error = error
            result.evidence["error"] = hits[:3]
            break
    dts = [ln.strip() for ln in lines if _DTS.search(ln)]
    result.non_monotonous_dts = len(dts)
    if dts:
        result.evidence["dts"] = dts[:3]
    # Direction: an output to a network URL is a push; a network URL that
    # is opened as input (or fails before any input was opened) is a pull.
    out = re.search(r"^Output #\d+, \w+, to '([^']+)'", text, re.M)
    inp = re.search(r"^Input #\d+, [\w,]+, from '((?:rtmps?|srt|https?|udp)://[^']+)'", text, re.M)
    failing = [
        m
        for ln in lines
        for m in [re.match(r"^((?:rtmps?|srt|https?|udp)://\S+): ", ln.strip())]
        if m
    ]
    if out and _URL.match(out.group(1)):
        result.direction, result.url = "push", out.group(1)
    elif inp:
        result.direction, result.url = "pull", inp.group(1)
    elif failing:
        result.url = failing[-1].group(1)
        result.direction = "push" if re.search(r"^Input #\d+", text, re.M) else "pull"
    # A push that ends in a bare I/O error right after connecting: the
    # server closed the session (nginx-rtmp on_publish refusal looks so).
    if result.error is None:
        generic = [
            ln.strip()
            for ln in lines
            if re.search(
                r"(?:rtmps?|srt)://\S+: (?:Input/output error|"
                r"Operation not permitted|Unknown error)",
                ln,
            )
        ]
        if generic:
            result.evidence["generic_failure"] = generic[:2]
    result.settings = _settings(lines)
    return result
