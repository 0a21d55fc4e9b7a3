"""OBS Studio log -> :class:`ObsResult` (hand-parsed; jc has no OBS parser).

Line formats checked against obs-studio's source:
- libobs/obs-output.c ``log_frame_info``: "Output '%s': Number of dropped
  frames due to insufficient bandwidth/connection stalls: %d (%0.1f%%)",
  "... Number of lagged frames due to rendering lag/stalls: %u (%0.1f%%)";
  ``output_reconnect``: "Output '%s': Reconnecting in %.02f seconds..".
- libobs/obs-video.c: "Video stopped, number of skipped frames due to
  encoding lag: %ld/%ld (%0.1f%%)".
- plugins/obs-outputs/rtmp-stream.c (prefix "[rtmp stream: '%s'] "):
  "Connection to %s (%s) successful", "Connection to %s failed: %d",
  "Disconnected from %s"; librtmp logs "WriteN, RTMP send error %d".
- plugins/obs-x264/obs-x264.c: "[x264 encoder: '%s'] settings:" followed by
  indented "rate_control: / bitrate: / fps_num: / width: / keyint:" lines.
There is no "Reconnect successful" line in libobs: a reconnect shows as
another "Connection to ... successful" after "Reconnecting in".
rtmp-stream.c logs "Connection to %s failed: %d" with an OBS_OUTPUT_* code
(libobs/obs-output.h): -1 BAD_PATH, -2 CONNECT_FAILED (refused, timed out or
not resolved: OBS does not say which), -3 INVALID_STREAM (the server refused
the publish: stream key, "Already publishing"), -5 DISCONNECTED.
OBS Classic (0.6x, RTMPPublisher.cpp) logs "Connection to %s failed: %s"
with the reason and librtmp's lines ("RTMP_Connect0, failed to connect
socket. 10061 (Unknown error)") after it, "Completed handshake with %s in
%u ms.", "RTMPPublisher::SocketLoop: Aborting due to FD_CLOSE, error %d",
"... Stalled for %u ms to write %d bytes ..., unstable connection?" and at
the end "Number of b-frames dropped: %u (%0.2g%%), Number of p-frames
dropped: %u (%0.2g%%), Total %u (%0.2g%%)" (the frames it dropped because
the network could not carry them).  OBS 30 on Windows logs
"socket_thread_windows: ... FD_CLOSE ..., error %d".
"""

from __future__ import annotations

import re

from .ffmpeg import srt_reject_kind
from .models import ObsResult
from .numbers import MAX_READING, count, percent, reading
from .scan import fold_case, lines_containing

_PREFIX = re.compile(r"^(?:\d\d:\d\d:\d\d(?:\.\d+)?:\s*|(?:info|warning|error|debug):\s*)")
_DROPPED = re.compile(
    r"Number of dropped frames due to insufficient bandwidth/connection stalls:\s*([\d,]+)\s*\(([\d.,]+)%\)"  # noqa: E501
)
_SKIPPED = re.compile(
    r"(?:number of )?skipped frames due to encoding lag:\s*([\d,]+)(?:/([\d,]+))?\s*\(([\d.,]+)%\)",
    re.I,
)
_LAGGED = re.compile(
    r"Number of lagged frames due to rendering lag/stalls:\s*([\d,]+)\s*\(([\d.,]+)%\)"
)
_DISCONNECT = re.compile(r"\] Disconnected from |SocketLoop: Aborting due to FD_CLOSE, error")
_CLASSIC_DROPPED = re.compile(
    r"Number of b-frames dropped: \d+ \([\d.e+-]+%\), Number of p-frames dropped: \d+ "
    r"\([\d.e+-]+%\), Total (\d+) \(([\d.e+-]+)%\)"
)
_CONNECTED = re.compile(r"Connection to \S+ (?:\([^)]*\) )?successful|Completed handshake with ")
_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?")
_STALL = re.compile(r"Stalled for \d+ ms|Received FD_CLOSE, \d+ ms since last send")
# OBS_OUTPUT_* codes of "Connection to %s failed: %d" -> error enum.
_OUTPUT_CODES = {"-1": "not_found", "-2": "connection_refused", "-3": "forbidden",
                 "-5": "broken_pipe"}
