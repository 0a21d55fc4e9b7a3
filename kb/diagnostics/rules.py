"""Rules and thresholds: the one place a network engineer tunes diagnosis.

How it works
------------
1. Parsers turn pastes into typed results; :mod:`analysis` turns those into
   findings (each with verbatim evidence lines and candidate problem codes).
2. :data:`FINDING_RULES` map a finding kind (optionally only for a role,
   protocol or region) to a problem code with a confidence.
3. :data:`KEYWORD_RULES` map phrases in the customer's description (English
   and Chinese) to problem codes with a confidence.
4. Contributions to the same problem combine as independent evidence:
   ``1 - prod(1 - c)``, so two weak signals beat one, and nothing reaches 1.
5. :func:`escalation` applies the escalation policy below.

Escalation policy: recommend a ticket only when support has to act
------------------------------------------------------------------------
- P1, recommended: the stream is down (``stream_down``): an outage is never
  self-service.
- P2, recommended: evidence from a pasted output points at the provider's
  side: a line that is down (every probe lost, a trace that dies past the
  customer's network), loss that starts at the long-haul (cross-border)
  jump and persists to the ingest, jitter that starts there, cross-border
  interference (resets, forged DNS answers).
- P3, recommended: the customer says the standard fix did not help
  (:data:`FIX_FAILED_PHRASES`), or the best explanation is a service only
  the provider runs (recording, transcoding, callbacks, quota, CDN/edge
  playback, relays) and no pasted output shows a customer-side cause.
- P4, not recommended: the evidence points at the customer's side (encoder
  settings, uplink, LAN or Wi-Fi, wrong key or URL, codec choice) or the
  question has a standard answer: the fix is shown first. If they escalate
  anyway it is P4.
- None, not recommended: nothing was described or pasted, or what was
  pasted looks healthy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import said

# Every problem code of the taxonomy (fixtures copy shared/taxonomy.toml).
PROBLEM_CODES: tuple[str, ...] = (
    "push.connect-refused",
    "push.auth-failed",
    "push.url-malformed",
    "push.tls-handshake",
    "push.dns-resolution",
    "push.duplicate-publisher",
    "push.periodic-disconnect",
    "net.loss-last-mile",
    "net.loss-cross-border",
    "net.high-latency-route",
    "net.jitter",
    "net.uplink-bandwidth",
    "net.mtu-fragmentation",
    "net.udp-blocked",
    "net.peak-hour-congestion",
    "net.line-failover",
    "net.ipv6-path",
    "enc.bitrate-too-high",
    "enc.keyframe-interval",
    "enc.encoder-overload",
    "enc.codec-unsupported",
    "enc.av-desync",
    "enc.audio-missing",
    "enc.bframes-webrtc",
    "play.viewer-buffering",
    "play.slow-startup",
    "play.high-latency",
    "play.forbidden-403",
    "play.not-found-404",
    "play.geo-restricted",
    "play.black-screen",
    "ops.recording-missing",
    "ops.transcode-failure",
    "ops.callback-failure",
    "ops.quota-exceeded",
    # second content round
    "push.restream-relay",
    "net.cross-border-interference",
    "play.browser-policy",
    "play.mobile-compat",
    "enc.poor-quality",
    "ops.backup-failover",
)

THRESHOLDS: dict[str, float] = {
    # A hop (or ping) loss at or above this counts as loss, in percent.
    "loss_significant_pct": 2.0,
    # Loss above this at the destination is severe (stream-breaking for RTMP).
    "loss_severe_pct": 5.0,
    # RTT step between consecutive answering hops that marks a long-haul /
    # cross-border segment, in ms (one ocean crossing adds 60-150 ms).
    "long_haul_step_ms": 60.0,
    # Destination RTT above which the route is "high latency", in ms.
    "high_rtt_ms": 180.0,
    # RTT that no single ocean crossing explains (China-Europe is about
    # 200 ms, China-South America about 300): above it a stable RTT is a
    # detour, below it a stable RTT across a long-haul jump is the distance.
    "very_high_rtt_ms": 300.0,
    # Jitter (mean |delta RTT| of consecutive pings, or mdev) above which a
    # live push stutters, in ms (SRT's default latency is 120 ms: a spread
    # this size eats a large share of it).
    "jitter_ms": 20.0,
    # Ping replies needed before their spread counts as jitter.
    "jitter_min_replies": 8,
    # RTT standard deviation at the destination of an mtr/WinMTR report
    # (mtr's StDev; (Wrst-Best)/4 for WinMTR) above which the path jitters.
    "path_jitter_stdev_ms": 15.0,
    # A push whose speed= stays below this (median after the first seconds)
    # cannot keep up with real time; progress lines needed to say so.
    "push_speed_min": 0.95,
    "push_speed_samples": 5,
    # OBS: dropped frames (network) percent worth acting on.
    "obs_dropped_pct": 1.0,
    # OBS: frames skipped by the encoder, percent.
    "obs_skipped_pct": 1.0,
    # OBS: frames missed by rendering, percent.
    "obs_lagged_pct": 5.0,
    # Disconnects in one log that suggest a periodic cut.
    "obs_disconnects_periodic": 2,
    # Recommended keyframe interval (seconds) and tolerance.
    "keyint_sec": 2.0,
    "keyint_tolerance_sec": 0.25,
    # Ping payload from which a total loss suggests an MTU black hole.
    "mtu_probe_bytes": 1400,
    # Upload needed for a stream, as a multiple of its total bitrate (the
    # uplink articles' rule: room for retransmissions and other traffic).
    "uplink_headroom": 1.5,
    # iperf3 UDP receiver jitter (RFC 3550's smoothed interarrival jitter)
    # above which the jitter article calls the line jittery, in ms: the
    # smoothing hides spikes several times this size.
    "udp_jitter_ms": 10.0,
    # Best confidence under which we call the symptom unexplained.
    "explained_confidence": 0.5,
    # Suggestions below this confidence are not shown.
    "min_confidence": 0.15,
}


@dataclass(frozen=True)
class FindingRule:
    """finding kind (+ optional answer filters) -> problem with confidence."""

    finding: str
    problem: str
    confidence: float
    role: str | None = None
    protocols: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    stream_down: bool | None = None  # only when the stream is (not) down


@dataclass(frozen=True)
class KeywordRule:
    """phrases in the description (+ optional role/protocol) -> problem."""

    phrases: tuple[str, ...]  # case-insensitive; "re:" prefix = regex
    problem: str
    confidence: float
    role: str | None = None
    protocols: tuple[str, ...] = ()


# The HTTP statuses of a playback URL that say where to look, by finding
# kind (responses.py, player.py): a redirect is a step, and a server error is
# for support to read.
HTTP_STATUS_KINDS = {
    "200": "http-ok",
    "401": "http-forbidden",
    "403": "http-forbidden",
    "451": "http-forbidden",
    "404": "http-not-found",
    "410": "http-not-found",
    "429": "http-too-many",
}

# A description that names a web player or one of its errors is a viewer's
# (the 403 and 404 words are then a playback URL's, not a push's).
PLAYER_WORDS = re.compile(
    r"hls\.js|flv\.js|mpegts\.js|video\.?js|dash\.js|shaka|exoplayer"
    r"|(?:manifest|level|frag|key)Load(?:Error|TimeOut)|manifestParsingError|levelEmptyError"
    r"|frag(?:Parsing|Decrypt)Error|buffer(?:Stalled|Append|AddCodec|Full)Error|bufferSeekOverHole"
    r"|bufferNudgeOnStall|HttpStatusCodeInvalid|CoreMediaErrorDomain"
    # Chrome's network errors, with or without their "net::" (ERR_CONNECTION_RESET).
    r"|MEDIA_ERR_|net::ERR_|\bERR_[A-Z_]{4,}|NotAllowedError"
    # A playlist is what a player loads, not what an encoder pushes.
    r"|\bm3u8\b"
    # So is a playback URL or domain, whatever its status.
    r"|\bplay(?:back)?[ -](?:url|link|domain)|播放(?:地址|链接|域名)|拉流(?:地址|域名)",
    re.IGNORECASE,
)


FINDING_RULES: tuple[FindingRule, ...] = (
    # path tools
    FindingRule("path-unreachable", "net.line-failover", 0.75),
    FindingRule("path-unreachable", "push.connect-refused", 0.6),
    FindingRule("path-unreachable", "net.line-failover", 0.15, stream_down=True),
    FindingRule("path-unreachable-local", "push.connect-refused", 0.6),
    FindingRule("path-unreachable-local", "net.loss-last-mile", 0.3),
    FindingRule("path-loss-last-mile", "net.loss-last-mile", 0.8),
    FindingRule("path-loss-transit", "net.loss-cross-border", 0.8),
    FindingRule("path-loss-transit", "net.peak-hour-congestion", 0.25),
    FindingRule("path-loss-transit", "net.line-failover", 0.15),
    FindingRule("path-jitter", "net.jitter", 0.75),
    FindingRule("long-haul-rtt-expected", "net.high-latency-route", 0.2),
    FindingRule("high-latency", "net.high-latency-route", 0.6),
    FindingRule("high-latency", "play.high-latency", 0.2, role="viewer"),
    FindingRule("ipv6-path", "net.ipv6-path", 0.2),
    FindingRule("route-standard-backbone", "net.peak-hour-congestion", 0.2),
    # ping
    FindingRule("ping-total-loss", "net.line-failover", 0.7),
    FindingRule("ping-total-loss", "push.connect-refused", 0.55),
    FindingRule("ping-total-loss", "net.line-failover", 0.15, stream_down=True),
    FindingRule("ping-unreachable", "net.line-failover", 0.6),
    FindingRule("ping-unreachable", "push.connect-refused", 0.55),
    FindingRule("ping-unreachable-local", "push.connect-refused", 0.45),
    # The customer's computer lost its route (Wi-Fi, adapter, VPN) or firewalled it.
    FindingRule("ping-unsent", "net.loss-last-mile", 0.6),
    FindingRule("ping-unsent", "push.connect-refused", 0.35),
    FindingRule("path-unsent", "net.loss-last-mile", 0.6),
    FindingRule("path-unsent", "push.connect-refused", 0.35),
    FindingRule("ping-loss", "net.loss-last-mile", 0.35),
    FindingRule("ping-loss", "net.loss-cross-border", 0.35),
    FindingRule("ping-loss", "net.loss-cross-border", 0.2, regions=("cn", "sea", "mea", "latam")),
    FindingRule("ping-loss-few", "net.loss-last-mile", 0.2),
    FindingRule("ping-loss-few", "net.loss-cross-border", 0.2),
    FindingRule("ping-jitter", "net.jitter", 0.65),
    FindingRule("ping-jitter", "play.viewer-buffering", 0.2, role="viewer"),
    FindingRule("ping-high-rtt", "net.high-latency-route", 0.55),
    FindingRule("ping-high-rtt-stable", "net.high-latency-route", 0.2),
    FindingRule("mtu-black-hole", "net.mtu-fragmentation", 0.8),
    FindingRule("ping-frag-needed", "net.mtu-fragmentation", 0.85),
    # OBS
    FindingRule("obs-network-drops", "net.uplink-bandwidth", 0.65),
    FindingRule("obs-network-drops", "enc.bitrate-too-high", 0.55),
    FindingRule(
        "obs-network-drops", "net.loss-cross-border", 0.2, regions=("cn", "sea", "mea", "latam")
    ),
    FindingRule("obs-encoder-skips", "enc.encoder-overload", 0.8),
    FindingRule("obs-render-lag", "enc.encoder-overload", 0.4),
    FindingRule("obs-disconnects", "push.periodic-disconnect", 0.6),
    FindingRule("obs-disconnects", "net.uplink-bandwidth", 0.2),
    FindingRule("obs-refused-after-connect", "push.auth-failed", 0.7),
    FindingRule("obs-refused-after-connect", "push.duplicate-publisher", 0.6),
    FindingRule("obs-reconnect-failing", "net.line-failover", 0.6),
    FindingRule("obs-reconnect-failing", "push.connect-refused", 0.55),
    FindingRule("obs-reconnect-failing", "net.line-failover", 0.3, stream_down=True),
    # A setting to change, not the cause of a failure the same log shows.
    FindingRule("keyframe-interval", "enc.keyframe-interval", 0.5),
    FindingRule("audio-sample-rate", "enc.av-desync", 0.4),
    FindingRule("audio-sample-rate", "enc.audio-missing", 0.25),
    # ffmpeg / OBS connect errors (one finding kind per error enum value)
    FindingRule("error-connection_refused", "push.connect-refused", 0.9),
    FindingRule("error-connection_refused", "push.url-malformed", 0.25),
    FindingRule("error-timeout", "push.connect-refused", 0.75),
    FindingRule("error-timeout", "net.udp-blocked", 0.5, protocols=("srt", "webrtc")),
    FindingRule("error-dns_failure", "push.dns-resolution", 0.9),
    FindingRule("error-dns_failure", "push.url-malformed", 0.3),
    FindingRule("error-forbidden", "push.auth-failed", 0.85, role="publisher"),
    FindingRule("error-forbidden", "play.forbidden-403", 0.85, role="viewer"),
    FindingRule("error-not_found", "play.not-found-404", 0.8, role="viewer"),
    FindingRule("error-not_found", "push.url-malformed", 0.6, role="publisher"),
    FindingRule("error-already_publishing", "push.duplicate-publisher", 0.95),
    FindingRule("error-tls_error", "push.tls-handshake", 0.85),
    FindingRule("error-broken_pipe", "push.periodic-disconnect", 0.55),
    FindingRule("error-broken_pipe", "net.uplink-bandwidth", 0.3),
    FindingRule("error-message_too_long", "net.mtu-fragmentation", 0.85),
    FindingRule("push-closed-by-server", "push.auth-failed", 0.6),
    FindingRule("push-closed-by-server", "push.url-malformed", 0.3),
    FindingRule("push-dropped-timeout", "push.periodic-disconnect", 0.5),
    FindingRule("push-dropped-timeout", "net.line-failover", 0.35),
    FindingRule("push-dropped-timeout", "net.line-failover", 0.4, stream_down=True),
    FindingRule("push-dropped-reset", "push.periodic-disconnect", 0.6),
    FindingRule("push-dropped-reset", "net.uplink-bandwidth", 0.3),
    FindingRule("push-slow-uplink", "net.uplink-bandwidth", 0.7),
    FindingRule("push-slow-uplink", "enc.bitrate-too-high", 0.55),
    FindingRule("push-slow-encoder", "enc.encoder-overload", 0.8),
    FindingRule("container-codec-mismatch-video", "enc.codec-unsupported", 0.9),
    FindingRule("container-codec-mismatch-audio", "enc.audio-missing", 0.8),
    FindingRule("container-codec-mismatch-audio", "enc.codec-unsupported", 0.6),
    FindingRule("srt-rejected-passphrase", "push.tls-handshake", 0.9),
    FindingRule("srt-rejected-streamid", "push.auth-failed", 0.85),
    FindingRule("srt-rejected-streamid", "push.url-malformed", 0.4),
    FindingRule("srt-rejected-peer", "push.auth-failed", 0.6),
    FindingRule("srt-connect-timeout", "net.udp-blocked", 0.7),
    FindingRule("webrtc-ice-failed", "net.udp-blocked", 0.8),
    FindingRule("srt-connect-timeout", "push.connect-refused", 0.55),
    # GStreamer's srtsink: the connection broke. At a push's start that is the
    # handshake failing; after a while, the path or the listener dropping it.
    FindingRule("srt-connection-broken", "push.periodic-disconnect", 0.5),
    FindingRule("srt-connection-broken", "net.udp-blocked", 0.45),
    FindingRule("non-monotonous-dts", "enc.av-desync", 0.6),
    FindingRule("odd-frame-size", "enc.codec-unsupported", 0.8),
    FindingRule("muxing-queue-overflow", "enc.audio-missing", 0.75),
    FindingRule("received-damaged", "net.loss-cross-border", 0.5),
    FindingRule("received-damaged", "net.loss-last-mile", 0.45),
    FindingRule("codec-unsupported", "enc.codec-unsupported", 0.8),
    FindingRule("codec-unsupported", "play.black-screen", 0.3, role="viewer"),
    FindingRule("bframes-webrtc", "enc.bframes-webrtc", 0.75),
    FindingRule("audio-not-aac", "enc.audio-missing", 0.7),
    FindingRule("audio-mp3-48k-flv", "enc.audio-missing", 0.7),
    FindingRule("audio-mp3-48k-flv", "enc.av-desync", 0.3),
    # where a push goes and what the path does to it (destinations.py)
    FindingRule("platform-push-failed", "push.restream-relay", 0.8),
    FindingRule("platform-push-dropped", "push.restream-relay", 0.35),
    FindingRule("rtmps-required", "push.restream-relay", 0.75),
    FindingRule("rtmps-push-unsupported", "push.restream-relay", 0.8),
    FindingRule("overseas-platform-blocked", "net.cross-border-interference", 0.45),
    FindingRule(
        "overseas-platform-blocked", "net.cross-border-interference", 0.35, regions=("cn",)
    ),
    FindingRule(
        "mainland-platform-blocked",
        "net.cross-border-interference",
        0.35,
        regions=("na", "eu", "sea", "latam", "mea"),
    ),
    FindingRule("tls-reset", "net.cross-border-interference", 0.75),
    FindingRule("tls-reset", "net.cross-border-interference", 0.3, regions=("cn",)),
    FindingRule("dns-forged-answer", "net.cross-border-interference", 0.85),
    FindingRule("dns-forged-answer", "push.dns-resolution", 0.25),
    FindingRule("route-via-tunnel", "net.cross-border-interference", 0.35),
    FindingRule("route-via-tunnel", "net.mtu-fragmentation", 0.25),
    # HTTP answers to a playback URL (responses.py)
    FindingRule("http-forbidden", "play.forbidden-403", 0.8),
    FindingRule("http-forbidden", "play.geo-restricted", 0.3),
    FindingRule("http-not-found", "play.not-found-404", 0.8),
    FindingRule("http-too-many", "ops.quota-exceeded", 0.75),
    # A web player's and the browser's lines (player.py): a viewer's side.
    FindingRule("browser-cors-blocked", "play.browser-policy", 0.9),
    FindingRule("browser-mixed-content", "play.browser-policy", 0.9),
    FindingRule("browser-autoplay-blocked", "play.browser-policy", 0.85),
    FindingRule("player-codec-unsupported", "enc.codec-unsupported", 0.8),
    FindingRule("player-codec-unsupported", "play.black-screen", 0.45),
    FindingRule("player-codec-unsupported", "play.mobile-compat", 0.2),
    FindingRule("player-decode-error", "play.black-screen", 0.65),
    FindingRule("player-decode-error", "enc.codec-unsupported", 0.35),
    FindingRule("player-name-not-resolved", "push.dns-resolution", 0.8),
    FindingRule("player-name-not-resolved", "net.cross-border-interference", 0.25),
    FindingRule("player-connection-failed", "net.cross-border-interference", 0.55),
    FindingRule("player-connection-failed", "play.geo-restricted", 0.35),
    FindingRule("player-certificate-invalid", "play.browser-policy", 0.85),
    FindingRule("player-load-failed", "play.browser-policy", 0.45),
    FindingRule("player-load-failed", "net.cross-border-interference", 0.3),
    FindingRule("player-load-failed", "play.not-found-404", 0.2),
    FindingRule("player-source-unsupported", "play.mobile-compat", 0.45),
    FindingRule("player-source-unsupported", "enc.codec-unsupported", 0.4),
    FindingRule("player-source-unsupported", "play.not-found-404", 0.2),
    FindingRule("player-source-unsupported", "play.forbidden-403", 0.2),
    FindingRule("player-not-a-playlist", "play.not-found-404", 0.6),
    FindingRule("player-not-a-playlist", "play.forbidden-403", 0.3),
    FindingRule("player-rendition-empty", "ops.transcode-failure", 0.7),
    FindingRule("player-rendition-empty", "play.not-found-404", 0.25),
    FindingRule("player-decrypt-failed", "play.forbidden-403", 0.6),
    FindingRule("player-buffer-full", "play.viewer-buffering", 0.6),
    FindingRule("player-buffer-full", "play.mobile-compat", 0.25),
    FindingRule("player-behind-live-window", "play.viewer-buffering", 0.7),
    FindingRule("player-cleartext-blocked", "play.mobile-compat", 0.85),
    FindingRule("player-load-timeout", "play.viewer-buffering", 0.55),
    FindingRule("player-load-timeout", "net.loss-cross-border", 0.3),
    FindingRule("player-stream-cut", "play.viewer-buffering", 0.45),
    FindingRule("player-stream-cut", "push.periodic-disconnect", 0.3),
    FindingRule("player-stalled", "play.viewer-buffering", 0.65),
    FindingRule("player-stalled", "net.loss-cross-border", 0.2),
    # DNS lookups that failed (lookups.py)
    FindingRule("dns-name-missing", "push.dns-resolution", 0.9),
    FindingRule("dns-name-missing", "push.url-malformed", 0.3),
    FindingRule("dns-lookup-failed", "push.dns-resolution", 0.85),
    # TCP port tests (ports.py): a viewer testing a playback port is not
    # told about pushing.
    FindingRule("port-refused", "push.connect-refused", 0.85, role="publisher"),
    FindingRule("port-refused", "push.url-malformed", 0.3, role="publisher"),
    FindingRule("port-timeout", "push.connect-refused", 0.85, role="publisher"),
    FindingRule("port-failed", "push.connect-refused", 0.8, role="publisher"),
    FindingRule("port-unreachable", "push.connect-refused", 0.7, role="publisher"),
    FindingRule("port-unreachable", "net.loss-last-mile", 0.3, role="publisher"),
    # Throughput tests (throughput.py): an upload short of the stream's
    # bitrate, UDP that arrives uneven or lossy at the stream's rate, loss
    # to a speed test's nearby server.
    FindingRule("uplink-below-bitrate", "net.uplink-bandwidth", 0.85, role="publisher"),
    FindingRule("uplink-below-bitrate", "enc.bitrate-too-high", 0.6, role="publisher"),
    FindingRule("uplink-no-headroom", "net.uplink-bandwidth", 0.65, role="publisher"),
    FindingRule("uplink-no-headroom", "enc.bitrate-too-high", 0.5, role="publisher"),
    FindingRule("udp-jitter", "net.jitter", 0.7),
    FindingRule("udp-loss", "net.udp-blocked", 0.5),
    FindingRule("udp-loss", "net.loss-cross-border", 0.45),
    FindingRule("speedtest-loss", "net.loss-last-mile", 0.6),
)

# An upload and a bitrate a description states (kb.diagnostics.said), read
# as the measured ones above but weaker, and with the two fixes weighing
# the same: a customer who states both asks "is my line enough?" or "what
# bitrate?", and the rest of their words tell which.
STATED_RATE_RULES = (
    FindingRule("uplink-below-bitrate", "net.uplink-bandwidth", 0.7),
    FindingRule("uplink-below-bitrate", "enc.bitrate-too-high", 0.7),
    FindingRule("uplink-no-headroom", "net.uplink-bandwidth", 0.5),
    FindingRule("uplink-no-headroom", "enc.bitrate-too-high", 0.5),
)


def problems_for(kind: str) -> list[str]:
    """The problem codes the rules give a finding kind, each once, in rule order."""
    return list(dict.fromkeys(r.problem for r in FINDING_RULES if r.finding == kind))


# Phrases are matched against the lower-cased description.
# Tencent's X5 browser core (WeChat, QQ), not the x5 inside a hex address
# that every pasted ffmpeg line has ("[flv @ 0x55d0c8a4e2c0]").
_X5 = "re:(?<![0-9a-z])x5(?![0-9a-f])"
# An unpaid balance or a used-up data package, and a stream that stopped:
# the billing rule below wants both, in either order. A phone's own data plan
# (手机流量, 4G 流量) is no account of ours.
_UNPAID_ZH = "(?:欠费|(?<!手机)(?<!4g)(?<!5g)(?<!4g )(?<!5g )流量包?(?:用完|用光|到期))"
_STOPPED_ZH = "(?:停|断|封|推不上|看不了|播不了)"
_UNPAID_EN = "(?:not paid|unpaid|didn't pay|hadn't paid|overdue)"
_STOPPED_EN = "(?:stopped|suspended|cut off|went down|went offline|dropped)"
# An average ping said to be fine ("average ping and packet loss look fine").
_PING_FINE_EN = ("\\b(?:average |avg |the )?ping\\b[^.;]{0,30}\\b(?:looks?|is|are|seems?)"
                 " (?:fine|ok|okay|normal|good)\\b")

# Two encoders and one stream key, in either order (the duplicate-publisher rule).
_TWO_ENCODERS_EN = ("(?:two|2|second|another|both|other) (?:encoders?|obs|computers?|pcs?"
                    "|laptops?|machines?|devices?|people|operators?)")
_TWO_ENCODERS_ZH = "(?:两台|两个|另一台|第二台|另外一台|同时)"
_ONE_KEY_ZH = "(?:同一个?|相同的?|一样的)(?:推流码|流名|推流地址|串流密钥|stream ?key)"
_OTHER_ENCODER_ZH = "(?:前面|之前|原来|第一台|先推|另一台|那台|这台|后面)"
# video.js's error 4 and the element's: a format this browser cannot play,
# or a request that failed.
_SOURCE_NOT_SUPPORTED = ("media_err_src_not_supported", "视频因格式不支持", "no compatible source",
                         "not support this video format", "video format not supported",
                         "不支持此视频格式", "不支持该视频格式")
# What a receiving ffmpeg prints for media damaged on the way.
_DAMAGED_MEDIA = ("packet corrupt (stream", "error while decoding mb")

# A network that lets only web pages out (a hotel's, a guest Wi-Fi): what
# it stops is a TCP push on its own port, or any UDP.
_WEB_ONLY = (r"(?:\bonly (?:allows?|lets? through|permits?|passes) (?:web|http|https|browsing)\b"
             r"|\bweb traffic only\b|只(?:能|允许|放行)(?:上网页|浏览网页|打开网页|http|80|443))")
# "4G works fine", "开手机热点秒连": the same encoder connects over the phone's
# network. Said of a push that fails, the network it fails on stops it (its
# port, or UDP), not the encoder or the ingest.
_MOBILE = r"(?:4g|5g|lte|hotspot|mobile data|cellular|tethering)"
# Words between them that turn it round ("works on Wi-Fi but fails on 4G",
# "4G doesn't work", 流量也不正常) end the phrase.
_GAP = r"(?:(?!but|fail|not|n't)[^.;,，])"
_MOBILE_WORKS = (
    r"(?:\b" + _MOBILE + r"\b" + _GAP + r"{0,24}?\b(?:works?|worked|is fine|fine|connects?"
    r"|connected|ok)\b"
    r"|\b(?:works?|worked|fine|connects?|connected)\b" + _GAP + r"{0,16}?\b(?:on|over|with|from) "
    r"(?:my |the |a )?(?:phone'?s? )?" + _MOBILE + r"\b"
    r"|(?:热点|4g|5g|流量)[^，。,.；;不没]{0,6}?(?:秒连|就好|正常|能推|可以|就行|推得上|连上|连得上"
    r"|没问题))"
)
_PUSH_FAILS = (r"(?:\bfail(?:s|ed|ing)?\b|(?:can'?t|cannot|won'?t|couldn'?t|doesn'?t) connect"
               r"|连不上|推不上|推不出去|推流失败|连接失败|连不了)")
# What a platform says of a stream that reaches it starved.
_POOR_NETWORK = ("poor network connection", "网络不佳", "网络状况不佳", "网络状态不佳")
# Which ports a firewall must let out ("which outbound ports", 放行哪些端口).
_WHICH_PORTS = (r"(?:\b(?:which|what) (?:outbound |inbound )?ports?\b"
                r"|(?:放行|开放|打开)(?:哪些|什么)端口)")

# A round trip said in words, in hundreds of ms ("RTT to ingest 250ms"),
# not a spike over a low average ("ping jumps to 800ms").
_RTT_IN_HUNDREDS = (
    r"\b(?:rtt|latency|ping)\b"
    r"(?:(?!jump|spike|swing|peak|max|occasional|sometimes|跳|偶尔|峰)[^.;,]){0,20}"
    r"(?<![\d.~\u2013-])(?:[2-9]\d\d|1\d\d\d)\s*ms\b"
)

# 300 ms or more, in digits or in Chinese, the unit often left out before 正常吗
# ("RTT三百多ms", "ping 320 ms", "ping三百多正常吗"): more than any route
# between China and Europe or North America takes (200 ms from Shanghai to
# Frankfurt is the distance).
_RTT_OVER_300 = (
    r"(?:\b(?:rtt|latency|ping)|延迟|时延)"
    r"(?:(?!jump|spike|swing|peak|max|occasional|sometimes|跳|偶尔|峰)[^.;,，。；？?]){0,40}?"
    r"(?:(?<![\d.~\u2013-])(?:[3-9]\d\d|1\d\d\d)(?!\d)|[三四五六七八九]百多?)\s*(?:ms|毫秒)?"
)
# "is that normal?", 正常吗: the customer asks what a round trip should be.
_IS_IT_NORMAL = r"(?:正常吗|正不正常|算正常|合理吗|\bis (?:that|this|it) normal\b|\bnormal\?)"

# The same in English: an ingest across the border from wherever the
# customer pushes (the place named is not where they are).
_ACROSS_THE_BORDER_EN = (
    "singapore|hong kong|tokyo|japan|seoul|korea|frankfurt|london|europe|usa|america|"
    "los angeles|silicon valley|new york|toronto|sydney|dubai|overseas|abroad|china|mainland|"
    "beijing|shanghai|guangzhou|shenzhen"
)
# Where a push from China crosses the border (and back home from abroad),
# as Chinese customers name it.
_ACROSS_THE_BORDER_ZH = (
    "海外|国外|境外|国内|香港|台湾|新加坡|东京|日本|首尔|韩国|曼谷|雅加达|吉隆坡|孟买|迪拜|"
    "法兰克福|伦敦|巴黎|阿姆斯特丹|欧洲|美国|美西|美东|洛杉矶|硅谷|纽约|多伦多|悉尼|圣保罗"
)


KEYWORD_RULES: tuple[KeywordRule, ...] = (
    KeywordRule(
        ("re:" + said.FIRST_HOPS_CLEAN, "从国际出口开始丢", "出口开始丢",
         "re:从(?:出国|出境|国际)[^，。,.；;]{0,6}开始丢",
         "re:loss (?:starts|begins) at the (?:hop after the )?(?:international|border|backbone)"),
        "net.loss-cross-border",
        0.5,
    ),
    KeywordRule(
        ("undersea cable", "submarine cable", "海缆", "海底光缆"), "net.loss-cross-border", 0.6
    ),
    KeywordRule(("re:" + said.ENCODER_CLEAN,), "play.viewer-buffering", 0.5),
    KeywordRule(("re:" + said.PUBLISHER_SIDE_FINE,), "play.viewer-buffering", 0.5),
    KeywordRule(
        ("connection refused", "econnrefused", "连接被拒绝", "拒绝连接", "无法连接推流"),
        "push.connect-refused",
        0.6,
    ),
    KeywordRule(
        (
            "re:(?<!\\d)1935(?!\\d).{0,80}(?:block|closed|封)",
            "connect timed out",
            "connect timeout",
            # ETIMEDOUT's own words, and how they are typed.
            "connection timed out",
            "connection timeout",
            "连接服务器超时",
            "rtmp connection failed",
            "连接超时",
            "推流超时",
            # OBS's dialog, and how Chinese engineers say it.
            "failed to connect to server",
            "推流连不上",
            "连不上服务器",
        ),
        "push.connect-refused",
        0.45,
    ),
    # Which ports to open for a push: the connect fix lists RTMP's, the UDP
    # fix SRT's and WebRTC's.
    KeywordRule(
        ("re:^(?![\\s\\S]*(?:udp|srt|webrtc|whip))[\\s\\S]*" + _WHICH_PORTS,),
        "push.connect-refused",
        0.6,
    ),
    KeywordRule(
        ("re:^(?=[\\s\\S]*(?:srt|webrtc|whip))[\\s\\S]*" + _WHICH_PORTS,),
        "net.udp-blocked",
        0.6,
    ),
    # (With SRT or WebRTC named, the UDP rule below reads it higher; a plain
    # search for the phrase keeps a long description linear.)
    KeywordRule(("re:" + _WEB_ONLY,), "push.connect-refused", 0.6),
    KeywordRule(("re:^(?=[\\s\\S]*" + _PUSH_FAILS + ")[\\s\\S]*" + _MOBILE_WORKS,),
                "push.connect-refused", 0.55),
    KeywordRule(("re:^(?=[\\s\\S]*(?:srt|webrtc|whip))(?=[\\s\\S]*" + _PUSH_FAILS
                 + ")[\\s\\S]*" + _MOBILE_WORKS,),
                "net.udp-blocked", 0.65),
    KeywordRule(
        ("re:^(?=[\\s\\S]*(?:srt|webrtc|whip))[\\s\\S]*" + _WEB_ONLY,),
        "net.udp-blocked",
        0.7,
    ),
    # A network that blocks 1935: the push over 443 (RTMPS) is the fix's way
    # round, as is a firewall that stops the encoder and not the browser.
    KeywordRule(
        ("re:\\b(?:push|stream|go) (?:over|on|through) (?:port )?443\\b", "走443", "用443",
         # (UDP named is the SRT and WebRTC fix's firewall.)
         "re:^(?![\\s\\S]*(?:udp|srt|webrtc|whip))[\\s\\S]*防火墙[^，。,.；;]{0,10}(?:拦|挡|封)"),
        "push.connect-refused",
        0.6,
    ),
    # A TCP port that does not answer: the push's connection, whatever the
    # network it is tried from.
    KeywordRule(
        ("re:(?<!\\d)1935(?!\\d).{0,80}(?:timeout|timed out|超时)",
         "re:(?:timeout|timed out|超时).{0,80}(?<!\\d)1935(?!\\d)"),
        "push.connect-refused",
        0.6,
    ),
    KeywordRule(
        (
            "invalid stream key",
            "stream key",
            "streamkey",
            "rotated keys",
            "rotated the key",
            "wrong key",
            # 推流码率 is the push's bitrate.
            "re:推流码(?!率)",
            "鉴权失败",
            "推流鉴权",
            "auth failed",
            "unauthorized",
        ),
        "push.auth-failed",
        0.55,
    ),
    KeywordRule(("re:(?<!\\d)403(?!\\d)",), "push.auth-failed", 0.45, role="publisher"),
    KeywordRule(
        (
            "malformed",
            "wrong url",
            "invalid url",
            "re:\\burl (?:is )?invalid",
            "地址无效",
            "url format",
            "app name",
            "推流地址错误",
            "地址格式",
            "推流地址不对",
        ),
        "push.url-malformed",
        0.55,
    ),
    # Which box the key goes in: the split of the address, though the words
    # "stream key" are there (the key fix's own words).
    KeywordRule(
        (
            "re:\\bwhere (?:do|should|does) (?:i|we|it) (?:put|enter|paste|go) "
            "the (?:stream )?key\\b",
            "re:\\bwhere does the (?:stream )?key go\\b",
            "re:\\bwhere does the part after the \\?",
            "re:\\b(?:server|url) (?:field|box)\\b[^.;]{0,40}\\bkey (?:field|box)\\b",
            "re:\\bkey (?:field|box)\\b[^.;]{0,40}\\b(?:server|url) (?:field|box)\\b",
            "re:\\bat the end of the (?:server|url|address)\\b[^.;]{0,30}\\bkey (?:field|box)\\b",
            "re:\\bseparate (?:url|server) and (?:stream )?key fields\\b",
            # How an SRT address carries the stream's name.
            "re:\\bhow (?:do|should|can) (?:i|we|you) (?:write|format|set|put) the (?:srt )?"
            "stream ?id\\b",
            # The key at the end of the server field and in the key field too.
            "re:\\b(?:again|twice) in (?:the )?stream key\\b",
            "re:\\bin (?:the )?stream key(?: box| field)? (?:as well|too)\\b",
            "re:\\balso (?:put|pasted?|entered|typed) the (?:stream )?key in (?:the )?"
            "stream key(?: box| field)?\\b",
            "re:\\b(?:whole|full|entire|complete) (?:rtmps? )?(?:link|url|address) with the "
            "(?:stream )?key (?:on|at) the end\\b",
            "re:\\b(?:whole|full|entire|complete) (?:rtmps? )?(?:link|url|address)\\b[^.;]{0,60}"
            "\\b(?:server|url) (?:box|field)\\b",
        ),
        "push.url-malformed",
        0.7,
    ),
    # How to split the address between the server and key fields: about
    # the URL, though the key is named.
    KeywordRule(
        (
            "re:(?:地址|url)[^。；;]{0,6}(?:怎么|咋|如何)拆",
            # 要不要带问号后面那段: where the part after the ? goes.
            "问号后面",
            # 整条填还是拆开填: the whole address in one box, or split in two.
            "re:(?:整条|一整条|完整)填?还是(?:拆开|分开)填?",
            "re:(?:拆开|分开)填还是(?:整条|一整条|完整)",
            "re:(?:串流密钥|密钥|推流码|stream key)[^。；;]{0,6}又填了一(?:遍|次)",
            "re:\\b(?:how|where) (?:do i|do we|to|should i|should we) split the (?:url|address)",
            "re:\\bthe key (?:again|twice|a second time) in (?:the )?(?:stream )?key\\b",
            "re:(?:推流)?地址[^，。,.；;]{0,10}(?:提示)?无效",
            # OBS's message for a server field it cannot parse.
            "invalid path or connection url",
        ),
        "push.url-malformed",
        0.6,
    ),
    KeywordRule(
        (
            "rtmps",
            "tls",
            "ssl",
            "certificate",
            "handshake",
            "证书",
            "握手",
            "passphrase",
            "密码不一致",
        ),
        "push.tls-handshake",
        0.4,
    ),
    # libsrt's answer to a passphrase that does not match, quoted from the
    # server's or the encoder's log: the caller was heard, and refused.
    KeywordRule(
        ("password required or unexpected", "incorrect passphrase"),
        "push.tls-handshake",
        0.75,
    ),
    KeywordRule(
        (
            "dns",
            "resolve",
            "could not resolve",
            "name or service not known",
            "解析失败",
            "域名解析",
            "解析不到",
        ),
        "push.dns-resolution",
        0.55,
    ),
    KeywordRule(
        (
            "already publishing",
            "already in use",
            "re:\\bstream ?name (?:is )?(?:already )?in use\\b",
            # A key the old connection still holds (after an encoder restart).
            "re:\\b(?:stream )?(?:key|name) (?:is )?still in use\\b",
            "re:\\bin use by the (?:old|previous|last|other) (?:connection|session|encoder)\\b",
            "stream is busy",
            "流名已被占用",
            "已被占用",
            # A phone app's words for it: 这个流正在被使用.
            "re:(?:流|推流码|流名|密钥)[^，。,.；;]{0,4}(?:正在|已经?|还在)被(?:使用|占用)",
            "re:(?:还|仍|一直)被[^，。,.；;]{0,8}占(?:用|着)",
            "重复推流",
        ),
        "push.duplicate-publisher",
        0.8,
    ),
    # Two encoders on one key, as customers tell it: the second one takes the
    # stream over and the first is dropped ("推流码" alone says the key is wrong).
    KeywordRule(
        (
            f"re:{_TWO_ENCODERS_EN}.{{0,40}}\\bsame (?:stream )?key",
            f"re:\\bsame (?:stream )?key.{{0,40}}{_TWO_ENCODERS_EN}",
            "re:\\b(?:got|gets|was|were|keeps getting) kicked\\b",
            "re:\\bkicks? (?:the )?(?:first|other|old)",
            f"re:{_TWO_ENCODERS_ZH}.{{0,20}}{_ONE_KEY_ZH}",
            f"re:{_ONE_KEY_ZH}.{{0,20}}{_TWO_ENCODERS_ZH}",
            # 挤掉 alone is also bandwidth taken by another application.
            f"re:{_OTHER_ENCODER_ZH}.{{0,10}}(?:挤|顶|踢)掉",
            f"re:(?:挤|顶|踢)掉了?{_OTHER_ENCODER_ZH}",
            "re:(?:挤|顶|踢)下线",
            f"re:\\bone (?:stream )?key\\b.{{0,20}}{_TWO_ENCODERS_EN}",
            # Two encoders taking the key in turn: the picture alternates.
            "re:\\b(?:flipping|flips|switching|jumping|alternating) between "
            "(?:our |the )?(?:two|2) (?:cameras|encoders|streams|feeds|pictures)\\b",
            "re:\\b(?:two|2) (?:different )?(?:streams|videos|pictures|feeds|cameras)\\b[^.;]{0,30}"
            "\\b(?:take|takes|taking|took) turns\\b",
            "re:(?:两个|两路|两台)[^，。,.；;]{0,6}(?:来回|交替)(?:跳|切|闪)",
            "re:\\balready using (?:this|that|the|our|my) (?:stream )?(?:name|key)\\b",
        ),
        "push.duplicate-publisher",
        0.7,
    ),
    KeywordRule(
        (
            "every hour",
            "every 30 min",
            "every few minutes",
            "periodically",
            "regular interval",
            "定时断开",
            "每隔",
            "周期性断",
            "固定时间断",
            "分秒不差",
            "exactly every",
            "re:(?:每|整)\\s*\\d+\\s*(?:分钟|小时)[^，。,.；;]{0,4}断",
        ),
        "push.periodic-disconnect",
        0.6,
    ),
    # A share of frames dropped by the network: the uplink did not carry them.
    KeywordRule(
        ("re:(?<![\\d.])[1-9]\\d?(?:\\.\\d+)?\\s*%\\s*dropped frames",),
        "net.uplink-bandwidth",
        0.6,
    ),
    # A cap on each user of the network the encoder is on: the uplink it has.
    KeywordRule(
        ("re:\\bper[- ]user (?:bandwidth )?(?:cap|limit)", "单用户限速", "每用户限速",
         "每个用户限速"),
        "net.uplink-bandwidth",
        0.6,
    ),
    # OBS's bitrate at zero for seconds: the connection stalled on the way out.
    KeywordRule(
        ("re:\\bbitrate (?:drops?|falls?|goes|went|dropped) to (?:zero|0)\\b",),
        "net.uplink-bandwidth",
        0.5,
    ),
    # Hundreds watching on one office link: the viewers' network, which the
    # buffering fix covers.
    KeywordRule(
        ("re:\\b\\d+ (?:staff|employees|people|users|students) (?:are )?watching\\b",
         "re:(?:几百|上百|上千|(?<!\\d)\\d+)(?:个)?(?:人|员工|同事)同时(?:看|观看)"),
        "play.viewer-buffering",
        0.55,
    ),
    # A viewer's picture that stops while the sound goes on: the player ran
    # out of video (the buffering fix's "freezes while the audio goes on").
    KeywordRule(
        ("re:\\b(?:picture|video|image|screen)\\b[^.;]{0,12}\\b(?:frozen|froze|freez\\w*|stuck)\\b"
         "[^.;]{0,40}\\b(?:hear|sound|audio|voice)\\b",),
        "play.viewer-buffering",
        0.55,
    ),
    # Gone for a moment and back: a connection dropped and made again.
    KeywordRule(
        ("re:\\bgo(?:es|ing)? offline\\b[^.;]{0,30}\\b(?:comes?|coming) back\\b",),
        "push.periodic-disconnect",
        0.55,
    ),
    # The same minute every day is a timer (a session limit, a scheduled
    # task), not the evening's load: "at 4am every night", 每天晚上12点准时断.
    KeywordRule(
        (
            "re:\\b(?:disconnect|drop(?:s|ped)? out|cuts? out|goes offline|stops)[^.;]{0,20}"
            "\\b(?:at|around) \\d{1,2}(?::\\d\\d)? ?(?:am|pm)\\b[^.;]{0,30}"
            "\\bevery (?:single )?(?:night|day|morning)\\b",
            "re:\\b(?:disconnect|drop(?:s|ped)? out|cuts? out|goes offline|stops)[^.;]{0,20}"
            "\\bevery (?:single )?(?:night|day|morning) at (?:around |about )?\\d{1,2}"
            "(?::\\d\\d)? ?(?:am|pm|o'clock)?\\b",
            "re:\\d{1,2}\\s*点[^，。,.；;]{0,6}(?:准时|整点?)[^，。,.；;]{0,4}断",
            "re:(?:准时|整点)断",
        ),
        "push.periodic-disconnect",
        0.65,
    ),
    KeywordRule(
        ("wifi", "wi-fi", "wireless", "router", "lan cable", "无线", "路由器", "网线", "局域网"),
        "net.loss-last-mile",
        0.4,
    ),
    KeywordRule(("packet loss", "丢包"), "net.loss-last-mile", 0.25),
    # Loss only once the stream crosses the border, fine inside either country.
    KeywordRule(
        ("re:一到(?:国内|国外|海外|境外|出境)就[^，。,.；;]{0,4}(?:丢包|卡)",
         "re:国内推国内看[^，。,.；;]{0,4}(?:都)?(?:没问题|正常|流畅)",
         # A push to an ingest across the border that loses packets on the way.
         f"re:推(?:流)?(?:到|去|往|回)(?:{_ACROSS_THE_BORDER_ZH})[^，。,.；;]{{0,10}}丢包",
         # "pushing to the singapore node drops frames, pushing to beijing is
         # fine": one ingest loses, another does not.
         f"re:\\bpush(?:ing|es)? to (?:the |our )?(?:{_ACROSS_THE_BORDER_EN})\\b[^.;,]{{0,20}}"
         "\\b(?:drops?|dropping|loses|losing|packet loss)\\b[^.;]{0,40}\\bpush(?:ing|es)? to "
         "(?:the |our )?[a-z ]{2,20}\\b(?:is|are|works?) (?:fine|ok|smooth)"),
        "net.loss-cross-border",
        0.6,
    ),
    # Loss that begins at the first hop (the customer's own router) and
    # carries on: the first hops' loss is the last mile's, as in a pasted mtr.
    KeywordRule(
        ("re:\\b(?:loss|drops?|dropping) (?:starts?|begins?) (?:right )?(?:at|from) (?:the )?"
         "(?:first|1st) hop\\b",
         "re:\\bfrom the (?:first|1st) hop on\\b",
         "re:(?:第一跳|第1跳|一跳)就(?:开始)?丢",
         "re:从第一跳(?:就|开始)[^，。,.；;]{0,4}丢"),
        "net.loss-last-mile",
        0.5,
    ),
    KeywordRule(
        (
            "cross-border",
            "cross border",
            "international",
            "overseas",
            "跨境",
            "国际",
            "海外",
            "出海",
            "出国",
            "出境",
            "境外",
            # TikTok's US storefront, as sellers pushing to it from China say.
            "美区",
        ),
        "net.loss-cross-border",
        0.4,
    ),
    # A platform's own warning that the stream reaching it is starved (TikTok
    # LIVE's "poor network connection"): the encoder's uplink, or the path.
    KeywordRule(_POOR_NETWORK, "net.uplink-bandwidth", 0.5),
    KeywordRule(_POOR_NETWORK, "net.loss-cross-border", 0.4),
    KeywordRule(
        (
            "high latency",
            "high ping",
            "high rtt",
            "delay is high",
            "延迟高",
            "时延高",
            "延时高",
            "绕路",
        ),
        "net.high-latency-route",
        0.45,
    ),
    KeywordRule(
        # A round trip of hundreds of ms with the detour named: the route, not
        # the distance (200 ms from Shanghai to Frankfurt is the distance).
        # A range, "swings 80-600ms", is the jitter fix's.
        ("re:\\b(?:via|through|detours?|breakout|绕)[\\s\\S]{0,80}" + _RTT_IN_HUNDREDS,
         "re:" + _RTT_IN_HUNDREDS + "[\\s\\S]{0,80}\\b(?:via|through|detours?|breakout|绕)"),
        "net.high-latency-route",
        0.55,
    ),
    # 300 ms or more, asked whether that is normal: the reference round
    # trips by distance in the route fix answer it.
    KeywordRule(
        # (The question looked for once first: a long text without it is
        # not walked number by number.)
        ("re:^(?=[\\s\\S]*" + _IS_IT_NORMAL + ")[\\s\\S]*" + _RTT_OVER_300 + r"[^。；;]{0,20}?"
         + _IS_IT_NORMAL,),
        "net.high-latency-route",
        0.5,
    ),
    KeywordRule(
        (
            "jitter",
            "抖动",
            # A ping that will not hold still.
            "re:\\b(?:ping|rtt|latency)\\s+(?:keeps\\s+|is\\s+)?jump(?:s|ing)\\b",
            "re:\\b(?:unstable|erratic|fluctuating) (?:ping|rtt|latency)\\b",
            "re:\\b(?:ping|rtt|latency) (?:is )?"
            "(?:unstable|erratic|fluctuating|all over the place)\\b",
            "re:(?:ping|rtt|延迟|时延|延时)\\s*值?\\s*(?:忽高忽低|时高时低|不稳定?)",
            # 偶尔跳到 800ms: a spike over a low average.
            "re:(?:ping|rtt|延迟|时延|延时)[^，。,.；;]{0,6}(?:偶尔|时不时|经常|有时)会?跳到",
            "re:\\b(?:ping|rtt|latency)\\b[^.;,]{0,20}\\b(?:spikes?|jumps?) to\\b",
        ),
        "net.jitter",
        0.55,
    ),
    KeywordRule(
        (
            "upload speed",
            "upload bandwidth",
            "uplink",
            "dropped frames",
            "上行带宽",
            "上传带宽",
            "上传速度",
            "带宽不足",
            "网速慢",
            "丢帧",
        ),
        "net.uplink-bandwidth",
        0.45,
    ),
    KeywordRule(
        ("mtu", "mss", "fragment", "vpn", "tunnel", "分片", "隧道"), "net.mtu-fragmentation", 0.4
    ),
    # Big ones fail where small ones pass: the MTU's signature.
    KeywordRule(
        ("re:大(?:包|文件|视频|数据包)[^。；;]{0,20}小(?:包|文件|视频|数据包)[^。；;，,]{0,6}"
         "(?:没问题|正常|可以|能|通)",
         "re:\\b(?:big|large) (?:packets?|files?|uploads?|pings?)\\b[^.;]{0,40}\\bsmall "
         "(?:ones?|packets?|files?|uploads?|pings?)\\b[^.;]{0,15}\\b(?:fine|ok|work|pass)",
         # Packets over a size, counted in bytes, lost.
         "re:(?:大于|超过)\\s*\\d{3,4}\\s*(?:字节|bytes?)[^。；;]{0,20}(?:丢|不通|过不去)",
         "re:\\b(?:over|above|larger than|bigger than) \\d{3,4} ?bytes?\\b[^.;]{0,30}"
         "\\b(?:lost|dropped|fail|never)"),
        "net.mtu-fragmentation",
        0.7,
    ),
    KeywordRule(
        ("udp", "srt cannot connect", "webrtc cannot connect", "quic", "udp 被封", "udp被封"),
        "net.udp-blocked",
        0.45,
    ),
    KeywordRule(("udp",), "net.udp-blocked", 0.2, protocols=("srt", "webrtc")),
    # A UDP protocol that never gets going, in the words people use for it:
    # WebRTC play that spins, SRT that stays on connecting (TCP pushes work).
    # Not when encryption is what stops it ("SRT开了加密就连不上"): the
    # passphrase's fix.
    KeywordRule(
        (
            "re:(?:webrtc|whip|srt)(?:(?!加密|密码|passphrase|encrypt)[^,.;，。；]){0,16}"
            "(?:转圈|连不上|连接不上|一直 ?(?:连接中|connecting)|没反应|"
            "spinning|spins|stuck (?:on )?connecting|never connects|won't connect|"
            "will not connect|keeps connecting|not connecting|(?:doesn't|does not|can't|cannot) "
            "connect)",
            # ... and the other way round: "cannot reach our srt listener".
            "re:(?:cannot|can't|can not|unable to) (?:reach|connect to)[^,.;]{0,24}"
            "(?:srt|webrtc|whip)\\b",
        ),
        "net.udp-blocked",
        0.5,
    ),
    # The same network pushes RTMP (TCP) but not SRT or WebRTC (UDP).
    KeywordRule(
        ("re:(?:srt|webrtc|whip)[^。.]{0,24}(?:推不|连不|不行|失败|超时|fail|won't|doesn't|"
         "does not|can't|cannot|time[sd]? ?out)[^。.]{0,40}rtmp[^，。,.;]{0,24}"
         "(?:可以|能推|正常|没问题|works|is fine|fine)",),
        "net.udp-blocked",
        0.6,
    ),
    # libsrt's failure where RTMP to the same server works, or a handshake
    # sent with nothing coming back: UDP lost on the way.
    KeywordRule(
        ("re:connection setup failure[\\s\\S]{0,200}\\brtmp\\b[^.;]{0,30}"
         "\\b(?:works|is fine|goes through)\\b",
         "re:\\bhandshake[^.;]{0,40}\\b(?:nothing|no reply|no answer|no response)\\b"
         "[^.;]{0,15}\\bback\\b"),
        "net.udp-blocked",
        0.65,
    ),
    # Only TCP 443 let out: what SRT and WebRTC need is UDP.
    KeywordRule(
        ("re:(?:webrtc|srt|whip|udp)[\\s\\S]{0,80}\\bonly (?:tcp )?(?:port )?443\\b",
         "re:\\bonly (?:tcp )?(?:port )?443\\b[\\s\\S]{0,80}(?:webrtc|srt|whip|udp)"),
        "net.udp-blocked",
        0.65,
    ),
    # An SRT handshake that times out never got an answer: UDP dropped on
    # the way, as the log's "srt-connect-timeout" finding says (a wrong
    # passphrase is answered, and refused: the TLS and encryption fix).
    KeywordRule(
        ("re:\\bsrt\\b[^,.;，。；]{0,24}(?:time[sd]? ?out|超时)",
         # libsrt's own words for it, quoted with whatever the tool put before
         # ("connection time out." in releases that kept UDT's wording).
         "re:connection setup failure: connection time(?:d)? ?out"),
        "net.udp-blocked",
        0.65,
    ),
    KeywordRule(
        ("evening", "peak hour", "prime time", "at night", "晚高峰", "高峰期", "晚上"),
        "net.peak-hour-congestion",
        0.55,
    ),
    # An evening window ("8-11pm", "from 7pm to 11pm") or every night with the
    # mornings fine: the evening's load, told with the hours.
    KeywordRule(
        (
            "re:\\b(?:[5-9]|1[01])(?::\\d\\d)? ?(?:pm)? ?(?:-|–|to|until|till) ?"
            "(?:[6-9]|1[0-2])(?::\\d\\d)? ?pm\\b",
            "re:\\bevery (?:night|evening)\\b[^.;]{0,60}\\b(?:mornings?|afternoons?|daytime|"
            "during the day)\\b[^.;]{0,30}\\b(?:fine|ok|okay|smooth|clean|perfect)\\b",
        ),
        "net.peak-hour-congestion",
        0.6,
    ),
    KeywordRule(
        (
            "dedicated line down",
            "line down",
            "failover",
            "backup line",
            "backup path",
            "backup route",
            "re:\\b(?:dedicated|leased|private|international) line\\b[^.;]{0,30}"
            "\\b(?:down|cut|dead)\\b",
            # The line itself failing over, not a backup stream taking over.
            "re:\\b(?:iplc|iepl|mpls|sd-wan|line|circuit|link)\\b[^.;]{0,40}"
            "\\bfail(?:ed|s|ing)? ?over\\b",
            "re:\\bfail(?:ed|s)? over to (?:the |our |a )?(?:backup|secondary|standby|second) "
            "(?:circuit|line|link|isp)\\b",
            "专线中断",
            "专线断",
            "re:专线[^。；;，,]{0,6}断了",
            "备用线路",
            "主链路",
            "切换备用",
        ),
        "net.line-failover",
        0.6,
    ),
    KeywordRule(("ipv6", "ipv4 works"), "net.ipv6-path", 0.55),
    # ping -6 / curl -6: the same host over IPv6 only, which fails.
    KeywordRule(
        ("re:\\b(?:ping|curl|traceroute|tracert|mtr)\\s+-6\\b(?:\\s+\\S+)?[^,.;，。；]{0,24}"
         "(?:time[sd]? ?out|fail|unreachable|超时|不通|失败)",
         # ... or over IPv4 only, which works: -4 is tried because IPv6 is suspected.
         "re:\\b(?:ping|curl|ffmpeg|mtr)\\s+-4\\b(?:\\s+\\S+)?[^,.;，。；]{0,24}"
         "(?:works|is fine|fine|ok|通|正常)"),
        "net.ipv6-path",
        0.6,
    ),
    KeywordRule(
        ("bitrate too high", "high bitrate", "码率太高", "码率过高", "码率高"),
        "enc.bitrate-too-high",
        0.55,
    ),
    # A bitrate raised, or above what the platform takes: the encoder's
    # setting, whatever the uplink does.
    KeywordRule(
        (
            "re:\\b(?:raised|increased|turned up|bumped up|upped)(?: the| my| our)? "
            "(?:video )?bitrate\\b",
            "re:\\b(?:turned|bumped|put|pushed) (?:the |my |our )?(?:video )?bitrate up\\b",
            "码率调高", "调高码率", "码率调大",
        ),
        "enc.bitrate-too-high",
        0.6,
    ),
    # Above what the platform takes: the dropped frames that come with it
    # are the bitrate's, not the uplink's.
    KeywordRule(
        (
            "re:\\b(?:platform|ingest)(?:'s)? (?:max(?:imum)?|cap|limit)\\b",
            "re:\\b(?:platform|ingest|server)\\b[^.;]{0,12}\\b(?:caps|limits)\\b[^.;]{0,20}"
            "\\d+ ?(?:kbps|kb/s|mbps|mb/s)\\b",
            "超过平台上限",
            "re:码率[^。；;，,]{0,4}(?:超过|超出|超了)[^。；;，,]{0,4}(?:上限|限制|最大)",
        ),
        "enc.bitrate-too-high",
        0.8,
    ),
    KeywordRule(
        # A word of its own: "gop" is also the start of GoPro.
        ("keyframe", "key frame", "re:\\bgop(?![a-z])", "i-frame", "关键帧"),
        "enc.keyframe-interval",
        0.55,
    ),
    # Few frames a second with the sound going on: frames the encoder did not
    # make, not a network that would stall both.
    KeywordRule(
        # (卡成PPT is said of any stutter.)
        ("slideshow", "re:画面(?:很)?卡[^，。,.；;]{0,6}声音(?:是)?(?:正常|没问题|流畅)"),
        "enc.encoder-overload",
        0.55,
    ),
    # OBS's own line for frames the encoder could not keep up with.
    KeywordRule(
        ("encoding lag", "encoding overlo", "skipped frames", "编码延迟", "编码跟不上"),
        "enc.encoder-overload",
        0.7,
    ),
    KeywordRule(
        (
            "encoding overloaded",
            "cpu usage",
            "cpu 100",
            "gpu overload",
            "编码过载",
            "cpu占用",
            "cpu 占用",
            # Frames skipped, not a picture jumping back and forth (来回跳帧:
            # frames out of order, B-frames in WebRTC).
            "re:(?<!来回)(?<!往回)跳帧",
        ),
        "enc.encoder-overload",
        0.6,
    ),
    KeywordRule(
        (
            "hevc",
            "h.265",
            "h265",
            "av1",
            "10-bit",
            "10bit",
            "4:2:2",
            "codec not supported",
            "编码格式不支持",
        ),
        "enc.codec-unsupported",
        0.55,
    ),
    KeywordRule(
        (
            "out of sync",
            "lip sync",
            "a/v sync",
            "audio delay",
            "音画不同步",
            "声音延迟",
            "音视频不同步",
        ),
        "enc.av-desync",
        0.65,
    ),
    # ffmpeg's timestamp warning quoted in the description, as a pasted log
    # of it is read (the finding non-monotonous-dts).
    KeywordRule(
        ("non-monotonous dts", "non-monotonic dts", "non monotonically increasing dts"),
        "enc.av-desync",
        0.6,
    ),
    KeywordRule(
        ("no audio", "no sound", "audio missing", "muted", "没有声音", "无声音", "没声音"),
        "enc.audio-missing",
        0.65,
    ),
    KeywordRule(("b-frame", "bframe", "b frames", "b帧"), "enc.bframes-webrtc", 0.5),
    # WebRTC playback whose picture jumps back and forth (frames shown out of
    # order): B-frames, not an encoder that skips frames.
    KeywordRule(
        ("re:(?:webrtc|whep)[^。.;；]{0,20}(?:来回跳|往回跳|回跳|倒退|跳帧|一跳一跳)",
         "re:(?:来回跳|往回跳|回跳|倒退|一跳一跳)[^。.;；]{0,20}(?:webrtc|whep)",
         "re:\\b(?:webrtc|whep)\\b[^.;]{0,30}\\b(?:jumps?|jumping|skips?) "
         "(?:back|backwards?|back and forth)\\b"),
        "enc.bframes-webrtc",
        0.65,
    ),
    # H.264 High profile carries B-frames unless they are turned off.
    KeywordRule(
        ("re:(?:profile high|high profile)[^。.;；]{0,20}(?:webrtc|whep)",
         "re:(?:webrtc|whep)[^。.;；]{0,20}(?:profile high|high profile)"),
        "enc.bframes-webrtc",
        0.6,
    ),
    # The playback URL's signature, not the push's key.
    KeywordRule(("拉流鉴权", "播放鉴权", "playback auth"), "play.forbidden-403", 0.8),
    KeywordRule(("webrtc",), "enc.bframes-webrtc", 0.15, role="viewer"),
    KeywordRule(
        # lag, lags, lagging, laggy; not the lag of "flagged".
        ("buffering", "stutter", "re:\\blag", "freez", "卡顿", "缓冲", "卡住", "转圈"),
        "play.viewer-buffering",
        0.55,
        role="viewer",
    ),
    KeywordRule(("卡顿", "stutter"), "net.loss-last-mile", 0.15, role="publisher"),
    KeywordRule(
        (
            "slow start",
            "takes long to start",
            "first frame",
            "slow to load",
            "首帧",
            "首屏",
            "起播慢",
            "打开慢",
            "秒开",
            # A wait before the picture, without 首屏 or 秒开.
            "re:\\bloading for (?:\\d+|several|many|ten|twenty|thirty) ?(?:s|secs?|seconds)\\b"
            "[^.;]{0,20}\\bbefore\\b",
            "re:要?等(?:很久|好久|半天|好几秒|几秒|十几秒|很长时间)才(?:有|出)(?:画面|图像)",
            "re:\\btakes? (?:ages|forever|a long time|several seconds|\\d+ ?s(?:ec(?:ond)?s?)?) "
            "(?:before|until|for) (?:the )?(?:picture|video|first frame)\\b",
        ),
        "play.slow-startup",
        0.6,
    ),
    # The edge's GOP cache sends a new viewer the last keyframe at once: a
    # player setting of the CDN, not the encoder's keyframe interval.
    KeywordRule(("gop cache", "gop 缓存", "gop缓存"), "play.slow-startup", 0.55),
    # A player cannot show a picture before a keyframe: a long interval is
    # the first cause the slow-first-frame fix checks, and with the interval
    # in a pasted log it outranks the symptom.
    KeywordRule(
        ("slow start", "takes long to start", "first frame", "首帧", "起播慢", "秒开"),
        "enc.keyframe-interval",
        0.3,
    ),
    KeywordRule(
        (
            "latency too high",
            "glass-to-glass",
            "delay of",
            "seconds behind",
            "re:\\bdelay\\b[^.;?]{0,30}\\b(?:keeps? growing|grows|goes up|\\d+ ?s\\b)",
            # What happened on stage, seen far away so many seconds later.
            "re:\\b(?:saw|sees?|seeing|watched|got|gets?|reache[sd]) (?:it|them|that) "
            "(?:almost |about |around |nearly |a full )?\\d+ ?(?:s|secs?|seconds) later\\b",
            # ... or what the host did, seen or heard so many seconds after.
            "re:\\b(?:sees?|saw|hears?|heard)\\b[^.;?]{0,40}(?<!for )(?<!\\d)\\d+ ?"
            "(?:s|secs?|seconds) after "
            "(?:i|we|the (?:host|auctioneer|presenter|speaker|teacher))\\b",
            "re:(?:晚|慢)了?(?:将近|快|差不多)?\\d+多?秒才?看到",
            # A delay counted in seconds is the viewers' (a round trip is in ms).
            "re:(?:延迟|延时)\\s*(?:还是|还|也|都|仍然|依然)?(?:有|是|在|达到)?\\s*"
            "(?:\\d+|[一二三四五六七八九十两几]+)\\s*多?\\s*秒",
            "re:(?:延迟|延时)(?:降|减|压)到",
            # The English word in Chinese: "hls 切片 latency 太高".
            "re:\\blatency ?(?:太|很|好|非常|特别|有点)(?:高|大)",
            "延迟越来越大",
            "延迟越来越高",
            "延迟太大",
            "直播延迟",
            "延迟很大",
            "端到端延迟",
        ),
        "play.high-latency",
        0.55,
    ),
    KeywordRule(
        ("re:(?<!\\d)403(?!\\d)", "forbidden", "referer", "hotlink", "防盗链", "签名过期"),
        "play.forbidden-403",
        0.6,
        role="viewer",
    ),
    # A link, a replay's too, that answers 403: the playback URL's signature
    # or referer check refuses it (a missing recording is a 404 or nothing).
    KeywordRule(
        # Not the push's address, whose 403 is the key's.
        ("re:(?<!推流)(?:链接|地址)[^。；;]{0,30}(?<!\\d)403(?!\\d)",
         "re:(?<!push )(?<!ingest )(?<!server )(?<!rtmp )\\b(?:link|url)\\b[^.;]{0,30}"
         "(?<!\\d)403(?!\\d)"),
        "play.forbidden-403",
        0.65,
    ),
    # A push the ingest answers with 403: the key or the push signature.
    KeywordRule(
        ("re:推流[^。；;]{0,20}(?<!\\d)403(?!\\d)",
         "re:\\b(?:push|pushing|ingest|publish|publishing)\\b[^.;]{0,30}(?<!\\d)403(?!\\d)"),
        "push.auth-failed",
        0.65,
    ),
    # A viewer's link that stops after a while: the signed URL expired.
    KeywordRule(
        ("re:\\b(?:link|url|video|page)\\b[^.;]{0,30}\\b(?:unavailable|stops? working"
         "|stopped working|expired?)\\b[^.;]{0,20}\\bafter (?:about |around )?\\d+ ?"
         "(?:min|minutes|hours?)\\b",
         # Not the push's address, whose expiry is the key's.
         "re:(?<!推流)(?:链接|地址)[^。；;]{0,10}(?:分钟|小时)[^。；;]{0,6}(?:失效|过期|打不开)"),
        "play.forbidden-403",
        0.6,
    ),
    KeywordRule(
        ("re:(?<!\\d)404(?!\\d)", "not found", "stream not found", "流不存在", "找不到流"),
        "play.not-found-404",
        0.6,
        role="viewer",
    ),
    KeywordRule(
        (
            "some countries",
            "re:\\bgeo",  # geo-blocked, geoblocking; not "george"
            "region blocked",
            "certain country",
            "not available in your country",
            "not available in your region",
            "region not allowed",
            "re:(?:某些|部分|个别|有的|一些|几个)(?:country|countries|region)",
            "地域",
            "部分地区",
            "地区限制",
            "区域限制",
            # 海外观众打不开, 海外游客说直播打不开.
            "re:(?:海外|国外|境外)的?(?:观众|游客|用户|粉丝|会员|学员|客户)[^，。,.；;]{0,6}"
            "(?:无法|看不了|打不开|不能看|播放不了)",
            "a few countries",
            "one country",
            "every other country",
            "other countries",
            "re:(?:几个|一些|某些|部分|个别|有的|一个)国家",
            # Viewers of one country, not across the border from China (the
            # filtering fix's question).
            "re:\\b(?:viewers|users|people|audience|buyers|customers|fans|members|followers"
            "|students|clients|distributors|guests) in (?!china\\b|mainland\\b)[a-z]+"
            "(?: and (?!china\\b|mainland\\b)[a-z]+)? "
            "(?:(?:can'?t|cannot|can not|are unable to) (?:play|watch|open|see|load)\\b"
            "|(?:get|see) (?:nothing|no (?:video|picture|stream))\\b)",
            "其他国家",
            # What the player says: 所在地区无法观看, 该地区不可播放.
            "re:地区(?:无法|不能|不可|暂不支持)(?:观看|播放)",
            # Some watch, someone in a named place cannot: 国内的亲戚都能看，
            # 在悉尼的姑姑打开就是播放不了.
            "re:(?:能看|能播|可以看|看得了)[^。.;；?？]{0,6}[,，][^。.;；?？,，]{0,4}?"
            f"(?:{_ACROSS_THE_BORDER_ZH})[^。.;；?？,，]{{0,12}}?"
            "(?:播放不了|看不了|打不开|放不了|播不了|无法播放|不能播放|不能看)",
        ),
        "play.geo-restricted",
        0.55,
    ),
    # Mainland viewers and a domain served from abroad: whether it is filed
    # (ICP 备案) and served from a mainland edge is the geo fix's question.
    KeywordRule(
        ("re:(?:\\bicp\\b|备案)[^。.;；?？]{0,30}(?:打不开|访问不了|看不了|播不了|"
         "can'?t open|cannot open|blocked|not (?:open|load|reachable))",
         # Asked before anything failed (whatever a filter did, it is said).
         "re:\\b(?:can|will|do|does) (?:viewers|people|users|audiences?) in mainland\\b"
         "[^.;?]{0,40}\\b(?:overseas|foreign) (?:play(?:back)? )?domain\\b"),
        "play.geo-restricted",
        0.6,
    ),
    KeywordRule(
        (
            "black screen",
            "only audio",
            "audio only",
            "黑屏",
            "只有声音",
            "有声音没画面",
            "有声音没有画面",
            "有声无画",
            "画面全黑",
            "画面是黑的",
        ),
        "play.black-screen",
        0.65,
    ),
    # Said of any failed player too ("the player stays black" over a CORS
    # error): the error named wins.
    KeywordRule(
        ("stays black", "goes black", "turns black", "picture is black", "video is black",
         "black picture"),
        "play.black-screen",
        0.5,
    ),
    # A web player's own error names, quoted in a description (a pasted
    # console is read line by line, kb/diagnostics/player.py).
    KeywordRule(
        ("bufferstallederror", "fragloadtimeout", "levelloadtimeout", "manifestloadtimeout",
         "earlyeof", "early-eof", "bufferseekoverhole", "buffernudgeonstall", "bufferfullerror"),
        "play.viewer-buffering",
        0.55,
    ),
    KeywordRule(
        ("unsupported codec in video frame", "incompatiblecodecserror", "bufferaddcodecerror",
         "bufferappenderror", "fragparsingerror", "demuxer_error_no_supported_streams",
         # OBS refuses an HDR colour space on an RTMP output whose encoder is AV1
         "hdr output is currently disabled", "当前输出已禁用hdr",
         # x264 refuses an odd frame size: 4:2:0 needs even dimensions
         "width not divisible by", "height not divisible by",
         # ffmpeg built without the encoder asked for (the usual prebuilt
         # packages have no libfdk_aac)
         "unknown encoder '"),
        "enc.codec-unsupported",
        0.6,
    ),
    # Encrypted HLS: the key URL refused, or answered with something that is
    # not the key (a page), so the segments do not decrypt.
    KeywordRule(("keyloaderror", "fragdecrypterror", "unable to open key file",
                 "unable to read key file"), "play.forbidden-403", 0.55),
    # A playlist URL answered with a page (an error or login page), not a
    # playlist; a rendition whose playlist has no segments.
    KeywordRule(("manifestparsingerror", "no extm3u delimiter"), "play.not-found-404", 0.5),
    KeywordRule(("levelemptyerror",), "ops.transcode-failure", 0.5),
    # The encoders' own lines, pasted as the description (an attachment is
    # parsed, kb/diagnostics/ffmpeg.py and obs.py). librtmp prints the
    # socket error number: refused, timed out or blocked on the machine.
    KeywordRule(
        ("failed to connect socket", "(eacces)", "(etimedout)"), "push.connect-refused", 0.6
    ),
    KeywordRule(
        ("netconnection.connect.rejected", "need to set pubuser", "authentication failed: ",
         "code=403 need auth",
         # OBS's librtmp when the ingest closes the connection instead of
         # accepting the publish (a refused key: Twitch does, nginx-rtmp's
         # on_publish too), or says so first
         "remote host closed connection", "rtmp server requested close",
         # OBS's WHIP output: the endpoint refused the Bearer Token
         "endpoint returned response code 401", "endpoint returned response code 403"),
        "push.auth-failed",
        0.6,
    ),
    KeywordRule(("endpoint returned response code 404",), "push.url-malformed", 0.55),
    # OBS's WHIP output with Simulcast on: the server's answer took fewer
    # layers than it offered (its fix is with the WHIP refusals above).
    KeywordRule(("re:whip only accepted \\d+ layers", "simulcast layers", "层同播"),
                "push.auth-failed", 0.65),
    KeywordRule(
        ("starting the output failed", "启动输出失败", "encoder error occurred while streaming",
         "直播时发生了编码器错误"),
        "enc.encoder-overload",
        0.55,
    ),
    # ffmpeg held the other streams' packets waiting for one that never came.
    KeywordRule(("too many packets buffered for output stream",), "enc.audio-missing", 0.6),
    KeywordRule(_DAMAGED_MEDIA, "net.loss-cross-border", 0.4),
    KeywordRule(_DAMAGED_MEDIA, "net.loss-last-mile", 0.35),
    KeywordRule(("media_err_decode", "pipeline_error_decode"), "play.black-screen", 0.5),
    KeywordRule(_SOURCE_NOT_SUPPORTED, "play.mobile-compat", 0.35),
    KeywordRule(_SOURCE_NOT_SUPPORTED, "enc.codec-unsupported", 0.3),
    KeywordRule(
        ("err_connection_reset", "err_connection_closed", "err_empty_response"),
        "net.cross-border-interference",
        0.4,
        role="viewer",
    ),
    KeywordRule(("err_name_not_resolved",), "push.dns-resolution", 0.6, role="viewer"),
    # The app plays and the browser does not: the page's or the browser's
    # rules (autoplay, mixed content, CORS), not the stream.
    KeywordRule(
        ("re:\\b(?:works|plays|fine|ok) in (?:the|our|their) (?:app|apps|mobile app)\\b[^.;]{0,20}"
         "\\bnot in (?:the )?(?:chrome|safari|firefox|edge|browser|web page|website)\\b",
         "re:app\\s*(?:里|上)?(?:能看|能播|可以看|正常)[^。；;]{0,8}(?:浏览器|网页|chrome|safari)"
         "[^。；;]{0,6}(?:不行|看不了|播不了|打不开|放不了|不能)"),
        "play.browser-policy",
        0.55,
    ),
    # Low-latency (WebRTC) playback that never starts where the standard
    # (HLS or FLV) one plays: UDP is not let through.
    KeywordRule(
        ("re:\\blow[- ]latency(?: mode)?\\b[^.;]{0,40}"
         "(?:won't|doesn't|does not|can't|cannot|never) (?:connect|load|play|start)[^.;]{0,60}"
         "\\b(?:standard|normal|regular)(?: mode)?\\b[^.;]{0,12}\\b(?:works|plays|is fine|fine)\\b",
         "re:低延迟(?:模式)?[^。；;]{0,10}(?:连不上|打不开|播不了|放不出来|一直转圈)[^。；;]{0,16}"
         "(?:普通|标准)(?:模式)?[^。；;]{0,6}(?:可以|正常|能看|能播|没问题)"),
        "net.udp-blocked",
        0.55,
    ),
    # A picture that stops for a moment every few seconds though the speed
    # test is fast, or the average ping fine: the arrival of packets varies,
    # the bandwidth is there.
    KeywordRule(
        ("re:\\bevery (?:few|couple of|\\d+) seconds?\\b[^.;]{0,40}\\bspeed ?test\\b",
         "re:\\bspeed ?test\\b[^.;]{0,40}\\bevery (?:few|couple of|\\d+) seconds?\\b",
         f"re:\\bevery (?:few|couple of|\\d+) seconds?\\b[^.;]{{0,40}}{_PING_FINE_EN}",
         f"re:{_PING_FINE_EN}[^.;]{{0,40}}\\bevery (?:few|couple of|\\d+) seconds?\\b",
         "re:(?:隔|每隔?)(?:几|\\d+)秒(?:钟)?就?(?:卡|顿|停)[^。；;]{0,16}(?:测速|网速)",
         "re:(?:测速|网速)[^。；;]{0,16}(?:隔|每隔?)(?:几|\\d+)秒(?:钟)?就?(?:卡|顿|停)"),
        "net.jitter",
        0.5,
    ),
    KeywordRule(
        ("err_cert_date_invalid", "err_cert_common_name_invalid", "err_cert_authority_invalid"),
        "play.browser-policy",
        0.6,
        role="viewer",
    ),
    KeywordRule(
        (
            "recording missing",
            "re:recording\\b.{0,40}\\b(?:missing|gone|empty|truncated|not (?:there|found|saved))",
            "no recording",
            "vod missing",
            "recording is truncated",
            # "The recording only has the first 40 minutes": cut short.
            "re:\\b(?:recording|replay|vod)\\b[^.;]{0,60}\\bonly (?:has|have|shows?|contains?|got) "
            "(?:the )?(?:first|last) \\d+",
            "re:(?:录制|录像|回放)[^，。,.；;]{0,12}只有(?:前|最后)?\\d+",
            "录制文件",
            "录制缺失",
            "没有录制",
            "回放",
        ),
        "ops.recording-missing",
        0.6,
    ),
    # A stream with a single rendition has no transcoding to fail: it lacks
    # the ladder the buffering fix adds.
    KeywordRule(
        ("transcod",
         # Not "one rendition", nor "one 1080p rendition": one is no ladder.
         "re:^(?![\\s\\S]*\\b(?:one|single|only)(?: [0-9a-z]+)? rendition\\b)"
         "[\\s\\S]*\\brendition",
         "转码"),
        "ops.transcode-failure",
        0.6,
    ),
    KeywordRule(
        (
            "no abr",
            "without abr",
            "one rendition",
            "re:\\b(?:one|single) [0-9]{3,4}p rendition\\b",
            "single rendition",
            "single bitrate",
            "单码率",
            "只有一个码率",
            "re:没(?:有)?(?:配|做|开)?多码率",
        ),
        "play.viewer-buffering",
        0.5,
    ),
    KeywordRule(("callback", "webhook", "回调"), "ops.callback-failure", 0.6),
    # A room that stays live after the host stopped: the stop callback
    # that did not arrive.
    KeywordRule(
        ("re:\\bnever (?:flips|marks|sets|switches|shows) (?:the |our )?(?:room|channel|stream)"
         "[^.;]{0,20}\\boffline\\b",),
        "ops.callback-failure",
        0.65,
    ),
    KeywordRule(
        (
            "restream",
            "re-stream",
            # Relaying the stream somewhere, not a relay host on the way
            # (a VPN's, WebRTC's TURN).
            "re:\\brelay(?:s|ed)? (?:to|from|it|the stream|our stream)\\b",
            "relaying",
            "simulcast",
            "multistream",
            "multi-stream",
            # Relayed, and what came out after it is the trouble (转推 B站
            # 之后没有声音, 转推后音画不同步): the sound's or the picture's fix.
            "re:转推(?![^。；;，,]{0,8}?(?:之后|以后|后)[^。；;]{0,6}?"
            "(?:没有?声|无声|声音|音画|黑屏|花屏|画面))",
            "多平台",
            "同时推到",
        ),
        "push.restream-relay",
        0.6,
    ),
    # A platform named, unless as the one that works ("Netflix and YouTube
    # are fine", b站那路好好的): a comparison, not a relay to it.
    KeywordRule(
        ("re:(?:\\b(?:youtube|twitch|facebook live|tiktok|douyin|bilibili|wechat channels)\\b"
         "|抖音|b站|哔哩|视频号|快手)"
         "(?![^.;,，。；]{0,24}?(?:\\b(?:is|are|plays?|looks?) (?:totally |all |perfectly |just )?"
         "(?:fine|ok|smooth)\\b|流畅|正常|没问题|好好的))",),
        "push.restream-relay",
        0.15,
    ),
    KeywordRule(
        (
            "reset by peer",
            "re:\\brst\\b",
            "re:\\bsni\\b",
            "gfw",
            "great firewall",
            "dns poison",
            "dns pollution",
            "poisoned",
            "被墙",
            "dns污染",
            "dns 污染",
            "被污染",
            "被重置",
        ),
        "net.cross-border-interference",
        0.65,
    ),
    # A name that resolves to addresses that are not the CDN's, different at
    # each query: answers forged on the way.
    KeywordRule(
        ("re:(?:nslookup|dig|解析)[^。.；;]{0,40}(?:都不是|不是)\\s*cdn",
         "re:(?:nslookup|dig|解析)[^。.；;]{0,20}(?:ip|地址)\\s*(?:不对|错了)",
         "re:\\bresolves? to[^.;]{0,30}\\bnot (?:the |our )?cdn"),
        "net.cross-border-interference",
        0.6,
    ),
    # A TLS hello answered with a reset, where plain RTMP goes through: the
    # name in the hello was filtered on the way.
    KeywordRule(
        ("re:(?:clienthello|client hello|\\bsni\\b)[^，。,.;；]{0,20}(?:reset|\\brst\\b|重置)",
         "re:\\brtmps\\b[^。.;；]{0,40}(?:reset|\\brst\\b|重置)[^。.;；]{0,30}\\brtmp\\b"
         "[^，。,.;；]{0,8}(?:能推|可以|正常|没问题|没事|works|is fine|fine)"),
        "net.cross-border-interference",
        0.65,
    ),
    KeywordRule(
        ("connection reset", "翻墙", "阻断", "加速器", "accelerator",
         # "works from a Hong Kong machine": the same push from the other
         # side of the border
         "from hong kong", "换成香港", "香港的机器", "香港的服务器"),
        "net.cross-border-interference",
        0.45,
    ),
    KeywordRule(("vpn",), "net.cross-border-interference", 0.3),
    # The push breaks over a VPN and works without it: the tunnel's smaller
    # MTU, where a push that only works over a VPN is filtering.
    KeywordRule(
        ("re:\\b(?:over|through|on|via) (?:the |our |a )?(?:[\\w-]+ )?vpn\\b[^.;]{0,40}"
         "(?:stall|freez|stuck|hang|drops|breaks|fails)",
         "re:\\b(?:stall|freez|hang|drop|break|fail)\\w*[^.;]{0,20}\\b(?:over|through|on|via) "
         "(?:the |our |a )?(?:[\\w-]+ )?vpn\\b",
         "re:\\bworks (?:only )?when (?:\\w+ )?(?:turn|switch)(?:s|ed)? off (?:the |our )?"
         "(?:[\\w-]+ )?vpn\\b",
         "re:(?:连上|一走|走|开了?)\\s*vpn[^，。,.；;]{0,8}(?:就卡|就断|推不上|卡住|不动)",
         "re:关(?:掉|了)\\s*vpn[^，。,.；;]{0,4}(?:就好|就正常|就能推)"),
        "net.mtu-fragmentation",
        0.55,
    ),
    KeywordRule(
        (
            "mixed content",
            "混合内容",
            "re:\\bcors\\b",
            "跨域",
            "access-control-allow-origin",
            "autoplay",
            "auto-play",
            "自动播放",
            "re:" + said.SOUND_AFTER_A_CLICK,
            "notallowederror",
            "https page",
        ),
        "play.browser-policy",
        0.6,
    ),
    # The customer names the policy that stopped it.
    KeywordRule(
        (
            "re:\\bauto-?play\\b.{0,12}(?:block|被拦|拦截|禁止|not allowed)",
            "re:自动播放.{0,6}(?:被拦|拦截|禁止|限制)",
        ),
        "play.browser-policy",
        0.8,
    ),
    KeywordRule(
        (
            "iphone",
            "re:\\bios\\b",
            "safari",
            "wechat",
            "微信",
            "in-app browser",
            "webview",
            "内置浏览器",
            "苹果手机",
            _X5,
            "同层",
            "playsinline",
        ),
        "play.mobile-compat",
        0.5,
        role="viewer",
    ),
    KeywordRule((_X5, "同层", "playsinline"), "play.mobile-compat", 0.45),
    # Fine on a computer and not on a phone: what the mobile fix tells apart.
    KeywordRule(
        ("re:\\b(?:fine|ok|okay|works?|good|smooth) on (?:my |the |a )?(?:laptop|computer|pc"
         "|desktop|mac)\\b[^.;]{0,40}\\b(?:phone|iphone|android|mobile|tablet|ipad)\\b"
         # A phone's hotspot is the encoder's network, not a phone that plays.
         "(?! ?(?:hotspot|tether\\w*|data|network|4g|5g))",),
        "play.mobile-compat",
        0.6,
    ),
    # Inside WeChat, or fine on one phone platform and not the other: what
    # the mobile fix tells apart, whoever describes it.
    KeywordRule(
        ("微信里", "微信内", "在微信", "in wechat", "安卓正常", "安卓没问题", "android is fine",
         "android works", "works on android",
         "re:(?:android|安卓)(?:上|端|手机)?(?:是|都|倒是| is| works)? ?"
         "(?:ok|fine|好的|正常|没问题|能播)"),
        "play.mobile-compat",
        0.7,
    ),
    KeywordRule(
        (
            "blurry",
            "blurred",
            "blocky",
            "re:\\bturns? (?:in)?to (?:[a-z]+ )?blocks\\b",
            "mosaic",
            "mushy",
            "pixelat",
            "macroblock",
            "artifact",
            "artefact",
            "poor quality",
            "bad quality",
            "low quality",
            "not sharp",
            "模糊",
            "马赛克",
            "画质差",
            "画质不好",
            "不清晰",
            "画面糊",
        ),
        "enc.poor-quality",
        0.6,
    ),
    KeywordRule(
        (
            "backup stream",
            "backup encoder",
            "re:\\bbackup (?:laptop|pc|computer|machine|unit|phone|iphone)\\b",
            "main and backup",
            "primary and backup",
            "redundant encoder",
            "switch back",
            "主备",
            "备流",
            "互踢",
            "切回主流",
            "备用编码器",
            "备推",
        ),
        "ops.backup-failover",
        0.65,
    ),
    # The backup that did not take over when the main one stopped.
    KeywordRule(
        ("re:备(?:路|流|用流|用推流|用编码器)[^，。,.；;]{0,4}没(?:有)?(?:顶上|接上|切过去|生效|接管)",
         # Main and backup publishing one stream name: the failover fix's
         # first cause, not a stale session.
         "re:主备[^，。,.；;]{0,12}(?:同一个?(?:流名|推流码)|互踢)",
         "re:\\b(?:main|primary) and backup\\b[^.;?]{0,30}\\bsame stream (?:key|name)\\b",
         "re:\\bbackup(?: [a-z0-9]+)? (?:never|didn't|did not|failed to) (?:take|took) over\\b"),
        "ops.backup-failover",
        0.75,
    ),
    KeywordRule(
        (
            "quota",
            "limit reached",
            "concurrency limit",
            "re:\\bconcurrent (?:viewers?|users?|streams?) (?:limit|cap)\\b",
            "too many streams",
            "配额",
            "并发上限",
            "路数上限",
            "最大并发",
            "并发路数",
            # 后台显示并发满了, 并发数已满: the console says the concurrency is used up.
            "re:并发(?:数|量)?(?:已经|已)?满",
            "re:套餐[^。；;，,]{0,4}(?:到顶|上限|用完)",
            "带宽上限",
            "re:(?<!per-user )(?<!per user )bandwidth cap",
            # (A phone's own data plan is the carrier's limit, not ours.)
            "re:(?<!手机)(?<!4g)(?<!5g)(?<!4g )(?<!5g )流量超了",
        ),
        "ops.quota-exceeded",
        0.6,
    ),
    # A limit's own shape: the new ones are refused, the ones already in go on.
    KeywordRule(
        (
            "re:\\bnew (?:viewers?|people|users?|publish(?:es)?|push(?:es)?|streams?|channels?)\\b"
            "[^.;]{0,60}\\b(?:existing|already)\\b",
            # Nobody more gets in past a number: "could not get in once we hit 50k".
            "re:\\b(?:could ?n[o']t|can'?t|cannot) (?:get|join) in\\b[^.;]{0,20}"
            "\\b(?:once|after|when) (?:we )?(?:hit|reach(?:ed)?|pass(?:ed)?)\\b",
            "re:新(?:进来的|来的)?(?:观众|用户|推流)[^。；;]{0,20}(?:老观众|已经在(?:看|推))",
            # The fifth stream refused while the first four go on.
            "re:第\\s*[0-9一二三四五六七八九十]+\\s*路[^。；;]{0,12}(?:被拒|拒绝|推不上|推不了|"
            "失败|不让推)",
            "re:\\b(?:\\d+(?:st|nd|rd|th)|third|fourth|fifth|sixth|next) (?:stream|push|"
            "channel|encoder)\\b[^.;]{0,30}\\b(?:refused|rejected|denied|fails)\\b",
        ),
        "ops.quota-exceeded",
        0.6,
    ),
    # A service stopped for an unpaid balance or a prepaid data package used
    # up: the quota fix says so and how to get it back. Only beside a stream
    # that stopped, so an invoice question is not sent there. These are
    # account words too (kb/search/topics.py), which drops the fixes that
    # only share a word with the description, not this one.
    KeywordRule(
        (
            f"re:{_UNPAID_ZH}[^。；;.]{{0,14}}{_STOPPED_ZH}",
            f"re:{_STOPPED_ZH}[^。；;.]{{0,14}}{_UNPAID_ZH}",
            f"re:{_STOPPED_EN}[^.;]{{0,60}}{_UNPAID_EN}",
            f"re:{_UNPAID_EN}[^.;]{{0,60}}{_STOPPED_EN}",
        ),
        "ops.quota-exceeded",
        0.55,
    ),
)

# Problems with a standard fix on the customer's side (escalation P4).
CUSTOMER_FIXABLE: frozenset[str] = frozenset(
    {
        "net.loss-last-mile",
        "net.uplink-bandwidth",
        "net.mtu-fragmentation",
        "net.udp-blocked",
        "net.ipv6-path",
        "push.url-malformed",
        "push.auth-failed",
        "push.duplicate-publisher",
        "push.dns-resolution",
        "push.tls-handshake",
        "enc.bitrate-too-high",
        "enc.keyframe-interval",
        "enc.encoder-overload",
        "enc.codec-unsupported",
        "enc.av-desync",
        "enc.audio-missing",
        "enc.bframes-webrtc",
        "net.jitter",
        "enc.poor-quality",
        "play.browser-policy",
        "play.mobile-compat",
        "push.connect-refused",
        "push.periodic-disconnect",
        "net.high-latency-route",
        "play.forbidden-403",
        "play.not-found-404",
    }
)
# Problems on our side of the line (escalation P2 when live but degraded).
PROVIDER_NETWORK: frozenset[str] = frozenset(
    {"net.loss-cross-border", "net.line-failover", "net.cross-border-interference"}
)
# Problems only the provider can fix but that are not an outage (P3).
PROVIDER_SERVICE: frozenset[str] = frozenset(
    {
        "play.viewer-buffering",
        "play.slow-startup",
        "play.high-latency",
        "play.geo-restricted",
        "play.black-screen",
        "ops.recording-missing",
        "ops.transcode-failure",
        "ops.callback-failure",
        "ops.quota-exceeded",
        "net.peak-hour-congestion",
        "push.restream-relay",
        "ops.backup-failover",
    }
)
# Whose side each finding of the destinations pass points at.
DESTINATION_SIDES: dict[str, str] = {
    "tls-reset": "provider",
    "dns-forged-answer": "provider",
    "overseas-platform-blocked": "provider",
    "mainland-platform-blocked": "provider",
    "rtmps-required": "customer",
    "rtmps-push-unsupported": "customer",
    "route-via-tunnel": "customer",
    "platform-push-failed": "customer",
    "platform-push-dropped": "customer",
}
# Findings that say the line or the ingest cannot be reached at all.
LINE_DOWN_FINDINGS: frozenset[str] = frozenset(
    {"path-unreachable", "ping-total-loss", "ping-unreachable", "obs-reconnect-failing"}
)


def provider_reason(kind: str) -> str:
    """Which escalation reason a provider-side finding gives."""
    if kind == "path-jitter":
        return "jitter"
    if kind in ("tls-reset", "dns-forged-answer", "overseas-platform-blocked",
                "mainland-platform-blocked"):
        return "interference"
    return "network"


def keyword_matches(rule: KeywordRule, text: str) -> str | None:
    """Return the phrase of ``rule`` found in ``text`` (lower-cased), if any."""
    for phrase in rule.phrases:
        if phrase.startswith("re:"):
            # ASCII word boundaries: a Chinese character is no word character,
            # so \bsrt\b finds the srt of 推srt到海外.
            m = re.search(phrase[3:], text, re.I | re.A)
            if m:
                return m.group(0)
        elif phrase in text:
            return phrase
    return None


def combine(confidences: list[float]) -> float:
    """Independent-evidence combination: 1 - prod(1 - c), capped below 1."""
    remaining = 1.0
    for c in confidences:
        remaining *= 1.0 - max(0.0, min(c, 0.99))
    return round(min(1.0 - remaining, 0.99), 2)


@dataclass(frozen=True)
class AnswerRule:
    """Wizard answers alone -> a weak prior, used when nothing else speaks."""

    problem: str
    confidence: float
    role: str | None = None
    protocols: tuple[str, ...] = ()
    stream_down: bool | None = None


ANSWER_RULES: tuple[AnswerRule, ...] = (
    AnswerRule("push.connect-refused", 0.3, role="publisher", stream_down=True),
    AnswerRule("push.auth-failed", 0.2, role="publisher", stream_down=True),
    AnswerRule(
        "net.udp-blocked", 0.3, role="publisher", protocols=("srt", "webrtc"), stream_down=True
    ),
    AnswerRule("play.not-found-404", 0.3, role="viewer", stream_down=True),
    AnswerRule("play.viewer-buffering", 0.2, role="viewer", stream_down=False),
)


@dataclass(frozen=True)
class PlatformIngest:
    """A third-party platform's ingest host (push side), as customers paste it."""

    name: str
    side: str  # "global": reached from outside mainland China; "cn": inside it
    host_pattern: str  # regex, matched against the lower-cased host name
    rtmps_only: bool = False


