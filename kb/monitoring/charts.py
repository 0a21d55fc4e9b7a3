"""A line's RTT, loss and jitter charts, drawn by pygal (kb/core/charts.py
says why pygal and what it costs).

A range has up to 1,440 minutes or 720 hours; a chart draws at most
``charts.MAX_POINTS`` points, each the merge of the minutes or hours it
covers: the lowest minimum, the highest maximum, the mean of the averages,
the worst loss and the worst jitter, so a bad minute is never averaged
away.  The x axis is seconds since the epoch, labelled in the viewer's time
zone.  Incidents and maintenance are shaded across the plot, each with a
title a pointer or a screen reader can reach.
"""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygal
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from pygal.style import Style

from kb.core import charts
from kb.monitoring.series import LineSeries, Point, Span
from kb.monitoring.status import DayFigure, StatusEntry

WIDTH, HEIGHT = 480, 210
# Drawn 480 units wide, a chart is about 340 px on a 390 px phone: text at
# 15 units stays above 10 px there.
FONT_SIZE = 15
_STYLE = Style(background="transparent", plot_background="transparent", font_family="inherit",
               label_font_size=FONT_SIZE, major_label_font_size=FONT_SIZE,
               colors=("#0b63c5",) * 4)


class _QuickLookups:
    """pygal's own attribute lookup, in one step instead of several.

    A pygal chart reads every option through ``BaseGraph.__getattribute__``,
    which first looks its rendering state up through itself again: about
    40 % of the time a line's three charts took went there (some 40,000
    lookups a chart). This answers each lookup from the same places in the
    same order (the state's values while rendering, else the chart's own
    attributes), so the SVG is the same.
    """

    def __getattribute__(self, name: str):
        state = object.__getattribute__(self, "__dict__").get("state")
        if state is not None and name != "state" and not name.startswith("__"):
            values = state.__dict__
            if name in values:
                return values[name]
        return object.__getattribute__(self, name)


# Named as pygal's own: pygal writes the class's name into the SVG's
# classes ("xy-graph"), which the site's CSS may select.
class XY(_QuickLookups, pygal.XY):
    pass


class Bar(_QuickLookups, pygal.Bar):
    pass


def bucketed(points: Sequence[Point], max_points: int = charts.MAX_POINTS) -> list[Point]:
    """At most ``max_points`` points, each merging a run of neighbours."""
    size = max(1, math.ceil(len(points) / max_points))
    if size == 1:
        return list(points)
    merged = []
    for index in range(0, len(points), size):
        run = points[index:index + size]
        measured = [point for point in run if point.measured]
        if not measured:
            merged.append(Point(at=run[0].at))
            continue

        def values(name: str, run: list[Point] = measured) -> list[float]:
            return [getattr(point, name) for point in run if getattr(point, name) is not None]

        averages = values("rtt_avg_ms")
        merged.append(Point(
            at=run[0].at, sent=sum(point.sent or 0 for point in measured),
            received=sum(point.received or 0 for point in measured),
            loss_pct=max(values("loss_pct"), default=None),
            rtt_min_ms=min(values("rtt_min_ms"), default=None),
            rtt_avg_ms=round(sum(averages) / len(averages), 3) if averages else None,
            rtt_max_ms=max(values("rtt_max_ms"), default=None),
            jitter_ms=max(values("jitter_ms"), default=None)))
    return merged


@dataclass(frozen=True)
class LineCharts:
    rtt: SafeString
    loss: SafeString
    jitter: SafeString
    points: list[Point]  # what the charts draw, for the table beside them
    minutes_per_point: int


def _seconds(at: dt.datetime) -> float:
    return at.timestamp()


def _ticks(series: LineSeries) -> list[float]:
    every = {"24h": dt.timedelta(hours=6), "7d": dt.timedelta(days=1),
             "30d": dt.timedelta(days=7)}[series.range_key]
    local_start = timezone.localtime(series.start)
    if every < dt.timedelta(days=1):
        first = local_start.replace(minute=0, second=0, microsecond=0)
        while first.hour % 6:
            first += dt.timedelta(hours=1)
    else:
        first = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
    ticks = []
    tick = first
    while tick <= series.end:
        if tick >= series.start:
            ticks.append(_seconds(tick))
        tick = timezone.localtime(tick + every)
    return ticks


def _x_label(range_key: str) -> Callable[[float], str]:
    pattern = "%H:%M" if range_key == "24h" else "%m-%d"

    def label(seconds: float) -> str:
        return timezone.localtime(dt.datetime.fromtimestamp(seconds, tz=dt.UTC)).strftime(
            pattern)
    return label


