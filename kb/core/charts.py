"""Every chart of the site is drawn by pygal, rendered on the server as SVG.

Why pygal and not a browser library, measured on this machine (2 cores,
Python 3.11, Debian's chromium) with pygal 3.1.3 against uPlot 1.6.32
vendored from npm, both drawing a line's RTT chart (average with its min/max
band, incidents marked) and its loss and jitter chart:

=========================  ==================  ===============================
                           pygal (this module)  uPlot (canvas)
=========================  ==================  ===============================
30 d x 24 hourly points    142 ms to render,    2 ms to serialize the data;
(720)                      34 KB gzip of SVG    8 KB gzip of JSON
  the same, bucketed to    55 ms, 10 KB gzip    (no bucketing needed)
  180 points (below)
1,440 one-minute points    238 ms, 68 KB gzip   7 ms, 15 KB gzip of JSON
  bucketed to 180 points   57 ms, 10 KB gzip
extra requests per page    0                    3 (uPlot.js 22 KB gzip, its
                                                CSS 0.8 KB, our chart script)
drawn in the browser       nothing to run       6-21 ms
without 'unsafe-inline'    yes, once the SVG    yes (it styles through the
                           loses pygal's own    CSSOM, which the policy
                           <style>, <script>    allows)
                           and style attributes
                           (``svg`` below)
screen readers             title, description,  the canvas is opaque: an
                           axis text and a      aria-label only
                           title per bar
without JavaScript         the same chart       nothing
phone at 390 px            the SVG scales with  redrawn at the phone's width
                           its viewBox, so it
                           is drawn narrow with
                           large text
=========================  ==================  ===============================

A page today is about 3 requests and 65 KB; pygal adds no request and keeps
every chart readable without script, like the hand-written builders it
replaces (response times, the learning dashboard), whose bar charts uPlot
does not draw.  Its cost is render time on dense series, so time series are
bucketed to at most ``MAX_POINTS`` points (a 720-unit-wide chart cannot show
more), keeping the lowest minimum and the highest maximum of each bucket so
the band never hides a spike.

Measured again in place, with the machine shared (load average 7 to 9 on
2 cores, so every time above and here is inflated alike): a line's three
charts take about 70 ms at 720 hourly points and 85 ms at 1,440 minutes
and weigh 9 KB gzip; a status page's 90-day bar takes about 75 ms and
1.5 KB gzip.  Both pages keep what they drew, keyed by its content
(kb/monitoring/views.py).

Types: pygal ships none, and pygal-stubs depends on django-types, which
installs over django-stubs' files; pygal is listed with the untyped
libraries in pyproject.toml instead.

pygal writes its styles in an inline ``<style>``, its tooltip configuration
in an inline ``<script>`` and one ``style`` attribute: the site's
Content-Security-Policy refuses all three, so ``svg`` removes them and
``static/kb/site.css`` styles the classes pygal writes.  Labels given as a
value's ``label`` become ``<title>`` elements (the browser's tooltip, read by
screen readers) instead of the data pygal's tooltip script would read.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

MAX_POINTS = 180

# Axis labels are drawn at 12px by site.css; pygal sizes its margins from
# the font size it is told.
LABEL_FONT_SIZE = 12
MARGIN = 8
# Colours come from site.css through the classes; pygal's own style is kept
# neutral so nothing it would have inlined matters.
_STYLE = Style(background="transparent", plot_background="transparent",
               font_family="inherit", colors=("#0b63c5",) * 8,
               label_font_size=LABEL_FONT_SIZE, major_label_font_size=LABEL_FONT_SIZE)

# Nodes that only pygal's tooltip script reads (coordinates, raw values).
_SCRIPT_DATA = {"value", "x", "y", "x centered", "y centered", "x_label", "xlink"}


def config(**options: Any) -> dict[str, Any]:
    """Options every chart shares: no inline CSS or script, no ids of pygal's."""
    shared: dict[str, Any] = {
        "style": _STYLE, "css": [], "js": [], "no_prefix": True,
        "disable_xml_declaration": True, "show_dots": False, "legend_at_bottom": True,
        "legend_at_bottom_columns": 3, "truncate_legend": -1, "truncate_label": -1,
        "margin": MARGIN, "spacing": 8, "tooltip_border_radius": 0,
        "no_data_text": _("No data"),
    }
    shared.update(options)
    return shared


