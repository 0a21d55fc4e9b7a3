"""Reads for e-mail intake: who a sender is, which ticket a message answers."""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from kb.mail.models import ReceivedMessage
from kb.tickets.models import Organization, Ticket
from kb.tickets.paging import ticket_id_from_message_id
from kb.tickets.permissions import ticket_operation_allowed
from kb.tickets.selectors import organization_for

# "[SKB-123]" as the issue names it, and "[#123]" as the site's e-mails
# write it in their subjects.
SUBJECT_REFERENCE = re.compile(r"\[(?:SKB-|#)(\d{1,12})\]", re.I)


def user_for_sender(*, email: str):
    """The active account with this address, if exactly one has it (two
    accounts sharing an address cannot tell who wrote)."""
    if not email:
        return None
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    return users[0] if len(users) == 1 else None


def organization_of_user(*, user) -> Organization | None:
    return organization_for(user=user)


def received_message_find(*, message_id: str, digest: str) -> ReceivedMessage | None:
    """The message already received: the same bytes, or the same Message-ID
    (a relay's retry carries other trace headers)."""
    found = ReceivedMessage.objects.filter(digest=digest).first()
    if found is None and message_id:
        found = ReceivedMessage.objects.filter(message_id=message_id).first()
    return found


def thread_ticket(*, thread_ids: list[str], subject: str) -> Ticket | None:
    """The ticket a message answers: by the messages it names (the site's
    own, then those received), else by the reference in its subject."""
    for message_id in thread_ids:
        ticket_id = ticket_id_from_message_id(message_id)
        if ticket_id is not None:
            ticket = Ticket.objects.filter(pk=ticket_id).first()
            if ticket is not None:
                return ticket
    if thread_ids:
        received = (ReceivedMessage.objects.filter(message_id__in=thread_ids,
                                                   ticket__isnull=False)
                    .select_related("ticket").order_by("-arrived_at").first())
        if received is not None:
            return received.ticket
    match = SUBJECT_REFERENCE.search(subject)
    if match:
        return Ticket.objects.filter(pk=int(match.group(1))).first()
    return None


def sender_allowed_on(*, ticket: Ticket, email: str, user) -> bool:
    """A reference only counts from someone in the conversation: a member of
    the ticket's organization, a support engineer, or the ticket's contact."""
    if user is not None and ticket_operation_allowed(user=user, ticket=ticket,
                                                     operation="comment"):
        return True
    return bool(email) and ticket.contact_email.lower() == email.lower()


def tickets_filed_by_sender_since(*, email: str, since: dt.datetime) -> int:
    return ReceivedMessage.objects.filter(
        sender=email, outcome=ReceivedMessage.Outcome.TICKET, arrived_at__gte=since).count()


def notice_sent_since(*, email: str, notice: str, since: dt.datetime) -> bool:
    return ReceivedMessage.objects.filter(sender=email, notice=notice,
                                          processed_at__gte=since).exists()


def held_messages() -> QuerySet[ReceivedMessage]:
    return ReceivedMessage.objects.filter(outcome=ReceivedMessage.Outcome.HELD,
                                          review=ReceivedMessage.Review.WAITING)
