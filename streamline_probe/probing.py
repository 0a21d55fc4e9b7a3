"""One minute's burst of probes to an ingest, in pure Python (no Django).

The site's prober (kb.monitoring.prober) and the customer's agent
(streamline_probe.agent) measure with this same code, so the two ends of a
line are comparable.

A *burst* is ``count`` probes ``interval`` seconds apart, each waiting at
most ``timeout`` seconds for its reply. It is measured with:

- ``icmp``: ICMP echo (icmplib). It needs a raw socket (root) or, without
  root, a group listed in ``net.ipv4.ping_group_range``;
- ``tcp``: the time a TCP connection to the ingest's port takes to open (the
  SYN / SYN-ACK round trip), which needs no privilege, and which a firewall
  that drops ICMP still lets through.

``auto`` uses ICMP when this process may, else TCP; and when ICMP gets no
reply at all it measures the burst again by TCP (many ingests drop ICMP),
so a line is never called down only because ICMP is filtered.

Never raises for the network: a name that does not resolve, a refused or
unreachable port, a socket the process may not open, all give a burst with
every probe lost and the reason in ``error``.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import asdict, dataclass

try:  # optional on an encoder machine: TCP needs nothing
    import icmplib
except ImportError:  # pragma: no cover - icmplib is a dependency of the package
    icmplib = None

METHODS = ("auto", "icmp", "tcp")
DEFAULT_COUNT = 10
DEFAULT_INTERVAL_S = 0.2
DEFAULT_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Burst:
    """What one burst measured. RTT fields and jitter are None when nothing
    came back (jitter also with a single reply: it needs two)."""

    sent: int
    received: int
    rtt_min_ms: float | None
    rtt_avg_ms: float | None
    rtt_max_ms: float | None
    jitter_ms: float | None
    method: str
    error: str = ""

    @property
    def loss_pct(self) -> float:
        return 100.0 * (1 - self.received / self.sent) if self.sent else 100.0

    def as_dict(self) -> dict:
        return asdict(self)


def burst_of(rtts_ms: list[float], *, sent: int, method: str, error: str = "") -> Burst:
    """A burst from the RTTs of the probes that came back. Jitter is the mean
    difference between consecutive replies' RTTs (as ping and icmplib
    report it)."""
    if not rtts_ms:
        return Burst(sent=sent, received=0, rtt_min_ms=None, rtt_avg_ms=None,
                     rtt_max_ms=None, jitter_ms=None, method=method,
                     error=error or "no reply")
    deltas = [abs(a - b) for a, b in zip(rtts_ms, rtts_ms[1:], strict=False)]
    return Burst(sent=sent, received=len(rtts_ms), rtt_min_ms=round(min(rtts_ms), 3),
                 rtt_avg_ms=round(sum(rtts_ms) / len(rtts_ms), 3),
                 rtt_max_ms=round(max(rtts_ms), 3),
                 jitter_ms=round(sum(deltas) / len(deltas), 3) if deltas else None,
                 method=method, error="")


def _describe(exc: BaseException) -> str:
    """A short reason a person understands (errno names, not tracebacks)."""
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def resolve(host: str, port: int) -> tuple[int, str]:
    """The first address of ``host`` (family, address); raises OSError."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, _, _, _, sockaddr = infos[0]
    return family, sockaddr[0]


def icmp_privileged() -> bool:
    """Raw ICMP sockets when root, else the unprivileged datagram kind."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


_icmp_allowed: bool | None = None


def icmp_allowed() -> bool:
    """Whether this process may send ICMP echo (checked once: opening the
    socket is the only test that tells)."""
    global _icmp_allowed
    if _icmp_allowed is None:
        if icmplib is None:
            _icmp_allowed = False
        else:
            try:
                with icmplib.ICMPv4Socket(privileged=icmp_privileged()):
                    pass
                _icmp_allowed = True
            except icmplib.ICMPLibError:
                _icmp_allowed = False
    return _icmp_allowed


def _sleep_until(deadline: float) -> None:
    pause = deadline - time.monotonic()
    if pause > 0:
        time.sleep(pause)


def tcp_burst(address: str, family: int, port: int, *, count: int, interval: float,
              timeout: float) -> Burst:
    rtts, reasons = [], []
    start = time.monotonic()
    for n in range(count):
        _sleep_until(start + n * interval)
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            began = time.perf_counter()
            sock.connect((address, port))
            rtts.append((time.perf_counter() - began) * 1000)
        except OSError as exc:
            reasons.append(_describe(exc))
        finally:
            sock.close()
    return burst_of(rtts, sent=count, method="tcp", error=_most_common(reasons))


def icmp_burst(address: str, *, count: int, interval: float, timeout: float) -> Burst:
    """Like icmplib.ping, keeping why probes failed (ping drops that)."""
    rtts, reasons = [], []
    socket_kind = icmplib.ICMPv6Socket if ":" in address else icmplib.ICMPv4Socket
    identifier = icmplib.utils.unique_identifier()
    start = time.monotonic()
    with socket_kind(privileged=icmp_privileged()) as sock:
        for sequence in range(count):
            _sleep_until(start + sequence * interval)
            request = icmplib.ICMPRequest(destination=address, id=identifier,
                                          sequence=sequence)
            try:
                sock.send(request)
                reply = sock.receive(request, timeout)
                reply.raise_for_status()
                rtts.append((reply.time - request.time) * 1000)
            except icmplib.TimeoutExceeded:
                reasons.append("timed out")
            except icmplib.ICMPLibError as exc:
                reasons.append(str(exc).rstrip(".").lower() or type(exc).__name__)
    return burst_of(rtts, sent=count, method="icmp", error=_most_common(reasons))


def _most_common(reasons: list[str]) -> str:
    return max(set(reasons), key=reasons.count) if reasons else ""


def probe(host: str, port: int, *, count: int = DEFAULT_COUNT, method: str = "auto",
          interval: float = DEFAULT_INTERVAL_S, timeout: float = DEFAULT_TIMEOUT_S) -> Burst:
    """Measure one burst to ``host`` (ICMP) or ``host:port`` (TCP)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if count < 1:
        raise ValueError("count must be at least 1")
    chosen = "icmp" if method == "icmp" or (method == "auto" and icmp_allowed()) else "tcp"
    try:
        family, address = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        return burst_of([], sent=count, method=chosen,
                        error=f"cannot resolve {host}: {_describe(exc)}")
    try:
        if chosen == "icmp":
            try:
                measured = icmp_burst(address, count=count, interval=interval,
                                      timeout=timeout)
            except icmplib.ICMPLibError as exc:  # no permission for the socket
                if method == "icmp":
                    return burst_of([], sent=count, method="icmp",
                                    error=f"ICMP not allowed: {_describe(exc)}")
                measured = None
            if measured is not None and (measured.received or method == "icmp"):
                return measured
            # Nothing came back by ICMP: the ingest (or a firewall before
            # it) may drop ICMP; TCP to the port tells whether it is there.
            tcp = tcp_burst(address, family, port, count=count, interval=interval,
                            timeout=timeout)
            if tcp.received or measured is None:
                return tcp
            return Burst(**{**tcp.as_dict(),
                            "error": f"icmp: {measured.error}; tcp: {tcp.error}"})
        return tcp_burst(address, family, port, count=count, interval=interval,
                         timeout=timeout)
    except Exception as exc:  # a probe never raises: the burst is all lost
        return burst_of([], sent=count, method=chosen, error=_describe(exc))
