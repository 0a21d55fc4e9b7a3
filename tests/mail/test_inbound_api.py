"""POST /api/v1/mail/inbound: the relay's way in."""

import pytest
from django.core import mail

from kb.mail.models import ReceivedMessage
from kb.tickets.models import Ticket
from tests.mail.conftest import corpus_message, message

pytestmark = pytest.mark.django_db

URL = "/api/v1/mail/inbound"


def post(client, raw: bytes, *, secret: str | None = "relay-secret-for-tests",
         content_type: str = "message/rfc822"):
    headers = {"HTTP_X_KB_RELAY_SECRET": secret} if secret is not None else {}
    return client.post(URL, data=raw, content_type=content_type, **headers)


def test_a_customers_mail_becomes_a_ticket(mail_site, client):
    response = post(client, corpus_message("foxmail-gbk-stream-down.eml"))
    assert response.status_code == 202
    ticket = Ticket.objects.get()
    assert response.json() == {"outcome": "ticket", "ticket": ticket.pk,
                               "reason": "filed_for_domain"}
    assert ticket.priority == "P1"


def test_the_same_message_again_answers_the_first_outcome(mail_site, client):
    raw = corpus_message("apple-mail-qp-unknown-sender.eml")
    first = post(client, raw).json()
    again = post(client, raw)
    assert again.status_code == 202 and again.json() == first == {
        "outcome": "held", "ticket": None, "reason": "unknown_sender"}
    assert ReceivedMessage.objects.count() == 1


def test_robots_mail_is_accepted_and_ignored(mail_site, client):
    response = post(client, corpus_message("postfix-bounce.eml"))
    assert response.status_code == 202
    assert response.json() == {"outcome": "ignored", "ticket": None, "reason": "bounce"}


@pytest.mark.parametrize("secret", [None, "", "wrong", "relay-secret-for-tests "])
def test_a_missing_or_wrong_secret_is_refused_and_nothing_stored(mail_site, client, secret):
    response = post(client, corpus_message("outlook-en-ping.eml"), secret=secret)
    assert response.status_code == 403
    assert "X-KB-Relay-Secret" in response.json()["detail"]
    assert ReceivedMessage.objects.count() == 0


def test_without_a_configured_secret_everything_is_refused(mail_site, client, settings):
    settings.KB_MAIL_RELAY_SECRET = ""
    assert post(client, corpus_message("outlook-en-ping.eml"), secret="").status_code == 403


def test_other_content_types_are_refused(mail_site, client):
    response = post(client, b'{"a": 1}', content_type="application/json")
    assert response.status_code == 415


def test_an_empty_body_is_refused(mail_site, client):
    assert post(client, b"").status_code == 400


def test_over_the_limit_is_413_and_the_sender_is_told(mail_site, client, settings,
                                                      django_capture_on_commit_callbacks):
    settings.KB_MAIL_MAX_BYTES = 100_000
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, message(subject="Big", body="y" * 150_000))
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == 100_000
    assert Ticket.objects.count() == 0
    [notice] = mail.outbox
    assert notice.to == ["alice@acme.example"]
    assert ReceivedMessage.objects.get().reason == "too_large"


def test_the_operation_is_in_the_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/mail/inbound"]["post"]
    assert "message/rfc822" in operation["requestBody"]["content"]
    assert {"202", "400", "403", "413", "415"} <= set(operation["responses"])
