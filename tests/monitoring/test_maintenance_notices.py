"""Planned maintenance notices: 72 hours and 1 hour ahead and when it ended,
to the customers of the covered lines and the status page's subscribers."""

import datetime as dt
import socket

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from kb.monitoring.models import MaintenanceNotice, StatusSubscriber
from kb.monitoring.services import maintenance_create
from kb.monitoring.tasks import maintenance_notices_task
from tests.monitoring.conftest import UTC, make_line

pytestmark = pytest.mark.django_db

# Thursday 10 December 2026, 02:00 UTC (10:00 in Beijing): a two-hour
# window starts then.
START = dt.datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
END = START + dt.timedelta(hours=2)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def clock(time_machine):
    def move(at: dt.datetime) -> None:
        time_machine.move_to(at, tick=False)
    return move


@pytest.fixture
def acme_line(acme):
    return make_line(acme[0], name="Acme Shanghai studio -> Singapore")


@pytest.fixture
def globex_line(globex):
    return make_line(globex[0], name="Globex Guangzhou -> Singapore", from_region="cn",
                     to_region="sea", language="zh-hans", contact_email="ops@globex.example")


def plan(*, starts=START, ends=END, regions=("sea",), lines=(), public=True,
         title="Singapore ingest upgrade"):
    return maintenance_create(title=title, starts_at=starts, ends_at=ends,
                              regions=list(regions), lines=list(lines), public=public,
                              description="New ingest servers in Singapore.")


def run():
    maintenance_notices_task()
    sent = list(mail.outbox)
    mail.outbox.clear()
    return sent


def to(messages, address):
    return [m for m in messages if m.to == [address]]


def subscriber(email, *, language="en", confirmed=True):
    return StatusSubscriber.objects.create(
        email=email, token=email, language=language, created_at=START - 30 * 24 * HOUR,
        confirmed_at=START - 29 * 24 * HOUR if confirmed else None)


class TestWhen:
    def test_announced_72_hours_ahead_once_when_the_task_runs_twice(self, clock, acme_line):
        clock(START - 10 * 24 * HOUR)
        plan()
        clock(START - 72 * HOUR - MINUTE)
        assert run() == []
        clock(START - 72 * HOUR)
        sent = run()
        assert run() == []
        assert [m.to for m in sent] == [["alice@example.com"]]
        message = sent[0]
        assert "Singapore ingest upgrade" in message.subject
        assert "2026-12-10 02:00 UTC" in message.body and "04:00 UTC" in message.body
        assert "Southeast Asia" in message.body
        assert "Acme Shanghai studio -> Singapore" in message.body
        assert "New ingest servers in Singapore." in message.body
        assert "opens no incident and no ticket" in message.body
        assert f"{settings.KB_SITE_URL}{reverse('monitoring:lines')}" in message.body
        assert f"{settings.KB_SITE_URL}{reverse('status-page')}" in message.body
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
        assert MaintenanceNotice.objects.get().kind == "ahead_72h"

    def test_a_window_planned_10_hours_ahead_is_announced_at_once(self, clock, acme_line):
        clock(START - 10 * HOUR)
        plan()
        assert len(run()) == 1

    def test_reminded_in_the_last_hour_then_told_when_it_ended(self, clock, acme_line):
        clock(START - 5 * 24 * HOUR)
        plan()
        clock(START - 72 * HOUR)
        assert len(run()) == 1
        clock(START - HOUR - MINUTE)
        assert run() == []
        clock(START - HOUR)
        reminder = run()
        assert len(reminder) == 1 and "starts in 60 min" in reminder[0].subject
        assert "starts in 60 minutes, at 2026-12-10 02:00 UTC" in reminder[0].body
        clock(START + HOUR)
        assert run() == []  # under way: nothing to tell
        clock(END)
        ended = run()
        assert len(ended) == 1 and "ended" in ended[0].subject
        assert "ended at 2026-12-10 04:00 UTC" in ended[0].body
        assert run() == []
        assert sorted(MaintenanceNotice.objects.values_list("kind", flat=True)) == [
            "ahead_1h", "ahead_72h", "ended"]

    def test_a_window_planned_30_minutes_ahead_gets_one_notice_before_it_starts(
            self, clock, acme_line):
        clock(START - 30 * MINUTE)
        plan()
        sent = run()
        assert len(sent) == 1 and "starts in 30 min" in sent[0].subject
        clock(START - 10 * MINUTE)
        assert run() == []
        clock(END + MINUTE)
        assert len(run()) == 1  # and the end

    def test_no_reminder_right_after_the_announcement(self, clock, acme_line):
        clock(START - 90 * MINUTE)
        plan()
        assert len(run()) == 1
        clock(START - 59 * MINUTE)
        assert run() == []

    def test_a_window_entered_after_it_ended_or_started_mails_nobody(self, clock, acme_line):
        clock(START + 30 * MINUTE)
        plan()
        assert run() == []
        clock(END + MINUTE)
        assert run() == []
        plan(starts=START - 24 * HOUR, ends=END - 24 * HOUR, title="Last week's work")
        assert run() == []
        assert not MaintenanceNotice.objects.exists()

    def test_no_ended_notice_a_day_after_the_end(self, clock, acme_line):
        clock(START - 2 * HOUR)
        plan()
        assert len(run()) == 1
        clock(END + 24 * HOUR)
        assert run() == []


