"""Typed parse results -> findings, read the way a senior engineer reads them.

Paths (traceroute, tracert, mtr, WinMTR, pathping):

- A trace that dies (nothing answers from hop N to the end, or a router at
  hop N answers "net/host unreachable") is an unreachable host or a line
  that is down: connection and line-failover problems, never "loss".
- Loss at an intermediate hop that does not persist to the destination is
  ICMP rate limiting on that router (control-plane policing: routers forward
  transit traffic in hardware but answer TTL-expired probes from a
  rate-limited CPU).  It is never a loss finding.
- Loss that starts at hop N and persists to the destination locates the
  problem on the link into hop N.  Where N sits decides whose problem it is:
  before the long-haul jump (the customer's LAN, home router, access ISP and
  its uplink) it is last mile; at or after the jump it is the cross-border
  segment.  Without a visible jump, private (RFC 1918) and carrier-grade NAT
  (100.64.0.0/10) hops and the first public hop are the customer's side.
- The long-haul jump is the largest RTT step between consecutive answering
  hops that the following hops keep (one ocean crossing adds 60-150 ms).
- Jitter is the spread of RTT at the destination (mtr StDev, or Wrst-Best
  for WinMTR, which has no StDev) with little loss; where the spread starts
  (first hop from which every later hop shows it) says whose it is.
- A high RTT that the long-haul jump explains and that is stable is the
  distance (about 200 ms China-Europe): context, not a problem.

ping: 100 % loss is the same total loss as a dead trace; error replies
(unreachable) from a router are a path that ends there; partial loss with
too few probes is weak evidence.
"""

from __future__ import annotations

import ipaddress
import statistics
from functools import lru_cache
from typing import Any

from .carriers import carriers_on
from .messages import msg
from .models import FfmpegResult, Finding, Hop, ObsResult, PathResult, PingResult
from .rules import THRESHOLDS

_CGNAT = ipaddress.ip_network("100.64.0.0/10")


@lru_cache(maxsize=4096)
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


def _host(h: Hop) -> str:
    return h.host or "???"


def _answering(hops: list[Hop]) -> list[Hop]:
    return [h for h in hops if h.host and h.rtt_avg_ms is not None and not h.error]


def long_haul_jump(
    hops: list[Hop], thresholds: dict[str, float] = THRESHOLDS
) -> tuple[Hop, Hop, float] | None:
    """The largest RTT step between consecutive answering hops that the
    following hops keep, if it is at least ``long_haul_step_ms``."""
    answering = _answering(hops)
    # lowest[i]: the lowest RTT from answering[i] on (None past the end).
    lowest: list[float | None] = [None] * (len(answering) + 1)
    for i in range(len(answering) - 1, -1, -1):
        rtt, after = answering[i].rtt_avg_ms, lowest[i + 1]
        lowest[i] = rtt if after is None or (rtt is not None and rtt < after) else after
    best: tuple[Hop, Hop, float] | None = None
    for i, (a, b) in enumerate(zip(answering, answering[1:], strict=False)):
        assert a.rtt_avg_ms is not None and b.rtt_avg_ms is not None
        step = b.rtt_avg_ms - a.rtt_avg_ms
        rest = lowest[i + 2]
        kept = rest is None or rest >= a.rtt_avg_ms + step * 0.6
        if step >= thresholds["long_haul_step_ms"] and kept and (best is None or step > best[2]):
            best = (a, b, step)
    return best


def _spread(h: Hop) -> float | None:
    """RTT spread at a hop: mtr's StDev, else (Wrst-Best)/4 (WinMTR has no
    StDev; for a roughly normal spread over ~100 probes the range is about
    four standard deviations)."""
    if h.rtt_stdev_ms is not None:
        return h.rtt_stdev_ms
    if h.rtt_worst_ms is not None and h.rtt_best_ms is not None and (h.sent or 0) >= 10:
        return (h.rtt_worst_ms - h.rtt_best_ms) / 4.0
    return None


def _customer_hops(hops: list[Hop]) -> list[Hop]:
    """The private/CGNAT hops the path starts with: the customer's network
    and the access ISP's NAT. Private addresses after the first public hop
    are a carrier's or a data centre's own network (an MPLS core, a cloud's
    fabric), not the customer's."""
    leading = []
    for h in hops:
        if h.host is None:  # silent: says nothing either way
            continue
        if not customer_side(h.host):
            break
        leading.append(h)
    return leading


def _first_customer_hops(hops: list[Hop]) -> int:
    """Hop number up to which the path is the customer's side when no
    long-haul jump is visible: the private/CGNAT hops it starts with and
    the first public hop after them (the access ISP's router)."""
    leading = _customer_hops(hops)
    last_private = leading[-1].hop if leading else 0
    first_public = next((h.hop for h in hops if h.host and not customer_side(h.host)), None)
    if first_public is None:
        return last_private
    return max(last_private, first_public if first_public <= last_private + 1 else last_private)


