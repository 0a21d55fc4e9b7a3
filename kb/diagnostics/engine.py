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

from . import analysis, destinations, rules
from .decode import decode_paste_with_encoding
from .detect import Section, split_sections
from .ffmpeg import parse_ffmpeg
from .models import (
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
from .obs import parse_obs
from .path import (
    parse_mtr_json,
    parse_mtr_report,
    parse_pathping,
    parse_traceroute,
    parse_tracert,
    parse_winmtr,
    summarise,
)
from .ping import parse_ping

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
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
    text, kind, platform = section.text, section.kind, section.platform
    threshold = rules.THRESHOLDS["loss_significant_pct"]
    if kind == "ping":
        return parse_ping(text, platform)
    if kind == "traceroute":
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
        return not result.hops
    if isinstance(result, PingResult):
        return result.sent is None and not result.rtts_ms
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
        parsed.notes.append(
            f"Could not be parsed ({type(exc).__name__}); it is kept as plain text."
        )
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
            parsed.notes.append(f"Only the first {MAX_ATTACHMENT_BYTES} bytes of {size} were read.")
        if _looks_binary(content):
            parsed.notes.append(
                "This looks like a binary file, not text output; nothing was parsed."
            )
            return
    elif size > MAX_ATTACHMENT_BYTES:
        content = content[: MAX_ATTACHMENT_BYTES // 4]
        parsed.notes.append(f"Only the first {MAX_ATTACHMENT_BYTES // 4} characters were read.")
    text, encoding = decode_paste_with_encoding(content)
    parsed.encoding = encoding
    parsed.text = text
    if not text.strip():
        parsed.notes.append("The attachment is empty.")
        return
    sections = split_sections(text)
    known: list[tuple[Section, Result]] = []
    for section in sections:
        if section.kind == "unknown":
            continue
        result = _parse_section(section)
        if result is None or _empty_result(result):
            parsed.notes.append(
                f"Lines {section.start_line}-{section.end_line} look like {section.kind} output "
                "but no measurements could be read from them (truncated or edited?)."
            )
            continue
        known.append((section, result))
    if not known:
        if not parsed.notes:
            parsed.notes.append(
                "Not recognised as ping, traceroute/tracert, mtr/WinMTR, pathping, an OBS log or "
                "ffmpeg output. Paste the complete output of one of those tools."
            )
        return
    # The dominant section (most lines) gives the attachment's metrics.
    dominant_section, dominant = max(known, key=lambda sr: sr[0].end_line - sr[0].start_line)
    parsed.detected = dominant_section.kind
    parsed.platform = dominant_section.platform
    parsed.metrics = dominant.metrics()
    parsed.results = [r for _s, r in known]
    if len(known) > 1:
        parts = ", ".join(f"{s.kind} (lines {s.start_line}-{s.end_line})" for s, _r in known)
        parsed.notes.append(
            f"Several outputs were pasted together: {parts}. The metrics shown are from the "
            f"{dominant_section.kind} part; findings use every part."
        )
    if isinstance(dominant, PathResult) and dominant.reached is False:
        parsed.notes.append(
            "The trace did not reach its destination; destination metrics are empty."
        )
    if isinstance(dominant, PingResult) and dominant.error_replies:
        parsed.notes.append(
            "Error replies (unreachable / TTL expired) were not counted as received."
        )


def _infer_role(answers: Answers, parsed: list[ParsedAttachment]) -> str | None:
    if answers.role in ("publisher", "viewer"):
        return answers.role
    for p in parsed:
        for r in p.results:
            if isinstance(r, ObsResult):
                return "publisher"
            if isinstance(r, FfmpegResult) and r.direction:
                return "publisher" if r.direction == "push" else "viewer"
    return None


def _findings(parsed: list[ParsedAttachment], protocol: str | None) -> list[Finding]:
    findings: list[Finding] = []
    for p in parsed:
        for r in p.results:
            if isinstance(r, PingResult):
                new = analysis.analyse_ping(r)
            elif isinstance(r, PathResult):
                new = analysis.analyse_path(r)
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


def _suggest(
    findings: list[Finding], answers: Answers, role: str | None, description: str
) -> list[Suggestion]:
    contributions: dict[str, list[tuple[float, str]]] = {}

    def add(problem: str, confidence: float, reason: str) -> None:
        contributions.setdefault(problem, []).append((confidence, reason))

    protocol, region = answers.protocol, answers.region
    for finding in findings:
        for rule in rules.FINDING_RULES:
            if rule.finding != finding.kind:
                continue
            if rule.protocols and protocol not in rule.protocols:
                continue
            if rule.regions and region not in rule.regions:
                continue
            confidence = rule.confidence
            if rule.role and role != rule.role:
                if role is not None:
                    continue
                confidence *= 0.5  # role unknown: weaker
            cite = f' ("{_short(finding.evidence[0])}")' if finding.evidence else ""
            add(rule.problem, confidence, f"{finding.summary}{cite}")
    text = (description or "").lower()
    if text.strip():
        for kw in rules.KEYWORD_RULES:
            if kw.role and role != kw.role:
                continue
            if kw.protocols and protocol not in kw.protocols:
                continue
            phrase = rules.keyword_matches(kw, text)
            if phrase:
                add(kw.problem, kw.confidence, f'The description mentions "{phrase}".')
    if not contributions:
        for ar in rules.ANSWER_RULES:
            if ar.role and role != ar.role:
                continue
            if ar.protocols and protocol not in ar.protocols:
                continue
            if ar.stream_down is not None and bool(answers.stream_down) != ar.stream_down:
                continue
            add(
                ar.problem,
                ar.confidence,
                "Based on your answers only; paste a tool output for evidence.",
            )
    suggestions: list[Suggestion] = []
    for problem, items in contributions.items():
        confidence = rules.combine([c for c, _ in items])
        if confidence < rules.THRESHOLDS["min_confidence"]:
            continue
        reasons: list[str] = []
        for _c, reason in sorted(items, key=lambda cr: -cr[0]):
            if reason not in reasons:
                reasons.append(reason)
        suggestions.append(
            Suggestion(problem=problem, confidence=confidence, reason=" ".join(reasons[:3]))
        )
    suggestions.sort(key=lambda s: (-s.confidence, s.problem))
    return suggestions


def escalation(
    answers: Answers,
    findings: list[Finding],
    suggestions: list[Suggestion],
    has_input: bool,
    has_description: bool = False,
) -> Escalation:
    """Apply the escalation policy documented in :mod:`kb.diagnostics.rules`."""
    if answers.stream_down:
        return Escalation(True, "P1", "The stream is down: this goes to the on-call engineer now.")
    if not has_input:
        return Escalation(
            False, None, "Nothing to assess yet: describe the problem or paste a tool output."
        )
    explained = rules.THRESHOLDS["explained_confidence"]
    top = [s for s in suggestions if s.confidence >= explained]
    severe = rules.THRESHOLDS["loss_severe_pct"]
    for f in findings:
        if f.kind == "path-loss-transit":
            loss = f.facts.get("dest_loss_pct") or 0
            return Escalation(
                True,
                "P2",
                (
                    f"Live but degraded, with {loss:g}% loss that starts beyond your network and persists to "  # noqa: E501
                    "the ingest: the long-haul/cross-border segment needs our network team."
                    + (" The loss is severe." if loss >= severe else "")
                ),
            )
    if any(s.problem in rules.PROVIDER_NETWORK for s in top):
        return Escalation(
            True,
            "P2",
            "Live but degraded, and the evidence points at the line or the cross-border path.",
        )
    if any(s.problem in rules.PROVIDER_SERVICE for s in top):
        names = ", ".join(s.problem for s in top if s.problem in rules.PROVIDER_SERVICE)
        return Escalation(
            True,
            "P3",
            f"The likely cause is on the service side ({names}); support should check it.",
        )
    if not top:
        if not any(f.problems for f in findings) and not has_description:
            return Escalation(
                False,
                None,
                "The pasted outputs look healthy; describe the symptom if the problem persists.",
            )
        return Escalation(
            True,
            "P3",
            "Nothing we found explains the symptom well enough; an engineer should look.",
        )
    names = ", ".join(s.problem for s in top)
    return Escalation(
        False,
        "P4",
        f"The likely causes have standard fixes on your side ({names}); "
        "try the suggested fix first.",
    )


def diagnose(
    description: str = "",
    answers: Answers | None = None,
    attachments: list[Attachment] | None = None,
) -> DiagnoseResult:
    """Parse attachments, find evidence, rank problem codes; never raises."""
    answers = answers or Answers()
    try:
        return _diagnose(description or "", answers, list(attachments or []))
    except Exception as exc:
        logger.exception("diagnose_failed")
        return DiagnoseResult(
            degraded=True,
            escalate=Escalation(
                True,
                "P3",
                f"Automatic diagnosis failed ({type(exc).__name__}); an engineer will read your input.",  # noqa: E501
            )
        )


def _diagnose(description: str, answers: Answers, attachments: list[Any]) -> DiagnoseResult:
    if not isinstance(description, str):
        description = str(description)
    parsed: list[ParsedAttachment] = []
    for att in attachments[:MAX_ATTACHMENTS]:
        name = getattr(att, "name", None) or (
            att.get("name") if isinstance(att, dict) else "attachment"
        )
        content = getattr(att, "content", None)
        if content is None and isinstance(att, dict):
            content = att.get("content", "")
        parsed.append(parse(str(name), content if content is not None else ""))
    if len(attachments) > MAX_ATTACHMENTS and parsed:
        parsed[-1].notes.append(
            f"Only the first {MAX_ATTACHMENTS} attachments were read; {len(attachments) - MAX_ATTACHMENTS} ignored."  # noqa: E501
        )
    role = _infer_role(answers, parsed)
    findings = _findings(parsed, answers.protocol)
    # Text no parser recognised (curl -v, openssl s_client, dig, nginx -t)
    # can still carry evidence: it counts as input once this pass finds some.
    extra = [f for p in parsed for f in destinations.analyse_destinations(p, p.text)]
    findings.extend(extra)
    suggestions = _suggest(findings, answers, role, description)
    has_input = (
        bool(description.strip())
        or any(p.detected != "unknown" for p in parsed)
        or any(f.problems for f in extra)
    )
    return DiagnoseResult(
        attachments=parsed,
        findings=findings,
        suggestions=suggestions,
        escalate=escalation(answers, findings, suggestions, has_input, bool(description.strip())),
    )


def to_json(result: DiagnoseResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False)
