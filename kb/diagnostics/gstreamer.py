"""What a GStreamer push prints when it fails: rtmp2sink and srtsink.

Integrators and many Linux-based hardware encoders push with a GStreamer
pipeline (``... ! flvmux ! rtmp2sink location=rtmp://...`` or ``... !
srtsink uri=srt://...``). ``gst-launch-1.0`` prints an element's error as
``ERROR: from element /GstPipeline:pipeline0/GstRtmp2Sink:rtmp2sink0:
<message>`` (a warning as ``WARNING: from element ...``); an application
logs the same message after its own prefix. The messages are the
elements' own, around GLib's:

- rtmp2sink (gst-plugins-bad gst/rtmp2/gstrtmp2sink.c, rtmp/rtmpclient.c):
  a failed connect or publish is ``Connection refused: <cause>``, ``Not
  authorized to connect: <cause>`` or ``Failed to connect: <cause>``, where
  the cause is GLib's (gio/gsocketclient.c ``Could not connect to <host>:
  Connection refused`` / ``Socket I/O timed out``, a resolver's ``Error
  resolving “<host>”: ...``, glib-networking's ``Unacceptable TLS
  certificate``) or the server's answer (``publish denied; stream already
  exists`` for NetStream.Publish.BadName, ``publish denied`` for
  NetStream.Publish.Denied, ``connection closed remotely`` when the server
  hangs up during the publish). A connection lost after the publish
  started is ``Connection error: <cause>``: rtmp2sink has no reconnect, so
  that ends the pipeline.
- srtsink (gst-plugins-bad ext/srt/gstsrtobject.c): a handshake the
  listener rejected is ``Failed to authenticate: <reason> (<code>)`` (a
  passphrase) or ``Error on SRT socket: <reason> (<code>)`` with libsrt's
  reason text (``Connection timeout`` when nothing answered); a connection
  that broke is ``Socket is broken or closed``. With ``auto-reconnect`` (on
  by default) each comes as a warning ending ``. Trying to reconnect``.

GStreamer 1.20 and older (Ubuntu 22.04's) print only the first words
(``Could not connect``, ``Not authorized to connect``, ``Failed to
connect``, ``Connection error``; srtsink's ``Error on SRT socket. Trying to
reconnect.``) and put the cause under ``Additional debug info:``, after the
line that names the source file and the element (``libsrt reported:
Incorrect passphrase``, or ``libsrt reported reject reason code 10`` with
libsrt 1.4.2 and older): the cause is read from there.

The lines are read only where the text says it is GStreamer's (the
element's path or name, or a message only these elements print), so an
unrelated "Connection error:" in another tool's log is not taken for one.
"""

from __future__ import annotations

import re

from .analysis import (
    closed_by_server_finding,
    dropped_mid_stream_finding,
    error_finding,
    srt_rejected_finding,
    srt_timeout_finding,
)
from .ffmpeg import srt_reject_kind
from .messages import msg
from .models import Finding, ParsedAttachment
from .scan import fold_case, lines_containing

# The parsers that read their own logs.
_READ_ELSEWHERE = ("obs-log", "ffmpeg")

# A line is GStreamer's if it holds one of these (lower case).
_MARKERS = ("from element", "rtmp2sink", "srtsink", "gstrtmp2", "gstsrt",
            "gst-resource-error", "srt socket")
# Every message read below holds one of these (lower case): the lines are
# found with them, as a debug log names the element on every line.
_PHRASES = ("connection refused", "not authorized to connect", "failed to connect",
            "could not connect", "connection error", "failed to authenticate",
            "error on srt socket", "socket is broken or closed", "publish denied")
# A pipeline that plays (rtmp2src, srtsrc) is a viewer's: not read here.
_SOURCE_ELEMENT = re.compile(r"Gst\w*Src:|\b(?:rtmp2src|srtsrc)\d*\b", re.I)
_MESSAGE_AFTER_ELEMENT = re.compile(r"from element (\S+): (.*)")

