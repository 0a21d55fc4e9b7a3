"""A line's measurements over a chart's range, as the pages and the CSV read them.

Up to 48 hours the raw one-minute samples are read (every source merged
minute by minute, kb/monitoring/minutes.py); beyond, the hourly rollups, as
long as they are kept.  Every minute or hour of the range is listed, a
missing one with ``None`` figures: a gap is drawn as a gap, never as a line
across it nor as loss.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from kb.monitoring.minutes import floor_hour, floor_minute, minutes_of
from kb.monitoring.models import Incident, Line, Maintenance, Rollup, Sample

RANGES = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7),
          "30d": dt.timedelta(days=30)}
DEFAULT_RANGE = "24h"
RAW_UP_TO = dt.timedelta(hours=48)


@dataclass(frozen=True)
class Point:
    """One minute or hour; ``at`` is its end for minutes, its start for hours
    (as the samples and rollups store them)."""

    at: dt.datetime
    sent: int | None = None
    received: int | None = None
    loss_pct: float | None = None
    rtt_min_ms: float | None = None
    rtt_avg_ms: float | None = None
    rtt_max_ms: float | None = None
    jitter_ms: float | None = None

    @property
    def measured(self) -> bool:
        return self.sent is not None


@dataclass(frozen=True)
class Span:
    """An incident or a maintenance window, cut to the range."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    severity: str = ""  # degraded | down for incidents, "" for maintenance
    ongoing: bool = False


@dataclass
class LineSeries:
    line: Line
    range_key: str
    start: dt.datetime
    end: dt.datetime
    step: dt.timedelta
    points: list[Point]
    incidents: list[Span] = field(default_factory=list)
    maintenance: list[Span] = field(default_factory=list)

    @property
    def hourly(self) -> bool:
        return self.step == dt.timedelta(hours=1)

    @property
    def measured(self) -> list[Point]:
        return [point for point in self.points if point.measured]


def line_series(*, line: Line, range_key: str, now: dt.datetime) -> LineSeries:
    """The line's minutes (ranges up to 48 h) or hours over the range ending now."""
    length = RANGES[range_key]
    if length <= RAW_UP_TO:
        step = dt.timedelta(minutes=1)
        end = floor_minute(now)
        start = end - length
        points = _minute_points(line, start, end)
    else:
        step = dt.timedelta(hours=1)
        end = floor_hour(now)
        start = end - length
        points = _hour_points(line, start, end)
    return LineSeries(line=line, range_key=range_key, start=start, end=end, step=step,
                      points=points, incidents=_incidents(line, start, end),
                      maintenance=_maintenance(line, start, end))


def _minute_points(line: Line, start: dt.datetime, end: dt.datetime) -> list[Point]:
    # Named rows, not model instances: a day is 1,440 minutes per source.
    samples = (Sample.objects.filter(line=line, at__gt=start, at__lte=end).order_by()
               .values_list("at", "sent", "received", "rtt_min_ms", "rtt_avg_ms",
                            "rtt_max_ms", "jitter_ms", named=True))
    minutes = minutes_of(samples)
    points = []
    at = start + dt.timedelta(minutes=1)
    while at <= end:
        minute = minutes.get(at)
        points.append(Point(at=at) if minute is None else Point(
            at=at, sent=minute.sent, received=minute.received,
            loss_pct=round(minute.loss_pct, 3), rtt_min_ms=minute.rtt_min_ms,
            rtt_avg_ms=minute.rtt_avg_ms, rtt_max_ms=minute.rtt_max_ms,
            jitter_ms=minute.jitter_ms))
        at += dt.timedelta(minutes=1)
    return points


_HOUR_FIELDS = ("hour", "sent", "received", "loss_pct", "rtt_min_ms", "rtt_avg_ms",
                "rtt_max_ms", "jitter_ms")


def _hour_points(line: Line, start: dt.datetime, end: dt.datetime) -> list[Point]:
    # Plain rows, not model instances: a 30-day range is 720 of them and
    # building instances took about as long as drawing the charts.
    rollups = {row[0]: row for row in
               Rollup.objects.filter(line=line, hour__gte=start, hour__lt=end)
               .order_by().values_list(*_HOUR_FIELDS)}
    points = []
    hour = start
    while hour < end:
        rollup = rollups.get(hour)
        if rollup is None:
            points.append(Point(at=hour))
        else:
            _, sent, received, loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, jitter_ms = rollup
            points.append(Point(at=hour, sent=sent, received=received,
                                loss_pct=round(loss_pct, 3), rtt_min_ms=rtt_min_ms,
                                rtt_avg_ms=rtt_avg_ms, rtt_max_ms=rtt_max_ms,
                                jitter_ms=jitter_ms))
        hour += dt.timedelta(hours=1)
    return points


def _incidents(line: Line, start: dt.datetime, end: dt.datetime) -> list[Span]:
    incidents = (Incident.objects.filter(line=line, opened_at__lte=end)
                 .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start))
                 .order_by("opened_at", "pk"))
    return [Span(starts_at=max(incident.opened_at, start),
                 ends_at=min(incident.resolved_at or end, end), title=incident.title,
                 severity=incident.severity, ongoing=incident.resolved_at is None)
            for incident in incidents]


def _maintenance(line: Line, start: dt.datetime, end: dt.datetime) -> list[Span]:
    # Region lists are JSON: matched here rather than in SQL (SQLite has no
    # JSON containment), among the few windows that overlap the range.
    windows = (Maintenance.objects.filter(starts_at__lt=end, ends_at__gt=start)
               .prefetch_related("lines").order_by("starts_at", "pk"))
    covering = [window for window in windows
                if line.from_region in window.regions or line.to_region in window.regions
                or any(covered.pk == line.pk for covered in window.lines.all())]
    return [Span(starts_at=max(window.starts_at, start), ends_at=min(window.ends_at, end),
                 title=window.title, ongoing=window.ends_at > end) for window in covering]
