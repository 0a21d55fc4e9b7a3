"""The public page: how fast support really responds."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kb.core.choices import Priority, Region
from kb.tickets.charts import share_chart, stage_labels, timing_chart
from kb.tickets.durations import format_minutes, format_share
from kb.tickets.response_times import (
    DEFAULT_WINDOW,
    WINDOWS,
    PriorityFigures,
    StageFigures,
    response_times_for,
)
from kb.tickets.satisfaction import satisfaction_public


def _stage_row(figures: StageFigures, label: str) -> dict:
    business = figures.business
    return {
        "stage": figures.stage,
        "label": label,
        "target": format_minutes(figures.target_minutes, business=business),
        "median": format_minutes(figures.median_minutes, business=business),
        "p90": format_minutes(figures.p90_minutes, business=business),
        "share": format_share(figures.share_met),
        "figures": figures,
    }


def _priority_section(figures: PriorityFigures) -> dict:
    labels = stage_labels()
    regions = []
    for code, group in figures.regions.items():
        regions.append({
            "code": code, "label": Region(code).label, "tickets": group.tickets,
            "stages": [_stage_row(group.stages[stage], labels[stage])
                       for stage in group.stages],
        })
    return {
        "priority": figures.priority,
        "label": Priority(figures.priority).label,
        "business": figures.business,
        "configured": figures.targets is not None,
        "tickets": figures.overall.tickets,
        "stages": [_stage_row(stage_figures, labels[stage])
                   for stage, stage_figures in figures.overall.stages.items()],
        "regions": regions,
        "timing_chart": timing_chart(figures) if figures.overall.tickets else None,
        "share_chart": share_chart(figures),
    }


def _satisfaction_context() -> dict:
    """The share of good answers over 90 days, whatever the window above."""
    public = satisfaction_public()
    return {"satisfaction": public, "satisfaction_share": format_share(public.share_good)}


@require_safe
def response_times_page(request: HttpRequest) -> HttpResponse:
    """How fast support really responds, per priority and region (public).

    An unknown ``window`` still shows the default window, with a notice and
    status 400, so a mistyped link is both useful and clearly flagged.
    """
    raw_window = request.GET.get("window", "")
    window, notice, status = DEFAULT_WINDOW, None, 200
    if raw_window:
        if raw_window in {str(days) for days in WINDOWS}:
            window = int(raw_window)
        else:
            notice = _("The time window must be 30 or 90 days; showing the last "
                       "%(days)d days instead.") % {"days": DEFAULT_WINDOW}
            status = 400
    figures = response_times_for(window_days=window)
    context = {
        "figures": figures,
        "window": window,
        "windows": WINDOWS,
        "notice": notice,
        "sections": [_priority_section(priority) for priority in figures.priorities],
        "stage_names": stage_labels(),
        **_satisfaction_context(),
    }
    return render(request, "tickets/response_times.html", context, status=status)
