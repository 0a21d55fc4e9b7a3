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
"""

from __future__ import annotations

import re

from .models import ObsResult
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
_DISCONNECT = re.compile(r"\] Disconnected from ")
_RECONNECT = re.compile(r"Reconnecting in [\d.]+ seconds")
_CONNECT_FAILED = re.compile(r"Connection to \S+ failed: (-?\d+)")
_CONNECT_ERROR = re.compile(
    r"failed to connect socket|getaddrinfo|Unable to resolve|already publishing|"
    r"NetStream\.Publish|TLS|SSL|Connection to .* failed",
    re.I,
)
_SEND_ERROR = re.compile(r"RTMP send error (\d+)")
_SETTING = re.compile(r"^\s+([a-z_ ]+?):\s+(\S.*)$")
_ENCODER_HEADER = re.compile(r"\[([^\]]+?) encoder: '([^']+)'\] settings:")
_AUDIO_BITRATE = re.compile(r"\[[^\]]*(?:aac|AAC|opus)[^\]]*encoder[^\]]*\]\s*bitrate:\s*(\d+)")
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
    "samples per sec",
    "resolution",
    "fps:",
)
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
    }
)

# librtmp / socket error numbers seen in OBS logs -> error enum.
_SOCKET_ERRORS = {
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


def _pct(raw: str) -> float:
    return float(raw.replace(",", "."))


def parse_obs(text: str) -> ObsResult:
    result = ObsResult()
    # fold_case keeps offsets, so its line indexes are those of text.
    wanted = set(lines_containing(fold_case(text), _INTERESTING))
    current_encoder: str | None = None
    for idx, raw_line in enumerate(text.split("\n")):
        interesting = idx in wanted
        if current_encoder is None and not interesting:
            continue
        raw = raw_line.strip()
        if interesting:
            line = _PREFIX.sub("", raw_line, count=1)
            low = fold_case(line)
            if _read_event(result, line, low, raw):
                continue
            m = _ENCODER_HEADER.search(line) if "encoder" in low else None
            if m:
                current_encoder = m.group(1)
                # Only the streaming encoder settings matter; recording encoders
                # also log blocks, the first video block of a session wins.
                if "video_encoder" not in result.settings:
                    result.settings["video_encoder"] = m.group(1)
                continue
        if current_encoder is not None:
            sm = _SETTING.match(raw_line)
            if (
                sm
                and "video_encoder" in result.settings
                and result.settings["video_encoder"] == current_encoder
            ):
                key, value = sm.group(1).strip().replace(" ", "_"), sm.group(2).strip()
                if key in _ENCODER_SETTINGS and key not in result.settings:
                    result.settings[key] = _num(value)
                continue
            if raw:
                current_encoder = None
        if interesting:
            _read_output_settings(result.settings, line, low)
    s = result.settings
    if (
        "resolution" not in s
        and isinstance(s.get("width"), int)
        and isinstance(s.get("height"), int)
    ):
        s["resolution"] = f"{s['width']}x{s['height']}"
    if "fps" not in s and isinstance(s.get("fps_num"), int) and s.get("fps_den"):
        s["fps"] = round(s["fps_num"] / s["fps_den"], 3)
    if isinstance(s.get("keyint"), int) and s.get("fps"):
        # obs-x264 logs keyint in frames; 0 means "auto" (x264's 250).
        s["keyint_sec"] = round(s["keyint"] / float(s["fps"]), 2) if s["keyint"] else 0
    return result


def _read_event(result: ObsResult, line: str, low: str, raw: str) -> bool:
    """Record a frame-statistics, connection or send-error line; True if it was one.

    ``line`` has its timestamp/level prefix removed, ``low`` is
    ``fold_case(line)`` (for the cheap phrase tests), ``raw`` is the
    stripped input line kept as evidence.
    """
    if "frames due to" in low:
        m = _DROPPED.search(line)
        if m:
            pct = _pct(m.group(2))
            # Several streaming sessions in one log: report the worst one.
            if result.dropped_frames_network_pct is None or pct > result.dropped_frames_network_pct:
                result.dropped_frames_network_pct = pct
                result.dropped_frames_network = int(m.group(1).replace(",", ""))
            result.evidence.setdefault("dropped", []).append(raw)
            return True
        m = _SKIPPED.search(line)
        if m:
            pct = _pct(m.group(3))
            if result.skipped_frames_encoder_pct is None or pct > result.skipped_frames_encoder_pct:
                result.skipped_frames_encoder_pct = pct
            result.evidence.setdefault("skipped", []).append(raw)
            return True
        m = _LAGGED.search(line)
        if m:
            pct = _pct(m.group(2))
            if result.lagged_frames_render_pct is None or pct > result.lagged_frames_render_pct:
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
    m = _CONNECT_FAILED.search(line) if "connection to" in low else None
    if m or (any(word in low for word in _CONNECT_ERROR_WORDS) and _CONNECT_ERROR.search(line)):
        result.evidence.setdefault("connect_errors", []).append(raw)
        error = _classify_connect_error(line)
        if error and result.error is None:
            result.error = error
        return True
    m = _SEND_ERROR.search(line) if "send error" in low else None
    if m:
        result.evidence.setdefault("send_errors", []).append(raw)
        if result.error is None:
            result.error = _SOCKET_ERRORS.get(m.group(1))
        return True
    return False


def _read_output_settings(settings: dict[str, object], line: str, low: str) -> None:
    """Audio bitrate / sample rate, output resolution and fps lines."""
    m = _AUDIO_BITRATE.search(line) if "encoder" in low else None
    if m:
        settings.setdefault("audio_bitrate", int(m.group(1)))
    m = _SAMPLE_RATE.search(line) if "samples per sec" in low else None
    if m:
        settings.setdefault("audio_sample_rate", int(m.group(1)))
    m = _RESOLUTION.search(line) if "resolution" in low else None
    if m:
        settings.setdefault("resolution", f"{m.group(1)}x{m.group(2)}")
    m = _FPS.search(line) if "fps:" in low else None
    if m and int(m.group(2)):
        settings.setdefault("fps", round(int(m.group(1)) / int(m.group(2)), 3))


def _num(value: str) -> object:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _classify_connect_error(line: str) -> str | None:
    low = line.lower()
    if "already publishing" in low or "badname" in low:
        return "already_publishing"
    if "getaddrinfo" in low or "unable to resolve" in low or "-2 (" in low and "resolve" in low:
        return "dns_failure"
    if "tls" in low or "ssl" in low or "certificate" in low:
        return "tls_error"
    for number, error in _SOCKET_ERRORS.items():
        if re.search(rf"\b{number}\b", line):
            return error
    if "refused" in low:
        return "connection_refused"
    if "timed out" in low or "timeout" in low:
        return "timeout"
    if "unauthorized" in low or "rejected" in low or "403" in low:
        return "forbidden"
    return None
