"""The guided diagnosis in chromium: the four ways the issue names, and resuming."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kb.tickets.models import Notification, OnCallShift, Organization, Team, Ticket
from kb.wizard.models import WizardSession
from tests.wizard.conftest import load_site_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLES = Path(__file__).resolve().parents[1] / "diagnostics" / "samples"


@pytest.fixture
def content(db):
    load_site_content()


@pytest.fixture
def customer_member(django_user_model, content):
    user = django_user_model.objects.create_user("mei", email="mei@example.com",
                                                 password="pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(user)
    return user


def sign_in(page, username="mei", password="pw-mei-12345"):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_flow(page, title: str):
    page.goto("/")
    page.get_by_role("link", name="Something wrong? Start the guided diagnosis").click()
    page.get_by_role("button", name="No, something else is wrong").click()
    page.get_by_role("button", name=title).click()


def test_configuration_mistake_fixed_in_a_few_clicks(page, content):
    open_flow(page, "The encoder cannot push")
    page.get_by_role("button", name="RTMP", exact=True).click()
    page.get_by_role("button", name="Already publishing").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text(
        "Push rejected: stream is already being published")
    expect(page.locator(".why")).to_contain_text("stale session")
    page.get_by_role("button", name="Yes, it works now").click()
    expect(page.get_by_role("heading", name="Glad it is fixed")).to_be_visible()
    session = WizardSession.objects.get()
    assert session.outcome == "resolved"
    assert session.resolved_article.slug == "push-already-publishing"


def _network_to_paste(page):
    open_flow(page, "The stream stutters")
    page.get_by_role("button", name="Yes, it is live but stutters").click()
    page.get_by_role("button", name="All the time").click()
    page.get_by_role("button", name="RTMP or RTMPS").click()


def test_pasted_mtr_leads_to_its_fix(page, content):
    _network_to_paste(page)
    page.get_by_label("Paste an mtr").fill(
        (SAMPLES / "linux-mtr-report-lastmile.txt").read_text())
    page.get_by_role("button", name="Read this output").click()
    expect(page.get_by_role("heading", name="What the path shows")).to_be_visible()
    expect(page.locator(".finding").first).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("Packet loss on the first hops")
    page.get_by_role("button", name="Yes, it works now").click()
    expect(page.get_by_role("heading", name="Glad it is fixed")).to_be_visible()
    assert WizardSession.objects.get().resolved_article.slug == "packet-loss-last-mile"


def test_pasted_mtr_that_no_fix_solves_becomes_a_ticket_with_the_transcript(
        page, customer_member):
    _network_to_paste(page)
    page.get_by_label("Paste an mtr").fill(
        (SAMPLES / "linux-mtr-reportwide-crossborder.txt").read_text())
    page.get_by_role("button", name="Read this output").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("international segment")
    prompt = page.locator("h2.wizard-prompt")
    total = int(prompt.inner_text().split(" of ")[1].split(":")[0])
    for number in range(2, total + 2):
        page.get_by_role("button", name="No, still broken").click()
        if number <= total:
            expect(prompt).to_contain_text(f"Suggested fix {number} of {total}")
    expect(page.get_by_text("Where does the encoder push from?")).to_be_visible()
    page.get_by_role("button", name="Mainland China").click()
    expect(page.get_by_role("heading", name="Let a network engineer take it from here")
           ).to_be_visible()
    page.get_by_label("Region of the stream").select_option("cn")
    page.get_by_label("Affected stream or line ID").fill("match-01")
    page.get_by_role("button", name="Sign in and file the ticket").click()
    sign_in(page)
    # Back on the same session with what was typed kept.
    expect(page.get_by_label("Affected stream or line ID")).to_have_value("match-01")
    page.get_by_role("button", name="File the ticket").click()
    expect(page.get_by_role("heading", name="Your ticket is filed")).to_be_visible()
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.region, ticket.stream_id) == ("P2", "cn", "match-01")
    assert "Fix offered: Packet loss on the international segment" in ticket.description
    assert ticket.attachments.get().detected == "mtr"
    assert WizardSession.objects.get().ticket == ticket


def test_stream_down_files_a_p1_and_pages_on_call(page, customer_member, django_user_model):
    engineer = django_user_model.objects.create_user("duty", email="duty@example.com",
                                                     is_staff=True)
    now = timezone.now()
    for team in Team.objects.all():
        OnCallShift.objects.create(team=team, engineer=engineer,
                                   starts_at=now - dt.timedelta(hours=1),
                                   ends_at=now + dt.timedelta(hours=8))
    page.goto("/accounts/login/?next=/wizard/")
    sign_in(page)
    page.get_by_role("button", name="Yes, a live stream is down now").click()
    page.get_by_label("Which stream is down?").fill("match-01")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Southeast Asia").click()
    page.get_by_role("button", name="In the same region").click()
    expect(page.get_by_role("heading", name="Fast checks that often fix it")).to_be_visible()
    page.get_by_role("button", name="File the P1 ticket and page the on-call engineer").click()
    # The page is sent by a task after the commit (run at once here): the step
    # names the engineer it reached and the emergency line.
    expect(page.get_by_test_id("page-reached")).to_contain_text("duty")
    expect(page.get_by_test_id("emergency-phone")).to_be_visible()
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.region, ticket.stream_id) == ("P1", "sea", "match-01")
    assert ticket.assignee == engineer
    assert Notification.objects.filter(ticket=ticket).exists()


def test_a_session_is_resumed_from_its_url(page, content):
    open_flow(page, "Viewers cannot play")
    page.get_by_role("button", name="An error 403 Forbidden").click()
    expect(page.get_by_text("How many viewers are affected?")).to_be_visible()
    url = page.url
    page.context.clear_cookies()
    page.goto("/")
    page.goto(url)
    expect(page.get_by_text("How many viewers are affected?")).to_be_visible()
    expect(page.get_by_text("Step 2 of about")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("What do viewers see?")).to_be_visible()
