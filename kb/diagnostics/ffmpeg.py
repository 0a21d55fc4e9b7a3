"""ffmpeg stderr (RTMP/RTMPS/SRT/HLS push and pull) -> :class:`FfmpegResult`.

Hand-parsed: jc has no ffmpeg parser.  The error is the first cause found
in a fixed priority order (the most specific message wins: a 403 page also
ends in "Input/output error", a refused connection also prints "Cannot open
connection").

Besides the error:

- Codec/container mismatches as the muxers report them when the header is
  written (libavformat/flvenc.c "Video codec %s not compatible with flv",
  "Audio codec %s not compatible with flv", "FLV does not support sample
  rate %d", mux.c "... codec not currently supported in container", and
  "Could not write header ... (incorrect codec parameters ?)"): not a
  connection problem, whatever the URL.
- ``speed=`` of the progress lines: a push that stays below 1x cannot keep
  up; the encoder settings say whether the encoder or the uplink is why.
- SRT handshake rejections as libsrt logs them ("REJECT reported from HS
  processing: Incorrect passphrase", "Password required or unexpected",
  "Application-defined rejection reason", "Peer rejected connection"),
  told apart from a connection setup that times out (UDP blocked or nothing
  listening): ffmpeg 5.1 prints "Input/output error" for all of them.
- "Too many packets buffered for output stream 0:1." (fftools/ffmpeg_mux.c):
  nothing is written until every output stream has its first packet, so an
  input that never delivers (most often the audio) fills the others' queue
  and ffmpeg gives up before sending anything.
- x264 refusing the frame size, "width not divisible by 2 (1365x768)" (its
  encoder.c): 4:2:0 needs an even width and height (4 for the height of an
  interlaced picture), so the encoder never opens and nothing is sent.
- Media that arrived damaged, as a receiving ffmpeg reports it: the MPEG-TS
  demuxer's "Packet corrupt (stream = 0, dts = ...)" and the decoder's
  "error while decoding MB 12 34, bytestream -5" (loss the transport could
  not repair).
- Windows builds print Winsock errors as "Error number -100xx occurred"
  (av_strerror has no text for them): 10053 WSAECONNABORTED and 10054
  WSAECONNRESET are a dropped connection, 10060 WSAETIMEDOUT a timeout,
  10061 WSAECONNREFUSED a refusal, 10065 WSAEHOSTUNREACH no route, 11001
  WSAHOST_NOT_FOUND a failed lookup.
"""

from __future__ import annotations

import re

from .models import FfmpegResult
from .numbers import DECIMAL, count, reading

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
            r"getaddrinfo|Error number -11001 occurred",
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
        re.compile(
            r"Connection refused|actively refused|WSAECONNREFUSED|error 10061\b|"
            r"Error number -10061 occurred",
            re.I,
        ),
    ),
    (
        "timeout",
        re.compile(
            r"Connection timed out|Operation timed out|timed out|ETIMEDOUT|"
            r"Connection setup failure: connection time|Error number -1006[05] occurred|"
            r"No route to host|Network is unreachable",
            re.I,
        ),
    ),
    ("message_too_long", re.compile(r"Message too long|EMSGSIZE", re.I)),
    (
        "broken_pipe",
        re.compile(
            r"Broken pipe|Error number -32 occurred|Connection reset by peer|"
            r"Error number -1005[34] occurred|Software caused connection abort|"
            r"Error writing trailer.*(?:pipe|reset)",
            re.I,
        ),
    ),
]