_RECONNECT = re.compile(r"Reconnecting in [\d.]+ seconds")
_CONNECT_FAILED = re.compile(r"Connection to \S+ failed: (-?\d+)")
_CONNECT_ERROR = re.compile(
    r"failed to connect socket|getaddrinfo|Unable to resolve|already publishing|"
    r"NetStream\.Publish|TLS|SSL|Connection to .* failed",
    re.I,
)
# OBS's SRT output: libsrt's lines ("[obs-ffmpeg mpegts muxer / libsrt]:
# Wrong password") and the output's own ("[obs-ffmpeg mpegts muxer:
# 'simple_stream']: Failed to open the url or invalid stream").
_SRT_LINE = re.compile(r"\[obs-ffmpeg mpegts muxer(?: / libsrt|: '[^']*')\]: (?P<text>.*)$")
# OBS's WHIP (WebRTC) output, plugins/obs-webrtc/whip-output.cpp:
# "[obs-webrtc] [whip_output: 'adv_stream'] PeerConnection state is now: Failed".
_WHIP_LINE = re.compile(r"\[whip_output: '[^']*'\] (?P<text>.*)$")
_WHIP_STATUS = re.compile(r"^Connect failed: HTTP endpoint returned response code (\d+)")
# The endpoint's answers that say where to look (a 5xx is support's to read).
_WHIP_STATUSES = {"401": "forbidden", "403": "forbidden", "404": "not_found"}
_SEND_ERROR = re.compile(r"RTMP \S+ error (\d+)|FD_CLOSE[^\n]*, error (\d+)")
# An encoder's settings block: "[x264 encoder: 'simple_video_stream'] settings:"
# (also "FFmpeg NVENC encoder", "qsv encoder", "FFmpeg VAAPI encoder"), or
# without the word for OBS 30.2's NVENC and AMF ("[obs-nvenc: 'x']",
# "[texture-amf-h264: 'x']"); then one tab-indented "key: value" per line,
# each behind the log file's timestamp ("14:09:23.897: \tkeyint: 250").
# VideoToolbox and CoreAudio put a colon after the bracket ("[VideoToolbox
# streaming_h264: 'h264']: settings:"), and some lines of a block are not
# "key: value" at all ("vt_encoder_id   com.apple...", "2-pass: false").
_SETTING = re.compile(r"^\s+([A-Za-z0-9_-][A-Za-z0-9_ -]*?):\s+(\S.*)$")
# (No "[" inside a name: from every "[" of a long line, a name that could
# hold one would be scanned to the line's end.)
_ENCODER_HEADER = re.compile(r"\[([^\[\]:]+?)(?: encoder)?: '([^'\[\]]+)'\]:? settings:")
# The block of an audio encoder (CoreAudio's), read for its bitrate only,
# and a block that is not read (a later session's: the first one wins).
_AUDIO_BLOCK = "\0audio"
_SKIPPED_BLOCK = "\0skipped"
_TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d(?:\.\d+)?: ")
_AUDIO_ENCODERS = ("aac", "opus")
# Names one setting goes by in other encoders' blocks.
_SETTING_ALIASES = {"b-frames": "bf", "target_bitrate": "bitrate"}
# "[FFmpeg aac encoder: 'simple_aac'] bitrate: 160", "libfdk_aac bitrate: 160":
# the bracket is checked for an audio encoder's name after the match.
_AUDIO_BITRATE = re.compile(r"(\[[^\[\]]*\]|libfdk_aac)\s*bitrate:\s*(\d+)")
_SAMPLE_RATE = re.compile(r"samples per sec:\s*(\d+)")
_RESOLUTION = re.compile(r"output resolution:\s*(\d+)x(\d+)")
_FPS = re.compile(r"^\s*fps:\s*(\d+)/(\d+)")

# Most log lines (sources, scenes, audio devices) matter to nobody here.
# A line is read only if it holds one of these phrases, in any case (as
# seen by fold_case); every pattern above except _SETTING needs one, so the
# lower-cased phrases also guard the individual patterns below.
_INTERESTING = (
    "frames due to",
    "disconnected from",
    "reconnecting in",
    "failed",
    "getaddrinfo",
    "resolve",
    "publish",
    "tls",
    "ssl",
    "connection to",
    "send error",
    "encoder",
    "settings:",
    "samples per sec",
    "resolution",
    "fps:",
    "fd_close",
    "successful",
    "writen",
    "libsrt",
    "whip_output",
    "libfdk_aac",
)
# Lines only OBS Classic prints: read only in a Classic log.
_CLASSIC_INTERESTING = ("handshake", "frames dropped", "stalled for")
# Every alternative of _CONNECT_ERROR holds one of these.
_CONNECT_ERROR_WORDS = ("failed", "getaddrinfo", "resolve", "publish", "tls", "ssl")

