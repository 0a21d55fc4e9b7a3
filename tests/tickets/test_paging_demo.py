"""``bootstrap --demo-users``: a demo P1 pages the demo engineer, like production."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from kb.setup.services import DEMO_CUSTOMER, DEMO_ENGINEER
from kb.tickets.models import OnCallShift, Organization, Team
from kb.tickets.services import ticket_create
from tests.clock import SATURDAY_NIGHT

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_engineer_is_in_every_team_and_on_call_once(
    settings, time_machine, django_capture_on_commit_callbacks,
):
    settings.DEBUG = True
    time_machine.move_to(SATURDAY_NIGHT, tick=False)
    output = io.StringIO()
    call_command("bootstrap", "--demo-users", stdout=output)
    call_command("bootstrap", "--demo-users", stdout=output)
    assert "4 on-call shifts started" in output.getvalue()
    assert "0 on-call shifts started" in output.getvalue()
    engineer = get_user_model().objects.get(username=DEMO_ENGINEER)
    teams = Team.objects.all()
    assert teams.count() == 4
    assert all(engineer in team.members.all() for team in teams)
    shifts = OnCallShift.objects.filter(engineer=engineer)
    assert sorted(shifts.values_list("team__code", flat=True)) == ["cn", "eu", "na", "sea"]
    assert all(s.starts_at <= SATURDAY_NIGHT < s.ends_at for s in shifts)

    customer = get_user_model().objects.get(username=DEMO_CUSTOMER)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(requester=customer,
                               organization=Organization.objects.get(members=customer),
                               subject="Stream down", description="black screen",
                               priority="P1", region="sea", stream_id="demo/1")
    page = ticket.notifications.get(channel="email", purpose="page")
    assert (page.recipient, page.reached_as, page.status) == (engineer, "on_call", "sent")
    # The customer's confirmation, then the page to the demo engineer.
    assert [m.to for m in mail.outbox] == [[customer.email], [engineer.email]]