# Hosts from the platforms' own documentation and obs-studio's
# plugins/rtmp-services/data/services.json; Douyin's from its push URLs.
PLATFORM_INGESTS: tuple[PlatformIngest, ...] = (
    PlatformIngest("YouTube", "global", r"^[ab]\.(?:rtmps?|upload)\.youtube\.com$"),
    PlatformIngest(
        "Twitch",
        "global",
        r"^(?:ingest\.global-contribute|[a-z0-9-]+\.contribute)\.live-video\.net$"
        r"|^live(?:-[a-z0-9]+)?\.twitch\.tv$",
    ),
    # Amazon IVS channel ingests (Kick and other IVS-based services).
    PlatformIngest("Amazon IVS", "global", r"^[0-9a-f]{12}\.global-contribute\.live-video\.net$"),
    PlatformIngest(
        "Facebook Live",
        "global",
        r"^(?:live-api-s|live-api-[a-z0-9]+|rtmp-api)\.facebook\.com$",
        rtmps_only=True,
    ),
    PlatformIngest("TikTok", "global", r"^push-rtmp-[a-z0-9-]+\.tiktokcdn(?:-[a-z]+)?\.com$"),
    PlatformIngest("Douyin", "cn", r"^push-rtmp-[a-z0-9-]+\.douyin(?:cdn)?\.com$"),
    PlatformIngest("Bilibili", "cn", r"^(?:[a-z0-9]+\.)?live-push\.bilivideo\.com$"),
    PlatformIngest("Kuaishou", "cn", r"^(?:open-push\.voip|tx\.push)\.yximgs\.com$"),
)

