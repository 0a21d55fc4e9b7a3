"""The response-time charts, drawn by pygal (kb/core/charts.py says why).

Every number drawn is also in the page's tables, and each chart carries a
title and a description for screen readers.  Built per request (the labels
are translated), from the cached figures.
"""

from __future__ import annotations

import pygal
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kb.core import charts
from kb.core.choices import Region
from kb.tickets.durations import format_minutes, format_share
from kb.tickets.response_times import STAGES, PriorityFigures

WIDTH = 720


def stage_labels() -> dict[str, str]:
    return {"acknowledge": _("Acknowledge"), "locate": _("Locate"), "resolve": _("Resolve")}


def _bar(value: float | None, *, scale: float, label: str, shown: str) -> dict | None:
    if value is None:
        return None
    return {"value": value / scale, "label": label, "formatter": lambda _value: shown}


def timing_chart(figures: PriorityFigures) -> SafeString:
    """Median, 90th percentile and target, three bars per stage.

    Stages differ by orders of magnitude (minutes to acknowledge, days to
    resolve), so each stage has its own scale: its bars are drawn against the
    largest of its three times, and every bar is labelled with its time.
    """
    labels = stage_labels()
    measures = (("chart-median", _("Median")), ("chart-p90", _("90th percentile")),
                ("chart-target-bar", _("Target")))
    rows: list[list[dict | None]] = [[], [], []]
    names = []
    for stage in STAGES:
        stage_figures = figures.overall.stages[stage]
        target = stage_figures.target_minutes
        values = (stage_figures.median_minutes if stage_figures.reached else None,
                  stage_figures.p90_minutes if stage_figures.reached else None, target)
        scale = max([v for v in values if v is not None] or [1]) or 1
        name = labels[stage]
        if not stage_figures.reached:
            name = _("%(stage)s (no measured tickets)") % {"stage": name}
        names.append(name)
        for position, (value, (_css, measure)) in enumerate(zip(values, measures, strict=True)):
            shown = format_minutes(value, business=figures.business) if value is not None else ""
            rows[position].append(_bar(value, scale=scale, shown=shown, label=_(
                "%(stage)s, %(measure)s: %(value)s") % {
                    "stage": labels[stage], "measure": measure, "value": shown}))
    chart = pygal.HorizontalBar(**charts.config(
        width=WIDTH, height=90 + 70 * len(STAGES), range=(0, 1.25), show_x_labels=False,
        show_y_guides=False, print_values=True, print_values_position="top",
        margin_left=charts.label_margin(names)))
    # pygal stacks categories bottom-up: reversed, the first stage is on top.
    chart.x_labels = names[::-1]
    for position, (_css, measure) in enumerate(measures):
        chart.add(measure, rows[position][::-1])
    return charts.svg(
        chart, chart_id=f"timing-{figures.priority.lower()}",
        title=_("%(priority)s: measured time against the target") % {
            "priority": figures.priority},
        description=_("For each stage, a bar for the median and one for the 90th "
                      "percentile of the measured times, and one for the target. Each "
                      "stage has its own scale. The same numbers are in the table."),
        css_class="chart-timing", series_classes=tuple(css for css, _name in measures))


def share_chart(figures: PriorityFigures) -> SafeString | None:
    """Share within target per region, one bar per stage; None without tickets."""
    regions = [(Region(code).label, group) for code, group in figures.regions.items()
               if group.tickets]
    if not regions:
        return None
    labels = stage_labels()
    chart = pygal.HorizontalBar(**charts.config(
        width=WIDTH, height=90 + 60 * len(regions), range=(0, 1), print_values=True,
        print_values_position="top", margin_left=charts.label_margin(
            [str(name) for name, _group in regions]),
        value_formatter=lambda share: format_share(share)))
    chart.x_labels = [str(name) for name, _group in regions][::-1]
    for stage in STAGES:
        values: list[dict | None] = []
        for name, group in regions:
            stage_figures = group.stages[stage]
            share = stage_figures.share_met
            if share is None:
                values.append(None)
                continue
            shown = _("%(share)s (%(met)d of %(decided)d)") % {
                "share": format_share(share), "met": stage_figures.met,
                "decided": stage_figures.decided}
            values.append({"value": share, "label": _("%(region)s, %(stage)s: %(value)s") % {
                "region": name, "stage": labels[stage], "value": shown}})
        chart.add(labels[stage], values[::-1])
    return charts.svg(
        chart, chart_id=f"share-{figures.priority.lower()}",
        title=_("%(priority)s: share within target by region") % {
            "priority": figures.priority},
        description=_("For each region with tickets, three bars from 0 to 100 %: the "
                      "share of acknowledge, locate and resolve within target. Open "
                      "tickets past due count as missed. The same numbers are in the "
                      "table."),
        css_class="chart-share",
        series_classes=tuple(f"chart-{stage}" for stage in STAGES))