def _tool(path: PathResult) -> str:
    return path.tool


def unresolved_finding(unresolved: tuple[str, str]) -> Finding:
    """The target's name did not resolve: DNS, before any network question."""
    name, line = unresolved
    return Finding.of(
        "error-dns_failure",
        msg("name.unresolved", name=name),
        evidence=[line],
        problems=list(_ERROR_PROBLEMS["dns_failure"]),
        facts={"name": name},
        side="customer",
    )


def analyse_path(path: PathResult, thresholds: dict[str, float] = THRESHOLDS) -> list[Finding]:
    findings: list[Finding] = []
    if path.unresolved is not None:
        findings.append(unresolved_finding(path.unresolved))
    if path.unsent:
        findings.append(
            Finding.of(
                "path-unsent",
                msg("path.unsent"),
                evidence=path.unsent[:1],
                problems=["net.loss-last-mile", "push.connect-refused"],
                side="customer",
            )
        )
    hops = path.hops
    if not hops:
        return findings
    sig = thresholds["loss_significant_pct"]
    jump = long_haul_jump(hops, thresholds)
    private = _customer_hops(hops)

    # 1. The trace dies: unreachable host or a line that is down.
    if path.reached is False and path.loss_starts_hop is not None:
        dying = next(h for h in hops if h.hop == path.loss_starts_hop)
        before = [h for h in hops if h.hop < dying.hop and h.host and not h.error]
        last = before[-1] if before else None
        reporter_error = next((h for h in hops if h.error), None)
        at_customer = dying.hop <= 1 or (
            reporter_error is not None and reporter_error in private
        )
        reporter = next((h for h in hops if h.error), None)
        if reporter is not None:
            message = msg(
                "path.dead.error",
                hop=reporter.hop,
                host=_host(reporter),
                error=msg(f"icmp.{reporter.error}"),
            )
        else:
            message = msg(
                "path.dead.silent",
                hop=dying.hop,
                last=last.hop if last else 0,
                host=_host(last) if last else "???",
            )
        evidence = [h.line for h in hops if h.hop >= dying.hop - 1 and h.line][:4]
        findings.append(
            Finding.of(
                "path-unreachable-local" if at_customer else "path-unreachable",
                message,
                evidence=evidence,
                problems=["net.line-failover", "push.connect-refused"],
                facts={
                    "hop": dying.hop,
                    "ended": path.ended,
                    "at_customer": at_customer,
                    "after_jump": bool(jump and dying.hop >= jump[1].hop),
                },
                side="customer" if at_customer else "provider",
            )
        )

    # 2. Persistent loss, located.
    elif path.loss_starts_hop is not None and path.dest_loss_pct is not None:
        start = next(h for h in hops if h.hop == path.loss_starts_hop)
        dest_loss = path.dest_loss_pct
        evidence = [h.line for h in hops if h.hop >= start.hop and h.line][:6]
        if jump is not None:
            last_mile = start.hop < jump[1].hop
        else:
            last_mile = start.hop <= _first_customer_hops(hops)
        facts = {"start_hop": start.hop, "dest_loss_pct": dest_loss}
        if last_mile:
            findings.append(
                Finding.of(
                    "path-loss-last-mile",
                    msg(
                        "path.loss.last-mile.jump" if jump else "path.loss.last-mile",
                        hop=start.hop,
                        host=_host(start),
                        loss=dest_loss,
                        jump_from=jump[0].hop if jump else 0,
                        jump_to=jump[1].hop if jump else 0,
                    ),
                    evidence=evidence,
                    problems=["net.loss-last-mile"],
                    facts=facts,
                    side="customer",
                )
            )
        else:
            findings.append(
                Finding.of(
                    "path-loss-transit",
                    msg(
                        "path.loss.transit.jump" if jump else "path.loss.transit",
                        hop=start.hop,
                        host=_host(start),
                        loss=dest_loss,
                        jump_from=jump[0].hop if jump else 0,
                        jump_to=jump[1].hop if jump else 0,
                    ),
                    evidence=evidence,
                    problems=["net.loss-cross-border"],
                    facts=facts,
                    side="provider",
                )
            )

    elif path.reached and path.dest_loss_pct is not None:
        findings.append(
            Finding.of(
                "path-clean",
                msg("path.clean", loss=path.dest_loss_pct, hops=len(hops)),
                evidence=[hops[-1].line],
            )
        )

    # 3. Loss at a hop that later hops do not show: ICMP rate limiting.
    dest_index = len(hops) - 1
    # least_later[i]: the lowest loss of an answering hop after hops[i].
    least_later: list[float | None] = [None] * len(hops)
    least: float | None = None
    for i in range(len(hops) - 1, -1, -1):
        least_later[i] = least
        x = hops[i]
        if x.host and x.loss_pct is not None and not x.error:
            least = x.loss_pct if least is None else min(least, x.loss_pct)
    for i, h in enumerate(hops):
        if i >= dest_index or h.host is None or h.error or h.loss_pct is None:
            continue
        if h.loss_pct < sig or h.loss_pct >= 100:
            continue
        if path.loss_starts_hop is not None and h.hop >= path.loss_starts_hop:
            continue
        later = least_later[i]
        if later is not None and later < h.loss_pct / 2:
            findings.append(
                Finding.of(
                    "icmp-rate-limit",
                    msg("path.rate-limit", hop=h.hop, host=_host(h), loss=h.loss_pct),
                    evidence=[h.line],
                    facts={"hop": h.hop, "loss_pct": h.loss_pct},
                )
            )

    # 4. Jitter: a wide RTT spread to the destination with little loss.
    reached = [h for h in _answering(hops)]
    dest = reached[-1] if reached and path.reached else None
    dest_spread = _spread(dest) if dest else None
    if (
        dest is not None
        and dest_spread is not None
        and dest_spread >= thresholds["path_jitter_stdev_ms"]
        and (path.loss_starts_hop is None)
    ):
        start_hop = dest.hop
        for h in reversed(reached):
            spread = _spread(h)
            if spread is None or spread < thresholds["path_jitter_stdev_ms"]:
                break
            start_hop = h.hop
        starts = next(h for h in hops if h.hop == start_hop)
        on_long_haul = jump is not None and start_hop >= jump[1].hop
        at_customer = not on_long_haul and start_hop <= _first_customer_hops(hops)
        findings.append(
            Finding.of(
                "path-jitter",
                msg(
                    "path.jitter.long-haul"
                    if on_long_haul
                    else ("path.jitter.customer" if at_customer else "path.jitter"),
                    hop=start_hop,
                    host=_host(starts),
                    spread=round(dest_spread, 1),
                    avg=dest.rtt_avg_ms,
                    best=dest.rtt_best_ms if dest.rtt_best_ms is not None else 0,
                    worst=dest.rtt_worst_ms if dest.rtt_worst_ms is not None else 0,
                ),
                evidence=[h.line for h in hops if h.hop >= start_hop and h.line][:4],
                problems=["net.jitter"],
                facts={"start_hop": start_hop, "spread_ms": dest_spread},
                side="provider" if on_long_haul else ("customer" if at_customer else None),
            )
        )

    # 5. Long-haul segment and the RTT it explains.
    if jump is not None:
        a, b, step = jump
        findings.append(
            Finding.of(
                "long-haul-segment",
                msg("path.long-haul", step=round(step), a=a.hop, a_host=_host(a), b=b.hop,
                    b_host=_host(b)),
                evidence=[a.line, b.line],
                problems=[],
                facts={"from_hop": a.hop, "to_hop": b.hop, "step_ms": round(step, 1)},
            )
        )
    rtt = path.dest_rtt_avg_ms
    if rtt is not None and rtt >= thresholds["high_rtt_ms"]:
        explained = jump is not None and jump[2] >= rtt * 0.5
        stable = dest_spread is None or dest_spread < thresholds["path_jitter_stdev_ms"]
        if explained and stable and rtt < thresholds["very_high_rtt_ms"]:
            findings.append(
                Finding.of(
                    "long-haul-rtt-expected",
                    msg("path.rtt.expected", rtt=rtt, step=round(jump[2]) if jump else 0),
                    evidence=[hops[-1].line],
                    problems=["net.high-latency-route"],
                    facts={"rtt_ms": rtt},
                )
            )
        else:
            findings.append(
                Finding.of(
                    "high-latency",
                    msg("path.rtt.high", rtt=rtt),
                    evidence=[hops[-1].line],
                    problems=["net.high-latency-route"],
                    facts={"rtt_ms": rtt},
                )
            )

    # 6. The Chinese carrier networks the route runs over.
    for carrier, first in carriers_on(hops)[:3]:
        standard = carrier.tier == "standard"
        findings.append(
            Finding.of(
                "route-standard-backbone" if standard else "route-carrier",
                msg(
                    f"path.carrier.{carrier.tier}",
                    carrier=msg(f"carrier.{carrier.code}"),
                    hop=first.hop,
                    host=_host(first),
                ),
                evidence=[first.line],
                problems=["net.peak-hour-congestion"] if standard else [],
                facts={"carrier": carrier.code, "hop": first.hop},
            )
        )

    if private:
        findings.append(
            Finding.of(
                "customer-side-hops",
                msg(
                    "path.customer-hops.one" if len(private) == 1 else "path.customer-hops",
                    hops=", ".join(str(h.hop) for h in private),
                ),
                evidence=[h.line for h in private][:4],
            )
        )
    if any(h.host and ":" in h.host for h in hops):
        findings.append(
            Finding.of(
                "ipv6-path",
                msg("path.ipv6"),
                evidence=[hops[0].line],
                problems=["net.ipv6-path"],
            )
        )
    return findings


