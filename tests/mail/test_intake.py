"""E-mail intake over the ticket services: who writes decides what happens."""

import datetime as dt

import pytest
from django.core import mail

from kb.mail.models import ReceivedMessage
from kb.mail.services import held_message_accept, held_message_discard, message_receive
from kb.tickets.models import Organization, Ticket
from kb.tickets.services import (
    ticket_acknowledge,
    ticket_close,
    ticket_resolve,
    ticket_wait_on_customer,
)
from tests.clock import EU_WORKING_HOURS
from tests.mail.conftest import EXPECTED, corpus_message, message

pytestmark = pytest.mark.django_db

# An hour after the corpus's messages started arriving (Wednesday 25 March
# 2026, 13:00 in Berlin): each message's trace header lies in the past.
AFTER_THE_CORPUS_ARRIVED = EU_WORKING_HOURS + dt.timedelta(hours=1)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(AFTER_THE_CORPUS_ARRIVED, tick=False)
    return AFTER_THE_CORPUS_ARRIVED


@pytest.fixture
def receive(django_capture_on_commit_callbacks):
    def _receive(raw: bytes, **kwargs) -> ReceivedMessage:
        with django_capture_on_commit_callbacks(execute=True):
            return message_receive(raw=raw, **kwargs)
    return _receive


@pytest.fixture
def alice_ticket(mail_site, now, receive) -> Ticket:
    received = receive(message(subject="RTMP push to Singapore stuttering",
                               body="OBS shows dropped frames (network) around 12%."))
    return received.ticket


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_produces_its_outcome(name, mail_site, now, receive, alice_ticket):
    expected = EXPECTED[name]
    mail.outbox.clear()
    received = receive(corpus_message(name, ticket_id=alice_ticket.pk))
    assert (received.outcome, received.reason) == (expected["outcome"], expected["reason"])
    if expected["outcome"] == "ticket":
        ticket = received.ticket
        assert ticket.organization.name == expected["organization"]
        assert ticket.priority == expected["priority"]
        assert ticket.language == expected["language"]
        assert ticket.subject == expected["subject"]
        assert expected["shows"] in ticket.description
        if "requester" in expected:
            assert ticket.requester.username == expected["requester"]
        else:
            assert ticket.requester is None
            assert ticket.contact_email == expected["contact"]
        attachments = list(ticket.attachments.order_by("pk"))
        assert [a.name for a in attachments] == expected.get("attachments", [])
        assert [a.detected for a in attachments] == expected.get("detected", [])
        # The customer is told the ticket was filed, in the thread of its ticket.
        [told] = sent_to(received.sender)
        assert told.extra_headers["Auto-Submitted"] == "auto-replied"
    elif expected["outcome"] == "reply":
        assert received.ticket == alice_ticket
        comment = alice_ticket.events.filter(kind="comment").last()
        assert expected["shows"] in comment.text
        assert expected["hides"] not in comment.text
        assert comment.actor == mail_site["alice"]
    elif expected["outcome"] == "held":
        assert received.ticket is None and received.review == "waiting"
        [notice] = sent_to(received.sender)
        assert notice.extra_headers["Auto-Submitted"] == "auto-replied"
        assert notice.extra_headers["In-Reply-To"] == f"<{received.message_id}>"
    else:
        assert received.ticket is None
        assert mail.outbox == []
    assert Ticket.objects.count() == 1 + (expected["outcome"] == "ticket")


def test_the_same_message_twice_files_once_and_answers_the_first_outcome(
        mail_site, now, receive):
    raw = corpus_message("foxmail-gbk-stream-down.eml")
    first = receive(raw)
    sent = len(mail.outbox)
    # A relay retry: another trace header on top, the same Message-ID.
    again = receive(b"Received: from relay2.example by mx; Wed, 25 Mar 2026 11:50:00 +0000\r\n"
                    + raw)
    assert again.pk == first.pk and again.outcome == "ticket"
    assert Ticket.objects.count() == 1
    assert len(mail.outbox) == sent
    assert ReceivedMessage.objects.count() == 1


def test_sla_clock_starts_when_the_message_arrived(mail_site, now, receive):
    received = receive(corpus_message("foxmail-gbk-stream-down.eml"))
    arrived = dt.datetime(2026, 3, 25, 10, 42, 31, tzinfo=dt.UTC)
    assert received.arrived_at == arrived
    ticket = received.ticket
    assert ticket.created_at == arrived
    # P1: acknowledged within 5 minutes of arrival, not of processing.
    assert ticket.acknowledge_due == arrived + dt.timedelta(minutes=5)


def test_stream_down_mail_pages_like_any_p1(mail_site, now, receive, engineer):
    received = receive(corpus_message("foxmail-gbk-stream-down.eml"))
    assert received.ticket.notifications.filter(purpose="page").exists() or \
        received.ticket.page_alarm is not None


