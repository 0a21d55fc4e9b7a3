"""The customer answers the e-mailed satisfaction question; the support lead sees it."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from kb.tickets import services
from kb.tickets.models import Organization, TicketSatisfaction
from kb.tickets.selectors import SUPPORT_LEADS_GROUP
from tests.browser.conftest import axe_violations, format_violations
from tests.clock import EU_WORKING_HOURS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_answers_from_the_email_and_the_lead_sees_it(
        open_page, live_server, django_user_model, groups, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=True)
    services.teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    services.sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-42")
    org.members.add(alice)
    lead = django_user_model.objects.create_user("lena", "lena@example.com", "pw-lena-42",
                                                 is_staff=True)
    lead.groups.add(groups["Support engineers"], groups[SUPPORT_LEADS_GROUP])
    ticket = services.ticket_create(
        requester=alice, organization=org, subject="Push refused since 10:00",
        description="OBS: Failed to connect", priority="P3", region="eu")
    services.ticket_acknowledge(ticket=ticket, actor=lead)
    services.ticket_resolve(ticket=ticket, actor=lead, summary="The port was blocked.")
    services.ticket_close(ticket=ticket, actor=lead)

    [closing] = [m for m in mail.outbox if "] Ticket closed: " in m.subject]
    good = re.search(r"Good: https?://[^/\s]+(/\S+)", closing.body).group(1)

    customer = open_page(bypass_csp=True)
    customer.goto(good)
    expect(customer.get_by_role("radio", name="Good")).to_be_checked()
    violations = axe_violations(customer)
    assert violations == [], format_violations(violations)
    assert not TicketSatisfaction.objects.exists()  # opening the link records nothing
    customer.get_by_label("Your comment").fill("Fixed within the hour, thank you.")
    customer.get_by_role("button", name="Confirm my answer").click()
    expect(customer.get_by_test_id("satisfaction-recorded")).to_contain_text(
        f"We recorded your answer for ticket #{ticket.pk}: “Good”.")

    staff = open_page()
    staff.goto("/accounts/login/?next=/support/tickets/queue/")
    staff.get_by_label("Username").fill("lena")
    staff.get_by_label("Password").fill("pw-lena-42")
    staff.get_by_role("button", name="Sign in").click()
    europe = staff.get_by_test_id("satisfaction-teams").locator('tr[data-team="eu"]')
    expect(europe).to_contain_text("Fixed within the hour, thank you.")
    expect(europe.locator("td").nth(0)).to_have_text("1")
    expect(europe.locator("td").nth(1)).to_have_text("0")
