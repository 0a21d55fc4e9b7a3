import datetime as dt
import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.core import mail

from kb.tickets.models import Notification, OnCallShift, Organization, PageAlarm, Team
from kb.tickets.paging import p1_page, page_alarm_raise, webhook_signature
from kb.tickets.services import (
    sla_policies_ensure,
    teams_load_fixture,
    ticket_acknowledge,
    ticket_create,
)
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


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP: refuses the addresses in ``refused``, keeps the rest."""

    refused: set = set()
    delivered: list = []

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._say("220 relay.test ESMTP")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 relay.test")
            elif verb in ("MAIL", "RSET"):
                recipients = []
                self._say("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip().strip("<>")
                if address in self.refused:
                    self._say("550 5.1.1 mailbox unavailable")
                else:
                    recipients.append(address)
                    self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go ahead")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.delivered.extend(recipients)
                self._say("250 OK queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


@pytest.fixture
def smtp_relay(settings):
    """A real SMTP server on loopback that refuses some mailboxes."""
    _SmtpSession.refused = set()
    _SmtpSession.delivered = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSession)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield _SmtpSession
    server.shutdown()
    server.server_close()


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
        self, eu_team, alice, receiver, django_capture_on_commit_callbacks, time_machine,
    ):
        handler, url = receiver
        handler.answer = 500
        Team.objects.update(webhook_url=url)
        time_machine.move_to(EU_WORKING_HOURS, tick=False)  # the EU lead is reached
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        webhook = ticket.notifications.get(channel="webhook")
        assert webhook.status == Notification.Status.FAILED
        assert "500" in webhook.last_error
        assert any(e.text.startswith("Delivery failed: webhook")
                   for e in ticket.events.filter(public=False))
        # The lead got the e-mail: a person was reached, so no alarm.
        assert ticket.notifications.get(channel="email").status == Notification.Status.SENT
        assert not PageAlarm.objects.exists()

    def test_other_priorities_page_nobody(self, eu_team, alice,
                                          django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = ticket_create(requester=alice, organization=alice.organizations.get(),
                                   subject="Question", description="?", priority="P3",
                                   region="eu")
        assert not ticket.notifications.exists()
        assert mail.outbox == []


def staff(django_user_model, username, *, email=True, active=True, group=None):
    user = django_user_model.objects.create_user(
        username, email=f"{username}@example.com" if email else "", is_staff=True,
        is_active=active)
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def eu_without_lead(eu_team, time_machine):
    """The EU team at its working hours (it gets the P1), with no rota and no lead."""
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    Team.objects.update(lead=None)
    eu_team.refresh_from_db()
    return eu_team


def paged(ticket) -> list[tuple[str, str, str]]:
    return sorted(ticket.notifications.filter(purpose="page", channel="email")
                  .values_list("target", "reached_as", "status"))


class TestPagingChain:
    """On call, else the team lead, else every member, else the support leads."""

    def test_an_on_call_engineer_without_email_is_passed_over_for_the_lead(
        self, eu_team, alice, django_user_model, time_machine,
        django_capture_on_commit_callbacks,
    ):
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        mute = staff(django_user_model, "mute", email=False)
        OnCallShift.objects.create(team=eu_team, engineer=mute,
                                   starts_at=EU_WORKING_HOURS - dt.timedelta(hours=1),
                                   ends_at=EU_WORKING_HOURS + dt.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert paged(ticket) == [("lead@example.com", "lead", "sent")]
        ticket.refresh_from_db()
        assert ticket.assignee == eu_team.lead
        entry = ticket.events.get(code="p1_paging_lead")
        assert not entry.public
        assert entry.text == "P1: nobody on call; paging the team lead lead by 1 channel(s)."

    def test_a_shift_that_ended_does_not_count(self, eu_team, alice, reviewer, time_machine):
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        OnCallShift.objects.create(team=eu_team, engineer=reviewer,
                                   starts_at=EU_WORKING_HOURS - dt.timedelta(hours=9),
                                   ends_at=EU_WORKING_HOURS - dt.timedelta(hours=1))
        assert paged(file_p1(alice)) == [("lead@example.com", "lead", "pending")]

    def test_without_rota_and_lead_every_member_of_the_routed_team_is_paged(
        self, eu_without_lead, alice, django_user_model, django_capture_on_commit_callbacks,
    ):
        ada, bo = staff(django_user_model, "ada"), staff(django_user_model, "bo")
        eu_without_lead.members.add(
            ada, bo, staff(django_user_model, "gone", active=False),
            staff(django_user_model, "nomail", email=False))
        Team.objects.get(code="cn").members.add(staff(django_user_model, "elsewhere"))
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert paged(ticket) == [("ada@example.com", "member", "sent"),
                                 ("bo@example.com", "member", "sent")]
        assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "bo@example.com"]
        ticket.refresh_from_db()
        assert ticket.assignee is None  # the first to acknowledge takes it
        assert ticket.events.get(code="p1_paging_members").text == (
            "P1: nobody on call and no team lead; paging every member of the Europe team: "
            "ada, bo (2 deliveries).")
        assert not PageAlarm.objects.exists()

    def test_a_team_with_nobody_pages_every_active_support_lead(
        self, eu_without_lead, alice, django_user_model, groups,
        django_capture_on_commit_callbacks,
    ):
        leads = groups["Support leads"]
        staff(django_user_model, "lena", group=leads)
        staff(django_user_model, "mo", group=leads)
        staff(django_user_model, "retired", group=leads, active=False)
        staff(django_user_model, "engineer2", group=groups["Support engineers"])
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert paged(ticket) == [("lena@example.com", "support_lead", "sent"),
                                 ("mo@example.com", "support_lead", "sent")]
        assert "paging the support leads: lena, mo" in ticket.events.get(
            code="p1_paging_leads").text
        assert not PageAlarm.objects.exists()

    def test_nobody_to_reach_raises_the_alarm_to_the_team_webhook(
        self, eu_without_lead, alice, receiver, django_capture_on_commit_callbacks,
    ):
        handler, url = receiver
        Team.objects.update(webhook_url=url)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert paged(ticket) == []
        assert ticket.page_alarm.reason == PageAlarm.Reason.NOBODY
        events = {e["event"]: e for e in (json.loads(body) for _, body in handler.received)}
        assert set(events) == {"p1.created", "p1.page_alarm"}
        assert (events["p1.page_alarm"]["ticket"], events["p1.page_alarm"]["reason"]) == (
            ticket.pk, "nobody")
        alarm = ticket.events.get(code="page_alarm_nobody")
        assert not alarm.public
        assert "Alarm deliveries queued to the support leads and the team webhook: 1." in (
            alarm.text)
        assert "nobody to page" not in "".join(e.text for e in ticket.events.all())
        assert not ticket.events.filter(public=True, kind="sla").exists()


class TestPageAlarm:
    def test_every_email_page_failing_alarms_the_support_leads(
        self, eu_team, alice, django_user_model, groups, smtp_relay, receiver, time_machine,
        django_capture_on_commit_callbacks,
    ):
        handler, url = receiver
        handler.answer = 500
        Team.objects.update(webhook_url=url)
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        staff(django_user_model, "lena", group=groups["Support leads"])
        smtp_relay.refused = {"lead@example.com"}
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        page = ticket.notifications.get(purpose="page", channel="email")
        assert (page.target, page.status) == ("lead@example.com", Notification.Status.FAILED)
        assert "mailbox unavailable" in page.last_error
        assert ticket.page_alarm.reason == PageAlarm.Reason.FAILED
        alarms = ticket.notifications.filter(purpose="alarm")
        assert sorted(alarms.values_list("channel", "target", "status")) == [
            ("email", "lena@example.com", "sent"), ("webhook", url, "failed")]
        assert smtp_relay.delivered == ["lena@example.com"]
        assert ticket.events.filter(code="page_alarm_failed", public=False).count() == 1

    def test_a_page_tool_that_got_it_does_not_stand_in_for_a_person(
        self, eu_team, alice, smtp_relay, receiver, time_machine,
        django_capture_on_commit_callbacks,
    ):
        _, url = receiver
        Team.objects.update(webhook_url=url)
        time_machine.move_to(EU_WORKING_HOURS, tick=False)
        smtp_relay.refused = {"lead@example.com"}
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        assert ticket.notifications.get(purpose="page", channel="webhook").status == "sent"
        assert ticket.page_alarm.reason == PageAlarm.Reason.FAILED

    def test_the_alarm_is_raised_once(self, eu_without_lead, alice, receiver,
                                      django_capture_on_commit_callbacks):
        handler, url = receiver
        Team.objects.update(webhook_url=url)
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
            assert page_alarm_raise(ticket=ticket, reason=PageAlarm.Reason.FAILED) is None
            assert p1_page(ticket=ticket) == []
        assert PageAlarm.objects.get().reason == PageAlarm.Reason.NOBODY
        assert ticket.notifications.filter(purpose="alarm").count() == 1
        assert len(handler.received) == 2  # the page and one alarm

    def test_the_queue_shows_the_alarm_until_someone_acknowledges(
        self, eu_without_lead, alice, engineer, client, django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(alice)
        client.force_login(engineer)
        page = client.get("/support/tickets/queue/").content.decode()
        assert "Pages that reached nobody" in page and f"#{ticket.pk} Stream down" in page
        assert "page alarm" in page
        detail = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert "Page alarm since" in detail
        ticket_acknowledge(ticket=ticket, actor=engineer)
        page = client.get("/support/tickets/queue/").content.decode()
        assert "Pages that reached nobody" not in page
