"""Where a push goes and what the path does to it: pasted text -> findings.

The parsers read one tool each; this pass reads the whole text of every
attachment, including text no parser recognised (``curl -v``,
``openssl s_client``, ``dig``, ``nslookup``, ``nginx -t``, ``ip route get``),
for evidence that no single tool's metrics carry:

- **Third-party platform ingests** (:data:`rules.PLATFORM_INGESTS`: YouTube,
  Twitch, Facebook, TikTok, Douyin, Bilibili, Kuaishou) in a push URL, and
  what happened to that push: ``platform-push-failed``,
  ``platform-push-dropped``, ``rtmps-required`` (plain RTMP to an
  RTMPS-only platform), ``rtmps-push-unsupported`` (nginx-rtmp refusing an
  ``rtmps://`` push target), and ``overseas-platform-blocked`` /
  ``mainland-platform-blocked`` when the connection itself failed (reset,
  timeout, refused) rather than the platform refusing the stream.
- **TLS handshakes cut by a reset** (``tls-reset``): ffmpeg's ``[tls]``
  context failing with ``IO error: Connection reset by peer`` (GnuTLS and
  OpenSSL builds), OBS's mbedTLS ``TLS_Connect failed: -0x50``
  (MBEDTLS_ERR_NET_CONN_RESET), curl's ``Recv failure: Connection reset by
  peer`` after its ClientHello, ``openssl s_client``'s ``write:errno=104``.
- **Forged DNS answers** (``dns-forged-answer``): a host name paired with an
  address (dig answer lines, ``dig +short`` after its command line,
  nslookup, Resolve-DnsName, ping/traceroute/tracert headers, OBS
  ``Connection to URL (address)``, ffmpeg's verbose connection attempts)
  whose address lies in the network of a company that does not serve that
  name, or is a long-known forged answer (:data:`rules.FORGED_ANSWER_NETWORKS`).
- **Routes through a tunnel** (``route-via-tunnel``): ``ip route get`` output
  whose device is a VPN or accelerator tunnel.

Evidence is always verbatim input lines (stripped).  Only lines holding one
of :data:`_PHRASES` are read, so long logs stay fast, and nothing here
raises on any input: the engine's never-raise contract covers this pass.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import rules
from .messages import msg
from .models import FfmpegResult, Finding, ParsedAttachment
from .scan import fold_case, lines_containing

# Every pattern below needs one of these phrases in its line (lower case).
_PHRASES = (
    "://",
    " in ",
    "\tin\t",
    "name",
    "名称",
    "ping",
    "traceroute",
    "tracing route",
    "跟踪到",
    "reset",
    "errno",
    "tls_connect",
    "handshake",
    "client hello",
    "ssl_connect",
    "connection attempt",
    "connected to",
    "-servername",
    " dev ",
    "dig",
    "answer",
    "invalid port",
    "failed to connect socket",
    "cert verify",
    "error number",
    "end of file",
)
# Words one of which each of _PAIR_PATTERNS needs (lower case).
_PAIR_WORDS = (
    " in",
    "\tin",
    "answer",
    "ping",
    "traceroute",
    "tracing route",
    "跟踪到",
    "connection to",
)

_IPV4 = r"(\d{1,3}(?:\.\d{1,3}){3})"
_HOST = r"([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)"
_URL = re.compile(r"\b(rtmps?|rtmpt|srt|https?)://([A-Za-z0-9][A-Za-z0-9.-]*)")

# (name, address) on one line; the name group comes first in each pattern.
_PAIR_PATTERNS = (
    # dig answer section: "a.rtmp.youtube.com.  300  IN  A  31.13.94.37"
    re.compile(rf"^\s*{_HOST}\.?\s+\d+\s+IN\s+A\s+{_IPV4}\s*$", re.I),
    # Resolve-DnsName table: "a.rtmp.youtube.com  A  300  Answer  31.13.94.37"
    re.compile(rf"^\s*{_HOST}\s+A\s+\d+\s+Answer\s+{_IPV4}\s*$"),
    # ping, traceroute and tracert headers (English and Chinese Windows)
    re.compile(rf"^\s*PING\s+{_HOST}\s+\({_IPV4}\)"),
    re.compile(rf"^\s*Pinging\s+{_HOST}\s+\[{_IPV4}\]"),
    re.compile(rf"正在\s*Ping\s+{_HOST}\s+\[{_IPV4}\]"),
    re.compile(rf"^\s*traceroute6?\s+to\s+{_HOST}\s+\({_IPV4}\)"),
    re.compile(rf"Tracing route to\s+{_HOST}\s+\[{_IPV4}\]"),
    re.compile(rf"跟踪到\s*{_HOST}\s+\[{_IPV4}\]"),
    # OBS rtmp-stream.c: "Connection to %s (%s) successful"
    re.compile(rf"Connection to [a-z]+://{_HOST}(?::\d+)?\S*\s+\({_IPV4}\)"),
)
_NSLOOKUP_NAME = re.compile(rf"^\s*(?:Name|名称)\s*:\s*{_HOST}\.?\s*$")
_NSLOOKUP_ADDR = re.compile(rf"^\s*(?:(?:Addresses|Address)\s*:)?\s*{_IPV4}\s*$")
_DIG_WORD = re.compile(r"\bdig\b", re.I)
_HOST_TOKEN = re.compile(_HOST)
_BARE_ADDRESS = re.compile(rf"^\s*{_IPV4}\s*$")
_FFMPEG_ATTEMPT = re.compile(rf"Starting connection attempt to {_IPV4} port \d+")

# A TLS handshake cut by a reset, as each tool prints it.
_RESET = re.compile(
    r"reset by peer|connection was reset|errno=(?:104|10054)\b|"
    r"Error number -(?:104|10054) occurred|TLS_Connect failed: -0x50\b",
    re.I,
)
_HELLO_CONTEXT = re.compile(r"Client hello|^\s*(?:write|read):errno=|SSL_connect", re.I)
_RTMP_HANDSHAKE = re.compile(r"Cannot read RTMP handshake response|: End of file\s*$")
_OBS_CONNECT_FAILED = re.compile(r"Connection to (\S+) failed: -?\d+")
_OBS_DISCONNECTED = re.compile(r"\] Disconnected from (\S+)")
_OBS_CONNECTION_LEVEL = re.compile(
    r"failed to connect socket|TLS_Connect failed|Cert verify failed", re.I
)
_NGINX_RTMPS = re.compile(r'invalid port in url "(rtmps://[^"\s]+)"')
_TOOL_HOST = re.compile(rf"(?:Connected to|-servername|connection to)\s+{_HOST}")
_ROUTE_TUNNEL = re.compile(
    r"^\s*\S+(?:\s+via\s+\S+)?\s+dev\s+"
    r"((?:tun|tap|wg|utun|ppp|ipsec|zt|tailscale|nordlynx)[A-Za-z0-9_.-]*)"
)

# ffmpeg error enum values that mean the platform refused or never answered.
_FAILED_ERRORS = frozenset(
    {"forbidden", "not_found", "tls_error", "connection_refused", "timeout", "already_publishing"}
)
# ... and those of them where the connection itself failed.
_CONNECTION_ERRORS = frozenset({"tls_error", "timeout", "connection_refused"})


@dataclass
class _Scan:
    lines: list[str]
    urls: list[tuple[str, str, str, int]] = field(default_factory=list)  # scheme host line idx
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # name address line
    resets: list[str] = field(default_factory=list)
    hello: bool = False
    mbedtls_reset: bool = False
    rtmp_handshake: list[str] = field(default_factory=list)
    obs_connection_level: list[str] = field(default_factory=list)
    nginx_rtmps: list[tuple[str, str]] = field(default_factory=list)  # url, line
    tool_hosts: list[tuple[str, str]] = field(default_factory=list)  # host, line
    tunnels: list[tuple[str, str]] = field(default_factory=list)  # device, line


def _scan(text: str) -> _Scan:
    lines = text.split("\n")
    folded = fold_case(text)
    # fold_case keeps every offset, so the folded text splits into the same lines.
    folded_lines = folded.split("\n")
    scan = _Scan(lines=lines)
    attempts: list[tuple[str, str]] = []
    for idx in lines_containing(folded, _PHRASES):
        line = lines[idx]
        low = folded_lines[idx]
        raw = line.strip()
        if "://" in low:
            for m in _URL.finditer(line):
                scan.urls.append((m.group(1).lower(), m.group(2).lower().rstrip("."), raw, idx))
        if any(w in low for w in _PAIR_WORDS):
            for pattern in _PAIR_PATTERNS:
                m = pattern.search(line)
                if m:
                    scan.pairs.append((m.group(1), m.group(2), raw))
                    break
        if "name" in low or "名称" in low:
            m = _NSLOOKUP_NAME.match(line)
            if m:
                scan.pairs.extend(_following(lines, idx, m.group(1), _NSLOOKUP_ADDR))
        if "dig" in low and "<<>>" not in line:
            name = dig_name(line)
            if name:
                scan.pairs.extend(_following(lines, idx, name, _BARE_ADDRESS))
        if "connection attempt" in low:
            m = _FFMPEG_ATTEMPT.search(line)
            if m:
                attempts.append((m.group(1), raw))
        if any(w in low for w in ("reset", "errno", "error number", "tls_connect")):
            if _RESET.search(line):
                scan.resets.append(raw)
                scan.mbedtls_reset = scan.mbedtls_reset or "TLS_Connect failed" in line
            if _HELLO_CONTEXT.search(line):
                scan.hello = True
        if "client hello" in low or "ssl_connect" in low:
            scan.hello = True
        if ("handshake" in low or "end of file" in low) and _RTMP_HANDSHAKE.search(line):
            scan.rtmp_handshake.append(raw)
        if any(w in low for w in ("failed to connect socket", "tls_connect", "cert verify")):
            scan.obs_connection_level.append(raw)
        if "invalid port" in low:
            m = _NGINX_RTMPS.search(line)
            if m:
                scan.nginx_rtmps.append((m.group(1), raw))
        if any(w in low for w in ("connected to", "-servername", "connection to")):
            m = _TOOL_HOST.search(line)
            if m:
                scan.tool_hosts.append((m.group(1).lower(), raw))
        if " dev " in low:
            m = _ROUTE_TUNNEL.match(line)
            if m:
                scan.tunnels.append((m.group(1), raw))
    # ffmpeg -loglevel verbose names the address it connects to; the URL
    # names the host.  Pair them only when the paste names one host.
    hosts = {host for _s, host, _l, _i in scan.urls if not _is_address(host)}
    if attempts and len(hosts) == 1:
        (host,) = hosts
        scan.pairs.extend((host, address, raw) for address, raw in attempts)
    return scan


def dig_name(line: str) -> str | None:
    """The host name a ``dig`` command line asks for: the first word after
    "dig" (before any ";") that is a host name.

    Word by word, once per ";"-part: a pattern with a lazy gap between
    "dig" and the name rescanned the line from every "dig" in it (a
    100 KB paste of "dig " took a minute)."""
    parts = line.split(";")
    for i, part in enumerate(parts):
        m = _DIG_WORD.search(part)
        if not m:
            continue
        words = part[m.end():].split()
        if i < len(parts) - 1 and part[-1:] and not part[-1:].isspace():
            words = words[:-1]  # a word right before ";" is not a whole argument
        for word in words:
            if _HOST_TOKEN.fullmatch(word):
                return word
    return None


def _following(
    lines: list[str], idx: int, name: str, pattern: re.Pattern[str]
) -> list[tuple[str, str, str]]:
    """Addresses printed on their own lines right after ``lines[idx]``."""
    out = []
    for follow in lines[idx + 1 : idx + 9]:
        m = pattern.match(follow)
        if not m:
            break
        out.append((name, m.group(1), follow.strip()))
    return out


@lru_cache(maxsize=4096)  # a long log names the same few hosts on thousands of lines
def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def _compiled_platforms() -> tuple[tuple[rules.PlatformIngest, re.Pattern[str]], ...]:
    return tuple((p, re.compile(p.host_pattern)) for p in rules.PLATFORM_INGESTS)


def platform_for(host: str) -> rules.PlatformIngest | None:
    """The third-party platform whose ingest ``host`` is, if any."""
    host = host.lower().rstrip(".")
    for platform, pattern in _compiled_platforms():
        if pattern.search(host):
            return platform
    return None


@lru_cache(maxsize=1)
def _forged_networks() -> tuple[
    tuple[str, tuple[ipaddress.IPv4Network, ...], tuple[str, ...]], ...
]:  # noqa: E501
    return tuple(
        (owner, tuple(ipaddress.IPv4Network(n) for n in networks), domains)
        for owner, (networks, domains) in rules.FORGED_ANSWER_NETWORKS.items()
    )


def _owned_by(name: str, domains: Iterable[str]) -> bool:
    name = name.lower().rstrip(".")
    return any(name == d or name.endswith("." + d) for d in domains)


def forged_reason(name: str, address: str) -> str | None:
    """Why ``address`` cannot be a genuine A record for ``name`` (None if it can)."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return None
    if address in rules.FORGED_ANSWER_ADDRESSES:
        return "a long-known forged answer"
    for reserved in rules.FORGED_ANSWER_RESERVED:
        if ip in ipaddress.IPv4Network(reserved):
            return f"in the reserved range {reserved}"
    for owner, networks, domains in _forged_networks():
        if any(ip in n for n in networks) and not _owned_by(name, domains):
            return f"a {owner} address, and {owner} does not serve this name"
    return None


