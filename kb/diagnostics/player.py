"""What a web player and the browser print when a viewer cannot play.

The playback articles quote these lines and ask a viewer, or the page's
developer, for the browser console (F12) with the error in it. This pass
reads them from the whole text of every attachment:

- hls.js's ERROR events, as an app logs them (the data object Chrome
  previews, its JSON, or ``type details fatal code``) and as hls.js's own
  debug log prints them (``[warn] > [playlist-loader]: A network error
  (status 403) occurred while loading manifest``);
- flv.js and mpegts.js (``[IOController] > Loader error, code = 403, msg =
  Forbidden``, ``IOException: type = ...``, ``DemuxException: type =
  CodecUnsupported, info = Flv: Unsupported codec in video frame: 12``);
- video.js (``VIDEOJS: ERROR: (CODE:3 MEDIA_ERR_DECODE) ...``, its Chinese
  messages too) and its HLS engine's ``HLS playlist request error at URL``;
- the browser's own lines: a request Chrome or Firefox logs with its status
  or ``net::ERR_...``, CORS, mixed content, and the autoplay policy's
  ``NotAllowedError``;
- an Android app's ExoPlayer (Media3) in logcat: the status of
  ``InvalidResponseCodeException``, ``BehindLiveWindowException`` and the
  refused ``Cleartext HTTP traffic not permitted``.

The HTTP status a player was answered is read by :func:`player_statuses`
and weighed with curl's (:mod:`.responses`): a 403 is a 403 whoever asked.
Everything else becomes a finding here. Lines about a request that is not
for the stream (a page script, an analytics call) are not read. Nothing
here raises on any input: the engine's never-raise contract covers it.
"""

from __future__ import annotations

import functools
import re

from . import rules
from .messages import msg
from .models import Finding, HttpAnswer, ParsedAttachment
from .scan import fold_case, lines_containing

# A URL a player asks for: a playlist, a stream or a segment, or a live path.
MEDIA_URL = re.compile(r"\.(?:m3u8|flv|ts|m4s|mp4|mpd|aac)(?:[?#]|$)|/live/", re.I)
_URL = re.compile(r"(?:https?|wss?)://[^\s'\"\u201c\u201d\u2018\u2019<>()\[\]{},]+")
_LINE_NUMBER = re.compile(r"(?<=[^/:]):\d+$")

# Every pattern below needs one of these in its line (lower case). Each is
# a whole-text search (kb.diagnostics.scan), so they are few and shared.
_PHRASES = (
    # the browser's refusals
    "cors", "跨源", "access control", "allow-origin", "mixed", "混合", "insecure content",
    "notallowed", "autoplay is only", "didn't interact",
    # what the player could not decode or play
    "codec", "compatible", "兼容", "media_err", "_error_", "(code:", "corruption", "损坏",
    "could not be loaded", "格式不支持",
    # stalls, timeouts, cuts and failed loads
    # hls.js's buffer errors by name: a bare "buffer" is on every line of a
    # GStreamer debug log or an encoder's, and made each one a candidate.
    "bufferincompatible", "bufferaddcodec", "bufferappend", "bufferstalled",
    "bufferseekoverhole", "buffernudgeonstall", "bufferfull", "playback stalling",
    "timeout", "net::err", "earlyeof", "early-eof", "connection lost",
    "part-way", "中途失败", "loaderror", "network", "exception", "playlist request",
    "parsingerror", "extm3u", "levelemptyerror", "decrypterror",
    "while loading", "websocket connection to", "cleartext", "behind_live_window",
    # statuses (player_statuses)
    "loader error", "httpstatus", "http error", "response code", "get ", "status of",
    "status code", "coremediaerrordomain",
)