def analyse_ping(ping: PingResult, thresholds: dict[str, float] = THRESHOLDS) -> list[Finding]:
    findings: list[Finding] = []
    if ping.unresolved is not None:
        findings.append(unresolved_finding(ping.unresolved))
    if ping.unsent:
        findings.append(_unsent_finding(ping))
    loss_line = ping.evidence.get("loss_pct")
    rtt_line = ping.evidence.get("rtt_avg_ms")
    big = ping.payload_bytes is not None and ping.payload_bytes >= thresholds["mtu_probe_bytes"]
    # Probes this computer never sent are not lost on the path: when they
    # are all the loss, there is no loss on the path to speak of.
    if ping.received is None and ping.sent and ping.loss_pct is not None:
        # The received count was edited out or garbled: the loss rate
        # still says how many were lost.
        lost = round(ping.sent * ping.loss_pct / 100)
    else:
        lost = (ping.sent or 0) - (ping.received or 0)
    loss_is_local = bool(ping.unsent) and lost <= len(ping.unsent)
    total_loss = (bool(ping.sent) and ping.loss_pct is not None and not loss_is_local
                  and (ping.received == 0 or (ping.received is None and ping.loss_pct == 100)))
    # A probe that never left is no reply from anyone.
    unsent = set(ping.unsent)
    replies = [line for line in ping.error_replies if line.strip() not in unsent]
    ttl_expired = [line for line in replies
                   if "ttl" in line.lower() or "time to live" in line.lower()]
    errors = [line for line in replies if line not in ttl_expired]
    if ping.frag_needed:
        findings.append(
            Finding.of(
                "ping-frag-needed",
                msg("ping.frag-needed", count=ping.frag_needed),
                evidence=[ping.evidence["frag_needed"]],
                problems=["net.mtu-fragmentation"],
                facts={"frag_needed": ping.frag_needed},
            )
        )
    elif total_loss and big:
        findings.append(
            Finding.of(
                "mtu-black-hole",
                msg("ping.mtu-black-hole", size=ping.payload_bytes),
                evidence=[x for x in (loss_line,) if x],
                problems=["net.mtu-fragmentation"],
                side="customer",
            )
        )
    elif errors:
        reporter = ping.error_from[0] if ping.error_from else None
        local = customer_side(reporter)
        if local:
            summary = msg("ping.unreachable.local", count=len(errors), host=reporter)
        elif reporter:
            summary = msg("ping.unreachable", count=len(errors), host=reporter)
        else:  # Cisco's "U" and Windows' "General failure" name no sender
            summary = msg("ping.unreachable.unnamed", count=len(errors))
        findings.append(
            Finding.of(
                "ping-unreachable-local" if local else "ping-unreachable",
                summary,
                # One line of Cisco probe characters stands for several errors.
                evidence=list(dict.fromkeys(errors))[:3],
                problems=["push.connect-refused", "net.line-failover"],
                facts={"local": local, "total_loss": total_loss, "host": reporter},
                side="customer" if local else "provider",
            )
        )
    elif ttl_expired and ping.ttl_set:
        findings.append(
            Finding.of(
                "ping-ttl-set",
                msg("ping.ttl-set", count=len(ttl_expired)),
                evidence=ttl_expired[:2],
            )
        )
    elif total_loss:
        findings.append(
            Finding.of(
                "ping-total-loss",
                msg("ping.total-loss", sent=ping.sent),
                evidence=[x for x in (loss_line,) if x],
                problems=["net.line-failover", "push.connect-refused"],
                facts={"sent": ping.sent},
                side="provider",
            )
        )
    elif (ping.loss_pct is not None and thresholds["loss_significant_pct"] <= ping.loss_pct
          and not loss_is_local):
        findings.append(
            Finding.of(
                "ping-loss" if lost >= 2 else "ping-loss-few",
                msg(
                    "ping.loss.few" if lost < 2
                    else "ping.loss" if ping.received is not None else "ping.loss.uncounted",
                    loss=ping.loss_pct,
                    received=ping.received,
                    sent=ping.sent,
                ),
                evidence=[x for x in (loss_line,) if x],
                problems=["net.loss-last-mile", "net.loss-cross-border"],
                facts={"loss_pct": ping.loss_pct, "lost": lost},
            )
        )
    if _ping_jitters(ping, thresholds):
        findings.append(
            Finding.of(
                "ping-jitter",
                msg(
                    f"ping.jitter.{ping.jitter_source or 'consecutive'}",
                    jitter=ping.jitter_ms,
                    min=ping.rtt_min_ms,
                    avg=ping.rtt_avg_ms,
                    max=ping.rtt_max_ms,
                ),
                evidence=[x for x in (rtt_line,) if x] or [f"{len(ping.rtts_ms)} reply times"],
                problems=["net.jitter"],
                facts={"jitter_ms": ping.jitter_ms},
            )
        )
    if ping.rtt_avg_ms is not None and ping.rtt_avg_ms >= thresholds["high_rtt_ms"]:
        stable = not _ping_jitters(ping, thresholds)
        kind = (
            "ping-high-rtt-stable"
            if stable and ping.rtt_avg_ms < thresholds["very_high_rtt_ms"]
            else "ping-high-rtt"
        )
        findings.append(
            Finding.of(
                kind,
                msg(
                    "ping.rtt.stable" if kind == "ping-high-rtt-stable" else "ping.rtt.high",
                    rtt=ping.rtt_avg_ms,
                ),
                evidence=[x for x in (rtt_line,) if x],
                problems=["net.high-latency-route"],
            )
        )
    return findings


