"""Deliveries: the P1 page to a person by every channel at once, the alarm
when a page reaches nobody, and e-mail updates to the customer.

Paging always looks for a person, in this order, and stops at the first step
that has somebody with an e-mail address (inactive accounts are skipped):

1. the routed team's on-call engineer (the rota, ``OnCallShift``);
2. the team lead;
3. every member of the team;
4. every active user in the "Support leads" group.

The team's webhook (a chat or paging tool) gets every page as well. A page
that cannot be delivered (nobody found with an e-mail address, or every
e-mail of the page failed after its retries) raises a ``PageAlarm``, once per
ticket: the support leads are e-mailed, the webhook is told, the staff
timeline records it and the queue shows it until someone acknowledges.

Each delivery is a ``Notification`` row sent by a Celery task with retries;
a delivery that keeps failing is marked failed and stays visible on the
ticket. Webhook payloads are JSON signed with HMAC-SHA256 of the body under
``KB_WEBHOOK_SECRET``, in the ``X-Streamline-Signature: sha256=<hex>`` header.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kb.tickets.contacts import follow_url
from kb.tickets.headers import body_text, header_text
from kb.tickets.models import Notification, OnCallShift, PageAlarm, Team, Ticket, TicketEvent
from kb.tickets.names import team_name as team_label
from kb.tickets.satisfaction import satisfaction_email_text
from kb.tickets.selectors import support_leads
from kb.tickets.timeline import timeline_record

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10
ReachedAs = Notification.ReachedAs

# The timeline entry of each step of the chain.
PAGING_CODES = {
    ReachedAs.ON_CALL: "p1_paging",
    ReachedAs.LEAD: "p1_paging_lead",
    ReachedAs.MEMBER: "p1_paging_members",
    ReachedAs.SUPPORT_LEAD: "p1_paging_leads",
}
ALARM_CODES = {PageAlarm.Reason.NOBODY: "page_alarm_nobody",
               PageAlarm.Reason.FAILED: "page_alarm_failed"}
# What the alarm e-mail says first.
ALARM_REASONS = {
    PageAlarm.Reason.NOBODY: gettext_lazy(
        "Nobody could be paged for this P1: nobody on call, no team lead, no team member "
        "and no support lead has an e-mail address."),
    PageAlarm.Reason.FAILED: gettext_lazy(
        "Every e-mail page for this P1 failed after its retries: nobody was reached."),
}


@dataclass(frozen=True)
class PageRecipients:
    """The step of the chain a page goes to, and the people in it."""

    reached_as: str
    people: list


def page_recipients(*, team: Team, at: dt.datetime) -> PageRecipients | None:
    """Who a P1 of ``team`` pages at ``at``: the first step of the chain
    with somebody to e-mail; None when nobody in it has an e-mail address."""
    reachable = get_user_model().objects.filter(is_active=True).exclude(email="")
    shift = (OnCallShift.objects.filter(team=team, starts_at__lte=at, ends_at__gt=at,
                                        engineer__in=reachable)
             .select_related("engineer").order_by("-starts_at", "-pk").first())
    if shift is not None:
        return PageRecipients(ReachedAs.ON_CALL, [shift.engineer])
    lead = reachable.filter(pk=team.lead_id).first() if team.lead_id else None
    if lead is not None:
        return PageRecipients(ReachedAs.LEAD, [lead])
    members = list(reachable.filter(support_teams=team).order_by("username"))
    if members:
        return PageRecipients(ReachedAs.MEMBER, members)
    leads = list(support_leads().exclude(email=""))
    if leads:
        return PageRecipients(ReachedAs.SUPPORT_LEAD, leads)
    return None


def webhook_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _ticket_link(ticket: Ticket) -> str:
    return f"{settings.KB_SITE_URL}{reverse('tickets:detail', args=[ticket.pk])}"


def page_subject(ticket: Ticket) -> str:
    """One line: the customer's subject and stream ID, sanitised and cut short
    (both are whole in the body)."""
    where = ", ".join(part for part in (ticket.region, header_text(ticket.stream_id, limit=40))
                      if part)
    return header_text(f"[P1] #{ticket.pk} {header_text(ticket.subject, limit=100)} ({where})")


def page_body(ticket: Ticket) -> str:
    """What the paged engineer reads: the customer's words in full.

    Staff e-mails are written in the site's language (``LANGUAGE_CODE``).
    """
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            f"P1 #{ticket.pk}: {ticket.subject}",
            _("Stream or line: %(stream)s") % {"stream": ticket.stream_id or "-"},
            _("Region: %(region)s, team: %(team)s") % {"region": ticket.region,
                                                      "team": ticket.team.code},
            _("Acknowledge by: %(due)s UTC") % {
                "due": f"{ticket.acknowledge_due:%Y-%m-%d %H:%M}"},
            *([_("Contact without an account: %(email)s, %(organization)s (e-mail not "
                 "confirmed yet)") % {"email": ticket.contact_email,
                                     "organization": ticket.contact_organization}]
              if ticket.requester_id is None and ticket.contact_verified_at is None else []),
            _ticket_link(ticket),
            "",
            ticket.description[:2000],
        ]
    return body_text("\n".join(lines)) + "\n"


def page_payload(ticket: Ticket) -> dict:
    pages = ticket.notifications.filter(purpose=Notification.Purpose.PAGE,
                                        channel=Notification.Channel.EMAIL)
    return {
        "event": "p1.created", "ticket": ticket.pk, "priority": ticket.priority,
        "subject": ticket.subject, "region": ticket.region, "team": ticket.team.code,
        "stream_id": ticket.stream_id,
        "on_call": ticket.assignee.get_username() if ticket.assignee else None,
        "paged": sorted(pages.exclude(recipient=None)
                        .values_list("recipient__username", flat=True)),
        "reached_as": pages.values_list("reached_as", flat=True).first(),
        "acknowledge_due": ticket.acknowledge_due.isoformat(), "url": _ticket_link(ticket),
    }


def alarm_payload(ticket: Ticket) -> dict:
    return {
        "event": "p1.page_alarm", "ticket": ticket.pk, "priority": ticket.priority,
        "reason": ticket.page_alarm.reason, "subject": ticket.subject,
        "region": ticket.region, "team": ticket.team.code, "stream_id": ticket.stream_id,
        "acknowledge_due": ticket.acknowledge_due.isoformat(), "url": _ticket_link(ticket),
    }


@transaction.atomic
def p1_page(*, ticket: Ticket) -> list[Notification]:
    """Create the deliveries for a new P1 (once) and queue them after commit.

    Nobody to page is never the end of it: the alarm goes out instead.
    """
    if (ticket.priority != "P1"
            or ticket.notifications.filter(purpose=Notification.Purpose.PAGE).exists()
            or PageAlarm.objects.filter(ticket=ticket).exists()):
        return []
    now = timezone.now()
    recipients = page_recipients(team=ticket.team, at=now)
    subject = page_subject(ticket)
    deliveries = []
    if recipients is not None:
        # One person on duty takes the ticket; a group shares it until one
        # of them acknowledges (and so becomes the assignee).
        if recipients.reached_as in (ReachedAs.ON_CALL, ReachedAs.LEAD) \
                and ticket.assignee_id is None:
            ticket.assignee = recipients.people[0]
            ticket.save(update_fields=["assignee", "updated_at"])
        for person in recipients.people:
            deliveries.append(Notification(
                ticket=ticket, channel=Notification.Channel.EMAIL, target=person.email,
                recipient=person, reached_as=recipients.reached_as, subject=subject,
                created_at=now))
    if ticket.team.webhook_url:
        deliveries.append(Notification(ticket=ticket, channel=Notification.Channel.WEBHOOK,
                                       target=ticket.team.webhook_url, subject=subject,
                                       created_at=now))
    deliveries = Notification.objects.bulk_create(deliveries)
    if recipients is not None:
        timeline_record(ticket=ticket, kind=TicketEvent.Kind.SLA, public=False, at=now,
                        code=PAGING_CODES[recipients.reached_as],
                        params={"who": ", ".join(p.get_username() for p in recipients.people),
                                "team": ticket.team.code, "count": len(deliveries)})
    _queue(list(ticket.notifications.filter(purpose=Notification.Purpose.PAGE)))
    if recipients is None:
        page_alarm_raise(ticket=ticket, reason=PageAlarm.Reason.NOBODY)
    return deliveries


@transaction.atomic
def page_alarm_raise(*, ticket: Ticket, reason: str) -> PageAlarm | None:
    """The page reached nobody: tell the support leads and the team webhook,
    once per ticket (a second call returns None and sends nothing)."""
    now = timezone.now()
    alarm, created = PageAlarm.objects.get_or_create(
        ticket=ticket, defaults={"reason": reason, "created_at": now})
    if not created:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = header_text(_("[Page alarm] P1 #%(id)d %(subject)s") % {
            "id": ticket.pk, "subject": header_text(ticket.subject, limit=100)})
        body = "\n".join([
            str(ALARM_REASONS[reason]),
            _("Take the ticket now: %(link)s") % {"link": _ticket_link(ticket)},
            "",
            *(f"{n.get_channel_display()} → {n.target}: {n.get_status_display()}"
              + (f" ({n.last_error})" if n.last_error else "")
              for n in ticket.notifications.filter(purpose=Notification.Purpose.PAGE)),
            "",
        ]) + page_body(ticket)
    deliveries = [
        Notification(ticket=ticket, channel=Notification.Channel.EMAIL, target=lead.email,
                     recipient=lead, reached_as=ReachedAs.SUPPORT_LEAD,
                     purpose=Notification.Purpose.ALARM, subject=subject,
                     body=body_text(body), created_at=now)
        for lead in support_leads().exclude(email="")
    ]
    if ticket.team.webhook_url:
        deliveries.append(Notification(ticket=ticket, channel=Notification.Channel.WEBHOOK,
                                       target=ticket.team.webhook_url,
                                       purpose=Notification.Purpose.ALARM, subject=subject,
                                       created_at=now))
    Notification.objects.bulk_create(deliveries)
    timeline_record(ticket=ticket, kind=TicketEvent.Kind.SLA, public=False, at=now,
                    code=ALARM_CODES[reason], params={"count": len(deliveries)})
    log.error("page_alarm ticket=%s reason=%s alarm_deliveries=%d", ticket.pk, reason,
              len(deliveries))
    _queue(list(ticket.notifications.filter(purpose=Notification.Purpose.ALARM)))
    return alarm


def _queue(notifications: list[Notification]) -> None:
    from kb.tickets.tasks import deliver_notification_task

    ids = [n.pk for n in notifications]
    transaction.on_commit(lambda: [deliver_notification_task.delay(i) for i in ids])


# What a customer e-mail says happened, in the language the ticket was filed in.
UPDATES = {
    "filed": gettext_lazy("Ticket filed"),
    "acknowledged": gettext_lazy("Support is on it"),
    "replied": gettext_lazy("Support replied"),
    "resolved": gettext_lazy("Resolved: please confirm the fix"),
    "noted": gettext_lazy("News on your ticket"),
    "closed": gettext_lazy("Ticket closed"),
}


def _promise_lines(ticket: Ticket) -> list[str]:
    """The due times still ahead, in UTC (the worker knows no reader's zone)."""
    labels = {"acknowledge": _("Acknowledged by"), "locate": _("Cause located by"),
              "resolve": _("Resolved by")}
    lines = []
    for stage in Ticket.STAGES:
        if getattr(ticket, Ticket.STAGE_STAMPS[stage]) is None:
            due = getattr(ticket, f"{stage}_due")
            lines.append(f"- {labels[stage]} {due:%Y-%m-%d %H:%M} UTC")
    return lines


def customer_link(ticket: Ticket) -> str:
    """The requester's ticket page; for a contact, the signed link that
    confirms their address and lets them follow it."""
    if ticket.requester_id is None and ticket.contact_email:
        return follow_url(ticket)
    return _ticket_link(ticket)


def _customer_text(ticket: Ticket, update: str, text: str) -> str:
    """The body of a customer e-mail, in the active language."""
    if update == "filed":
        parts = [
            *([text] if text else []),
            _("We have your ticket #%(id)d (%(priority)s): %(subject)s") % {
                "id": ticket.pk, "priority": ticket.priority, "subject": ticket.subject},
            _("It is with the %(team)s.") % {"team": team_label(ticket.team)},
            _("We promise:") + "\n" + "\n".join(_promise_lines(ticket)),
        ]
        if ticket.priority == "P1":
            parts.append(_("The on-call engineer is being paged now."))
        if ticket.requester_id is None and ticket.contact_verified_at is None:
            parts.append(_("Open this link to confirm your e-mail address and follow the "
                           "ticket (no account needed):"))
        return "\n\n".join(parts)
    if update == "acknowledged":
        lines = _promise_lines(ticket)
        parts = [_("%(engineer)s is working on your ticket #%(id)d.") % {
            "engineer": text or _("An engineer"), "id": ticket.pk}]
        if lines:
            parts.append(_("Still ahead:") + "\n" + "\n".join(lines))
        return "\n\n".join(parts)
    if update == "closed":
        return satisfaction_email_text(ticket)
    return text


def customer_update(*, ticket: Ticket, update: str, text: str = "") -> Notification | None:
    """E-mail the customer that their ticket moved: filed (with the promised
    times), acknowledged, a staff reply, a resolution, the close (with the
    satisfaction question)."""
    email = ticket.reply_to
    if not email:
        return None
    link = customer_link(ticket)
    with translation.override(ticket.language):
        headline = str(UPDATES[update])
        body = _customer_text(ticket, update, text)
    notification = Notification.objects.create(
        ticket=ticket, channel=Notification.Channel.EMAIL, target=email,
        purpose=Notification.Purpose.UPDATE,
        subject=header_text(f"[#{ticket.pk}] {headline}: {header_text(ticket.subject)}"),
        body=body_text("\n\n".join(part for part in (f"{headline}.", body, link) if part))
        + "\n",
        created_at=timezone.now(),
    )
    _queue([notification])
    return notification


# E-mail threading. Every e-mail about a ticket belongs to one thread whose
# root id names the ticket; each delivery has its own id naming the ticket
# and the delivery, so it is the same on every retry. A customer's mail
# client answers with these in In-Reply-To and References, which is how
# kb.mail finds the ticket a reply belongs to.
_OWN_MESSAGE_ID = re.compile(r"^skb\.(\d{1,12})(?:\.\d{1,12})?@(.+)$")


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >").lower() or "localhost"


def ticket_thread_id(ticket_id: int) -> str:
    """The root of a ticket's e-mail thread, as a header writes it."""
    return f"<skb.{ticket_id}@{_mail_domain()}>"


def notification_message_id(notification: Notification) -> str:
    return f"<skb.{notification.ticket_id}.{notification.pk}@{_mail_domain()}>"


def ticket_id_from_message_id(message_id: str) -> int | None:
    """The ticket a Message-ID of the site's (without angle brackets) names."""
    match = _OWN_MESSAGE_ID.match(message_id.strip("<> "))
    if match is None or match.group(2).lower() != _mail_domain():
        return None
    return int(match.group(1))


def _carries_a_persons_words(notification: Notification) -> bool:
    """A support engineer's reply is a person writing; every other e-mail the
    site sends it writes by itself (RFC 3834: Auto-Submitted)."""
    if notification.purpose != Notification.Purpose.UPDATE:
        return False
    with translation.override(notification.ticket.language):
        replied = f"[#{notification.ticket_id}] {UPDATES['replied']}:"
    return notification.subject.startswith(replied)


def notification_headers(notification: Notification) -> dict[str, str]:
    """Thread headers of an e-mail delivery, and Auto-Submitted where no
    person wrote it: customer updates answer the customer automatically
    (auto-replied), pages and alarms are generated (auto-generated)."""
    root = ticket_thread_id(notification.ticket_id)
    headers = {"Message-ID": notification_message_id(notification),
               "In-Reply-To": root, "References": root}
    if not _carries_a_persons_words(notification):
        headers["Auto-Submitted"] = ("auto-replied"
                                     if notification.purpose == Notification.Purpose.UPDATE
                                     else "auto-generated")
    return headers


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
        EmailMessage(subject=header_text(notification.subject),
                     body=notification.body or page_body(ticket),
                     from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.target],
                     headers=notification_headers(notification)).send()
    else:
        payload = (alarm_payload(ticket) if notification.purpose == Notification.Purpose.ALARM
                   else page_payload(ticket))
        body = json.dumps(payload).encode()
        request = urllib.request.Request(
            notification.target, data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "X-Streamline-Signature": webhook_signature(body,
                                                                 settings.KB_WEBHOOK_SECRET),
                     # The same on every try: a try the receiver got but never
                     # answered (a worker killed mid-request) comes again, and
                     # the receiver knows it for the same page.
                     "X-Streamline-Delivery": str(notification.pk)},
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
    if (notification.purpose == Notification.Purpose.PAGE
            and notification.channel == Notification.Channel.EMAIL):
        _alarm_if_nobody_reached(notification.ticket)


def _alarm_if_nobody_reached(ticket: Ticket) -> None:
    """Raise the alarm once no e-mail page can still reach a person.

    Each failed delivery saves its status before looking at the others, so
    of two failing at once at least the later sees both failed; the alarm's
    one-per-ticket row keeps a double look harmless.
    """
    if ticket.acknowledged_at is not None:
        return  # somebody has it already
    pages = ticket.notifications.filter(purpose=Notification.Purpose.PAGE,
                                        channel=Notification.Channel.EMAIL)
    if not pages.exclude(status=Notification.Status.FAILED).exists():
        page_alarm_raise(ticket=ticket, reason=PageAlarm.Reason.FAILED)