_SRT_AUTHENTICATE = re.compile(r"Failed to authenticate: (.+?) \((\d+)\)")
_SRT_SOCKET = re.compile(r"Error on SRT socket: (.+?) \((\d+)\)")
_SRT_BROKEN = re.compile(r"Socket is broken or closed")
_ALREADY_PUBLISHING = re.compile(r"publish denied; stream already exists")
_NOT_AUTHORIZED = re.compile(r"Not authorized to connect: ")
_LOST = re.compile(r"Connection error(?:: (.*))?$")
# "(domain:code)": how 1.20's own debug log (GST_DEBUG) words it.
_CONNECT_FAILED = re.compile(
    r"(?:Failed to connect|Connection refused|Could not connect)(?: \([^)]*\))?: (.*)")

# A first line whose cause 1.20 and older print under "Additional debug info:".
_CAUSE_BELOW = re.compile(
    r"^(?:Could not connect|Not authorized to connect|Failed to connect|Connection error|"
    r"Error on SRT socket\. Trying to reconnect\.)$")
# The debug info's first line: "../gst/rtmp2/gstrtmp2sink.c(1114): send_connect_error (): <path>:"
_DEBUG_SOURCE_LINE = re.compile(r"\.c\(\d+\): \w+ \(\): ")
_DEBUG_LOOKAHEAD = 4
_LIBSRT_REPORTED = re.compile(r"libsrt reported: (.+?)\s*$")
_LIBSRT_CODE = re.compile(r"libsrt reported reject reason code (\d+)")
# libsrt's srt_rejectreason_str() for the codes that say something here.
_SRT_REASONS = {10: "Incorrect passphrase", 11: "Password required or unexpected",
                16: "Connection timeout"}

# The cause of a failed connect, in GLib's words: (error enum, pattern).
_CAUSES: list[tuple[str, re.Pattern[str]]] = [
    ("dns_failure", re.compile(
        r"Error resolving|Name or service not known|Temporary failure in name resolution|"
        r"No address associated with hostname", re.I)),
    ("tls_error", re.compile(
        r"TLS certificate|TLS handshake|Server required TLS certificate", re.I)),
    ("connection_refused", re.compile(r"Connection refused", re.I)),
    ("timeout", re.compile(
        r"timed out|No route to host|Network is unreachable|Host is unreachable", re.I)),
]

# Who reported an error of the ffmpeg vocabulary (only rtmp2sink's are).
_RTMP2SINK = "GStreamer (rtmp2sink)"


def _message(line: str) -> str | None:
    """The element's message: after gst-launch's element path when there is
    one; None when the element is one that plays."""
    if _SOURCE_ELEMENT.search(line):
        return None
    m = _MESSAGE_AFTER_ELEMENT.search(line)
    return m.group(2) if m else line


def _cause_below(lines: list[str], index: int) -> tuple[str, str] | None:
    """(the cause, its line) from the debug info under line ``index``: the
    line after the one naming the source file, which ends in ":" when a
    cause follows."""
    cause_follows = False
    for line in lines[index + 1:index + 1 + _DEBUG_LOOKAHEAD]:
        line = line.strip()
        if line.startswith(("ERROR:", "WARNING:")):
            return None
        if _DEBUG_SOURCE_LINE.search(line):
            if not line.endswith(":"):
                return None
            cause_follows = True
        elif cause_follows and line:
            return line, line
    return None


def _srt_reason(detail: str) -> str | None:
    """libsrt's reason as 1.20's srtsink puts it in the debug info."""
    if m := _LIBSRT_REPORTED.search(detail):
        return m.group(1)
    if m := _LIBSRT_CODE.search(detail):
        code = int(m.group(1))
        return _SRT_REASONS.get(code) or (
            "Application-defined rejection reason" if code >= 1000 else "Peer rejected connection")
    return None


