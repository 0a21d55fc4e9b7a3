"""Server-rendered SVG charts of the response times (no JavaScript, no CDN).

Each chart is a small scene of rectangles, lines and texts with their
coordinates worked out here; ``tickets/_chart.html`` only draws them, so the
template holds no arithmetic.  Every number drawn is also in the page's
tables, and each chart carries a title and a description for screen
readers.  Built per request (the labels are translated), from the cached
figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kb.core.choices import Region
from kb.tickets.durations import format_minutes, format_share
from kb.tickets.response_times import STAGES, PriorityFigures

WIDTH = 720
LABEL_X = 0
BAR_X = 170
BAR_WIDTH = 300
VALUE_GAP = 6
LEGEND_HEIGHT = 28


def _text_width(text: str) -> int:
    """Rough width at the legend's font size: CJK characters are about square."""
    return sum(12 if ord(char) >= 0x2E80 else 7 for char in text)


def stage_labels() -> dict[str, str]:
    return {"acknowledge": _("Acknowledge"), "locate": _("Locate"), "resolve": _("Resolve")}


@dataclass
class Chart:
    """What the template draws; class names are styled in site.css."""

    chart_id: str
    title: str
    description: str
    height: int = 0
    rects: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)

    @property
    def width(self) -> int:
        return WIDTH

    def rect(self, x: float, y: float, width: float, height: float, css: str,
             title: str = "") -> None:
        self.rects.append({"x": round(x, 1), "y": y, "width": round(width, 1),
                           "height": height, "css": css, "title": title})

    def line(self, x1: float, y1: float, x2: float, y2: float, css: str) -> None:
        self.lines.append({"x1": round(x1, 1), "y1": y1, "x2": round(x2, 1), "y2": y2,
                           "css": css})

    def text(self, x: float, y: float, text: str, css: str = "") -> None:
        self.texts.append({"x": round(x, 1), "y": y, "text": text, "css": css})

    def legend(self, entries: list[tuple[str, str]]) -> None:
        x = BAR_X
        for css, label in entries:
            if css == "target":
                self.line(x, 6, x, 20, "chart-target")
            else:
                self.rect(x - 6, 8, 12, 12, css)
            self.text(x + 10, 18, label, "chart-legend")
            x += 24 + _text_width(label)


def timing_chart(figures: PriorityFigures) -> Chart:
    """Median and 90th percentile against the target, one row per stage.

    Stages differ by orders of magnitude (minutes to acknowledge, days to
    resolve), so each row has its own scale, with the target line drawn on it.
    """
    labels = stage_labels()
    chart = Chart(
        chart_id=f"timing-{figures.priority.lower()}",
        title=_("%(priority)s: measured time against the target") % {
            "priority": figures.priority},
        description=_("For each stage, a bar for the median and one for the 90th "
                      "percentile of the measured times; a vertical line marks the "
                      "target. Each stage has its own scale. The same numbers are in "
                      "the table."),
    )
    chart.legend([("chart-median", _("Median")), ("chart-p90", _("90th percentile")),
                  ("target", _("Target"))])
    row_height = 56
    for index, stage in enumerate(STAGES):
        top = LEGEND_HEIGHT + index * row_height
        stage_figures = figures.overall.stages[stage]
        target = stage_figures.target_minutes
        chart.text(LABEL_X, top + 18, labels[stage], "chart-label")
        if target is not None:
            chart.text(LABEL_X, top + 36, _("target %(time)s") % {
                "time": format_minutes(target, business=figures.business)}, "chart-note")
        if not stage_figures.reached:
            chart.text(BAR_X, top + 22, _("no measured tickets"), "chart-note")
            continue
        largest = max(target or 0, stage_figures.p90_minutes or 0,
                      stage_figures.median_minutes or 0)
        scale = BAR_WIDTH / (largest * 1.1 or 1)
        for offset, value, css, name in (
            (6, stage_figures.median_minutes, "chart-median", _("Median")),
            (26, stage_figures.p90_minutes, "chart-p90", _("90th percentile")),
        ):
            shown = format_minutes(value, business=figures.business)
            width = value * scale
            chart.rect(BAR_X, top + offset, width, 16, css,
                       _("%(stage)s, %(measure)s: %(value)s") % {
                           "stage": labels[stage], "measure": name, "value": shown})
            chart.text(BAR_X + width + VALUE_GAP, top + offset + 13, shown, "chart-value")
        if target is not None:
            target_x = BAR_X + target * scale
            chart.line(target_x, top + 2, target_x, top + 46, "chart-target")
    chart.height = LEGEND_HEIGHT + len(STAGES) * row_height
    return chart


def share_chart(figures: PriorityFigures) -> Chart | None:
    """Share within target per region, one bar per stage; None without tickets."""
    regions = [(Region(code).label, group) for code, group in figures.regions.items()
               if group.tickets]
    if not regions:
        return None
    labels = stage_labels()
    chart = Chart(
        chart_id=f"share-{figures.priority.lower()}",
        title=_("%(priority)s: share within target by region") % {
            "priority": figures.priority},
        description=_("For each region with tickets, three bars from 0 to 100 %: the "
                      "share of acknowledge, locate and resolve within target. Open "
                      "tickets past due count as missed. The same numbers are in the "
                      "table."),
    )
    chart.legend([(f"chart-{stage}", labels[stage]) for stage in STAGES])
    row_height = 52
    bar_height = 12
    for index, (name, group) in enumerate(regions):
        top = LEGEND_HEIGHT + index * row_height
        chart.text(LABEL_X, top + 24, name, "chart-label")
        chart.line(BAR_X, top + 2, BAR_X, top + 46, "chart-axis")
        chart.line(BAR_X + BAR_WIDTH, top + 2, BAR_X + BAR_WIDTH, top + 46, "chart-grid")
        for position, stage in enumerate(STAGES):
            stage_figures = group.stages[stage]
            y = top + 4 + position * (bar_height + 2)
            share = stage_figures.share_met
            if share is None:
                chart.text(BAR_X + VALUE_GAP, y + 10, _("%(stage)s: not known yet") % {
                    "stage": labels[stage]}, "chart-note")
                continue
            width = share * BAR_WIDTH
            # The empty track shows where 100 % is, so 0 % is still visible.
            chart.rect(BAR_X, y, BAR_WIDTH, bar_height, "chart-track")
            shown = _("%(share)s (%(met)d of %(decided)d)") % {
                "share": format_share(share), "met": stage_figures.met,
                "decided": stage_figures.decided}
            chart.rect(BAR_X, y, width, bar_height, f"chart-{stage}",
                       _("%(region)s, %(stage)s: %(value)s") % {
                           "region": name, "stage": labels[stage], "value": shown})
            chart.text(BAR_X + BAR_WIDTH + VALUE_GAP, y + 10,
                       f"{labels[stage]} {shown}", "chart-value")
    chart.height = LEGEND_HEIGHT + len(regions) * row_height
    return chart
