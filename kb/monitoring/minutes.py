"""Minutes and hours of a line: every source merged, in pure Python.

A *minute* of a line merges the samples every source sent for it: sent and
received are summed, so its loss is ``1 - received / sent`` over all
probes; the lowest minimum and highest maximum RTT are kept; the average
RTT and the jitter are averaged weighted by the probes that came back
(they describe the replies, and a source that got more replies saw more of
the minute). A minute without any sample does not exist here: it is
missing, not lossy.

An *hour* (a rollup) merges its minutes the same way. Detection, rollups,
charts and the CSV export all read lines through these two functions, so
they never disagree about what a minute was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Minute:
    at: dt.datetime
    sent: int
    received: int
    rtt_min_ms: float | None
    rtt_avg_ms: float | None
    rtt_max_ms: float | None
    jitter_ms: float | None

    @property
    def loss_pct(self) -> float:
        return 100.0 * (1 - self.received / self.sent) if self.sent else 100.0

    @property
    def total_loss(self) -> bool:
        return self.received == 0


def _weighted(pairs: list[tuple[float, int]]) -> float | None:
    """The mean of values weighted by their replies; a value reported with
    no count of replies still counts once."""
    weighted = [(value, max(weight, 1)) for value, weight in pairs]
    total = sum(weight for _, weight in weighted)
    if not total:
        return None
    return round(sum(value * weight for value, weight in weighted) / total, 3)


def merge(at: dt.datetime, parts: Iterable) -> Minute:
    """Merge samples (or minutes, or rollups) with ``sent``, ``received`` and
    the four RTT fields into one figure for ``at``."""
    parts = list(parts)
    mins = [p.rtt_min_ms for p in parts if p.rtt_min_ms is not None]
    maxes = [p.rtt_max_ms for p in parts if p.rtt_max_ms is not None]
    return Minute(
        at=at,
        sent=sum(p.sent for p in parts),
        received=sum(p.received for p in parts),
        rtt_min_ms=min(mins) if mins else None,
        rtt_avg_ms=_weighted([(p.rtt_avg_ms, p.received) for p in parts
                              if p.rtt_avg_ms is not None]),
        rtt_max_ms=max(maxes) if maxes else None,
        jitter_ms=_weighted([(p.jitter_ms, p.received) for p in parts
                             if p.jitter_ms is not None]),
    )


def minutes_of(samples: Iterable) -> dict[dt.datetime, Minute]:
    """One Minute per ``at`` that has at least one sample."""
    grouped: dict[dt.datetime, list] = {}
    for sample in samples:
        grouped.setdefault(sample.at, []).append(sample)
    return {at: merge(at, parts) for at, parts in sorted(grouped.items())}


def floor_minute(at: dt.datetime) -> dt.datetime:
    return at.replace(second=0, microsecond=0)


def floor_hour(at: dt.datetime) -> dt.datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def hour_of(at: dt.datetime) -> dt.datetime:
    """The hour a minute was measured in: ``at`` is the end of the minute,
    so 11:00 closes the last minute of 10:00-11:00."""
    return floor_hour(at - dt.timedelta(minutes=1))


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
