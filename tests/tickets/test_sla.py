import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from kb.tickets.models import Organization, SlaAlert, Team
from kb.tickets.services import (
    sla_policies_ensure,
    teams_load_fixture,
    ticket_acknowledge,
    ticket_create,
)
from kb.tickets.sla import sla_check

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 13, 9, 0, tzinfo=dt.UTC)  # Tuesday, 10:00 in Berlin


@pytest.fixture
def p1_ticket(django_user_model, engineer):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    lead = django_user_model.objects.create_user("lead", email="lead@example.com",
                                                 is_staff=True)
    Team.objects.filter(code="eu").update(lead=lead)
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice")
    org.members.add(alice)
    with time_machine.travel(START, tick=False):
        ticket = ticket_create(requester=alice, organization=org, subject="Stream down",
                               description="black screen", priority="P1", region="eu")
    ticket.assignee = engineer
    ticket.save(update_fields=["assignee"])
    return ticket


class TestSlaCheck:
    def test_warning_at_75_percent_then_breach_each_once(self, p1_ticket):
        assert sla_check(now=START + dt.timedelta(minutes=3)) == 0  # 60 % of 5 min
        assert sla_check(now=START + dt.timedelta(minutes=4)) == 1  # 80 %: warning
        assert sla_check(now=START + dt.timedelta(minutes=4, seconds=30)) == 0
        assert sla_check(now=START + dt.timedelta(minutes=5)) == 1  # breach
        assert sla_check(now=START + dt.timedelta(minutes=6)) == 0
        alerts = {(a.stage, a.level) for a in SlaAlert.objects.all()}
        assert alerts == {("acknowledge", "warning"), ("acknowledge", "breach")}
        texts = [e.text for e in p1_ticket.events.filter(kind="sla")]
        assert any("the acknowledge target was missed" in t for t in texts)

    def test_warning_goes_to_the_assignee_breach_also_to_the_lead(self, p1_ticket):
        sla_check(now=START + dt.timedelta(minutes=4))
        assert [m.to for m in mail.outbox] == [["engineer@example.com"]]
        sla_check(now=START + dt.timedelta(minutes=5))
        assert mail.outbox[-1].to == ["engineer@example.com", "lead@example.com"]

    def test_met_targets_raise_nothing(self, p1_ticket, engineer):
        with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
            ticket_acknowledge(ticket=p1_ticket, actor=engineer)
        sla_check(now=START + dt.timedelta(minutes=10))
        assert not SlaAlert.objects.filter(stage="acknowledge").exists()
        # locate (30 min) is still running at 10 min: 33 % used
        assert not SlaAlert.objects.exists()

    def test_the_beat_task_runs_the_check(self, p1_ticket):
        from kb.tickets.tasks import sla_check_task

        with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
            assert sla_check_task.delay().get() == 4  # acknowledge and locate: both levels
