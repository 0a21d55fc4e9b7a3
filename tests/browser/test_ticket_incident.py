"""Staff open a ticket monitoring filed and see the incident and the line's
charts around it; the customer's view of the same ticket shows none of it."""

import datetime as dt

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kb.monitoring.incidents import incident_open, incident_ticket_ensure
from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.browser.test_tickets import sign_in
from tests.clock import EU_WORKING_HOURS
from tests.monitoring.conftest import make_line, minutes, record, sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The line went dark at 11:00 UTC (19:00 in Shanghai, where the browser is);
# monitoring filed the ticket three minutes later; it is now 11:30.
ONSET = EU_WORKING_HOURS
M = dt.timedelta(minutes=1)


@pytest.fixture
def filed(django_user_model, time_machine):
    time_machine.move_to(ONSET - dt.timedelta(hours=3), tick=False)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    acme = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-4242")
    acme.members.add(alice)
    django_user_model.objects.create_user("erin", "erin@example.com", "pw-erin-4242",
                                          is_staff=True)
    line = make_line(acme, name="Berlin studio -> Frankfurt ingest", from_region="eu",
                     to_region="eu", kind="internet")
    record(sample(line, at, rtt=42.0) for at in minutes(ONSET - dt.timedelta(hours=3), 180))
    record(sample(line, at, received=0) for at in minutes(ONSET, 10))
    time_machine.move_to(ONSET + 3 * M, tick=False)
    incident = incident_open(line=line, severity="degraded", at=ONSET + 2 * M, evidence=[],
                             baseline_ms=42.0)
    ticket = incident_ticket_ensure(incident=incident)
    time_machine.move_to(ONSET + 30 * M, tick=True)
    return line, ticket


def test_staff_see_the_incident_and_the_charts_and_the_customer_does_not(open_page, filed):
    line, ticket = filed
    staff = open_page()
    sign_in(staff, "erin", "pw-erin-4242")
    staff.goto(f"/support/tickets/{ticket.pk}/")
    panel = staff.get_by_role("region", name="Line monitoring")
    expect(panel).to_contain_text("Monitoring filed this ticket.")
    expect(panel.get_by_test_id("monitoring-panel-incidents")).to_contain_text(
        "Degraded · Berlin studio -> Frankfurt ingest · opened 2026-03-25 19:02 CST")
    rtt = panel.get_by_role("img", name="Round-trip time, 2026-03-25 17:03 to 19:30")
    expect(rtt).to_be_visible()
    expect(rtt.locator("rect.chart-incident > title")).to_contain_text(
        "Incident (degraded): Berlin studio -> Frankfurt ingest")
    expect(panel.get_by_role("img", name="Packet loss, 2026-03-25 17:03 to 19:30")).to_be_visible()
    expect(panel.get_by_role("img", name="Jitter, 2026-03-25 17:03 to 19:30")).to_be_visible()
    site = staff.url.split("/support/")[0]
    incidents = panel.get_by_test_id("monitoring-panel-incidents")
    expect(incidents.get_by_role("link", name="Berlin studio -> Frankfurt ingest")
           ).to_have_attribute("href", f"/monitoring/incidents/{ticket.incidents.get().pk}/")
    panel.get_by_role("paragraph").filter(has_text="Monitoring filed this ticket.") \
        .get_by_role("link", name="Berlin studio -> Frankfurt ingest").click()
    expect(staff).to_have_url(f"{site}/monitoring/lines/{line.pk}/")

    customer = open_page()
    sign_in(customer, "alice", "pw-alice-4242")
    customer.goto(f"/support/tickets/{ticket.pk}/")
    expect(customer.get_by_role("heading", level=1)).to_contain_text(f"#{ticket.pk}")
    expect(customer.get_by_test_id("monitoring-panel")).to_have_count(0)
    expect(customer.locator("main")).not_to_contain_text("Monitoring filed this ticket.")
    expect(customer.get_by_role("img", name="Round-trip time, 2026-03-25 17:03 to 19:30")
           ).to_have_count(0)
    # The customer is shown the incident itself, linked to its page.
    readers = customer.get_by_test_id("ticket-incidents")
    expect(readers).to_contain_text("Our line monitoring detected this and opened the ticket.")
    readers.get_by_role("link", name="Berlin studio -> Frankfurt ingest").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        "Berlin studio -> Frankfurt ingest")