def label_margin(labels: list[str]) -> int:
    """The left margin that keeps the longest axis label inside the chart.

    pygal measures every character at 0.6 em; a Chinese one takes a full em,
    so "受理（没有可统计的工单）" was cut at the chart's left edge. The
    difference for the widest label is added to the usual margin.
    """
    wide = max((sum(unicodedata.east_asian_width(c) in "WF" for c in label)
                for label in labels), default=0)
    return MARGIN + math.ceil(wide * 0.4 * LABEL_FONT_SIZE)


def svg(chart: pygal.graph.graph.Graph, *, chart_id: str, title: str, description: str,
        css_class: str = "", series_classes: tuple[str, ...] = (),
        tree_hook: Callable[[ET.Element], None] | None = None) -> SafeString:
    """The chart as inline SVG that the site's policy accepts, named for screen readers.

    ``tree_hook`` may change the drawn tree (the RTT band) before it is written.
    """
    tree = chart.render_tree()
    _strip_inline_code(tree)
    _labels_as_titles(tree)
    tree.set("id", chart_id)
    tree.set("class", f"chart-svg pygal-chart {css_class}".strip())
    tree.set("role", "img")
    tree.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    for old_title in tree.findall("title"):
        tree.remove(old_title)
    heading = ET.Element("title", id=f"{chart_id}-title")
    heading.text = title
    desc = ET.Element("desc", id=f"{chart_id}-desc")
    desc.text = description
    tree.insert(0, desc)
    tree.insert(0, heading)
    _name_series(tree, series_classes)
    if tree_hook is not None:
        tree_hook(tree)
    # ElementTree escapes every text and attribute it writes.
    return mark_safe(ET.tostring(tree, encoding="unicode"))


def _name_series(tree: ET.Element, names: tuple[str, ...]) -> None:
    """Give the index-th series (its plot, values and legend swatch) a class of ours."""
    for group in tree.iter("g"):
        classes = (group.get("class") or "").split()
        legend_id = group.get("id") or ""
        for index, name in enumerate(names):
            if not name:
                continue
            if "series" in classes and f"serie-{index}" in classes:
                group.set("class", f"{group.get('class')} {name}")
            elif legend_id == f"activate-serie-{index}":
                for swatch in group.iter("rect"):
                    swatch.set("class", f"{swatch.get('class')} {name}")


def _strip_inline_code(tree: ET.Element) -> None:
    for parent in tree.iter():
        for child in list(parent):
            css = child.get("class") or ""
            if (child.tag in ("style", "script") or child.tag is ET.Comment
                    or css.startswith("plot tooltip-overlay")):
                parent.remove(child)
        parent.attrib.pop("style", None)
    for defs in tree.findall("defs"):
        if not len(defs):
            tree.remove(defs)


def _labels_as_titles(tree: ET.Element) -> None:
    for node in tree.iter("g"):
        label = None
        for child in list(node):
            if child.tag != "desc":
                continue
            css = child.get("class") or ""
            if css == "label":
                label = child.text
                node.remove(child)
            elif css in _SCRIPT_DATA:
                node.remove(child)
        if label:
            drawn = next((c for c in node if c.tag in ("rect", "path", "circle")), None)
            if drawn is not None:
                ET.SubElement(drawn, "title").text = label


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def path_points(path: ET.Element) -> list[tuple[str, str]]:
    """The vertices of a path pygal drew as ``M x y L x y x y ...``."""
    numbers = _NUMBER.findall(path.get("d", ""))
    return list(zip(numbers[::2], numbers[1::2], strict=False))


def series_group(tree: ET.Element, index: int) -> ET.Element | None:
    """The plotted group of the index-th series (not its empty overlay twins)."""
    for group in tree.iter("g"):
        classes = (group.get("class") or "").split()
        if f"serie-{index}" in classes and "series" in classes and len(group):
            return group
    return None
