"""E-mail intake: a received message becomes a ticket, a reply on one, a
message held for staff, or an ignored robot's message, and is kept once.

Who is writing decides what happens (the From address; a relay that checked
DMARC and saw it fail makes the message wait for staff instead):

- a known user (the one active account with that address) acts as that
  user: files for their organization, replies where they may;
- an address of an organization's verified domain files for that
  organization, as a contact without an account (the confirmation e-mail
  goes to that address, so a forged sender never follows the ticket);
- anyone else: the message waits for staff (accept files it, discard drops
  it) and the sender gets one polite answer a day.

A reply finds its ticket by the messages it answers (the site's own thread
ids, then messages received), else by "[SKB-123]" (or "[#123]") in the
subject, and only counts when the sender is in that ticket's conversation;
otherwise the message is read as new. A reply to a resolved or closed
ticket reopens it within ``KB_MAIL_REOPEN_DAYS``, later it files a new
ticket that names the old one.

No loops, no storms: robots' messages (auto-replies, bounces, lists) are
recorded as ignored and never answered; a sender who files more than
``KB_MAIL_TICKETS_PER_HOUR`` tickets in an hour is refused for the rest of
it, with one notice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kb.core.exceptions import ApplicationError
from kb.diagnose.diagnosis import attachment_parse
from kb.diagnostics import Answers, diagnose
from kb.mail.models import ReceivedMessage
from kb.mail.parsing import Attachment, ParsedMessage, message_digest, message_parse
from kb.mail.quoting import new_text
from kb.mail.selectors import (
    notice_sent_since,
    organization_of_user,
    received_message_find,
    sender_allowed_on,
    thread_ticket,
    tickets_filed_by_sender_since,
    user_for_sender,
)
from kb.mail.tasks import notice_send_task
from kb.mail.triage import detected_language, regions_named, suggested_priority
from kb.tickets.models import Organization, Ticket, TicketAttachment
from kb.tickets.selectors import organization_for_email, organization_usual_region
from kb.tickets.services import (
    holding_organization_ensure,
    ticket_attachment_add,
    ticket_comment,
    ticket_create,
    ticket_create_for_email_contact,
    ticket_reopen,
)

log = logging.getLogger(__name__)

Outcome = ReceivedMessage.Outcome
Reason = ReceivedMessage.Reason
RegionReason = ReceivedMessage.RegionReason

# How far back a trace header's time is believed as the arrival (older:
# the clock of whoever wrote it is wrong, and the SLA starts on receipt).
MAX_ARRIVAL_AGE = dt.timedelta(days=1)
# Bytes of an oversized message kept: enough for its headers.
OVERSIZED_KEEP = 64 * 1024
# An unknown sender is answered at most once in this time.
UNKNOWN_SENDER_NOTICE_EVERY = dt.timedelta(days=1)
THROTTLE_WINDOW = dt.timedelta(hours=1)


def message_receive(*, raw: bytes, source: str = ReceivedMessage.Source.RELAY,
                    arrived_at: dt.datetime | None = None, mailbox: str = "",
                    mailbox_region: str = "") -> ReceivedMessage:
    """Take one message in; the same message again returns what the first
    time decided and changes nothing.

    ``arrived_at`` is when the mailbox had it (IMAP's INTERNALDATE); without
    it the receiving server's trace header tells, else now. ``mailbox`` names
    the IMAP mailbox it came from and ``mailbox_region`` is that mailbox's
    region, for a message that names none.
    """
    raw = bytes(raw)
    digest = message_digest(raw)
    oversized = len(raw) > settings.KB_MAIL_MAX_BYTES
    parsed = message_parse(raw[:OVERSIZED_KEEP] if oversized else raw)
    existing = received_message_find(message_id=parsed.message_id, digest=digest)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _receive(raw=raw, digest=digest, parsed=parsed, source=source,
                            arrived_at=arrived_at, oversized=oversized, mailbox=mailbox,
                            mailbox_region=mailbox_region)
    except IntegrityError:
        # The same message arrived twice at once: the other one's outcome
        # stands (and what this one filed was rolled back with it).
        existing = received_message_find(message_id=parsed.message_id, digest=digest)
        if existing is None:
            raise
        return existing


def _arrival(parsed: ParsedMessage, arrived_at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    for candidate in (arrived_at, parsed.received):
        if candidate is not None and now - MAX_ARRIVAL_AGE <= candidate <= now:
            return candidate
    return now


def _receive(*, raw: bytes, digest: str, parsed: ParsedMessage, source: str,
             arrived_at: dt.datetime | None, oversized: bool, mailbox: str,
             mailbox_region: str) -> ReceivedMessage:
    shown = new_text(parsed.body)
    notes = list(parsed.defects)
    if parsed.from_html:
        notes.append("The message had only an HTML part; its text is shown.")
    received = ReceivedMessage(
        message_id=parsed.message_id[:998], digest=digest, source=source,
        raw=raw[:OVERSIZED_KEEP] if oversized else raw, size=len(raw),
        sender=parsed.sender, sender_name=parsed.sender_name, subject=parsed.subject[:1000],
        body=parsed.body, shown_text=shown,
        attachment_names=[a.name for a in parsed.attachments], notes=notes,
        suggested_priority=_priority(parsed, shown),
        language=detected_language(f"{parsed.subject}\n{shown}"),
        arrived_at=_arrival(parsed, arrived_at), processed_at=timezone.now(),
        mailbox=mailbox[:300], mailbox_region=mailbox_region,
    )
    # What the site writes on the ticket (a follow-up's first line, the
    # attachments kept aside) is in the language the customer wrote in.
    with translation.override(received.language or settings.LANGUAGE_CODE):
        return _decide(received, parsed, oversized=oversized)


def _decide(received: ReceivedMessage, parsed: ParsedMessage, *,
            oversized: bool) -> ReceivedMessage:
    if parsed.automatic:
        return _record(received, Outcome.IGNORED, parsed.automatic)
    if oversized:
        received.notes.append("Only the first 64 KB (the headers) are kept.")
        return _record(received, Outcome.IGNORED, Reason.TOO_LARGE,
                       notice=Reason.TOO_LARGE if parsed.sender else "")
    if not parsed.sender:
        return _record(received, Outcome.HELD, Reason.NO_SENDER)
    if parsed.undecodable:
        return _record(received, Outcome.HELD, Reason.UNDECODABLE)
    if parsed.authentication_failed:
        return _record(received, Outcome.HELD, Reason.AUTHENTICATION_FAILED)
    user = user_for_sender(email=parsed.sender)
    ticket = thread_ticket(thread_ids=parsed.thread_ids, subject=parsed.subject)
    try:
        # Each ticket service is atomic: one that refuses leaves nothing half
        # written, and the message waits for staff with the refusal.
        if ticket is not None and sender_allowed_on(ticket=ticket, email=parsed.sender,
                                                    user=user):
            return _reply(received, parsed, ticket=ticket, user=user)
        return _new_ticket(received, parsed, user=user)
    except (ApplicationError, ValidationError) as exc:
        received.ticket = None
        received.follows_ticket = None
        received.notes.append(str(getattr(exc, "message", None) or exc))
        return _record(received, Outcome.HELD, Reason.REFUSED)


def _priority(parsed: ParsedMessage, shown: str) -> str:
    """The phrases' suggestion, raised by what the attached logs show (a
    line down or lossy on the provider's side is a P2 at least)."""
    priority = suggested_priority(subject=parsed.subject, text=shown)
    if priority == "P1":
        return priority
    logs = _text_attachments(parsed.attachments)[:3]
    if not logs:
        return priority
    result = diagnose(description=f"{parsed.subject}\n{shown}"[:5000], answers=Answers(),
                      parsed=[attachment_parse(a.name, a.content) for a in logs])
    escalate = result.escalate
    if escalate.recommended and escalate.priority and escalate.priority < priority:
        return escalate.priority
    return priority


def _text_attachments(attachments: list[Attachment]) -> list[Attachment]:
    """The attachments a ticket keeps as logs (text, within its limits)."""
    logs = []
    for attachment in attachments:
        content = attachment.content
        if (attachment.is_text and content.strip() and len(content) <= TicketAttachment.MAX_BYTES
                and (b"\x00" not in content[:4096]
                     or content.startswith((b"\xff\xfe", b"\xfe\xff")))):
            logs.append(attachment)
    return logs[:TicketAttachment.MAX_PER_TICKET]


def _description(received: ReceivedMessage, parsed: ParsedMessage, text: str,
                 logs: list[Attachment], lead: str = "") -> str:
    """The ticket's description: the new text, what stays with the e-mail."""
    kept = [a for a in parsed.attachments if a not in logs]
    parts = [lead] if lead else []
    parts.append(text or _("(The message has no text.)"))
    if kept:
        parts.append(_("Kept with the e-mail (not shown here): %(names)s") % {
            "names": ", ".join(f"{a.name} ({a.content_type}, {max(1, len(a.content) // 1024)} KB)"
                               for a in kept)})
    parts.extend(received.notes)
    description = "\n\n".join(parts)
    limit = Ticket._meta.get_field("description").max_length or 20_000
    if len(description) > limit:
        cut = _("[… cut here: the whole message stays with the e-mail]")
        description = description[:limit - len(cut) - 2] + "\n\n" + cut
    return description


def _subject(parsed: ParsedMessage) -> str:
    subject = " ".join(parsed.subject.split())
    return (subject or _("E-mail from %(sender)s") % {"sender": parsed.sender})[:200]


def _new_ticket(received: ReceivedMessage, parsed: ParsedMessage, *, user,
                follows: Ticket | None = None) -> ReceivedMessage:
    organization, as_user = None, None
    if user is not None:
        organization = organization_of_user(user=user)
        as_user = user if organization is not None else None
    if organization is None:
        organization = organization_for_email(email=parsed.sender)
    if organization is None and follows is not None:
        organization = follows.organization  # its contact, answering late
    if organization is None:
        recently = notice_sent_since(email=parsed.sender, notice=Reason.UNKNOWN_SENDER,
                                     since=timezone.now() - UNKNOWN_SENDER_NOTICE_EVERY)
        return _record(received, Outcome.HELD, Reason.UNKNOWN_SENDER,
                       notice="" if recently else Reason.UNKNOWN_SENDER)
    since = received.arrived_at - THROTTLE_WINDOW
    if tickets_filed_by_sender_since(email=parsed.sender, since=since) \
            >= settings.KB_MAIL_TICKETS_PER_HOUR:
        recently = notice_sent_since(email=parsed.sender, notice=Reason.THROTTLED,
                                     since=timezone.now() - THROTTLE_WINDOW)
        return _record(received, Outcome.IGNORED, Reason.THROTTLED,
                       notice="" if recently else Reason.THROTTLED)
    lead = ""
    if follows is not None:
        lead = _("Follow-up of ticket #%(id)d (closed %(date)s UTC).") % {
            "id": follows.pk, "date": f"{follows.closed_at or follows.resolved_at:%Y-%m-%d}"}
    ticket = _file(received, parsed, organization=organization, user=as_user, lead=lead)
    received.ticket = ticket
    received.follows_ticket = follows
    reason = (Reason.FOLLOW_UP if follows is not None
              else Reason.FILED_AS_USER if as_user is not None else Reason.FILED_FOR_DOMAIN)
    return _record(received, Outcome.TICKET, reason)


def _region(received: ReceivedMessage, parsed: ParsedMessage, *,
            organization: Organization) -> tuple[str, str]:
    """The ticket's region and why: the one the message names (of several,
    the organization's usual one or the mailbox's when named, else the
    first named), else the mailbox's, else the organization's usual one."""
    has_history = organization.tickets.exists()
    usual = organization_usual_region(organization=organization)
    named = regions_named(f"{parsed.subject}\n{received.shown_text}")
    if named:
        preferred = [r for r in (usual if has_history else "", received.mailbox_region)
                     if r in named]
        return (preferred or named)[0], RegionReason.NAMED
    if received.mailbox_region:
        return received.mailbox_region, RegionReason.MAILBOX
    return usual, RegionReason.USUAL if has_history else RegionReason.DEFAULT


def _file(received: ReceivedMessage, parsed: ParsedMessage, *, organization: Organization,
          user, lead: str = "") -> Ticket:
    logs = _text_attachments(parsed.attachments)
    received.region, received.region_reason = _region(received, parsed,
                                                      organization=organization)
    common: dict[str, Any] = {
        "organization": organization, "subject": _subject(parsed),
        "description": _description(received, parsed, received.shown_text, logs, lead),
        "priority": received.suggested_priority,
        "region": received.region,
        "attachments": [(a.name, a.content) for a in logs],
        "language": received.language, "received_at": received.arrived_at,
    }
    if user is not None:
        return ticket_create(requester=user, **common)
    return ticket_create_for_email_contact(email=parsed.sender, **common)


def _reply(received: ReceivedMessage, parsed: ParsedMessage, *, ticket: Ticket,
           user) -> ReceivedMessage:
    text = received.shown_text.strip() or _("(The message has no text.)")
    if user is None or not sender_allowed_on(ticket=ticket, email="", user=user):
        # The ticket's contact: the timeline names who wrote.
        user = None
        text = _("E-mail from %(email)s:") % {"email": parsed.sender} + "\n\n" + text
    text = text[:20_000]
    received.ticket = ticket
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        ended = ticket.closed_at or ticket.resolved_at or ticket.updated_at
        window = dt.timedelta(days=settings.KB_MAIL_REOPEN_DAYS)
        if received.arrived_at - ended > window:
            received.ticket = None
            return _new_ticket(received, parsed, user=user, follows=ticket)
        ticket_reopen(ticket=ticket, actor=user, reason=text)
        reason = Reason.REOPENED
    else:
        ticket_comment(ticket=ticket, actor=user, text=text)
        reason = Reason.THREADED
    for attachment in _text_attachments(parsed.attachments):
        try:
            ticket_attachment_add(ticket=ticket, actor=user, name=attachment.name,
                                  content=attachment.content)
        except ApplicationError as exc:
            received.notes.append(f"{attachment.name}: {exc.message}")
    return _record(received, Outcome.REPLY, reason)


def _record(received: ReceivedMessage, outcome: str, reason: str,
            notice: str = "") -> ReceivedMessage:
    received.outcome = outcome
    received.reason = reason
    received.notice = notice
    if outcome == Outcome.HELD:
        received.review = ReceivedMessage.Review.WAITING
    # Uniqueness is the database's to judge: two copies of one message
    # arriving at once meet at its constraint (message_receive).
    received.full_clean(exclude=["raw", "body", "shown_text"], validate_unique=False,
                        validate_constraints=False)
    received.save()
    log.info("mail_received id=%s outcome=%s reason=%s ticket=%s", received.pk, outcome,
             reason, received.ticket_id)
    if notice:
        received_id = received.pk
        # The message is stored: a broker that is down must not turn that
        # into an error for the relay (which would only send it again).
        transaction.on_commit(lambda: notice_send_task.delay(received_id), robust=True)
    return received


def received_notice_send(*, received_id: int) -> str:
    """Send a received message's automatic answer, once."""
    from kb.mail.replies import notice_send

    with transaction.atomic():
        received = (ReceivedMessage.objects.select_for_update()
                    .filter(pk=received_id).first())
        if received is None or not received.notice:
            return "nothing"
        if received.notice_sent_at is not None:
            return "already sent"
        notice_send(received=received)
        received.notice_sent_at = timezone.now()
        received.save(update_fields=["notice_sent_at"])
    return "sent"


# Staff's decisions on held messages (the admin's actions) -------------------

@transaction.atomic
def held_message_accept(*, received: ReceivedMessage, actor) -> ReceivedMessage:
    """File a held message as a ticket: for the organization of the sender's
    domain if one verified it since, else in the holding organization for
    support to move. The received message keeps its first outcome (held);
    the ticket it became is linked."""
    received = ReceivedMessage.objects.select_for_update().get(pk=received.pk)
    if received.outcome != Outcome.HELD or received.review != ReceivedMessage.Review.WAITING:
        raise ApplicationError(_("Only a message waiting for staff can be accepted."))
    if not received.sender:
        raise ApplicationError(_("This message has no sender address to file it for; "
                                 "discard it or forward it from a real address."))
    parsed = message_parse(bytes(received.raw))
    parsed.sender = received.sender
    organization = organization_for_email(email=received.sender) or holding_organization_ensure()
    received.ticket = _file(received, parsed, organization=organization,
                            user=None)
    received.review = ReceivedMessage.Review.ACCEPTED
    received.reviewed_by = actor
    received.save(update_fields=["ticket", "review", "reviewed_by", "region",
                                 "region_reason"])
    return received


@transaction.atomic
def held_message_discard(*, received: ReceivedMessage, actor) -> ReceivedMessage:
    received = ReceivedMessage.objects.select_for_update().get(pk=received.pk)
    if received.outcome != Outcome.HELD or received.review != ReceivedMessage.Review.WAITING:
        raise ApplicationError(_("Only a message waiting for staff can be discarded."))
    received.review = ReceivedMessage.Review.DISCARDED
    received.reviewed_by = actor
    received.save(update_fields=["review", "reviewed_by"])
    return received