_CORS = re.compile(
    r"has been blocked by CORS policy|Cross-Origin Request Blocked|已拦截跨源请求"
    r"|cannot load \S+ due to access control checks"
    r"|No 'Access-Control-Allow-Origin' header is present"
)
# Each of these is two phrases in order: the second is looked for after the
# first's first match only (one pattern with ".*?" between them would rescan
# a long line from every occurrence of the first).
_MIXED = (
    (re.compile(r"Mixed Content: "), re.compile(r"This request has been blocked")),
    (re.compile(r"Blocked loading mixed active content|已阻止载入混合活动内容"), None),
    (re.compile(r"was not allowed to (?:run|display) insecure content"), None),
)
_AUTOPLAY = (
    (re.compile(r"NotAllowedError\b"),
     re.compile(r"play\(\)|play method|not allowed by the user agent")),
    (re.compile(r"Autoplay is only allowed when approved by the user"
                r"|play\(\) failed because the user didn't interact with the document"), None),
)
# flv.js/mpegts.js name the codec id (12: HEVC in the Chinese FLV
# extension) or the enhanced-RTMP FourCC; hls.js and video.js name no codec.
_FLV_CODEC = re.compile(r"Unsupported codec in video frame: (?P<codec>\w+)")
_CODEC = re.compile(
    r"manifestIncompatibleCodecsError|bufferIncompatibleCodecsError|bufferAddCodecError"
    r"|CODECS in variant not supported|\bfragParsingError\b"
)
# video.js's error 4 (and the element's MEDIA_ERR_SRC_NOT_SUPPORTED): the
# browser cannot play this format (HTTP-FLV on iPhone Safari, H.265), or the
# request failed; the other lines, or curl, tell which.
_SOURCE = re.compile(
    r"MEDIA_ERR_SRC_NOT_SUPPORTED|\(CODE:4\b|could not be loaded, either because the server"
    r"|视频因格式不支持或者服务器或网络的问题无法加载"
    r"|No compatible source was found for this media|无法找到此视频兼容的源"
    r"|DEMUXER_ERROR_COULD_NOT_OPEN|DEMUXER_ERROR_NO_SUPPORTED_STREAMS|DECODER_ERROR_NOT_SUPPORTED"
)
_DECODE = re.compile(
    r"MEDIA_ERR_DECODE|PIPELINE_ERROR_DECODE|\(CODE:3\b|\bbufferAppend(?:ing)?Error\b"
    r"|aborted due to a corruption problem|由于视频文件损坏"
)
_STALL = re.compile(
    r"bufferStalledError|Playback stalling at|bufferSeekOverHole|bufferNudgeOnStall"
)
# hls.js was answered with something that is not a playlist (an error or
# login page served with 200), or with a rendition's playlist that lists no
# segments (a transcode that takes the stream and produces nothing).
_NOT_A_PLAYLIST = re.compile(r"\bmanifestParsingError\b|no EXTM3U delimiter")
_EMPTY_RENDITION = re.compile(r"\blevelEmptyError\b")
# The browser refused more media (its Media Source quota is full: a TV, a
# set-top box, an old phone on a high bitrate), and an encrypted segment that
# its key does not open (the key URL answered with a page, not a key).
_BUFFER_FULL = re.compile(r"\bbufferFullError\b")
# ExoPlayer (Android apps): the position fell out of the live playlist's
# window (a long stall, the app back from the background), and an http://
# URL refused by Android 9 and later, which allow apps no plain HTTP.
_BEHIND_LIVE_WINDOW = re.compile(r"\bBehindLiveWindowException\b|\bERROR_CODE_BEHIND_LIVE_WINDOW\b")
_CLEARTEXT = re.compile(
    r"\bCleartext HTTP traffic (?:to \S+ )?not permitted|\bERROR_CODE_IO_CLEARTEXT_NOT_PERMITTED\b"
    # OkHttp's words for the same refusal, under an app's own HTTP stack
    r"|\bCLEARTEXT communication to \S+ not permitted"
)
_DECRYPT_FAILED = re.compile(r"\bfragDecryptError\b")
_TIMEOUT = re.compile(
    r"\b(?:manifest|level|frag|audioTrack|subtitleTrack|key)LoadTimeOut\b"
    r"|A network timeout occurred while loading|\bConnectingTimeout\b"
    r"|\btimeout while loading https?://"
)
# flv.js and mpegts.js log the cut as "Fetch stream meet Early-EOF" before
# they raise UnrecoverableEarlyEof (a live stream is never resumed).
_CUT = re.compile(
    r"\b(?:Unrecoverable)?EarlyEof\b|meet Early-EOF\b|Connection lost, trying reconnect"
    r"|MEDIA_ERR_NETWORK|\(CODE:2\b|fail part-way|网络错误导致视频下载中途失败"
)
# Chrome's network errors: the ones that say what happened to the connection.
_NET_ERROR = re.compile(r"net::(?P<error>ERR_[A-Z0-9_]+)")
_NET_KINDS = {
    "ERR_NAME_NOT_RESOLVED": "player-name-not-resolved",
    "ERR_INCOMPLETE_CHUNKED_ENCODING": "player-stream-cut",
    # The playback domain's https certificate: expired, not for this name,
    # or without its chain. A player in a page cannot "proceed anyway".
    **dict.fromkeys(
        ("ERR_CERT_DATE_INVALID", "ERR_CERT_COMMON_NAME_INVALID", "ERR_CERT_AUTHORITY_INVALID"),
        "player-certificate-invalid",
    ),
    **dict.fromkeys(
        ("ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_CONNECTION_ABORTED",
         "ERR_EMPTY_RESPONSE", "ERR_SSL_PROTOCOL_ERROR", "ERR_CONNECTION_TIMED_OUT",
         "ERR_TIMED_OUT", "ERR_CONNECTION_REFUSED", "ERR_ADDRESS_UNREACHABLE"),
        "player-connection-failed",
    ),
}
# A load that failed, its status not in the line: hls.js's load errors
# (status 0 when the browser got no answer), flv.js's fetch exception, and
# video.js's HLS engine, which names no status.
_LOAD_FAILED = re.compile(
    r"\b(?:manifest|level|frag|audioTrack|key)LoadError\b"
    r"|network error \(status \d+\) occurred while loading"
    r"|IOException: type = Exception\b|\bNetworkError,? Exception\b"
    r"|(?:^|\s)0 while loading https?://"
    r"|WebSocket connection to '[^']*' failed"
    r"|playlist request error at URL"
)

