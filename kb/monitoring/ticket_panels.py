"""Monitoring's panel on the staff ticket page (kb/tickets/panels.py).

For a ticket monitoring filed (an incident's ``ticket``): the incident or
incidents behind it, and the line's RTT, loss and jitter from two hours
before the ticket was filed to two hours after (or now), so the engineer
sees what the customer's line did without leaving the ticket.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kb.monitoring.incident_selectors import incident_list_visible_to
from kb.monitoring.models import Incident
from kb.monitoring.ticket_series import window_around, window_charts, window_series
from kb.tickets.models import Ticket


def monitoring_ticket_panel(ticket: Ticket, request: HttpRequest) -> str | None:
    """None for a ticket monitoring did not file."""
    incidents = list(Incident.objects.filter(ticket=ticket).select_related("line")
                     .order_by("-opened_at", "-pk"))
    if not incidents:
        return None
    now = timezone.now()
    line = next((incident.line for incident in incidents if incident.line is not None), None)
    context = {"ticket": ticket, "incidents": incidents, "line": line}
    if line is not None:
        start, end = window_around(at=ticket.created_at, now=now)
        series = window_series(line=line, start=start, end=end, now=now)
        context.update({"series": series, "charts": window_charts(series)})
    return render_to_string("monitoring/_ticket_panel.html", context, request=request)


def monitoring_ticket_incidents_for_readers(ticket: Ticket, request: HttpRequest) -> str | None:
    """For the customer reading a ticket monitoring filed: the incident it
    is about, linked to the incident's page where they may open it (its
    updates and, once written, its postmortem). Staff have the panel above."""
    if request.user.is_authenticated and request.user.is_staff:
        return None
    incidents = list(Incident.objects.filter(ticket=ticket).order_by("-opened_at", "-pk"))
    if not incidents:
        return None
    visible = set() if not request.user.is_authenticated else set(
        incident_list_visible_to(user=request.user).filter(
            pk__in=[i.pk for i in incidents]).values_list("pk", flat=True))
    rows = []
    for incident in incidents:
        if incident.pk in visible:
            url = reverse("monitoring:incident", args=[incident.pk])
        elif incident.public:
            url = reverse("status-incident", args=[incident.pk])
        else:
            url = ""
        rows.append({"incident": incident, "url": url})
    return render_to_string("monitoring/_ticket_incidents.html", {"rows": rows},
                            request=request)