def _unsent_finding(ping: PingResult) -> Finding:
    """This computer could not send some probes (or any): no route, or its
    own firewall. The customer's side, whatever else the ping shows."""
    nothing_sent = not ping.sent and not ping.rtts_ms
    return Finding.of(
        "ping-unsent",
        msg("ping.unsent.none") if nothing_sent else msg("ping.unsent", count=len(ping.unsent)),
        evidence=list(dict.fromkeys(ping.unsent))[:2],
        problems=["net.loss-last-mile", "push.connect-refused"],
        facts={"unsent": len(ping.unsent)},
        side="customer",
    )


def _ping_jitters(ping: PingResult, thresholds: dict[str, float]) -> bool:
    """A wide RTT spread with enough replies to say so.

    Four pings (Windows' default) cannot: the first reply often carries ARP
    or route set-up time.  With per-reply times the mean difference of
    consecutive replies or their standard deviation must be wide; with only
    a summary, ping's own mdev/stddev.
    """
    if ping.jitter_ms is None:
        return False
    replies = ping.rtts_ms
    if ping.jitter_source == "consecutive":
        if len(replies) < thresholds["jitter_min_replies"]:
            return False
        mean = sum(replies) / len(replies)
        spread = (sum((r - mean) ** 2 for r in replies) / len(replies)) ** 0.5
        return (
            ping.jitter_ms >= thresholds["jitter_ms"]
            or spread >= thresholds["path_jitter_stdev_ms"]
        )
    return ping.jitter_ms >= thresholds["path_jitter_stdev_ms"]