def test_reply_by_subject_reference_lands_on_the_ticket(mail_site, now, receive,
                                                        alice_ticket):
    received = receive(message(subject=f"Re: [SKB-{alice_ticket.pk}] still stuttering",
                               body="It is back since 12:40."))
    assert (received.outcome, received.ticket) == ("reply", alice_ticket)
    assert alice_ticket.events.filter(kind="comment", text="It is back since 12:40.").exists()


def test_forged_reference_from_another_organization_files_its_own_ticket(
        mail_site, now, receive, alice_ticket, django_user_model):
    globex = Organization.objects.create(name="Globex", verified_domains=["globex.example"])
    mallory = django_user_model.objects.create_user("mallory", email="m@globex.example")
    globex.members.add(mallory)
    received = receive(message(sender="m@globex.example",
                               subject=f"Re: [SKB-{alice_ticket.pk}] let me in",
                               body="What is this ticket about?",
                               headers={"In-Reply-To": f"<skb.{alice_ticket.pk}.1@"
                                                       "streamline-kb.example.com>"}))
    assert received.outcome == "ticket"
    assert received.ticket.organization == globex
    assert not alice_ticket.events.filter(text__contains="What is this ticket").exists()


def test_reply_to_the_sites_message_id_threads_for_a_contact(mail_site, now, receive):
    filed = receive(corpus_message("foxmail-gbk-stream-down.eml")).ticket
    reply = receive(message(sender="zhangwei@huaxin.example.cn", subject="Re: 工单",
                            body="已经恢复了，谢谢。",
                            headers={"In-Reply-To": f"<skb.{filed.pk}@"
                                                    "streamline-kb.example.com>"}))
    assert (reply.outcome, reply.reason, reply.ticket) == ("reply", "threaded", filed)
    comment = filed.events.get(kind="comment")
    assert comment.actor is None
    assert "zhangwei@huaxin.example.cn" in comment.text and "已经恢复了" in comment.text


def test_reply_by_a_received_message_id_threads(mail_site, now, receive, alice_ticket):
    original = ReceivedMessage.objects.get(ticket=alice_ticket)
    received = receive(message(subject="more", body="One more log.",
                               headers={"References": f"<{original.message_id}>"}))
    assert (received.outcome, received.ticket) == ("reply", alice_ticket)


def test_contact_reply_restarts_a_ticket_waiting_on_them(mail_site, now, receive, engineer):
    ticket = receive(corpus_message("foxmail-gbk-stream-down.eml")).ticket
    ticket_acknowledge(ticket=ticket, actor=engineer)
    ticket_wait_on_customer(ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer,
                            question="OBS 日志发一下？")
    receive(message(sender="zhangwei@huaxin.example.cn", subject=f"Re: [#{ticket.pk}]",
                    body="日志在附件。"))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ACKNOWLEDGED


def _closed(ticket: Ticket, engineer) -> Ticket:
    ticket_acknowledge(ticket=ticket, actor=engineer)
    ticket_resolve(ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer,
                   summary="Moved the encoder to the backup uplink.")
    return ticket_close(ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer)


def test_reply_to_a_closed_ticket_reopens_it_within_the_window(
        mail_site, now, receive, alice_ticket, engineer, time_machine):
    _closed(alice_ticket, engineer)
    time_machine.move_to(now + dt.timedelta(days=3), tick=False)
    received = receive(message(subject=f"Re: [SKB-{alice_ticket.pk}]",
                               body="It is stuttering again."))
    alice_ticket.refresh_from_db()
    assert (received.outcome, received.reason) == ("reply", "reopened")
    assert alice_ticket.status == Ticket.Status.REOPENED


def test_reply_after_the_window_files_a_new_ticket_naming_the_old(
        mail_site, now, receive, alice_ticket, engineer, time_machine, settings):
    _closed(alice_ticket, engineer)
    time_machine.move_to(now + dt.timedelta(days=settings.KB_MAIL_REOPEN_DAYS + 1), tick=False)
    received = receive(message(subject=f"Re: [SKB-{alice_ticket.pk}]",
                               body="The same stutter is back."))
    alice_ticket.refresh_from_db()
    assert alice_ticket.status == Ticket.Status.CLOSED
    assert (received.outcome, received.reason) == ("ticket", "follow_up")
    assert received.follows_ticket == alice_ticket
    assert f"Follow-up of ticket #{alice_ticket.pk}" in received.ticket.description
    assert received.ticket.requester == mail_site["alice"]


