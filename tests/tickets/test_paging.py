import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.core import mail

from kb.tickets.models import Notification, OnCallShift, Organization, Team
from kb.tickets.paging import p1_page, webhook_signature
from kb.tickets.services import sla_policies_ensure, teams_load_fixture, ticket_create
from tests.clock import EU_WORKING_HOURS, SATURDAY_NIGHT

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(self.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A real HTTP endpoint on loopback standing in for a chat or paging tool."""
    _Receiver.received = []
    _Receiver.answer = 200
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _Receiver, f"http://127.0.0.1:{server.server_port}/page"
    server.shutdown()


@pytest.fixture
def eu_team(django_user_model):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    team = Team.objects.get(code="eu")
    team.lead = django_user_model.objects.create_user("lead", email="lead@example.com",
                                                      is_staff=True)
    team.save()
    return team


@pytest.fixture
def alice(django_user_model):
    org = Organization.objects.create(name="Acme Live")
    user = django_user_model.objects.create_user("alice")
    org.members.add(user)
    return user


def file_p1(user, region="eu"):
    return ticket_create(requester=user, organization=user.organizations.get(),
                         subject="Stream down", description="black screen", priority="P1",
                         region=region, stream_id="live/acme")


class TestP1Paging:
    def test_on_call_engineer_is_paged_by_email_and_signed_webhook(
        self, eu_team, alice, reviewer, receiver, django_capture_on_commit_callbacks,
        time_machine,
    ):
        handler, url = receiver
        Team.objects.update(webhook_url=url)
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        for team in Team.objects.all():
            OnCallShift.objects.create(team=team, engineer=reviewer,
                                       starts_at=EU_WORKING_HOURS - dt.timedelta(hours=1),
                                       ends_at=EU_WORKING_HOURS + dt.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        ticket.refresh_from_db()
        assert ticket.assignee == reviewer
        assert [m.to for m in mail.outbox] == [["reviewer@example.com"]]
        assert "[P1]" in mail.outbox[0].subject
        headers, body = handler.received[0]
        assert headers["X-Streamline-Signature"] == webhook_signature(
            body, settings.KB_WEBHOOK_SECRET)
        payload = json.loads(body)
        assert (payload["event"], payload["ticket"], payload["on_call"]) == (
            "p1.created", ticket.pk, "reviewer")
        assert set(ticket.notifications.values_list("channel", "status")) == {
            ("email", "sent"), ("webhook", "sent")}
        assert any(e.text.startswith("P1: paging reviewer") for e in ticket.events.all())

    def test_a_page_is_sent_once(self, eu_team, alice, django_capture_on_commit_callbacks,
                                 time_machine):
        time_machine.move_to(EU_WORKING_HOURS, tick=False)  # the EU lead is reached
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert [n.target for n in ticket.notifications.all()] == ["lead@example.com"]
        assert p1_page(ticket=ticket) == []
        assert ticket.notifications.count() == 1
        assert len(mail.outbox) == 1

    def test_without_a_rota_the_lead_is_paged(self, eu_team, alice, time_machine,
                                              django_capture_on_commit_callbacks):
        # P1 follows the sun: whichever team is on duty gets it, at any hour.
        time_machine.move_to(SATURDAY_NIGHT, tick=False)
        Team.objects.exclude(pk=eu_team.pk).update(lead=eu_team.lead)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert ticket.notifications.get().target == "lead@example.com"

    def test_a_failed_delivery_is_visible_on_the_ticket(
        self, eu_team, alice, receiver, django_capture_on_commit_callbacks
    ):
        handler, url = receiver
        handler.answer = 500
        Team.objects.update(webhook_url=url)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        webhook = ticket.notifications.get(channel="webhook")
        assert webhook.status == Notification.Status.FAILED
        assert "500" in webhook.last_error
        assert any(e.text.startswith("Delivery failed: webhook")
                   for e in ticket.events.filter(public=False))

    def test_other_priorities_page_nobody(self, eu_team, alice,
                                          django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = ticket_create(requester=alice, organization=alice.organizations.get(),
                                   subject="Question", description="?", priority="P3",
                                   region="eu")
        assert not ticket.notifications.exists()
        assert mail.outbox == []