_ERROR_PROBLEMS = {
    "connection_refused": ["push.connect-refused"],
    "timeout": ["push.connect-refused"],
    "dns_failure": ["push.dns-resolution"],
    "forbidden": ["push.auth-failed", "play.forbidden-403"],
    "not_found": ["play.not-found-404", "push.url-malformed"],
    "already_publishing": ["push.duplicate-publisher"],
    "tls_error": ["push.tls-handshake"],
    "broken_pipe": ["push.periodic-disconnect"],
    "message_too_long": ["net.mtu-fragmentation"],
}


def srt_rejected_finding(reject: str, evidence: list[str]) -> Finding:
    """The SRT listener answered the handshake with a rejection."""
    return Finding.of(
        f"srt-rejected-{reject}",
        msg(f"ffmpeg.srt.{reject}"),
        evidence=evidence,
        problems={
            "passphrase": ["push.tls-handshake"],
            "streamid": ["push.auth-failed", "push.url-malformed"],
            "peer": ["push.auth-failed"],
        }[reject],
        side="customer",
    )


def srt_timeout_finding(evidence: list[str]) -> Finding:
    """No answer to the SRT handshake at all: UDP blocked, or no listener."""
    return Finding.of(
        "srt-connect-timeout",
        msg("ffmpeg.srt.timeout"),
        evidence=evidence[:3],
        problems=["net.udp-blocked", "push.connect-refused"],
        side="customer",
    )