# The status a player was answered (player_statuses).
_STATUSES = (
    # hls.js's debug log and its errors' messages
    re.compile(r"network error \(status (?P<code>\d{3})\) occurred while loading"),
    re.compile(r"HTTP Error (?P<code>\d{3})\b"),
    re.compile(r"\b(?P<code>\d{3}) while loading (?P<url>https?://[^\s,]+)"),
    # flv.js / mpegts.js
    re.compile(r"Loader error, code = (?P<code>\d{3})\b"),
    # Chrome's and Firefox's network lines in the console (the URL is
    # Chrome's own, "URL" or "xxxx" when the customer masked it)
    re.compile(r"\bGET (?P<url>\S+)(?: net::ERR_\w+)? (?P<code>\d{3})(?: \(|\s*$)"),
    re.compile(r"\bGET (?P<url>\S+) \[HTTP/[\d.]+ (?P<code>\d{3})\b"),
    re.compile(r"Failed to load resource: the server responded with a status of (?P<code>\d{3})"),
    re.compile(r"The response had HTTP status code (?P<code>\d{3})\b"),
    # Chrome's WebSocket (HTTP-FLV over WebSocket) refused at its handshake
    re.compile(r"WebSocket handshake: Unexpected response code: (?P<code>\d{3})\b"),
    # ExoPlayer (Android apps)
    re.compile(r"InvalidResponseCodeException: Response code: (?P<code>\d{3})\b"),
    # AVPlayer (iOS and macOS apps, Safari's own HLS): "(CoreMediaErrorDomain
    # error -12660 - HTTP 403: Forbidden)", -12938 a 404
    re.compile(r"CoreMediaErrorDomain error -\d+ - HTTP (?P<code>\d{3})\b"),
)
# A player's error data naming a load error, then the response's code
# further on ("response: {code: 403", '"code":403', "fatal: true 403", or
# flv.js's "HttpStatusCodeInvalid, code = 403").
_STATUS_AFTER = (
    (re.compile(r"\b(?:manifest|level|frag|audioTrack|key)LoadError\b"),
     re.compile(r"(?:\bcode\W{1,4}|\bstatus\W{1,4}|\btrue |\bfalse )(?P<code>\d{3})\b")),
    (re.compile(r"\bHttpStatusCodeInvalid\b"), re.compile(r"\bcode\W{1,4}(?P<code>\d{3})\b")),
)


def _in_order(pairs, line: str):
    """The match of a (first, then) pair in ``line``: ``then`` searched after
    ``first``'s first match (``first``'s own match when ``then`` is None)."""
    for first, then in pairs:
        if m := first.search(line):
            if then is None:
                return m
            if m2 := then.search(line, m.end()):
                return m2
    return None