# The muxer refusing a stream when it writes the header (libavformat).
_INCOMPATIBLE = re.compile(
    r"(Video|Audio) codec (\S+) not compatible with (\w+)|"
    r"(FLV) does not support sample rate|"
    r"codec not currently supported in container|"
    r"Could not write header.*incorrect codec parameters|"
    r"Tag \S+ incompatible with output codec|"
    r"(?:at most one|only one) (video|audio) stream is supported|"
    r"Unsupported (audio|video) codec|"
    r"Only (?:AAC|VP6|H\.264|Speex|MP3)[^\n]* supported",
    re.I,
)
_PROGRESS_SPEED = re.compile(rf"^frame=\s*\d+.*\btime=(-?[\d:.]+).*\bspeed=\s*({DECIMAL})x")
_WRITE_FAILED = re.compile(
    r"av_interleaved_write_frame\(\)|Error writing trailer|Error submitting a packet to the muxer|"
    r"Error muxing a packet"
)
# libsrt's own log lines (it writes to stderr beside ffmpeg's).
_SRT_REJECT = re.compile(
    r"REJECT(?:ED)?\b.*?(Incorrect passphrase|Password required or unexpected|"
    r"Application-defined rejection reason|Peer rejected connection|"
    r"rejection reason|ERROR:\w+)|reject reason: ([^\n]+)",
    re.I,
)
_DTS = re.compile(r"Non-monotonous DTS|non monotonically increasing dts|Non-monotonic DTS", re.I)
_MUXING_QUEUE = re.compile(r"Too many packets buffered for output stream \d+:\d+")
_ODD_FRAME_SIZE = re.compile(r"\b(?:width|height) not divisible by \d+ \((\d+)x(\d+)\)")
_DAMAGED = re.compile(r"Packet corrupt \(stream = \d+|error while decoding MB \d+ \d+")
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
            fps = re.search(rf"({DECIMAL}) fps", rest)
            fps_value = reading(fps.group(1)) if fps else None
            if fps_value:
                settings["fps"] = fps_value
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
        keyint = count(m.group(1)) if m else None
        if keyint is not None:
            settings["keyint"] = keyint
        if "options:" in line and "x264" in line:
            for key in ("ref", "subme"):
                om = re.search(rf"\b{key}=(\d+)", line)
                if om:
                    settings[f"x264_{key}"] = int(om.group(1))
            om = re.search(r"\bme=(\w+)", line)
            if om:
                settings["x264_me"] = om.group(1)
        m = re.search(r"\((lib\w+|\w+_nvenc|\w+_qsv|\w+_amf|\w+_videotoolbox)\)\)", line)
        if m and "->" in line and "Video" not in line:
            settings.setdefault("video_encoder", m.group(1))
        m = re.search(r"\bbframes=(\d+)", line)
        if m:
            settings["bframes"] = int(m.group(1))
    if settings.get("keyint") and settings.get("fps"):
        settings["keyint_sec"] = round(int(settings["keyint"]) / float(settings["fps"]), 2)  # type: ignore[arg-type]
    return settings


def _seconds(clock: str) -> float:
    """A progress line's "time=HH:MM:SS.ss" in seconds; 0 for a garbled one."""
    try:
        h, m, sec = clock.split(":")
        return int(h) * 3600 + int(m) * 60 + float(sec)
    except (ValueError, OverflowError):
        return 0.0


def srt_reject_kind(reason: str) -> str:
    """How an SRT listener rejected a handshake, from libsrt's reason text."""
    low = reason.lower()
    if "passphrase" in low or "password" in low or "badsecret" in low or "unsecure" in low:
        return "passphrase"
    if "application-defined" in low or "predefined" in low or "userdefined" in low:
        return "streamid"
    return "peer"