_ENCODER_SETTINGS = frozenset(
    {
        "rate_control",
        "bitrate",
        "keyint",
        "fps_num",
        "fps_den",
        "width",
        "height",
        "profile",
        "preset",
        "bf",
        "keyint_sec",
        "cqp",
        "buffer_size",
        "b-frames",
        "target_bitrate",
    }
)

# librtmp / socket error numbers seen in OBS logs -> error enum.
SOCKET_ERRORS = {
    "32": "broken_pipe",
    "104": "broken_pipe",
    "10053": "broken_pipe",
    "10054": "broken_pipe",
    "10061": "connection_refused",
    "111": "connection_refused",
    "61": "connection_refused",
    "10060": "timeout",
    "110": "timeout",
    "60": "timeout",
    "10040": "message_too_long",
    "90": "message_too_long",
}


def _pct(raw: str) -> float | None:
    """OBS prints "0.4%", in some locales "0,4%", and OBS Classic "1.2e-05%"."""
    return percent(raw.replace(",", "."))


def _frames(raw: str) -> int | None:
    """A frame count, "1,234" in some locales."""
    return count(raw.replace(",", ""))


def _worse(pct: float | None, worst: float | None) -> bool:
    """A percentage worse than the worst so far (a log can hold several
    streaming sessions: the worst one is reported)."""
    return pct is not None and (worst is None or pct > worst)


def _seconds(line: str) -> float | None:
    m = _TIME.match(line.strip())
    if not m:
        return None
    h, mi, sec, frac = m.groups()
    return int(h) * 3600 + int(mi) * 60 + int(sec) + (float("0." + frac) if frac else 0.0)


# A publish that ended this soon after "Connection ... successful" was
# refused by the ingest (a wrong or expired key, another publisher on the
# key), not cut by the network: seconds.
REFUSED_AFTER_CONNECT_S = 3.0


def parse_obs(text: str) -> ObsResult:
    result = ObsResult()
    result.classic = "Open Broadcaster Software v0." in text or "RTMPPublisher::" in text
    # fold_case keeps offsets, so its line indexes are those of text.
    phrases = _INTERESTING + _CLASSIC_INTERESTING if result.classic else _INTERESTING
    wanted = set(lines_containing(fold_case(text), phrases))
    current_encoder: str | None = None
    lines = text.split("\n")
    events: list[tuple[str, float | None, str]] = []
    for idx, raw_line in enumerate(lines):
        interesting = idx in wanted
        if current_encoder is None and not interesting:
            continue
        raw = raw_line.strip()
        if interesting:
            line = _PREFIX.sub("", raw_line, count=1)
            low = fold_case(line)
            if (
                "successful" in low
                or " failed: " in low
                or "disconnected from" in low
                or "reconnecting in" in low
                or "netstream" in low
                or "handshake" in low
            ):
                _connection_event(events, raw_line)
            if _read_event(result, line, low, raw):
                continue
            m = _ENCODER_HEADER.search(line) if "settings:" in low else None
            if m and any(a in m.group(1).lower() for a in _AUDIO_ENCODERS):
                audio_read = "audio_bitrate" in result.settings
                current_encoder = _SKIPPED_BLOCK if audio_read else _AUDIO_BLOCK
                continue
            if m:
                # Only the streaming encoder settings matter; recording encoders
                # also log blocks, the first video block of a session wins.
                if "video_encoder" in result.settings:
                    current_encoder = _SKIPPED_BLOCK
                else:
                    current_encoder = result.settings["video_encoder"] = m.group(1)
                continue
        if current_encoder is not None:
            body = _TIMESTAMP.sub("", raw_line, count=1) if raw_line[:1].isdigit() else raw_line
            if body[:1] in (" ", "\t"):  # still the block's indented lines
                if current_encoder != _SKIPPED_BLOCK and (sm := _SETTING.match(body)):
                    _read_block_line(result.settings, current_encoder, sm.group(1), sm.group(2))
                if not interesting:
                    continue
            else:
                current_encoder = None
        if interesting:
            _read_output_settings(result.settings, line, low)
    _connection_cycles(result, events)
    s = result.settings
    if (
        "resolution" not in s
        and isinstance(s.get("width"), int)
        and isinstance(s.get("height"), int)
    ):
        s["resolution"] = f"{s['width']}x{s['height']}"
    fps_num, fps_den = s.get("fps_num"), s.get("fps_den")
    if "fps" not in s and isinstance(fps_num, int) and isinstance(fps_den, int) and fps_den > 0:
        s["fps"] = round(fps_num / fps_den, 3)
    if isinstance(s.get("keyint"), int) and s.get("fps") and "keyint_sec" not in s:
        # x264, NVENC and AMF log keyint in frames (NVENC and x264 log 250
        # for "auto"); 0 means "auto" too.
        s["keyint_sec"] = round(s["keyint"] / float(s["fps"]), 2) if s["keyint"] else 0
    return result


