"""The staff ticket page shows monitoring's incident and the line's charts
around a ticket monitoring filed; customers see nothing of it."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from kb.monitoring.incidents import incident_open, incident_resolve, incident_ticket_ensure
from kb.monitoring.ticket_series import window_around, window_series
from kb.monitoring.updates import incident_postmortem_save
from kb.tickets.services import ticket_create
from tests.clock import EU_WORKING_HOURS
from tests.monitoring.conftest import make_line, minutes, record, sample

pytestmark = pytest.mark.django_db

M = dt.timedelta(minutes=1)
# Wednesday 25 March 2026, 11:00 UTC (12:00 in Berlin): the line went dark.
ONSET = EU_WORKING_HOURS


@pytest.fixture
def engineer(django_user_model):
    return django_user_model.objects.create_user("erin", is_staff=True)


@pytest.fixture
def eu_line(acme):
    return make_line(acme[0], name="Berlin studio -> Frankfurt ingest", from_region="eu",
                     to_region="eu", kind="internet")


@pytest.fixture
def filed(eu_line, time_machine):
    """Three hours of good minutes, then the line dark for ten; monitoring
    opened the incident and filed its ticket at the onset's third minute."""
    time_machine.move_to(ONSET - dt.timedelta(hours=3), tick=False)
    record(sample(eu_line, at, rtt=42.0) for at in minutes(ONSET - dt.timedelta(hours=3),
                                                             180))
    record(sample(eu_line, at, received=0) for at in minutes(ONSET, 10))
    time_machine.move_to(ONSET + 3 * M, tick=False)
    incident = incident_open(line=eu_line, severity="degraded", at=ONSET + 2 * M,
                             evidence=[], baseline_ms=42.0)
    ticket = incident_ticket_ensure(incident=incident)
    time_machine.move_to(ONSET + 30 * M, tick=False)
    return incident, ticket


def page_of(client, user, ticket) -> str:
    client.force_login(user)
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestPanel:
    def test_staff_see_the_incident_the_line_link_and_three_charts(self, client, engineer,
                                                                   filed, eu_line):
        incident, ticket = filed
        page = page_of(client, engineer, ticket)
        panel = page[page.index('data-testid="monitoring-panel"'):]
        assert "Monitoring filed this ticket." in panel
        assert f'href="/monitoring/lines/{eu_line.pk}/"' in panel
        assert "Degraded" in panel and "still open" in panel
        assert "2026-03-25 11:02" in panel  # opened, in UTC (the site's zone here)
        for chart in ("rtt", "loss", "jitter"):
            assert f'id="{chart}-ticket-{eu_line.pk}"' in panel
        # From two hours before the ticket to now (30 minutes after the onset).
        assert "From 2026-03-25 09:03 to 2026-03-25 11:30" in panel

    def test_a_resolved_incident_says_when(self, client, engineer, filed, time_machine):
        incident, ticket = filed
        incident_resolve(incident=incident, at=ONSET + 20 * M)
        panel = page_of(client, engineer, ticket)
        assert re.search(r"resolved\s*<time[^>]*>2026-03-25 11:20", panel)
        assert "still open" not in panel

    def test_customers_see_no_charts_but_the_incident_linked_to_its_page(self, client, acme,
                                                                          filed):
        incident, ticket = filed
        page = page_of(client, acme[1], ticket)
        assert "monitoring-panel" not in page
        assert "Monitoring filed this ticket." not in page
        assert "rtt-ticket-" not in page
        readers = page[page.index('data-testid="ticket-incidents"'):]
        assert f'href="/monitoring/incidents/{incident.pk}/"' in readers
        assert "still open" in readers

    def test_the_postmortem_is_linked_from_the_ticket(self, client, acme, engineer, filed):
        incident, ticket = filed
        incident_resolve(incident=incident, at=ONSET + 20 * M)
        incident_postmortem_save(incident=incident, author=engineer,
                                 markdown="## Cause\n\nA fibre cut near Frankfurt.")
        customer_page = page_of(client, acme[1], ticket)
        assert f'href="/monitoring/incidents/{incident.pk}/#postmortem-heading"' in customer_page
        assert "read the postmortem" in customer_page
        staff_page = page_of(client, engineer, ticket)
        assert f'href="/monitoring/incidents/{incident.pk}/"' in staff_page
        assert "postmortem written" in staff_page
        # Staff have their panel, not the customer's box as well.
        assert 'data-testid="ticket-incidents"' not in staff_page
        incident_page = client.get(f"/monitoring/incidents/{incident.pk}/").content.decode()
        assert "A fibre cut near Frankfurt." in incident_page

    def test_a_ticket_monitoring_did_not_file_has_no_panel(self, client, acme, engineer,
                                                          filed):
        other = ticket_create(requester=acme[1], organization=acme[0], subject="Slow VOD",
                              description="-", priority="P3", region="eu")
        assert "monitoring-panel" not in page_of(client, engineer, other)


class TestWindow:
    def test_two_hours_either_side_of_the_ticket_on_whole_minutes(self):
        at = dt.datetime(2026, 3, 25, 11, 3, 40, tzinfo=dt.UTC)
        start, end = window_around(at=at, now=at + dt.timedelta(days=1))
        assert (start, end) == (dt.datetime(2026, 3, 25, 9, 3, tzinfo=dt.UTC),
                                dt.datetime(2026, 3, 25, 13, 3, tzinfo=dt.UTC))

    def test_the_window_stops_at_now(self):
        at = dt.datetime(2026, 3, 25, 11, 3, tzinfo=dt.UTC)
        _, end = window_around(at=at, now=at + 10 * M + dt.timedelta(seconds=30))
        assert end == at + 10 * M

    def test_minutes_of_the_window_only_and_a_gap_stays_a_gap(self, filed, eu_line):
        incident, ticket = filed
        start, end = window_around(at=ticket.created_at, now=ONSET + 30 * M)
        series = window_series(line=eu_line, start=start, end=end, now=ONSET + 30 * M)
        assert not series.hourly
        assert series.points[0].at == start + M and series.points[-1].at == end
        measured = series.measured
        assert measured[0].at == start + M
        assert measured[-1].at == ONSET + 9 * M  # nothing after the tenth dark minute
        assert [p.loss_pct for p in measured[-10:]] == [100.0] * 10
        assert series.points[-1].sent is None
        assert [span.severity for span in series.incidents] == ["degraded"]

    def test_weeks_later_the_hours_are_read(self, filed, eu_line):
        incident, ticket = filed
        later = ONSET + dt.timedelta(days=20)
        start, end = window_around(at=ticket.created_at, now=later)
        series = window_series(line=eu_line, start=start, end=end, now=later)
        assert series.hourly
        assert series.start == dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.UTC)
        assert series.end == dt.datetime(2026, 3, 25, 14, 0, tzinfo=dt.UTC)
