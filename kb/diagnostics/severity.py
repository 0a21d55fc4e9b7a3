"""How much a finding matters to the person reading it.

``problem``: something is broken and a fix is needed (loss that persists, a
refused push, a host that does not answer). ``warning``: worth changing,
not the outage by itself (jitter, a keyframe interval, a few lost pings).
``info``: context that explains the rest (a clean path, a long-haul segment
that costs what distance costs, ICMP rate limiting, customer-side hops).
A kind not listed here is a problem: new rules are faults until someone
says otherwise.
"""

from __future__ import annotations

SEVERITIES = ("problem", "warning", "info")

INFO = frozenset({
    "path-clean", "long-haul-segment", "long-haul-rtt-expected", "customer-side-hops",
    "icmp-rate-limit", "ping-high-rtt-stable", "ping-ttl-set", "route-carrier",
    "route-standard-backbone", "port-open", "port-open-beside-blocked",
    "probes-filtered", "http-ok", "uplink-measured", "downlink-measured", "uplink-enough",
    "uplink-enough-nearby", "udp-clean",
})
WARNING = frozenset({
    "audio-sample-rate", "bframes-webrtc", "high-latency", "keyframe-interval",
    "non-monotonous-dts", "obs-encoder-skips", "obs-render-lag", "path-jitter", "ping-jitter",
    "ping-loss-few", "ping-high-rtt", "route-via-tunnel", "telnet-default-port",
    "uplink-no-headroom", "udp-jitter", "iperf3-error", "player-stalled", "player-load-timeout",
    "player-stream-cut",
})


def finding_severity(kind: str) -> str:
    if kind in INFO:
        return "info"
    if kind in WARNING:
        return "warning"
    return "problem"


def findings_by_severity(findings: list[dict]) -> list[dict]:
    """The findings (as ``Finding.to_dict`` gives them), each with its
    ``severity``, problems first; the diagnosis's order within each."""
    rated = [{**finding, "severity": finding_severity(finding.get("kind", ""))}
             for finding in findings]
    return sorted(rated, key=lambda f: SEVERITIES.index(f["severity"]))
