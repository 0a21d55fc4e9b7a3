"""Typed parse results -> findings, read the way a senior engineer reads mtr.

- Loss at an intermediate hop that does not persist to the destination is
  ICMP rate limiting on that router (control-plane policing), not loss on
  the path: routers forward transit traffic in hardware but answer
  TTL-expired probes from a rate-limited CPU.
- Loss that starts at hop N and persists to the destination locates the
  problem on the link into hop N.
- Private (RFC 1918) and carrier-grade NAT (100.64.0.0/10) hops are the
  customer's side: home/office router and the access ISP's NAT (last mile).
  The first public hop after a CGNAT hop is already the ISP's core.
- A large RTT step between consecutive answering hops marks a long-haul
  (often cross-border) segment.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .models import FfmpegResult, Finding, Hop, ObsResult, PathResult, PingResult
from .rules import THRESHOLDS

_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def customer_side(address: str | None) -> bool:
    """True for RFC 1918, CGNAT, link-local and ULA addresses."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 4 and ip in _CGNAT:
        return True
    return bool(ip.is_private and not ip.is_loopback and not _is_documentation(ip))


# The lab uses documentation ranges as "public" hops; Python's is_private
# counts them as private, the internet does not.
_DOCUMENTATION = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _is_documentation(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip in n for n in _DOCUMENTATION if n.version == ip.version)


def _hop_label(h: Hop) -> str:
    return f"hop {h.hop} ({h.host or '???'})"