def _read_block_line(settings: dict[str, object], block: str, key: str, value: str) -> None:
    """One "key: value" line of an encoder's settings block."""
    key, value = key.strip().replace(" ", "_"), value.strip()
    if block == _AUDIO_BLOCK:
        if key == "bitrate" and isinstance(bitrate := _num(value), int):
            settings.setdefault("audio_bitrate", bitrate)
    elif key in _ENCODER_SETTINGS and _SETTING_ALIASES.get(key, key) not in settings:
        _read_encoder_setting(settings, key, value)


def _read_encoder_setting(settings: dict[str, object], key: str, value: str) -> None:
    """One line of the video encoder's settings block, not read before."""
    key = _SETTING_ALIASES.get(key, key)
    encoder = str(settings.get("video_encoder", "")).lower()
    if key == "keyint" and (encoder.startswith("qsv") or value.endswith("(s)")):
        # QuickSync and VideoToolbox log the interval in seconds ("2 (s)").
        settings[key] = _num(value)
        seconds = _num(value.removesuffix("(s)").strip())
        if isinstance(seconds, int | float):
            settings["keyint_sec"] = seconds
        return
    # VideoToolbox: "bitrate:               6000 (kbps)".
    settings[key] = _num(value.removesuffix("(kbps)").strip())


def _read_event(result: ObsResult, line: str, low: str, raw: str) -> bool:
    """Record a frame-statistics, connection or send-error line; True if it was one.

    ``line`` has its timestamp/level prefix removed, ``low`` is
    ``fold_case(line)`` (for the cheap phrase tests), ``raw`` is the
    stripped input line kept as evidence.
    """
    if "frames dropped" in low:
        m = _CLASSIC_DROPPED.search(line)
        if m:
            pct = _pct(m.group(2))
            if _worse(pct, result.dropped_frames_network_pct):
                result.dropped_frames_network_pct = pct
                result.dropped_frames_network = _frames(m.group(1))
            result.evidence.setdefault("dropped", []).append(raw)
            return True
    if "stalled for" in low or "since last send" in low:
        if _STALL.search(line):
            result.evidence.setdefault("stalls", []).append(raw)
    if "frames due to" in low:
        m = _DROPPED.search(line)
        if m:
            pct = _pct(m.group(2))
            # Several streaming sessions in one log: report the worst one.
            if _worse(pct, result.dropped_frames_network_pct):
                result.dropped_frames_network_pct = pct
                result.dropped_frames_network = _frames(m.group(1))
            result.evidence.setdefault("dropped", []).append(raw)
            return True
        m = _SKIPPED.search(line)
        if m:
            pct = _pct(m.group(3))
            if _worse(pct, result.skipped_frames_encoder_pct):
                result.skipped_frames_encoder_pct = pct
            result.evidence.setdefault("skipped", []).append(raw)
            return True
        m = _LAGGED.search(line)
        if m:
            pct = _pct(m.group(2))
            if _worse(pct, result.lagged_frames_render_pct):
                result.lagged_frames_render_pct = pct
            result.evidence.setdefault("lagged", []).append(raw)
            return True
    if "disconnected from" in low and _DISCONNECT.search(line):
        result.disconnects += 1
        result.evidence.setdefault("disconnects", []).append(raw)
        return True
    if "reconnecting in" in low and _RECONNECT.search(line):
        result.reconnect_attempts += 1
        result.evidence.setdefault("reconnects", []).append(raw)
        return True
    if "mpegts muxer" in low and _read_srt_line(result, line, raw):
        return True
    if "whip_output" in low and _read_whip_line(result, line, raw):
        return True
    m = _CONNECT_FAILED.search(line) if "connection to" in low else None
    if m or (any(word in low for word in _CONNECT_ERROR_WORDS) and _CONNECT_ERROR.search(line)):
        result.evidence.setdefault("connect_errors", []).append(raw)
        error = _classify_connect_error(line)
        if error and result.error is None:
            result.error = error
        return True
    m = _SEND_ERROR.search(line) if (" error " in low or "fd_close" in low) else None
    if m:
        result.evidence.setdefault("send_errors", []).append(raw)
        if result.error is None:
            result.error = SOCKET_ERRORS.get(m.group(1) or m.group(2))
        return True
    return False


