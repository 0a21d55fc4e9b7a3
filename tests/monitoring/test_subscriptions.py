"""Subscribing to the status page by e-mail: double opt-in, one e-mail per
incident update in the subscriber's language, unsubscribing in one click."""

import datetime as dt
import re
import socket

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from kb.monitoring.messages import regional_title
from kb.monitoring.models import Incident, IncidentUpdate, StatusNotice, StatusSubscriber
from kb.monitoring.status import status_cache_clear
from kb.monitoring.subscriptions import notices_send
from kb.monitoring.tasks import status_notices_send_task

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
LINK = re.compile(re.escape(settings.KB_SITE_URL) + r"(/status/(?:confirm|unsubscribe)/[\w-]+)")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    status_cache_clear()

    def move(at: dt.datetime) -> None:
        time_machine.move_to(at, tick=False)

    yield move
    status_cache_clear()


@pytest.fixture
def incident(clock):
    return Incident.objects.create(region="sea", severity="degraded", public=True,
                                   title="Packet loss into Southeast Asia",
                                   opened_at=NOW - 20 * MINUTE)


@pytest.fixture
def private_incident(clock):
    return Incident.objects.create(region="cn", severity="down", public=False,
                                   title="Acme studio line down",
                                   opened_at=NOW - 20 * MINUTE)


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


def staff_update(incident, *, at, text="The carrier is replacing a card in Singapore.",
                 status="identified"):
    return IncidentUpdate.objects.create(incident=incident, status=status, body=text,
                                         body_html=f"<p>{text}</p>", created_at=at)


def link_in(message, kind: str) -> str:
    paths = [path for path in LINK.findall(message.body) if f"/{kind}/" in path]
    assert paths, message.body
    return paths[0]


def subscribe_and_confirm(client, mailoutbox, email="ops@example.com", **headers) -> str:
    response = client.post("/status/subscribe", {"email": email}, **headers)
    assert response.status_code == 200
    confirm = link_in(mailoutbox[-1], "confirm")
    assert client.post(confirm, **headers).status_code == 200
    return confirm


class TestSubscribe:
    def test_the_status_page_offers_the_form_and_the_feed(self, client, clock):
        page = client.get("/status/").content.decode()
        assert 'action="/status/subscribe"' in page
        assert '<link rel="alternate" type="application/atom+xml"' in page
        assert 'href="/status/feed.atom?lang=en"' in page

    def test_a_confirmation_link_is_mailed_and_only_the_button_confirms(
            self, client, clock, mailoutbox):
        response = client.post("/status/subscribe", {"email": "Ops@Example.COM"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "We sent an e-mail to Ops@Example.COM" in page
        (message,) = mailoutbox
        assert message.to == ["Ops@example.com"]
        assert message.subject == "Confirm your subscription to Streamline KB status"
        confirm = link_in(message, "confirm")
        # A mail scanner fetching the link subscribes nobody.
        shown = client.get(confirm)
        assert shown.status_code == 200
        assert "Confirm subscription" in shown.content.decode()
        assert StatusSubscriber.objects.get().confirmed_at is None
        done = client.post(confirm)
        assert done.status_code == 200
        assert "You are subscribed" in done.content.decode()
        assert StatusSubscriber.objects.get().confirmed_at == NOW

    def test_a_subscribed_address_gets_the_same_answer_and_a_reminder(
            self, client, clock, mailoutbox):
        subscribe_and_confirm(client, mailoutbox)
        unknown = client.post("/status/subscribe", {"email": "new@example.com"})
        known = client.post("/status/subscribe", {"email": "ops@example.com"})
        assert known.status_code == unknown.status_code == 200

        def answer(response, email):
            page = response.content.decode()
            return page[page.index("<main"):page.index("</main>")].replace(email, "ADDRESS")

        assert answer(known, "ops@example.com") == answer(unknown, "new@example.com")
        reminder = mailoutbox[-1]
        assert reminder.subject == "You are already subscribed to Streamline KB status"
        assert link_in(reminder, "unsubscribe")
        assert StatusSubscriber.objects.count() == 2

    def test_the_form_has_its_own_page_for_a_reload(self, client, clock):
        response = client.get("/status/subscribe")
        assert response.status_code == 200
        assert 'id="status-subscribe-email"' in response.content.decode()

    def test_an_invalid_address_is_refused_with_a_message(self, client, clock, mailoutbox):
        response = client.post("/status/subscribe", {"email": "not an address"})
        assert response.status_code == 400
        assert "Enter a valid e-mail address" in response.content.decode()
        assert client.post("/status/subscribe", {}).status_code == 400
        assert mailoutbox == [] and not StatusSubscriber.objects.exists()

    def test_a_burst_from_one_address_is_limited(self, client, clock, mailoutbox, settings):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "status_subscribe": "3/hour"}}
        for number in range(3):
            assert client.post("/status/subscribe",
                               {"email": f"ops{number}@example.com"}).status_code == 200
        refused = client.post("/status/subscribe", {"email": "victim@example.com"})
        assert refused.status_code == 429
        assert "Please try again in" in refused.content.decode()
        assert int(refused["Retry-After"]) > 0
        assert len(mailoutbox) == 3
        assert not StatusSubscriber.objects.filter(email="victim@example.com").exists()

    def test_when_the_mail_cannot_be_sent_the_page_says_so(self, client, clock,
                                                           refusing_smtp, caplog):
        response = client.post("/status/subscribe", {"email": "ops@example.com"})
        page = response.content.decode()
        assert response.status_code == 503
        assert "We could not send the e-mail to ops@example.com" in page
        assert "We sent" not in page
        assert "status_subscribe_mail_failed" in caplog.text

    def test_a_confirmation_link_expires_after_a_week(self, client, clock, mailoutbox):
        client.post("/status/subscribe", {"email": "ops@example.com"})
        confirm = link_in(mailoutbox[0], "confirm")
        clock(NOW + dt.timedelta(days=8))
        response = client.get(confirm)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
        assert client.post(confirm).status_code == 404
        assert StatusSubscriber.objects.get().confirmed_at is None

    def test_an_unknown_link_is_not_found_with_a_message(self, client, clock):
        for path in ("/status/confirm/no-such-token", "/status/unsubscribe/no-such-token"):
            response = client.get(path)
            assert response.status_code == 404
            assert "This link is not valid" in response.content.decode()
            assert client.post(path).status_code == 404


