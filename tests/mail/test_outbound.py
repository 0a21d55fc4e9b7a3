"""E-mails the site sends for a ticket stay in one thread that replies find."""

import pytest
from django.core import mail

from kb.mail.services import message_receive
from kb.tickets.services import ticket_comment
from tests.mail.conftest import corpus_message, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(mail_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return message_receive(raw=corpus_message("outlook-en-ping.eml")).ticket


def test_customer_updates_carry_a_stable_message_id_and_the_thread(filed):
    [update] = mail.outbox
    notification = filed.notifications.get(purpose="update")
    assert update.extra_headers["Message-ID"] == \
        f"<skb.{filed.pk}.{notification.pk}@streamline-kb.example.com>"
    assert update.extra_headers["References"] == f"<skb.{filed.pk}@streamline-kb.example.com>"
    assert update.extra_headers["In-Reply-To"] == f"<skb.{filed.pk}@streamline-kb.example.com>"
    assert update.extra_headers["Auto-Submitted"] == "auto-replied"
    assert update.message()["Message-ID"] == update.extra_headers["Message-ID"]


def test_an_engineers_reply_is_not_marked_automatic_and_its_answer_comes_back(
        filed, engineer, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_comment(ticket=filed, actor=engineer, text="Please try the backup uplink.")
    [reply] = mail.outbox
    assert "Auto-Submitted" not in reply.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        answer = message_receive(raw=message(
            subject="Re: " + reply.subject, body="That fixed it, thanks!\n\n> Please try",
            headers={"In-Reply-To": reply.extra_headers["Message-ID"],
                     "References": reply.extra_headers["References"] + " "
                                   + reply.extra_headers["Message-ID"]}))
    assert (answer.outcome, answer.ticket) == ("reply", filed)
    assert filed.events.filter(kind="comment", text="That fixed it, thanks!").exists()


def test_p1_pages_are_marked_generated(mail_site, engineer, django_capture_on_commit_callbacks):
    from kb.tickets.models import Team

    for team in Team.objects.all():
        team.members.add(engineer)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_receive(raw=corpus_message("foxmail-gbk-stream-down.eml")).ticket
    [page] = [m for m in mail.outbox if m.to == [engineer.email]]
    assert page.extra_headers["Auto-Submitted"] == "auto-generated"
    assert page.extra_headers["References"] == f"<skb.{ticket.pk}@streamline-kb.example.com>"
