"""Typed results shared by the parsers, the analysis and the engine.

Everything here is plain dataclasses so the Django layer can serialise it
with ``to_dict()`` and tests can compare fields directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The ``detected`` values and the ffmpeg/OBS ``error`` enum are a contract
# with the API (DESIGN.md, "Contracts"): do not rename.
DETECTED_KINDS = (
    "ping",
    "traceroute",
    "tracert",
    "mtr",
    "pathping",
    "obs-log",
    "ffmpeg",
    "unknown",
)
PLATFORMS = ("linux", "macos", "windows")
ERRORS = (
    "connection_refused",
    "timeout",
    "dns_failure",
    "forbidden",
    "not_found",
    "already_publishing",
    "tls_error",
    "broken_pipe",
    "message_too_long",
)


@dataclass
class PingResult:
    target: str | None = None
    sent: int | None = None
    received: int | None = None
    loss_pct: float | None = None
    rtt_min_ms: float | None = None
    rtt_avg_ms: float | None = None
    rtt_max_ms: float | None = None
    jitter_ms: float | None = None
    jitter_source: str | None = None  # "consecutive" | "mdev" | "stddev"
    rtts_ms: list[float] = field(default_factory=list)
    payload_bytes: int | None = None
    dont_fragment: bool = False
    error_replies: list[str] = field(default_factory=list)  # verbatim lines
    evidence: dict[str, str] = field(default_factory=dict)  # metric -> line
    parser: str = "hand"  # "jc" or "hand"

    def metrics(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "received": self.received,
            "loss_pct": self.loss_pct,
            "rtt_min_ms": self.rtt_min_ms,
            "rtt_avg_ms": self.rtt_avg_ms,
            "rtt_max_ms": self.rtt_max_ms,
            "jitter_ms": self.jitter_ms,
            "jitter_source": self.jitter_source,
        }


@dataclass
class Hop:
    hop: int
    host: str | None  # address (or name when no address is shown)
    name: str | None = None
    loss_pct: float | None = None
    sent: int | None = None
    rtt_avg_ms: float | None = None
    rtt_best_ms: float | None = None
    rtt_worst_ms: float | None = None
    line: str = ""  # the verbatim input line, used as evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "hop": self.hop,
            "host": self.host,
            "loss_pct": self.loss_pct,
            "rtt_avg_ms": self.rtt_avg_ms,
        }


@dataclass
class PathResult:
    tool: str  # traceroute | tracert | mtr | pathping
    target: str | None = None
    target_ip: str | None = None
    hops: list[Hop] = field(default_factory=list)
    reached: bool | None = None
    loss_starts_hop: int | None = None
    dest_loss_pct: float | None = None
    dest_rtt_avg_ms: float | None = None
    parser: str = "hand"

    def metrics(self) -> dict[str, Any]:
        return {
            "hops": len(self.hops),
            "loss_starts_hop": self.loss_starts_hop,
            "dest_loss_pct": self.dest_loss_pct,
            "dest_rtt_avg_ms": self.dest_rtt_avg_ms,
            "reached": self.reached,
            "per_hop": [h.to_dict() for h in self.hops],
        }


@dataclass
class ObsResult:
    dropped_frames_network: int | None = None
    dropped_frames_network_pct: float | None = None
    skipped_frames_encoder_pct: float | None = None
    lagged_frames_render_pct: float | None = None
    disconnects: int = 0
    reconnect_attempts: int = 0
    error: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "dropped_frames_network_pct": self.dropped_frames_network_pct,
            "skipped_frames_encoder_pct": self.skipped_frames_encoder_pct,
            "lagged_frames_render_pct": self.lagged_frames_render_pct,
            "disconnects": self.disconnects,
            "reconnect_attempts": self.reconnect_attempts,
            "error": self.error,
            "settings": dict(self.settings),
        }


@dataclass
class FfmpegResult:
    error: str | None = None
    direction: str | None = None  # "push" | "pull"
    url: str | None = None
    non_monotonous_dts: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "direction": self.direction,
            "non_monotonous_dts": self.non_monotonous_dts,
            "settings": dict(self.settings),
        }


@dataclass
class Attachment:
    """One pasted or uploaded output, as the customer gave it."""

    name: str
    content: bytes | str


@dataclass
class Answers:
    """What the customer told the wizard; every field optional."""

    role: str | None = None  # publisher | viewer
    protocol: str | None = None  # rtmp | rtmps | srt | webrtc | hls | flv
    region: str | None = None  # na | eu | sea | cn | latam | mea
    stream_down: bool | None = None


@dataclass
class ParsedAttachment:
    name: str
    detected: str = "unknown"
    platform: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Typed results of every section (a mixed paste has several); not in
    # the API shape, used by the analysis.
    results: list[Any] = field(default_factory=list)
    encoding: str | None = None
    # True when a parser failed on this input (a bug, logged with its
    # traceback): the attachment is then kept as plain text. Not in the API.
    failed: bool = False
    # The decoded text, read again by the destinations pass (DNS answers,
    # resets, platform URLs). Not in the API.
    text: str = field(default="", repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "detected": self.detected,
            "platform": self.platform,
            "metrics": self.metrics,
            "notes": list(self.notes),
        }


@dataclass
class Finding:
    kind: str
    summary: str
    evidence: list[str] = field(default_factory=list)  # verbatim input lines
    problems: list[str] = field(default_factory=list)  # problem codes
    facts: dict[str, Any] = field(default_factory=dict)  # numbers rules read

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary,
            "evidence": list(self.evidence),
            "problems": list(self.problems),
        }


@dataclass
class Suggestion:
    problem: str
    confidence: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"problem": self.problem, "confidence": self.confidence, "reason": self.reason}


@dataclass
class Escalation:
    recommended: bool
    priority: str | None  # P1 | P2 | P3 | P4 | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"recommended": self.recommended, "priority": self.priority, "reason": self.reason}


@dataclass
class DiagnoseResult:
    attachments: list[ParsedAttachment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    escalate: Escalation = field(
        default_factory=lambda: Escalation(recommended=False, priority=None, reason="")
    )
    # True when the diagnosis itself failed (a bug, logged with its
    # traceback) and this is the fallback answer: escalate to a person.
    degraded: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "attachments": [a.to_dict() for a in self.attachments],
            "findings": [f.to_dict() for f in self.findings],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "escalate": self.escalate.to_dict(),
        }
