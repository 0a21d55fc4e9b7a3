"""The entry points: :func:`parse` (one attachment) and :func:`diagnose`.

Neither raises on any input: a customer's paste must never turn into a 500.
Input that is not tool output is ``detected="unknown"`` with a note. A bug
(a parser raising) is different: it is logged with its traceback and the
answer is marked (``ParsedAttachment.failed``, ``DiagnoseResult.degraded``),
so tests can tell a real answer from the fallback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from . import analysis, destinations, rules, said
from .decode import decode_paste_with_encoding
from .detect import Section, split_sections
from .ffmpeg import parse_ffmpeg
from .gstreamer import analyse_gstreamer
from .librtmp import analyse_librtmp
from .lookups import analyse_lookups
from .messages import Message, msg
from .models import (
    ROUTER_SYSTEMS,
    VARIANT_PLATFORMS,
    Answers,
    Attachment,
    DiagnoseResult,
    Escalation,
    FfmpegResult,
    Finding,
    ObsResult,
    ParsedAttachment,
    PathResult,
    PingResult,
    Suggestion,
)
from .nexttrace import parse_nexttrace, parse_nexttrace_json
from .obs import parse_obs
from .path import (
    MAX_HOPS,
    parse_mtr_json,
    parse_mtr_report,
    parse_pathping,
    parse_traceroute,
    parse_tracert,
    parse_winmtr,
    summarise,
)
from .ping import parse_ping
from .player import KINDS as PLAYER_KINDS
from .player import analyse_player
from .ports import PORT_FAILURES, analyse_port_tests, probes_filtered, reached_by_tcp
from .powershell import parse_test_connection, parse_test_connection_trace
from .resolution import unresolved_name
from .responses import analyse_responses
from .router_path import parse_trace_on_router
from .router_ping import parse_router_ping
from .severity import finding_severity
from .throughput import (
    UPLINK_READINGS,
    UPLINK_SHORT,
    analyse_throughput,
    stream_rate,
    uplink_carries,
    uplink_needed,
    uplink_shortfall,
)
from .unsent import unsent_probes

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
# Tool outputs read from one attachment. A person pastes a few; a paste of
# hundreds (a monitoring script's log, one output repeated) would answer
# with thousands of findings, each saying the same.
MAX_SECTIONS = 20
MAX_ATTACHMENTS = 5

Result = PingResult | PathResult | ObsResult | FfmpegResult


# Bytes that do not occur in text output: below TAB, and between CR and space.
_CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    if odd_nuls > len(sample) * 0.2 and even_nuls < len(sample) * 0.05:
        return False  # UTF-16LE text
    if even_nuls > len(sample) * 0.2 and odd_nuls < len(sample) * 0.05:
        return False  # UTF-16BE text
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > len(sample) * 0.1


def _parse_section(section: Section) -> Result | None:
    """The section's tool output read, with what every tool of its kind can
    print instead of measuring: a name that did not resolve, a probe this
    computer could not send."""
    result = _parse_tool_output(section)
    if section.kind not in ("ping", "traceroute", "tracert", "mtr", "pathping"):
        return result
    if result is None:
        result = PingResult() if section.kind == "ping" else PathResult(tool=section.kind)
    if isinstance(result, PingResult | PathResult):
        result.unresolved = unresolved_name(section.text)
        result.unsent = unsent_probes(section.text)
    return result


def _parse_tool_output(section: Section) -> Result | None:
    text, kind, platform = section.text, section.kind, section.platform
    threshold = rules.THRESHOLDS["loss_significant_pct"]
    if kind == "ping":
        if platform in ROUTER_SYSTEMS:
            return parse_router_ping(text, platform)
        if platform == "powershell":
            return parse_test_connection(text)
        return parse_ping(text, platform)
    if kind == "traceroute":
        if platform in ROUTER_SYSTEMS:
            return summarise(parse_trace_on_router(text, platform), loss_threshold_pct=threshold)
        if platform == "powershell":
            return summarise(parse_test_connection_trace(text), loss_threshold_pct=threshold)
        if platform == "nexttrace":
            if text.lstrip().startswith("{"):
                try:
                    return summarise(parse_nexttrace_json(text), loss_threshold_pct=threshold)
                except (ValueError, RecursionError):  # another shape, or nested too deep
                    pass
            return summarise(parse_nexttrace(text), loss_threshold_pct=threshold)
        return summarise(parse_traceroute(text), loss_threshold_pct=threshold)
    if kind == "tracert":
        return summarise(parse_tracert(text), loss_threshold_pct=threshold)
    if kind == "pathping":
        return summarise(parse_pathping(text), loss_threshold_pct=threshold)
    if kind == "mtr":
        if text.lstrip().startswith("{") or '"hubs"' in text:
            try:
                return summarise(parse_mtr_json(text), loss_threshold_pct=threshold)
            except (ValueError, TypeError, KeyError):
                pass
        if platform == "windows":
            return summarise(parse_winmtr(text), loss_threshold_pct=threshold)
        return summarise(parse_mtr_report(text), loss_threshold_pct=threshold)
    if kind == "obs-log":
        return parse_obs(text)
    if kind == "ffmpeg":
        return parse_ffmpeg(text)
    return None


def _empty_result(result: Result) -> bool:
    if isinstance(result, PathResult):
        return not result.hops and result.unresolved is None and not result.unsent
    if isinstance(result, PingResult):
        return (result.sent is None and not result.rtts_ms and result.unresolved is None
                and not result.unsent)
    return False


def parse(name: str, content: bytes | str) -> ParsedAttachment:
    """Detect and parse one attachment; never raises."""
    parsed = ParsedAttachment(name=str(name))
    try:
        _parse_into(parsed, content)
    except Exception as exc:  # a parser bug must not break the wizard
        logger.exception("diagnostics_parse_failed name=%r", name)
        parsed.detected, parsed.platform, parsed.metrics, parsed.results = "unknown", None, {}, []
        parsed.failed = True
        parsed.notes, parsed.note_messages = [], []
        parsed.note(msg("note.parse-failed", error=type(exc).__name__))
    return parsed


def _parse_into(parsed: ParsedAttachment, content: bytes | str) -> None:
    if content is None:
        content = ""
    size = (
        len(content.encode("utf-8", errors="replace")) if isinstance(content, str) else len(content)
    )
    if isinstance(content, (bytes, bytearray, memoryview)):
        content = bytes(content)
        if size > MAX_ATTACHMENT_BYTES:
            content = content[:MAX_ATTACHMENT_BYTES]
            parsed.note(msg("note.truncated-bytes", limit=MAX_ATTACHMENT_BYTES, size=size))
        if _looks_binary(content):
            parsed.note(msg("note.binary"))
            return
    elif size > MAX_ATTACHMENT_BYTES:
        content = content[: MAX_ATTACHMENT_BYTES // 4]
        parsed.note(msg("note.truncated-chars", limit=MAX_ATTACHMENT_BYTES // 4))
    text, encoding = decode_paste_with_encoding(content)
    parsed.encoding = encoding
    parsed.text = text
    if not text.strip():
        parsed.note(msg("note.empty"))
        return
    sections = split_sections(text)
    outputs = [section for section in sections if section.kind != "unknown"]
    if len(outputs) > MAX_SECTIONS:
        parsed.note(msg("note.truncated-sections", limit=MAX_SECTIONS, count=len(outputs)))
        last = outputs[MAX_SECTIONS - 1]
        sections = [section for section in sections if section.start_line <= last.start_line]
    known: list[tuple[Section, Result]] = []
    for section in sections:
        if section.kind == "unknown":
            continue
        result = _parse_section(section)
        if result is None or _empty_result(result):
            parsed.note(
                msg(
                    "note.no-measurements",
                    start=section.start_line,
                    end=section.end_line,
                    tool=msg(f"tool.{section.kind}"),
                )
            )
            continue
        if isinstance(result, PathResult) and result.hops_dropped:
            parsed.note(msg("note.truncated-hops", limit=MAX_HOPS, dropped=result.hops_dropped))
        known.append((section, result))
    if not known:
        if not parsed.notes:
            parsed.note(msg("note.unrecognised"))
        return
    # The dominant section (most lines) gives the attachment's metrics.
    dominant_section, dominant = max(known, key=lambda sr: sr[0].end_line - sr[0].start_line)
    parsed.detected = dominant_section.kind
    parsed.platform = dominant_section.platform
    parsed.metrics = dominant.metrics()
    parsed.results = [r for _s, r in known]
    if isinstance(dominant, ObsResult) and dominant.classic:
        parsed.variant = "classic"
    if parsed.platform in VARIANT_PLATFORMS:
        # The API's platform is a computer's system; a router's, or
        # NextTrace, names the variant of the tool ("Cisco IOS ping").
        parsed.platform, parsed.variant = None, parsed.platform
    if len(known) > 1:
        parts = ", ".join(f"{s.kind} ({s.start_line}-{s.end_line})" for s, _r in known)
        parsed.note(
            msg("note.several", parts=parts, tool=msg(f"tool.{dominant_section.kind}"))
        )
    # A trace this computer stopped sending says so in its own finding.
    if isinstance(dominant, PathResult) and dominant.reached is False and not dominant.unsent:
        last, target = dominant.hops[-1].host, dominant.target_ip or dominant.target
        if dominant.dest_loss_pct == 100:
            parsed.note(msg("note.trace-died", hop=dominant.loss_starts_hop))
        elif last and target:
            parsed.note(msg("note.last-hop-not-target", last=last, target=target))
        else:
            parsed.note(msg("note.not-reached"))
    if isinstance(dominant, PingResult) and any(
            line.strip() not in dominant.unsent for line in dominant.error_replies):
        parsed.note(msg("note.error-replies"))


def _infer_role(answers: Answers, parsed: list[ParsedAttachment], read_as_text: list[Finding],
                description: str) -> str | None:
    if answers.role in ("publisher", "viewer"):
        return answers.role
    for p in parsed:
        for r in p.results:
            if isinstance(r, ObsResult):
                return "publisher"
            if isinstance(r, FfmpegResult) and r.direction:
                return "publisher" if r.direction == "push" else "viewer"
    # A GStreamer pipeline's sink error is a push's (kb.diagnostics.gstreamer).
    if any(f.facts.get("pusher") == "gstreamer" for f in read_as_text):
        return "publisher"
    # A web player's console is a viewer's, whoever pasted it; so is a
    # description that quotes a player's error.
    if any(f.kind in PLAYER_KINDS for f in read_as_text) or rules.PLAYER_WORDS.search(description):
        return "viewer"
    return None


def _findings(parsed: list[ParsedAttachment], protocol: str | None,
              reached: dict[str, int]) -> list[Finding]:
    """``reached``: targets a TCP port test connected to (:mod:`.ports`)."""
    findings: list[Finding] = []
    for p in parsed:
        for r in p.results:
            if isinstance(r, PingResult):
                new = probes_filtered(r, analysis.analyse_ping(r), reached)
            elif isinstance(r, PathResult):
                new = probes_filtered(r, analysis.analyse_path(r), reached)
            elif isinstance(r, ObsResult):
                new = analysis.analyse_obs(r, protocol=protocol)
            elif isinstance(r, FfmpegResult):
                new = analysis.analyse_ffmpeg(r, protocol=protocol)
            else:
                new = []
            for f in new:
                f.facts.setdefault("attachment", p.name)
            findings.extend(new)
    return findings


def _short(line: str, limit: int = 120) -> str:
    line = " ".join(line.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


_RULES_BY_KIND: dict[str, list[rules.FindingRule]] = {}
_RULES_INDEXED: tuple[rules.FindingRule, ...] | None = None


def _rules_by_kind() -> dict[str, list[rules.FindingRule]]:
    """FINDING_RULES by finding kind, rebuilt when the table is replaced."""
    global _RULES_INDEXED
    if _RULES_INDEXED is not rules.FINDING_RULES:
        _RULES_BY_KIND.clear()
        for rule in rules.FINDING_RULES:
            _RULES_BY_KIND.setdefault(rule.finding, []).append(rule)
        _RULES_INDEXED = rules.FINDING_RULES
    return _RULES_BY_KIND


def _finding_reason(finding: Finding) -> Message:
    summary: Message = finding.message or msg("raw", text=finding.summary)
    if finding.evidence:
        return msg("reason.finding", summary=summary, cite=_short(finding.evidence[0]))
    return msg("reason.finding.bare", summary=summary)


def answered_by_evidence(findings: list[Finding], description: str) -> frozenset[str]:
    """The fixes whose question the customer's evidence or own words have
    already answered "no": words about them in the description suggest
    them no more (the evidence's own findings still do)."""
    text = said.description_text(description)
    answered: set[str] = set()
    # A pasted path that reached its target with no loss that persists
    # answers "is it packet loss?", as does the customer's own "0% loss".
    if any(f.kind == "path-clean" for f in findings) or said.loss_said_none(text):
        answered.update(("net.loss-last-mile", "net.loss-cross-border"))
    # So does a port test that connected, with none that failed, answer
    # "is the port blocked?"
    if any(f.kind == "port-open" for f in findings) and not any(
            f.kind in PORT_FAILURES for f in findings):
        answered.add("push.connect-refused")
    # An iperf3 upload with room for the stream answers "is my upload
    # enough?"; and in "0 dropped frames" the words "dropped frames" are no
    # sign of a short uplink.
    uplink_enough = any(f.kind == "uplink-enough" for f in findings) and not any(
        f.kind in UPLINK_SHORT for f in findings)
    if uplink_enough or said.encoder_said_clean(text):
        answered.add("net.uplink-bandwidth")
    # Sound that comes with a click is there: a muted autoplay, not no audio.
    if said.sound_after_a_click(text):
        answered.add("enc.audio-missing")
    # A CPU said to be fine answers "is the encoder overloaded?".
    if said.cpu_said_fine(text):
        answered.add("enc.encoder-overload")
    # Loss that begins after clean first hops is not the customer's network.
    if said.first_hops_said_clean(text):
        answered.add("net.loss-last-mile")
    # A keyframe interval already at 2 s is that fix done.
    if said.keyframe_said_set(text):
        answered.add("enc.keyframe-interval")
    return frozenset(answered)


def _suggest(
    findings: list[Finding], answers: Answers, role: str | None, description: str,
    answered: frozenset[str],
) -> list[Suggestion]:
    # problem -> [(confidence, reason, from a finding)]
    contributions: dict[str, list[tuple[float, Message, bool]]] = {}

    def add(problem: str, confidence: float, reason: Message, evidence: bool) -> None:
        contributions.setdefault(problem, []).append((confidence, reason, evidence))

    protocol, region = answers.protocol, answers.region
    by_kind = _rules_by_kind()
    for finding in findings:
        for rule in by_kind.get(finding.kind, ()):
            if rule.protocols and protocol not in rule.protocols:
                continue
            if rule.regions and region not in rule.regions:
                continue
            if rule.stream_down is not None and bool(answers.stream_down) != rule.stream_down:
                continue
            confidence = rule.confidence
            if rule.role and role != rule.role:
                if role is not None:
                    continue
                confidence *= 0.5  # role unknown: weaker
            add(rule.problem, confidence, _finding_reason(finding), True)
    text = said.description_text(description)
    if text.strip():
        for kw in rules.KEYWORD_RULES:
            if kw.role and role != kw.role:
                continue
            if kw.protocols and protocol not in kw.protocols:
                continue
            if kw.problem in answered:
                continue
            phrase = rules.keyword_matches(kw, text)
            if phrase:
                add(kw.problem, kw.confidence, msg("reason.keyword", phrase=phrase), False)
        # An upload and a bitrate the customer states count as a weaker
        # measurement (rules.STATED_RATE_RULES), unless one was pasted.
        stated = said.rates_stated(text)
        short = _stated_uplink(stated) if stated is not None else None
        if short is not None and role in (None, "publisher") and \
                not any(f.kind in UPLINK_READINGS for f in findings):
            kind, reason = short
            for rule in rules.STATED_RATE_RULES:
                if rule.finding == kind and rule.problem not in answered:
                    add(rule.problem, rule.confidence, reason, False)
    if not contributions:
        for ar in rules.ANSWER_RULES:
            if ar.role and role != ar.role:
                continue
            if ar.protocols and protocol not in ar.protocols:
                continue
            if ar.stream_down is not None and bool(answers.stream_down) != ar.stream_down:
                continue
            add(ar.problem, ar.confidence, msg("reason.answers"), False)
    suggestions: list[Suggestion] = []
    for problem, items in contributions.items():
        confidence = rules.combine([c for c, _r, _e in items])
        if confidence < rules.THRESHOLDS["min_confidence"]:
            continue
        reasons: list[Message] = []
        for _c, reason, _e in sorted(items, key=lambda cre: -cre[0]):
            if reason not in reasons:
                reasons.append(reason)
        reasons = reasons[:3]
        suggestions.append(
            Suggestion(
                problem=problem,
                confidence=confidence,
                reason=" ".join(r.render("en") for r in reasons),
                reasons=reasons,
                evidence=any(e for _c, _r, e in items),
            )
        )
    suggestions.sort(key=lambda s: (-s.confidence, s.problem))
    return suggestions


def _stated_uplink(stated: said.StatedRates) -> tuple[str, Message] | None:
    """The throughput finding kind a stated upload and bitrate amount to,
    and why; None when the upload has room for the stream."""
    kind = uplink_shortfall(stated.upload_mbps, stated.bitrate_kbps)
    if kind is None:
        return None
    return kind, msg(f"said.{kind}", mbps=stated.upload_mbps, kbps=stated.bitrate_kbps,
                     needed=uplink_needed(stated.bitrate_kbps),
                     most=uplink_carries(stated.upload_mbps))


def _line_down(tier: str, finding: Finding) -> Message:
    """Where the path dies, as precisely as the finding knows it: the hop of
    a trace, the router that answered a ping with "unreachable", or only
    that nothing reaches the ingest (a ping that got nothing back)."""
    if finding.facts.get("hop") is not None:
        return msg(f"esc.{tier}.line-down", hop=finding.facts["hop"])
    if finding.facts.get("host"):
        return msg(f"esc.{tier}.line-down.router", host=finding.facts["host"])
    return msg(f"esc.{tier}.line-down.silent")


def escalation(
    answers: Answers,
    findings: list[Finding],
    suggestions: list[Suggestion],
    has_input: bool,
    has_description: bool = False,
    description: str = "",
) -> Escalation:
    """Apply the escalation policy documented in :mod:`kb.diagnostics.rules`."""
    down = [f for f in findings if f.kind in rules.LINE_DOWN_FINDINGS and f.side == "provider"]
    if answers.stream_down:
        if down:
            return Escalation.of(True, "P1", _line_down("p1", down[0]))
        return Escalation.of(True, "P1", msg("esc.p1"))
    if not has_input:
        return Escalation.of(False, None, msg("esc.nothing"))
    provider = [f for f in findings if f.side == "provider" and f.problems]
    interference = [f for f in provider if rules.provider_reason(f.kind) == "interference"]
    if interference:
        # A filtered or poisoned path also explains probes that get nothing back.
        return Escalation.of(True, "P2", msg("esc.p2.interference"))
    if down:
        return Escalation.of(True, "P2", _line_down("p2", down[0]))
    for f in provider:
        if f.kind == "path-loss-transit":
            loss = f.facts.get("dest_loss_pct") or 0
            severe = loss >= rules.THRESHOLDS["loss_severe_pct"]
            return Escalation.of(
                True,
                "P2",
                msg(
                    "esc.p2.cross-border.severe" if severe else "esc.p2.cross-border",
                    loss=loss,
                    hop=f.facts.get("start_hop"),
                ),
            )
    if provider:
        return Escalation.of(True, "P2", msg(f"esc.p2.{rules.provider_reason(provider[0].kind)}"))
    if said.fix_failed(description):
        return Escalation.of(True, "P3", msg("esc.p3.fix-failed"))
    explained = rules.THRESHOLDS["explained_confidence"]
    top = [s for s in suggestions if s.confidence >= explained]
    if not top:
        if not any(f.problems for f in findings) and not suggestions:
            # Healthy only when every finding is context (a clean path, an
            # open port), not a test to run again (telnet's default port).
            if has_description or any(finding_severity(f.kind) != "info" for f in findings):
                return Escalation.of(False, None, msg("esc.no-evidence"))
            return Escalation.of(False, None, msg("esc.healthy"))
        return Escalation.of(False, "P4", msg("esc.unexplained"))
    first = top[0]
    customer_evidence = first.evidence and any(
        f.side == "customer" and first.problem in f.problems for f in findings
    )
    if not customer_evidence and first.problem in rules.PROVIDER_SERVICE:
        names = ", ".join(s.problem for s in top if s.problem in rules.PROVIDER_SERVICE)
        return Escalation.of(True, "P3", msg("esc.p3.service", names=names))
    names = ", ".join(s.problem for s in top[:3])
    return Escalation.of(False, "P4", msg("esc.p4", names=names))


def diagnose(
    description: str = "",
    answers: Answers | None = None,
    attachments: list[Attachment] | None = None,
    *,
    parsed: list[ParsedAttachment] | None = None,
) -> DiagnoseResult:
    """Parse attachments, find evidence, rank problem codes; never raises.

    ``parsed``: attachments a caller has already parsed with :func:`parse`
    (to parse each only once); used instead of ``attachments``.
    """
    answers = answers or Answers()
    try:
        return _diagnose(description or "", answers, list(attachments or []), parsed)
    except Exception as exc:
        logger.exception("diagnose_failed")
        return DiagnoseResult(
            degraded=True,
            escalate=Escalation.of(True, "P3", msg("esc.failed", error=type(exc).__name__)),
        )


def _parse_any(att: Any) -> ParsedAttachment:
    """An Attachment, or anything with a name and content (a dict too)."""
    name = getattr(att, "name", None) or (
        att.get("name") if isinstance(att, dict) else "attachment"
    )
    content = getattr(att, "content", None)
    if content is None and isinstance(att, dict):
        content = att.get("content", "")
    return parse(str(name), content if content is not None else "")


def _diagnose(description: str, answers: Answers, attachments: list[Any],
              already_parsed: list[ParsedAttachment] | None = None) -> DiagnoseResult:
    if not isinstance(description, str):
        description = str(description)
    if already_parsed is not None:
        total = len(already_parsed)
        parsed = list(already_parsed[:MAX_ATTACHMENTS])
    else:
        total = len(attachments)
        parsed = [_parse_any(att) for att in attachments[:MAX_ATTACHMENTS]]
    if total > MAX_ATTACHMENTS and parsed:
        parsed[-1].note(
            msg("note.too-many", limit=MAX_ATTACHMENTS, ignored=total - MAX_ATTACHMENTS)
        )
    # Text no parser recognised (curl -v, openssl s_client, dig, nslookup,
    # nginx -t, port tests, iperf3, a browser's console, librtmp, a GStreamer
    # pipeline) can still carry evidence: it counts as input once these passes
    # find some. A throughput test is held against the bitrate of an encoder
    # in any attachment.
    stream = stream_rate(parsed)
    extra: list[Finding] = []
    for p in parsed:
        found = [f for read in (destinations.analyse_destinations, analyse_port_tests,
                                analyse_lookups, analyse_responses, analyse_player,
                                analyse_librtmp, analyse_gstreamer)
                 for f in read(p, p.text)]
        found += analyse_throughput(p, p.text, stream)
        if found and p.detected == "unknown":
            p.replace_note("note.unrecognised", msg("note.read-as-text"))
        extra.extend(found)
    for f in extra:
        f.side = f.side or rules.DESTINATION_SIDES.get(f.kind)
    role = _infer_role(answers, parsed, extra, description)
    findings = _findings(parsed, answers.protocol, reached_by_tcp(extra)) + extra
    answered = answered_by_evidence(findings, description)
    suggestions = _suggest(findings, answers, role, description, answered)
    has_input = (
        bool(description.strip())
        or any(p.detected != "unknown" for p in parsed)
        or bool(extra)
    )
    return DiagnoseResult(
        attachments=parsed,
        findings=findings,
        suggestions=suggestions,
        answered=answered,
        escalate=escalation(
            answers, findings, suggestions, has_input, bool(description.strip()), description
        ),
    )


def to_json(result: DiagnoseResult, lang: str = "en") -> str:
    return json.dumps(result.to_dict(lang), ensure_ascii=False)
