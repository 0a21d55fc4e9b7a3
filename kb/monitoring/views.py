"""Monitoring pages.  The signed-in customer's: their lines, each line's
charts and its CSV (a customer sees their organizations' lines only, another's
is not found; staff see every line).  The public status page: the regions'
ingest and the dedicated routes, 90 days of uptime, incidents with their
story and maintenance, read from what ``GET /api/v1/status/`` serves."""

from __future__ import annotations

import csv
import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kb.core.cache import cached
from kb.monitoring.charts import LineCharts, line_charts, uptime_chart
from kb.monitoring.incident_selectors import incident_story
from kb.monitoring.selectors import line_incidents, line_list_visible_to
from kb.monitoring.series import DEFAULT_RANGE, RANGES, LineSeries, line_series
from kb.monitoring.status import STATUS_CACHE_SECONDS, StatusEntry, cached_status_overview


def _range_or_none(request: HttpRequest) -> str | None:
    range_key = request.GET.get("range", DEFAULT_RANGE)
    return range_key if range_key in RANGES else None


def _bad_range() -> HttpResponse:
    return HttpResponseBadRequest(
        _("range must be one of %(ranges)s.") % {"ranges": ", ".join(RANGES)},
        content_type="text/plain; charset=utf-8")


def _series(request: HttpRequest, line_id: int, range_key: str) -> LineSeries:
    line = get_object_or_404(line_list_visible_to(user=request.user), pk=line_id)
    return line_series(line=line, range_key=range_key, now=timezone.now())


def _cached_charts(series: LineSeries) -> LineCharts:
    """The line's charts, drawn once per content, language and time zone:
    pygal takes tens of milliseconds for three charts, and a dashboard left
    open reloads while nothing new has arrived."""
    content = repr((series.line.pk, series.range_key, series.start, series.points,
                    series.incidents, series.maintenance))
    key = (f"monitoring:line-charts:{get_language()}:{timezone.get_current_timezone_name()}:"
           f"{hashlib.sha256(content.encode()).hexdigest()}")
    return cached(key, lambda: line_charts(series), 10 * 60)


@require_GET
@login_required
def line_list_page(request: HttpRequest) -> HttpResponse:
    lines = line_list_visible_to(user=request.user).order_by(
        "organization__name", "name", "pk")
    return render(request, "monitoring/lines.html", {"lines": lines})


@require_GET
@login_required
def line_detail_page(request: HttpRequest, line_id: int) -> HttpResponse:
    range_key = _range_or_none(request)
    if range_key is None:
        return _bad_range()
    series = _series(request, line_id, range_key)
    return render(request, "monitoring/line.html", {
        "line": series.line, "series": series, "charts": _cached_charts(series),
        "range_key": range_key, "ranges": [
            (key, label) for key, label in (("24h", _("24 hours")), ("7d", _("7 days")),
                                            ("30d", _("30 days")))],
        "incidents": line_incidents(line=series.line)[:20],
    })


@require_GET
@login_required
def line_export(request: HttpRequest, line_id: int) -> HttpResponse:
    """Every minute (24 h) or hour (7 and 30 days) of the range, UTC, unmerged."""
    range_key = _range_or_none(request)
    if range_key is None:
        return _bad_range()
    series = _series(request, line_id, range_key)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="line-{series.line.pk}-{range_key}.csv"')
    writer = csv.writer(response)
    writer.writerow(["at_utc", "period", "sent", "received", "loss_pct", "rtt_min_ms",
                     "rtt_avg_ms", "rtt_max_ms", "jitter_ms"])
    period = "hour_starting" if series.hourly else "minute_ending"
    for point in series.points:
        writer.writerow([
            point.at.strftime("%Y-%m-%dT%H:%M:%SZ"), period,
            *["" if value is None else value for value in (
                point.sent, point.received, point.loss_pct, point.rtt_min_ms,
                point.rtt_avg_ms, point.rtt_max_ms, point.jitter_ms)]])
    return response


@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    overview = cached_status_overview()

    language = get_language()

    def chart(entry: StatusEntry) -> SafeString:
        # Drawing 90 bars takes pygal tens of milliseconds and everyone reloads
        # during an incident: a chart is drawn once per content and language.
        content = repr((entry.key, entry.name, entry.uptime_pct, [
            (day.date, day.state, day.uptime_pct, day.down_minutes, day.degraded_minutes,
             day.maintenance_minutes) for day in entry.days]))
        key = (f"monitoring:uptime-chart:{language}:"
               f"{hashlib.sha256(content.encode()).hexdigest()}")
        return cached(key, lambda: uptime_chart(entry), STATUS_CACHE_SECONDS * 10)

    def entries(items: list) -> list[dict]:
        return [{"entry": entry, "chart": chart(entry),
                 "bad_days": [day for day in entry.days
                              if day.down_minutes or day.degraded_minutes
                              or day.maintenance_minutes]} for entry in items]

    return render(request, "monitoring/status.html", {
        "overview": overview, "regions": entries(overview.regions),
        "routes": entries(overview.routes),
        "active": [{"incident": i, "story": incident_story(i)} for i in overview.active],
        "past": [{"incident": i, "story": incident_story(i)} for i in overview.past],
    })
