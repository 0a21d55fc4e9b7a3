from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kb.articles.models import Article
from kb.search.indexing import index_rebuild
from kb.tickets.models import Organization, Ticket
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.clock import CN_WORKING_HOURS
from tests.search.conftest import kb_articles  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MTR = (Path(__file__).resolve().parents[1] / "diagnostics" / "samples"
       / "linux-mtr-report-lastmile.txt").read_text()


@pytest.fixture
def portal(kb_articles, django_user_model, groups):  # noqa: F811
    index_rebuild()
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-42")
    org.members.add(alice)
    engineer = django_user_model.objects.create_user("wei", "wei@example.com", "pw-wei-42",
                                                     is_staff=True)
    engineer.groups.add(groups["Support engineers"])
    return org


def sign_in(page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-name")).to_have_text(username)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_customer_files_staff_resolve_customer_confirms(page, portal, time_machine):
    # China's working hours (the clock runs on from there): a China ticket stays with
    # the China team.
    time_machine.move_to(CN_WORKING_HOURS)
    sign_in(page, "alice", "pw-alice-42")
    page.get_by_role("link", name="Tickets").click()
    page.get_by_role("link", name="File a ticket").click()

    page.get_by_label("Subject").fill("OBS says failed to connect to server")
    suggestions = page.locator("#ticket-suggestions")
    expect(suggestions.get_by_role("link").first).to_be_visible()
    expect(suggestions).to_contain_text("Encoder cannot connect")

    page.get_by_label("Description").fill("Since 09:00 our main channel cannot push.")
    page.get_by_label("Priority").select_option("P2")
    page.get_by_label("Region").select_option("cn")
    expect(page.locator("#sla-preview")).to_contain_text("Goes to the China team")
    page.get_by_label("Paste tool output").fill(MTR)
    page.get_by_role("button", name="File the ticket").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "OBS says failed to connect to server")
    expect(page.get_by_test_id("ticket-status")).to_have_text("New")
    # Shown in the viewer's zone (the browser runs in Asia/Shanghai).
    expect(page.locator(".ticket-facts time")).to_contain_text("CST")
    expect(page.locator(".attachment summary")).to_contain_text("mtr")
    page.get_by_label("Reply").fill("We also tried port 443: same.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".timeline")).to_contain_text("We also tried port 443: same.")
    ticket = Ticket.objects.get()
    sign_out(page)

    sign_in(page, "wei", "pw-wei-42")
    page.get_by_role("link", name="Tickets").click()
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    page.get_by_role("link", name=ticket.subject).click()
    expect(page.get_by_role("heading", name="What the logs and description say")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Acknowledged")
    expect(page.get_by_test_id("ticket-assignee")).to_have_text("wei")
    page.get_by_label("Diagnosis: problem codes").select_option("push.connect-refused")
    page.get_by_role("button", name="Mark located").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Located")
    fix = Article.objects.get(language="en", problems__code="push.connect-refused")
    page.get_by_label("The fix that solved it").select_option(str(fix.pk))
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    sign_out(page)

    sign_in(page, "alice", "pw-alice-42")
    page.goto(f"/support/tickets/{ticket.pk}/")
    expect(page.get_by_text("Support thinks this is fixed. Is it?")).to_be_visible()
    page.get_by_role("button", name="Yes, it is fixed: close the ticket").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Closed")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.articles.count() == 1


def test_customer_reopens_when_the_fix_did_not_hold(page, portal, django_user_model):
    from kb.tickets.services import ticket_acknowledge, ticket_create, ticket_resolve

    alice = django_user_model.objects.get(username="alice")
    wei = django_user_model.objects.get(username="wei")
    ticket = ticket_create(requester=alice, organization=portal, subject="Viewers buffer",
                           description="HLS stalls every minute", priority="P3", region="eu")
    ticket_acknowledge(ticket=ticket, actor=wei)
    ticket_resolve(ticket=ticket, actor=wei, summary="CDN node replaced.")

    sign_in(page, "alice", "pw-alice-42")
    page.goto(f"/support/tickets/{ticket.pk}/")
    page.get_by_role("button", name="Not fixed: reopen").click()
    # An empty reason is refused by the browser before anything is sent.
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    page.get_by_label("What is still wrong?").fill("Still stalls at 20:00 peak.")
    page.get_by_role("button", name="Not fixed: reopen").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Reopened")
    expect(page.locator(".timeline")).to_contain_text("Still stalls at 20:00 peak.")
