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
_SEND_ERROR = re.compile(r"RTMP send error (\d+)")
_SETTING = re.compile(r"^\s+([a-z_ ]+?):\s+(\S.*)$")
_ENCODER_HEADER = re.compile(r"\[([^\]]+?) encoder: '([^']+)'\] settings:")

_INTERESTING = re.compile(
    r"frames due to|Disconnected from|Reconnecting in|failed|getaddrinfo|resolve|publish|"
    r"TLS|SSL|Connection to|send error|encoder|samples per sec|resolution|fps:",
    re.I,
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
    lines = [_PREFIX.sub("", ln, count=1) for ln in text.split("\n")]
    raw_lines = text.split("\n")
    current_encoder: str | None = None
    for idx, line in enumerate(lines):
        raw = raw_lines[idx].strip()
        # Most log lines (sources, scenes, audio devices) matter to nobody
        # here; one cheap test skips them.
        if current_encoder is None and not _INTERESTING.search(line):
            continue
        m = _DROPPED.search(line)
        if m:
            pct = _pct(m.group(2))
            # Several streaming sessions in one log: report the worst one.
            if result.dropped_frames_network_pct is None or pct > result.dropped_frames_network_pct:
                result.dropped_frames_network_pct = pct
                result.dropped_frames_network = int(m.group(1).replace(",", ""))
            result.evidence.setdefault("dropped", []).append(raw)
            continue
        m = _SKIPPED.search(line)
        if m:
            pct = _pct(m.group(3))
            if result.skipped_frames_encoder_pct is None or pct > result.skipped_frames_encoder_pct:
                result.skipped_frames_encoder_pct = pct
            result.evidence.setdefault("skipped", []).append(raw)
            continue
        m = _LAGGED.search(line)
        if m:
            pct = _pct(m.group(2))
            if result.lagged_frames_render_pct is None or pct > result.lagged_frames_render_pct:
                result.lagged_frames_render_pct = pct
            result.evidence.setdefault("lagged", []).append(raw)
            continue
        if _DISCONNECT.search(line):
            result.disconnects += 1
            result.evidence.setdefault("disconnects", []).append(raw)
            continue
        if _RECONNECT.search(line):
            result.reconnect_attempts += 1
            result.evidence.setdefault("reconnects", []).append(raw)
            continue
        m = _CONNECT_FAILED.search(line)
        if m or re.search(
            r"failed to connect socket|getaddrinfo|Unable to resolve|already publishing|"
            r"NetStream\.Publish|TLS|SSL|Connection to .* failed",
            line,
            re.I,
        ):
            result.evidence.setdefault("connect_errors", []).append(raw)
            error = _classify_connect_error(line)
            if error and result.error is None:
                result.error = error
            continue
        m = _SEND_ERROR.search(line)
        if m:
            result.evidence.setdefault("send_errors", []).append(raw)
            if result.error is None:
                result.error = _SOCKET_ERRORS.get(m.group(1))
            continue
        m = _ENCODER_HEADER.search(line)
        if m:
            current_encoder = m.group(1)
            # Only the streaming encoder settings matter; recording encoders
            # also log blocks, the first video block of a session wins.
            if "video_encoder" not in result.settings:
                result.settings["video_encoder"] = m.group(1)
            continue
        if current_encoder is not None:
            sm = _SETTING.match(raw_lines[idx])
            if (
                sm
                and "video_encoder" in result.settings
                and result.settings["video_encoder"] == current_encoder
            ):
                key, value = sm.group(1).strip().replace(" ", "_"), sm.group(2).strip()
                if key in (
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
                ):
                    result.settings.setdefault(key, _num(value))
                continue
            if raw_lines[idx].strip():
                current_encoder = None
        m = re.search(r"\[[^\]]*(?:aac|AAC|opus)[^\]]*encoder[^\]]*\]\s*bitrate:\s*(\d+)", line)
        if m:
            result.settings.setdefault("audio_bitrate", int(m.group(1)))
        m = re.search(r"samples per sec:\s*(\d+)", line)
        if m:
            result.settings.setdefault("audio_sample_rate", int(m.group(1)))
        m = re.search(r"output resolution:\s*(\d+)x(\d+)", line)
        if m:
            result.settings.setdefault("resolution", f"{m.group(1)}x{m.group(2)}")
        m = re.search(r"^\s*fps:\s*(\d+)/(\d+)", line)
        if m and int(m.group(2)):
            result.settings.setdefault("fps", round(int(m.group(1)) / int(m.group(2)), 3))
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
