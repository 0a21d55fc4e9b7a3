"""The staff's diagnosis of a ticket filed from the guided diagnosis: read
from the customer's own words and logs, with the fixes already tried marked."""

import pytest

from kb.search.indexing import index_rebuild
from kb.tickets.models import Organization
from kb.tickets.selectors import ticket_diagnosis
from tests.clock import CN_WORKING_HOURS
from tests.wizard.conftest import escalate_a_stutter, load_site_content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(django_user_model, time_machine):
    time_machine.move_to(CN_WORKING_HOURS)
    load_site_content()
    index_rebuild()
    customer = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    Organization.objects.create(name="Demo Streaming Co.").members.add(customer)
    # Five fixes offered and turned down, then "Every evening since Monday."
    return escalate_a_stutter(customer)


def test_the_wizard_s_questions_and_turned_down_fixes_are_not_read_as_symptoms(ticket):
    # The description holds the transcript: "Fix offered: Network jitter: ...
    # - did it fix it? no", the questions, the pasted hops.
    assert "Network jitter" in ticket.description
    suggestions = ticket_diagnosis(ticket=ticket, language="en")["suggestions"]
    reasons = " ".join(s["reason"] for s in suggestions)
    assert '"jitter"' not in reasons and '"upload bandwidth"' not in reasons
    assert suggestions[0]["problem"] == "net.loss-last-mile"  # the mtr's finding
    # The customer's own words: every evening.
    assert "net.peak-hour-congestion" in [s["problem"] for s in suggestions[:3]]


def test_fixes_the_customer_followed_without_success_are_marked_tried(ticket):
    suggestions = {s["problem"]: s for s in
                   ticket_diagnosis(ticket=ticket, language="en")["suggestions"]}
    assert suggestions["net.loss-last-mile"]["tried"] is True  # offered, answered "no"
    assert suggestions["net.peak-hour-congestion"]["tried"] is False  # never offered


def test_the_staff_ticket_page_says_which_fixes_were_tried(ticket, client, django_user_model,
                                                          groups):
    lead = django_user_model.objects.create_user("lead", "lead@example.com", "pw-lead-12345",
                                                 is_staff=True)
    lead.groups.add(groups["Support leads"])
    client.force_login(lead)
    page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert page.count('data-testid="tried-fix"') == sum(
        s["tried"] for s in ticket_diagnosis(ticket=ticket, language="en")["suggestions"]) >= 1
    assert "followed this fix in the guided diagnosis: it did not fix it" in page