def dropped_mid_stream_finding(error: str, evidence: list[str]) -> Finding:
    """A push that was running lost its connection (``error``: timeout,
    broken_pipe, or connection_refused for a reconnect refused)."""
    return Finding.of(
        "push-dropped-timeout" if error == "timeout" else "push-dropped-reset",
        msg(f"ffmpeg.mid-stream.{error}"),
        evidence=evidence,
        problems=(
            ["push.periodic-disconnect", "net.line-failover"]
            if error == "timeout"
            else ["push.periodic-disconnect", "net.uplink-bandwidth"]
        ),
        facts={"error": error},
    )


def closed_by_server_finding(evidence: list[str]) -> Finding:
    """The ingest accepted the connection, then closed the publish unexplained."""
    return Finding.of(
        "push-closed-by-server",
        msg("ffmpeg.closed-by-server"),
        evidence=evidence,
        problems=["push.auth-failed", "push.url-malformed"],
        side="customer",
    )


def error_finding(error: str, evidence: list[str], source: str) -> Finding:
    return Finding.of(
        f"error-{error}",
        msg(f"error.{error}", source=source),
        evidence=evidence[:3],
        problems=list(_ERROR_PROBLEMS[error]),
        side="customer",
    )


# x264 analysis settings that only the slow presets use (x264 --fullhelp:
# "medium" has ref=3 subme=7 me=hex; slow and slower raise them).
_HEAVY_X264 = {"ref": 5, "subme": 8}


