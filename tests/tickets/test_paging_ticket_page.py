"""What the customer's P1 page says about paging: only what really happened."""

import datetime as dt

import pytest

from kb.tickets.models import OnCallShift, Team
from kb.tickets.services import ticket_create
from tests.clock import EU_WORKING_HOURS
from tests.tickets.test_paging import receiver, smtp_relay  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

NEVER_SAID = ("has been paged", "nobody to page", "is on it")


@pytest.fixture
def on_call(organisation, reviewer, time_machine):
    """The EU team gets the P1 (its working hours) and the reviewer is on call."""
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    OnCallShift.objects.create(team=Team.objects.get(code="eu"), engineer=reviewer,
                               starts_at=EU_WORKING_HOURS - dt.timedelta(hours=1),
                               ends_at=EU_WORKING_HOURS + dt.timedelta(hours=1))
    return reviewer


def file_p1(acme):
    organization, requester = acme
    return ticket_create(requester=requester, organization=organization,
                         subject="Stream down", description="black screen", priority="P1",
                         region="eu", stream_id="live/acme")


def customer_view(client, acme, ticket) -> str:
    client.force_login(acme[1])
    page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert not any(claim in page for claim in NEVER_SAID)
    return page


class TestWhatTheCustomerIsTold:
    def test_while_the_page_is_pending_it_says_it_is_being_sent(self, client, acme, on_call):
        page = customer_view(client, acme, file_p1(acme))
        assert "The page is being sent to:" in page
        assert "reviewer (on call), by e-mail" in page
        assert "Paged for you" not in page

    def test_a_sent_page_names_who_was_reached_and_how(
        self, client, acme, on_call, django_capture_on_commit_callbacks,
    ):
        on_call.first_name, on_call.last_name = "Rui", "Costa"
        on_call.save()
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(acme)
        page = customer_view(client, acme, ticket)
        assert "Paged for you:" in page
        assert "Rui Costa (on call), by e-mail at" in page
        assert "being sent" not in page

    def test_the_team_paging_tool_counts_only_once_it_answered(
        self, client, acme, on_call, receiver, smtp_relay,  # noqa: F811
        django_capture_on_commit_callbacks,
    ):
        handler, url = receiver
        Team.objects.update(webhook_url=url)
        smtp_relay.refused = {"reviewer@example.com"}
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(acme)
        page = customer_view(client, acme, ticket)
        assert "the Europe team&#x27;s paging tool, at" in page or (
            "the Europe team's paging tool, at" in page)
        assert "reviewer" not in page.split("Paged for you:")[1].split("</ul>")[0]

    def test_when_no_page_succeeded_it_says_so_and_gives_the_phone(
        self, client, acme, on_call, receiver, smtp_relay,  # noqa: F811
        django_capture_on_commit_callbacks,
    ):
        handler, url = receiver
        handler.answer = 503
        Team.objects.update(webhook_url=url)
        smtp_relay.refused = {"reviewer@example.com"}
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(acme)
        page = customer_view(client, acme, ticket)
        assert "The page has not reached anyone. Please call our emergency line now." in page
        assert "Paged for you" not in page and "being sent" not in page
        assert 'href="tel:+15550100"' in page

    def test_with_nobody_to_page_the_customer_is_never_told_otherwise(
        self, client, acme, organisation, time_machine,
    ):
        time_machine.move_to(EU_WORKING_HOURS, tick=False)  # no rota, leads or members
        page = customer_view(client, acme, file_p1(acme))
        assert "The page has not reached anyone." in page


class TestEmergencyPhone:
    def test_the_example_number_is_marked_as_an_example(self, client, acme, on_call):
        page = customer_view(client, acme, file_p1(acme))
        assert "Emergency line, around the clock:" in page
        assert '<a href="tel:+15550100" data-testid="emergency-phone">+1 555 0100</a> ' \
               "(example number)" in page

    def test_the_configured_number_is_shown_in_every_state(
        self, client, acme, on_call, settings, django_capture_on_commit_callbacks,
    ):
        settings.KB_EMERGENCY_PHONE = "+44 20 7946 0958"
        pending = customer_view(client, acme, file_p1(acme))
        with django_capture_on_commit_callbacks(execute=True):
            ticket = file_p1(acme)
        sent = customer_view(client, acme, ticket)
        for page in (pending, sent):
            assert 'href="tel:+442079460958"' in page and "+44 20 7946 0958" in page
            assert "example number" not in page

    def test_other_priorities_show_no_emergency_path(self, client, acme, on_call):
        organization, requester = acme
        ticket = ticket_create(requester=requester, organization=organization,
                               subject="Question", description="?", priority="P3",
                               region="eu")
        page = customer_view(client, acme, ticket)
        assert "Emergency line" not in page


def test_the_paging_state_is_told_in_chinese(client, acme, on_call):
    client.force_login(acme[1])
    page = client.get(f"/support/tickets/{file_p1(acme).pk}/",
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "正在向以下对象发送呼叫：" in page
    assert "reviewer（值班），通过邮件" in page
    assert "24 小时紧急电话：" in page and "+1 555 0100</a> （示例号码）" in page


def test_any_page_can_show_the_paging_state_with_the_tag(acme, on_call):
    from django.template import Context, Template
    from django.utils import translation

    ticket = file_p1(acme)
    with translation.override("en"):
        html = Template("{% load paging %}{% page_status ticket %}").render(
            Context({"ticket": ticket}))
    assert "The page is being sent to:" in html and "reviewer (on call), by e-mail" in html
    assert 'href="tel:+15550100"' in html
