"""Typed results shared by the parsers, the analysis and the engine.

Everything here is plain dataclasses so the Django layer can serialise it
with ``to_dict()`` and tests can compare fields directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .messages import Message

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
# Router systems whose ping and traceroute are read (kb.diagnostics.router_ping,
# router_path).
ROUTER_SYSTEMS = ("vrp", "comware", "ios", "routeros")
# Detection's platforms that name a variant of the tool, not a computer's
# system: the API's platform is then null, and its variant names it.
VARIANT_PLATFORMS = (*ROUTER_SYSTEMS, "nexttrace", "powershell")
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
    error_from: list[str] = field(default_factory=list)  # who sent them, in order
    # The command line set the TTL (Windows ``-i N``, Linux ``-t N``): "TTL
    # expired in transit" replies are then what was asked for.
    ttl_set: bool = False
    # Probes refused with "fragmentation needed" (don't-fragment set): a link
    # on the path has a smaller MTU than the packet. Not in error_replies.
    frag_needed: int = 0
    evidence: dict[str, str] = field(default_factory=dict)  # metric -> line
    parser: str = "hand"  # "jc" or "hand"
    # (name, the tool's line): the target's name did not resolve, so no
    # probe was sent (kb.diagnostics.resolution).
    unresolved: tuple[str, str] | None = None
    # Lines reporting a probe this computer could not send at all
    # (kb.diagnostics.unsent): counted as sent and lost by ping.
    unsent: list[str] = field(default_factory=list)

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
    rtt_stdev_ms: float | None = None  # mtr's StDev column
    # An ICMP error instead of an answer ("net-unreachable",
    # "host-unreachable", "prohibited"): the path ends at this hop.
    error: str | None = None
    line: str = ""  # the verbatim input line, used as evidence
    asn: int | None = None  # the AS number the tool printed (NextTrace, Cisco)

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
    # How the trace ended when it did not reach its target: "silent" (no
    # answer from hop loss_starts_hop on) or the ICMP error a router sent.
    ended: str | None = None
    parser: str = "hand"
    # Hops past MAX_HOPS in the paste, not read (a TTL is 8 bits: no trace
    # has more than 255 hops; a paste with more is edited or repeated).
    hops_dropped: int = 0
    # As PingResult.unresolved: (name, line) when the name did not resolve.
    unresolved: tuple[str, str] | None = None
    # As PingResult.unsent: probes this computer could not send.
    unsent: list[str] = field(default_factory=list)

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
    classic: bool = False  # OBS Classic (0.6x) rather than OBS Studio
    # Publishes the ingest ended within seconds of "Connection ... successful"
    # (each reconnect refused right after connecting), and reconnect
    # attempts that never connected.
    refused_after_connect: int = 0
    failed_reconnects: int = 0
    connected: int = 0  # "Connection to ... successful" / classic handshakes
    # The output OBS pushed with when its lines say: "srt" (libsrt's) or
    # "whip" (WebRTC's); how an SRT listener rejected the handshake
    # ("passphrase", "streamid" or "peer", as FfmpegResult's); whether the
    # last WHIP connection is up, and a WHIP connection whose media path
    # (ICE) failed before it ever connected.
    output: str | None = None
    srt_reject: str | None = None
    whip_connected: bool = False
    ice_failed: bool = False

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
    # Progress lines ("frame= ... speed=0.5x"), their speeds in order.
    speeds: list[float] = field(default_factory=list)
    # A codec the output container or protocol cannot carry, as the muxer
    # says it: "video", "audio" (the kind of stream), None.
    incompatible: str | None = None
    # SRT handshake rejection as libsrt logs it: "passphrase" (wrong or
    # missing), "streamid" (the listener's access check), "peer", None.
    srt_reject: str | None = None
    # The error happened after media was flowing (not while connecting).
    mid_stream: bool = False
    # ffmpeg gave up waiting for one output stream's first packet.
    muxing_queue_overflow: bool = False
    # The frame size x264 refused ("1365x768"): 4:2:0 needs even dimensions.
    odd_frame_size: str | None = None
    # Lines about media that arrived damaged (a corrupt TS packet, a
    # macroblock the decoder could not read).
    damaged_packets: int = 0
    # What the analysis reads beyond the reported settings: the encoder
    # ("libx264"), x264's analysis options, the output container, the codec
    # a muxer refused.  Not in the metrics.
    encoder: dict[str, Any] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "direction": self.direction,
            "non_monotonous_dts": self.non_monotonous_dts,
            "settings": dict(self.settings),
        }


@dataclass(frozen=True)
class HttpAnswer:
    """An HTTP status a playback URL was answered, as curl, a player or the
    browser printed it: the URL when the output names it, and the line."""

    url: str | None
    code: str
    line: str


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
    # notes as messages, rendered in the reader's language; notes is their
    # English text.
    note_messages: list[Message] = field(default_factory=list)
    # A variant of the detected tool a person would name differently
    # ("classic" for an OBS Classic log; one of VARIANT_PLATFORMS: the
    # system of a router that ran ping or traceroute, or NextTrace).
    variant: str | None = None

    @property
    def tool(self) -> str:
        """The detected tool as a person names it, in English ("Windows tracert")."""
        from .catalogue import tool_name

        return tool_name(self.detected, self.platform, "en", self.variant)

    def note(self, message: Message) -> None:
        self.notes.append(message.render("en"))
        self.note_messages.append(message)

    def replace_note(self, code: str, message: Message) -> None:
        """Put ``message`` in place of the note with message code ``code``, if any."""
        for i, old in enumerate(self.note_messages):
            if old.code == code and len(self.notes) == len(self.note_messages):
                self.note_messages[i] = message
                self.notes[i] = message.render("en")

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        notes = (
            [m.render(lang) for m in self.note_messages]
            if lang != "en" and len(self.note_messages) == len(self.notes)
            else list(self.notes)
        )
        return {
            "name": self.name,
            "detected": self.detected,
            "platform": self.platform,
            "metrics": self.metrics,
            "notes": notes,
        }


@dataclass
class Finding:
    kind: str
    summary: str
    evidence: list[str] = field(default_factory=list)  # verbatim input lines
    problems: list[str] = field(default_factory=list)  # problem codes
    facts: dict[str, Any] = field(default_factory=dict)  # numbers rules read
    # The summary as a message code with parameters, rendered in the
    # reader's language by to_dict(lang); summary is its English text.
    message: Message | None = None
    # Whose side the evidence points at: "customer", "provider" or None.
    side: str | None = None

    @classmethod
    def of(
        cls,
        kind: str,
        message: Message,
        *,
        evidence: list[str] | None = None,
        problems: list[str] | None = None,
        facts: dict[str, Any] | None = None,
        side: str | None = None,
    ) -> Finding:
        return cls(
            kind=kind,
            summary=message.render("en"),
            evidence=list(evidence or []),
            problems=list(problems or []),
            facts=dict(facts or {}),
            message=message,
            side=side,
        )

    def text(self, lang: str = "en") -> str:
        if self.message is None or lang == "en":
            return self.summary  # the English text, rendered once
        return self.message.render(lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.text(lang),
            "evidence": list(self.evidence),
            "problems": list(self.problems),
        }


@dataclass
class Suggestion:
    problem: str
    confidence: float
    reason: str
    # The reason as messages (rendered and joined in the reader's language);
    # reason is their English text.
    reasons: list[Message] = field(default_factory=list)
    # True when a finding from a pasted output supports it (not only words).
    evidence: bool = False

    def text(self, lang: str = "en") -> str:
        if not self.reasons or lang == "en":
            return self.reason
        joiner = "" if lang.startswith("zh") else " "
        return joiner.join(m.render(lang) for m in self.reasons)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"problem": self.problem, "confidence": self.confidence, "reason": self.text(lang)}


@dataclass
class Escalation:
    recommended: bool
    priority: str | None  # P1 | P2 | P3 | P4 | None
    reason: str
    message: Message | None = None

    @classmethod
    def of(cls, recommended: bool, priority: str | None, message: Message) -> Escalation:
        return cls(recommended, priority, message.render("en"), message)

    def text(self, lang: str = "en") -> str:
        if self.message is None or lang == "en":
            return self.reason
        return self.message.render(lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "recommended": self.recommended,
            "priority": self.priority,
            "reason": self.text(lang),
        }


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
    # The fixes the evidence or the customer's own words answer "no" to
    # (engine.answered_by_evidence): a caller adding suggestions of its own
    # (the wizard's search of the description) leaves them out too.
    answered: frozenset[str] = frozenset()

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The API shape; texts in ``lang`` (``en`` or ``zh-hans``)."""
        return {
            "attachments": [a.to_dict(lang) for a in self.attachments],
            "findings": [f.to_dict(lang) for f in self.findings],
            "suggestions": [s.to_dict(lang) for s in self.suggestions],
            "escalate": self.escalate.to_dict(lang),
        }
