"""The site's mail goes out by real SMTP, to a local server (aiosmtpd)
that keeps what it receives, and the customer's mail client answers it."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from kb.mail.services import message_receive
from kb.tickets.services import ticket_comment
from tests.mail.conftest import corpus_message, message

pytestmark = pytest.mark.django_db


class Keeper:
    """An SMTP handler that keeps each delivered message with its envelope."""

    def __init__(self):
        self.delivered: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    keeper = Keeper()
    controller = Controller(keeper, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield keeper
    controller.stop()


def test_an_engineers_reply_goes_out_by_smtp_in_the_thread_and_its_answer_comes_back(
        mail_site, engineer, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_receive(raw=corpus_message("outlook-en-ping.eml")).ticket
    [(_sender, [to], confirmation)] = smtp.delivered
    assert confirmation["Auto-Submitted"] == "auto-replied"
    smtp.delivered.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_comment(ticket=ticket, actor=engineer, text="Please try the backup uplink.")
    [(sender, recipients, reply)] = smtp.delivered
    assert recipients == [to] and sender == "support@streamline-kb.example.com"
    assert reply["Message-ID"].startswith(f"<skb.{ticket.pk}.")
    assert reply["In-Reply-To"] == f"<skb.{ticket.pk}@streamline-kb.example.com>"
    assert reply["Subject"].startswith(f"[#{ticket.pk}] ")
    assert "Auto-Submitted" not in reply
    assert "Please try the backup uplink." in reply.get_body(("plain",)).get_content()

    # The customer's client answers what it received, quoting it.
    with django_capture_on_commit_callbacks(execute=True):
        answer = message_receive(raw=message(
            sender=to, subject="Re: " + reply["Subject"],
            body="That fixed it, thanks!\n\n> Please try the backup uplink.",
            headers={"In-Reply-To": reply["Message-ID"],
                     "References": f"{reply['References']} {reply['Message-ID']}"}))
    assert (answer.outcome, answer.ticket) == ("reply", ticket)
    # An out-of-office answer to the same mail files nothing and is not answered.
    smtp.delivered.clear()
    with django_capture_on_commit_callbacks(execute=True):
        away = message_receive(raw=message(
            sender=to, subject="Automatic reply: " + reply["Subject"], body="I am away.",
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": reply["Message-ID"]}))
    assert away.outcome == "ignored" and away.ticket is None
    assert smtp.delivered == []


def test_an_smtp_server_that_refuses_leaves_the_update_unsent_and_says_so(
        mail_site, engineer, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_receive(raw=corpus_message("outlook-en-ping.eml")).ticket
    notification = ticket.notifications.get(purpose="update")
    assert notification.sent_at is None
