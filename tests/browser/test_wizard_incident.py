"""The stream-down path in chromium when monitoring already has the incident:
the customer is told at once and adds their details to its ticket."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kb.monitoring.incidents import incident_open, incident_ticket_ensure
from kb.monitoring.services import line_create
from kb.tickets.models import Organization, Team, Ticket, TicketEvent
from kb.wizard.models import WizardSession
from tests.browser.test_wizard import sign_in
from tests.clock import EU_WORKING_HOURS
from tests.wizard.conftest import load_site_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday 25 March 2026, 11:00 UTC; the line went down at 10:40 UTC,
# 18:40 in Shanghai, where the browser is.
ONSET = EU_WORKING_HOURS - dt.timedelta(minutes=20)


@pytest.fixture
def incident(django_user_model, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=True)
    load_site_content()
    mei = django_user_model.objects.create_user("mei", email="mei@example.com",
                                                password="pw-mei-12345")
    acme = Organization.objects.create(name="Acme Live")
    acme.members.add(mei)
    lead = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                 is_staff=True)
    Team.objects.update(lead=lead)
    line = line_create(organization=acme, name="Berlin studio -> Frankfurt ingest",
                       from_region="eu", to_region="eu", kind="dedicated",
                       host="push.eu.example.com", port=1935, protocol="rtmp",
                       probe_by_site=False)
    opened = incident_open(line=line, severity="down", at=ONSET, evidence=[],
                           baseline_ms=40.0)
    incident_ticket_ensure(incident=opened)  # the page goes out on commit
    opened.refresh_from_db()
    return opened


def test_customer_is_told_of_the_open_incident_and_adds_to_its_ticket(page, incident):
    number = incident.ticket_id
    page.goto("/accounts/login/?next=/wizard/")
    sign_in(page)
    page.get_by_role("button", name="Yes, a live stream is down now").click()
    notice = page.get_by_test_id("known-incident")
    expect(notice).to_contain_text(
        "your line Berlin studio -> Frankfurt ingest (Europe → Europe) is down, since "
        "2026-03-25 18:40 CST")
    expect(notice).to_contain_text(
        f"Ticket #{number} is already open and the on-call engineer was paged.")
    expect(notice.get_by_role("link", name=f"Open ticket #{number}")).to_have_attribute(
        "href", f"/support/tickets/{number}/")
    # Nothing more was asked first; the questions are still there to file anyway.
    expect(page.get_by_label("Which stream is down?")).to_be_visible()
    notice.get_by_label(f"Add your details to ticket #{number}").fill(
        "match-01 is black for viewers in Berlin")
    notice.get_by_role("button", name=f"Add to ticket #{number}").click()
    expect(page.get_by_role("heading", name="Your details are on the ticket")).to_be_visible()
    page.get_by_role("link", name="Follow the ticket").click()
    expect(page.locator(".timeline")).to_contain_text("match-01 is black for viewers in Berlin")
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(ticket_id=number, kind="comment",
                                      actor__username="mei").count() == 1
    assert WizardSession.objects.get().ticket_id == number
