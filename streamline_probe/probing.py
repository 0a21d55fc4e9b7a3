"""One minute's burst of probes to an ingest, in pure Python (no Django).

The site's prober (kb.monitoring.prober) and the customer's agent
(streamline_probe.agent) measure with this same code, so the two ends of a
line are comparable.

A *burst* is ``count`` probes ``interval`` seconds apart, each waiting at
most ``timeout`` seconds for its reply; probes do not wait for each other,
so a burst lasts ``(count - 1) * interval + timeout`` at most, however many
are lost. It is measured with:

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

import errno
import os
import selectors
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


def _in_order(rtts: dict[int, float]) -> list[float]:
    """RTTs in the order the probes were sent (jitter compares neighbours)."""
    return [rtts[n] for n in sorted(rtts)]


def tcp_burst(address: str, family: int, port: int, *, count: int, interval: float,
              timeout: float) -> Burst:
    """``count`` connections opened ``interval`` apart without waiting for
    each other, so a burst takes ``(count - 1) * interval + timeout`` at
    most, however many are lost (a dead ingest must not hold the minute)."""
    rtts: dict[int, float] = {}
    reasons: list[str] = []
    waiting: dict[socket.socket, tuple[int, float, float]] = {}
    selector = selectors.DefaultSelector()
    start, sent = time.monotonic(), 0

    def done(sock: socket.socket, error: int, n: int, began: float) -> None:
        if error:
            reasons.append(_describe(OSError(error, os.strerror(error))))
        else:
            rtts[n] = (time.perf_counter() - began) * 1000
        if sock in waiting:
            selector.unregister(sock)
            del waiting[sock]
        sock.close()

    try:
        while sent < count or waiting:
            now = time.monotonic()
            while sent < count and start + sent * interval <= now:
                sock = socket.socket(family, socket.SOCK_STREAM)
                sock.setblocking(False)
                began = time.perf_counter()
                error = sock.connect_ex((address, port))
                if error in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
                    waiting[sock] = (sent, began, now + timeout)
                    selector.register(sock, selectors.EVENT_WRITE)
                else:
                    done(sock, error, sent, began)
                sent += 1
            for sock, (_, _, deadline) in list(waiting.items()):
                if now >= deadline:
                    reasons.append("timed out")
                    selector.unregister(sock)
                    del waiting[sock]
                    sock.close()
            upcoming = [start + sent * interval] if sent < count else []
            upcoming += [deadline for _, _, deadline in waiting.values()]
            if not upcoming:
                break
            for key, _ in selector.select(max(0.0, min(upcoming) - time.monotonic())):
                sock = key.fileobj
                n, began, _ = waiting[sock]
                done(sock, sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), n, began)
    finally:
        for sock in waiting:
            sock.close()
        selector.close()
    return burst_of(_in_order(rtts), sent=count, method="tcp", error=_most_common(reasons))


def icmp_burst(address: str, *, count: int, interval: float, timeout: float) -> Burst:
    """Echo requests ``interval`` apart, replies taken as they come (as
    ``ping`` does), so lost probes cost one ``timeout`` in all; unlike
    icmplib.ping it keeps why probes failed."""
    privileged = icmp_privileged()
    socket_kind = icmplib.ICMPv6Socket if ":" in address else icmplib.ICMPv4Socket
    identifier = icmplib.utils.unique_identifier()
    rtts: dict[int, float] = {}
    reasons: list[str] = []
    sent_at: dict[int, float] = {}
    deadlines: dict[int, float] = {}
    start, sent = time.monotonic(), 0
    with socket_kind(privileged=privileged) as sock:
        while sent < count or deadlines:
            now = time.monotonic()
            while sent < count and start + sent * interval <= now:
                request = icmplib.ICMPRequest(destination=address, id=identifier,
                                              sequence=sent)
                try:
                    sock.send(request)
                    sent_at[sent], deadlines[sent] = request.time, now + timeout
                except icmplib.ICMPLibError as exc:
                    reasons.append(_describe_icmp(exc))
                sent += 1
            for n, deadline in list(deadlines.items()):
                if now >= deadline:
                    reasons.append("timed out")
                    del deadlines[n]
            upcoming = [start + sent * interval] if sent < count else []
            upcoming += list(deadlines.values())
            if not upcoming:
                break
            try:
                reply = sock.receive(None, max(0.001, min(upcoming) - time.monotonic()))
            except icmplib.TimeoutExceeded:
                continue
            except icmplib.ICMPLibError as exc:
                reasons.append(_describe_icmp(exc))
                continue
            # A raw socket sees every ICMP message of the machine: only
            # ours count (an unprivileged one gets its own only, with the
            # identifier the kernel chose).
            n = reply.sequence
            if n not in deadlines or (privileged and reply.id != identifier):
                continue
            del deadlines[n]
            try:
                reply.raise_for_status()
                rtts[n] = (reply.time - sent_at[n]) * 1000
            except icmplib.ICMPLibError as exc:
                reasons.append(_describe_icmp(exc))
    return burst_of(_in_order(rtts), sent=count, method="icmp", error=_most_common(reasons))


def _describe_icmp(exc: Exception) -> str:
    return str(exc).rstrip(".").lower() or type(exc).__name__


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