def _read_srt_line(result: ObsResult, line: str, raw: str) -> bool:
    """A line of OBS's SRT output (obs-ffmpeg-srt.h, obs-ffmpeg-mpegts.c);
    True if it was one.

    A rejected connect logs libsrt's error first ("Connection setup failure:
    connection rejected"), then what OBS made of it ("Wrong password",
    "Connection rejected, <reason>"). A handshake nobody answered logs no
    libsrt line at all: only the output's "Failed to open the url or
    invalid stream" (or "Server unreachable"), with no rejection before it.
    """
    m = _SRT_LINE.search(line)
    if m is None:
        return False
    result.output = "srt"
    text = m.group("text").strip()
    low = text.lower()
    reject = error = None
    if low.startswith("wrong password"):
        reject = "passphrase"
    elif low.startswith("connection rejected"):
        reject = srt_reject_kind(text)
    elif low.startswith("connection timed out") or "connection time-out" in low:
        error = "timeout"
    elif low.startswith("failed to resolve hostname"):
        error = "dns_failure"
    elif low.startswith("connection to") and "failed" in low:
        error = _classify_connect_error(text)
    elif low.startswith(("failed to open the url or invalid stream", "server unreachable")):
        error = "timeout"
    elif not low.startswith("connection setup failure"):
        return True  # "libsrt version ... loaded", the session summary
    result.evidence.setdefault("connect_errors", []).append(raw)
    if reject is not None:
        # A reason that names the cause outweighs the generic one
        # ("Unknown or erroneous") a reconnect loop logs before it.
        if result.srt_reject in (None, "peer"):
            result.srt_reject = reject
        error = "tls_error" if reject == "passphrase" else "forbidden"
    if error and result.error is None:
        result.error = error
    return True


def _read_whip_line(result: ObsResult, line: str, raw: str) -> bool:
    """A line of OBS's WHIP output; True if it was one.

    The HTTP request that offers the stream answers first ("Connect failed:
    HTTP endpoint returned response code 401"); then ICE connects the media
    over UDP. "PeerConnection state is now: Failed" before any "Connected"
    is ICE that never got through; after one, a connection that dropped.
    """
    m = _WHIP_LINE.search(line)
    if m is None:
        return False
    result.output = "whip"
    text = m.group("text").strip()
    error = None
    if text.startswith("PeerConnection state is now: Connected"):
        result.whip_connected = True
        return True
    if text.startswith("PeerConnection state is now: Failed"):
        if result.whip_connected:
            result.whip_connected = False
            result.disconnects += 1
            result.evidence.setdefault("disconnects", []).append(raw)
            return True
        result.ice_failed = True
        error = "timeout"
    elif status := _WHIP_STATUS.match(text):
        error = _WHIP_STATUSES.get(status.group(1))
    elif text.startswith("Connect failed: "):
        # curl's error: "Could not resolve host: ...", "Failed to connect to
        # ... port 443 after 3 ms: Couldn't connect to server" (refused or
        # unanswered, unsaid), a certificate problem.
        detail = text.removeprefix("Connect failed: ")
        if "resolve host" in detail.lower():
            error = "dns_failure"
        else:
            error = _classify_connect_error(detail) or (
                "connection_refused" if "connect to server" in detail.lower() else None)
    else:
        return True  # the other states, "Connect time: 412ms"
    result.evidence.setdefault("connect_errors", []).append(raw)
    if error and result.error is None:
        result.error = error
    return True


def _connection_event(events: list[tuple[str, float | None, str]], line: str) -> None:
    """Record a connection line: connected, reconnecting, or what ended one."""
    if _CONNECTED.search(line):
        events.append(("connected", _seconds(line), line.strip()))
    elif "Reconnecting in" in line:
        events.append(("reconnecting", _seconds(line), line.strip()))
    elif "Disconnected from" in line or "NetStream.Publish." in line or (
        "Connection to" in line and " failed: " in line
    ):
        events.append(("ended", _seconds(line), line.strip()))