def test_a_sender_over_the_hourly_limit_is_throttled_with_one_notice(
        mail_site, now, receive, settings):
    settings.KB_MAIL_TICKETS_PER_HOUR = 2
    outcomes = [receive(message(subject=f"Problem {n}", body=f"Problem number {n}")).reason
                for n in range(4)]
    assert outcomes == ["filed_as_user", "filed_as_user", "throttled", "throttled"]
    notices = [m for m in sent_to("alice@acme.example") if "within an hour" in m.body]
    assert len(notices) == 1
    assert Ticket.objects.count() == 2


def test_over_the_size_limit_is_refused_with_the_limit_and_nothing_filed(
        mail_site, now, receive, settings):
    settings.KB_MAIL_MAX_BYTES = 1024 * 1024
    received = receive(message(subject="Huge log", body="x" * 1_200_000))
    assert (received.outcome, received.reason) == ("ignored", "too_large")
    assert Ticket.objects.count() == 0
    [notice] = sent_to("alice@acme.example")
    assert "was 1.1 MB" in notice.body and "up to 1 MB" in notice.body
    assert notice.extra_headers["Auto-Submitted"] == "auto-replied"


def test_unknown_sender_is_held_and_answered_once_a_day(mail_site, now, receive):
    first = receive(corpus_message("apple-mail-qp-unknown-sender.eml"))
    second = receive(message(sender="joelle@lumiere-events.example", subject="And another",
                             body="One more question."))
    assert first.outcome == second.outcome == "held"
    assert len(sent_to("joelle@lumiere-events.example")) == 1


def test_staff_accept_files_a_held_message_in_the_holding_organization(
        mail_site, now, receive, engineer):
    held = receive(corpus_message("apple-mail-qp-unknown-sender.eml"))
    accepted = held_message_accept(received=held, actor=engineer)
    assert accepted.outcome == "held" and accepted.review == "accepted"
    ticket = accepted.ticket
    assert ticket.organization.holding
    assert ticket.contact_email == "joelle@lumiere-events.example"
    assert "trial “backup line”" in ticket.description
    # The relay asking again still hears the first outcome.
    again = message_receive(raw=corpus_message("apple-mail-qp-unknown-sender.eml"))
    assert again.outcome == "held"


def test_staff_discard_leaves_no_ticket(mail_site, now, receive, engineer):
    held = receive(corpus_message("thunderbird-iso2022jp.eml"))
    assert held_message_discard(received=held, actor=engineer).review == "discarded"
    assert Ticket.objects.count() == 0


def test_out_of_office_answer_to_the_sites_mail_creates_nothing(
        mail_site, now, receive, alice_ticket):
    mail.outbox.clear()
    events = alice_ticket.events.count()
    received = receive(corpus_message("outlook-out-of-office.eml"))
    assert received.outcome == "ignored"
    assert alice_ticket.events.count() == events
    assert mail.outbox == []


def test_failed_dmarc_is_held_even_from_a_known_address(mail_site, now, receive):
    received = receive(message(subject="Please add me", body="hi", headers={
        "Authentication-Results": "mx.example; spf=fail; dmarc=fail header.from=acme.example"}))
    assert (received.outcome, received.reason) == ("held", "authentication_failed")


def test_undecodable_message_is_held_with_the_reason(mail_site, now, receive):
    received = receive(b"From: someone@acme.example\r\nMessage-ID: <x@y>\r\n\r\n")
    assert (received.outcome, received.reason) == ("held", "undecodable")


def test_the_polite_answer_is_in_the_language_the_sender_wrote(mail_site, now, receive):
    receive(message(sender="wang@unknown-studio.example.cn", subject="推流一直卡顿",
                    body="你好，我们的直播推流到新加坡一直卡顿，怎么处理？"))
    [notice] = sent_to("wang@unknown-studio.example.cn")
    assert "感谢您联系" in notice.body
    assert notice.subject == "Re: 推流一直卡顿"


def test_a_follow_up_is_written_in_the_customers_language(
        mail_site, now, receive, engineer, time_machine, settings):
    ticket = receive(corpus_message("foxmail-gbk-stream-down.eml")).ticket
    _closed(ticket, engineer)
    time_machine.move_to(now + dt.timedelta(days=settings.KB_MAIL_REOPEN_DAYS + 1), tick=False)
    received = receive(message(sender="zhangwei@huaxin.example.cn",
                               subject=f"回复：[#{ticket.pk}] 又断流了", body="今天又断流了。"))
    assert received.reason == "follow_up"
    assert f"接续工单 #{ticket.pk}" in received.ticket.description


def test_a_message_the_ticket_service_refuses_waits_for_staff_with_the_reason(
        mail_site, now, receive):
    received = receive(message(sender="zhang..wei@huaxin.example.cn", subject="断流",
                               body="直播断流了"))
    assert (received.outcome, received.reason) == ("held", "refused")
    assert "ops@example.com" in received.notes[-1]  # the service's own refusal
    assert Ticket.objects.count() == 0