class TestNotices:
    def test_an_update_is_mailed_once_after_confirming_and_never_before(
            self, client, clock, mailoutbox, incident):
        client.post("/status/subscribe", {"email": "ops@example.com"})
        confirm = link_in(mailoutbox[0], "confirm")
        staff_update(incident, at=NOW, text="Written before the address confirmed.")
        clock(NOW + MINUTE)
        assert notices_send() == {"sent": 0, "failed": 0}
        client.post(confirm)
        clock(NOW + 2 * MINUTE)
        staff_update(incident, at=NOW + 2 * MINUTE)
        assert notices_send() == {"sent": 1, "failed": 0}
        assert notices_send() == {"sent": 0, "failed": 0}
        notice = mailoutbox[-1]
        assert len(mailoutbox) == 2
        assert notice.to == ["ops@example.com"]
        assert notice.subject == ("[Streamline KB status] Packet loss into Southeast Asia: "
                                  "Identified")
        assert "The carrier is replacing a card in Singapore." in notice.body
        assert "Written before" not in notice.body
        assert "Degraded, Open" in notice.body
        assert f"{settings.KB_SITE_URL}/status/incidents/{incident.pk}/" in notice.body
        unsubscribe = link_in(notice, "unsubscribe")
        assert notice.extra_headers["List-Unsubscribe"] == (
            f"<{settings.KB_SITE_URL}{unsubscribe}>")
        assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_the_update_is_written_in_the_subscribers_language(self, clock, mailoutbox,
                                                               incident):
        chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        chinese.post("/status/subscribe", {"email": "noc@example.cn"})
        assert "确认" in mailoutbox[0].subject
        chinese.post(link_in(mailoutbox[0], "confirm"))
        subscribe_and_confirm(Client(), mailoutbox, "ops@example.com")
        IncidentUpdate.objects.create(
            incident=incident, status="investigating", code="detected_down",
            params={"line": "Singapore ingest", "minutes": 3}, created_at=NOW + MINUTE)
        clock(NOW + MINUTE)
        notices_send()
        by_address = {m.to[0]: m for m in mailoutbox[-2:]}
        assert "Monitoring detected Singapore ingest down" in by_address["ops@example.com"].body
        zh = by_address["noc@example.cn"]
        assert "Singapore ingest" in zh.body and "Monitoring detected" not in zh.body
        assert "排查中" in zh.subject  # Investigating
        assert "退订" in zh.body

    def test_a_region_incident_monitoring_titled_is_titled_in_chinese(self, clock,
                                                                       mailoutbox):
        with translation.override("en"):
            english = regional_title(region="sea", severity="down")
        with translation.override("zh-hans"):
            chinese = regional_title(region="sea", severity="down")
        assert chinese != english
        region = Incident.objects.create(region="sea", severity="down", public=True,
                                         title=english, opened_at=NOW)
        subscribe_and_confirm(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), mailoutbox)
        staff_update(region, at=NOW + MINUTE)
        clock(NOW + MINUTE)
        notices_send()
        assert chinese in mailoutbox[-1].subject and chinese in mailoutbox[-1].body
        assert english not in mailoutbox[-1].body

    def test_a_private_incident_is_never_mailed(self, client, clock, mailoutbox,
                                                private_incident):
        subscribe_and_confirm(client, mailoutbox)
        staff_update(private_incident, at=NOW + MINUTE)
        clock(NOW + 2 * MINUTE)
        assert notices_send() == {"sent": 0, "failed": 0}
        assert len(mailoutbox) == 1  # the confirmation only

    def test_a_failed_send_stays_unsent_and_the_next_run_sends_it(
            self, client, clock, mailoutbox, incident, refusing_smtp, caplog):
        refusing_smtp.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        subscribe_and_confirm(client, mailoutbox)
        refusing_smtp.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        staff_update(incident, at=NOW + MINUTE)
        clock(NOW + 2 * MINUTE)
        assert notices_send() == {"sent": 0, "failed": 1}
        assert not StatusNotice.objects.exists()
        assert "status_notice_failed" in caplog.text
        refusing_smtp.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        clock(NOW + 3 * MINUTE)
        assert notices_send() == {"sent": 1, "failed": 0}
        assert StatusNotice.objects.count() == 1

    def test_an_update_a_day_old_is_not_sent_any_more(self, client, clock, mailoutbox,
                                                      incident):
        subscribe_and_confirm(client, mailoutbox)
        staff_update(incident, at=NOW + MINUTE)
        clock(NOW + dt.timedelta(hours=25))
        assert notices_send() == {"sent": 0, "failed": 0}

    def test_beat_runs_the_sending_every_minute(self, client, clock, mailoutbox, incident):
        entry = settings.CELERY_BEAT_SCHEDULE["monitoring-status-notices"]
        assert entry == {"task": "kb.monitoring.tasks.status_notices_send_task",
                         "schedule": 60}
        subscribe_and_confirm(client, mailoutbox)
        staff_update(incident, at=NOW + MINUTE)
        clock(NOW + MINUTE)
        assert status_notices_send_task.delay().get() == {
            "sent": 1, "failed": 0, "unconfirmed_deleted": 0}
        assert status_notices_send_task.delay().get()["sent"] == 0

    def test_an_address_that_never_confirmed_is_forgotten_after_a_week(
            self, client, clock, mailoutbox):
        client.post("/status/subscribe", {"email": "never@example.com"})
        subscribe_and_confirm(client, mailoutbox, "ops@example.com")
        clock(NOW + dt.timedelta(days=6))
        assert status_notices_send_task.delay().get()["unconfirmed_deleted"] == 0
        clock(NOW + dt.timedelta(days=7, minutes=1))
        assert status_notices_send_task.delay().get()["unconfirmed_deleted"] == 1
        assert list(StatusSubscriber.objects.values_list("email", flat=True)) == [
            "ops@example.com"]