def analyse_path(path: PathResult, thresholds: dict[str, float] = THRESHOLDS) -> list[Finding]:
    findings: list[Finding] = []
    hops = path.hops
    if not hops:
        return findings
    sig = thresholds["loss_significant_pct"]
    answering = [h for h in hops if h.host and h.rtt_avg_ms is not None]

    # Customer-side hops, for context.
    private = [h for h in hops if customer_side(h.host)]
    cgnat = [
        h
        for h in private
        if h.host
        and ipaddress.ip_address(h.host).version == 4
        and ipaddress.ip_address(h.host) in _CGNAT
    ]

    # 1. Persistent loss, located.
    if path.loss_starts_hop is not None:
        start = next(h for h in hops if h.hop == path.loss_starts_hop)
        dest = next((h for h in reversed(hops) if h.loss_pct is not None), hops[-1])
        # The access ISP ends at its CGNAT; without CGNAT the first public
        # hop is still the ISP's access router.
        first_public = next((h for h in hops if h.host and not customer_side(h.host)), None)
        last_mile = customer_side(start.host) or (
            not cgnat and first_public is not None and start.hop <= first_public.hop
        )
        evidence = [h.line for h in hops if h.hop >= start.hop and h.line][:6]
        if last_mile:
            findings.append(
                Finding(
                    kind="path-loss-last-mile",
                    summary=(
                        f"Loss starts at {_hop_label(start)}, on the customer side "
                        f"(home/office network or access ISP), and persists to the destination "
                        f"({dest.loss_pct:g}% there)."
                    ),
                    evidence=evidence,
                    problems=["net.loss-last-mile"],
                    facts={"start_hop": start.hop, "dest_loss_pct": dest.loss_pct},
                )
            )
        else:
            findings.append(
                Finding(
                    kind="path-loss-transit",
                    summary=(
                        f"Loss starts at {_hop_label(start)}, beyond the customer's network and "
                        f"access ISP, and persists to the destination ({dest.loss_pct:g}% there): "
                        f"the link into hop {start.hop} is losing packets."
                    ),
                    evidence=evidence,
                    problems=["net.loss-cross-border"],
                    facts={"start_hop": start.hop, "dest_loss_pct": dest.loss_pct},
                )
            )

    # 2. Intermediate loss that does not persist = ICMP rate limiting.
    for h in hops:
        if h is hops[-1] or h.host is None or h.loss_pct is None or h.loss_pct < sig:
            continue
        if path.loss_starts_hop is not None and h.hop >= path.loss_starts_hop:
            continue
        later = [x for x in hops if x.hop > h.hop and x.host and x.loss_pct is not None]
        if later and any(x.loss_pct < sig for x in later):
            findings.append(
                Finding(
                    kind="icmp-rate-limit",
                    summary=(
                        f"{_hop_label(h).capitalize()} shows {h.loss_pct:g}% loss but later hops do "  # noqa: E501
                        f"not: that router rate-limits its ICMP replies; this is not path loss."
                    ),
                    evidence=[h.line],
                    problems=[],
                    facts={"hop": h.hop, "loss_pct": h.loss_pct},
                )
            )

    # 3. Long-haul step.
    for a, b in zip(answering, answering[1:], strict=False):
        assert a.rtt_avg_ms is not None and b.rtt_avg_ms is not None
        step = b.rtt_avg_ms - a.rtt_avg_ms
        # A step that the following hops do not keep is one slow router.
        rest = [x.rtt_avg_ms for x in answering if x.hop > b.hop and x.rtt_avg_ms is not None]
        kept = not rest or min(rest) >= a.rtt_avg_ms + step * 0.6
        if step >= thresholds["long_haul_step_ms"] and kept:
            findings.append(
                Finding(
                    kind="long-haul-segment",
                    summary=(
                        f"RTT jumps by {step:.0f} ms between {_hop_label(a)} and {_hop_label(b)}: "
                        f"a long-haul (often cross-border) segment."
                    ),
                    evidence=[a.line, b.line],
                    problems=["net.high-latency-route"],
                    facts={"from_hop": a.hop, "to_hop": b.hop, "step_ms": round(step, 1)},
                )
            )
            break

    # 4. High RTT to the destination.
    if path.dest_rtt_avg_ms is not None and path.dest_rtt_avg_ms >= thresholds["high_rtt_ms"]:
        findings.append(
            Finding(
                kind="high-latency",
                summary=f"Average RTT to the destination is {path.dest_rtt_avg_ms:g} ms.",
                evidence=[hops[-1].line],
                problems=["net.high-latency-route"],
                facts={"rtt_ms": path.dest_rtt_avg_ms},
            )
        )

    # 5. Destination never answered.
    if path.reached is False or (path.dest_loss_pct is not None and path.dest_loss_pct >= 100):
        last = [h for h in hops if h.host]
        findings.append(
            Finding(
                kind="destination-silent",
                summary=(
                    "The destination did not answer; the last answering hop is "
                    f"{_hop_label(last[-1]) if last else 'none'}. Routers beyond may simply "
                    "filter ICMP, so test the real port (1935/443) before concluding."
                ),
                evidence=[h.line for h in hops[-2:] if h.line],
                problems=["push.connect-refused"],
            )
        )

    if private:
        findings.append(
            Finding(
                kind="customer-side-hops",
                summary=(
                    ("Hop " if len(private) == 1 else "Hops ")
                    + ", ".join(str(h.hop) for h in private)
                    + (" is a private or CGNAT address" if len(private) == 1
                       else " are private or CGNAT addresses")
                    + ": the customer's network and the access ISP's NAT (last mile)."
                ),
                evidence=[h.line for h in private][:4],
                problems=[],
            )
        )
    if any(h.host and ":" in h.host for h in hops):
        findings.append(
            Finding(
                kind="ipv6-path",
                summary="The trace ran over IPv6.",
                evidence=[hops[0].line],
                problems=["net.ipv6-path"],
            )
        )
    return findings


def analyse_ping(ping: PingResult, thresholds: dict[str, float] = THRESHOLDS) -> list[Finding]:
    findings: list[Finding] = []
    loss_line = ping.evidence.get("loss_pct")
    rtt_line = ping.evidence.get("rtt_avg_ms")
    big = ping.payload_bytes is not None and ping.payload_bytes >= thresholds["mtu_probe_bytes"]
    if ping.error_replies:
        findings.append(
            Finding(
                kind="ping-unreachable",
                summary=(
                    f"{len(ping.error_replies)} replies were ICMP errors (unreachable / TTL "
                    "expired), not echo replies; Windows counts them as received."
                ),
                evidence=ping.error_replies[:3],
                problems=["push.connect-refused", "net.line-failover"],
            )
        )
    if ping.loss_pct is not None and ping.loss_pct >= 100 and big:
        findings.append(
            Finding(
                kind="mtu-black-hole",
                summary=(
                    f"Every {ping.payload_bytes}-byte ping was lost: large packets die on the "
                    "path (MTU black hole). Compare with a small ping."
                ),
                evidence=[x for x in (loss_line,) if x],
                problems=["net.mtu-fragmentation"],
            )
        )
    elif ping.loss_pct is not None and thresholds["loss_significant_pct"] <= ping.loss_pct:
        findings.append(
            Finding(
                kind="ping-loss",
                summary=(
                    f"{ping.loss_pct:g}% of pings were lost ({ping.received}/{ping.sent} "
                    "received); a path trace is needed to locate it."
                ),
                evidence=[x for x in (loss_line,) if x],
                problems=["net.loss-last-mile", "net.loss-cross-border"],
                facts={"loss_pct": ping.loss_pct},
            )
        )
    if ping.jitter_ms is not None and ping.jitter_ms >= thresholds["jitter_ms"]:
        findings.append(
            Finding(
                kind="ping-jitter",
                summary=f"Jitter is {ping.jitter_ms:g} ms ({ping.jitter_source}).",
                evidence=[x for x in (rtt_line,) if x] or [f"{len(ping.rtts_ms)} reply times"],
                problems=["net.jitter"],
                facts={"jitter_ms": ping.jitter_ms},
            )
        )
    if ping.rtt_avg_ms is not None and ping.rtt_avg_ms >= thresholds["high_rtt_ms"]:
        findings.append(
            Finding(
                kind="ping-high-rtt",
                summary=f"Average RTT is {ping.rtt_avg_ms:g} ms.",
                evidence=[x for x in (rtt_line,) if x],
                problems=["net.high-latency-route"],
            )
        )
    return findings