def _media_url(line: str) -> str | None:
    for m in _URL.finditer(line):
        # Neither a sentence's full stop ("... resource at <url>. (Reason:")
        # nor the line number Chrome puts after a resource's URL is the URL's.
        url = _LINE_NUMBER.sub("", m.group().rstrip(".:;"))
        if MEDIA_URL.search(url):
            return url
    return None


def _about_the_stream(line: str) -> bool:
    """Whether a line that names no stream URL may still be about the stream:
    it names no other URL, and Chrome's "Failed to load resource" names no
    other resource before it (``favicon.ico:1 Failed to load resource``)."""
    if _URL.search(line):
        return False
    resource, failed, _ = line.partition("Failed to load resource")
    if failed and (words := resource.split()):
        return bool(MEDIA_URL.search(_LINE_NUMBER.sub("", words[-1])))
    return True


@functools.lru_cache(maxsize=1)
def _candidate_lines(text: str) -> tuple[str, ...]:
    """The lines a pattern may match, stripped. The engine reads an
    attachment's statuses and its other lines in two passes
    (:mod:`.responses`, then here): the text is searched once."""
    if not text:
        return ()
    indexes = lines_containing(fold_case(text), _PHRASES)
    if not indexes:
        return ()
    lines = text.split("\n")
    return tuple(lines[i].strip() for i in indexes)


def player_statuses(text: str) -> list[HttpAnswer]:
    """Every HTTP error status a player or the browser logged in ``text``, in order.

    A 2xx or 3xx is not read: Chrome logs ``net::ERR_INCOMPLETE_CHUNKED_ENCODING
    200 (OK)`` for a stream that was cut, not for one that plays. Nor is
    three digits that are no HTTP status, such as ``000`` where a player
    logs the status of a request nobody answered (a failed load). A line
    that names a URL counts only when the URL is for the stream.
    """
    statuses = []
    for line in _candidate_lines(text):
        code = url = None
        for pattern in _STATUSES:
            if m := pattern.search(line):
                code = m.group("code")
                url = m.groupdict().get("url")
                break
        if code is None and (m := _in_order(_STATUS_AFTER, line)):
            code = m.group("code")
        if code is None or code[0] not in "45":  # only a client's or server's error
            continue
        if url is not None and not url.startswith(("http://", "https://")):
            if url.startswith("/"):  # a server's access log, not a browser's line
                continue
            url = None
        url = url or _media_url(line)
        if url is None and not _about_the_stream(line):
            continue
        if url is not None and not MEDIA_URL.search(url):
            continue
        statuses.append(HttpAnswer(url, code, line))
    return statuses


# What each finding's lines are, tried in this order (one per line).
_READS = (
    ("browser-cors-blocked", _CORS.search),
    ("browser-mixed-content", lambda line: _in_order(_MIXED, line)),
    ("browser-autoplay-blocked", lambda line: _in_order(_AUTOPLAY, line)),
    ("player-codec-unsupported", _FLV_CODEC.search),
    ("player-codec-unsupported", _CODEC.search),
    ("player-decode-error", _DECODE.search),
    ("player-source-unsupported", _SOURCE.search),
    ("player-not-a-playlist", _NOT_A_PLAYLIST.search),
    ("player-rendition-empty", _EMPTY_RENDITION.search),
    ("player-decrypt-failed", _DECRYPT_FAILED.search),
    ("player-buffer-full", _BUFFER_FULL.search),
    ("player-cleartext-blocked", _CLEARTEXT.search),
    ("player-behind-live-window", _BEHIND_LIVE_WINDOW.search),
    ("player-load-timeout", _TIMEOUT.search),
    ("player-stream-cut", _CUT.search),
    ("player-stalled", _STALL.search),
)
# Browser lines about a request: only the stream's requests count.
_NEEDS_MEDIA_URL = frozenset({"browser-cors-blocked", "browser-mixed-content"})
_ORDER = (
    "browser-mixed-content", "browser-cors-blocked", "browser-autoplay-blocked",
    "player-name-not-resolved", "player-connection-failed", "player-certificate-invalid",
    "player-cleartext-blocked", "player-codec-unsupported",
    "player-decode-error", "player-not-a-playlist", "player-rendition-empty",
    "player-decrypt-failed", "player-load-failed", "player-source-unsupported",
    "player-load-timeout", "player-buffer-full", "player-behind-live-window",
    "player-stream-cut", "player-stalled",
)
KINDS = frozenset(_ORDER)
# A finding that already says why a load failed makes these two redundant.
_EXPLAINS_LOAD_FAILED = frozenset({
    "browser-mixed-content", "browser-cors-blocked", "player-name-not-resolved",
    "player-connection-failed", "player-certificate-invalid", "player-load-timeout",
    "player-cleartext-blocked", "player-codec-unsupported",
    "player-not-a-playlist", "player-rendition-empty",
})
_UNEXPLAINED = ("player-load-failed", "player-source-unsupported")
# The error statuses that say what to fix (.responses reads them); a server
# error (502, 503) is for support to read and explains nothing here.
_STATUSES_READ = frozenset(
    code for code, kind in rules.HTTP_STATUS_KINDS.items() if kind != "http-ok")


