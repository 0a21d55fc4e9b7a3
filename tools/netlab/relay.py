#!/usr/bin/env python3
"""Userspace delay/jitter relay between two interfaces (netem substitute).

The lab kernel has no ``netem`` qdisc, so the long-haul segment is emulated
by an AF_PACKET bridge: every Ethernet frame read on one interface is
written to the other after ``delay_ms +/- jitter_ms``.  Run it inside a
namespace of its own that holds both veth ends (no IP addresses needed):

    ip netns exec nl-lh python3 relay.py lh-a lh-b 45 4

45 ms each way adds about 90 ms of RTT across the segment.  Frames keep
their order (a frame is never released before the one ahead of it), which
is what a long fibre path does; jitter only stretches the gaps.

Only for the lab: run by hand as root, never in CI.
"""

from __future__ import annotations

import heapq
import random
import socket
import sys
import threading
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def pump(src: str, dst: str, delay: float, jitter: float) -> None:
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    rx.bind((src, 0))
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    tx.bind((dst, 0))
    queue: list[tuple[float, int, bytes]] = []
    cond = threading.Condition()
    seq = 0

    def sender() -> None:
        while True:
            with cond:
                while not queue:
                    cond.wait()
                due, _, frame = queue[0]
                now = time.monotonic()
                if due > now:
                    cond.wait(due - now)
                    continue
                heapq.heappop(queue)
            try:
                tx.send(frame)
            except OSError:
                pass

    threading.Thread(target=sender, daemon=True).start()
    last_due = 0.0
    while True:
        frame, addr = rx.recvfrom(65535)
        if addr[2] == PACKET_OUTGOING:  # our own transmissions on this side
            continue
        due = time.monotonic() + delay + random.uniform(-jitter, jitter)
        due = max(due, last_due)  # keep order
        last_due = due
        with cond:
            seq += 1
            heapq.heappush(queue, (due, seq, frame))
            cond.notify()


def main() -> None:
    a, b = sys.argv[1], sys.argv[2]
    delay = float(sys.argv[3]) / 1000.0
    jitter = float(sys.argv[4]) / 1000.0 if len(sys.argv) > 4 else 0.0
    threading.Thread(target=pump, args=(a, b, delay, jitter), daemon=True).start()
    pump(b, a, delay, jitter)


if __name__ == "__main__":
    main()