def _with_cause(message: str, lines: list[str], index: int) -> tuple[str, list[str]]:
    """The message with 1.20's cause put back as 1.22 prints it, and the
    extra evidence line it came from."""
    if not _CAUSE_BELOW.match(message):
        return message, []
    below = _cause_below(lines, index)
    if below is None:
        return message, []
    detail, line = below
    if message.startswith("Error on SRT socket"):
        reason = _srt_reason(detail)
        # 1.22's wording; 1.20 prints no reason code, so 0 stands in for it.
        return (f"Error on SRT socket: {reason} (0)", [line]) if reason else (message, [])
    return f"{message}: {detail}", [line]


def _connect_cause(cause: str) -> str | None:
    return next((error for error, pattern in _CAUSES if pattern.search(cause)), None)


def _kind_of(message: str) -> tuple[str, str | None] | None:
    """(what happened, detail) for one GStreamer message; None if it says nothing known.

    What happened: ``srt-reject`` (detail: passphrase / streamid / peer),
    ``srt-timeout``, ``srt-broken``, ``lost`` (detail: timeout or
    broken_pipe), ``closed`` (the server hung up during the publish), or an
    error enum of :mod:`.ffmpeg` (no detail).
    """
    if m := _SRT_AUTHENTICATE.search(message):
        return "srt-reject", srt_reject_kind(m.group(1))
    if m := _SRT_SOCKET.search(message):
        if "timeout" in m.group(1).lower():
            return "srt-timeout", None
        return "srt-reject", srt_reject_kind(m.group(1))
    if _SRT_BROKEN.search(message):
        return "srt-broken", None
    if _ALREADY_PUBLISHING.search(message):
        return "already_publishing", None
    if _NOT_AUTHORIZED.search(message):
        return "forbidden", None
    if m := _LOST.search(message):
        timed_out = _connect_cause(m.group(1) or "") == "timeout"
        return "lost", "timeout" if timed_out else "broken_pipe"
    if m := _CONNECT_FAILED.search(message):
        cause = m.group(1)
        if "connection closed remotely" in cause.lower():
            return "closed", None
        error = _connect_cause(cause)
        return (error, None) if error else None
    return None


def analyse_gstreamer(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """One finding per thing a GStreamer push reported, in the order first seen."""
    if not text or parsed.detected in _READ_ELSEWHERE:
        return []
    lines = text.split("\n")
    seen: dict[tuple[str, str | None], list[str]] = {}
    for index in lines_containing(fold_case(text), _PHRASES):
        line = lines[index].strip()
        folded = fold_case(line)
        if not any(marker in folded for marker in _MARKERS):
            continue
        message = _message(line)
        if message is None:
            continue
        message, cause_lines = _with_cause(message, lines, index)
        what = _kind_of(message)
        if what is not None:
            evidence = seen.setdefault(what, [])
            for shown in (line, *cause_lines):
                if len(evidence) < 3 and shown not in evidence:
                    evidence.append(shown)
    findings = [_finding(kind, detail, evidence) for (kind, detail), evidence in seen.items()]
    for finding in findings:
        finding.facts["pusher"] = "gstreamer"
    return findings


def _finding(kind: str, detail: str | None, evidence: list[str]) -> Finding:
    if kind == "srt-reject":
        return srt_rejected_finding(detail or "peer", evidence)
    if kind == "srt-timeout":
        return srt_timeout_finding(evidence)
    if kind == "srt-broken":
        return Finding.of(
            "srt-connection-broken",
            msg("gstreamer.srt.broken"),
            evidence=evidence,
            problems=["push.periodic-disconnect", "net.udp-blocked"],
            side="customer",
        )
    if kind == "lost":
        return dropped_mid_stream_finding(detail or "broken_pipe", evidence)
    if kind == "closed":
        return closed_by_server_finding(evidence)
    return error_finding(kind, evidence, _RTMP2SINK)