def _connection_cycles(result: ObsResult, events: list[tuple[str, float | None, str]]) -> None:
    """Count publishes refused right after connecting and reconnects that failed.

    Reads the connection lines in order: "successful" (or Classic's
    "Completed handshake"), then what ended that connection ("Disconnected
    from", "failed: -3", NetStream.Publish.* refusals) and how soon.
    """
    last_connect: tuple[float | None, str] | None = None
    reconnecting = False
    # "Connection to ... failed: -3" (OBS_OUTPUT_INVALID_STREAM): the ingest
    # accepted the connection and refused the publish.  Several in a row
    # while reconnecting are each attempt refused right after connecting.
    invalid = [line for kind, _w, line in events
               if kind == "ended" and re.search(r"failed: -3\s*$", line)]
    if len(invalid) >= 2:
        result.refused_after_connect += len(invalid)
        result.evidence.setdefault("refused", []).extend(invalid[:3])
    for kind, when, line in events:
        if kind == "connected":
            result.connected += 1
            last_connect = (when, line)
            reconnecting = False
        elif kind == "reconnecting":
            reconnecting = True
        elif kind == "ended":
            if last_connect is not None:
                start, connect_line = last_connect
                quick = start is not None and when is not None and 0 <= when - start
                if quick and when - start <= REFUSED_AFTER_CONNECT_S:  # type: ignore[operator]
                    result.refused_after_connect += 1
                    result.evidence.setdefault("refused", []).extend([connect_line, line])
                last_connect = None
            elif reconnecting and "failed" in line and not re.search(r"failed: -3\s*$", line):
                result.failed_reconnects += 1
    # The log ends while OBS is still trying to reconnect: the stream did
    # not come back (a connect that hangs is how a dead path looks).
    if reconnecting and events and events[-1][0] == "reconnecting":
        result.failed_reconnects += 1


def _read_output_settings(settings: dict[str, object], line: str, low: str) -> None:
    """Audio bitrate / sample rate, output resolution and fps lines."""
    m = _AUDIO_BITRATE.search(line) if ("encoder" in low or "libfdk_aac" in low) else None
    if m and (m.group(1) == "libfdk_aac" or "encoder" in m.group(1) and any(
            name in m.group(1) for name in ("aac", "AAC", "opus"))):
        settings.setdefault("audio_bitrate", int(m.group(2)))
    m = _SAMPLE_RATE.search(line) if "samples per sec" in low else None
    if m:
        settings.setdefault("audio_sample_rate", int(m.group(1)))
    m = _RESOLUTION.search(line) if "resolution" in low else None
    if m:
        settings.setdefault("resolution", f"{m.group(1)}x{m.group(2)}")
    m = _FPS.search(line) if "fps:" in low else None
    # count(): an edited paste's 400-digit numerator would overflow the division.
    frames, seconds = (count(m.group(1)), count(m.group(2))) if m else (None, None)
    if frames is not None and seconds:
        settings.setdefault("fps", round(frames / seconds, 3))


def _num(value: str) -> object:
    """An encoder setting's value: a whole number, a reading, or the text as logged."""
    try:
        whole = int(value)
    except ValueError:
        number = reading(value)
        return value if number is None else number
    return whole if abs(whole) <= MAX_READING else value


def _classify_connect_error(line: str) -> str | None:
    low = line.lower()
    m = re.search(r"Connection to \S+ failed: (-\d+)\s*$", line)
    if m and "already publishing" not in low:
        return _OUTPUT_CODES.get(m.group(1))
    if "already publishing" in low or "badname" in low:
        return "already_publishing"
    if "getaddrinfo" in low or "unable to resolve" in low or "-2 (" in low and "resolve" in low:
        return "dns_failure"
    if "tls" in low or "ssl" in low or "certificate" in low:
        return "tls_error"
    for number, error in SOCKET_ERRORS.items():
        if re.search(rf"\b{number}\b", line):
            return error
    if "refused" in low:
        return "connection_refused"
    if "timed out" in low or "timeout" in low:
        return "timeout"
    if "unauthorized" in low or "rejected" in low or "403" in low:
        return "forbidden"
    return None
