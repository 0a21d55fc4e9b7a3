"""Tickets the site files itself (line monitoring): no requester, site
timeline entries told to the customer, and raising a priority."""

import datetime as dt

import pytest

from kb.core.exceptions import ApplicationError
from kb.tickets.models import Notification, Organization
from kb.tickets.services import (
    teams_demo_on_call_ensure,
    ticket_file_by_site,
    ticket_note_by_site,
    ticket_priority_raise,
)
from tests.clock import EU_WORKING_HOURS

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(organisation):
    return Organization.objects.create(name="Acme Live")


@pytest.fixture
def p2(acme, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    return ticket_file_by_site(organization=acme, subject="Line monitoring: line 7 degraded",
                               description="evidence", priority="P2", region="eu",
                               contact_email="noc@acme.example", stream_id="line 7",
                               language="en")


def test_a_ticket_filed_by_the_site_has_no_requester_and_tells_the_contact(p2):
    assert p2.requester is None and p2.filed_by == "noc@acme.example"
    assert p2.contact_verified_at is not None  # the organization gave the address
    assert p2.team.code == "eu" and p2.priority == "P2"
    told = Notification.objects.get(ticket=p2, purpose="update")
    assert told.target == "noc@acme.example" and "Ticket filed" in told.subject
    assert "confirm your e-mail address" not in told.body


def test_without_a_contact_nobody_is_emailed(acme, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    ticket = ticket_file_by_site(organization=acme, subject="x", description="y",
                                 priority="P2", region="eu")
    assert ticket.contact_email == "" and not Notification.objects.exists()


def test_a_site_entry_is_written_in_the_tickets_language_and_emailed(p2):
    p2.language = "zh-hans"
    event = ticket_note_by_site(ticket=p2, code="priority_raised",
                                params={"from": "P3", "to": "P2"}, tell_customer=True)
    assert event.public and event.actor is None
    assert event.text == "Priority raised from P3 to P2."
    told = Notification.objects.filter(ticket=p2, purpose="update").last()
    assert "P3" in told.body and told.target == "noc@acme.example"


def test_raising_to_p1_pulls_the_due_times_in_and_pages(p2, django_user_model, time_machine):
    engineer = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                     is_staff=True)
    teams_demo_on_call_ensure(engineer=engineer)
    later = EU_WORKING_HOURS + dt.timedelta(minutes=7)
    time_machine.move_to(later, tick=False)
    ticket = ticket_priority_raise(ticket=p2, priority="P1")
    assert ticket.priority == "P1"
    assert ticket.acknowledge_due == later + dt.timedelta(minutes=5)
    assert ticket.resolve_due == later + dt.timedelta(hours=4)
    assert ticket.events.last().code in {"priority_raised", "p1_paging"}
    assert ticket.events.filter(code="priority_raised").get().params == {"from": "P2",
                                                                        "to": "P1"}
    assert Notification.objects.filter(ticket=ticket, purpose="page").exists()
    assert ticket.assignee == engineer
    with pytest.raises(ApplicationError):
        ticket_priority_raise(ticket=ticket, priority="P1")
    with pytest.raises(ApplicationError):
        ticket_priority_raise(ticket=ticket, priority="P3")
