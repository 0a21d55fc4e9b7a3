"""Staff read what the site learns and how the wizard does, in the browser."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kb.learning.services import learn_from_ticket
from kb.tickets import services as tickets
from kb.tickets.models import Organization
from tests.browser.test_tickets import sign_in
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(django_user_model, groups, problems):
    tickets.teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    tickets.sla_policies_ensure()
    user = django_user_model.objects.create_user("lin", "lin@example.com", "pw-lin-4242",
                                                 is_staff=True)
    user.groups.add(groups["Support leads"])
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", "alice@example.com")
    org.members.add(alice)
    fix = make_article(problems=[problems["push.connect-refused"]],
                       title="Encoder cannot connect: connection refused")
    for subject in ("OBS cannot connect", "Push refused on port 1935"):
        ticket = tickets.ticket_create(requester=alice, organization=org, subject=subject,
                                       description=subject, priority="P3", region="eu")
        tickets.ticket_acknowledge(ticket=ticket, actor=user)
        tickets.ticket_resolve(ticket=ticket, actor=user, article=fix)
        tickets.ticket_close(ticket=ticket, actor=user)
        learn_from_ticket(ticket_id=ticket.pk)
    return user


def test_a_lead_reads_the_dashboard_and_the_wizard_statistics(page, lead):
    sign_in(page, "lin", "pw-lin-4242")
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="What the site learns")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()  # the weekly charts
    top = page.get_by_role("heading", name="Top articles")
    expect(top).to_be_visible()
    expect(page.locator("main")).to_contain_text("Encoder cannot connect: connection refused")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.get_by_role("link", name="Wizard statistics").click()
    expect(page.get_by_role("heading", name="Wizard statistics")).to_be_visible()


def test_customers_find_no_insights(page, lead, django_user_model):
    django_user_model.objects.create_user("bob", "bob@example.com", "pw-bob-4242")
    sign_in(page, "bob", "pw-bob-4242")
    expect(page.get_by_role("link", name="Insights")).to_have_count(0)
    assert page.goto("/learning/").status == 404
