"""Deliveries: the P1 page to the on-call engineer by every channel at once,
and e-mail updates to the customer.

Each delivery is a ``Notification`` row sent by a Celery task with retries;
a delivery that keeps failing is marked failed and stays visible on the
ticket. Webhook payloads are JSON signed with HMAC-SHA256 of the body under
``KB_WEBHOOK_SECRET``, in the ``X-Streamline-Signature: sha256=<hex>`` header.
"""

import hashlib
import hmac
import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kb.tickets.headers import body_text, header_text
from kb.tickets.models import Notification, OnCallShift, Ticket, TicketEvent
from kb.tickets.timeline import timeline_record

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10


def on_call_engineer(*, team, at):
    """Who is on call for ``team`` at ``at``: the rota, else the team lead."""
    shift = (OnCallShift.objects.filter(team=team, starts_at__lte=at, ends_at__gt=at)
             .select_related("engineer").order_by("-starts_at").first())
    return shift.engineer if shift else team.lead


def webhook_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def page_subject(ticket: Ticket) -> str:
    """One line: the customer's subject and stream ID, sanitised and cut short
    (both are whole in the body)."""
    where = ", ".join(part for part in (ticket.region, header_text(ticket.stream_id, limit=40))
                      if part)
    return header_text(f"[P1] #{ticket.pk} {header_text(ticket.subject, limit=100)} ({where})")


def page_body(ticket: Ticket) -> str:
    """What the paged engineer reads: the customer's words in full."""
    link = f"{settings.KB_SITE_URL}{reverse('tickets:detail', args=[ticket.pk])}"
    lines = [
        f"P1 #{ticket.pk}: {ticket.subject}",
        f"Stream or line: {ticket.stream_id or '-'}",
        f"Region: {ticket.region}, team: {ticket.team.code}",
        f"Acknowledge by: {ticket.acknowledge_due:%Y-%m-%d %H:%M} UTC",
        link,
        "",
        ticket.description[:2000],
    ]
    return body_text("\n".join(lines)) + "\n"


def page_payload(ticket: Ticket, engineer) -> dict:
    return {
        "event": "p1.created", "ticket": ticket.pk, "priority": ticket.priority,
        "subject": ticket.subject, "region": ticket.region, "team": ticket.team.code,
        "stream_id": ticket.stream_id, "on_call": engineer.get_username() if engineer else None,
        "acknowledge_due": ticket.acknowledge_due.isoformat(),
    }


@transaction.atomic
def p1_page(*, ticket: Ticket) -> list[Notification]:
    """Create the deliveries for a new P1 (once) and queue them after commit."""
    pages = ticket.notifications.filter(purpose=Notification.Purpose.PAGE)
    if ticket.priority != "P1" or pages.exists():
        return []
    now = timezone.now()
    engineer = on_call_engineer(team=ticket.team, at=now)
    if engineer is not None and ticket.assignee_id is None:
        ticket.assignee = engineer
        ticket.save(update_fields=["assignee", "updated_at"])
    subject = page_subject(ticket)
    deliveries = []
    if engineer is not None and engineer.email:
        deliveries.append(Notification(ticket=ticket, channel=Notification.Channel.EMAIL,
                                       target=engineer.email, subject=subject, created_at=now))
    if ticket.team.webhook_url:
        deliveries.append(Notification(ticket=ticket, channel=Notification.Channel.WEBHOOK,
                                       target=ticket.team.webhook_url, subject=subject,
                                       created_at=now))
    Notification.objects.bulk_create(deliveries)
    if engineer is None:
        timeline_record(ticket=ticket, kind=TicketEvent.Kind.SLA, code="p1_nobody", at=now)
    else:
        timeline_record(ticket=ticket, kind=TicketEvent.Kind.SLA, code="p1_paging", at=now,
                        params={"who": engineer.get_username(), "count": len(deliveries)})
    _queue(list(pages))
    return deliveries


def _queue(notifications: list[Notification]) -> None:
    from kb.tickets.tasks import deliver_notification_task

    ids = [n.pk for n in notifications]
    transaction.on_commit(lambda: [deliver_notification_task.delay(i) for i in ids])


# What a customer e-mail says happened, in the language the ticket was filed in.
UPDATES = {
    "replied": _("Support replied"),
    "resolved": _("Resolved: please confirm the fix"),
}


def customer_update(*, ticket: Ticket, update: str, text: str = "") -> Notification | None:
    """E-mail the requester that their ticket moved (a staff reply, a resolution)."""
    email = ticket.requester.email
    if not email:
        return None
    link = f"{settings.KB_SITE_URL}{reverse('tickets:detail', args=[ticket.pk])}"
    with translation.override(ticket.language):
        headline = str(UPDATES[update])
    notification = Notification.objects.create(
        ticket=ticket, channel=Notification.Channel.EMAIL, target=email,
        purpose=Notification.Purpose.UPDATE,
        subject=header_text(f"[#{ticket.pk}] {headline}: {header_text(ticket.subject)}"),
        body=body_text("\n\n".join(part for part in (f"{headline}.", text, link) if part))
        + "\n",
        created_at=timezone.now(),
    )
    _queue([notification])
    return notification


def notification_deliver(*, notification: Notification) -> None:
    """Send one delivery; raises on failure so the task retries."""
    if notification.status == Notification.Status.SENT:
        return  # a retry after success: nothing to do
    ticket = notification.ticket
    notification.attempts += 1
    notification.save(update_fields=["attempts"])
    if notification.channel == Notification.Channel.EMAIL:
        # Sanitised again: a delivery queued before headers were sanitised
        # may still be waiting for its retry.
        send_mail(subject=header_text(notification.subject),
                  message=notification.body or page_body(ticket),
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[notification.target])
    else:
        engineer = ticket.assignee
        body = json.dumps(page_payload(ticket, engineer)).encode()
        request = urllib.request.Request(
            notification.target, data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "X-Streamline-Signature": webhook_signature(body,
                                                                 settings.KB_WEBHOOK_SECRET)},
        )
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:
            if response.status >= 300:
                raise OSError(f"webhook answered HTTP {response.status}")
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])


def notification_failed(*, notification: Notification, error: str) -> None:
    notification.status = Notification.Status.FAILED
    notification.last_error = error[:500]
    notification.save(update_fields=["status", "last_error"])
    timeline_record(ticket=notification.ticket, kind=TicketEvent.Kind.SLA, public=False,
                    code="delivery_failed",
                    params={"channel": notification.channel, "target": notification.target,
                            "error": error[:200]})
    log.warning("notification_failed id=%s channel=%s error=%r", notification.pk,
                notification.channel, error)