# Forged DNS answers (net.cross-border-interference).  Measured injectors
# answer blocked names mostly with addresses of Facebook, Twitter and Dropbox
# (gfw-report/ndss25-wallbleed, util/is-forged-response/ordered-ip-pool-
# injector-3-a.txt); an answer in one of these networks for a name the
# company does not own cannot be genuine.  Networks: the companies'
# published address space (AS32934, AS13414, AS19679).
FORGED_ANSWER_NETWORKS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # owner: (networks, domains the owner really serves from them)
    "Facebook": (
        (
            "31.13.64.0/18",
            "66.220.144.0/20",
            "69.63.176.0/20",
            "69.171.224.0/19",
            "129.134.0.0/16",
            "157.240.0.0/16",
            "173.252.64.0/18",
            "179.60.192.0/22",
            "185.60.216.0/22",
            "204.15.20.0/22",
        ),
        (
            "facebook.com",
            "facebook.net",
            "fb.com",
            "fbcdn.net",
            "fbsbx.com",
            "instagram.com",
            "cdninstagram.com",
            "whatsapp.com",
            "whatsapp.net",
            "messenger.com",
            "meta.com",
            "threads.net",
        ),
    ),
    "Twitter": (
        (
            "69.195.160.0/19",
            "103.252.112.0/22",
            "104.244.40.0/21",
            "185.45.4.0/22",
            "192.133.76.0/22",
            "199.16.156.0/22",
            "199.59.148.0/22",
            "199.96.56.0/21",
            "202.160.128.0/22",
        ),
        ("twitter.com", "twimg.com", "x.com", "t.co", "periscope.tv", "pscp.tv"),
    ),
    "Dropbox": (
        ("108.160.160.0/20", "162.125.0.0/16", "199.47.216.0/22"),
        (
            "dropbox.com",
            "dropboxstatic.com",
            "dropboxusercontent.com",
            "dropboxapi.com",
            "db.tt",
        ),
    ),
}
# Long-known fixed forged answers (shadowsocks/ChinaDNS iplist.txt; the first
# two also appear in the injector pool above) and the reserved class E range.
FORGED_ANSWER_ADDRESSES: frozenset[str] = frozenset(
    {
        "59.24.3.173",
        "159.106.121.75",
        "243.185.187.39",
        "46.82.174.68",
        "93.46.8.89",
        "37.61.54.158",
        "78.16.49.15",
        "8.7.198.45",
        "203.98.7.65",
        "4.36.66.178",
        "64.33.88.161",
        "64.33.99.47",
    }
)
FORGED_ANSWER_RESERVED: tuple[str, ...] = ("240.0.0.0/4",)
