"""The ticket page's panel registry: apps above tickets add what they know
about a ticket: staff see every panel, customers only the readers' panels."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from kb.tickets.panels import register_ticket_panel, unregister_ticket_panel
from kb.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _ticket(acme):
    org, user = acme
    return ticket_create(requester=user, organization=org, subject="Stream stutters",
                         description="Since 10:00 UTC.", priority="P3", region="eu")


@pytest.fixture
def engineer(django_user_model):
    return django_user_model.objects.create_user("erin", is_staff=True)


@pytest.fixture
def panel():
    def say_hello(ticket, request):
        if ticket.subject.startswith("Nothing"):
            return None
        return f'<section data-testid="test-panel">Panel for #{ticket.pk} '\
               f'{escape(request.user.get_username())}</section>'

    register_ticket_panel(say_hello)
    register_ticket_panel(say_hello)  # a second ready() adds nothing
    yield say_hello
    unregister_ticket_panel(say_hello)


def test_staff_see_a_registered_panel_once(client, acme, engineer, panel):
    ticket = _ticket(acme)
    client.force_login(engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert page.count('data-testid="test-panel"') == 1
    assert f"Panel for #{ticket.pk} erin" in page


def test_customers_never_see_panels(client, acme, panel):
    ticket = _ticket(acme)
    client.force_login(acme[1])
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert b"test-panel" not in response.content


def test_a_panel_with_nothing_to_say_shows_nothing(client, acme, engineer, panel):
    org, user = acme
    ticket = ticket_create(requester=user, organization=org, subject="Nothing here",
                           description="-", priority="P3", region="eu")
    client.force_login(engineer)
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert b"test-panel" not in response.content


def test_a_readers_panel_shows_to_the_customer_and_to_staff(client, acme, engineer):
    def readers(ticket, request):
        return f'<section data-testid="readers-panel">#{ticket.pk}</section>'

    register_ticket_panel(readers, staff_only=False)
    try:
        ticket = _ticket(acme)
        for reader in (acme[1], engineer):
            client.force_login(reader)
            page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
            assert page.count('data-testid="readers-panel"') == 1, reader
    finally:
        unregister_ticket_panel(readers)