def _config(series: LineSeries, *, top: float, y_format: Callable[[float], str]) -> dict:
    return charts.config(
        style=_STYLE, width=WIDTH, height=HEIGHT, show_legend=False, allow_interruptions=True,
        range=(0, top), xrange=(_seconds(series.start), _seconds(series.end)),
        x_value_formatter=_x_label(series.range_key), value_formatter=y_format,
        y_labels_major_count=4, show_minor_y_labels=False, show_x_guides=False,
        # The values are floats or None already: pygal's adapters (Decimal
        # to float) would change none of them, at a call per value.
        strict=True)


def _when(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _span_title(span: Span) -> str:
    if span.severity:
        kind = _("Incident (down)") if span.severity == "down" else _("Incident (degraded)")
    else:
        kind = _("Maintenance")
    end = _("ongoing") if span.ongoing else _when(span.ends_at)
    return f"{kind}: {span.title}, {_when(span.starts_at)} – {end}"


def _mark_spans(series: LineSeries, frame_index: int) -> Callable[[ET.Element], None]:
    """Shade incidents and maintenance across the plot, behind the data.

    The frame series (two invisible points at the range's ends) tells where
    pygal put the range's first and last second on the x axis.
    """
    def hook(tree: ET.Element) -> None:
        frame = charts.series_group(tree, frame_index)
        if frame is None:
            return
        path = frame.find("path")
        ends = charts.path_points(path) if path is not None else []
        frame.clear()
        plot = next((g for g in tree.iter("g") if g.get("class") == "plot"), None)
        background = plot.find("rect") if plot is not None else None
        if len(ends) < 2 or plot is None or background is None:
            return
        left, right = float(ends[0][0]), float(ends[-1][0])
        first, last = _seconds(series.start), _seconds(series.end)
        height = background.get("height", "0")

        def x(at: dt.datetime) -> float:
            return left + (right - left) * (_seconds(at) - first) / ((last - first) or 1)

        position = next((index for index, child in enumerate(plot)
                         if "series" in (child.get("class") or "").split()), len(plot))
        for spans, css in ((series.maintenance, "chart-maintenance"),
                           (series.incidents, "chart-incident")):
            for span in spans:
                start = x(span.starts_at)
                rect = ET.Element("rect", {
                    "x": f"{start:.1f}", "y": "0", "height": height,
                    "width": f"{max(x(span.ends_at) - start, 2.0):.1f}",
                    "class": f"{css} {css}-{span.severity}".strip("-")})
                ET.SubElement(rect, "title").text = _span_title(span)
                plot.insert(position, rect)
    return hook


def _band(lower: int, upper: int) -> Callable[[ET.Element], None]:
    """Replace the minimum and maximum lines by one band between them."""
    def hook(tree: ET.Element) -> None:
        low, high = charts.series_group(tree, lower), charts.series_group(tree, upper)
        if low is None or high is None:
            return
        low_paths, high_paths = low.findall("path"), high.findall("path")
        if len(low_paths) != len(high_paths):
            return  # segments differ: keep both lines rather than guess a band
        for low_path, high_path in zip(low_paths, high_paths, strict=True):
            points = charts.path_points(high_path) + charts.path_points(low_path)[::-1]
            low.remove(low_path)
            high.remove(high_path)
            ET.SubElement(low, "path", {
                "d": "M" + " L".join(f"{x} {y}" for x, y in points) + " Z",
                "class": "band"})
    return hook


def _both(*hooks: Callable[[ET.Element], None]) -> Callable[[ET.Element], None]:
    def hook(tree: ET.Element) -> None:
        for each in hooks:
            each(tree)
    return hook


def _xy(points: list[Point], name: str) -> list[tuple[float, float | None]]:
    return [(_seconds(point.at), getattr(point, name)) for point in points]


def _top(values: list[float | None], floor: float) -> float:
    present = [value for value in values if value is not None]
    return max(max(present, default=0.0) * 1.15, floor)


def _short(value: float) -> str:
    return number_format(round(value) if abs(value) >= 10 else round(value, 1))


def _ms(value: float) -> str:
    return _("%(value)s ms") % {"value": _short(value)}


def _pct(value: float) -> str:
    return f"{_short(value)} %"


def line_charts(series: LineSeries) -> LineCharts:
    points = bucketed(series.points)
    minutes_per_point = max(1, round(
        len(series.points) / max(len(points), 1) * series.step.total_seconds() / 60))
    frame = [(_seconds(series.start), 0.0), (_seconds(series.end), 0.0)]
    span = {"24h": _("the last 24 hours"), "7d": _("the last 7 days"),
            "30d": _("the last 30 days")}[series.range_key]
    covers = _("Each point covers %(minutes)d minutes.") % {"minutes": minutes_per_point}
    marks = _("Shaded spans are incidents (red) and maintenance (purple).")
    ticks = _ticks(series)
    name = series.line.pk

    rtt = XY(**_config(series, top=_top([p.rtt_max_ms for p in points], 10.0),
                             y_format=_ms))
    rtt.x_labels = ticks
    rtt.add(_("Lowest RTT"), _xy(points, "rtt_min_ms"))
    rtt.add(_("Average RTT"), _xy(points, "rtt_avg_ms"))
    rtt.add(_("Highest RTT"), _xy(points, "rtt_max_ms"))
    rtt.add("frame", frame)
    rtt_svg = charts.svg(
        rtt, chart_id=f"rtt-{name}", title=_("Round-trip time over %(span)s") % {"span": span},
        description=" ".join([_("The line is the average round-trip time in milliseconds; "
                                "the band spans the lowest to the highest."), covers, marks,
                              _("The same numbers are in the table.")]),
        css_class="chart-monitoring", series_classes=("", "chart-rtt-avg"),
        tree_hook=_both(_band(0, 2), _mark_spans(series, 3)))

    def one_series(field: str, label: str, *, top: float, y_format, title: str,
                   explains: str) -> str:
        """Loss and jitter: one series of the worst value per point."""
        chart = XY(**_config(series, top=top, y_format=y_format))
        chart.x_labels = ticks
        chart.add(label, _xy(points, field))
        chart.add("frame", frame)
        kind = field.split("_")[0]
        return charts.svg(
            chart, chart_id=f"{kind}-{name}", title=title,
            description=" ".join([explains, covers, marks,
                                  _("The same numbers are in the table.")]),
            css_class="chart-monitoring", series_classes=(f"chart-{kind}",),
            tree_hook=_mark_spans(series, 1))

    loss_svg = one_series(
        "loss_pct", _("Loss"), top=min(_top([p.loss_pct for p in points], 5.0), 100.0),
        y_format=_pct, title=_("Packet loss over %(span)s") % {"span": span},
        explains=_("The share of probes that got no reply, in percent; a point merging "
                   "several shows the worst."))
    jitter_svg = one_series(
        "jitter_ms", _("Jitter"), top=_top([p.jitter_ms for p in points], 5.0),
        y_format=_ms, title=_("Jitter over %(span)s") % {"span": span},
        explains=_("How much the round-trip time varies, in milliseconds; a point merging "
                   "several shows the worst."))
    return LineCharts(rtt=rtt_svg, loss=loss_svg, jitter=jitter_svg, points=points,
                      minutes_per_point=minutes_per_point)


# The public status page ----------------------------------------------------

UPTIME_HEIGHT = 90


def _day_label(figure: DayFigure) -> str:
    day = figure.date.isoformat()
    if figure.uptime_pct is None:
        return _("%(day)s: no data") % {"day": day}
    parts = [_("%(day)s: %(uptime)s uptime") % {
        "day": day, "uptime": f"{number_format(round(figure.uptime_pct, 2))} %"}]
    for minutes, text in ((figure.down_minutes, _("down %(minutes)d min")),
                          (figure.degraded_minutes, _("degraded %(minutes)d min")),
                          (figure.maintenance_minutes, _("maintenance %(minutes)d min"))):
        if minutes:
            parts.append(text % {"minutes": minutes})
    return "; ".join(parts)


def uptime_chart(entry: StatusEntry) -> SafeString:
    """One bar per UTC day, coloured by the day's worst state, each titled
    with its uptime and minutes down, degraded and in maintenance.

    One series of equal bars, each classed by its day's state afterwards:
    five stacked series of 90 values took pygal 250 ms, this takes a fifth.
    """
    chart = Bar(**charts.config(
        style=_STYLE, width=WIDTH, height=UPTIME_HEIGHT, show_legend=False, range=(0, 1),
        show_y_labels=False, show_y_guides=False, spacing=1, margin=4, margin_left=24,
        margin_right=24, x_labels_major_count=3, show_minor_x_labels=False))
    chart.x_labels = [figure.date.strftime("%m-%d") for figure in entry.days]
    chart.add(_("Uptime"), [{"value": 1, "label": _day_label(figure)}
                            for figure in entry.days])
    states = [figure.state for figure in entry.days]

    def colour_days(tree: ET.Element) -> None:
        bars = [g for g in tree.iter("g") if g.get("class") == "bar"]
        for bar, state in zip(bars, states, strict=False):
            bar.set("class", f"bar chart-day-{state}")

    uptime = (f"{number_format(round(entry.uptime_pct, 2))} %"
              if entry.uptime_pct is not None else _("no data"))
    return charts.svg(
        chart, chart_id=f"uptime-{entry.key}",
        title=_("%(name)s: uptime over the last %(days)d days") % {
            "name": entry.name, "days": len(entry.days)},
        description=_("One bar per day (UTC), the oldest first, coloured by the worst state "
                      "of the day: operational, degraded, down, maintenance or no data. "
                      "Uptime over the period: %(uptime)s.") % {"uptime": uptime},
        css_class="chart-uptime", tree_hook=colour_days)
