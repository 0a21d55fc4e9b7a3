"""Staff decide on held messages in the admin."""

import pytest

from kb.mail.models import ReceivedMessage
from kb.mail.services import message_receive
from tests.mail.conftest import corpus_message

pytestmark = pytest.mark.django_db


def test_support_engineer_accepts_a_held_message_from_the_list(mail_site, engineer, client):
    held = message_receive(raw=corpus_message("apple-mail-qp-unknown-sender.eml"))
    client.force_login(engineer)
    page = client.get("/admin/mail/receivedmessage/?outcome=held")
    assert "Question about the Frankfurt" in page.content.decode()
    response = client.post("/admin/mail/receivedmessage/", {
        "action": "accept", "_selected_action": [held.pk]}, follow=True)
    assert "1 message filed as a ticket." in response.content.decode()
    held.refresh_from_db()
    assert held.review == "accepted" and held.ticket.contact_email == held.sender


def test_the_original_is_shown_as_text_never_rendered(mail_site, engineer, client):
    received = message_receive(raw=corpus_message("webmail-big5-html-only.eml"))
    client.force_login(engineer)
    page = client.get(f"/admin/mail/receivedmessage/{received.pk}/change/").content.decode()
    assert "<script>alert" not in page
    assert ReceivedMessage.objects.count() == 1


def test_curators_cannot_accept(mail_site, curator, client):
    held = message_receive(raw=corpus_message("apple-mail-qp-unknown-sender.eml"))
    client.force_login(curator)
    client.post("/admin/mail/receivedmessage/", {"action": "accept",
                                                 "_selected_action": [held.pk]})
    held.refresh_from_db()
    assert held.review == "waiting"
