"""A customer whose stream is down reaches the P1 path without an account."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from kb.tickets.models import Notification, OnCallShift, Organization, Team, Ticket
from tests.wizard.conftest import load_site_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_call(db, django_user_model):
    load_site_content()
    engineer = django_user_model.objects.create_user("duty", email="duty@example.com",
                                                     is_staff=True)
    now = timezone.now()
    for team in Team.objects.all():
        OnCallShift.objects.create(team=team, engineer=engineer,
                                   starts_at=now - dt.timedelta(hours=1),
                                   ends_at=now + dt.timedelta(hours=8))
    return engineer


def report_outage(page, *, email: str, organization: str) -> None:
    page.goto("/wizard/")
    page.get_by_role("button", name="Yes, a live stream is down now").click()
    page.get_by_label("Which stream is down?").fill("match-01")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Europe").click()
    page.get_by_role("button", name="In the same region").click()
    page.get_by_label("Your e-mail").fill(email)
    page.get_by_label("Your organization").fill(organization)
    page.get_by_role("button", name="File the P1 ticket and page the on-call engineer").click()


def test_signed_out_customer_files_a_p1_that_pages_a_person(page, on_call):
    acme = Organization.objects.create(name="Acme Live", verified_domains=["acme.example"])
    report_outage(page, email="ops@acme.example", organization="Acme")
    # No sign-in page on the way: the P1 is filed and a person is paged.
    expect(page.get_by_role("heading", name="Your ticket is filed")).to_be_visible()
    expect(page.get_by_test_id("page-reached")).to_contain_text("duty")
    expect(page.get_by_test_id("contact-follow")).to_contain_text("ops@acme.example")
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.region, ticket.stream_id) == ("P1", "eu", "match-01")
    assert ticket.requester is None and ticket.contact_verified_at is None
    assert ticket.organization == acme  # its verified domain matches the e-mail
    assert ticket.assignee == on_call
    assert Notification.objects.filter(ticket=ticket, purpose="page").exists()

    # The confirmation e-mail has the promised times and a link to follow it.
    confirmation = next(m for m in mail.outbox if m.to == ["ops@acme.example"])
    assert "Acknowledged by" in confirmation.body
    link = re.search(r"https?://\S+/follow/\S+", confirmation.body).group(0)
    page.context.clear_cookies()
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Live stream down")
    expect(page.get_by_test_id("ticket-status")).to_have_text("New")
    ticket.refresh_from_db()
    assert ticket.contact_verified_at is not None


def test_an_unknown_domain_goes_to_the_holding_organization(page, on_call):
    Organization.objects.create(name="Acme Live", verified_domains=["acme.example"])
    report_outage(page, email="director@gmail.example", organization="Globex Streams")
    expect(page.get_by_role("heading", name="Your ticket is filed")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.organization.holding
    assert ticket.contact_organization == "Globex Streams"
