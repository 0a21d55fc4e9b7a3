"""librtmp's connect failures in text that is not an OBS or ffmpeg log.

The original librtmp (rtmpdump's; ffmpeg built with ``--enable-librtmp``,
OBS Classic and many encoder SDKs push through it) logs a failed TCP
connect as ``RTMP_Connect0, failed to connect socket. 10061 (Unknown
error)``. The number is the socket error; on Windows the text beside it is
always "Unknown error", as the C library has no text for Winsock numbers,
so the number is what is read. OBS Studio's own copy prints ``failed to
connect socket: <text> (10061)``; an OBS log is read by :mod:`.obs`, and
its lines are not read twice.
"""

from __future__ import annotations

import re

from .analysis import error_finding
from .models import Finding, ParsedAttachment
from .obs import SOCKET_ERRORS
from .scan import fold_case, lines_containing

# The parsers that read these lines in their own logs.
_READ_ELSEWHERE = ("obs-log", "ffmpeg")
_CONNECT_FAILED = re.compile(
    r"failed to connect socket(?:\. (\d{1,5}) \(|: [^\n]*\((\d{1,5})\)\s*$)", re.I
)


def analyse_librtmp(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """A finding for the first librtmp connect failure whose error is known."""
    if not text or parsed.detected in _READ_ELSEWHERE:
        return []
    lines = text.split("\n")
    for index in lines_containing(fold_case(text), ("failed to connect socket",)):
        line = lines[index].strip()
        m = _CONNECT_FAILED.search(line)
        error = SOCKET_ERRORS.get(m.group(1) or m.group(2)) if m else None
        if error:
            return [error_finding(error, [line], "librtmp")]
    return []