def encoder_heavy(settings: dict[str, Any]) -> bool:
    """True when the encoder settings alone are likely too slow for real time."""
    codec = str(settings.get("video_codec", "")).lower()
    encoder = str(settings.get("video_encoder", "")).lower()
    if encoder in ("libx265", "libaom-av1", "libvpx-vp9", "librav1e") or codec in ("av1",):
        return True
    if settings.get("x264_me") in ("umh", "esa", "tesa"):
        return True
    for key, limit in _HEAVY_X264.items():
        value = settings.get(f"x264_{key}")
        if isinstance(value, int) and value >= limit:
            return True
    res = str(settings.get("resolution", ""))
    fps = settings.get("fps")
    if "x" in res and isinstance(fps, (int, float)):
        w, _, h = res.partition("x")
        if w.isdigit() and h.isdigit() and int(w) * int(h) * fps >= 1920 * 1080 * 50:
            return "nvenc" not in encoder and "qsv" not in encoder and "amf" not in encoder
    return False


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
            findings.append(
                Finding.of(
                    "keyframe-interval",
                    msg(
                        "settings.keyint.auto" if keyint == 0 else "settings.keyint",
                        source=source,
                        keyint=keyint,
                    ),
                    evidence=[f"keyint: {settings.get('keyint')} at {settings.get('fps')} fps"],
                    problems=["enc.keyframe-interval"],
                    side="customer",
                )
            )
    rate = settings.get("audio_sample_rate")
    if isinstance(rate, int) and rate not in (44100, 48000):
        findings.append(
            Finding.of(
                "audio-sample-rate",
                msg("settings.sample-rate", source=source, rate=rate),
                evidence=[f"sample rate: {rate}"],
                problems=["enc.av-desync", "enc.audio-missing"],
                side="customer",
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
            Finding.of(
                "codec-unsupported",
                msg(
                    "settings.codec",
                    source=source,
                    what=f"{codec or 'video'} {profile} {pix}".strip(),
                ),
                evidence=[f"codec: {codec} profile: {profile} pix_fmt: {pix}"],
                problems=["enc.codec-unsupported"],
                side="customer",
            )
        )
    audio = str(settings.get("audio_codec", "")).lower()
    if audio == "mp3" and rate == 48000 and settings.get("container") == "flv":
        # FLV has no 48 kHz rate flag: flvenc stores 48 kHz MP3 marked as
        # 44.1 kHz, so players resample or drop it.
        findings.append(
            Finding.of(
                "audio-mp3-48k-flv",
                msg("settings.mp3-48k", source=source),
                evidence=[f"audio: mp3, {rate} Hz, flv"],
                problems=["enc.audio-missing", "enc.av-desync"],
                side="customer",
            )
        )
    elif audio and audio not in ("aac", "mp3", "opus"):
        findings.append(
            Finding.of(
                "audio-not-aac",
                msg("settings.audio-codec", source=source, codec=audio),
                evidence=[f"audio codec: {audio}"],
                problems=["enc.audio-missing"],
                side="customer",
            )
        )
    bframes = settings.get("bframes", settings.get("bf"))
    if protocol == "webrtc" and isinstance(bframes, int) and bframes > 0:
        findings.append(
            Finding.of(
                "bframes-webrtc",
                msg("settings.bframes", source=source, bframes=bframes),
                evidence=[f"bframes={bframes}"],
                problems=["enc.bframes-webrtc"],
                side="customer",
            )
        )
    return findings


def analyse_obs(
    obs: ObsResult, thresholds: dict[str, float] = THRESHOLDS, protocol: str | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    source = "OBS Classic" if obs.classic else "OBS"
    if (
        obs.dropped_frames_network_pct is not None
        and obs.dropped_frames_network_pct >= thresholds["obs_dropped_pct"]
    ):
        findings.append(
            Finding.of(
                "obs-network-drops",
                msg("obs.dropped", source=source, pct=obs.dropped_frames_network_pct),
                evidence=obs.evidence.get("dropped", [])[:2] + obs.evidence.get("stalls", [])[:1],
                problems=["net.uplink-bandwidth", "enc.bitrate-too-high"],
                facts={"pct": obs.dropped_frames_network_pct},
                side="customer",
            )
        )
    if (
        obs.skipped_frames_encoder_pct is not None
        and obs.skipped_frames_encoder_pct >= thresholds["obs_skipped_pct"]
    ):
        findings.append(
            Finding.of(
                "obs-encoder-skips",
                msg("obs.skipped", pct=obs.skipped_frames_encoder_pct),
                evidence=obs.evidence.get("skipped", [])[:2],
                problems=["enc.encoder-overload"],
                side="customer",
            )
        )
    if (
        obs.lagged_frames_render_pct is not None
        and obs.lagged_frames_render_pct >= thresholds["obs_lagged_pct"]
    ):
        findings.append(
            Finding.of(
                "obs-render-lag",
                msg("obs.lagged", pct=obs.lagged_frames_render_pct),
                evidence=obs.evidence.get("lagged", [])[:2],
                problems=["enc.encoder-overload"],
                side="customer",
            )
        )
    refused_loop = obs.refused_after_connect >= 2
    if refused_loop:
        findings.append(
            Finding.of(
                "obs-refused-after-connect",
                msg("obs.refused-loop", count=obs.refused_after_connect),
                evidence=obs.evidence.get("refused", [])[:4],
                problems=["push.auth-failed", "push.duplicate-publisher"],
                facts={"count": obs.refused_after_connect},
                side="customer",
            )
        )
    elif obs.disconnects and obs.failed_reconnects >= 1 and obs.error in (
        "timeout",
        "connection_refused",
        "broken_pipe",
        None,
    ):
        findings.append(
            Finding.of(
                "obs-reconnect-failing",
                msg(
                    "obs.reconnect-failing",
                    disconnects=obs.disconnects,
                    failed=obs.failed_reconnects,
                ),
                evidence=(
                    obs.evidence.get("disconnects", [])[:1]
                    + obs.evidence.get("connect_errors", [])[:2]
                ),
                problems=["net.line-failover", "push.connect-refused"],
                facts={"failed": obs.failed_reconnects},
                side="provider",
            )
        )
    elif obs.disconnects:
        findings.append(
            Finding.of(
                "obs-disconnects",
                msg(
                    "obs.disconnects.reconnect" if obs.reconnect_attempts else "obs.disconnects",
                    count=obs.disconnects,
                    attempts=obs.reconnect_attempts,
                ),
                evidence=(
                    obs.evidence.get("send_errors", [])[:1]
                    + obs.evidence.get("disconnects", [])[:2]
                ),
                problems=["push.periodic-disconnect"],
                facts={"count": obs.disconnects},
            )
        )
    if obs.error and obs.error != "broken_pipe" and not refused_loop:
        failing = any(f.kind == "obs-reconnect-failing" for f in findings)
        evidence = obs.evidence.get("connect_errors", [])
        if obs.srt_reject:
            findings.append(srt_rejected_finding(obs.srt_reject, evidence[:3]))
        elif obs.output == "srt" and obs.error == "timeout":
            findings.append(srt_timeout_finding(evidence[:3]))
        elif obs.ice_failed and obs.error == "timeout":
            findings.append(Finding.of(
                "webrtc-ice-failed", msg("obs.whip.ice-failed"), evidence=evidence[:3],
                problems=["net.udp-blocked"], side="customer"))
        elif not (obs.error == "timeout" and failing):
            findings.append(error_finding(obs.error, evidence, source))
    elif obs.error == "broken_pipe" and not obs.disconnects:
        findings.append(error_finding(obs.error, obs.evidence.get("send_errors", []), source))
    findings.extend(_settings_findings(obs.settings, source, thresholds, protocol))
    return findings


def analyse_ffmpeg(
    ff: FfmpegResult, thresholds: dict[str, float] = THRESHOLDS, protocol: str | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    source = "ffmpeg"
    if ff.incompatible:
        findings.append(
            Finding.of(
                f"container-codec-mismatch-{ff.incompatible}",
                msg(
                    f"ffmpeg.incompatible.{ff.incompatible}",
                    codec=ff.encoder.get(f"{ff.incompatible}_codec_out") or "?",
                    container=ff.encoder.get("container") or "?",
                ),
                evidence=ff.evidence.get("incompatible", [])[:3],
                problems=(
                    ["enc.audio-missing", "enc.codec-unsupported"]
                    if ff.incompatible == "audio"
                    else ["enc.codec-unsupported"]
                ),
                facts={"stream": ff.incompatible},
                side="customer",
            )
        )
    elif ff.srt_reject:
        findings.append(srt_rejected_finding(
            ff.srt_reject, ff.evidence.get("srt", [])[:2] + ff.evidence.get("error", [])[:1]))
    elif ff.mid_stream and ff.error in ("timeout", "broken_pipe", "connection_refused"):
        findings.append(dropped_mid_stream_finding(ff.error, ff.evidence.get("error", [])[:3]))
    elif ff.error == "timeout" and (ff.url or "").startswith("srt://"):
        findings.append(srt_timeout_finding(ff.evidence.get("error", [])))
    elif ff.error:
        direction = msg(f"ffmpeg.direction.{ff.direction or 'stream'}")
        finding = error_finding(ff.error, ff.evidence.get("error", []), "ffmpeg")
        finding.message = msg(f"error.{ff.error}.ffmpeg", direction=direction)
        finding.summary = finding.message.render("en")
        findings.append(finding)
    elif ff.evidence.get("generic_failure") and ff.direction == "push":
        findings.append(closed_by_server_finding(ff.evidence["generic_failure"]))
    slow = _slow_push(ff, thresholds)
    if slow is not None:
        heavy = encoder_heavy({**ff.settings, **ff.encoder})
        findings.append(
            Finding.of(
                "push-slow-encoder" if heavy else "push-slow-uplink",
                msg(
                    "ffmpeg.slow.encoder" if heavy else "ffmpeg.slow.uplink",
                    speed=slow,
                    fps=ff.settings.get("fps") or "?",
                ),
                evidence=ff.evidence.get("progress", [])[-2:],
                problems=(
                    ["enc.encoder-overload"]
                    if heavy
                    else ["net.uplink-bandwidth", "enc.bitrate-too-high"]
                ),
                facts={"speed": slow},
                side="customer",
            )
        )
    if ff.odd_frame_size:
        findings.append(
            Finding.of(
                "odd-frame-size",
                msg("ffmpeg.odd-frame-size", size=ff.odd_frame_size),
                evidence=ff.evidence.get("odd_frame_size", []),
                problems=["enc.codec-unsupported"],
                facts={"size": ff.odd_frame_size},
                side="customer",
            )
        )
    if ff.muxing_queue_overflow:
        findings.append(
            Finding.of(
                "muxing-queue-overflow",
                msg("ffmpeg.muxing-queue"),
                evidence=ff.evidence.get("muxing_queue", []),
                problems=["enc.audio-missing"],
                side="customer",
            )
        )
    if ff.damaged_packets:
        findings.append(
            Finding.of(
                "received-damaged",
                msg("ffmpeg.damaged", count=ff.damaged_packets),
                evidence=ff.evidence.get("damaged", []),
                problems=["net.loss-cross-border", "net.loss-last-mile"],
                facts={"count": ff.damaged_packets},
            )
        )
    if ff.non_monotonous_dts:
        findings.append(
            Finding.of(
                "non-monotonous-dts",
                msg("ffmpeg.dts", count=ff.non_monotonous_dts),
                evidence=ff.evidence.get("dts", []),
                problems=["enc.av-desync"],
                side="customer",
            )
        )
    if not ff.incompatible:
        settings = {**ff.settings, "container": ff.encoder.get("container")}
        findings.extend(_settings_findings(settings, source, thresholds, protocol))
    return findings


def _slow_push(ff: FfmpegResult, thresholds: dict[str, float]) -> float | None:
    """The sustained speed of a push that runs slower than real time, or None.

    ``speed=`` is media time over wall time; with ``-re`` (or a live source)
    a push that keeps up shows about 1x.  The first seconds are skipped
    (start-up and probing), then the median of the rest must stay below
    ``push_speed_min``.
    """
    if ff.direction != "push" or ff.mid_stream or ff.incompatible:
        return None
    if len(ff.speeds) < thresholds["push_speed_samples"]:
        return None
    rest = ff.speeds[len(ff.speeds) // 3 :]
    median = statistics.median(rest)
    # speed= is media time over wall time since the start, so start-up
    # delay alone makes a short push that keeps up read below 1x while it
    # climbs back; a push that cannot keep up stays flat or falls.
    rising = rest[-1] - rest[0] >= 0.03
    if median < thresholds["push_speed_min"] and not rising:
        return round(median, 3)
    return None
