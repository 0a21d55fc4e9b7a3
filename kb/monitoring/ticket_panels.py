"""Monitoring's panel on the staff ticket page (kb/tickets/panels.py).

For a ticket monitoring filed (an incident's ``ticket``): the incident or
incidents behind it, and the line's RTT, loss and jitter from two hours
before the ticket was filed to two hours after (or now), so the engineer
sees what the customer's line did without leaving the ticket.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

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
