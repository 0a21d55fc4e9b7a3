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


def test_a_screenshot_stays_with_the_message_and_downloads_as_a_file(
        mail_site, engineer, client):
    from email.message import EmailMessage

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    mail = EmailMessage()
    mail["From"], mail["To"] = "alice@acme.example", "support@streamline-kb.example.com"
    mail["Subject"], mail["Message-ID"] = "OBS screenshot", "<shot@acme.example>"
    mail.set_content("The dropped frames are in the screenshot.")
    mail.add_attachment(png, maintype="image", subtype="png", filename="掉帧截图.png")
    received = message_receive(raw=mail.as_bytes())
    assert "掉帧截图.png (image/png, 1 KB)" in received.ticket.description
    client.force_login(engineer)
    page = client.get(f"/admin/mail/receivedmessage/{received.pk}/change/").content.decode()
    link = f"/admin/mail/receivedmessage/{received.pk}/file/0/"
    assert link in page
    download = client.get(link)
    assert download.content == png
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/admin/mail/receivedmessage/{received.pk}/file/1/").status_code == 404
