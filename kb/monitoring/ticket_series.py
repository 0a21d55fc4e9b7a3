"""A line's measurements and charts over any window, for the staff ticket page.

The line pages chart fixed ranges that end now (kb/monitoring/series.py
and charts.py); a ticket wants the hours around the moment it was filed:
from two hours before to two hours after, or to now when that is sooner.
The window is read as series.py reads its ranges (one-minute samples merged
across sources while they are kept, hourly rollups after) and drawn with
charts.py's pieces, with its own time axis and titles that name the window.
"""

from __future__ import annotations

import datetime as dt

import pygal
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.core import charts
from kb.monitoring import charts as line_charts
from kb.monitoring.minutes import floor_hour, floor_minute, minutes_of
from kb.monitoring.models import (
    SAMPLE_RETENTION_DAYS,
    Incident,
    Line,
    Maintenance,
    Rollup,
    Sample,
)
from kb.monitoring.series import LineSeries, Point, Span

AROUND = dt.timedelta(hours=2)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
TICK_EVERY = dt.timedelta(minutes=30)
WINDOW_KEY = "window"


def window_around(*, at: dt.datetime, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Two hours either side of ``at`` on whole minutes, never past now."""
    start = floor_minute(at - AROUND)
    end = floor_minute(min(at + AROUND, now))
    return start, max(end, start + MINUTE)


def window_series(*, line: Line, start: dt.datetime, end: dt.datetime,
                  now: dt.datetime) -> LineSeries:
    """The line's minutes over the window while its samples are kept, else
    its hours (a ticket looked at weeks later still shows the hours)."""
    samples_kept_from = now - dt.timedelta(days=SAMPLE_RETENTION_DAYS)
    if start >= samples_kept_from:
        step, points = MINUTE, _minute_points(line, start, end)
    else:
        start, end = floor_hour(start), floor_hour(end) + HOUR
        step, points = HOUR, _hour_points(line, start, end)
    return LineSeries(line=line, range_key=WINDOW_KEY, start=start, end=end, step=step,
                      points=points, incidents=_incidents(line, start, end),
                      maintenance=_maintenance(line, start, end))


def _minute_points(line: Line, start: dt.datetime, end: dt.datetime) -> list[Point]:
    samples = (Sample.objects.filter(line=line, at__gt=start, at__lte=end)
               .only("at", "sent", "received", "rtt_min_ms", "rtt_avg_ms", "rtt_max_ms",
                     "jitter_ms").order_by())
    minutes = minutes_of(samples)
    points = []
    at = start + MINUTE
    while at <= end:
        minute = minutes.get(at)
        points.append(Point(at=at) if minute is None else Point(
            at=at, sent=minute.sent, received=minute.received,
            loss_pct=round(minute.loss_pct, 3), rtt_min_ms=minute.rtt_min_ms,
            rtt_avg_ms=minute.rtt_avg_ms, rtt_max_ms=minute.rtt_max_ms,
            jitter_ms=minute.jitter_ms))
        at += MINUTE
    return points


def _hour_points(line: Line, start: dt.datetime, end: dt.datetime) -> list[Point]:
    rollups = {rollup.hour: rollup for rollup in
               Rollup.objects.filter(line=line, hour__gte=start, hour__lt=end).order_by()}
    points = []
    hour = start
    while hour < end:
        rollup = rollups.get(hour)
        points.append(Point(at=hour) if rollup is None else Point(
            at=hour, sent=rollup.sent, received=rollup.received,
            loss_pct=round(rollup.loss_pct, 3), rtt_min_ms=rollup.rtt_min_ms,
            rtt_avg_ms=rollup.rtt_avg_ms, rtt_max_ms=rollup.rtt_max_ms,
            jitter_ms=rollup.jitter_ms))
        hour += HOUR
    return points


def _incidents(line: Line, start: dt.datetime, end: dt.datetime) -> list[Span]:
    incidents = (Incident.objects.filter(line=line, opened_at__lte=end)
                 .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start))
                 .order_by("opened_at", "pk"))
    return [Span(starts_at=max(incident.opened_at, start),
                 ends_at=min(incident.resolved_at or end, end), title=incident.title,
                 severity=incident.severity,
                 ongoing=incident.resolved_at is None or incident.resolved_at > end)
            for incident in incidents]


def _maintenance(line: Line, start: dt.datetime, end: dt.datetime) -> list[Span]:
    # Region lists are JSON: matched here (SQLite has no JSON containment).
    windows = (Maintenance.objects.filter(starts_at__lt=end, ends_at__gt=start)
               .prefetch_related("lines").order_by("starts_at", "pk"))
    covering = [window for window in windows
                if line.from_region in window.regions or line.to_region in window.regions
                or any(covered.pk == line.pk for covered in window.lines.all())]
    return [Span(starts_at=max(window.starts_at, start), ends_at=min(window.ends_at, end),
                 title=window.title, ongoing=window.ends_at > end) for window in covering]


def _seconds(at: dt.datetime) -> float:
    return at.timestamp()


def _ticks(series: LineSeries) -> list[float]:
    """Every half hour on the viewer's clock."""
    first = timezone.localtime(series.start).replace(second=0, microsecond=0)
    first += dt.timedelta(minutes=(30 - first.minute % 30) % 30)
    ticks = []
    tick = first
    while tick <= series.end:
        ticks.append(_seconds(tick))
        tick += TICK_EVERY
    return ticks


def _x_label(seconds: float) -> str:
    return timezone.localtime(dt.datetime.fromtimestamp(seconds, tz=dt.UTC)).strftime("%H:%M")


def _config(series: LineSeries, *, top: float, y_format) -> dict:
    return charts.config(
        style=line_charts._STYLE, width=line_charts.WIDTH, height=line_charts.HEIGHT,
        show_legend=False, allow_interruptions=True, range=(0, top),
        xrange=(_seconds(series.start), _seconds(series.end)), x_value_formatter=_x_label,
        value_formatter=y_format, y_labels_major_count=4, show_minor_y_labels=False,
        show_x_guides=False)


def window_charts(series: LineSeries) -> line_charts.LineCharts:
    """RTT (average with its min/max band), loss and jitter over the window,
    incidents and maintenance shaded, as on the line page."""
    points = line_charts.bucketed(series.points)
    minutes_per_point = max(1, round(
        len(series.points) / max(len(points), 1) * series.step.total_seconds() / 60))
    frame = [(_seconds(series.start), 0.0), (_seconds(series.end), 0.0)]
    span = _("%(start)s to %(end)s") % {
        "start": timezone.localtime(series.start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(series.end).strftime("%H:%M")}
    covers = _("Each point covers %(minutes)d minutes.") % {"minutes": minutes_per_point}
    marks = _("Shaded spans are incidents (red) and maintenance (purple).")
    ticks = _ticks(series)
    name = f"ticket-{series.line.pk}"

    rtt = pygal.XY(**_config(series, top=line_charts._top([p.rtt_max_ms for p in points],
                                                          10.0), y_format=line_charts._ms))
    rtt.x_labels = ticks
    rtt.add(_("Lowest RTT"), line_charts._xy(points, "rtt_min_ms"))
    rtt.add(_("Average RTT"), line_charts._xy(points, "rtt_avg_ms"))
    rtt.add(_("Highest RTT"), line_charts._xy(points, "rtt_max_ms"))
    rtt.add("frame", frame)
    rtt_svg = charts.svg(
        rtt, chart_id=f"rtt-{name}", title=_("Round-trip time, %(span)s") % {"span": span},
        description=" ".join([_("The line is the average round-trip time in milliseconds; "
                                "the band spans the lowest to the highest."), covers, marks]),
        css_class="chart-monitoring", series_classes=("", "chart-rtt-avg"),
        tree_hook=line_charts._both(line_charts._band(0, 2),
                                    line_charts._mark_spans(series, 3)))

    def one_series(field: str, label: str, *, top: float, y_format, title: str,
                   explains: str) -> str:
        chart = pygal.XY(**_config(series, top=top, y_format=y_format))
        chart.x_labels = ticks
        chart.add(label, line_charts._xy(points, field))
        chart.add("frame", frame)
        kind = field.split("_")[0]
        return charts.svg(
            chart, chart_id=f"{kind}-{name}", title=title,
            description=" ".join([explains, covers, marks]), css_class="chart-monitoring",
            series_classes=(f"chart-{kind}",), tree_hook=line_charts._mark_spans(series, 1))

    loss_svg = one_series(
        "loss_pct", _("Loss"),
        top=min(line_charts._top([p.loss_pct for p in points], 5.0), 100.0),
        y_format=line_charts._pct, title=_("Packet loss, %(span)s") % {"span": span},
        explains=_("The share of probes that got no reply, in percent; a point merging "
                   "several shows the worst."))
    jitter_svg = one_series(
        "jitter_ms", _("Jitter"), top=line_charts._top([p.jitter_ms for p in points], 5.0),
        y_format=line_charts._ms, title=_("Jitter, %(span)s") % {"span": span},
        explains=_("How much the round-trip time varies, in milliseconds; a point merging "
                   "several shows the worst."))
    return line_charts.LineCharts(rtt=rtt_svg, loss=loss_svg, jitter=jitter_svg,
                                  points=points, minutes_per_point=minutes_per_point)