def _error_finding(error: str, evidence: list[str], source: str) -> Finding:
    problems = {
        "connection_refused": ["push.connect-refused"],
        "timeout": ["push.connect-refused"],
        "dns_failure": ["push.dns-resolution"],
        "forbidden": ["push.auth-failed", "play.forbidden-403"],
        "not_found": ["play.not-found-404", "push.url-malformed"],
        "already_publishing": ["push.duplicate-publisher"],
        "tls_error": ["push.tls-handshake"],
        "broken_pipe": ["push.periodic-disconnect"],
        "message_too_long": ["net.mtu-fragmentation"],
    }[error]
    return Finding(
        kind=f"error-{error}",
        summary=f"{source} reports {error.replace('_', ' ')}.",
        evidence=evidence[:3],
        problems=problems,
    )


def _settings_findings(
    settings: dict[str, Any], source: str, thresholds: dict[str, float], protocol: str | None
) -> list[Finding]:
    findings: list[Finding] = []
    keyint = settings.get("keyint_sec")
    if isinstance(keyint, (int, float)):
        if (
            keyint == 0
            or abs(keyint - thresholds["keyint_sec"]) > thresholds["keyint_tolerance_sec"]
        ):
            shown = "auto" if keyint == 0 else f"{keyint:g} s"
            findings.append(
                Finding(
                    kind="keyframe-interval",
                    summary=f"{source} keyframe interval is {shown}; ingest and players expect 2 s.",  # noqa: E501
                    evidence=[f"keyint: {settings.get('keyint')} at {settings.get('fps')} fps"],
                    problems=["enc.keyframe-interval"],
                )
            )
    rate = settings.get("audio_sample_rate")
    if isinstance(rate, int) and rate not in (44100, 48000):
        findings.append(
            Finding(
                kind="audio-sample-rate",
                summary=f"{source} audio sample rate is {rate} Hz.",
                evidence=[f"sample rate: {rate}"],
                problems=["enc.av-desync", "enc.audio-missing"],
            )
        )
    codec = str(settings.get("video_codec", "")).lower()
    profile = str(settings.get("profile", "")).lower()
    pix = str(settings.get("pix_fmt", "")).lower()
    if (
        codec in ("hevc", "h265", "av1", "vp9")
        or "10" in profile
        or "4:2:2" in profile
        or "10le" in pix
        or "422" in pix
    ):
        findings.append(
            Finding(
                kind="codec-unsupported",
                summary=f"{source} sends {codec or 'video'} {profile} {pix}".strip()
                + ", which classic RTMP ingest and many players reject.",
                evidence=[f"codec: {codec} profile: {profile} pix_fmt: {pix}"],
                problems=["enc.codec-unsupported"],
            )
        )
    audio = str(settings.get("audio_codec", "")).lower()
    if audio and audio not in ("aac", "mp3", "opus"):
        findings.append(
            Finding(
                kind="audio-not-aac",
                summary=f"{source} sends {audio} audio; ingest expects AAC.",
                evidence=[f"audio codec: {audio}"],
                problems=["enc.audio-missing"],
            )
        )
    bframes = settings.get("bframes", settings.get("bf"))
    if protocol == "webrtc" and isinstance(bframes, int) and bframes > 0:
        findings.append(
            Finding(
                kind="bframes-webrtc",
                summary=f"{source} uses {bframes} B-frames; WebRTC playback breaks.",
                evidence=[f"bframes={bframes}"],
                problems=["enc.bframes-webrtc"],
            )
        )
    return findings