def analyse_destinations(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """Findings about push destinations, resets, DNS answers and tunnels."""
    if not text:
        return []
    scan = _scan(text)
    ffmpeg = [r for r in parsed.results if isinstance(r, FfmpegResult)]
    findings = _platform_findings(scan, ffmpeg)
    reset = _tls_reset_finding(scan, ffmpeg)
    if reset:
        findings.append(reset)
        if not any(f.kind.endswith("-platform-blocked") for f in findings):
            findings.extend(_blocked_after_reset(scan, reset))
    findings.extend(_dns_findings(scan))
    findings.extend(_tunnel_findings(scan))
    for f in findings:
        f.facts.setdefault("attachment", parsed.name)
    return findings


def _platform_urls(scan: _Scan) -> list[tuple[str, str, rules.PlatformIngest, str, int]]:
    out = []
    for scheme, host, line, idx in scan.urls:
        platform = platform_for(host)
        if platform and (scheme != "https" or ".upload." in host):
            out.append((scheme, host, platform, line, idx))
    return out


def _platform_findings(scan: _Scan, ffmpeg: list[FfmpegResult]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for scheme, host, platform, line, _idx in _platform_urls(scan):
        if platform.rtmps_only and scheme == "rtmp" and "rtmps-required" not in seen:
            seen.add("rtmps-required")
            findings.append(
                Finding.of(
                    "rtmps-required",
                    msg("dest.rtmps-required", platform=platform.name, host=host),
                    evidence=[line],
                    problems=["push.restream-relay"],
                    facts={"platform": platform.name, "host": host},
                )
            )
        if host in seen:
            continue
        failure, evidence, connection_level = _failure_for(scan, ffmpeg, host, line)
        if failure is None:
            continue
        seen.add(host)
        facts = {"platform": platform.name, "host": host, "side": platform.side}
        if failure == "dropped":
            findings.append(
                Finding.of(
                    "platform-push-dropped",
                    msg("dest.platform-dropped", platform=platform.name, host=host),
                    evidence=evidence[:3],
                    problems=["push.restream-relay"],
                    facts=facts,
                )
            )
            continue
        findings.append(
            Finding.of(
                "platform-push-failed",
                msg("dest.platform-failed", platform=platform.name, host=host),
                evidence=evidence[:3],
                problems=["push.restream-relay"],
                facts=facts,
            )
        )
        if connection_level and not any(f.kind.endswith("-platform-blocked") for f in findings):
            findings.append(_blocked_finding(platform, host, evidence))
    if scan.nginx_rtmps:
        url, raw = scan.nginx_rtmps[0]
        findings.append(
            Finding.of(
                "rtmps-push-unsupported",
                msg("dest.rtmps-push-unsupported"),
                evidence=[raw],
                problems=["push.restream-relay"],
                facts={"url": url},
            )
        )
    return findings


def _failure_for(
    scan: _Scan, ffmpeg: list[FfmpegResult], host: str, line: str
) -> tuple[str | None, list[str], bool]:
    """("failed" | "dropped" | None, evidence, connection-level?) for a push to ``host``."""
    for r in ffmpeg:
        if not r.url or host not in r.url.lower():
            continue
        generic = r.evidence.get("generic_failure", [])
        if r.error in _FAILED_ERRORS or generic or scan.rtmp_handshake:
            evidence = r.evidence.get("error", []) or generic or scan.rtmp_handshake
            level = r.error in _CONNECTION_ERRORS
            return "failed", list(evidence), level
        if r.error == "broken_pipe":
            return "dropped", list(r.evidence.get("error", [])), False
    if _OBS_CONNECT_FAILED.search(line):
        level = scan.obs_connection_level[:2]
        return "failed", [*level, line], bool(level)
    if _OBS_DISCONNECTED.search(line):
        return "dropped", [line], False
    return None, [], False


def _blocked_finding(platform: rules.PlatformIngest, host: str, evidence: list[str]) -> Finding:
    kind = "overseas-platform-blocked" if platform.side == "global" else "mainland-platform-blocked"
    return Finding.of(
        kind,
        msg(f"dest.{kind}", platform=platform.name, host=host),
        evidence=evidence[:3],
        problems=["net.cross-border-interference"],
        facts={"platform": platform.name, "host": host},
    )


def _tls_reset_finding(scan: _Scan, ffmpeg: list[FfmpegResult]) -> Finding | None:
    if not scan.resets:
        return None
    if ffmpeg:
        # Only a reset that failed the TLS setup; a reset in the middle of a
        # running RTMPS push is a dropped connection (broken_pipe).
        handshake = any(r.error == "tls_error" for r in ffmpeg)
    else:
        handshake = scan.mbedtls_reset or scan.hello
    if not handshake:
        return None
    return Finding.of(
        "tls-reset",
        msg("dest.tls-reset"),
        evidence=scan.resets[:3],
        problems=["net.cross-border-interference"],
    )


def _blocked_after_reset(scan: _Scan, reset: Finding) -> list[Finding]:
    """A reset towards a platform's ingest also places it behind the filtered path."""
    hosts = [host for _s, host, _p, _l, _i in _platform_urls(scan)]
    hosts += [host for host, _raw in scan.tool_hosts]
    for host in hosts:
        platform = platform_for(host)
        if platform:
            return [_blocked_finding(platform, host, reset.evidence)]
    return []


def _dns_findings(scan: _Scan) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    evidence: list[str] = []
    reasons: list[str] = []
    for name, address, raw in scan.pairs:
        key = (name.lower(), address)
        if key in seen:
            continue
        seen.add(key)
        reason = forged_reason(name, address)
        if reason:
            evidence.append(raw)
            reasons.append(f"{name} -> {address}: {reason}")
    if not evidence:
        return []
    return [
        Finding.of(
            "dns-forged-answer",
            msg("dest.dns-forged", reasons="; ".join(reasons[:3])),
            evidence=evidence[:3],
            problems=["net.cross-border-interference", "push.dns-resolution"],
        )
    ]


def _tunnel_findings(scan: _Scan) -> list[Finding]:
    if not scan.tunnels:
        return []
    device, raw = scan.tunnels[0]
    return [
        Finding.of(
            "route-via-tunnel",
            msg("dest.route-via-tunnel", device=device),
            evidence=[raw],
            problems=["net.cross-border-interference", "net.mtu-fragmentation"],
            facts={"device": device},
        )
    ]