class _Reading:
    """The lines, URLs and facts of each kind of finding, as they are read."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {}
        self.urls: dict[str, list[str]] = {}
        self.facts: dict[str, dict] = {}

    def add(self, kind: str, line: str, url: str | None) -> None:
        self.lines.setdefault(kind, []).append(line)
        if url and url not in self.urls.setdefault(kind, []):
            self.urls[kind].append(url)


def analyse_player(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """Findings from a player's or the browser's lines in one attachment's text."""
    lines = _candidate_lines(text)
    if not lines:
        return []
    read = _Reading()
    for line in lines:
        url = _media_url(line)
        load_failed = _LOAD_FAILED.search(line) if url or _about_the_stream(line) else None
        for kind, search in _READS:
            # video.js reports a playlist that failed to load as a network
            # error (CODE:2): a failed load, not a stream cut part-way.
            if kind == "player-stream-cut" and load_failed:
                continue
            if (m := search(line)) is None or (kind in _NEEDS_MEDIA_URL and url is None):
                continue
            read.add(kind, line, url)
            if "codec" in m.groupdict():
                read.facts.setdefault(kind, {})["codec"] = m.group("codec")
            break
        net = _NET_ERROR.search(line)
        if net and (kind := _NET_KINDS.get(net.group("error"))) and url is not None:
            read.add(kind, line, url)
            errors = read.facts.setdefault(kind, {}).setdefault("errors", [])
            if net.group("error") not in errors:
                errors.append(net.group("error"))
        if load_failed:
            read.add("player-load-failed", line, url)
    statuses = [s for s in player_statuses(text) if s.code in _STATUSES_READ]
    if any(kind in read.lines for kind in _UNEXPLAINED) and (
        _EXPLAINS_LOAD_FAILED & read.lines.keys() or statuses
    ):
        for kind in _UNEXPLAINED:
            read.lines.pop(kind, None)
    # An error page carries no CORS header: a request answered 403 or 404 is
    # refused by the browser too, and the status is the cause to fix first.
    refused = set(read.urls.get("browser-cors-blocked", []))
    if any(s.url in refused or (s.url is None and _CORS.search(s.line)) for s in statuses):
        read.lines.pop("browser-cors-blocked", None)
    findings = []
    for kind in _ORDER:
        if kind not in read.lines:
            continue
        evidence = read.lines[kind]
        urls = read.urls.get(kind, [])
        facts = {"attachment": parsed.name, "urls": urls, "lines": len(evidence),
                 **read.facts.get(kind, {})}
        findings.append(Finding.of(
            kind,
            _summary(kind, urls, len(evidence), facts),
            evidence=evidence[:3],
            problems=rules.problems_for(kind),
            facts=facts,
        ))
    return findings


def _summary(kind: str, urls: list[str], count: int, facts: dict):
    targets = ", ".join(urls[:2]) + (" …" if len(urls) > 2 else "") if urls else None
    if kind == "player-codec-unsupported":
        codec = facts.get("codec")
        if codec in ("12", "hvc1"):
            return msg("player.codec-hevc-flv", codec=codec)
        if codec is not None:
            return msg("player.codec-flv", codec=codec)
        return msg("player.player-codec-unsupported")
    if kind in ("player-connection-failed", "player-name-not-resolved",
                "player-certificate-invalid"):
        return msg(f"player.{kind}", errors=", ".join(facts.get("errors", [])),
                   targets=targets or msg("player.the-stream"))
    if kind == "player-stalled":
        return msg("player.player-stalled", count=count)
    if kind in ("browser-cors-blocked", "browser-mixed-content", "player-load-failed"):
        return msg(f"player.{kind}", targets=targets or msg("player.the-stream"))
    return msg(f"player.{kind}")