def parse_ffmpeg(text: str) -> FfmpegResult:
    result = FfmpegResult()
    lines = text.split("\n")
    first_progress: int | None = None
    for idx, ln in enumerate(lines):
        m = _PROGRESS_SPEED.search(ln.strip()) if "speed=" in ln else None
        if m:
            if first_progress is None:
                first_progress = idx
            # The first seconds of media are start-up (probing, the
            # encoder's lookahead filling): their speed says nothing.
            speed = reading(m.group(2))
            if _seconds(m.group(1)) >= 3.0 and speed is not None:
                result.speeds.append(speed)
            result.evidence.setdefault("progress", []).append(ln.strip())
    if "progress" in result.evidence:
        result.evidence["progress"] = result.evidence["progress"][-3:]
    error_line: int | None = None
    # Progress lines carry numbers ("frame=  401", "size=  403kB") that the
    # HTTP status patterns would read as errors: never search them.
    searchable = [
        (i, ln) for i, ln in enumerate(lines) if not ln.lstrip().startswith(("frame=", "size="))
    ]
    for error, pattern in _ERRORS:
        hits = [(i, ln.strip()) for i, ln in searchable if pattern.search(ln)]
        if hits:
            result.error = error
            result.evidence["error"] = [h for _i, h in hits[:3]]
            error_line = hits[0][0]
            break
    # An error after progress lines, or a failing write of media or the
    # trailer: the connection died while media flowed, not while connecting.
    if error_line is not None and (
        (first_progress is not None and error_line > first_progress)
        or any(_WRITE_FAILED.search(ln) for ln in lines if "rror" in ln)
    ):
        result.mid_stream = True
    incompatible = [ln.strip() for ln in lines if "ncompatible" in ln or "not compatible" in ln
                    or "not support" in ln or "not currently supported" in ln
                    or "incorrect codec parameters" in ln or "supported" in ln]
    incompatible = [ln for ln in incompatible if _INCOMPATIBLE.search(ln)]
    if incompatible:
        result.evidence["incompatible"] = incompatible[:3]
        kind = "video"
        for ln in incompatible:
            m = _INCOMPATIBLE.search(ln)
            assert m is not None
            if (m.group(1) or "").lower() == "audio" or m.group(4) or "sample rate" in ln or (
                (m.group(5) or m.group(6) or "").lower() == "audio"
            ):
                kind = "audio"
                break
            if (m.group(1) or "").lower() == "video":
                kind = "video"
                break
        result.incompatible = kind
        # A refused header is not a connection failure, whatever followed.
        if result.error in ("broken_pipe", None) or not result.mid_stream:
            result.error = None
            result.evidence.pop("error", None)
    srt = [ln.strip() for ln in lines if "REJECT" in ln.upper() and _SRT_REJECT.search(ln)]
    if srt:
        m = _SRT_REJECT.search(srt[0])
        assert m is not None
        result.srt_reject = srt_reject_kind(m.group(1) or m.group(2) or "")
        result.evidence["srt"] = srt[:2]
        result.error = "tls_error" if result.srt_reject == "passphrase" else "forbidden"
    odd = [ln.strip() for ln in lines if "not divisible by" in ln and _ODD_FRAME_SIZE.search(ln)]
    if odd:
        m = _ODD_FRAME_SIZE.search(odd[0])
        assert m is not None
        result.odd_frame_size = f"{m.group(1)}x{m.group(2)}"
        result.evidence["odd_frame_size"] = odd[:2]
    overflow = [ln.strip() for ln in lines if "Too many packets" in ln and _MUXING_QUEUE.search(ln)]
    if overflow:
        result.muxing_queue_overflow = True
        result.evidence["muxing_queue"] = overflow[:1]
    damaged = [ln.strip() for ln in lines
               if ("corrupt" in ln or "decoding MB" in ln) and _DAMAGED.search(ln)]
    result.damaged_packets = len(damaged)
    if damaged:
        result.evidence["damaged"] = damaged[:3]
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
    settings = _settings(lines)
    for key in [k for k in settings if k.startswith("x264_") or k == "video_encoder"]:
        result.encoder[key] = settings.pop(key)
    result.settings = settings
    m = re.search(r"^Output #\d+, (\w+)", text, re.M)
    if m:
        result.encoder["container"] = m.group(1)
    for ln in result.evidence.get("incompatible", []):
        cm = re.search(r"(Video|Audio) codec (\S+) not compatible with (\w+)", ln)
        if cm:
            result.encoder[f"{cm.group(1).lower()}_codec_out"] = cm.group(2)
            result.encoder["container"] = cm.group(3)
        elif "sample rate" in ln:
            result.encoder.setdefault("audio_codec_out", settings.get("audio_codec", "?"))
            result.encoder.setdefault("container", "flv")
    # A refused SRT connection with no libsrt rejection line timed out
    # (ffmpeg 5.1 prints "Input/output error" for both).
    if (
        result.error is None
        and result.url is not None
        and result.url.startswith("srt://")
        and not result.speeds
        and re.search(r"Connection to srt://\S+ failed", text)
    ):
        result.error = "timeout"
        result.evidence["error"] = [
            ln.strip() for ln in lines if re.search(r"Connection to srt://\S+ failed", ln)
        ][:2]
        result.evidence.pop("generic_failure", None)
    return result
