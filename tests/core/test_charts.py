"""Charts come out as SVG the site's Content-Security-Policy accepts, named
for screen readers."""

import pygal
from django.utils import translation

from kb.core import charts


def drawn(**options):
    chart = pygal.HorizontalBar(**charts.config(**options))
    chart.x_labels = ["Acknowledge", "Locate"]
    chart.add("Median", [{"value": 4, "label": "Acknowledge, Median: 4 min"}, None])
    chart.add("Target <b>", [5, 30])
    return charts.svg(chart, chart_id="timing-p1", title="P1 & P2: measured",
                      description="Bars per stage.", series_classes=("chart-median", ""))


def test_no_inline_style_script_or_style_attribute():
    svg = drawn()
    for refused in ("<style", "<script", " style=", "<!--", "pygal.org"):
        assert refused not in svg


def test_named_for_screen_readers_with_escaped_text():
    svg = drawn()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" id="timing-p1"')
    assert 'role="img" aria-labelledby="timing-p1-title timing-p1-desc"' in svg
    assert '<title id="timing-p1-title">P1 &amp; P2: measured</title>' in svg
    assert '<desc id="timing-p1-desc">Bars per stage.</desc>' in svg
    assert "Target &lt;b&gt;" in svg and "<b>" not in svg


def test_a_values_label_becomes_its_tooltip_and_its_series_is_named():
    svg = drawn()
    assert "<title>Acknowledge, Median: 4 min</title>" in svg
    assert 'class="series serie-0 color-0 chart-median"' in svg
    assert 'class="x_label"' not in svg  # data only pygal's script would read


def test_an_empty_chart_says_so_in_the_viewers_language():
    with translation.override("zh-hans"):
        chart = pygal.Line(**charts.config())
        svg = charts.svg(chart, chart_id="empty", title="t", description="d")
    assert "无数据" in svg
