"""The automatic answers e-mail intake sends: held, throttled, too large.

Each answers one received message, in its thread (In-Reply-To, References),
marked ``Auto-Submitted: auto-replied`` so that the sender's own robots
(an out-of-office reply) do not answer it, and is sent by a task after the
received message is stored. Robots' messages never get one.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from kb.mail.models import ReceivedMessage


def _subject(received: ReceivedMessage) -> str:
    subject = " ".join(received.subject.split())[:150] or _("your message")
    if not subject.lower().startswith(("re:", "回复", "答复")):
        subject = f"Re: {subject}"
    return subject


def _text(received: ReceivedMessage) -> str:
    site = settings.KB_SITE_URL
    if received.notice == ReceivedMessage.Reason.UNKNOWN_SENDER:
        return _(
            "Thank you for writing to Streamline support.\n\n"
            "We could not match %(email)s to a customer account or to an organization "
            "whose e-mail domain we have verified, so your message waits for our staff, "
            "who will file it as a ticket or get back to you.\n\n"
            "To be helped faster next time: sign in at %(site)s (ask your organization's "
            "administrator for an account), or ask us to verify your company's e-mail "
            "domain. If a stream is down now, use the emergency form at %(site)s/wizard/, "
            "which needs no account."
        ) % {"email": received.sender, "site": site}
    if received.notice == ReceivedMessage.Reason.THROTTLED:
        return _(
            "We received more than %(count)d new requests from %(email)s within an hour, "
            "so further messages from this address are not filed as tickets for the rest "
            "of the hour (this answer is sent once). If this is one problem, reply on its "
            "ticket; if a stream is down, use %(site)s/wizard/."
        ) % {"count": settings.KB_MAIL_TICKETS_PER_HOUR, "email": received.sender,
             "site": site}
    return _(
        "Your message was %(size)s MB; the support address accepts messages up to "
        "%(limit)s MB, so it was not filed. Please send it again without the largest "
        "attachments (a screenshot or the relevant part of a log is enough), or attach "
        "the files to your ticket at %(site)s."
    ) % {"size": f"{received.size / 1048576:.1f}",
         "limit": f"{settings.KB_MAIL_MAX_BYTES / 1048576:g}", "site": site}


def notice_send(*, received: ReceivedMessage) -> None:
    """Send the answer ``received.notice`` names to its sender."""
    if not received.notice or not received.sender:
        return
    with translation.override(received.language or settings.LANGUAGE_CODE):
        subject, body = _subject(received), _text(received)
    headers = {"Auto-Submitted": "auto-replied"}
    if received.message_id:
        headers["In-Reply-To"] = f"<{received.message_id}>"
        headers["References"] = f"<{received.message_id}>"
    EmailMessage(subject=subject, body=body + "\n", from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[received.sender], headers=headers).send()
