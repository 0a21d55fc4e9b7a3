"""E-mails whose subject carries what the customer typed: one line, sent once."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection

from kb.tickets.headers import SUBJECT_LIMIT, body_text, header_text
from kb.tickets.models import Notification, OnCallShift, Organization, Team
from kb.tickets.services import (
    ticket_acknowledge,
    ticket_comment,
    ticket_create,
    ticket_resolve,
)
from tests.clock import EU_WORKING_HOURS

pytestmark = pytest.mark.django_db

# PostgreSQL cannot store a NUL character at all (the portal's form and the
# API refuse it before); the header path is the same on every database.
_NUL_STORABLE = pytest.mark.skipif(connection.vendor == "postgresql",
                                   reason="PostgreSQL text cannot hold NUL")
CUSTOMER_TEXT = [
    pytest.param("Stream down\r\nBcc: everyone@example.com", id="crlf"),
    pytest.param("Stream down\nsince 10:00", id="lf"),
    pytest.param("Stream\x00down", id="nul", marks=_NUL_STORABLE),
    pytest.param("live/" + "x" * 195, id="very-long"),
]


@pytest.fixture
def on_call(organisation, engineer, time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    for team in Team.objects.all():
        OnCallShift.objects.create(team=team, engineer=engineer,
                                   starts_at=EU_WORKING_HOURS - dt.timedelta(hours=1),
                                   ends_at=EU_WORKING_HOURS + dt.timedelta(hours=1))
    return engineer


@pytest.fixture
def requester(django_user_model, organisation):
    user = django_user_model.objects.create_user("dana", email="dana@example.com")
    Organization.objects.create(name="Acme Live").members.add(user)
    return user


def file_ticket(user, **fields):
    values = {"subject": "Stream down", "description": "Black screen on every player.",
              "priority": "P1", "region": "eu", "stream_id": "live/acme", **fields}
    return ticket_create(requester=user, organization=user.organizations.get(), **values)


def assert_one_line(subject: str) -> None:
    assert not any(c in subject for c in "\r\n\x00")
    assert len(subject) <= SUBJECT_LIMIT


class TestHeaderText:
    def test_line_breaks_and_control_characters_become_single_spaces(self):
        assert header_text("a\r\nb\nc\rd\x00e\tf\x1bg\u2028h") == "a b c d e f g h"

    def test_a_right_to_left_override_is_dropped(self):
        assert header_text("invoice\u202egpj.exe") == "invoicegpj.exe"

    def test_a_long_value_is_cut_with_an_ellipsis(self):
        text = header_text("x" * 500)
        assert len(text) == SUBJECT_LIMIT and text.endswith("…")

    def test_plain_text_is_kept(self):
        assert header_text("直播中断 live/acme") == "直播中断 live/acme"

    def test_the_body_keeps_line_breaks_and_drops_nul(self):
        assert body_text("a\r\nb\x00c\rd\te") == "a\nbc\nd\te"


@pytest.mark.parametrize("field", ["subject", "stream_id"])
@pytest.mark.parametrize("typed", CUSTOMER_TEXT)
class TestCustomerTextInEmails:
    def test_the_p1_page_is_sent_once_with_the_text_whole_in_the_body(
        self, on_call, requester, field, typed, django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_ticket(requester, **{field: typed})
        page = ticket.notifications.get(channel=Notification.Channel.EMAIL,
                                        purpose=Notification.Purpose.PAGE)
        assert (page.status, page.attempts) == (Notification.Status.SENT, 1)
        # The page, and the customer's confirmation with the promised times.
        assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.com",
                                                        "engineer@example.com"]
        (message,) = [m for m in mail.outbox if m.to == ["engineer@example.com"]]
        for sent in mail.outbox:
            assert_one_line(sent.subject)
        assert message.subject.startswith(f"[P1] #{ticket.pk} ")
        assert body_text(typed) in message.body
        headers = message.message().as_bytes().split(b"\n\n", 1)[0]
        assert headers.count(b"\nSubject: ") == 1 and b"\nBcc: " not in headers

    def test_a_reply_and_a_resolution_reach_the_customer_once_each(
        self, on_call, requester, field, typed, django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_ticket(requester, **{field: typed})
        mail.outbox.clear()
        earlier = list(ticket.notifications.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            ticket_comment(ticket=ticket, actor=on_call, text="Restart the encoder, please.")
        ticket_acknowledge(ticket=ticket, actor=on_call)  # its e-mail is not sent here
        with django_capture_on_commit_callbacks(execute=True):
            ticket_resolve(ticket=ticket, actor=on_call, summary="Encoder restarted.")
        updates = ticket.notifications.filter(purpose=Notification.Purpose.UPDATE,
                                              status=Notification.Status.SENT).exclude(
            pk__in=earlier)
        assert sorted(updates.values_list("status", "attempts")) == [("sent", 1), ("sent", 1)]
        assert [m.to for m in mail.outbox] == [["dana@example.com"], ["dana@example.com"]]
        for message in mail.outbox:
            assert_one_line(message.subject)
            assert message.subject.startswith(f"[#{ticket.pk}] ")
