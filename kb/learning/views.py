"""The staff dashboard: what the learning loop achieves, week by week."""

import csv

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kb.core.access import staff_only
from kb.core.languages import content_language
from kb.core.params import whole_number
from kb.learning import metrics


def _weeks(request: HttpRequest) -> int | None:
    return whole_number(request.GET.get("weeks", "12"), low=1, high=metrics.MAX_WEEKS)


def _bad_weeks() -> HttpResponse:
    return HttpResponseBadRequest(
        _("weeks must be a whole number from 1 to %(max)d.") % {"max": metrics.MAX_WEEKS},
        content_type="text/plain; charset=utf-8")


@require_GET
@staff_only
def dashboard_page(request: HttpRequest) -> HttpResponse:
    weeks = _weeks(request)
    if weeks is None:
        return _bad_weeks()
    board = metrics.dashboard(weeks=weeks, language=content_language())

    def _chart(title: str, series: list[metrics.Series]) -> dict:
        return {"title": title,
                "chart": metrics.chart(series, title=title, weeks=board.weeks)}

    charts = [
        _chart(_("The learning loop"), board.series["learning"]),
        _chart(_("Self-service"), board.series["self_service"]),
        _chart(_("Article reuse"), board.series["reuse"][:1]),
        _chart(_("Time to publish a fix for a new problem"), board.series["publish"]),
        _chart(_("SLA compliance by priority"), board.series["sla_priority"]),
        _chart(_("SLA compliance by region"), board.series["sla_region"]),
        _chart(_("Knowledge gaps found"), board.series["gaps"]),
    ]
    return render(request, "learning/dashboard.html", {
        "board": board, "charts": charts, "weeks": weeks,
        "first_week": board.weeks[0], "last_week": board.weeks[-1],
    })


@require_GET
@staff_only
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    weeks = _weeks(request)
    if weeks is None:
        return _bad_weeks()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="streamline-learning.csv"'
    csv.writer(response).writerows(metrics.csv_rows(metrics.dashboard(weeks=weeks)))
    return response