class TestWho:
    def test_each_customer_in_their_language_with_only_their_own_lines(
            self, clock, acme_line, globex_line):
        clock(START - 10 * HOUR)
        plan()
        sent = run()
        (acme,) = to(sent, "alice@example.com")
        (globex,) = to(sent, "ops@globex.example")
        assert "Acme Shanghai studio -> Singapore" in acme.body
        assert "Globex" not in acme.body and "Globex" not in acme.subject
        assert "Globex Guangzhou -> Singapore" in globex.body
        assert "Acme" not in globex.body and "Acme" not in globex.subject
        assert "计划维护" in globex.subject
        assert "北京时间 2026-12-10 10:00" in globex.body
        assert "2026-12-10 02:00 UTC" in globex.body
        assert "东南亚" in globex.body
        assert "北京时间" not in acme.body

    def test_an_inactive_line_or_a_line_elsewhere_is_not_told(self, clock, acme, globex):
        make_line(acme[0], name="Acme to Frankfurt", from_region="na", to_region="eu")
        retired = make_line(globex[0], name="Globex old line",
                            contact_email="ops@globex.example")
        retired.active = False
        retired.save(update_fields=["active"])
        clock(START - 10 * HOUR)
        plan()
        assert run() == []

    def test_a_line_named_by_the_window_is_covered_outside_its_regions(self, clock, acme):
        line = make_line(acme[0], name="Acme to Frankfurt", from_region="na",
                         to_region="eu")
        clock(START - 10 * HOUR)
        plan(regions=(), lines=[line])
        (message,) = run()
        assert "Acme to Frankfurt" in message.body and "regions" not in message.body

    def test_confirmed_subscribers_get_public_windows_only(self, clock, acme_line):
        subscriber("fan@example.org")
        subscriber("late@example.org", confirmed=False)
        subscriber("zhang@example.cn", language="zh-hans")
        clock(START - 10 * HOUR)
        plan()
        plan(public=False, title="Private work on Acme's line", regions=(),
             lines=[acme_line])
        sent = run()
        assert sorted(m.to[0] for m in sent) == [
            "alice@example.com", "alice@example.com", "fan@example.org", "zhang@example.cn"]
        (fan,) = to(sent, "fan@example.org")
        assert "Singapore ingest upgrade" in fan.subject and "Southeast Asia" in fan.body
        assert "Acme" not in fan.body and "/monitoring/" not in fan.body
        assert "subscribed" in fan.body
        unsubscribe = settings.KB_SITE_URL + reverse("status-unsubscribe",
                                                     args=["fan@example.org"])
        assert f"Unsubscribe: {unsubscribe}" in fan.body
        assert fan.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        (alice,) = to(sent, "alice@example.com")[:1]
        assert "List-Unsubscribe" not in alice.extra_headers
        assert "Unsubscribe" not in alice.body
        (zhang,) = to(sent, "zhang@example.cn")
        assert "北京时间" in zhang.body and "Acme" not in zhang.body

    def test_subscribers_see_the_public_routes_a_window_names_not_customer_lines(
            self, clock, acme, acme_line):
        route = make_line(acme[0], name="Shanghai -> Singapore dedicated route",
                          public=True, contact_email="noc@streamline.example")
        subscriber("fan@example.org")
        clock(START - 10 * HOUR)
        plan(regions=(), lines=[route, acme_line])
        (fan,) = to(run(), "fan@example.org")
        assert "Shanghai -> Singapore dedicated route" in fan.body
        assert "Acme Shanghai studio" not in fan.body

    def test_an_address_both_customer_and_subscriber_gets_one_notice(self, clock,
                                                                    acme_line):
        subscriber("Alice@Example.com", language="zh-hans")
        clock(START - 10 * HOUR)
        plan()
        (message,) = run()
        assert message.to == ["alice@example.com"]
        assert "Acme Shanghai studio -> Singapore" in message.body  # the customer's


@pytest.fixture
def refusing_smtp(settings):
    """An SMTP server that is not there: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings


def test_a_failed_send_records_nothing_and_the_next_run_sends(clock, acme_line, globex_line,
                                                              refusing_smtp, caplog):
    for n in range(3):
        subscriber(f"fan{n}@example.org")
    clock(START - 10 * HOUR)
    plan()
    assert run() == []
    assert not MaintenanceNotice.objects.exists()
    # Three refusals in a row: the mail server is down, the run stops
    # there instead of trying each of the five addresses.
    assert caplog.text.count("maintenance_notice_failed") == 3
    assert "maintenance_notices_paused" in caplog.text
    refusing_smtp.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock(START - 10 * HOUR + MINUTE)
    assert len(run()) == 5
    assert MaintenanceNotice.objects.filter(email="alice@example.com").count() == 1


def test_the_admin_lists_the_notices_sent(clock, acme_line, admin_client):
    clock(START - HOUR)
    window = plan()
    run()
    page = admin_client.get(reverse("admin:monitoring_maintenance_changelist"))
    assert "0 / 1 / 0" in page.content.decode()
    detail = admin_client.get(reverse("admin:monitoring_maintenance_change",
                                      args=[window.pk]))
    assert "alice@example.com" in detail.content.decode()