class TestUnsubscribe:
    def test_the_button_unsubscribes_and_the_link_then_names_nobody(
            self, client, clock, mailoutbox):
        subscribe_and_confirm(client, mailoutbox)
        client.post("/status/subscribe", {"email": "ops@example.com"})
        unsubscribe = link_in(mailoutbox[-1], "unsubscribe")
        shown = client.get(unsubscribe)
        assert shown.status_code == 200 and "Unsubscribe" in shown.content.decode()
        assert StatusSubscriber.objects.exists()  # fetching the link changes nothing
        done = client.post(unsubscribe)
        assert done.status_code == 200
        assert "ops@example.com gets no more status e-mails" in done.content.decode()
        assert not StatusSubscriber.objects.exists()
        assert client.get(unsubscribe).status_code == 404

    def test_a_mail_clients_one_click_post_unsubscribes(self, client, clock, mailoutbox,
                                                        incident):
        subscribe_and_confirm(client, mailoutbox)
        staff_update(incident, at=NOW + MINUTE)
        clock(NOW + MINUTE)
        notices_send()
        header = mailoutbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
        # RFC 8058: the client POSTs this body, with no cookie and no CSRF token.
        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(header.removeprefix(settings.KB_SITE_URL),
                                    "List-Unsubscribe=One-Click",
                                    content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert not StatusSubscriber.objects.exists()