def analyse_obs(
    obs: ObsResult, thresholds: dict[str, float] = THRESHOLDS, protocol: str | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    if (
        obs.dropped_frames_network_pct is not None
        and obs.dropped_frames_network_pct >= thresholds["obs_dropped_pct"]
    ):
        findings.append(
            Finding(
                kind="obs-network-drops",
                summary=(
                    f"OBS dropped {obs.dropped_frames_network_pct:g}% of frames because the network "  # noqa: E501
                    "could not carry the stream (insufficient bandwidth / connection stalls)."
                ),
                evidence=obs.evidence.get("dropped", [])[:2],
                problems=["net.uplink-bandwidth", "enc.bitrate-too-high"],
                facts={"pct": obs.dropped_frames_network_pct},
            )
        )
    if (
        obs.skipped_frames_encoder_pct is not None
        and obs.skipped_frames_encoder_pct >= thresholds["obs_skipped_pct"]
    ):
        findings.append(
            Finding(
                kind="obs-encoder-skips",
                summary=f"The encoder skipped {obs.skipped_frames_encoder_pct:g}% of frames (encoding lag).",  # noqa: E501
                evidence=obs.evidence.get("skipped", [])[:2],
                problems=["enc.encoder-overload"],
            )
        )
    if (
        obs.lagged_frames_render_pct is not None
        and obs.lagged_frames_render_pct >= thresholds["obs_lagged_pct"]
    ):
        findings.append(
            Finding(
                kind="obs-render-lag",
                summary=f"Rendering missed {obs.lagged_frames_render_pct:g}% of frames (GPU/scene load).",  # noqa: E501
                evidence=obs.evidence.get("lagged", [])[:2],
                problems=["enc.encoder-overload"],
            )
        )
    if obs.disconnects:
        findings.append(
            Finding(
                kind="obs-disconnects",
                summary=(
                    f"The stream disconnected {obs.disconnects} time(s)"
                    + (
                        f" and OBS tried to reconnect {obs.reconnect_attempts} time(s)."
                        if obs.reconnect_attempts
                        else "."
                    )
                ),
                evidence=(
                    obs.evidence.get("send_errors", [])[:1]
                    + obs.evidence.get("disconnects", [])[:2]
                ),
                problems=["push.periodic-disconnect"],
                facts={"count": obs.disconnects},
            )
        )
    if obs.error and obs.error != "broken_pipe":
        findings.append(_error_finding(obs.error, obs.evidence.get("connect_errors", []), "OBS"))
    elif obs.error == "broken_pipe" and not obs.disconnects:
        findings.append(_error_finding(obs.error, obs.evidence.get("send_errors", []), "OBS"))
    findings.extend(_settings_findings(obs.settings, "OBS", thresholds, protocol))
    return findings


def analyse_ffmpeg(
    ff: FfmpegResult, thresholds: dict[str, float] = THRESHOLDS, protocol: str | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    if ff.error:
        findings.append(
            _error_finding(
                ff.error, ff.evidence.get("error", []), f"ffmpeg ({ff.direction or 'stream'})"
            )
        )
    elif ff.evidence.get("generic_failure") and ff.direction == "push":
        findings.append(
            Finding(
                kind="push-closed-by-server",
                summary=(
                    "The ingest accepted the connection and then closed the publish with no reason "
                    "given; a refused stream key or auth callback does this."
                ),
                evidence=ff.evidence["generic_failure"],
                problems=["push.auth-failed", "push.url-malformed"],
            )
        )
    if ff.non_monotonous_dts:
        findings.append(
            Finding(
                kind="non-monotonous-dts",
                summary=f"ffmpeg saw {ff.non_monotonous_dts} non-monotonous DTS warnings (timestamp jumps).",  # noqa: E501
                evidence=ff.evidence.get("dts", []),
                problems=["enc.av-desync"],
            )
        )
    findings.extend(_settings_findings(ff.settings, "ffmpeg", thresholds, protocol))
    return findings
